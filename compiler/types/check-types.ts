// Types and shapes (IV3xxx): every bias and network on its own (generics rigid), then each model's
// chain data → encoder → y → mapping → decoder → data, instantiating what it uses with its sizes.
// Whatever failed name resolution is skipped silently (it has no resolution entry), so one mistake
// gives one diagnostic. Linear in the size of the specs: each use is checked once per distinct sizes.
import type { BiasDecl, ModelDecl, NetworkDecl } from "../../grammar/ast";
import type { Diagnostic } from "../diagnostics/diagnostic";
import type { NameCheck } from "../names/check-names";
import type { LoadedModules } from "../names/modules";
import { TypeContext, type BiasInstance, type NetworkInstance, type OwnCheck } from "./context";
import { checkBiasOwn } from "./decls";
import { isNum, normalizeDim, type Dim } from "./dims";
import { checkModelTypes, type ModelShapes } from "./model";
import { checkNetworkOwn } from "./networks";
import { resolveType, showType, type Type } from "./types";

export interface TypeCheck {
  diagnostics: Diagnostic[];
  /** each model's parts with their types (see ModelShapes) */
  models: Map<ModelDecl, ModelShapes>;
  /** a size with every inferred variable substituted: a number once the model fixes it */
  resolve(d: Dim): Dim;
  /** a type's concrete shape (numbers), or undefined while some size is symbolic or unknown */
  shape(t: Type): number[] | undefined;
  /** for editors: each bias's and network's own check, its instances at uses, and types as printed */
  owned: Map<BiasDecl | NetworkDecl, OwnCheck>;
  instances(decl: BiasDecl | NetworkDecl): (BiasInstance | NetworkInstance)[];
  show(t: Type): string;
}

export function checkTypes(loaded: LoadedModules, names: NameCheck): TypeCheck {
  const cx = new TypeContext(names.resolution);
  for (const mod of loaded.modules) {
    for (const item of mod.program.items) {
      if (item.kind === "BiasDecl") checkBiasOwn(cx, item);
      else if (item.kind === "NetworkDecl") checkNetworkOwn(cx, item);
    }
  }
  const models = new Map<ModelDecl, ModelShapes>();
  for (const mod of loaded.modules) {
    for (const item of mod.program.items) {
      if (item.kind === "ModelDecl") {
        models.set(item, checkModelTypes(cx, item));
        cx.settle();
      }
    }
  }
  const resolve = (d: Dim): Dim => normalizeDim(cx.s.resolve(d));
  return {
    diagnostics: cx.diagnostics,
    models,
    resolve,
    owned: cx.owned,
    instances: (decl) => [...(cx.memo.get(decl)?.values() ?? [])],
    show: (t) => showType(cx.s, t),
    shape(t: Type) {
      const r = resolveType(cx.s, t);
      if (r.kind !== "tensor") return undefined;
      const dims = r.dims.map(resolve);
      return dims.every(isNum) ? dims : undefined;
    },
  };
}
