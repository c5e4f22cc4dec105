// The call the cursor is inside, read from the text (the code being typed rarely parses):
// `mnist(split: "train", |` → callee `mnist`, argument 1, named arguments so far ["split"].
import type { AnyNode, Decl } from "../grammar/ast";
import type { CheckResult } from "../compiler/check";
import { BUILTIN_CONTEXTS, lookupBuiltin, type Builtin, type BuiltinContext } from "../compiler/builtins";

export interface CallAt {
  callee: string;
  /** index of the argument being written */
  index: number;
  /** named arguments already written */
  named: string[];
  /** the named argument being written (`split: "tr|`), if any */
  current?: string;
  /** the argument so far is a bare word (or nothing): an argument name may go here */
  atName: boolean;
}

const OPEN: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

export function callAt(text: string, offset: number): CallAt | undefined {
  let depth = 0;
  let start = -1;
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i]!;
    if (c in OPEN) depth++;
    else if (c === "(" || c === "[" || c === "{") {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (c !== "(") return undefined;
      start = i;
      break;
    }
  }
  if (start < 0) return undefined;
  const callee = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text.slice(0, start))?.[1];
  if (!callee) return undefined;
  const args = splitTopLevel(text.slice(start + 1, offset));
  const named = args.flatMap((a) => /^\s*([A-Za-z_]\w*)\s*:/.exec(a)?.[1] ?? []);
  const last = args[args.length - 1] ?? "";
  const current = /^\s*([A-Za-z_]\w*)\s*:/.exec(last)?.[1];
  return { callee, index: args.length - 1, named, ...(current ? { current } : {}), atName: /^\s*[A-Za-z_]?\w*$/.test(last) };
}

/** Arguments separated by commas outside brackets and strings. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inString) {
      if (c === "\\") cur += s[i++] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** The contexts a call may be in, most likely first, by the declaration around the cursor. */
export function contextsFor(decl: AnyNode | undefined): BuiltinContext[] {
  if (decl?.kind === "NetworkDecl") return ["layer", "network", "function"];
  if (decl?.kind === "BiasDecl") return ["function", "initializer", "network"];
  return ["data", "prior", "likelihood", "objective", "optimizer", "metric", "network", "function"];
}

export interface Callee {
  name: string;
  params: { name: string; type: string; default?: string; doc?: string }[];
  doc?: string;
  builtin?: Builtin;
}

/** What a callee name is: a bias or network of the file (or its imports), else a built-in. */
export function resolveCallee(result: CheckResult, name: string, decl: Decl | undefined): Callee | undefined {
  const root = result.modules[0];
  const sym = root && result.names?.globals.get(root)?.peek(name);
  if (sym && (sym.kind === "bias" || sym.kind === "network")) {
    const text = result.sources.get(sym.decl.span.file) ?? "";
    const params = sym.kind === "network" && sym.decl.params[0]?.type.kind === "TensorType" ? sym.decl.params.slice(1) : sym.decl.params;
    return {
      name,
      params: params.map((p) => ({
        name: p.name.name,
        type: text.slice(p.type.span.offset, p.type.span.end),
        ...(p.default ? { default: text.slice(p.default.span.offset, p.default.span.end) } : {}),
      })),
    };
  }
  for (const c of new Set([...contextsFor(decl), ...BUILTIN_CONTEXTS])) {
    const b = lookupBuiltin(c, name);
    if (b) {
      return {
        name,
        builtin: b,
        doc: b.doc,
        params: b.params.map((p) => ({ name: p.name, type: p.type, ...(p.default !== undefined ? { default: JSON.stringify(p.default) } : {}), ...(p.doc ? { doc: p.doc } : {}) })),
      };
    }
  }
  return undefined;
}
