// The model chain: data x → encoder → (Gaussian head) → y : Real[D] → mapping z = g(y) → decoder → x.
//
// Conventions (shared with the prelude and compiler/builtins/networks.ts):
//  - The encoder network returns a feature VECTOR Real[F]; the model appends the Gaussian head
//    dense(2·D) → (μ, log σ²) of q(y | x) itself. So the check is "the encoder ends in a vector", not
//    "the encoder ends in Real[2·D]", and an encoder ending in an image is told to `flatten`.
//  - The decoder's output must have EXACTLY the data's shape: Real[784] for data Real[28, 28, 1] is an
//    error with the hint `reshape(28, 28, 1)` (or `flatten: true` on the data). A silent reshape would
//    hide which layout the likelihood compares.
// A mismatch is one diagnostic that names both sides, with labels saying where each shape came from.
import type { Call, Expr, ModelDecl, ModelItem, Span } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { TRAIN_SETTINGS } from "../builtins";
import { priorByName } from "../builtins/priors";
import { argExpr, argValue } from "../rules/const-eval";
import { groupArgs } from "../builtins/optimizer-groups";
import type { Label } from "../diagnostics/diagnostic";
import { argTypeWords, dataShape, fitsArgType, networkResult, type CallArgs } from "./builtin-signatures";
import { newEnv, type Env, type NetworkInstance, type TypeContext } from "./context";
import { isNum, product, unifyDim, type Dim } from "./dims";
import { asReal, checkDiscreteLatent } from "./discrete";
import { builtinArgs, typeOf } from "./exprs";
import { checkFlowDecoder } from "./flow-decoder";
import { checkFlowPrior } from "./flow-prior";
import { instantiateNetwork } from "./networks";
import { checkObjectiveGroups } from "./objective-groups";
import { checkQFlow } from "./q-flow";
import { describeType, explainMismatch, hasUnsolved, intItems, listAsTensor, real, resolveType, showType, typeFromAst, unifyTypes, UNKNOWN, type Type } from "./types";

/** What the model's parts are at this model, for the lowering (sizes resolved through `TypeCheck.shape`). */
export interface ModelShapes {
  model: ModelDecl;
  /** x per datapoint */
  data: Type;
  /** y : Real[D] */
  latent: Type;
  /** z = g(y); y itself without a mapping */
  representation: Type;
  /** the encoder network's feature vector (the model's Gaussian head maps it to 2·D) */
  encoderFeatures: Type;
  encoder?: NetworkInstance;
  decoder?: NetworkInstance;
  /** the prior's network-typed arguments (Hierarchical's net, q_net) that name user networks, by parameter */
  priorNetworks: Map<string, NetworkInstance>;
  /** types of the mapping's expression nodes and the bias instances it calls */
  mapping: Env;
}

type Item<K extends ModelItem["kind"]> = Extract<ModelItem, { kind: K }>;

