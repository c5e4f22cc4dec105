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
        throw new LowerError("hierarchy's splits must be a list of sizes known at compile time", call.span);
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
      const ids = { u: [] as string[], w: [] as string[], b: [] as string[] };
      for (let l = 0; l < layers; l++) {
        ids.u.push(param(`layer_${l}/u`, [d], SMALL));
        ids.w.push(param(`layer_${l}/w`, [d], SMALL));
        ids.b.push(param(`layer_${l}/b`, [], { kind: "zeros" }));
      }
      return node({ layers, ...ids });
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
      // y + Q·R·tanh(R̃·Qᵀ·y + b) per layer (Q : [D, M], R, R̃ : [M, M] upper triangular, b : [M]).
      // The runtime has no Sylvester flow yet: this fixes the parameters it will read.
      const layers = r.num("layers");
      const m = r.maybeNum("rank") ?? d;
      const kind = r.arg("kind");
      const ids = { q: [] as string[], r1: [] as string[], r2: [] as string[], b: [] as string[] };
      for (let l = 0; l < layers; l++) {
        ids.q.push(param(`layer_${l}/q`, [d, m], SMALL));
        ids.r1.push(param(`layer_${l}/r1`, [m, m], SMALL));
        ids.r2.push(param(`layer_${l}/r2`, [m, m], SMALL));
        ids.b.push(param(`layer_${l}/b`, [m], { kind: "zeros" }));
      }
      return node({ layers, rank: m, kind: kind.kind === "const" ? constToValue(kind.value) : "orthogonal", ...ids });
    }
    case "clusters_product": {
      const ks = r.arg("ks");
      if (ks.kind !== "const") throw new LowerError("clusters_product's ks must be known at compile time", call.span);
      return node({ ks: constToValue(ks.value), c1: r.num("c1"), c2: r.num("c2"), eps: r.num("eps") });
    }
  }
  throw new LowerError(`the built-in mapping '${b.name}' has no lowering`, call.span);
}
