// Emits the likelihood and the objective: logLikelihood (bernoulli/gaussian/laplace), the KL term,
// encode (q(y|x)) and the ELBO loss on a batch.
import type { ModelIR } from "../ir/types";
import { at, eq, num, size, str, type Lines } from "./common";
import { HELPERS } from "./helpers";

// ---------- the likelihood and the objective ----------

function emitLikelihood(L: Lines, ir: ModelIR): void {
  const lik = ir.likelihood;
  const n = size(ir.data.shape);
  const ref = at(ir.decoder.layers.at(-1)?.at ?? ir.data.at);
  L.line(`/** log p(x | decoder output) per datapoint, summed over the data axes: [B] (${lik.kind}; ${ref}) */`);
  L.line("function logLikelihood(x: tf.Tensor, out: tf.Tensor, params: Vars): tf.Tensor1D {");
  L.line(eq(ir.decoder.output, ir.data.shape) ? "const o = out;" : "const o = tf.reshape(out, x.shape);");
  switch (lik.kind) {
    case "bernoulli":
      L.line("return bernoulliLogLik(o, x);");
      break;
    case "gaussian":
      if (lik.sigma === "learned") {
        L.line(`const logSigma = param(params, ${str(lik.logSigma ?? "")});`);
        L.line("const r = tf.mul(tf.sub(x, o), tf.exp(tf.neg(logSigma)));");
        L.line("return rowSum(tf.sub(tf.mul(tf.square(r), -0.5), tf.add(logSigma, 0.5 * Math.log(2 * Math.PI))));");
      } else {
        const s = num(lik.sigma);
        L.comment(`σ = ${s}`);
        L.line(`return tf.sub(tf.mul(rowSum(tf.squaredDifference(x, o)), -0.5 / (${s} * ${s})), (Math.log(${s}) + 0.5 * Math.log(2 * Math.PI)) * ${n}) as tf.Tensor1D;`);
      }
      break;
    case "laplace":
      if (lik.scale === "learned") {
        L.line(`const logB = param(params, ${str(lik.logScale ?? "")});`);
        L.line("return rowSum(tf.sub(tf.mul(tf.neg(tf.abs(tf.sub(x, o))), tf.exp(tf.neg(logB))), tf.add(logB, Math.LN2)));");
      } else {
        const b = num(lik.scale);
        L.comment(`b = ${b}`);
        L.line(`return tf.sub(tf.div(rowSum(tf.abs(tf.sub(x, o))), -${b}), Math.log(2 * ${b}) * ${n}) as tf.Tensor1D;`);
      }
      break;
  }
  L.line("}");
  L.line();
}

/** The likelihood, the KL term, encode and loss, in that order. */
export function emitObjective(L: Lines, ir: ModelIR): void {
  const d = ir.latent.dim;
  if (ir.likelihood.kind === "bernoulli") {
    L.line(HELPERS.bernoulliLogLik!);
    L.line();
  }
  L.line(`/**
 * KL(N(μ, diag e^logvar) ‖ N(0, I)) per datapoint: ½ Σ (μ² + e^logvar − 1 − logvar), with its
 * gradients dμ = μ, dlogvar = ½(e^logvar − 1) written by hand (as runtime/ops/losses.ts does)
 */
const klStdNormal = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const mu = args[0] as tf.Tensor2D;
  const lv = args[1] as tf.Tensor2D;
  const e = tf.exp(lv);
  (args[2] as tf.GradSaveFunc)([mu, e]);
  const value = tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), e), tf.add(lv, 1)), 1), 0.5);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [smu, se] = saved as [tf.Tensor2D, tf.Tensor2D];
    const d = tf.reshape(dy, [-1, 1]);
    return [tf.mul(smu, d), tf.mul(tf.mul(tf.sub(se, 1), 0.5), d)];
  };
  return { value, gradFunc };
}) as (mean: tf.Tensor2D, logvar: tf.Tensor2D) => tf.Tensor1D;`);
  L.line();
  emitLikelihood(L, ir);
  const encRank = ir.encoder.output.length;
  L.line(`/** q(y|x): mean and log-variance, each [B, ${d}] (${at(ir.latent.at)}) */`);
  L.line("function encode(x: tf.Tensor, c: NetContext): { mean: tf.Tensor2D; logvar: tf.Tensor2D } {");
  L.line(encRank === 1 ? "const out = encoderNet(x, c);" : `const out = tf.reshape(encoderNet(x, c), [-1, ${2 * d}]);`);
  L.line(`return { mean: tf.slice(out, [0, 0], [-1, ${d}]) as tf.Tensor2D, logvar: tf.slice(out, [0, ${d}], [-1, ${d}]) as tf.Tensor2D };`);
  L.line("}");
  L.line();
  const obj = ir.objective;
  L.line("/**");
  L.line(` * The ${obj.kind.toUpperCase()} on a batch: −E_q log p(x|g(y)) + β·KL(q(y|x) ‖ N(0, I)) + Σ penalties, with one`);
  L.line(" * reparameterised sample y = μ + σ·ε per datapoint; ε and each stage's dropout have their own seeds.");
  L.line(" */");
  L.line("function loss(x: tf.Tensor, seed: number, training: boolean, params: Vars, state: Vars, opts: LossOptions = {}): LossTerms {");
  L.line("const terms = tf.tidy(() => {");
  L.line(`const beta = opts.beta ?? ${obj.kind === "elbo" ? num(obj.beta) : 1};`);
  L.line("const ctx = (s: number): NetContext => ({ params, state, training, seed: deriveSeed(seed, s) });");
  L.line("const { mean, logvar } = encode(x, ctx(STREAM.encoder));");
  L.line(`const eps = tf.randomNormal([x.shape[0]!, ${d}], 0, 1, "float32", deriveSeed(seed, STREAM.noise, 0));`);
  L.line("const y = tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)) as tf.Tensor2D; // reparameterisation");
  L.line("const { z, penalties } = mapping(y, ctx(STREAM.mapping));");
  L.line("const out = decoderNet(z, ctx(STREAM.decoder));");
  L.line("const recon = tf.neg(tf.mean(logLikelihood(x, out, params))) as tf.Scalar;");
  L.line("const kl = tf.mean(klStdNormal(mean, logvar)) as tf.Scalar;");
  L.line("let total = beta === 0 ? recon : (tf.add(recon, beta === 1 ? kl : tf.mul(kl, beta)) as tf.Scalar);");
  const np = ir.mapping.penalties.length;
  if (np === 1) L.line("total = tf.add(total, Object.values(penalties)[0]!);");
  else if (np > 1) L.line("total = tf.add(total, tf.addN(Object.values(penalties)));");
  L.line("return { loss: total, recon, kl, penalties } as unknown as tf.TensorContainer;");
  L.line("});");
  L.line("return terms as unknown as LossTerms;");
  L.line("}");
  L.line();
}
