// Built-in mappings the language cannot express (compiler/builtins/functions.ts, MAPPINGS): one
// `builtin` node each, whose attrs name the learnable tensors the compiler creates for it (the
// schemas runtime/mapping/library.ts reads). Ids: `<scope>/<fn>/<level or layer>_<i>/<tensor>`.
import type { Call } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import type { InitIR } from "../ir/types";
import { LowerError } from "./context";
import { constToValue, type V } from "./graph";
import { op, type Attrs, type Mx, type Scope } from "./expr";
import type { ArgReaders } from "./calls";

const SMALL: InitIR = { kind: "normal", mean: 0, std: 0.01 };

/** Creates one learnable tensor under the caller's scope and returns its id. */
export type ParamMaker = (id: string, shape: number[], init: InitIR) => string;

/** A planar flow's tensors on y : Real[D]; shared with the encoder flow (compiler/lower/slots.ts). */
export function planarParams(param: ParamMaker, layers: number, d: number): { u: string[]; w: string[]; b: string[] } {
  const ids = { u: [] as string[], w: [] as string[], b: [] as string[] };
  for (let l = 0; l < layers; l++) {
    ids.u.push(param(`layer_${l}/u`, [d], SMALL));
    ids.w.push(param(`layer_${l}/w`, [d], SMALL));
    ids.b.push(param(`layer_${l}/b`, [], { kind: "zeros" }));
  }
  return ids;
}

/** A Sylvester flow's tensors of rank M on y : Real[D]; `withQ` false for the triangular kind's fixed Q. */
export function sylvesterParams(param: ParamMaker, layers: number, d: number, m: number, withQ: boolean): { q: string[]; r1: string[]; r2: string[]; b: string[] } {
  const ids = { q: [] as string[], r1: [] as string[], r2: [] as string[], b: [] as string[] };
  for (let l = 0; l < layers; l++) {
    if (withQ) ids.q.push(param(`layer_${l}/q`, [m, d], { kind: "normal", mean: 0, std: 1 }));
    ids.r1.push(param(`layer_${l}/r1`, [m, m], SMALL));
    ids.r2.push(param(`layer_${l}/r2`, [m, m], { kind: "normal", mean: 0, std: 1 / Math.sqrt(m) }));
    ids.b.push(param(`layer_${l}/b`, [m], { kind: "zeros" }));
  }
  return ids;
}