export function checkModelTypes(cx: TypeContext, decl: ModelDecl): ModelShapes {
  const get = <K extends ModelItem["kind"]>(k: K) => decl.items.find((i) => i.kind === k) as Item<K> | undefined;
  const env = newEnv();
  const out: ModelShapes = { model: decl, data: UNKNOWN, latent: UNKNOWN, representation: UNKNOWN, encoderFeatures: UNKNOWN, priorNetworks: new Map(), mapping: env };

  // x
  const data = get("DataItem");
  let xFrom: Label | undefined;
  let dataBuiltin: Builtin | undefined;
  if (data) {
    const declared = data.type ? typeFromAst(cx.s, data.type, () => undefined) : undefined;
    const src = slotBuiltin(cx, data.source, env);
    dataBuiltin = src?.builtin;
    const shape = src?.builtin.context === "data" ? dataShape(src.builtin, src.args) : undefined;
    const known = shape ? real(shape) : undefined;
    const srcText = src ? `${src.builtin.name}(…)` : "its source";
    if (declared && known) {
      const u = unifyTypes(cx.s, declared, known);
      if (u.mismatch) {
        const flat = src?.builtin.params.some((p) => p.name === "flatten") && declared.kind === "tensor" && declared.dims.length === 1;
        cx.report("IV3003", data.type!.span, `'${data.name.name}' is declared ${showType(cx.s, declared)}, but ${srcText} gives ${showType(cx.s, known)}: ${explainMismatch(cx.s, u.mismatch, declared, known)}`, {
          labels: [{ span: data.source.span, message: `${srcText} gives ${showType(cx.s, known)}` }],
          hint: flat ? `for vectors, load it with \`${src!.builtin.name}(…, flatten: true)\`` : `declare it as ${showType(cx.s, known)}`,
        });
      }
    } else if (!declared && !known && src) {
      cx.report("IV3006", data.name.span, `the shape of '${data.name.name}' cannot be known before the file is read (${srcText})`, {
        hint: `declare it: \`data ${data.name.name} : Real[N] ~ ${src.builtin.name}(…)\``,
      });
    }
    out.data = declared ?? known ?? UNKNOWN;
    if (out.data.kind === "tensor" && (out.data.dims.length === 0 || out.data.elem !== "Real")) {
      cx.report("IV3010", data.type?.span ?? data.name.span, `data must be a tensor Real[…] per datapoint, not ${describeType(cx.s, out.data)}`);
      out.data = UNKNOWN;
    }
    xFrom = declared
      ? { span: data.type!.span, message: `'${data.name.name}' is declared ${showType(cx.s, out.data)} here` }
      : { span: data.source.span, message: `'${data.name.name}' is ${showType(cx.s, out.data)}, from ${srcText}` };
    env.locals.set(data.name, out.data);
  }

  // y
  const inter = get("IntermediaryItem");
  if (inter) {
    const y = typeFromAst(cx.s, inter.type, () => undefined);
    const discrete = checkDiscreteLatent(cx, inter, y, slotBuiltin(cx, inter.prior, env));
    if (discrete !== null) {
      if (discrete) out.latent = discrete;
    } else if (y.kind !== "tensor" || y.dims.length !== 1 || y.elem !== "Real") {
      cx.report("IV3011", inter.type.span, `the intermediary '${inter.name.name}' must be a vector Real[D], not ${describeType(cx.s, y)}`, {
        hint: "the encoder gives one mean and one log-variance per coordinate of y",
      });
    } else out.latent = y;
    env.locals.set(inter.name, out.latent);
  }
  const yName = inter?.name.name ?? "y";

  // encoder
  const enc = get("EncoderItem");
  if (enc) {
    const use = network(cx, enc.network, out.data, undefined, env);
    const name = networkName(enc.network);
    if (use?.inputMismatch) {
      const m = use.inputMismatch;
      const flat = m.expected.kind === "tensor" && m.expected.dims.length === 1 && dataBuiltin?.params.some((p) => p.name === "flatten");
      cx.report("IV3004", enc.network.span, `the encoder '${name}' takes ${showType(cx.s, m.expected)}, but the data '${data?.name.name ?? "x"}' is ${showType(cx.s, m.actual)}: ${explainMismatch(cx.s, m.mismatch, m.expected, m.actual)}`, {
        labels: [...(xFrom ? [xFrom] : []), ...(m.span ? [{ span: m.span, message: `'${name}' declares its input here` }] : [])],
        hint: flat ? `load the data with \`${dataBuiltin!.name}(…, flatten: true)\`, or use a convolutional encoder` : undefined,
      });
    } else if (use) {
      const f = use.output;
      if (f.kind === "tensor" && f.dims.length !== 1) {
        cx.report("IV3004", enc.network.span, `the encoder's output must be a vector of features (the model adds the Gaussian head for ${yName} : ${showType(cx.s, out.latent)}), but '${name}' gives ${showType(cx.s, f)}`, {
          labels: [{ span: use.from, message: `the encoder's output, ${showType(cx.s, f)}, comes from here` }],
          hint: f.dims.length > 1 ? "end the encoder with `flatten`" : undefined,
        });
      } else out.encoderFeatures = f;
      out.encoder = use.instance;
    }
  }

  // z
  const mapping = get("MappingItem");
  let zFrom: Label | undefined = inter ? { span: inter.type.span, message: `'${yName}' is declared ${showType(cx.s, out.latent)} here` } : undefined;
  out.representation = out.latent;
  if (mapping) {
    let z = typeOf(cx, mapping.value, env);
    if (z.kind === "list") z = listAsTensor(cx.s, z) ?? UNKNOWN;
    if (z.kind !== "unknown" && (z.kind !== "tensor" || z.dims.length === 0 || z.elem === "String")) {
      cx.report("IV3010", mapping.value.span, `the mapping must give a tensor Real[…]; '${mapping.name.name}' would be ${describeType(cx.s, z)}`);
      z = UNKNOWN;
    }
    out.representation = z;
    zFrom = { span: mapping.value.span, message: `'${mapping.name.name}' is ${showType(cx.s, z)}, from here` };
    env.locals.set(mapping.name, z);
  }

  // decoder
  const dec = get("DecoderItem");
  if (dec) {
    const use = network(cx, dec.network, asReal(out.representation), out.data, env); // a OneHot z is read as numbers
    const name = networkName(dec.network);
    const zName = mapping?.name.name ?? yName;
    if (use?.inputMismatch) {
      const m = use.inputMismatch;
      cx.report("IV3004", dec.network.span, `the decoder '${name}' takes ${showType(cx.s, m.expected)}, but '${zName}' is ${showType(cx.s, m.actual)}: ${explainMismatch(cx.s, m.mismatch, m.expected, m.actual)}`, {
        labels: [...(zFrom ? [zFrom] : []), ...(m.span ? [{ span: m.span, message: `'${name}' declares its input here` }] : [])],
      });
    } else if (use) {
      const u = unifyTypes(cx.s, out.data, use.output);
      if (u.mismatch) {
        cx.report("IV3004", dec.network.span, `the decoder must output the data's shape, ${showType(cx.s, out.data)}, but it outputs ${showType(cx.s, use.output)}: ${explainMismatch(cx.s, u.mismatch, out.data, use.output)}`, {
          labels: [{ span: use.from, message: `the decoder's output, ${showType(cx.s, use.output)}, comes from here` }, ...(xFrom ? [xFrom] : [])],
          hint: reshapeHint(cx, out.data, use.output),
        });
      }
      out.decoder = use.instance;
    }
    slotBuiltin(cx, dec.likelihood, env);
    checkFlowDecoder(cx, dec.likelihood, out.data, data?.name.name ?? "x", xFrom);
  }

  if (inter) priorNetworks(cx, inter.prior, out, env);

  // y's size sizes the encoder's Gaussian head: it must be written or follow from the mapping or decoder.
  if (inter && hasUnsolved(cx.s, out.latent)) {
    cx.report("IV3006", inter.type.span, `the size of the intermediary '${yName}' cannot be inferred (${showType(cx.s, out.latent)})`, {
      hint: `write it, e.g. \`intermediary ${yName} : Real[10] ~ …\``,
    });
  }
  if (inter) checkFlowPrior(cx, inter.prior, out.latent, yName, inter.type.span);

  for (const item of decl.items) {
    if (item.kind === "ObjectiveItem") {
      const o = slotBuiltin(cx, item.value, env);
      if (o?.builtin.name === "tc_elbo" && item.value.kind === "Call") checkObjectiveGroups(cx, item.value, o.builtin, out.latent, yName);
      if (o?.builtin.context === "objective" && item.value.kind === "Call" && inter) checkQFlow(cx, item.value, o.builtin, out.latent, yName, inter.type.span);
    }
    else if (item.kind === "EvaluateItem") for (const m of item.metrics) metric(cx, m, env, out.data);
    else if (item.kind === "TrainItem") {
      for (const e of item.entries) {
        const setting = TRAIN_SETTINGS.find((s) => s.name === e.key.name);
        if (e.key.name === "optimizer" || e.key.name === "scheme") slotBuiltin(cx, e.value, env);
        else if (e.key.name === "optimizers") for (const g of groupArgs(e.value)) slotBuiltin(cx, g.value, env);
        else if (setting) {
          const t = typeOf(cx, e.value, env);
          if (!fitsArgType(setting.type, t)) cx.report("IV3002", e.value.span, `the training setting '${e.key.name}' must be ${argTypeWords(setting.type)}, found ${describeType(cx.s, t)}`);
        }
      }
    }
  }
  return out;
}

