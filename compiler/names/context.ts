// Shared state of one name-checking pass, and the expression walker every declaration kind uses.
import type { Call, Expr, Ident, Name } from "../../grammar/ast";
import { lookupBuiltin, builtinsIn } from "../builtins";
import { didYouMean } from "../diagnostics/suggest";
import type { BuiltinContext } from "../builtins/types";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { builtinSignature, callsIn, checkArgs, declSignature } from "./args";
import type { Module } from "./modules";
import { Scope } from "./scope";
import { describe, type DeclSym, type Resolution, type Sym } from "./symbols";

/** What a call may name at a given place in a spec. */
export interface CallRules {
  builtins: BuiltinContext[];
  biases?: boolean;
  /** user networks; their first (input) parameter is implicit */
  networks?: boolean;
  /** in words, for "unknown …" messages: "function", "layer", "prior", … */
  noun: string;
}

export const FUNCTION_CALLS: CallRules = { builtins: ["function"], biases: true, noun: "function" };
const NETWORK_ARGS: CallRules = { builtins: ["network"], networks: true, noun: "network" };

export class NameContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly resolution: Resolution = new Map();
  /** user declarations referenced from each declaration, for recursion checks */
  readonly edges = new Map<DeclSym["decl"], Set<DeclSym["decl"]>>();
  /** user declarations referenced at all, for unused-import warnings */
  readonly usedDecls = new Set<DeclSym["decl"]>();
  current?: DeclSym["decl"];
  /** the module being checked and the declarations visible in it; set per module by the driver */
  module!: Module;
  globals!: Scope;
  /** syntax problems of all modules: a construct with one inside is incomplete, not missing things */
  syntaxErrors: readonly Diagnostic[] = [];

  hasSyntaxErrorIn(span: { file: string; offset: number; end: number }): boolean {
    return this.syntaxErrors.some((d) => d.span.file === span.file && d.span.offset >= span.offset && d.span.offset <= span.end);
  }

  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  private noteDecl(sym: Sym): void {
    if (sym.kind !== "bias" && sym.kind !== "network" && sym.kind !== "model") return;
    this.usedDecls.add(sym.decl);
    if (this.current) {
      const set = this.edges.get(this.current) ?? new Set();
      set.add(sym.decl);
      this.edges.set(this.current, set);
    }
  }

  /** Walks an expression in which names are values and calls are functions (or `rules`). */
  expr(e: Expr, scope: Scope, rules: CallRules = FUNCTION_CALLS): void {
    switch (e.kind) {
      case "NumberLit":
      case "StringLit":
      case "BoolLit":
      case "Missing":
        return;
      case "Name":
        return this.name(e, scope);
      case "Binary":
        this.expr(e.left, scope, rules);
        return this.expr(e.right, scope, rules);
      case "Unary":
        return this.expr(e.operand, scope, rules);
      case "Paren":
        return this.expr(e.inner, scope, rules);
      case "ListLit":
        for (const x of e.elements) this.expr(x, scope, rules);
        return;
      case "Index":
        this.expr(e.target, scope, rules);
        for (const i of e.indices) {
          if (i.kind !== "Slice") this.expr(i, scope, rules);
          else {
            if (i.start) this.expr(i.start, scope, rules);
            if (i.end) this.expr(i.end, scope, rules);
          }
        }
        return;
      case "Call":
        return this.call(e, scope, rules);
    }
  }

  name(e: Name, scope: Scope): void {
    if (e.name === "") return;
    const sym = scope.lookup(e.name);
    if (sym) {
      this.resolution.set(e, sym);
      this.noteDecl(sym);
      if (sym.kind !== "local") {
        this.report(
          diagnostic("IV2016", e.span, `'${e.name}' is ${describe(sym)}, not a value`, {
            hint: sym.kind === "bias" ? `call it: ${e.name}(…)` : undefined,
          }),
        );
      }
      return;
    }
    const constant = lookupBuiltin("constant", e.name);
    if (constant) {
      this.resolution.set(e, { kind: "builtin", builtin: constant });
      return;
    }
    const guess = didYouMean(e.name, e.span, [...scope.names(), ...builtinsIn("constant").map((b) => b.name)]);
    this.report(
      diagnostic("IV2001", e.span, `'${e.name}' is not defined here`, {
        hint: guess?.hint,
        fix: guess?.fix,
      }),
    );
  }

  /** Resolves a call (or a bare name standing for a call with no arguments) under `rules`. */
  call(e: Call, scope: Scope, rules: CallRules): void {
    const calls = this.callArgs(e, rules);
    // a built-in's network-typed parameters (Hierarchical's net) take a network call, as an encoder does
    const networkArgs = new Set(rules.builtins.flatMap((c) => lookupBuiltin(c, e.callee.name)?.params.filter((p) => p.type === "network").map((p) => p.name) ?? []));
    for (const a of e.args) {
      const c = calls.get(a);
      if (c) this.callsArg(a.value, scope, { builtins: [c.context], noun: c.context.replace("_", " ") }, c.strings);
      else this.expr(a.value, scope, a.name && networkArgs.has(a.name.name) ? NETWORK_ARGS : FUNCTION_CALLS);
    }
    const name = e.callee.name;
    if (name === "") return;
    const sym = scope.lookup(name);
    if (sym) {
      this.resolution.set(e, sym);
      // Only a valid use is an edge of the call graph: a misuse is reported once, not as recursion too.
      const valid =
        (sym.kind === "bias" && rules.biases) ||
        (sym.kind === "network" && rules.networks) ||
        (sym.kind === "local" && sym.local === "param" && rules.biases);
      if (valid) this.noteDecl(sym);
      if (sym.kind === "bias" && rules.biases) return checkArgs(e, declSignature(name, sym.decl.params, false), this.diagnostics);
      if (sym.kind === "network" && rules.networks)
        return checkArgs(e, declSignature(name, sym.decl.params, hasTensorInput(sym.decl.params)), this.diagnostics);
      // A learnable network declared with `param` is applied to one value: ds(y).
      if (sym.kind === "local" && sym.local === "param" && rules.biases) {
        return checkArgs(e, { what: `'${name}'`, params: [{ name: "input", required: true }] }, this.diagnostics);
      }
      // A user name that cannot stand here does not hide the slot's own built-in (a bias `circle`
      // and a data source `circle` can coexist).
      if (this.builtinCall(e, rules)) return;
      // A model named like a bias it means to call (`model circle` … `circle(y)`) hides that bias.
      const hides = sym.kind === "model" && rules.biases;
      return this.report(
        diagnostic("IV2016", e.callee.span, `'${name}' is ${describe(sym)}; it cannot be used as a ${rules.noun} here${hides ? `, and the model's name hides any bias '${name}' (the prelude's, an import's)` : ""}`, {
          ...(hides ? { hint: `rename the model (e.g. 'model ${name}_model') so that '${name}(…)' calls the bias` } : {}),
        }),
      );
    }
    if (!this.builtinCall(e, rules)) this.unknownCallee(e.callee, scope, rules);
  }

  /** The arguments of a built-in call that hold calls of another context (BuiltinParam.calls);
   *  `strings`: the parameter also takes one of its `choices` (`q_flow: "sylvester"`, the old form). */
  private callArgs(e: Call, rules: CallRules): Map<object, { context: BuiltinContext; strings: boolean }> {
    const out = new Map<object, { context: BuiltinContext; strings: boolean }>();
    const b = rules.builtins.map((c) => lookupBuiltin(c, e.callee.name)).find((x) => x !== undefined);
    if (!b?.params.some((p) => p.calls)) return out;
    let positional = 0;
    for (const a of e.args) {
      const p = a.name ? b.params.find((q) => q.name === a.name!.name) : b.params[positional++];
      if (p?.calls) out.set(a, { context: p.calls, strings: p.choices !== undefined });
    }
    return out;
  }

  /** A call of `rules`, a bare name standing for one, or a list of them. */
  private callsArg(arg: Expr, scope: Scope, rules: CallRules, strings = false): void {
    for (const e of callsIn(arg)) {
      if (e.kind === "StringLit" && strings) continue; // the model rules check it against the choices
      if (e.kind === "Call") this.call(e, scope, rules);
      else if (e.kind === "Name") {
        const call: Call = { kind: "Call", callee: { kind: "Ident", name: e.name, span: e.span }, args: [], span: e.span };
        this.call(call, scope, rules);
        const sym = this.resolution.get(call);
        if (sym) this.resolution.set(e, sym);
      } else if (e.kind !== "Missing") this.report(diagnostic("IV2006", e.span, `expected a ${rules.noun} here, like name(arguments)`));
    }
  }

  private builtinCall(e: Call, rules: CallRules): boolean {
    for (const ctx of rules.builtins) {
      const b = lookupBuiltin(ctx, e.callee.name);
      if (b) {
        this.resolution.set(e, { kind: "builtin", builtin: b });
        checkArgs(e, builtinSignature(b), this.diagnostics);
        return true;
      }
    }
    return false;
  }

  private unknownCallee(callee: Ident, scope: Scope, rules: CallRules): void {
    const candidates = rules.builtins.flatMap((c) => builtinsIn(c).map((b) => b.name));
    const visible = scope.names().filter((n) => {
      const s = scope.peek(n);
      return (s?.kind === "bias" && rules.biases) || (s?.kind === "network" && rules.networks);
    });
    const guess = didYouMean(callee.name, callee.span, [...candidates, ...visible]);
    // A known word of another place ("relu" as a prior) deserves a sharper message than "unknown".
    const elsewhere = (["function", "layer", "network", "data", "prior", "flow_layer", "likelihood", "objective", "optimizer", "metric"] as const).find(
      (c) => !rules.builtins.includes(c) && lookupBuiltin(c, callee.name),
    );
    const message = elsewhere
      ? `'${callee.name}' is a built-in ${elsewhere.replace("_", " ")}, not a ${rules.noun}`
      : `unknown ${rules.noun} '${callee.name}'`;
    this.report(
      diagnostic("IV2006", callee.span, message, {
        hint: guess ? guess.hint : `see docs/builtins.md for the ${rules.noun}s there are`,
        fix: guess?.fix,
      }),
    );
  }
}

export function hasTensorInput(params: readonly { type: { kind: string } }[]): boolean {
  return params.length > 0 && params[0]!.type.kind === "TensorType";
}
