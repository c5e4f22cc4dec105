// `intel check --probe`: runs each checked model's mapping numerically (tfjs cpu backend, fixed
// seeds), forward and backward, on y ~ N(0, I) and on adversarial points (0, within 1e-6 of 0 along
// each axis, large |y| along each axis), and reports NaN/Inf with the first mapping op that made it
// and its spec line, gradient norms, and an empirical Lipschitz estimate. It completes the static
// bias analysis: `y * exp(y * y)` checks clean (finite for |y| ≤ 4) and is infinite for |y| > 9.42.
import * as tf from "@tensorflow/tfjs";
import type { ModelIR } from "../compiler/ir/types";
import { selectBackend } from "../runtime/backend/select";
import { buildModel } from "../runtime/model/build";

const N = 256;
const LARGE = [10, 100];

/** the point sets, each [rows][D] */
function pointSets(d: number): [string, number[][]][] {
  const gauss = tf.tidy(() => tf.randomNormal([N, d], 0, 1, "float32", 7).arraySync() as number[][]);
  const axis = (v: number) => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? v : 0)));
  return [
    ["y ~ N(0, I)", gauss],
    ["y = 0", [new Array<number>(d).fill(0)]],
    ["|y| = 1e-6 on each axis", [...axis(1e-6), ...axis(-1e-6)]],
    [`|y| = ${LARGE.join(", ")} on each axis`, LARGE.flatMap((v) => [...axis(v), ...axis(-v)])],
  ];
}

const fmt = (x: number) => (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(3));
const show = (row: number[]) => `[${row.map(fmt).join(", ")}]`;
const finiteRow = (r: number[]) => r.every(Number.isFinite);

/** The probe's lines for one model; `bad` counts the problems found. */
export function probeModel(ir: ModelIR): { lines: string[]; bad: number } {
  const model = buildModel(ir, 1);
  const d = ir.latent.dim;
  const lines = [`probe of model '${ir.name}' (mapping y : Real[${d}] → z, tfjs cpu backend):`];
  let bad = 0;
  // a mapping conditioned on x (IV5090) is probed at x = 0: the probe is about y's side of g
  const map = (y: tf.Tensor2D) => model.map(y, false, undefined, model.readsData ? tf.zeros([y.shape[0], ...ir.data.shape]) : undefined).z;
  if (model.readsData) lines.push(`  the mapping reads the data ${ir.data.name}: probed at ${ir.data.name} = 0`);
  try {
    for (const [name, rows] of pointSets(d)) {
      const y = tf.tensor2d(rows, [rows.length, d]);
      const z = tf.tidy(() => map(y).arraySync() as number[][]);
      const grads = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(map(t as tf.Tensor2D)))(y).arraySync() as number[][]);
      const badZ = rows.findIndex((_, i) => !finiteRow(z[i]!.flat()));
      const badG = rows.findIndex((_, i) => !finiteRow(grads[i]!));
      const norms = grads.filter(finiteRow).map((g) => Math.hypot(...g)).sort((a, b) => a - b);
      const problems: string[] = [];
      if (badZ >= 0) {
        const one = tf.tensor2d([rows[badZ]!]);
        const at = model.mappingNonFinite?.(one, model.readsData ? tf.zeros([1, ...ir.data.shape]) : undefined) ?? null;
        one.dispose();
        const where = at ? ` first at '${at.op}'${at.bias ? ` in bias '${at.bias}'` : ""}${at.at ? ` (${at.at.file}:${at.at.line}:${at.at.col})` : ""}` : "";
        problems.push(`z is NaN or infinite at y = ${show(rows[badZ]!)}${where}`);
      }
      if (badG >= 0) problems.push(`the gradient ∂Σz/∂y is NaN or infinite at y = ${show(rows[badG]!)}`);
      bad += problems.length;
      const stats = norms.length ? `gradient norm median ${fmt(norms[norms.length >> 1]!)}, max ${fmt(norms[norms.length - 1]!)}` : "no finite gradient";
      lines.push(`  ${name} (${rows.length} point${rows.length === 1 ? "" : "s"}): ${problems.length ? "PROBLEM" : "finite"}; ${stats}`);
      for (const p of problems) lines.push(`    ${p}`);
      y.dispose();
    }
    // empirical Lipschitz constant: max ‖g(y + δu) − g(y)‖ / δ over the Gaussian points, δ = 1e-2
    const [, gauss] = pointSets(d)[0]!;
    const ratio = tf.tidy(() => {
      const y = tf.tensor2d(gauss);
      const u = tf.randomNormal([N, d], 0, 1, "float32", 11);
      const step = tf.mul(tf.div(u, tf.norm(u, 2, 1, true)), 1e-2);
      const dz = tf.sub(map(tf.add(y, step) as tf.Tensor2D), map(y));
      return (tf.div(tf.norm(tf.reshape(dz, [N, -1]), 2, 1), 1e-2).arraySync() as number[]).filter(Number.isFinite).sort((a, b) => a - b);
    });
    lines.push(`  empirical Lipschitz estimate on y ~ N(0, I): median ${fmt(ratio[ratio.length >> 1] ?? NaN)}, max ${fmt(ratio[ratio.length - 1] ?? NaN)} (steps of 1e-2)`);
  } finally {
    model.dispose();
  }
  return { lines, bad };
}

/** Probes every model; the lines to print and whether any problem was found. */
export async function probeModels(irs: readonly ModelIR[]): Promise<{ text: string; bad: number }> {
  await selectBackend("cpu");
  const out: string[] = [];
  let bad = 0;
  for (const ir of irs) {
    const r = probeModel(ir);
    out.push(...r.lines);
    bad += r.bad;
  }
  return { text: out.join("\n") + "\n", bad };
}
