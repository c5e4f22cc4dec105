// Emits the mapping g: y → z as one function over the mapping graph (node by node, each bias in its
// own function), with its penalties, matching runtime/mapping's evaluation. Ops are tfjs calls;
// built-ins with math of their own call the runtime's implementation (runtime/support).
import type { GraphIR, ModelIR, NetworkIR, NodeIR, Value } from "../ir/types";
import { typedNode } from "../ir/schema";
import { arr, at, EmitError, num, numAttr, str, type Emitter } from "./common";
import { BINARY, BUILTIN_UNARY, COMPARE, UNARY, valueShape, type Info } from "./mapping-ops";
import { Names } from "./names";

export class MappingEmitter {
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
      case "data":
        // a mapping conditioned on x (IV5090): the datapoints of y's rows, from the context
        this.e.imports.add("mappingData");
        return { expr: "mappingData(c)", batched: true, rank: node.shape.length };
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
        this.e.imports.add("safeRoot");
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
        this.e.imports.add("matmul");
        const rank = !y.batched && y.rank === 2 ? x.rank : Math.max(x.rank, y.rank) - (x.rank === 1 ? 1 : 0) - (y.rank === 1 ? 1 : 0);
        return { expr: `matmul(${this.float(x)}, ${x.rank}, ${this.float(y)}, ${y.rank}, ${y.batched})`, batched: x.batched || y.batched, rank };
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
        this.e.imports.add("entropySpread");
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
      if (fn === "stop_gradient") this.e.imports.add("stopGradient");
      if (fn === "normal_log_cdf") this.e.imports.add("normalLogCdf");
      return { expr: bu(this.float(v)), batched: v.batched, rank: v.rank };
    }
    const ids = (key: string): string[] => {
      const x = a?.[key];
      if (!Array.isArray(x) || !x.every((s) => typeof s === "string")) throw new EmitError(`built-in '${fn}' needs attrs.${key}`);
      return x as string[];
    };
    const p = (id: string) => `param(c.params, ${str(id)})`;
    const list = (xs: string[]) => `[${xs.map(p).join(", ")}]`;
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
        this.e.imports.add("elu");
        return { expr: `elu(${this.float(v)}, ${num(numAttr(a, "alpha", 1))})`, batched: v.batched, rank: v.rank };
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
        this.e.imports.add("hierarchy");
        const splits = a?.splits as number[];
        const act = String(a?.activation ?? "relu");
        return { expr: `hierarchy(${v.v} as tf.Tensor2D, ${arr(splits)}, ${str(act)}, ${list(ids("kernels"))}, ${list(ids("biases"))})`, batched: true, rank: 1 };
      }
      case "planar_flow": {
        this.e.imports.add("planarFlow");
        const [us, ws, bs] = [ids("u"), ids("w"), ids("b")];
        const layers = us.map((u, l) => `{ u: ${p(u)}, w: ${p(ws[l]!)}, b: ${p(bs[l]!)} }`);
        return { expr: `planarFlow(${v.v} as tf.Tensor2D, [${layers.join(", ")}]).z`, batched: true, rank: 1 };
      }
      case "radial_flow":
        this.e.imports.add("radialFlow");
        return { expr: `radialFlow(${v.v} as tf.Tensor2D, ${list(ids("z0"))}, ${list(ids("alpha"))}, ${list(ids("beta"))})`, batched: true, rank: 1 };
      case "sylvester_flow": {
        // the layers as runtime/mapping/sylvester.ts sylvesterLayers reads them; "triangular" has no reflections
        const triangular = a?.kind === "triangular";
        this.e.imports.add("sylvesterFlow");
        const [r1, r2, bs] = [ids("r1"), ids("r2"), ids("b")];
        const qs = triangular ? null : ids("q");
        const layers = r1.map((r, l) => `{ q: ${qs ? p(qs[l]!) : "null"}, r1: ${p(r)}, r2: ${p(r2[l]!)}, b: ${p(bs[l]!)}, reverse: ${triangular && l % 2 === 1} }`);
        return { expr: `sylvesterFlow(${v.v} as tf.Tensor2D, [${layers.join(", ")}]).z`, batched: true, rank: 1 };
      }
      case "clusters_product": {
        this.e.imports.add("clustersProduct");
        const ks = a?.ks as number[];
        return { expr: `clustersProduct(${v.v} as tf.Tensor2D, { ks: ${arr(ks)}, c1: ${num(numAttr(a, "c1", 5))}, c2: ${num(numAttr(a, "c2", 0.2))}, eps: ${num(numAttr(a, "eps", 1e-6))} })`, batched: true, rank: 1 };
      }
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
          throw new EmitError(`mapping node ${i} '${n.op}'${n.bias ? ` of bias ${n.bias}` : ""} (${n.at ? `${n.at.file}:${n.at.line}:${n.at.col}` : "?"}): ${err.message}`, n.at);
        }
        const t = typedNode(n);
        const shape = t.op === "const" ? valueShape(t.attrs.value) : t.op === "param" ? this.ir.params.find((p) => p.id === t.attrs.id)!.shape : n.shape;
        this.infos[i] = { ...this.infos[i]!, batched: r.batched, rank: r.rank, shape, bool: r.bool ?? false };
        out(`const ${this.infos[i]!.v} = ${r.expr}; // ${at(n.at)} ${t.op === "builtin" ? t.attrs.fn : n.op}`);
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
      L.line(`function ${fname}(${[...inputs.map((j) => `${this.infos[j]!.v}: tf.Tensor`), "c: NetContext"].join(", ")}): ${ret} {`);
      for (const s of fl) L.line(s);
      L.line(`return ${outputs.length === 1 ? this.infos[outputs[0]!]!.v : `[${outputs.map((j) => this.infos[j]!.v).join(", ")}]`};`);
      L.line("}");
      L.line();
      const call = `${fname}(${[...inputs.map((j) => this.infos[j]!.v), "c"].join(", ")})`;
      bodyLine(outputs.length === 1 ? `const ${this.infos[outputs[0]!]!.v} = ${call};` : `const [${outputs.map((j) => this.infos[j]!.v).join(", ")}] = ${call};`);
    }
    const outInfo = this.infos[g.output]!;
    L.line(`/** the mapping g: y [B, ${g.input.shape.join(", ")}] → z, with its penalties (each averaged over the batch) */`);
    L.line(`function mapping(y: tf.Tensor2D, c: NetContext): MapResult {`);
    for (const s of body) L.line(s);
    L.line(outInfo.batched ? `const z = ${this.float(outInfo)};` : `const z = tf.broadcastTo(tf.expandDims(${this.float(outInfo)}, 0), [y.shape[0]!, ...${outInfo.v}.shape]);`);
    L.line("const penalties: Record<string, tf.Scalar> = {};");
    for (const p of g.penalties) L.line(`penalties[${str(p.name)}] = tf.mean(${this.float(this.infos[p.node]!)}) as tf.Scalar; // ${at(p.at)} penalty`);
    L.line("return { z, penalties };");
    L.line("}");
    L.line();
  }
}
