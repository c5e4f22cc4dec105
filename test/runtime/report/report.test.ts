// `intel report`: the page of a tiny trained run has every section, its charts have marks, it has
// no external URLs and no script; PCA on a known matrix; incomplete runs still get their curves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelIR } from "../../../compiler/ir/types";
import { selectBackend } from "../../../runtime/backend/select";
import { buildModel } from "../../../runtime/model/build";
import { startRun } from "../../../runtime/run/session";
import { RunDirError } from "../../../runtime/run/run-dir";
import { buildReport } from "../../../runtime/report/build";
import { pca2 } from "../../../runtime/report/pca";
import { metricSeries } from "../../../runtime/report/series";
import { histogram } from "../../../runtime/report/charts";
import { makeReportCommand } from "../../../cli/report-command";
import { bufferIo } from "../../../cli/io";
import { mlpVae, sparseMapping } from "../fixtures/ir";
import { OPT, SETTINGS } from "../fixtures/train-ir";

const made: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "intel-report-"));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const CPU = { name: "cpu", detail: "test", tfjsVersion: "test" };
const SPEC = "model ring_fixture {\n  # <b>escaped</b>\n}\n";

function ringIR(): ModelIR {
  const ir = mlpVae({ data: [2], hidden: [8], latent: 3, activation: "tanh", likelihood: { kind: "gaussian", sigma: 0.1 }, mapping: (p, d) => sparseMapping(p, d, 5) });
  ir.sparse = true; // what the compiler decides for a sparsity penalty
  ir.data = { ...ir.data, source: "gaussian_clusters", args: { n: 80 }, shape: [2], range: null };
  // log_every 1: a step line for each of the 10 steps (the default, 50, would give none)
  ir.train = { optimizer: { ...OPT.adam, lr: 0.01 }, groups: null, scheme: null, batch: 16, epochs: 2, earlyStop: 0, seed: 5, validation: 16, checkpointEvery: 0, settings: { ...SETTINGS, log_every: 1 } };
  return ir;
}

function mnistIR(): ModelIR {
  const ir = mlpVae({ data: [784], hidden: [16], latent: 2 });
  ir.data = { ...ir.data, source: "mnist", args: { limit: 40, flatten: true, binarize: true }, shape: [784], range: [0, 1] };
  ir.train = { optimizer: { ...OPT.adam, lr: 0.001 }, groups: null, scheme: null, batch: 20, epochs: 1, earlyStop: 0, seed: 2, validation: 0, checkpointEvery: 0, settings: SETTINGS };
  return ir;
}

const train = (ir: ModelIR, dir: string, specText: string | null) =>
  startRun({ ir, specText, specPath: specText ? "ring.intel" : null, outDir: dir, buildModel, backend: CPU, command: ["train", "x.intel"], progress: null });

