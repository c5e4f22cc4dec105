// The helper functions written out verbatim into the emitted module on demand (batch norm, custom
// gradients, numerically careful ops, hierarchy, clusters and flow biases), keyed by the name the emitters use.

// ---------- helpers written out on demand ----------

export const HELPERS: Record<string, string> = {
  batchNorm: `/** batch norm: batch statistics + moving averages (Keras' momentum, unbiased variance) in training, moving statistics otherwise */
function batchNorm(x: tf.Tensor, c: NetContext, gammaId: string, betaId: string, meanId: string, varId: string, momentum: number, eps: number): tf.Tensor {
  const gamma = param(c.params, gammaId) as tf.Tensor1D;
  const beta = param(c.params, betaId) as tf.Tensor1D;
  const mm = param(c.state, meanId);
  const mv = param(c.state, varId);
  if (!c.training) return tf.add(tf.mul(tf.div(tf.sub(x, mm), tf.sqrt(tf.add(mv, eps))), gamma), beta);
  const { y, mean, variance } = batchNormTrain(x, gamma, beta, eps);
  const n = x.size / x.shape[x.rank - 1]!;
  const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
  mm.assign(tf.add(tf.mul(mm, momentum), tf.mul(mean, 1 - momentum)));
  mv.assign(tf.add(tf.mul(mv, momentum), tf.mul(unbiased, 1 - momentum)));
  return y;
}`,
  bernoulliLogLik: `/**
 * Σ x·l − softplus(l) per datapoint (softplus(l) = max(l, 0) − log σ(|l|)), with its gradient
 * x − σ(l) written by hand (one fused op, as runtime/ops/losses.ts computes it)
 */
const bernoulliLogLik = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const l = args[0] as tf.Tensor;
  const x = args[1] as tf.Tensor;
  (args[2] as tf.GradSaveFunc)([l, x]);
  const value = rowSum(tf.sub(tf.mul(x, l), tf.sub(tf.relu(l), tf.log(tf.sigmoid(tf.abs(l))))));
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [sl, sx] = saved as [tf.Tensor, tf.Tensor];
    const dl = tf.mul(tf.sub(sx, tf.sigmoid(sl)), tf.reshape(dy, [dy.shape[0]!, ...sl.shape.slice(1).map(() => 1)]));
    return [dl, tf.zerosLike(sx)];
  };
  return { value, gradFunc };
}) as (logits: tf.Tensor, x: tf.Tensor) => tf.Tensor1D;`,
  elu: `/** alpha·(eˣ − 1) below 0 */
function elu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.where(tf.greater(x, 0), x, tf.mul(tf.expm1(tf.minimum(x, 0)), alpha));
}`,
  activate: `function activate(x: tf.Tensor, fn: string): tf.Tensor {
  switch (fn) {
    case "relu": return tf.relu(x);
    case "leaky_relu": return tf.leakyRelu(x, 0.2);
    case "sigmoid": return tf.sigmoid(x);
    case "tanh": return tf.tanh(x);
    case "softplus": return tf.softplus(x);
    case "elu": return tf.elu(x);
    default: return x;
  }
}`,
  safeRoot: `/** s^(1/p) with a zero (not NaN) gradient at s = 0 */
function safeRoot(s: tf.Tensor, p: number): tf.Tensor {
  const pos = tf.greater(s, 0);
  const safe = tf.where(pos, s, tf.onesLike(s));
  return tf.where(pos, p === 2 ? tf.sqrt(safe) : tf.pow(safe, 1 / p), tf.zerosLike(s));
}`,
  entropySpread: `/** mean_i H(p_i) − H(mean_i p_i) over the batch, p_i = s_i / Σ s_i: one scalar per batch */
function entropySpread(x: tf.Tensor, batched: boolean, eps: number): tf.Tensor {
  const s = batched ? tf.reshape(x, [x.shape[0]!, -1]) : tf.reshape(x, [1, -1]);
  const p = tf.div(s, tf.sum(s, 1, true));
  const h = (q: tf.Tensor) => tf.neg(tf.sum(tf.mul(q, tf.log(tf.add(q, eps))), -1));
  return tf.sub(tf.mean(h(p)), h(tf.mean(p, 0)));
}`,
  matmul: `/** NumPy matmul per datapoint; a vector operand acts as a row (left) or column (right) */
function matmul(a: tf.Tensor, ra: number, b: tf.Tensor, rb: number): tf.Tensor {
  const a2 = ra === 1 ? tf.expandDims(a, -2) : a;
  const b2 = rb === 1 ? tf.expandDims(b, -1) : b;
  const lead = tf.broadcast_util.assertAndGetBroadcastShape(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const full = (t: tf.Tensor) => {
    const want = [...lead, ...t.shape.slice(-2)];
    return tf.util.arraysEqual(t.shape, want) ? t : tf.broadcastTo(t, want);
  };
  let t = tf.matMul(full(a2) as tf.Tensor3D, full(b2) as tf.Tensor3D) as tf.Tensor;
  if (rb === 1) t = tf.squeeze(t, [t.rank - 1]);
  if (ra === 1) t = tf.squeeze(t, [t.rank - (rb === 1 ? 1 : 2)]);
  return t;
}`,
  stopGradient: `/** the identity with a zero gradient */
const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)],
})) as (x: tf.Tensor) => tf.Tensor;`,
  normalLogCdf: `/** log Φ(x): the cdf above −5, the asymptotic series below */
function normalLogCdf(x: tf.Tensor): tf.Tensor {
  const xa = tf.maximum(x, -5);
  const direct = tf.log(tf.mul(tf.add(tf.erf(tf.mul(xa, Math.SQRT1_2)), 1), 0.5));
  const xb = tf.minimum(x, -5);
  const x2 = tf.square(xb);
  const series = tf.log(tf.add(tf.sub(1, tf.div(1, x2)), tf.div(3, tf.square(x2))));
  const tail = tf.sub(tf.sub(tf.mul(x2, -0.5), tf.log(tf.neg(xb))), 0.5 * Math.log(2 * Math.PI));
  return tf.where(tf.greater(x, -5), direct, tf.add(tail, series));
}`,
  hierarchy: `/** hierarchy: z₀ = y₀, z_i = act([z_{i−1}, y_i]·W_i + b_i), z = concat(z₀ … z_N) */
function hierarchy(y: tf.Tensor2D, splits: number[], act: string, kernels: tf.Tensor[], biases: tf.Tensor[]): tf.Tensor {
  const parts = tf.split(y, splits, 1);
  const zs: tf.Tensor[] = [parts[0]!];
  for (let i = 1; i < splits.length; i++) {
    const x = tf.concat([zs[i - 1]!, parts[i]!], 1) as tf.Tensor2D;
    const h = dense(x, kernels[i - 1] as tf.Tensor2D, biases[i - 1] as tf.Tensor1D, { activation: act === "relu" ? "relu" : "linear", inputGrad: true });
    zs.push(act === "relu" ? h : activate(h, act));
  }
  return zs.length === 1 ? zs[0]! : tf.concat(zs, 1);
}`,
  planarFlow: `/** planar flows: y + û·tanh(wᵀy + b), û making each layer invertible */
function planarFlow(y: tf.Tensor2D, us: tf.Tensor[], ws: tf.Tensor[], bs: tf.Tensor[]): tf.Tensor {
  let out: tf.Tensor = y;
  for (let l = 0; l < us.length; l++) {
    const u = us[l]!, w = ws[l]!, b = tf.reshape(bs[l]!, []);
    const wu = tf.sum(tf.mul(w, u));
    const uHat = tf.add(u, tf.mul(tf.div(tf.sub(tf.sub(tf.softplus(wu), 1), wu), tf.add(tf.sum(tf.square(w)), 1e-12)), w));
    const lin = tf.add(tf.sum(tf.mul(out, w), 1, true), b);
    out = tf.add(out, tf.mul(tf.tanh(lin), uHat));
  }
  return out;
}`,
  radialFlow: `/** radial flows: y + β̂·(y − z₀)/(α̂ + ‖y − z₀‖) */
function radialFlow(y: tf.Tensor2D, z0s: tf.Tensor[], alphas: tf.Tensor[], betas: tf.Tensor[]): tf.Tensor {
  let out: tf.Tensor = y;
  for (let l = 0; l < z0s.length; l++) {
    const d = tf.sub(out, z0s[l]!);
    const a = tf.softplus(tf.reshape(alphas[l]!, []));
    const bHat = tf.add(tf.neg(a), tf.softplus(tf.reshape(betas[l]!, [])));
    const s = tf.sum(tf.square(d), 1, true);
    const pos = tf.greater(s, 0);
    const r = tf.where(pos, tf.sqrt(tf.where(pos, s, tf.onesLike(s))), tf.zerosLike(s));
    out = tf.add(out, tf.mul(tf.div(bHat, tf.add(a, r)), d));
  }
  return out;
}`,
  householderQ: `/** Q = H₁⋯H_n·[I_M; 0] : [D, M], Hᵢ = I − 2·vᵢvᵢᵀ/‖vᵢ‖²: orthonormal columns */
function householderQ(vs: tf.Tensor, d: number): tf.Tensor2D {
  const n = vs.shape[0]!;
  const unit = tf.div(vs, tf.sqrt(tf.add(tf.sum(tf.square(vs), 1, true), 1e-12)));
  const rows = tf.unstack(unit) as tf.Tensor1D[];
  let x: tf.Tensor2D = tf.eye(d, n);
  for (let i = n - 1; i >= 0; i--) {
    const v = tf.reshape(rows[i]!, [d, 1]) as tf.Tensor2D;
    x = tf.sub(x, tf.mul(2, tf.matMul(v, tf.matMul(v, x, true, false))));
  }
  return x;
}`,
  sylvesterFlow: `/** Sylvester flows: y + Q·R·tanh(R̃·Qᵀ·y + b), R and R̃ upper triangular with tanh'd diagonals (invertible) */
function sylvesterFlow(y: tf.Tensor2D, qs: tf.Tensor[], r1s: tf.Tensor[], r2s: tf.Tensor[], bs: tf.Tensor[], triangular: boolean): tf.Tensor {
  const d = y.shape[1]!;
  const tri = (raw: tf.Tensor): tf.Tensor2D => {
    const m = raw.shape[0]!;
    const upper = new Float32Array(m * m);
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) upper[i * m + j] = 1;
    const eye = tf.eye(m);
    const diag = tf.sum(tf.mul(eye, tf.tanh(raw)), 1);
    return tf.add(tf.mul(raw, tf.tensor2d(upper, [m, m])), tf.mul(eye, diag)) as tf.Tensor2D;
  };
  let z = y;
  for (let l = 0; l < r1s.length; l++) {
    const r1 = tri(r1s[l]!);
    const r2 = tri(r2s[l]!);
    const q = triangular ? null : householderQ(qs[l]!, d);
    const reverse = triangular && l % 2 === 1;
    const toM = (x: tf.Tensor2D): tf.Tensor2D => (q ? tf.matMul(x, q) : reverse ? tf.reverse(x, 1) : x);
    const fromM = (x: tf.Tensor2D): tf.Tensor2D => (q ? tf.matMul(x, q, false, true) : reverse ? tf.reverse(x, 1) : x);
    const h = tf.tanh(tf.add(tf.matMul(toM(z), r2, false, true), bs[l]!) as tf.Tensor2D);
    z = tf.add(z, fromM(tf.matMul(h, r1, false, true)));
  }
  return z;
}`,
  clustersProduct: `/** K = ∏ kᵢ clusters: the prelude's clusters(k: kᵢ) on each plane (y[2i], y[2i+1]), sectors from π/2 */
function clustersProduct(y: tf.Tensor2D, ks: number[], c1: number, c2: number, eps: number): tf.Tensor {
  const [b, d] = y.shape;
  const n = ks.length;
  const short = d < 2 * n;
  const offset = Math.PI / 2;
  const p = short ? tf.concat([y, tf.zeros([b, 1])], 1) : y;
  const [u3, v3] = tf.split(tf.reshape(tf.slice(p, [0, 0], [b, 2 * n]), [b, n, 2]), 2, 2);
  const u = tf.reshape(u3!, [b, n]);
  const v = tf.reshape(v3!, [b, n]);
  const w = tf.tensor1d(ks.map((k) => (2 * Math.PI) / k));
  const halfW = tf.tensor1d(ks.map((k) => (2 * Math.PI) / k / 2));
  const r2 = tf.add(tf.square(u), tf.square(v));
  const theta = tf.sub(tf.atan2(v, tf.where(tf.greater(r2, 0), u, tf.onesLike(u))), offset);
  const lo = tf.add(offset, tf.mul(tf.floor(tf.div(theta, w)), w));
  const hi = tf.add(lo, w);
  const dis = tf.maximum(tf.minimum(tf.sub(tf.mul(v, tf.cos(lo)), tf.mul(u, tf.sin(lo))), tf.sub(tf.mul(u, tf.sin(hi)), tf.mul(v, tf.cos(hi)))), 0);
  const mid = tf.add(lo, halfW);
  const push = tf.mul(c1, tf.where(tf.greater(dis, eps), tf.pow(tf.maximum(dis, eps), c2), tf.mul(dis, eps ** (c2 - 1))));
  const out = tf.reshape(tf.stack([tf.add(u, tf.mul(push, tf.cos(mid))), tf.add(v, tf.mul(push, tf.sin(mid)))], 2), [b, 2 * n]) as tf.Tensor2D;
  if (short) return tf.slice(out, [0, 0], [b, d]);
  return 2 * n === d ? out : tf.concat([out, tf.slice(y, [0, 2 * n], [b, d - 2 * n])], 1);
}`,
};
