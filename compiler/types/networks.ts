// Networks: a sequential stack applied to a running value. Each layer's output shape comes from the
// pure rules in layers.ts (builtin layers), from `mlp`'s sizes, or from instantiating a user network
// with the running value as its first (tensor) parameter. `for` over a known list is unrolled.
import type { Call, LayerStmt, NetworkDecl, Param, Span } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { hasTensorInput } from "../names/context";
import { newEnv, type Env, type LayerInstance, type NetworkInstance, type TypeContext } from "./context";
import { checkDefaults, instanceKey, bindParams, remember, signature } from "./decls";
import { unifyDim, type Dim } from "./dims";
import { builtinArgs, typeOf } from "./exprs";
import { networkResult } from "./builtin-signatures";
import { layerOutput, type LayerArgs } from "./layers";
import { describeType, explainMismatch, real, resolveType, showType, tensor, unifyTypes, UNKNOWN, type Mismatch, type Type } from "./types";

export interface NetworkUse {
  /** the network's input type at this use */
  input: Type;
  output: Type;
  /** where the output's shape was decided */
  from: Span;
  /** the running value does not fit the network's first parameter (the caller reports it in its words) */
  inputMismatch?: { expected: Type; actual: Type; mismatch: Mismatch; param: Param };
  instance?: NetworkInstance;
}

interface Running {
  cur: Type;
  from: Span;
}

/** A user network at one use: `input` is the running value (undefined: take the declared type). */
export function instantiateNetwork(cx: TypeContext, decl: NetworkDecl, call: Call | undefined, input: Type | undefined, expected: Type | undefined, env: Env, useSpan: Span): NetworkUse {
  const inputParam = hasTensorInput(decl.params) ? decl.params[0] : undefined;
  if (cx.active.has(decl)) {
    for (const a of call?.args ?? []) typeOf(cx, a.value, env);
    return { input: UNKNOWN, output: UNKNOWN, from: useSpan };
  }
  const sig = signature(cx, decl, false);
  const declaredIn = inputParam ? sig.params.get(inputParam)! : UNKNOWN;
  let inputMismatch: NetworkUse["inputMismatch"];
  if (inputParam && input) {
    const u = unifyTypes(cx.s, declaredIn, input);
    if (u.mismatch) inputMismatch = { expected: resolveType(cx.s, declaredIn), actual: input, mismatch: u.mismatch, param: inputParam };
  }
  if (expected) presize(cx, sig.ret, expected);
  const bound = bindParams(cx, decl, sig, call?.args ?? [], inputParam ? decl.params.slice(1) : decl.params, env, useSpan);
  const inType = resolveType(cx.s, declaredIn);
  if (inputParam) sig.env.locals.set(inputParam.name, inType);
  if (!bound && !inputMismatch) return { input: inType, output: UNKNOWN, from: useSpan };
  if (inputMismatch) return { input: inType, output: resolveType(cx.s, sig.ret), from: decl.returnType.span, inputMismatch };

  const key = instanceKey(cx, decl, sig, expected ? showType(cx.s, expected) : "");
  const known = key === undefined ? undefined : (cx.memo.get(decl)?.get(key) as NetworkInstance | undefined);
  if (known) return { input: known.input, output: known.output, from: known.from, instance: known };
  const label = { span: useSpan, message: `in this use of '${decl.name.name}'` };
  const layers: LayerInstance[] = [];
  const run: Running = { cur: inType, from: inputParam?.type.span ?? decl.name.span };
  cx.instance(decl, label, () => {
    walkLayers(cx, decl.body, sig.env, run, layers);
    finish(cx, decl, sig.ret, run);
  });
  const inst: NetworkInstance = {
    decl,
    bindings: new Map([...sig.vars].map(([n, v]) => [n, cx.s.resolve(v)])),
    input: inType,
    output: resolveType(cx.s, run.cur.kind === "unknown" ? sig.ret : run.cur),
    from: run.cur.kind === "unknown" ? decl.returnType.span : run.from,
    layers,
  };
  if (key !== undefined) remember(cx, decl, key, inst);
  return { input: inType, output: inst.output, from: inst.from, instance: inst };
}

