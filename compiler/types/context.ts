// Shared state of one type-checking pass: the substitution, the diagnostics, what each declaration's
// own check found, and the instances (a declaration checked at one use, with its sizes known).
import type { Arg, BiasDecl, Call, Expr, Ident, LayerCall, NetworkDecl, Span } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { diagnostic, type Diagnostic, type DiagnosticOptions, type Label } from "../diagnostics/diagnostic";
import type { Code } from "../diagnostics/catalog";
import type { Resolution } from "../names/symbols";
import { Subst, unifyDim, type Dim } from "./dims";
import type { LayerArgs } from "./layers";
import type { Type } from "./types";

/** The values in scope while an expression is typed. */
export interface Env {
  /** each local by the identifier that declares it (names resolution gives that identifier) */
  locals: Map<Ident, Type>;
  /** the names a size may mention: generics and Int parameters */
  dims: Map<string, Dim>;
  /** the type of every expression checked in this instance (the lowering reads them) */
  types: Map<Expr, Type>;
  /** biases called from here, by call */
  calls: Map<Call, BiasInstance>;
}

export function newEnv(parent?: Env): Env {
  return {
    locals: new Map(parent?.locals),
    dims: new Map(parent?.dims),
    types: parent?.types ?? new Map(),
    calls: parent?.calls ?? new Map(),
  };
}

/** One unrolled layer of a network instance, with the sizes it was checked with. */
export interface LayerInstance {
  stmt: LayerCall;
  /** the builtin layer or network (mlp), or the user network it calls */
  builtin?: Builtin;
  network?: NetworkInstance;
  /** the builtin's arguments by parameter name, defaults filled in */
  args: LayerArgs;
  input: Dim[];
  output: Dim[];
}

export interface NetworkInstance {
  decl: NetworkDecl;
  /** generics and Int parameters */
  bindings: Map<string, Dim>;
  input: Type;
  output: Type;
  /** where the output's shape was decided: the last layer that changed it, or the declared return type */
  from: Span;
  layers: LayerInstance[];
}

export interface OwnCheck {
  env: Env;
  /** a network's layers with their generic sizes */
  layers: LayerInstance[];
}

export interface BiasInstance {
  decl: BiasDecl;
  bindings: Map<string, Dim>;
  env: Env;
  output: Type;
}

export class TypeContext {
  readonly s = new Subst();
  readonly diagnostics: Diagnostic[] = [];
  /** declarations whose own (generic) check reported an error: their instances stay quiet */
  readonly failed = new Set<object>();
  /** declarations being instantiated now: a recursive use (reported by names) is not followed */
  readonly active = new Set<object>();
  readonly memo = new Map<object, Map<string, NetworkInstance | BiasInstance>>();
  /** each declaration's own check (sizes as its generics), kept for editors' hovers */
  readonly owned = new Map<BiasDecl | NetworkDecl, OwnCheck>();
  private sink: Diagnostic[] = this.diagnostics;
  private pending: { a: Dim; b: Dim; report: () => void }[] = [];

  constructor(readonly resolution: Resolution) {}

  report(code: Code, span: Span, message: string, options: DiagnosticOptions = {}): void {
    this.sink.push(diagnostic(code, span, message, options));
  }

  /** Equations that could not be decided yet: re-checked when `settle` runs. */
  defer(pairs: [Dim, Dim][], report: () => void): void {
    for (const [a, b] of pairs) this.pending.push({ a, b, report });
  }

  /** Re-checks deferred equations; those that now clash are reported, undecidable ones dropped. */
  settle(): void {
    const now = this.pending;
    this.pending = [];
    for (const p of now) if (unifyDim(this.s, p.a, p.b) === "clash") p.report();
  }

  /**
   * Runs `fn` with its diagnostics collected apart; they are kept (with `label` added) only when the
   * declaration's own check was clean, so that a mistake in a body is reported once, not per use.
   */
  instance<T>(decl: object, label: Label | undefined, fn: () => T): T {
    const outer = this.sink;
    const outerPending = this.pending;
    const mine: Diagnostic[] = [];
    this.sink = mine;
    this.pending = [];
    this.active.add(decl);
    try {
      const r = fn();
      this.settle();
      return r;
    } finally {
      this.active.delete(decl);
      this.sink = outer;
      this.pending = outerPending;
      if (!this.failed.has(decl)) for (const d of mine) outer.push(label ? { ...d, labels: [...d.labels, label] } : d);
    }
  }

  /** Runs a declaration's own check, remembering whether it found errors. */
  own(decl: object, fn: () => void): void {
    const before = this.diagnostics.length;
    this.instanceFree(fn);
    if (this.diagnostics.slice(before).some((d) => d.severity === "error")) this.failed.add(decl);
  }

  private instanceFree(fn: () => void): void {
    const outerPending = this.pending;
    this.pending = [];
    try {
      fn();
      this.settle();
    } finally {
      this.pending = outerPending;
    }
  }
}

/** Matches call arguments to parameter names like the name checker does; what it reported is skipped. */
export function bindArgs(args: readonly Arg[], params: readonly string[], variadic = false): { named: Map<string, Arg>; positional: Arg[] } {
  const named = new Map<string, Arg>();
  const positional: Arg[] = [];
  let i = 0;
  for (const a of args) {
    if (a.name) continue;
    positional.push(a);
    const p = params[i++];
    if (p !== undefined && !named.has(p)) named.set(p, a);
    else if (variadic && params.length) i--; // extra positionals of a variadic builtin
  }
  for (const a of args) {
    if (!a.name || a.name.name === "" || named.has(a.name.name) || !params.includes(a.name.name)) continue;
    named.set(a.name.name, a);
  }
  return { named, positional };
}
