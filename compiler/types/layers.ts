// A layer's output shape, by its descriptor's rule (compiler/builtins/layers/). The checker calls
// `layerOutput` with symbolic sizes (Real[H, W, C]); the IR lowering calls `layerShape` with numbers,
// so both agree by construction. Shapes never include the batch axis.
import { layerByName, type LayerArgs, type LayerShape, type ShapeInput } from "../builtins/layers";
import { isNum, Subst, type Dim } from "./dims";

export type { LayerArgs, LayerShape } from "../builtins/layers";
export { convOutput, convTransposeOutput, reshapeOutput, type Padding } from "./layer-shapes";

export function layerOutput(s: Subst, name: string, input: readonly Dim[], args: LayerArgs): LayerShape {
  const d = layerByName(name);
  if (!d) return { ok: true, out: [s.fresh()] }; // not a layer: its output is inferred later
  const dim = (k: string): Dim | undefined => {
    const v = args[k];
    return typeof v === "number" || (typeof v === "object" && v !== null) ? v : undefined;
  };
  const i: ShapeInput = { s, name, input, args, dim };
  return d.shape(i);
}

/** For the lowering: a layer's output shape from numbers. Throws on what the checker reports. */
export function layerShape(name: string, input: readonly number[], args: LayerArgs): number[] {
  const s = new Subst();
  const r = layerOutput(s, name, input, args);
  if (!r.ok) throw new Error(r.message);
  return r.out.map((d) => {
    const v = s.resolve(d);
    if (!isNum(v)) throw new Error(`${name}: output size not known`);
    return v;
  });
}