/** `reshape(28, 28, 1)` when only the layout differs; `flatten` for a vector. */
function reshapeHint(cx: TypeContext, want: Type, got: Type): string | undefined {
  if (want.kind !== "tensor" || got.kind !== "tensor") return undefined;
  const w = want.dims.map((d) => cx.s.resolve(d));
  const g = got.dims.map((d) => cx.s.resolve(d));
  if (w.length === g.length || unifyDim(cx.s, product(w), product(g)) !== "ok") return undefined;
  if (w.length === 1) return "end the decoder with `flatten`";
  return w.every(isNum) ? `end the decoder with \`reshape(${w.join(", ")})\`` : undefined;
}

function networkName(e: Expr): string {
  return e.kind === "Call" ? e.callee.name : e.kind === "Name" ? e.name : "network";
}

interface Use {
  output: Type;
  from: Span;
  inputMismatch?: { expected: Type; actual: Type; mismatch: NonNullable<ReturnType<typeof unifyTypes>["mismatch"]>; span?: Span };
  instance?: NetworkInstance;
}

/** The encoder's or decoder's network applied to `input`. */
function network(cx: TypeContext, e: Expr, input: Type, expected: Type | undefined, env: Env): Use | undefined {
  const sym = e.kind === "Call" || e.kind === "Name" ? cx.resolution.get(e) : undefined;
  const call = e.kind === "Call" ? e : undefined;
  if (sym?.kind === "network") {
    const use = instantiateNetwork(cx, sym.decl, call, input.kind === "unknown" ? undefined : input, expected?.kind === "unknown" ? undefined : expected, env, e.span);
    if (use.output.kind === "unknown" && !use.inputMismatch) return undefined;
    const m = use.inputMismatch;
    return { output: use.output, from: use.from, instance: use.instance, inputMismatch: m && { ...m, span: m.param.type.span } };
  }
  if (sym?.kind === "builtin" && sym.builtin.context === "network" && call) {
    const args = builtinArgs(cx, sym.builtin, call, env);
    const net = networkResult(cx.s, sym.builtin, args);
    if (net.kind !== "network" || args.failed) return undefined;
    const u = unifyTypes(cx.s, net.input, input);
    if (u.mismatch) return { output: net.output, from: e.span, inputMismatch: { expected: resolveType(cx.s, net.input), actual: input, mismatch: u.mismatch } };
    return { output: resolveType(cx.s, net.output), from: e.span };
  }
  if (call) for (const a of call.args) typeOf(cx, a.value, env);
  return undefined;
}

