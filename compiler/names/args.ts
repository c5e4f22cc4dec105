// Matches a call's arguments against a signature: arity, unknown and repeated names, missing ones.
import type { Call, Expr, Param } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { didYouMean } from "../diagnostics/suggest";
import { misplacedSetting, type SettingBlock } from "./misplaced";

export interface Signature {
  /** shown in messages: "the bias 'sparse'" */
  what: string;
  params: { name: string; required: boolean }[];
  variadic?: boolean;
  /** the block a built-in optimizer or objective call is, for settings written in the wrong one */
  block?: SettingBlock;
}

export function builtinSignature(b: Builtin): Signature {
  return {
    what: `'${b.name}'`,
    params: b.params.map((p) => ({ name: p.name, required: p.default === undefined })),
    variadic: b.variadic ?? false,
    ...(b.context === "optimizer" || b.context === "objective" ? { block: b.context } : {}),
  };
}

/** A user bias or network; `skipInput` drops a network's first parameter, which the running value fills. */
export function declSignature(name: string, params: readonly Param[], skipInput: boolean): Signature {
  const ps = skipInput ? params.slice(1) : params;
  return { what: `'${name}'`, params: ps.map((p) => ({ name: p.name.name, required: p.default === undefined })) };
}

export function checkArgs(call: Call, sig: Signature, out: Diagnostic[]): void {
  const bound = new Set<string>();
  let misspelled = false;
  let positional = 0;
  for (const arg of call.args) {
    // Positional arguments after a named one are a syntax error (IV1009); binding them would only cascade.
    if (arg.name) break;
    const p = sig.params[positional];
    if (p) bound.add(p.name);
    else if (!sig.variadic || sig.params.length === 0) {
      const max = sig.params.length;
      out.push(
        diagnostic("IV2007", arg.span, `too many arguments: ${sig.what} takes ${max === 0 ? "none" : `at most ${max}`}`, {
          hint: max ? `its parameters are ${sig.params.map((q) => q.name).join(", ")}` : undefined,
        }),
      );
      return;
    }
    positional++;
  }
  for (const arg of call.args) {
    if (!arg.name || arg.name.name === "") continue;
    const name = arg.name.name;
    if (!sig.params.some((p) => p.name === name)) {
      misspelled = true;
      const home = sig.block && misplacedSetting(name, sig.block, arg.value);
      if (home) {
        out.push(diagnostic("IV2030", arg.name.span, `${sig.what} has no parameter named '${name}': ${home.what}`, { hint: home.hint }));
        continue;
      }
      const guess = didYouMean(name, arg.name.span, sig.params.map((p) => p.name));
      out.push(
        diagnostic("IV2008", arg.name.span, `${sig.what} has no parameter named '${name}'`, {
          fix: guess?.fix,
          hint: guess
            ? guess.hint
            : sig.params.length
              ? `its parameters are ${sig.params.map((p) => p.name).join(", ")}`
              : `${sig.what} takes no named arguments`,
        }),
      );
      continue;
    }
    if (bound.has(name)) {
      out.push(diagnostic("IV2009", arg.span, `argument '${name}' is given twice in the call to ${sig.what}`));
      continue;
    }
    bound.add(name);
  }
  const missing = sig.params.filter((p) => p.required && !bound.has(p.name)).map((p) => `'${p.name}'`);
  // After a misspelled name, "missing 'factor'" would only repeat the same mistake.
  if (missing.length && !misspelled) {
    out.push(
      diagnostic(
        "IV2010",
        call.span,
        `${sig.what} needs ${missing.length === 1 ? "the argument" : "the arguments"} ${missing.join(", ")}`,
        { hint: `for example ${call.callee.name}(${missing.map((m) => `${m.slice(1, -1)}: …`).join(", ")})` },
      ),
    );
  }
}

/** The calls an argument of a `calls` parameter holds (BuiltinParam.calls): itself, or a list's
 *  elements; a bare name stands for a call without arguments. */
export function callsIn(e: Expr): Expr[] {
  return e.kind === "ListLit" ? e.elements.flatMap(callsIn) : e.kind === "Paren" ? callsIn(e.inner) : [e];
}