/** The SVGs of the page, each with the number of drawn marks inside its vega mark groups. */
function charts(html: string): { title: string; marks: number }[] {
  return [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => {
    const svg = m[0];
    const title = /role-title-text[\s\S]*?<text[^>]*>([^<]*)</.exec(svg)?.[1] ?? "";
    let marks = 0;
    for (const g of svg.matchAll(/<g class="mark-[a-z]+ role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)) marks += (g[1]!.match(/<(path|circle|rect|line)\b/g) ?? []).length;
    return { title, marks };
  });
}

const externalUrls = (html: string) => html.match(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//gi) ?? [];

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("pca2", () => {
  it("finds the principal axes of a known matrix", () => {
    // points on the line through (1, 1), plus a small spread along (1, −1), around (3, −2, 0)
    const rows: number[] = [];
    const big = [-2, -1, 0, 1, 2];
    const small = [0, 0.1, -0.2, 0.1, 0]; // uncorrelated with `big`, mean 0
    for (let i = 0; i < 5; i++) rows.push(3 + big[i]! + small[i]!, -2 + big[i]! - small[i]!, 0);
    const p = pca2(rows, 5, 3);
    expect(Array.from(p.mean)).toEqual([3, -2, 0].map((v) => expect.closeTo(v, 12)));
    const r = Math.SQRT1_2;
    expect(Array.from(p.components[0]).map((v) => +v.toFixed(6))).toEqual([+r.toFixed(6), +r.toFixed(6), 0]);
    expect(Math.abs(p.components[1][0]!)).toBeCloseTo(r, 6);
    expect(p.components[1][0]! * p.components[1][1]!).toBeCloseTo(-0.5, 6);
    // variances: along (1,1)/√2 the coordinates are √2·big → var = 2·Σbig²/4 = 5; along (1,−1)/√2: 2·0.06/4 = 0.03
    expect(p.variances[0]).toBeCloseTo(5, 8);
    expect(p.variances[1]).toBeCloseTo(0.03, 8);
    expect(p.explained[0] + p.explained[1]).toBeCloseTo(1, 8);
    expect(p.scores[0]).toBeCloseTo(-2 * Math.SQRT2, 6);
  });

  it("handles a diagonal covariance and a constant matrix", () => {
    const p = pca2([1, 0, 0, -1, 0, 0, 0, 3, 0, 0, -3, 0], 4, 3);
    expect(Array.from(p.components[0]).map((v) => Math.abs(+v.toFixed(6)))).toEqual([0, 1, 0]);
    expect(Array.from(p.components[1]).map((v) => Math.abs(+v.toFixed(6)))).toEqual([1, 0, 0]);
    const c = pca2([1, 1, 1, 1], 2, 2);
    expect(c.explained).toEqual([0, 0]);
    expect(Array.from(c.scores)).toEqual([0, 0, 0, 0]);
  });
});

describe("metric series and histograms", () => {
  it("turns metrics records into per-epoch terms and bin-averaged steps", () => {
    const t = (v: number) => ({ loss: v, recon: v / 2, kl: v / 4, penalties: { sparsity: v / 8 } });
    const recs = [
      ...Array.from({ length: 10 }, (_, i) => ({ type: "step", epoch: 1, batch: i + 1, step: i + 1, ...t(10 - i) })),
      { type: "epoch", epoch: 1, step: 10, train: t(8), validation: t(9) },
      { type: "epoch", epoch: 2, step: 20, train: t(6), validation: null },
    ];
    const s = metricSeries(recs, 5);
    expect(s.terms).toEqual(["loss", "recon", "kl", "penalty sparsity"]);
    expect(s.epochs).toBe(2);
    expect(s.epochRows.filter((r) => r.term === "loss")).toEqual([
      { epoch: 1, split: "train", term: "loss", value: 8 },
      { epoch: 1, split: "validation", term: "loss", value: 9 },
      { epoch: 2, split: "train", term: "loss", value: 6 },
    ]);
    expect(s.stepBin).toBe(2);
    expect(s.stepRows[0]).toEqual({ step: 2, loss: 9.5 });
    expect(s.modeRows).toEqual([]);
  });

  it("reads a learned prior's mode weights off the step lines", () => {
    const recs = [1, 2, 3].map((step) => ({ type: "step", step, loss: 1, recon: 1, kl: 0, prior_weights: [0.75, 0.25 / step] }));
    const s = metricSeries(recs, 2);
    // at most 2 steps' weights: every other step
    expect(s.modeRows).toEqual([
      { step: 1, mode: "mode 0", weight: 0.75 },
      { step: 1, mode: "mode 1", weight: 0.25 },
      { step: 3, mode: "mode 0", weight: 0.75 },
      { step: 3, mode: "mode 1", weight: 0.25 / 3 },
    ]);
  });

  it("bins values", () => {
    const h = histogram([0, 0.5, 1, 1, NaN], 2);
    expect(h).toEqual([
      { start: 0, end: 0.5, count: 1 },
      { start: 0.5, end: 1, count: 3 },
    ]);
  });
});

describe("the report of a trained run", () => {
  let ring = "";
  let mnist = "";
  beforeAll(async () => {
    ring = tmp();
    await train(ringIR(), ring, SPEC);
    mnist = tmp();
    await train(mnistIR(), mnist, null);
  }, 120_000);

  it("2-D data: every section, charts with marks, no script and no external URLs", async () => {
    const lines: string[] = [];
    const r = await buildReport(ring, { buildModel, progress: (s) => lines.push(s), maxPoints: 60 });
    expect(r.sections).toEqual(["curves", "reconstructions", "samples", "latent", "activity", "metrics", "spec", "config"]);
    for (const id of r.sections) expect(r.html).toContain(`<section id="${id}">`);
    expect(r.missing).toEqual(["eval.json"]);
    expect(r.html).toContain("run `intel eval");
    expect(lines.some((l) => l.startsWith("report: encoding 60"))).toBe(true);
    const cs = charts(r.html);
    const titles = cs.map((c) => c.title);
    for (const t of ["loss per epoch", "recon per epoch", "kl per epoch", "penalty sparsity per epoch", "loss per step", "data vs reconstructions", "data vs samples", "latent space z = g(μ(x))", "mean |z_d| per dimension"]) expect(titles).toContain(t);
    for (const c of cs) expect(c.marks, c.title).toBeGreaterThan(0);
    expect(externalUrls(r.html)).toEqual([]);
    expect(r.html).not.toMatch(/<script/i);
    // the spec, escaped, with its hash; the config
    expect(r.html).toContain("# &lt;b&gt;escaped&lt;/b&gt;");
    expect(r.html).toMatch(/sha256 <code>[0-9a-f]{64}<\/code>/);
    expect(r.html).toContain("The model is sparse");
    expect(r.html).toContain("tfjs");
  });

  it("with eval.json: the metrics table", async () => {
    const dir = tmp();
    cpSync(ring, dir, { recursive: true });
    const split = { n: 16, loss: 1.5, recon: 1, kl: 0.5, penalties: { sparsity: 0.25 }, elbo: -1.5, iwae_nll: 1.4, k: 8, recon_mse: 0.01 };
    writeFileSync(join(dir, "eval.json"), JSON.stringify({ run: dir, checkpoint: { path: "x", epoch: 2, step: 10 }, k: 8, splits: { validation: split, test: split }, metrics: { hoyer: { value: 0.625, points: 16 } } }));
    const r = await buildReport(dir, { buildModel, maxPoints: 40 });
    expect(r.missing).toEqual([]);
    expect(r.html).toMatch(/<th>metric<\/th><th>validation<\/th><th>test<\/th>/);
    expect(r.html).toContain("<td>iwae_nll</td><td class=\"num\">1.4000</td>");
    expect(r.html).toContain("<td>penalty sparsity</td>");
    expect(r.html).toContain("<td>hoyer</td><td class=\"num\">0.6250</td><td>{&quot;points&quot;:16}</td>");
  });

  it("image data: PNG grids as data URIs, the latent scatter coloured by label", async () => {
    const r = await buildReport(mnist, { buildModel, samples: 16, reconstructions: 8, maxPoints: 40 });
    expect(r.missing).toEqual(["eval.json", "spec.intel"]);
    const imgs = r.html.match(/<img [^>]*src="data:image\/png;base64,[A-Za-z0-9+/=]+"/g) ?? [];
    expect(imgs).toHaveLength(3); // inputs, reconstructions, samples
    expect(r.html).toMatch(/coloured by label/);
    expect(r.html).not.toContain("data vs samples");
    for (const c of charts(r.html)) expect(c.marks, c.title).toBeGreaterThan(0);
    expect(externalUrls(r.html)).toEqual([]);
  });

  it("no checkpoint yet: still the curves, and says what is missing", async () => {
    const dir = tmp();
    cpSync(ring, dir, { recursive: true });
    rmSync(join(dir, "checkpoints"), { recursive: true });
    const r = await buildReport(dir, { buildModel });
    expect(r.sections).toContain("curves");
    expect(r.missing.some((m) => m.includes("no usable checkpoint"))).toBe(true);
    expect(r.html).toContain("has none yet");
    expect(charts(r.html).find((c) => c.title === "loss per epoch")?.marks).toBeGreaterThan(0);
  });

  it("not a run: a clear error; the CLI writes RUN/report.html or -o", async () => {
    await expect(buildReport(join(tmpdir(), "no-such-run-dir-xyz"), { buildModel })).rejects.toThrow(RunDirError);
    const deps = { tty: false, signals: false };
    let io = bufferIo();
    expect(await makeReportCommand(deps)([join(tmpdir(), "no-such-run-dir-xyz"), "--backend", "cpu"], io)).toBe(1);
    expect(io.stderr()).toMatch(/intel report: no run directory at/);
    io = bufferIo();
    const dir = tmp();
    cpSync(ring, dir, { recursive: true });
    expect(await makeReportCommand(deps)([dir, "--backend", "cpu"], io), io.stderr()).toBe(0);
    expect(existsSync(join(dir, "report.html"))).toBe(true);
    expect(io.stderr()).toContain("report: drawing 64 samples");
    const out = join(dir, "other.html");
    expect(await makeReportCommand(deps)([dir, "--backend", "cpu", "-o", out, "--checkpoint", "last"], bufferIo())).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^<!DOCTYPE html>/);
  });
});