/**
 * The prior's networks between its levels (PriorDescriptor.networks): each one given is instantiated on
 * the level above and must give the parameters of the level below (IV3060 names both sides).
 */
function priorNetworks(cx: TypeContext, e: Expr, out: ModelShapes, env: Env): void {
  const sym = e.kind === "Call" ? cx.resolution.get(e) : undefined;
  const d = sym?.kind === "builtin" ? priorByName(sym.builtin.name) : undefined;
  const y = out.latent.kind === "tensor" ? cx.s.resolve(out.latent.dims[0]!) : undefined;
  if (e.kind !== "Call" || !d?.networks || y === undefined || !isNum(y)) return;
  const num = (name: string) => {
    const v = argValue(e, d, name);
    return typeof v === "number" ? v : undefined;
  };
  for (const [name, want] of Object.entries(d.networks(num, y))) {
    const arg = argExpr(e, d, name);
    if (!arg) continue;
    const use = network(cx, arg, real(want.input), real(want.output), env);
    const shapes = `Real[${want.input}] → Real[${want.output}]`;
    if (use?.inputMismatch) {
      const m = use.inputMismatch;
      cx.report("IV3060", arg.span, `${want.what} must take Real[${want.input}], but '${networkName(arg)}' takes ${showType(cx.s, m.expected)}: ${explainMismatch(cx.s, m.mismatch, m.expected, m.actual)} (${d.name}'s ${name} is ${shapes})`, {
        labels: [{ span: e.span, message: `${d.name} on ${showType(cx.s, out.latent)} sets the levels here` }],
      });
    } else if (use) {
      const u = unifyTypes(cx.s, real(want.output), use.output);
      if (u.mismatch) {
        cx.report("IV3060", arg.span, `${want.what} must give Real[${want.output}], but '${networkName(arg)}' gives ${showType(cx.s, use.output)}: ${explainMismatch(cx.s, u.mismatch, real(want.output), use.output)} (${d.name}'s ${name} is ${shapes})`, {
          labels: [{ span: use.from, message: `the network's output, ${showType(cx.s, use.output)}, comes from here` }, { span: e.span, message: `${d.name} on ${showType(cx.s, out.latent)} sets the levels here` }],
        });
      } else if (!use.instance) {
        cx.report("IV3060", arg.span, `${want.what} must be a declared network (the built-in '${networkName(arg)}' cannot be lowered here)`, { hint: `use a prelude network such as mlp_decoder(hidden: [64]), or leave ${name} out and give \`hidden\`` });
      } else {
        const stateful = statefulLayer(use.instance);
        if (stateful) cx.report("IV3060", arg.span, `${want.what} runs in evaluation mode inside the prior, so it cannot hold a ${stateful.builtin!.name} layer`, { labels: [{ span: stateful.stmt.call.span, message: "here" }], hint: "use dense layers and activations only" });
        else out.priorNetworks.set(name, use.instance);
      }
    }
  }
}

