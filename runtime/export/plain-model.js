// The decoder and the mapping of an exported model (`intel export`) rebuilt in plain TensorFlow.js:
// no intel-vae code, only the IR's JSON and the weights. The same file runs in Node (tests compare
// it with the runtime) and, inlined, in the browser page `intel explore` writes. It covers the
// layers and mapping ops of the MLP specs (dense, activations, batch norm in evaluation mode, the
// elementwise, reduction and indexing ops); anything else is listed in `unsupported`, not guessed.
// Values carry a batch axis in front when they depend on y ("batched"), like runtime/mapping/values.ts.

const UNARY = {
  neg: "neg", abs: "abs", sqrt: "sqrt", log: "log", exp: "exp", sin: "sin", cos: "cos", tan: "tan",
  asin: "asin", acos: "acos", atan: "atan", tanh: "tanh", sigmoid: "sigmoid", softplus: "softplus",
  relu: "relu", sign: "sign", floor: "floor", round: "round",
};
const BINARY = { add: "add", sub: "sub", mul: "mul", div: "div", pow: "pow", min: "minimum", max: "maximum", atan2: "atan2" };
const COMPARE = { eq: "equal", ne: "notEqual", lt: "less", le: "lessEqual", gt: "greater", ge: "greaterEqual" };
const STRUCTURE = ["input", "const", "param", "apply", "leaky_relu", "clip", "where", "normal_cdf", "sum", "mean", "norm", "softmax", "matmul", "concat", "stack", "slice", "index", "reshape"];
const LAYERS = ["dense", "activation", "batch_norm", "reshape", "flatten", "dropout"];
const ACTIVATIONS = ["relu", "leaky_relu", "sigmoid", "tanh", "softplus", "elu", "linear"];

/**
 * @param {any} tf the TensorFlow.js namespace (the browser's global `tf`, or `import * as tf`)
 * @param {any} topology model.json's modelTopology: { mapping, decoder, likelihood, ... }
 * @param {Record<string, any>} weights tensors by parameter id (tf.io.decodeWeights' result)
 */
