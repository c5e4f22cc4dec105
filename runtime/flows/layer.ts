// One layer of a flow prior (runtime/priors/flow.ts) or a FlowDecoder (runtime/objectives/flow-decoder.ts), in the IR's convention: `normalize` is the
// direction the density needs, y → base, with its log |det ∂u/∂y| per row; `generate` is its
// inverse, base → y, which only sampling uses (no gradient flows through it).
import type * as tf from "@tensorflow/tfjs";

export interface FlowLayer {
  /** `context`: conditioning features per row (a FlowDecoder's μ(z)); only conditional couplings read them */
  normalize(y: tf.Tensor2D, context?: tf.Tensor2D): { u: tf.Tensor2D; logDet: tf.Tensor1D };
  generate(u: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D;
  /** tensors the layer owns (not the model's variables) */
  dispose?(): void;
}

/** A parameter the IR declares. */
export function flowParam(params: Map<string, tf.Variable>, id: string): tf.Variable {
  const v = params.get(id);
  if (!v) throw new Error(`internal error: the flow prior's parameter '${id}' is not in the IR`);
  return v;
}
