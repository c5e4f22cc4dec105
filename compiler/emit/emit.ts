// `intel compile`: ModelIR → one readable TypeScript module (tfjs) that builds and trains the model
// without the interpreter. The model's math (initialisers, layers, mapping ops, likelihood, ELBO) is
// written out; seeds, the fast dense/conv ops and the run directory come from runtime/support.
// Every number matches runtime/model/build.ts (same ops in the same order, same seeds).
import { basename } from "node:path";
import { Project, type CodeBlockWriter } from "ts-morph";
import type { GraphIR, InitIR, LayerIR, ModelIR, NetworkIR, NodeIR, Value } from "../ir/types";
import { Names } from "./names";

export interface EmitOptions {
  /** module specifier of runtime/support as the emitted file imports it */
  supportImport?: string;
  /** the emitted file's name (ts-morph's in-memory path) */
  fileName?: string;
}

export class EmitError extends Error {
  override readonly name = "EmitError";
}

// ---------- small formatting helpers ----------

const num = (n: number): string => (Number.isNaN(n) ? "NaN" : n === Infinity ? "Infinity" : n === -Infinity ? "-Infinity" : Object.is(n, -0) ? "-0" : String(n));
const arr = (xs: readonly number[]): string => `[${xs.map(num).join(", ")}]`;
const str = (s: string): string => JSON.stringify(s);
const at = (a: { file: string; line: number } | undefined): string => (a ? `${basename(a.file)}:${a.line}` : "");
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const eq = (a: readonly number[] | null, b: readonly number[]): boolean => a !== null && a.length === b.length && a.every((x, i) => x === b[i]);