export function plainModel(tf, topology, weights) {
  const { mapping, decoder, likelihood } = topology;
  const unsupported = [];
  const weight = (id) => {
    const w = weights[id];
    if (!w) throw new Error(`the export has no weight '${id}'`);
    return w;
  };

  const checkNetwork = (net, where) => {
    for (const l of net.layers) {
      if (!LAYERS.includes(l.kind)) unsupported.push(`${where}: layer '${l.kind}'`);
      else if (l.kind === "activation" && !ACTIVATIONS.includes(l.fn)) unsupported.push(`${where}: activation '${l.fn}'`);
    }
  };
  // Only the nodes z depends on run (penalties such as entropy_spread do not matter here).
  const needed = new Set();
  const visit = (i) => {
    if (needed.has(i)) return;
    needed.add(i);
    for (const j of mapping.nodes[i].inputs) visit(j);
  };
  visit(mapping.output);
  for (const i of needed) {
    const n = mapping.nodes[i];
    if (n.op === "apply") checkNetwork(n.attrs.network, `mapping node ${i} (apply)`);
    else if (!(n.op in UNARY || n.op in BINARY || n.op in COMPARE || STRUCTURE.includes(n.op))) {
      unsupported.push(`mapping node ${i}: op '${n.op}'${n.attrs && n.attrs.fn ? ` (${n.attrs.fn})` : ""}${n.bias ? ` of ${n.bias}` : ""}`);
    }
  }
  checkNetwork(decoder, "decoder");

  const asFloat = (t) => (t.dtype === "float32" ? t : tf.cast(t, "float32"));
  const rankOf = (v) => v.t.rank - (v.b ? 1 : 0);
  const axisOf = (v, axis) => {
    const r = rankOf(v);
    const a = axis < 0 ? axis + r : axis;
    return v.b ? a + 1 : a;
  };
  const num = (attrs, key, dflt) => (attrs && typeof attrs[key] === "number" ? attrs[key] : dflt);
  // NumPy broadcasting with the batch axis kept in front (values.ts align)
  const align = (vals) => {
    const b = vals.some((v) => v.b);
    const rank = Math.max(...vals.map(rankOf));
    const ts = vals.map((v) => {
      const r = rankOf(v);
      if (!v.b || r === rank) return v.t;
      return tf.reshape(v.t, [v.t.shape[0], ...new Array(rank - r).fill(1), ...v.t.shape.slice(1)]);
    });
    return { ts, b };
  };
  const elementwise = (vals, f, keepBool) => {
    const { ts, b } = align(vals);
    return { t: f(...(keepBool ? ts : ts.map(asFloat))), b };
  };
  const withBatch = (v, n) => (v.b ? v.t : tf.broadcastTo(tf.expandDims(v.t, 0), [n, ...v.t.shape]));
  const keepDims = (node, v, dflt) => {
    const k = node.attrs && node.attrs.keepdims;
    if (typeof k === "boolean") return k;
    if (dflt !== undefined && node.shape === undefined) return dflt;
    return node.shape.length === rankOf(v);
  };
  const axes = (v, axis, dflt) => {
    const a = axis === undefined ? dflt : axis;
    if (a === null) return Array.from({ length: rankOf(v) }, (_, i) => (v.b ? i + 1 : i));
    return (Array.isArray(a) ? a : [a]).map((x) => axisOf(v, x));
  };
  const gather = (v, ax, idx, keepAxis) => {
    const n = v.t.shape[ax];
    const parts = idx.map((i) => tf.slice(v.t, v.t.shape.map((_, j) => (j === ax ? (i < 0 ? i + n : i) : 0)), v.t.shape.map((d, j) => (j === ax ? 1 : d))));
    const t = parts.length === 1 ? parts[0] : tf.concat(parts, ax);
    return { t: keepAxis ? t : tf.squeeze(t, [ax]), b: v.b };
  };

  const activate = (x, fn, alpha) => {
    switch (fn) {
      case "relu": return tf.relu(x);
      case "leaky_relu": return tf.leakyRelu(x, alpha === undefined ? 0.2 : alpha);
      case "sigmoid": return tf.sigmoid(x);
      case "tanh": return tf.tanh(x);
      case "softplus": return tf.softplus(x);
      case "elu": return alpha === undefined || alpha === 1 ? tf.elu(x) : tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), alpha));
      default: return x;
    }
  };
  const runNetwork = (net, input) => {
    const shaped = (x, shape) => tf.reshape(x, [x.shape[0], ...shape]);
    let x = shaped(input, net.input);
    for (const l of net.layers) {
      x = shaped(x, l.in);
      switch (l.kind) {
        case "dense": {
          const flat = tf.reshape(x, [-1, l.in[l.in.length - 1]]);
          x = shaped(tf.add(tf.matMul(flat, weight(l.kernel)), weight(l.bias)), l.out);
          break;
        }
        case "activation": x = activate(x, l.fn, l.alpha); break;
        case "batch_norm":
          x = tf.add(tf.mul(tf.div(tf.sub(x, weight(l.movingMean)), tf.sqrt(tf.add(weight(l.movingVar), l.epsilon))), weight(l.gamma)), weight(l.beta));
          break;
        case "reshape": case "flatten": x = shaped(x, l.out); break;
        case "dropout": break; // evaluation mode
        default: throw new Error(`layer '${l.kind}' is not supported in plain tfjs`);
      }
    }
    return shaped(x, net.output);
  };

  const node = (n, ins, y) => {
    const op = n.op;
    const a = n.attrs;
    if (op in UNARY) return elementwise([ins[0]], (x) => tf[UNARY[op]](x));
    if (op in BINARY) return elementwise([ins[0], ins[1]], (p, q) => tf[BINARY[op]](p, q));
    if (op in COMPARE) return elementwise([ins[0], ins[1]], (p, q) => tf[COMPARE[op]](p, q));
    switch (op) {
      case "input": return { t: y, b: true };
      case "const": {
        const v = a.value;
        return { t: typeof v === "boolean" ? tf.scalar(v ? 1 : 0) : tf.tensor(v, undefined, "float32"), b: false };
      }
      case "param": return { t: weight(a.id), b: false };
      case "apply": return { t: runNetwork(a.network, ins[0].b ? ins[0].t : tf.expandDims(ins[0].t, 0)), b: true };
      case "normal_cdf": return elementwise([ins[0]], (x) => tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5));
      case "leaky_relu":
        if (!ins[1]) return { t: tf.leakyRelu(asFloat(ins[0].t), num(a, "alpha", 0.2)), b: ins[0].b };
        return elementwise([ins[0], ins[1]], (x, s) => tf.where(tf.greaterEqual(x, 0), x, tf.mul(x, s)));
      case "clip": {
        const lo = ins[1] || { t: tf.scalar(num(a, "lo", -Infinity)), b: false };
        const hi = ins[2] || { t: tf.scalar(num(a, "hi", Infinity)), b: false };
        return elementwise([ins[0], lo, hi], (x, l, h) => tf.minimum(tf.maximum(x, l), h));
      }
      case "where": return elementwise(ins, (c, p, q) => tf.where(c.dtype === "bool" ? c : tf.notEqual(c, 0), asFloat(p), asFloat(q)), true);
      case "sum": case "mean": {
        const f = op === "sum" ? tf.sum : tf.mean;
        return { t: f(asFloat(ins[0].t), axes(ins[0], a && a.axis, null), keepDims(n, ins[0])), b: ins[0].b };
      }
      case "norm": {
        const v = ins[0];
        const ax = axes(v, a && a.axis, -1);
        const keep = keepDims(n, v, true);
        const p = num(a, "ord", 2);
        const x = asFloat(v.t);
        const t = p === 1 ? tf.sum(tf.abs(x), ax, keep) : p === Infinity ? tf.max(tf.abs(x), ax, keep) : p === 2 ? tf.sqrt(tf.sum(tf.square(x), ax, keep)) : tf.pow(tf.sum(tf.pow(tf.abs(x), p), ax, keep), 1 / p);
        return { t, b: v.b };
      }
      case "softmax": {
        const ax = axisOf(ins[0], num(a, "axis", -1));
        const x = asFloat(ins[0].t);
        return { t: tf.exp(tf.sub(x, tf.logSumExp(x, ax, true))), b: ins[0].b };
      }
      case "matmul": {
        const [p, q] = ins;
        const k = q.t.shape[0];
        if (!q.b && rankOf(q) === 2 && rankOf(p) === 1) return { t: tf.reshape(tf.matMul(tf.reshape(asFloat(p.t), [-1, k]), asFloat(q.t)), [...p.t.shape.slice(0, -1), q.t.shape[1]]), b: p.b };
        throw new Error("matmul: only vector · matrix is supported in plain tfjs");
      }
      case "concat": case "stack": {
        const b = ins.some((v) => v.b);
        const size = (ins.find((v) => v.b) || { t: { shape: [1] } }).t.shape[0];
        const ts = ins.map((v) => asFloat(b ? withBatch(v, size) : v.t));
        if (op === "concat") return { t: tf.concat(ts, axisOf({ t: ts[0], b }, num(a, "axis", -1))), b };
        let ax = num(a, "axis", -1);
        if (ax < 0) ax += rankOf(ins[0]) + 1;
        return { t: tf.stack(ts, ax + (b ? 1 : 0)), b };
      }
      case "slice": {
        const v = ins[0];
        const ax = axisOf(v, num(a, "axis", -1));
        const len = v.t.shape[ax];
        const at = (i) => Math.min(len, Math.max(0, i < 0 ? i + len : i));
        const start = at(num(a, "start", num(a, "begin", 0)));
        const stop = at(num(a, "stop", num(a, "end", len)));
        const step = num(a, "step", 1);
        const idx = [];
        for (let i = start; step > 0 ? i < stop : i > stop; i += step) idx.push(i);
        if (idx.length === 0) return { t: tf.slice(v.t, v.t.shape.map(() => 0), v.t.shape.map((d, j) => (j === ax ? 0 : d))), b: v.b };
        return gather(v, ax, idx, true);
      }
      case "index": {
        const v = ins[0];
        const ax = axisOf(v, num(a, "axis", 0));
        const i = a.index !== undefined ? a.index : a.indices;
        return typeof i === "number" ? gather(v, ax, [i], false) : gather(v, ax, i, true);
      }
      case "reshape": return { t: tf.reshape(ins[0].t, ins[0].b ? [ins[0].t.shape[0], ...n.shape] : n.shape), b: ins[0].b };
      default: throw new Error(`mapping op '${op}' is not supported in plain tfjs`);
    }
  };

  /** z = g(y) for y [B, D]: a new tensor [B, ...z shape] */
  const map = (y) =>
    tf.tidy(() => {
      const vals = new Array(mapping.nodes.length);
      for (let i = 0; i < mapping.nodes.length; i++) if (needed.has(i)) vals[i] = node(mapping.nodes[i], mapping.nodes[i].inputs.map((j) => vals[j]), y);
      const out = vals[mapping.output];
      return out.b ? out.t : tf.broadcastTo(tf.expandDims(out.t, 0), [y.shape[0], ...out.t.shape]);
    });
  /** the mean of p(x | z) for z [B, ...z shape]: a new tensor [B, ...data shape] */
  const decode = (z) =>
    tf.tidy(() => {
      const out = runNetwork(decoder, z);
      return likelihood.kind === "bernoulli" ? tf.sigmoid(out) : out;
    });
  return { map, decode, unsupported };
}