/**
 * Sizes the body needs may come from the expected output (a decoder's H, W, C from the data). Only
 * sizes written with generics are taken; a `?` is the body's to infer, and nothing is kept if it does
 * not fit (the caller then reports the mismatch in its own words).
 */
function presize(cx: TypeContext, ret: Type, expected: Type): void {
  if (ret.kind !== "tensor" || expected.kind !== "tensor" || ret.dims.length !== expected.dims.length) return;
  const mark = cx.s.mark();
  for (const [i, d] of ret.dims.entries()) {
    if (mentionsInferred(d)) continue;
    if (unifyDim(cx.s, d, expected.dims[i]!) === "clash") return cx.s.undo(mark);
  }
}

function mentionsInferred(d: Dim): boolean {
  return typeof d !== "number" && (d.kind === "var" ? d.name === "?" : mentionsInferred(d.a) || mentionsInferred(d.b));
}

/** The body's output must fit the declared return type (which infers its `?`). */
function finish(cx: TypeContext, decl: NetworkDecl, ret: Type, run: Running): void {
  const u = unifyTypes(cx.s, ret, run.cur);
  const say = (why: string) =>
    cx.report("IV3003", decl.name.span, `the network '${decl.name.name}' declares ${showType(cx.s, ret)}, but produces ${showType(cx.s, run.cur)}${why}`, {
      hint: ret.kind === "tensor" && ret.dims.length === 1 && run.cur.kind === "tensor" && run.cur.dims.length > 1 ? "end it with `flatten`" : undefined,
      labels: [
        { span: run.from, message: `the output, ${showType(cx.s, run.cur)}, comes from here` },
        { span: decl.returnType.span, message: "the return type is declared here" },
      ],
    });
  if (u.mismatch) {
    say(`: ${explainMismatch(cx.s, u.mismatch, ret, run.cur)}`);
    run.cur = UNKNOWN;
  } else cx.defer(u.pending, () => say(""));
}

export function checkNetworkOwn(cx: TypeContext, decl: NetworkDecl): void {
  cx.own(decl, () => {
    const sig = signature(cx, decl, true);
    checkDefaults(cx, sig);
    const inputParam = hasTensorInput(decl.params) ? decl.params[0] : undefined;
    const run: Running = { cur: inputParam ? sig.params.get(inputParam)! : UNKNOWN, from: inputParam?.type.span ?? decl.name.span };
    const own = { env: sig.env, layers: [] };
    cx.owned.set(decl, own);
    walkLayers(cx, decl.body, sig.env, run, own.layers);
    finish(cx, decl, sig.ret, run);
  });
}

function walkLayers(cx: TypeContext, stmts: readonly LayerStmt[], env: Env, run: Running, out: LayerInstance[]): void {
  for (const st of stmts) {
    if (st.kind === "ForLayer") {
      const it = typeOf(cx, st.iterable, env);
      const inner = newEnv(env);
      if (it.kind === "list" && it.items) {
        for (const item of it.items) {
          inner.locals.set(st.variable, item);
          walkLayers(cx, st.body, inner, run, out);
        }
        continue;
      }
      if (it.kind !== "list" && it.kind !== "unknown") {
        cx.report("IV3010", st.iterable.span, `a for loop runs over a list like [32, 64]; this is ${describeType(cx.s, it)}`);
      }
      // Elements unknown (a generic check): the body is checked once; the count, hence the output, is unknown.
      inner.locals.set(st.variable, it.kind === "list" ? tensor(it.elem ?? "Int", []) : UNKNOWN);
      walkLayers(cx, st.body, inner, run, []);
      run.cur = UNKNOWN;
      continue;
    }
    const call = st.call;
    const sym = cx.resolution.get(call);
    if (!sym || sym.kind === "local" || sym.kind === "model" || sym.kind === "bias") {
      for (const a of call.args) typeOf(cx, a.value, env);
      run.cur = UNKNOWN;
      continue;
    }
    if (sym.kind === "network") {
      const use = instantiateNetwork(cx, sym.decl, call, run.cur.kind === "unknown" ? undefined : run.cur, undefined, env, call.span);
      if (use.inputMismatch) {
        const m = use.inputMismatch;
        cx.report("IV3005", call.span, `the network '${sym.decl.name.name}' takes ${showType(cx.s, m.expected)}, but its input here is ${showType(cx.s, m.actual)}: ${explainMismatch(cx.s, m.mismatch, m.expected, m.actual)}`, {
          labels: [
            { span: run.from, message: `the input, ${showType(cx.s, m.actual)}, comes from here` },
            { span: m.param.type.span, message: `'${sym.decl.name.name}' declares its input here` },
          ],
        });
        run.cur = UNKNOWN;
        continue;
      }
      out.push({ stmt: st, network: use.instance, args: {}, input: dimsOf(run.cur), output: dimsOf(use.output) });
      run.cur = use.output;
      run.from = call.span;
      continue;
    }
    builtinLayer(cx, sym.builtin, st, env, run, out);
  }
}