/** A batch_norm or dropout layer anywhere in the instance (they need training mode and state). */
function statefulLayer(inst: NetworkInstance): NetworkInstance["layers"][number] | undefined {
  for (const li of inst.layers) {
    if (li.network) {
      const inner = statefulLayer(li.network);
      if (inner) return inner;
    } else if (li.builtin?.name === "batch_norm" || li.builtin?.name === "dropout") return li;
  }
  return undefined;
}

/** A slot holding a builtin call or bare name (data source, prior, likelihood, …): its arguments' types. */
function slotBuiltin(cx: TypeContext, e: Expr, env: Env): { builtin: Builtin; args: CallArgs } | undefined {
  const sym = e.kind === "Call" || e.kind === "Name" ? cx.resolution.get(e) : undefined;
  if (sym?.kind !== "builtin") {
    if (e.kind === "Call") for (const a of e.args) typeOf(cx, a.value, env);
    return undefined;
  }
  const call: Call = e.kind === "Call" ? e : { kind: "Call", callee: { kind: "Ident", name: sym.builtin.name, span: e.span }, args: [], span: e.span };
  return { builtin: sym.builtin, args: builtinArgs(cx, sym.builtin, call, env) };
}

function metric(cx: TypeContext, e: Expr, env: Env, x: Type): void {
  const m = slotBuiltin(cx, e, env);
  if (!m || m.builtin.name !== "region_mass") return;
  // `center` is a point in data space: as many coordinates as a datapoint has.
  const c = m.args.named.get("center");
  const items = c ? intItemsOrLength(c.type) : undefined;
  if (!c || items === undefined || x.kind !== "tensor" || x.dims.length !== 1) return;
  const d = cx.s.resolve(x.dims[0]!);
  if (isNum(d) && d !== items) {
    cx.report("IV3002", c.span, `region_mass's center has ${items} coordinate${items === 1 ? "" : "s"}, but a datapoint is ${showType(cx.s, x)}`);
  }
}

function intItemsOrLength(t: Type): number | undefined {
  if (t.kind !== "list" || !t.items) return undefined;
  return intItems(t)?.length ?? t.items.length;
}

export type { Dim };