function numAttr(attrs: NodeIR["attrs"], key: string, dflt: number): number {
  const v = attrs?.[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number") throw new EmitError(`attribute '${key}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Lines of code, written out at the end with the ts-morph writer. */
class Lines {
  readonly out: string[] = [];
  line(s = ""): void {
    this.out.push(s);
  }
  comment(s: string): void {
    this.out.push(`// ${s}`);
  }
}

// ---------- parameters ----------

function initExpr(shape: number[], init: InitIR, seedExpr: string): string {
  const s = arr(shape);
  switch (init.kind) {
    case "glorot_uniform":
      return `glorotUniform(${s}, ${init.fanIn}, ${init.fanOut}, ${seedExpr})`;
    case "he_normal":
      return `heNormal(${s}, ${init.fanIn}, ${seedExpr})`;
    case "zeros":
      return `tf.zeros(${s})`;
    case "ones":
      return `tf.ones(${s})`;
    case "constant":
      return `tf.fill(${s}, ${num(init.value)})`;
    case "normal":
      return `tf.randomNormal(${s}, ${num(init.mean)}, ${num(init.std)}, "float32", ${seedExpr})`;
    case "uniform":
      return `tf.randomUniform(${s}, ${num(init.low)}, ${num(init.high)}, "float32", ${seedExpr})`;
  }
}

// ---------- networks ----------

type Layer<K extends LayerIR["kind"]> = Extract<LayerIR, { kind: K }>;

function activationExpr(x: string, fn: string, alpha?: number): string {
  switch (fn) {
    case "relu":
      return `tf.relu(${x})`;
    case "leaky_relu":
      return `tf.leakyRelu(${x}, ${num(alpha ?? 0.2)})`;
    case "sigmoid":
      return `tf.sigmoid(${x})`;
    case "tanh":
      return `tf.tanh(${x})`;
    case "softplus":
      return `tf.softplus(${x})`;
    case "elu":
      return alpha === undefined || alpha === 1 ? `tf.elu(${x})` : `elu(${x}, ${num(alpha)})`;
    case "linear":
      return x;
    default:
      throw new EmitError(`unknown activation '${fn}'`);
  }
}

interface Emitter {
  lines: Lines;
  helpers: Set<string>;
  names: Names;
}

/**
 * One function per network: x [B, ...] → [B, ...net.output], the layers written out in order.
 * `inputShape`: the incoming datapoint shape when known statically (reshapes are emitted only where
 * the runtime's asShape would reshape).
 */
function emitNetwork(e: Emitter, fnName: string, net: NetworkIR, inputIsData: boolean, inputShape: number[] | null, doc: string): void {
  const L = e.lines;
  L.line(`/** ${doc}: [B, ${net.input.join(", ")}] → [B, ${net.output.join(", ")}] */`);
  L.line(`function ${fnName}(input: tf.Tensor, c: NetContext): tf.Tensor {`);
  let shape = inputShape;
  const toShape = (target: number[], v = "x"): void => {
    if (eq(shape, target)) return;
    L.line(`${v} = tf.reshape(${v}, [${v}.shape[0]!${target.map((d) => `, ${d}`).join("")}]);`);
    shape = target;
  };
  L.line("let x = input;");
  toShape(net.input);
  let dataInput = inputIsData;
  const layers = net.layers;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    toShape(l.in);
    const where = at(l.at);
    switch (l.kind) {
      case "dense": {
        const next = layers[i + 1];
        const relu = next?.kind === "activation" && next.fn === "relu";
        L.comment(`${where} dense ${l.units}${relu ? " + relu" : ""}`);
        const flat = l.in.length === 1 ? "x as tf.Tensor2D" : `tf.reshape(x, [-1, ${l.in[l.in.length - 1]}]) as tf.Tensor2D`;
        L.line(
          `x = dense(${flat}, param(c.params, ${str(l.kernel)}) as tf.Tensor2D, param(c.params, ${str(l.bias)}) as tf.Tensor1D, { activation: ${str(relu ? "relu" : "linear")}, inputGrad: ${!dataInput} });`,
        );
        shape = l.in.length === 1 ? [l.units] : null;
        toShape(l.out);
        if (relu) i++;
        dataInput = false;
        break;
      }
      case "conv2d":
      case "conv2d_transpose": {
        const w = `param(c.params, ${str(l.weights)}) as tf.Tensor4D`;
        const b = `param(c.params, ${str(l.bias)})`;
        L.comment(`${where} ${l.kind} ${l.filters} filters ${l.kernel.join("×")}, stride ${l.stride.join("×")}, padding ${l.padding}`);
        if (l.kind === "conv2d") L.line(`x = tf.add(conv2d(x as tf.Tensor4D, ${w}, ${arr(l.stride)}, ${str(l.padding)}), ${b});`);
        else L.line(`x = tf.add(conv2dTranspose(x as tf.Tensor4D, ${w}, ${arr([l.out[0]!, l.out[1]!])}, ${arr(l.stride)}, ${str(l.padding)}), ${b});`);
        shape = l.out;
        dataInput = false;
        break;
      }
      case "batch_norm": {
        e.helpers.add("batchNorm");
        const bn = l as Layer<"batch_norm">;
        L.comment(`${where} batch_norm`);
        L.line(`x = batchNorm(x, c, ${str(bn.gamma)}, ${str(bn.beta)}, ${str(bn.movingMean)}, ${str(bn.movingVar)}, ${num(bn.momentum)}, ${num(bn.epsilon)});`);
        break;
      }
      case "activation": {
        if (l.fn === "elu" && l.alpha !== undefined && l.alpha !== 1) e.helpers.add("elu");
        if (l.fn !== "linear") L.line(`x = ${activationExpr("x", l.fn, l.alpha)}; // ${where} ${l.fn}`);
        break;
      }
      case "reshape":
      case "flatten":
        L.comment(`${where} ${l.kind}`);
        toShape(l.out);
        break;
      case "dropout":
        L.comment(`${where} dropout ${l.rate}`);
        if (l.rate > 0) L.line(`if (c.training) x = tf.dropout(x, ${num(l.rate)}, undefined, deriveSeed(c.seed, ${i}));`);
        break;
    }
  }
  toShape(net.output);
  L.line("return x;");
  L.line("}");
  L.line();
}

// ---------- the mapping ----------

interface Info {
  v: string; // variable name
  batched: boolean;
  rank: number; // datapoint rank
  shape: number[]; // datapoint shape (static; from the IR)
  bool: boolean;
}

function valueShape(v: Value): number[] {
  const s: number[] = [];
  let cur: Value = v;
  while (Array.isArray(cur)) {
    s.push(cur.length);
    cur = cur[0] ?? 0;
  }
  return s;
}

const UNARY: Record<string, (x: string) => string> = {
  neg: (x) => `tf.neg(${x})`,
  abs: (x) => `tf.abs(${x})`,
  sqrt: (x) => `tf.sqrt(${x})`,
  log: (x) => `tf.log(${x})`,
  exp: (x) => `tf.exp(${x})`,
  sin: (x) => `tf.sin(${x})`,
  cos: (x) => `tf.cos(${x})`,
  tan: (x) => `tf.tan(${x})`,
  asin: (x) => `tf.asin(${x})`,
  acos: (x) => `tf.acos(${x})`,
  atan: (x) => `tf.atan(${x})`,
  tanh: (x) => `tf.tanh(${x})`,
  sigmoid: (x) => `tf.sigmoid(${x})`,
  softplus: (x) => `tf.softplus(${x})`,
  relu: (x) => `tf.relu(${x})`,
  sign: (x) => `tf.sign(${x})`,
  floor: (x) => `tf.floor(${x})`,
  round: (x) => `tf.round(${x})`,
  normal_cdf: (x) => `tf.mul(tf.add(tf.erf(tf.mul(${x}, Math.SQRT1_2)), 1), 0.5)`,
};
const BUILTIN_UNARY: Record<string, (x: string) => string> = {
  square: (x) => `tf.square(${x})`,
  log1p: (x) => `tf.log1p(${x})`,
  expm1: (x) => `tf.expm1(${x})`,
  sinh: (x) => `tf.sinh(${x})`,
  cosh: (x) => `tf.cosh(${x})`,
  ceil: (x) => `tf.ceil(${x})`,
  stop_gradient: (x) => `stopGradient(${x})`,
  normal_log_cdf: (x) => `normalLogCdf(${x})`,
};
const BINARY: Record<string, string> = { add: "add", sub: "sub", mul: "mul", div: "div", pow: "pow", min: "minimum", max: "maximum", atan2: "atan2" };
const COMPARE: Record<string, string> = { eq: "equal", ne: "notEqual", lt: "less", le: "lessEqual", gt: "greater", ge: "greaterEqual" };

class MappingEmitter {
  readonly infos: Info[] = [];
  constructor(
    private readonly e: Emitter,
    private readonly ir: ModelIR,
    private readonly g: GraphIR,
    private readonly netFns: Map<number, string>,
  ) {}

  private tensorAxis(v: Info, axis: number): number {
    const r = v.rank;
    if (axis < -r || axis >= Math.max(r, 1)) throw new EmitError(`axis ${axis} is out of range for a value of rank ${r}`);
    const a = axis < 0 ? axis + r : axis;
    return v.batched ? a + 1 : a;
  }
  private float(v: Info): string {
    return v.bool ? `tf.cast(${v.v}, "float32")` : v.v;
  }
  /** operands aligned like runtime/mapping/values.ts align() */
  private align(vals: Info[], keepBool = false): { ts: string[]; batched: boolean; rank: number } {
    const batched = vals.some((v) => v.batched);
    const rank = Math.max(...vals.map((v) => v.rank));
    const ts = vals.map((v) => {
      const t = keepBool ? v.v : this.float(v);
      if (!v.batched || v.rank === rank) return t;
      return `tf.reshape(${t}, [${v.v}.shape[0]!, ${new Array<string>(rank - v.rank).fill("1").join(", ")}, ...${v.v}.shape.slice(1)])`;
    });
    return { ts, batched, rank };
  }
  private withBatch(v: Info, batch: string): string {
    return v.batched ? this.float(v) : `tf.broadcastTo(tf.expandDims(${this.float(v)}, 0), [${batch}, ...${v.v}.shape])`;
  }
  private keep(node: NodeIR, v: Info): boolean {
    const k = node.attrs?.keepdims;
    return typeof k === "boolean" ? k : node.shape.length === v.rank;
  }
  private axes(v: Info, axis: unknown, dflt: number | null): number[] {
    const a = axis === undefined ? dflt : axis;
    if (a === null) return Array.from({ length: v.rank }, (_, i) => (v.batched ? i + 1 : i));
    const list = Array.isArray(a) ? a : [a];
    return list.map((x) => {
      if (typeof x !== "number") throw new EmitError(`axis must be an integer or a list of integers`);
      return this.tensorAxis(v, x);
    });
  }
  /** tf.slice/concat over index runs, like runtime gather() */
  private gather(v: Info, ax: number, idx: number[], keepAxis: boolean): string {
    const n = v.batched ? v.shape[ax - 1]! : v.shape[ax]!;
    const rankT = v.rank + (v.batched ? 1 : 0);
    const parts: string[] = [];
    for (let i = 0; i < idx.length; ) {
      const first = idx[i]! < 0 ? idx[i]! + n : idx[i]!;
      if (first < 0 || first >= n) throw new EmitError(`index ${idx[i]} is out of range for an axis of size ${n}`);
      let len = 1;
      while (i + len < idx.length && (idx[i + len]! < 0 ? idx[i + len]! + n : idx[i + len]!) === first + len) len++;
      const begin = Array.from({ length: rankT }, (_, j) => (j === ax ? first : 0));
      const sz = Array.from({ length: rankT }, (_, j) => (j === ax ? len : -1));
      parts.push(`tf.slice(${v.v}, ${arr(begin)}, ${arr(sz)})`);
      i += len;
    }
    const t = parts.length === 1 ? parts[0]! : `tf.concat([${parts.join(", ")}], ${ax})`;
    return keepAxis ? t : `tf.squeeze(${t}, [${ax}])`;
  }

  /** The expression of node i and its static info (batched, rank). */
  node(i: number, node: NodeIR): { expr: string; batched: boolean; rank: number; bool?: boolean } {
    const ins = node.inputs.map((j) => {
      if (j < 0 || j >= i) throw new EmitError(`mapping node ${i} reads node ${j}, which is not before it`);
      return this.infos[j]!;
    });
    const a = node.attrs;
    const op = node.op;
    const elementwise = (vals: Info[], f: (...ts: string[]) => string) => {
      const { ts, batched, rank } = this.align(vals);
      return { expr: f(...ts), batched, rank };
    };
    const u = UNARY[op];
    if (u) return elementwise([ins[0]!], u);
    const b = BINARY[op];
    if (b) return elementwise([ins[0]!, ins[1]!], (x, y) => `tf.${b}(${x}, ${y})`);
    const cmp = COMPARE[op];
    if (cmp) return { ...elementwise([ins[0]!, ins[1]!], (x, y) => `tf.${cmp}(${x}, ${y})`), bool: true };
    switch (op) {
      case "input":
        return { expr: "y", batched: true, rank: this.g.input.shape.length };
      case "const": {
        const v = a?.value as Value;
        const expr =
          typeof v === "number" ? `tf.scalar(${num(v)})` : typeof v === "boolean" ? `tf.scalar(${v ? 1 : 0})` : `tf.tensor(${JSON.stringify(v)}, undefined, "float32")`;
        if (typeof v !== "number" && typeof v !== "boolean" && !Array.isArray(v)) throw new EmitError(`a 'const' node needs a number or a list of numbers`);
        return { expr, batched: false, rank: valueShape(v).length };
      }
      case "param": {
        const id = a?.id;
        const p = this.ir.params.find((q) => q.id === id);
        if (typeof id !== "string" || !p) throw new EmitError(`mapping node ${i} reads parameter ${JSON.stringify(id)}, which the IR does not declare`);
        return { expr: `param(c.params, ${str(id)})`, batched: false, rank: p.shape.length };
      }
      case "apply": {
        const net = a?.network as NetworkIR;
        const x = ins[0]!;
        const fn = this.netFns.get(i)!;
        const input = x.batched ? this.float(x) : `tf.expandDims(${this.float(x)}, 0)`;
        return {
          expr: `${fn}(${input}, { params: c.params, state: c.state, training: c.training, seed: deriveSeed(c.seed, ${i}) })`,
          batched: true,
          rank: net.output.length,
        };
      }
      case "leaky_relu":
        if (!ins[1]) return { expr: `tf.leakyRelu(${this.float(ins[0]!)}, ${num(numAttr(a, "alpha", 0.2))})`, batched: ins[0]!.batched, rank: ins[0]!.rank };
        return elementwise([ins[0]!, ins[1]], (x, al) => `tf.where(tf.greaterEqual(${x}, 0), ${x}, tf.mul(${x}, ${al}))`);
      case "clip": {
        if (!ins[1] && !ins[2]) {
          return { expr: `tf.clipByValue(${this.float(ins[0]!)}, ${num(numAttr(a, "lo", -Infinity))}, ${num(numAttr(a, "hi", Infinity))})`, batched: ins[0]!.batched, rank: ins[0]!.rank };
        }
        const sc = (k: number, key: string, d: number): Info => ins[k] ?? { v: `tf.scalar(${num(numAttr(a, key, d))})`, batched: false, rank: 0, shape: [], bool: false };
        return elementwise([ins[0]!, sc(1, "lo", -Infinity), sc(2, "hi", Infinity)], (x, l, h) => `tf.minimum(tf.maximum(${x}, ${l}), ${h})`);
      }
      case "where": {
        const { ts, batched, rank } = this.align(ins, true);
        const c = ins[0]!.bool ? ts[0]! : `tf.notEqual(${ts[0]}, 0)`;
        const f = (k: number) => (ins[k]!.bool ? `tf.cast(${ts[k]}, "float32")` : ts[k]!);
        return { expr: `tf.where(${c}, ${f(1)}, ${f(2)})`, batched, rank };
      }
      case "sum":
      case "mean": {
        const v = ins[0]!;
        const axes = this.axes(v, a?.axis, null);
        const keep = this.keep(node, v);
        return { expr: `tf.${op}(${this.float(v)}, ${arr(axes)}, ${keep})`, batched: v.batched, rank: keep ? v.rank : v.rank - axes.length };
      }
      case "norm": {
        const v = ins[0]!;
        const axes = this.axes(v, a?.axis, -1);
        const k = a?.keepdims;
        const keep = typeof k === "boolean" ? k : node.shape === undefined ? true : node.shape.length === v.rank;
        const p = numAttr(a, "ord", 2);
        const x = this.float(v);
        const rank = keep ? v.rank : v.rank - axes.length;
        if (p === 1) return { expr: `tf.sum(tf.abs(${x}), ${arr(axes)}, ${keep})`, batched: v.batched, rank };
        if (p === Infinity) return { expr: `tf.max(tf.abs(${x}), ${arr(axes)}, ${keep})`, batched: v.batched, rank };
        this.e.helpers.add("safeRoot");
        const s = p === 2 ? `tf.sum(tf.square(${x}), ${arr(axes)}, ${keep})` : `tf.sum(tf.pow(tf.abs(${x}), ${num(p)}), ${arr(axes)}, ${keep})`;
        return { expr: `safeRoot(${s}, ${num(p)})`, batched: v.batched, rank };
      }
      case "softmax": {
        const v = ins[0]!;
        const ax = this.tensorAxis(v, numAttr(a, "axis", -1));
        const x = this.float(v);
        const last = v.rank + (v.batched ? 1 : 0) - 1;
        return { expr: ax === last ? `tf.softmax(${x})` : `tf.exp(tf.sub(${x}, tf.logSumExp(${x}, ${ax}, true)))`, batched: v.batched, rank: v.rank };
      }
      case "matmul": {
        const [x, y] = [ins[0]!, ins[1]!];
        if (!y.batched && y.rank === 2) {
          const xs = this.float(x);
          return {
            expr: `tf.reshape(tf.matMul(tf.reshape(${xs}, [-1, ${y.v}.shape[0]!]) as tf.Tensor2D, ${this.float(y)} as tf.Tensor2D), [...${x.v}.shape.slice(0, -1), ${y.v}.shape[1]!])`,
            batched: x.batched,
            rank: x.rank,
          };
        }
        this.e.helpers.add("matmul");
        const rank = Math.max(x.rank, y.rank) - (x.rank === 1 ? 1 : 0) - (y.rank === 1 ? 1 : 0);
        return { expr: `matmul(${this.float(x)}, ${x.rank}, ${this.float(y)}, ${y.rank})`, batched: x.batched || y.batched, rank };
      }
      case "concat":
      case "stack": {
        const batched = ins.some((v) => v.batched);
        const first = ins.find((v) => v.batched);
        const bsz = first ? `${first.v}.shape[0]!` : "1";
        const ts = ins.map((v) => (batched ? this.withBatch(v, bsz) : this.float(v)));
        if (op === "concat") {
          const ax = this.tensorAxis({ ...ins[0]!, batched }, numAttr(a, "axis", -1));
          return { expr: `tf.concat([${ts.join(", ")}], ${ax})`, batched, rank: ins[0]!.rank };
        }
        const r = ins[0]!.rank + 1;
        let ax = numAttr(a, "axis", -1);
        if (ax < 0) ax += r;
        return { expr: `tf.stack([${ts.join(", ")}], ${ax + (batched ? 1 : 0)})`, batched, rank: r };
      }
      case "slice": {
        const v = ins[0]!;
        const ax = this.tensorAxis(v, numAttr(a, "axis", -1));
        const n = v.batched ? v.shape[ax - 1]! : v.shape[ax]!;
        const clamp = (k: number) => Math.min(n, Math.max(0, k < 0 ? k + n : k));
        const start = clamp(numAttr(a, "start", numAttr(a, "begin", 0)));
        const stop = clamp(numAttr(a, "stop", numAttr(a, "end", n)));
        const step = numAttr(a, "step", 1);
        if (step !== 1) {
          const idx: number[] = [];
          for (let k = start; step > 0 ? k < stop : k > stop; k += step) idx.push(k);
          return { expr: this.gather(v, ax, idx, true), batched: v.batched, rank: v.rank };
        }
        const rankT = v.rank + (v.batched ? 1 : 0);
        const begin = Array.from({ length: rankT }, (_, j) => (j === ax ? start : 0));
        const sz = Array.from({ length: rankT }, (_, j) => (j === ax ? Math.max(0, stop - start) : -1));
        return { expr: `tf.slice(${v.v}, ${arr(begin)}, ${arr(sz)})`, batched: v.batched, rank: v.rank };
      }
      case "index": {
        const v = ins[0]!;
        const ax = this.tensorAxis(v, numAttr(a, "axis", 0));
        const idx = a?.index ?? a?.indices;
        if (typeof idx === "number") return { expr: this.gather(v, ax, [idx], false), batched: v.batched, rank: v.rank - 1 };
        if (Array.isArray(idx) && idx.every((x) => typeof x === "number")) return { expr: this.gather(v, ax, idx as number[], true), batched: v.batched, rank: v.rank };
        throw new EmitError(`an 'index' node needs attrs.index`);
      }
      case "reshape": {
        const v = ins[0]!;
        return { expr: `tf.reshape(${v.v}, ${v.batched ? `[${v.v}.shape[0]!${node.shape.map((d) => `, ${d}`).join("")}]` : arr(node.shape)})`, batched: v.batched, rank: node.shape.length };
      }
      case "entropy_spread": {
        this.e.helpers.add("entropySpread");
        const v = ins[0]!;
        return { expr: `entropySpread(${this.float(v)}, ${v.batched}, ${num(numAttr(a, "eps", 1e-8))})`, batched: false, rank: 0 };
      }
      case "builtin":
        return this.builtin(node, ins);
      default:
        throw new EmitError(`intel compile does not know op '${op}'`);
    }
  }

  private builtin(node: NodeIR, ins: Info[]): { expr: string; batched: boolean; rank: number } {
    const a = node.attrs;
    const fn = String(a?.fn ?? a?.name);
    const v = ins[0]!;
    const bu = BUILTIN_UNARY[fn];
    if (bu) {
      if (fn === "stop_gradient") this.e.helpers.add("stopGradient");
      if (fn === "normal_log_cdf") this.e.helpers.add("normalLogCdf");
      return { expr: bu(this.float(v)), batched: v.batched, rank: v.rank };
    }
    const ids = (key: string): string[] => {
      const x = a?.[key];
      if (!Array.isArray(x) || !x.every((s) => typeof s === "string")) throw new EmitError(`built-in '${fn}' needs attrs.${key}`);
      return x as string[];
    };
    const list = (xs: string[]) => `[${xs.map((s) => `param(c.params, ${str(s)})`).join(", ")}]`;
    switch (fn) {
      case "sum":
      case "prod":
      case "amin":
      case "amax":
      case "logsumexp": {
        const f = { sum: "sum", prod: "prod", amin: "min", amax: "max", logsumexp: "logSumExp" }[fn];
        const ax = a?.axis;
        const axes = ax === undefined || ax === null ? this.axes(v, null, null) : this.axes(v, ax, null);
        const keep = typeof a?.keepdims === "boolean" ? a.keepdims : node.shape.length === v.rank;
        return { expr: `tf.${f}(${this.float(v)}, ${arr(axes)}, ${keep})`, batched: v.batched, rank: keep ? v.rank : v.rank - axes.length };
      }
      case "elu":
        return { expr: `tf.where(tf.greater(${this.float(v)}, 0), ${this.float(v)}, tf.mul(tf.expm1(tf.minimum(${this.float(v)}, 0)), ${num(numAttr(a, "alpha", 1))}))`, batched: v.batched, rank: v.rank };
      case "mod": {
        const m: Info = ins[1] ?? { v: `tf.scalar(${num(numAttr(a, "m", 1))})`, batched: false, rank: 0, shape: [], bool: false };
        const { ts, batched, rank } = this.align([v, m]);
        return { expr: `tf.sub(${ts[0]}, tf.mul(${ts[1]}, tf.floor(tf.div(${ts[0]}, ${ts[1]}))))`, batched, rank };
      }
      case "log_softmax": {
        const ax = this.tensorAxis(v, numAttr(a, "axis", -1));
        return { expr: `tf.sub(${this.float(v)}, tf.logSumExp(${this.float(v)}, ${ax}, true))`, batched: v.batched, rank: v.rank };
      }
      case "cumsum":
        return { expr: `tf.cumsum(${this.float(v)}, ${this.tensorAxis(v, numAttr(a, "axis", -1))})`, batched: v.batched, rank: v.rank };
      case "dot": {
        const { ts, batched, rank } = this.align([v, ins[1]!]);
        return { expr: `tf.sum(tf.mul(${ts[0]}, ${ts[1]}), -1)`, batched, rank: rank - 1 };
      }
      case "transpose": {
        const r = v.rank + (v.batched ? 1 : 0);
        const perm = Array.from({ length: r }, (_, i) => i);
        [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
        return { expr: `tf.transpose(${v.v}, ${arr(perm)})`, batched: v.batched, rank: v.rank };
      }
      case "gather": {
        const idx = a?.indices ?? a?.index;
        if (!Array.isArray(idx)) throw new EmitError("gather needs constant attrs.indices");
        return { expr: this.gather(v, v.rank + (v.batched ? 1 : 0) - 1, (idx as number[]).map(Math.trunc), true), batched: v.batched, rank: v.rank };
      }
      case "hierarchy": {
        this.e.helpers.add("hierarchy");
        const splits = a?.splits as number[];
        const act = String(a?.activation ?? "relu");
        this.e.helpers.add("activate");
        return { expr: `hierarchy(${v.v} as tf.Tensor2D, ${arr(splits)}, ${str(act)}, ${list(ids("kernels"))}, ${list(ids("biases"))})`, batched: true, rank: 1 };
      }
      case "planar_flow":
        this.e.helpers.add("planarFlow");
        return { expr: `planarFlow(${v.v} as tf.Tensor2D, ${list(ids("u"))}, ${list(ids("w"))}, ${list(ids("b"))})`, batched: true, rank: 1 };
      case "radial_flow":
        this.e.helpers.add("radialFlow");
        return { expr: `radialFlow(${v.v} as tf.Tensor2D, ${list(ids("z0"))}, ${list(ids("alpha"))}, ${list(ids("beta"))})`, batched: true, rank: 1 };
      default:
        throw new EmitError(`intel compile does not know the built-in '${fn}'`);
    }
  }

  /** Emits the bias functions and `mapping()`; every node gets an Info. */
  emit(): void {
    const L = this.e.lines;
    const g = this.g;
    const nodes = g.nodes;
    const locals = new Names(["y", "c", "z", "penalties"]);
    // groups: maximal runs of nodes inlined from the same bias
    const groups: { bias: string | null; nodes: number[] }[] = [];
    nodes.forEach((n, i) => {
      const bias = n.op === "input" ? null : (n.bias ?? null);
      const last = groups[groups.length - 1];
      if (last && last.bias === bias) last.nodes.push(i);
      else groups.push({ bias, nodes: [i] });
    });
    const groupOf = new Map<number, number>();
    groups.forEach((gr, k) => gr.nodes.forEach((i) => groupOf.set(i, k)));
    const usedOutside = (i: number): boolean => {
      const k = groupOf.get(i)!;
      if (g.output === i || g.penalties.some((p) => p.node === i)) return true;
      return nodes.some((n, j) => groupOf.get(j) !== k && n.inputs.includes(i));
    };
    // node values
    nodes.forEach((n, i) => {
      const name = n.op === "input" ? "y" : locals.fresh(`n${i}`);
      this.infos[i] = { v: name, batched: false, rank: 0, shape: n.shape, bool: false };
    });
    const body: string[] = [];
    const bodyLine = (s: string) => body.push(s);
    const fnNames = new Names(["mapping"]);
    for (const gr of groups) {
      const emitNode = (i: number, out: (s: string) => void) => {
        const n = nodes[i]!;
        if (n.op === "input") {
          this.infos[i] = { ...this.infos[i]!, batched: true, rank: this.g.input.shape.length, shape: this.g.input.shape };
          return;
        }
        let r: ReturnType<MappingEmitter["node"]>;
        try {
          r = this.node(i, n);
        } catch (err) {
          if (!(err instanceof EmitError)) throw err;
          throw new EmitError(`mapping node ${i} '${n.op}'${n.bias ? ` of bias ${n.bias}` : ""} (${n.at ? `${n.at.file}:${n.at.line}:${n.at.col}` : "?"}): ${err.message}`);
        }
        const shape = n.op === "const" ? valueShape(n.attrs?.value as Value) : n.op === "param" ? this.ir.params.find((p) => p.id === n.attrs?.id)!.shape : n.shape;
        this.infos[i] = { ...this.infos[i]!, batched: r.batched, rank: r.rank, shape, bool: r.bool ?? false };
        out(`const ${this.infos[i]!.v} = ${r.expr}; // ${at(n.at)} ${n.op === "builtin" ? String(n.attrs?.fn) : n.op}`);
      };
      if (gr.bias === null) {
        for (const i of gr.nodes) emitNode(i, bodyLine);
        continue;
      }
      // a function for this bias
      const inGroup = new Set(gr.nodes);
      const inputs = [...new Set(gr.nodes.flatMap((i) => nodes[i]!.inputs.filter((j) => !inGroup.has(j))))].sort((x, y) => x - y);
      const outputs = gr.nodes.filter(usedOutside);
      const fname = fnNames.fresh(gr.bias);
      const fl: string[] = [];
      for (const i of gr.nodes) emitNode(i, (s) => fl.push(s));
      const first = nodes[gr.nodes[0]!]!;
      L.line(`/** bias ${gr.bias} (${at(first.at)}) */`);
      const ret = outputs.length === 1 ? "tf.Tensor" : `[${outputs.map(() => "tf.Tensor").join(", ")}]`;
      L.line(`function ${fname}(${[...inputs.map((j) => `${this.infos[j]!.v}: tf.Tensor`), "c: MapContext"].join(", ")}): ${ret} {`);
      for (const s of fl) L.line(s);
      L.line(`return ${outputs.length === 1 ? this.infos[outputs[0]!]!.v : `[${outputs.map((j) => this.infos[j]!.v).join(", ")}]`};`);
      L.line("}");
      L.line();
      const call = `${fname}(${[...inputs.map((j) => this.infos[j]!.v), "c"].join(", ")})`;
      bodyLine(outputs.length === 1 ? `const ${this.infos[outputs[0]!]!.v} = ${call};` : `const [${outputs.map((j) => this.infos[j]!.v).join(", ")}] = ${call};`);
    }
    const outInfo = this.infos[g.output]!;
    L.line(`/** the mapping g: y [B, ${g.input.shape.join(", ")}] → z, with its penalties (each averaged over the batch) */`);
    L.line(`function mapping(y: tf.Tensor, c: MapContext): { z: tf.Tensor; penalties: Record<string, tf.Scalar> } {`);
    for (const s of body) L.line(s);
    L.line(outInfo.batched ? `const z = ${this.float(outInfo)};` : `const z = tf.broadcastTo(tf.expandDims(${this.float(outInfo)}, 0), [y.shape[0]!, ...${outInfo.v}.shape]);`);
    L.line("const penalties: Record<string, tf.Scalar> = {};");
    for (const p of g.penalties) L.line(`penalties[${str(p.name)}] = tf.mean(${this.float(this.infos[p.node]!)}) as tf.Scalar; // ${at(p.at)} penalty`);
    L.line("return { z, penalties };");
    L.line("}");
    L.line();
  }
}

// ---------- helpers written out on demand ----------

const HELPERS: Record<string, string> = {
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
};

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

/** A JS object literal of plain JSON data: unquoted keys where they are identifiers, one line per field. */
function literal(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(literal).join(", ")}]`;
  if (v && typeof v === "object") {
    const es = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return es.length ? `{ ${es.map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(x)}`).join(", ")} }` : "{}";
  }
  return typeof v === "number" ? num(v) : JSON.stringify(v);
}