function builtinLayer(cx: TypeContext, b: Builtin, st: LayerStmt & { kind: "LayerCall" }, env: Env, run: Running, out: LayerInstance[]): void {
  const call = st.call;
  const args = builtinArgs(cx, b, call, env);
  const input = run.cur;
  if (args.failed) run.cur = UNKNOWN;
  if (run.cur.kind === "unknown") return;
  if (b.context === "network") {
    const net = networkResult(cx.s, b, args);
    if (net.kind !== "network") {
      run.cur = UNKNOWN;
      return;
    }
    const u = unifyTypes(cx.s, net.input, input);
    if (u.mismatch) {
      cx.report("IV3005", call.span, `${b.name} takes ${showType(cx.s, net.input)}, but its input here is ${showType(cx.s, input)}: ${explainMismatch(cx.s, u.mismatch, net.input, input)}`, {
        labels: [{ span: run.from, message: `the input, ${showType(cx.s, input)}, comes from here` }],
      });
      run.cur = UNKNOWN;
      return;
    }
    out.push({ stmt: st, builtin: b, args: layerArgs(cx, b, args), input: dimsOf(input), output: dimsOf(net.output) });
    run.cur = net.output;
    run.from = call.span;
    return;
  }
  if (input.kind !== "tensor") return;
  const attrs = layerArgs(cx, b, args);
  const r = layerOutput(cx.s, b.name, input.dims, attrs);
  if (!r.ok) {
    cx.report("IV3005", call.span, r.message, {
      hint: r.hint,
      labels: [{ span: run.from, message: `the input, ${showType(cx.s, input)}, comes from here` }],
    });
    run.cur = UNKNOWN;
    return;
  }
  out.push({ stmt: st, builtin: b, args: attrs, input: input.dims, output: r.out });
  const changed = r.out.length !== input.dims.length || r.out.some((d, i) => d !== input.dims[i]);
  run.cur = real(r.out);
  if (changed) run.from = call.span;
}

/** A builtin's arguments as values by parameter name, defaults filled in (what the layer rules read). */
function layerArgs(cx: TypeContext, b: Builtin, args: ReturnType<typeof builtinArgs>): LayerArgs {
  const out: LayerArgs = {};
  for (const p of b.params) {
    const a = args.named.get(p.name);
    const t = a?.type;
    // An Int whose value is not known here (a generic check) is a size still to be inferred.
    if (t && t.kind === "tensor" && t.dims.length === 0) out[p.name] = t.value ?? (p.type === "Int" ? cx.s.fresh(p.name) : undefined);
    else if (a && p.type === "Int") out[p.name] = cx.s.fresh(p.name);
    else if (!a) out[p.name] = typeof p.default === "number" || typeof p.default === "string" || typeof p.default === "boolean" ? p.default : null;
  }
  return out;
}

function dimsOf(t: Type): Dim[] {
  return t.kind === "tensor" ? t.dims : [];
}
