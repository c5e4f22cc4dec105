import * as tf from "@tensorflow/tfjs";

// Comparisons have no gradient in tfjs, and its tape throws when one lies between a variable and
// the loss (as in where(y > 0, …)). They are piecewise constant: register the zero gradient, only
// where tfjs has none.
for (const kernelName of ["Greater", "GreaterEqual", "Less", "LessEqual", "Equal", "NotEqual"]) {
  if (tf.getGradient(kernelName) == null) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ["a", "b"],
      gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({
        a: () => tf.zerosLike(saved[0]!),
        b: () => tf.zerosLike(saved[1]!),
      }),
    });
  }
}