function infoLiteral(ir: ModelIR): string {
  const info: Record<string, unknown> = {
    irVersion: ir.irVersion,
    name: ir.name,
    source: ir.source,
    kind: ir.kind,
    data: ir.data,
    latent: ir.latent,
    likelihood: ir.likelihood,
    objective: ir.objective,
    train: ir.train,
    evaluate: ir.evaluate,
    penalties: ir.mapping.penalties,
  };
  return `{\n${Object.entries(info).map(([k, v]) => `${k}: ${literal(v)},`).join("\n")}\n}`;
}

/** Why the runtime would refuse this IR (the emitted program refuses it the same way), or null. */
function unsupported(ir: ModelIR): string | null {
  if (ir.latent.prior.kind !== "normal") return `the runtime does not implement the '${ir.latent.prior.kind}' prior yet (only N(0, I))`;
  if (ir.objective.kind !== "elbo") return `intel compile does not write out the '${ir.objective.kind}' objective yet (only the ELBO)`;
  return null;
}

/** The emitted module's text (formatted). */
export function emitModel(ir: ModelIR, opts: EmitOptions = {}): string {
  const support = opts.supportImport ?? "intel-vae/runtime/support";
  const L = new Lines();
  const e: Emitter = { lines: L, helpers: new Set(), names: new Names() };
  const d = ir.latent.dim;
  const refusal = unsupported(ir);

  // networks first (their function names are needed by the mapping)
  const netNames = new Names(["encoderNet", "decoderNet", "mapping", "encode", "decode", "loss", "createModel", "main"]);
  const netL = new Lines();
  const netE: Emitter = { ...e, lines: netL };
  emitNetwork(netE, "encoderNet", ir.encoder, true, ir.data.shape, `encoder ${ir.encoder.name} (${at(ir.encoder.layers[0]?.at)})`);
  const netFns = new Map<number, string>();
  ir.mapping.nodes.forEach((n, i) => {
    if (n.op !== "apply") return;
    const net = n.attrs?.network as NetworkIR;
    const fn = netNames.fresh(`${net.name}Net`);
    netFns.set(i, fn);
    const inShape = ir.mapping.nodes[n.inputs[0]!]!.shape;
    emitNetwork(netE, fn, net, false, inShape, `network ${net.name}, applied at ${at(n.at)}${n.bias ? ` in bias ${n.bias}` : ""}`);
  });
  const outShape = ir.mapping.nodes[ir.mapping.output]?.shape ?? null;
  emitNetwork(netE, "decoderNet", ir.decoder, false, outShape, `decoder ${ir.decoder.name} (${at(ir.decoder.layers[0]?.at)})`);

  const mapL = new Lines();
  const mapE: Emitter = { ...e, lines: mapL };
  new MappingEmitter(mapE, ir, ir.mapping, netFns).emit();

  // ----- header, imports, model info
  L.line(`// Model ${ir.name}, compiled by \`intel compile\` from ${ir.source.file} (IR ${ir.irVersion}, spec sha256 ${ir.source.sha256.slice(0, 12)}).`);
  L.line("// Plain tfjs: the model's math written out; seeds, fast dense/conv ops and the run directory come from");
  L.line("// intel-vae's runtime/support. Train it with `npx tsx THIS_FILE --epochs 1 [--backend cpu] [--seed N] [--out DIR]`.");
  L.line("// Generated code: recompile the spec rather than editing it.");
  L.line(`import * as tf from "@tensorflow/tfjs";`);
  const imports = ["deriveSeed", "runProgram", "STREAM", "type LossOptions", "type LossTerms", "type ModelInfo", "type ProgramModel"];
  const allLayers = [...ir.encoder.layers, ...ir.decoder.layers, ...ir.mapping.nodes.flatMap((n) => (n.op === "apply" ? (n.attrs?.network as NetworkIR).layers : []))];
  const needsDense = allLayers.some((l) => l.kind === "dense") || e.helpers.has("hierarchy");
  if (needsDense) imports.push("dense");
  if (allLayers.some((l) => l.kind === "conv2d")) imports.push("conv2d");
  if (allLayers.some((l) => l.kind === "conv2d_transpose")) imports.push("conv2dTranspose");
  if (e.helpers.has("batchNorm")) imports.push("batchNormTrain");
  imports.sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", "")));
  L.line(`import { ${imports.join(", ")} } from ${str(support)};`);
  L.line();
  L.line("/** What the run directory records about the model (the IR without its networks). */");
  for (const line of `export const MODEL: ModelInfo = ${infoLiteral(ir)};`.split("\n")) L.line(line);
  L.line();
  L.line("type Vars = Map<string, tf.Variable>;");
  L.line("/** what a network needs: weights, batch-norm state, training mode, its dropout seed */");
  L.line("interface NetContext {");
  L.line("params: Vars;");
  L.line("state: Vars;");
  L.line("training: boolean;");
  L.line("seed: number;");
  L.line("}");
  L.line("type MapContext = NetContext;");
  L.line();
  L.line("function param(vars: Vars, id: string): tf.Variable {");
  L.line("const v = vars.get(id);");
  L.line("if (!v) throw new Error(`no tensor '${id}'`);");
  L.line("return v;");
  L.line("}");
  L.line();
  L.line("function rowSum(t: tf.Tensor): tf.Tensor1D {");
  L.line("return tf.sum(tf.reshape(t, [t.shape[0]!, -1]), 1) as tf.Tensor1D;");
  L.line("}");
  L.line();

  // ----- parameters
  const inits = new Set([...ir.params, ...ir.state].map((p) => p.init.kind));
  if (inits.has("glorot_uniform")) {
    L.line("function glorotUniform(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Tensor {");
    L.line("const lim = Math.sqrt(6 / (fanIn + fanOut));");
    L.line('return tf.randomUniform(shape, -lim, lim, "float32", seed);');
    L.line("}");
    L.line();
  }
  if (inits.has("he_normal")) {
    L.line("/** Keras' he_normal: a normal truncated at 2σ, σ rescaled so the variance is 2 / fanIn */");
    L.line("function heNormal(shape: number[], fanIn: number, seed: number): tf.Tensor {");
    L.line('return tf.truncatedNormal(shape, 0, Math.sqrt(2 / fanIn) / 0.8796256610342398, "float32", seed);');
    L.line("}");
    L.line();
  }
  L.line("let modelCount = 0;");
  L.line();
  L.line("/**");
  L.line(" * Every learnable tensor (and the batch-norm state) in the IR's order: tensor i is initialised");
  L.line(" * with seed deriveSeed(seed, STREAM.param, i), as runtime/model/params.ts does.");
  L.line(" */");
  L.line("export function createVariables(seed: number): { params: Vars; state: Vars } {");
  L.line("const tag = `compiled${++modelCount}`;");
  L.line("const variable = (id: string, trainable: boolean, init: () => tf.Tensor): tf.Variable => {");
  L.line("const v = tf.tidy(init);");
  L.line("const out = tf.variable(v, trainable, `${tag}/${id}`);");
  L.line("v.dispose();");
  L.line("return out;");
  L.line("};");
  L.line("const params: Vars = new Map();");
  L.line("const state: Vars = new Map();");
  const all = [...ir.params.map((p) => ({ p, kind: "params" })), ...ir.state.map((p) => ({ p, kind: "state" }))];
  all.forEach(({ p, kind }, i) => {
    const seed = `deriveSeed(seed, STREAM.param, ${i})`;
    L.line(`${kind}.set(${str(p.id)}, variable(${str(p.id)}, ${kind === "params"}, () => ${initExpr(p.shape, p.init, seed)})); // ${at(p.at)}`);
  });
  L.line("return { params, state };");
  L.line("}");
  L.line();

  // ----- helpers, networks, mapping
  const helperOrder = Object.keys(HELPERS).filter((h) => e.helpers.has(h) && h !== "bernoulliLogLik");
  for (const h of helperOrder) {
    L.line(HELPERS[h]!);
    L.line();
  }
  L.out.push(...netL.out, ...mapL.out);

  // ----- likelihood, encode, objective
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

  // ----- the model and main
  L.line("/** The model with its variables initialised from `seed` (the run's deriveSeed(seed, \"init\", 0)). */");
  L.line("export function createModel(seed: number): ProgramModel {");
  if (refusal) L.line(`throw new Error(${str(refusal)});`);
  else {
    L.line("const { params, state } = createVariables(seed);");
    L.line("const ctx = (training: boolean, s: number): NetContext => ({ params, state, training, seed: s });");
    L.line("return {");
    L.line("variables: params,");
    L.line("state,");
    L.line(`latentDim: ${d},`);
    L.line("loss: (x, s, training, opts) => loss(tf.cast(x, \"float32\"), s, training, params, state, opts),");
    L.line("encode: (x, training, s) => encode(x, ctx(training, s)),");
    L.line("map: (y, training, s) => mapping(y, ctx(training, s)),");
    L.line("decode: (z, training, s) => decoderNet(z, ctx(training, s)),");
    L.line("logLikelihood: (x, out) => logLikelihood(x, out, params),");
    L.line("dispose: () => {");
    L.line("for (const v of params.values()) v.dispose();");
    L.line("for (const v of state.values()) v.dispose();");
    L.line("},");
    L.line("};");
  }
  L.line("}");
  L.line();
  L.line("/** Trains the model with the spec's settings into runs/NAME-TIMESTAMP/ (flags as `intel train`). */");
  L.line("export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {");
  L.line("return runProgram(MODEL, createModel, argv);");
  L.line("}");
  L.line();
  L.line("if (import.meta.url === `file://${process.argv[1]}`) {");
  L.line("main().then((code) => {");
  L.line("process.exitCode = code;");
  L.line("});");
  L.line("}");

  // One ts-morph source file built from one writer call (a single parse, no per-statement
  // re-parsing); the lines are indented here by their brackets, which is cheaper than formatText.
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const sf = project.createSourceFile(opts.fileName ?? "model.ts", (w: CodeBlockWriter) => {
    writeIndented(w, L.out);
  });
  return sf.getFullText();
}

/** Lines are written flat; blocks are indented two spaces per open bracket that ends a line. */
function writeIndented(w: CodeBlockWriter, lines: readonly string[]): void {
  let level = 0;
  for (const line of lines) {
    if (line.includes("\n")) {
      // a helper written out verbatim (already indented, top level)
      w.write(line).newLine();
      continue;
    }
    const t = line.trim();
    if (/^[}\])]/.test(t)) level = Math.max(0, level - 1);
    if (t === "") w.blankLine();
    else w.write(" ".repeat(2 * level) + t).newLine();
    if (/[{[(]$/.test(t)) level++;
  }
}
