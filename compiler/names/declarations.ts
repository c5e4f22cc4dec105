// Name checks inside biases and networks: parameters, generics, statements, layers, annotations.
import type { Annotation, BiasDecl, DimExpr, LayerStmt, NetworkDecl, Param, TypeExpr } from "../../grammar/ast";
import { diagnostic } from "../diagnostics/diagnostic";
import type { CallRules, NameContext } from "./context";
import { Scope } from "./scope";
import type { LocalKind } from "./symbols";
import { didYouMean } from "../diagnostics/suggest";

/** The categories `@allow(...)` can silence (bias validation reads them). */
export const ALLOW_CATEGORIES = ["discontinuous", "infinite_slope"] as const;

const LAYER_CALLS: CallRules = { builtins: ["layer", "network"], networks: true, noun: "layer" };
const INIT_CALLS: CallRules = { builtins: ["initializer", "network"], networks: true, noun: "initialiser or network" };

export function checkAnnotations(cx: NameContext, annotations: readonly Annotation[]): void {
  for (const a of annotations) {
    if (a.name.name !== "allow") {
      cx.report(diagnostic("IV2014", a.name.span, `unknown annotation '@${a.name.name}'`, { hint: "the only annotation is @allow(…)" }));
      continue;
    }
    if (a.args.length === 0) {
      cx.report(diagnostic("IV2014", a.span, "@allow needs what it allows", { hint: `write @allow(${ALLOW_CATEGORIES.join(", ")})` }));
    }
    for (const arg of a.args) {
      if ((ALLOW_CATEGORIES as readonly string[]).includes(arg.name)) continue;
      const guess = didYouMean(arg.name, arg.span, ALLOW_CATEGORIES);
      cx.report(
        diagnostic("IV2014", arg.span, `@allow does not know '${arg.name}'`, {
          fix: guess?.fix,
          hint: guess ? guess.hint : `it takes ${ALLOW_CATEGORIES.join(", ")}`,
        }),
      );
    }
  }
}

function declareLocal(cx: NameContext, scope: Scope, ident: { name: string; span: import("../../grammar/ast").Span; kind: "Ident" }, local: LocalKind): void {
  const prior = scope.declare(ident, { kind: "local", local, ident });
  if (prior) {
    cx.report(
      diagnostic("IV2002", ident.span, `'${ident.name}' is already declared in this scope`, {
        labels: [{ span: prior.span, message: `'${ident.name}' was first declared here` }],
        hint: "give it another name",
      }),
    );
  }
}

function checkDims(cx: NameContext, scope: Scope, t: TypeExpr | undefined): void {
  if (!t || t.kind !== "TensorType") return;
  const walk = (d: DimExpr): void => {
    if (d.kind === "DimBinary") {
      walk(d.left);
      walk(d.right);
    } else if (d.kind === "DimVar" && !scope.lookup(d.name)) {
      const guess = didYouMean(d.name, d.span, scope.names());
      cx.report(
        diagnostic("IV2001", d.span, `dimension '${d.name}' is not defined`, {
          fix: guess?.fix,
          hint: guess ? guess.hint : `declare it as a generic: <${d.name}>`,
        }),
      );
    }
  };
  t.dims.forEach(walk);
}

/** Generics, then parameters (types may use generics and earlier Int parameters; defaults are values). */
function signatureScope(cx: NameContext, decl: BiasDecl | NetworkDecl): Scope {
  const scope = new Scope(cx.globals);
  for (const g of decl.generics) declareLocal(cx, scope, g, "generic");
  for (const p of decl.params as Param[]) {
    checkDims(cx, scope, p.type);
    if (p.default) cx.expr(p.default, scope);
    declareLocal(cx, scope, p.name, "input");
  }
  checkDims(cx, scope, decl.returnType);
  return scope;
}

function reportUnused(cx: NameContext, scope: Scope, skip: string | undefined): void {
  for (const { ident, sym } of scope.unused()) {
    if (sym.kind !== "local" || ident.name === skip || sym.local === "generic") continue;
    cx.report(diagnostic("IV2003", ident.span, `'${ident.name}' is declared but never used`));
  }
}

export function checkBias(cx: NameContext, decl: BiasDecl): void {
  checkAnnotations(cx, decl.annotations);
  const scope = signatureScope(cx, decl);
  const body = new Scope(scope);
  let returned: BiasDecl["body"][number] | undefined;
  for (const s of decl.body) {
    checkAnnotations(cx, s.annotations);
    if (returned) {
      cx.report(
        diagnostic("IV2011", s.span, "this statement comes after the bias has returned", {
          labels: [{ span: returned.span, message: "the bias returns here" }],
          hint: "`return` must be the last statement",
        }),
      );
    }
    switch (s.kind) {
      case "ParamStmt":
        checkDims(cx, body, s.type);
        cx.expr(s.init, body, INIT_CALLS);
        declareLocal(cx, body, s.name, "param");
        break;
      case "LetStmt":
        checkDims(cx, body, s.type);
        cx.expr(s.value, body);
        declareLocal(cx, body, s.name, "let");
        break;
      case "PenaltyStmt":
        cx.expr(s.value, body);
        break;
      case "ReturnStmt":
        cx.expr(s.value, body);
        returned ??= s;
        break;
    }
  }
  if (!returned && !cx.hasSyntaxErrorIn(decl.span)) {
    cx.report(
      diagnostic("IV2011", decl.name.span, `the bias '${decl.name.name}' never returns its representation`, {
        hint: "end the body with `return <expression>`",
      }),
    );
  }
  reportUnused(cx, body, undefined);
  reportUnused(cx, scope, decl.params[0]?.name.name);
}

export function checkNetwork(cx: NameContext, decl: NetworkDecl): void {
  checkAnnotations(cx, decl.annotations);
  const scope = signatureScope(cx, decl);
  const layers = (stmts: readonly LayerStmt[], s: Scope): void => {
    for (const st of stmts) {
      checkAnnotations(cx, st.annotations);
      if (st.kind === "LayerCall") {
        cx.call(st.call, s, LAYER_CALLS);
        continue;
      }
      cx.expr(st.iterable, s);
      const inner = new Scope(s);
      declareLocal(cx, inner, st.variable, "for");
      layers(st.body, inner);
      reportUnused(cx, inner, undefined);
    }
  };
  layers(decl.body, scope);
  reportUnused(cx, scope, decl.params[0]?.name.name);
}

export { declareLocal };
