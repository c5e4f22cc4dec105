// Evaluates the mapping's SSA graph (GraphIR) on a batch y [B, ...input.shape].
import * as tf from "@tensorflow/tfjs";
import { typedNode } from "../../compiler/ir/schema";
import type { GraphIR, NetworkIR, NodeIR, TypedNodeIR } from "../../compiler/ir/types";
import { runBuiltin, type BuiltinContext } from "./builtins";
import "./library"; // registers the built-in mappings with parameters
import * as ops from "./ops";
import { constTensor, type Val } from "./values";

export interface MapContext extends BuiltinContext {
  /** runs an `apply` node's network on a batched input */
  apply(net: NetworkIR, x: tf.Tensor, nodeIndex: number): tf.Tensor;
  /** the datapoints of y's rows, for a `data` node (a mapping conditioned on x) */
  data?: tf.Tensor;
}

/** A mapping conditioned on x was asked for z without datapoints: a draw from the prior has none. */
export class MappingNeedsDataError extends Error {
  constructor() {
    super("the mapping reads the data x (z = g(y, x), IV5090), so z exists only for a datapoint: there are no samples from the prior, so `intel sample`, `intel export`, `intel explore` and the sample metrics are unavailable for this model (the report leaves its samples out)");
  }
}

/** The `data` node's value: the context's datapoints, or MappingNeedsDataError. */
export function mappingData(c: { data?: tf.Tensor }): tf.Tensor {
  if (!c.data) throw new MappingNeedsDataError();
  return c.data;
}


export interface MapResult {
  z: tf.Tensor;
  penalties: Record<string, tf.Scalar>;
}

function where(node: NodeIR, i: number): string {
  const at = node.at ? ` (${node.at.file}:${node.at.line}:${node.at.col})` : "";
  return `mapping node ${i} '${node.op}'${node.bias ? ` of bias ${node.bias}` : ""}${at}`;
}

export class GraphEvaluator {
  /** const nodes, made once; kept out of every tidy */
  private readonly consts = new Map<number, tf.Tensor>();

  /** the nodes with their attrs typed by op (the IR schema checked them) */
  private readonly typed: TypedNodeIR[];

  constructor(readonly graph: GraphIR) {
    this.typed = graph.nodes.map(typedNode);
    graph.nodes.forEach((n, i) => {
      if (n.op !== "const") return;
      try {
        const t = typedNode(n);
        if (t.op === "const") this.consts.set(i, tf.keep(constTensor(t.attrs.value)));
      } catch (e) {
        throw new Error(`${where(n, i)}: ${(e as Error).message}`);
      }
    });
    const names = new Set<string>();
    for (const p of graph.penalties) {
      if (names.has(p.name)) throw new Error(`internal error: two mapping penalties are named '${p.name}'`);
      names.add(p.name);
    }
  }

  /** z [B, ...output shape] and each penalty (per-datapoint values averaged over the batch). */
  run(y: tf.Tensor, ctx: MapContext): MapResult {
    const vals = this.forward(y, ctx);
    return this.result(y, vals);
  }

  /**
   * The first node whose value is NaN or infinite on this batch, or null: a diagnostic pass run
   * after a loss went bad (it reads every node back, so it never runs on the training hot path).
   */
  firstNonFinite(y: tf.Tensor, ctx: MapContext): NodeIR | null {
    let bad: NodeIR | null = null;
    this.forward(y, ctx, (i, v) => {
      if (tf.tidy(() => tf.all(tf.isFinite(v.t)).dataSync()[0]) === 0) bad = this.graph.nodes[i]!;
      return bad === null;
    });
    return bad;
  }

  /** Evaluates the nodes in order; `visit` returning false stops early. */
  private forward(y: tf.Tensor, ctx: MapContext, visit?: (i: number, v: Val) => boolean): Val[] {
    const { nodes } = this.graph;
    const vals: Val[] = new Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const ins = node.inputs.map((j) => {
        if (j < 0 || j >= i) throw new Error(`internal error: ${where(node, i)} reads node ${j}, which is not before it`);
        return vals[j]!;
      });
      try {
        vals[i] = this.node(i, node, ins, y, ctx);
      } catch (e) {
        const msg = (e as Error).message;
        throw new Error(msg.startsWith("mapping node") || msg.startsWith("internal") ? msg : `${where(node, i)}: ${msg}`);
      }
      if (visit && !visit(i, vals[i]!)) break;
    }
    return vals;
  }

  private result(y: tf.Tensor, vals: Val[]): MapResult {
    const b = y.shape[0]!;
    const out = vals[this.graph.output]!;
    const z = out.batched ? out.t : tf.broadcastTo(tf.expandDims(out.t, 0), [b, ...out.t.shape]);
    const penalties: Record<string, tf.Scalar> = {};
    for (const p of this.graph.penalties) {
      const v = vals[p.node]!;
      // per-datapoint scalars: their batch average; batch-level ones (entropy_spread) are scalars already
      penalties[p.name] = tf.mean(v.t) as tf.Scalar;
    }
    return { z, penalties };
  }

  private node(i: number, node: NodeIR, ins: Val[], y: tf.Tensor, ctx: MapContext): Val {
    const n = this.typed[i]!;
    const op = n.op;
    const u = ops.UNARY[op];
    if (u) return ops.elementwise([ins[0]!], u);
    const bin = ops.BINARY[op];
    if (bin) return ops.elementwise([ins[0]!, ins[1]!], bin);
    const cmp = ops.COMPARE[op];
    if (cmp) return ops.elementwise([ins[0]!, ins[1]!], cmp);
    switch (op) {
      case "input":
        return { t: y, batched: true };
      case "data":
        return { t: mappingData(ctx), batched: true };
      case "const":
        return { t: this.consts.get(i)!, batched: false };
      case "param": {
        const v = ctx.params.get(n.attrs.id);
        if (!v) throw new Error(`internal error: ${where(node, i)} reads parameter ${JSON.stringify(n.attrs.id)}, which the IR does not declare`);
        return { t: v, batched: false };
      }
      case "apply": {
        const net = n.attrs.network;
        if (!net || !Array.isArray(net.layers)) throw new Error("an 'apply' node needs attrs.network");
        const x = ins[0]!;
        return { t: ctx.apply(net, x.batched ? x.t : tf.expandDims(x.t, 0), i), batched: true };
      }
      case "leaky_relu":
        return ops.leakyRelu(ins, n.attrs);
      case "clip":
        return ops.clip(ins, n.attrs);
      case "where":
        return ops.where(ins);
      case "sum":
      case "mean":
        return ops.reduce(n.op, ins[0]!, n.attrs, node.shape);
      case "norm":
        return ops.norm(ins[0]!, n.attrs, node.shape);
      case "softmax":
        return ops.softmax(ins[0]!, n.attrs);
      case "matmul":
        return ops.matmul(ins[0]!, ins[1]!);
      case "concat":
        return ops.concat(ins, n.attrs);
      case "stack":
        return ops.stack(ins, n.attrs);
      case "slice":
        return ops.slice(ins[0]!, n.attrs);
      case "index":
        return ops.index(ins[0]!, n.attrs);
      case "reshape":
        return ops.reshape(ins[0]!, node.shape);
      case "entropy_spread":
        return ops.entropySpread(ins[0]!, n.attrs);
      case "builtin":
        return runBuiltin(ins, node, ctx);
      default:
        throw new Error(`internal error: the runtime does not know op '${op}'`);
    }
  }

  dispose(): void {
    for (const t of this.consts.values()) t.dispose();
    this.consts.clear();
  }
}
