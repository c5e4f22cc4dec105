// Signature help: the callee's parameters, the one being written highlighted.
import type { SignatureHelp } from "vscode-languageserver";
import type { CheckResult } from "../compiler/check";
import { callAt, resolveCallee } from "./calls";
import { enclosingDecl } from "./lookup";
import { pathAt } from "./nodes";

export function signatureHelp(result: CheckResult, text: string, offset: number): SignatureHelp | null {
  const call = callAt(text, offset);
  if (!call) return null;
  const callee = resolveCallee(result, call.callee, enclosingDecl(pathAt(result.program, offset)));
  if (!callee) return null;
  const labels = callee.params.map((p) => `${p.name}: ${p.type}${p.default !== undefined ? ` = ${p.default}` : ""}`);
  // A named argument picks its parameter; positional ones count from the first.
  const active = call.current !== undefined ? callee.params.findIndex((p) => p.name === call.current) : call.named.length ? -1 : call.index;
  return {
    signatures: [
      {
        label: `${callee.name}(${labels.join(", ")})`,
        ...(callee.doc ? { documentation: callee.doc } : {}),
        parameters: callee.params.map((p, i) => ({ label: labels[i]!, ...(p.doc ? { documentation: p.doc } : {}) })),
      },
    ],
    activeSignature: 0,
    activeParameter: active >= 0 ? active : null,
  } as SignatureHelp;
}