export function builtinMapping(mx: Mx, call: Call, b: Builtin, s: Scope, r: ArgReaders): V {
  const y = r.t("y");
  const shape = mx.g.shapeOf(y);
  if (shape.length !== 1) throw new LowerError(`${b.name} maps a vector y : Real[D]`, call.span);
  const d = shape[0]!;
  const path = mx.lw.scope(`${s.path}/${b.name}`);
  const param = (id: string, sh: number[], init: InitIR): string => mx.lw.param(`${path}/${id}`, sh, init, call.span);
  const node = (attrs: Attrs) => op(mx, s, "builtin", [y], call, () => [d], { fn: b.name, ...attrs });

  switch (b.name) {
    case "hierarchy": {
      // Level i (1-based) maps [z_{i−1}, y_i] : Real[s_{i−1} + s_i] to z_i : Real[s_i].
      const splits = r.arg("splits");
      if (splits.kind !== "const" || !Array.isArray(splits.value) || !splits.value.every((x) => typeof x === "number")) {
        throw new LowerError("hierarchy's splits must be a list of sizes known at compile time", call.span, "IV5004");
      }
      const sz = splits.value as number[];
      const activation = r.arg("activation");
      const kernels: string[] = [];
      const biases: string[] = [];
      for (let i = 1; i < sz.length; i++) {
        const fanIn = sz[i - 1]! + sz[i]!;
        kernels.push(param(`level_${i}/kernel`, [fanIn, sz[i]!], { kind: "glorot_uniform", fanIn, fanOut: sz[i]! }));
        biases.push(param(`level_${i}/bias`, [sz[i]!], { kind: "zeros" }));
      }
      return node({ splits: sz, activation: activation.kind === "const" ? constToValue(activation.value) : "relu", kernels, biases });
    }
    case "planar_flow": {
      // y + û·tanh(wᵀy + b); small u, w and b = 0 start near the identity.
      const layers = r.num("layers");
      return node({ layers, ...planarParams(param, layers, d) });
    }
    case "radial_flow": {
      // α = β = 0 gives β̂ = −softplus(0) + softplus(0) = 0: each layer starts as the identity.
      const layers = r.num("layers");
      const ids = { z0: [] as string[], alpha: [] as string[], beta: [] as string[] };
      for (let l = 0; l < layers; l++) {
        ids.z0.push(param(`layer_${l}/z0`, [d], { kind: "normal", mean: 0, std: 1 }));
        ids.alpha.push(param(`layer_${l}/alpha`, [], { kind: "zeros" }));
        ids.beta.push(param(`layer_${l}/beta`, [], { kind: "zeros" }));
      }
      return node({ layers, ...ids });
    }
    case "sylvester_flow": {
      // y + Q·R·tanh(R̃·Qᵀ·y + b) per layer (runtime/mapping/sylvester.ts): Q : [D, M] from M Householder
      // vectors (none for "triangular"), R, R̃ raw [M, M] (upper triangle used, diagonal tanh'd), b : [M].
      // Small R starts each layer near the identity; R̃ of scale 1/√M keeps R̃·Qᵀ·y of order 1 for
      // y ~ N(0, I), where tanh is not saturated, so R gets gradient from the first step.
      const layers = r.num("layers");
      if (!Number.isInteger(layers) || layers < 1) throw new LowerError(`sylvester_flow's layers must be an integer ≥ 1, got ${layers}`, call.span, "IV5004");
      const kind = r.arg("kind");
      const k = kind.kind === "const" ? constToValue(kind.value) : null;
      if (k !== "orthogonal" && k !== "householder" && k !== "triangular") {
        throw new LowerError(`sylvester_flow's kind must be "orthogonal", "householder" or "triangular", got ${JSON.stringify(k)}`, call.span, "IV5004");
      }
      const rank = r.maybeNum("rank");
      if (rank !== null && (!Number.isInteger(rank) || rank < 1 || rank > d)) throw new LowerError(`sylvester_flow's rank must be an integer in [1, ${d}], got ${rank}`, call.span, "IV5004");
      if (k !== "orthogonal" && rank !== null && rank !== d) throw new LowerError(`a ${k} Sylvester flow has rank M = D = ${d}; use kind: "orthogonal" for a smaller rank`, call.span, "IV5004");
      const m = rank ?? d;
      const ids = sylvesterParams(param, layers, d, m, k !== "triangular");
      return node({ layers, rank: m, kind: k, ...(k === "triangular" ? { r1: ids.r1, r2: ids.r2, b: ids.b } : ids) });
    }
    case "clusters_product": {
      // Factor i acts on dims (2i, 2i+1) (runtime/mapping/clusters.ts); a last factor 2 may have dim 2i alone.
      const ks = r.arg("ks");
      const v = ks.kind === "const" ? constToValue(ks.value) : null;
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 2)) {
        throw new LowerError("clusters_product's ks must be a non-empty list of integers ≥ 2 known at compile time", call.span, "IV5004");
      }
      const n = v.length;
      const last = v[n - 1] as number;
      if (d < 2 * n - (last === 2 ? 1 : 0)) {
        throw new LowerError(`clusters_product with ${n} factor(s) needs y : Real[D] with D ≥ ${2 * n}${last === 2 ? ` (${2 * n - 1} when the last factor is 2)` : ""}, but D = ${d}`, call.span, "IV5004");
      }
      return node({ ks: v, c1: r.num("c1"), c2: r.num("c2"), eps: r.num("eps") });
    }
  }
  throw new LowerError(`the built-in mapping '${b.name}' has no lowering`, call.span);
}
