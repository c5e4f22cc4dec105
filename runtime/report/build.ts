// `intel report RUN`: one self-contained HTML page about a run (docs/architecture.md §3): loss curves from
// metrics.jsonl, reconstructions and samples, the latent space coloured by label, per-dimension
// activity, the eval.json metrics, the spec and the config. Charts are static SVG (vega-lite),
// images are PNG data URIs: no script and no network at view time.
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { subset, type Dataset } from "../data/dataset";
import { likelihoodMean } from "../objectives/likelihood";
import { deriveSeed } from "../random/seeds";
import { batchCount, batchTensor } from "../train/terms";
import { CheckpointError } from "../run/checkpoint";
import { drawSamples, encodeData, loadTrainedRun, pointEstimate, readerWarnings, runData, type DataRole, type LoadedRun } from "../run/inference";
import { imageGridPng, imageLayout } from "../run/outputs";
import { openRunDir, readMetrics, RUN_FILES, RunDirError, type OpenedRun } from "../run/run-dir";
import type { ModelFactory } from "../run/session";
import { barChart, histogram, histogramChart, lineChart, renderSvg, scatterChart, type Row } from "./charts";
import { esc, figure, fmtNum, note, page, pngFigure, section, table } from "./html";
import { pca2 } from "./pca";
import { metricSeries } from "./series";
import type { ProgressSink } from "../train/progress";
import { FileError, READ_LIMITS, readTextFile } from "../fs/read-file";

export interface ReportOptions {
  buildModel: ModelFactory;
  /** "best" (default; falls back to "last"), "last" or a checkpoint path */
  checkpoint?: string;
  /** progress lines (each ends with a newline) */
  progress?: (line: string) => void;
  /** where long steps (encoding the data) draw the progress line training draws */
  progressLine?: ProgressSink;
  /** datapoints encoded for the latent scatter and activity (default 1000) */
  maxPoints?: number;
  /** samples drawn (default 64) */
  samples?: number;
  /** datapoints reconstructed in the image grid (default 32) */
  reconstructions?: number;
}

export interface Report {
  html: string;
  /** ids of the sections in page order */
  sections: string[];
  /** what the run lacks, in words (no checkpoint, no eval.json, …) */
  missing: string[];
}

export const REPORT_FILE = "report.html";

interface Section {
  id: string;
  title: string;
  body: string;
}

/** Builds the report of the run in `dir`. Throws RunDirError when `dir` is not a run at all. */
export async function buildReport(dir: string, o: ReportOptions): Promise<Report> {
  const say = o.progress ?? (() => {});
  const run = openRunDir(dir);
  const missing: string[] = [];
  const sections: Section[] = [];

  say(`report: reading ${join(dir, RUN_FILES.metrics)}\n`);
  sections.push(await curvesSection(run, missing));

  let loaded: LoadedRun | null = null;
  try {
    loaded = await loadTrainedRun(dir, o.buildModel, o.checkpoint ?? "best");
    for (const w of readerWarnings(loaded)) say(`report: ${w}\n`);
    say(`report: checkpoint ${loaded.checkpointPath} (epoch ${loaded.checkpoint.state.epoch}, step ${loaded.checkpoint.state.step})\n`);
  } catch (e) {
    if (!(e instanceof RunDirError || e instanceof CheckpointError)) throw e;
    missing.push(`no usable checkpoint: ${e.message}`);
    say(`report: ${e.message}; the sections that need the trained model are left out\n`);
  }
  try {
    if (loaded) sections.push(...(await modelSections(loaded, o, say, missing)));
    else {
      const why = note(`These need a checkpoint, and ${dir} has none yet (${missing[missing.length - 1] ?? ""}). Train at least one epoch, then run \`intel report ${dir}\` again.`);
      sections.push({ id: "reconstructions", title: "Reconstructions", body: why }, { id: "samples", title: "Samples", body: why }, { id: "latent", title: "Latent space", body: why }, { id: "activity", title: "Per-dimension activity", body: why });
    }
  } finally {
    loaded?.model.dispose();
  }
  say(`report: metrics, spec and config\n`);
  sections.push(metricsSection(run, missing), specSection(run, missing), configSection(run, loaded));

  const started = run.config.startedAt ? ` · started ${esc(run.config.startedAt)}` : "";
  const subtitle = `run <code>${esc(dir)}</code> · model <code>${esc(run.ir.name)}</code> (${esc(run.ir.kind)}) · data <code>${esc(run.ir.data.source)}</code> [${run.ir.data.shape.join(", ")}]${started}${
    missing.length ? `<br><span class="missing">missing: ${missing.map(esc).join("; ")}</span>` : ""
  }`;
  const body = sections.map((s) => section(s.id, s.title, s.body)).join("\n");
  const html = page(`intel report: ${run.ir.name}`, subtitle, sections.map((s) => [s.id, s.title]), body);
  return { html, sections: sections.map((s) => s.id), missing };
}

// ---------- loss curves ----------

async function curvesSection(run: OpenedRun, missing: string[]): Promise<Section> {
  const path = join(run.dir, RUN_FILES.metrics);
  if (!existsSync(path)) {
    missing.push(`${RUN_FILES.metrics}`);
    return { id: "curves", title: "Loss curves", body: note(`${path} is missing: no training metrics to plot.`) };
  }
  const s = metricSeries(readMetrics(path));
  const parts: string[] = [];
  if (s.diverged) parts.push(note(`training diverged: ${JSON.stringify(s.diverged)}`));
  if (s.epochs === 0 && s.steps === 0) {
    missing.push("metrics (no step or epoch recorded yet)");
    parts.push(note(`${path} has no step or epoch records yet.`));
    return { id: "curves", title: "Loss curves", body: parts.join("\n") };
  }
  const charts: string[] = [];
  if (s.epochs > 0) {
    for (const term of s.terms) {
      const rows = s.epochRows.filter((r) => r.term === term);
      charts.push(figure(await renderSvg(lineChart(term === "loss" ? "loss per epoch" : `${term} per epoch`, rows, { x: "epoch", y: "value", series: "split", yTitle: term })), `${term}: mean over each epoch's training batches and over the validation set`));
    }
  } else parts.push(note("no epoch has finished yet: only per-step losses."));
  if (s.stepRows.length) {
    const cap = s.stepBin > 1 ? `training loss per step (each point the mean of ${s.stepBin} steps; ${s.steps} steps)` : `training loss of each step (${s.steps} steps)`;
    charts.push(figure(await renderSvg(lineChart("loss per step", s.stepRows, { x: "step", y: "loss", points: s.stepRows.length <= 60 })), cap));
  }
  if (s.constraintRows.length) {
    // GECO's multiplier and the constraint's moving average (runtime/objectives/constraint.ts)
    const opts = { x: "step", points: s.constraintRows.length <= 60 };
    charts.push(figure(await renderSvg(lineChart("GECO's λ per step", s.constraintRows, { ...opts, y: "lambda", yTitle: "λ" })), "the Lagrange multiplier λ after each logged step (the constraint's weight, 1/β)"));
    const ma = s.constraintRows.filter((r) => r.constraint !== null);
    charts.push(figure(await renderSvg(lineChart("constraint per step", ma, { ...opts, y: "constraint", yTitle: "ĉ" })), "ĉ, the moving average of recon − κ: the constraint holds where it is ≤ 0"));
  }
  if (s.modeRows.length) {
    const k = new Set(s.modeRows.map((r) => r.mode)).size;
    charts.push(figure(await renderSvg(lineChart("prior mode weights per step", s.modeRows, { x: "step", y: "weight", series: "mode", yTitle: "weight" })), `the learned mixture prior's ${k} weights; a mode below (1/${k})² = ${(1 / (k * k)).toPrecision(3)} is inactive`));
  }
  parts.push(`<div class="charts">${charts.join("\n")}</div>`);
  return { id: "curves", title: "Loss curves", body: parts.join("\n") };
}

// ---------- sections that use the model ----------

function evaluationData(run: LoadedRun, say: (s: string) => void, missing: string[]): { ds: Dataset; role: DataRole } | null {
  for (const role of ["test", "validation", "train"] as const) {
    try {
      const ds = runData(run, role);
      if (ds && ds.n > 0) return { ds, role };
    } catch (e) {
      say(`report: could not load the ${role} data: ${(e as Error).message}\n`);
      if (role === "train") missing.push(`data (${(e as Error).message})`);
    }
  }
  return null;
}

function firstN(ds: Dataset, n: number): Dataset {
  return n >= ds.n ? ds : subset(ds, Array.from({ length: n }, (_, i) => i));
}

/** Decoder means at z = g(μ(x)) for every datapoint of ds (μ: the prior's point estimate, γ⊙μ for VSC). */
function reconstruct(run: LoadedRun, ds: Dataset): Float32Array {
  const batch = run.config.train.batch;
  const out = new Float32Array(ds.x.length);
  let off = 0;
  for (let b = 0; b < batchCount(ds.n, batch); b++) {
    const start = b * batch;
    const end = Math.min(ds.n, start + batch);
    const v = tf.tidy(() => {
      const x = batchTensor(ds, null, start, end);
      const y = pointEstimate(run.model, x);
      return likelihoodMean(run.model.ir.likelihood, run.model.decode(run.model.map(y, false, undefined, x).z, false), run.model.variables).dataSync() as Float32Array;
    });
    out.set(v, off);
    off += v.length;
  }
  return out;
}

/** Rows {x, y, …} for a scatter of n points of `dim` values: the values themselves when dim ≤ 2, else projected. */
function pointsRows(values: Float32Array, n: number, dim: number, project: ((row: Float32Array) => [number, number]) | null, extra: (i: number) => Row): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const r = values.subarray(i * dim, (i + 1) * dim);
    const [x, y] = project ? project(r) : [r[0]!, dim > 1 ? r[1]! : 0];
    rows.push({ x, y, ...extra(i) });
  }
  return rows;
}

async function modelSections(run: LoadedRun, o: ReportOptions, say: (s: string) => void, missing: string[]): Promise<Section[]> {
  const out: Section[] = [];
  const layout = imageLayout(run.ir.data);
  const nSamples = o.samples ?? 64;
  const maxPoints = o.maxPoints ?? 1000;
  const data = evaluationData(run, say, missing);
  const seed = deriveSeed(run.config.train.seed, "sample", 0); // what `intel sample` draws by default

  // a mapping conditioned on x (IV5090) has no z without a datapoint: nothing to sample
  const noSamples = run.model.readsData ? { id: "samples", title: "Samples", body: note("the mapping reads the data x (z = g(y, x), IV5090): there is no z without a datapoint, so no samples from the prior") } : null;
  if (!noSamples) say(`report: drawing ${nSamples} samples\n`);
  const samples = noSamples ? new Float32Array(0) : drawSamples(run.model, nSamples, seed);
  const dataDim = run.ir.data.shape.reduce((a, b) => a * b, 1);

  // reconstructions and samples
  if (!data) {
    out.push({ id: "reconstructions", title: "Reconstructions", body: note("the run's data could not be loaded, so nothing to reconstruct") });
  }
  if (layout) {
    if (data) {
      const k = Math.min(o.reconstructions ?? 32, data.ds.n);
      say(`report: reconstructing ${k} ${data.role} images\n`);
      const ds = firstN(data.ds, k);
      const rec = reconstruct(run, ds);
      out.push({
        id: "reconstructions",
        title: "Reconstructions",
        body: `<div class="charts">${pngFigure(imageGridPng(ds.x, k, layout), "inputs", `the first ${k} ${data.role} datapoints`)}${pngFigure(imageGridPng(rec, k, layout), "reconstructions", `their reconstructions: the decoder's mean at z = g(μ(x)), same positions`)}</div>`,
      });
    }
    out.push(noSamples ?? { id: "samples", title: "Samples", body: `<div class="charts">${pngFigure(imageGridPng(samples, nSamples, layout), "samples", `${nSamples} samples: y ~ prior, z = g(y), decoder mean (the seed \`intel sample\` uses)`)}</div>` });
  } else {
    // points: 2-D directly, otherwise on the data's first two principal components
    const ds = data ? firstN(data.ds, maxPoints) : null;
    let project: ((r: Float32Array) => [number, number]) | null = null;
    let axes = ["x0", "x1"];
    if (dataDim > 2 && ds) {
      const p = pca2(ds.x, ds.n, dataDim);
      const [c0, c1] = p.components;
      project = (r) => {
        let a = 0;
        let b = 0;
        for (let j = 0; j < dataDim; j++) {
          a += (r[j]! - p.mean[j]!) * c0[j]!;
          b += (r[j]! - p.mean[j]!) * c1[j]!;
        }
        return [a, b];
      };
      axes = [`PC1 of the data (${(100 * p.explained[0]).toFixed(1)}%)`, `PC2 (${(100 * p.explained[1]).toFixed(1)}%)`];
    }
    const how = dataDim > 2 ? "projected on the data's first two principal components" : "";
    if (ds) {
      say(`report: reconstructing ${ds.n} ${data!.role} points\n`);
      const rec = reconstruct(run, ds);
      const rows = [...pointsRows(ds.x, ds.n, dataDim, project, () => ({ kind: "data" })), ...pointsRows(rec, ds.n, dataDim, project, () => ({ kind: "reconstruction" }))];
      const svg = await renderSvg(scatterChart("data vs reconstructions", rows, { x: "x", y: "y", color: "kind", colorTitle: "", xTitle: axes[0], yTitle: axes[1] }));
      out.push({ id: "reconstructions", title: "Reconstructions", body: `<div class="charts">${figure(svg, `${ds.n} ${data!.role} points and their reconstructions (decoder mean at z = g(μ(x))) ${how}`)}</div>` });
    }
    if (noSamples) {
      out.push(noSamples);
    } else {
      const sampleRows = pointsRows(samples, nSamples, dataDim, project, () => ({ kind: "sample" }));
      const moreSamples = ds ? drawSamples(run.model, Math.min(ds.n, 500), deriveSeed(run.config.train.seed, "sample", 1)) : samples;
      const nMore = ds ? Math.min(ds.n, 500) : nSamples;
      const rows = [...(ds ? pointsRows(ds.x, ds.n, dataDim, project, () => ({ kind: "data" })) : []), ...(ds ? pointsRows(moreSamples, nMore, dataDim, project, () => ({ kind: "sample" })) : sampleRows)];
      const svg = await renderSvg(scatterChart("data vs samples", rows, { x: "x", y: "y", color: "kind", colorTitle: "", xTitle: axes[0], yTitle: axes[1] }));
      out.push({ id: "samples", title: "Samples", body: `<div class="charts">${figure(svg, `${nMore} samples (y ~ prior, z = g(y), decoder mean) against ${ds ? `${ds.n} ${data!.role} points` : "no data"} ${how}`)}</div>` });
    }
  }

  // latent space and activity
  if (!data) {
    out.push({ id: "latent", title: "Latent space", body: note("the run's data could not be loaded") }, { id: "activity", title: "Per-dimension activity", body: note("the run's data could not be loaded") });
    return out;
  }
  const ds = firstN(data.ds, maxPoints);
  say(`report: encoding ${ds.n} ${data.role} points\n`);
  const { z, dim } = encodeData(run.model, ds, run.config.train.batch, o.progressLine);
  out.push(await latentSection(z, dim, ds, data.role));
  say(`report: per-dimension activity\n`);
  out.push(await activitySection(run, z, dim, ds.n, data.role));
  return out;
}

async function latentSection(z: Float32Array, dim: number, ds: Dataset, role: string): Promise<Section> {
  let rows: Row[];
  let axes: [string, string];
  let how: string;
  const label = (i: number): Row => ({ label: ds.labels ? String(ds.labels[i]) : "(no labels)" });
  if (dim <= 2) {
    rows = pointsRows(z, ds.n, dim, null, label);
    axes = ["z0", dim > 1 ? "z1" : "(none)"];
    how = `the ${dim}-D representation directly`;
  } else {
    const p = pca2(z, ds.n, dim);
    rows = Array.from({ length: ds.n }, (_, i) => ({ x: p.scores[2 * i]!, y: p.scores[2 * i + 1]!, ...label(i) }));
    axes = [`PC1 (${(100 * p.explained[0]).toFixed(1)}% of variance)`, `PC2 (${(100 * p.explained[1]).toFixed(1)}%)`];
    how = `the first two principal components of the ${dim}-D representation (together ${(100 * (p.explained[0] + p.explained[1])).toFixed(1)}% of its variance)`;
  }
  const svg = await renderSvg(scatterChart("latent space z = g(μ(x))", rows, { x: "x", y: "y", color: "label", xTitle: axes[0], yTitle: axes[1] }));
  return { id: "latent", title: "Latent space", body: `<div class="charts">${figure(svg, `${ds.n} ${role} points, coloured by ${ds.labels ? "label" : "nothing (the data has no labels)"}: ${how}`)}</div>` };
}

/** Sparse models: a sparsity penalty on the mapping, a sparse prior or a sparsity metric (the compiler decides). */
export function isSparseModel(run: OpenedRun): boolean {
  return run.ir.sparse;
}

async function activitySection(run: LoadedRun, z: Float32Array, dim: number, n: number, role: string): Promise<Section> {
  const meanAbs = new Float64Array(dim);
  const abs = new Float32Array(z.length);
  let hoyer = 0;
  let nearZero = 0;
  for (let i = 0; i < n; i++) {
    let l1 = 0;
    let l2 = 0;
    for (let d = 0; d < dim; d++) {
      const a = Math.abs(z[i * dim + d]!);
      abs[i * dim + d] = a;
      meanAbs[d]! += a / n;
      l1 += a;
      l2 += a * a;
      if (a < 0.01) nearZero++;
    }
    // Hoyer sparsity of one representation: (√d − ‖z‖₁/‖z‖₂) / (√d − 1)
    if (dim > 1 && l2 > 0) hoyer += (Math.sqrt(dim) - l1 / Math.sqrt(l2)) / (Math.sqrt(dim) - 1) / n;
  }
  const sparse = isSparseModel(run);
  const bars = await renderSvg(barChart("mean |z_d| per dimension", Array.from(meanAbs, (v, d) => ({ dim: d, value: v })), { x: "dim", y: "value", xTitle: "dimension d", yTitle: "mean |z_d|" }));
  const hist = await renderSvg(histogramChart("distribution of |z_d|", histogram(abs, 40), { xTitle: "|z_d| (all points and dimensions)" }));
  const perDim = await renderSvg(histogramChart("distribution of mean |z_d| over dimensions", histogram(meanAbs, 20), { xTitle: "mean |z_d|", yTitle: "dimensions" }));
  const active = Array.from(meanAbs).filter((v) => v >= 0.01).length;
  const summary = table(
    ["quantity", "value"],
    [
      ["dimensions of z", dim],
      ["dimensions with mean |z_d| ≥ 0.01", active],
      ["fraction of |z_d| < 0.01", nearZero / (n * dim)],
      ["mean Hoyer sparsity of z", dim > 1 ? hoyer : NaN],
    ],
  );
  const intro = sparse ? `The model is sparse (a sparsity penalty or prior): ` : `The model has no sparsity penalty; shown for comparison: `;
  return {
    id: "activity",
    title: "Per-dimension activity",
    body: `<p>${esc(intro)}activity of z = g(μ(x)) over ${n} ${esc(role)} points.</p>\n${summary}\n<div class="charts">${figure(bars)}${figure(hist)}${figure(perDim)}</div>`,
  };
}

// ---------- tables and text ----------

function metricsSection(run: OpenedRun, missing: string[]): Section {
  const path = join(run.dir, RUN_FILES.eval);
  if (!existsSync(path)) {
    missing.push(RUN_FILES.eval);
    return { id: "metrics", title: "Metrics", body: note(`no ${RUN_FILES.eval} yet: run \`intel eval ${run.dir}\` for the ELBO, IWAE NLL and reconstruction error, then report again.`) };
  }
  let ev: { checkpoint?: { path?: string; epoch?: number; step?: number }; k?: number; splits?: Record<string, Record<string, unknown>>; metrics?: Record<string, unknown> };
  try {
    ev = JSON.parse(readTextFile(path, READ_LIMITS.json, "eval file")) as typeof ev;
  } catch (e) {
    const why = e instanceof FileError ? e.message : `${path} is not valid JSON (${(e as Error).message})`;
    missing.push(`${RUN_FILES.eval} (${e instanceof FileError ? "unreadable" : "not valid JSON"})`);
    return { id: "metrics", title: "Metrics", body: note(`${why}; run \`intel eval ${run.dir}\` again.`) };
  }
  const splits = Object.entries(ev.splits ?? {});
  const keys: string[] = [];
  const flat = splits.map(([, v]) => {
    const f: Record<string, number> = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === "number") f[k] = x;
      else if ((k === "penalties" || k === "estimates") && x && typeof x === "object") {
        for (const [pk, pv] of Object.entries(x)) if (typeof pv === "number") f[k === "penalties" ? `penalty ${pk}` : pk] = pv;
      }
    }
    for (const k of Object.keys(f)) if (!keys.includes(k)) keys.push(k);
    return f;
  });
  const order = ["elbo", "iwae_nll", "recon_mse", "loss", "recon", "kl"];
  keys.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  const rows = keys.map((k) => [k, ...flat.map((f) => (k in f ? f[k]! : "—"))]);
  const cp = ev.checkpoint ? `checkpoint ${ev.checkpoint.path ?? "?"} (epoch ${ev.checkpoint.epoch ?? "?"}, step ${ev.checkpoint.step ?? "?"})` : "";
  // the spec's `evaluate` metrics: {name: {value, …details}}
  const specRows = Object.entries(ev.metrics ?? {}).map(([name, m]): (string | number)[] => {
    if (typeof m === "number") return [name, m, ""];
    const { value, ...rest } = (m ?? {}) as Record<string, unknown>;
    return [name, typeof value === "number" ? value : JSON.stringify(value ?? null), Object.keys(rest).length ? JSON.stringify(rest) : ""];
  });
  const specTable = specRows.length ? `\n<h3>The spec's evaluate metrics</h3>\n${table(["metric", "value", "details"], specRows)}` : "";
  return { id: "metrics", title: "Metrics", body: `<p>From <code>${esc(path)}</code>${cp ? ` · ${esc(cp)}` : ""}${ev.k ? ` · IWAE with K = ${ev.k}` : ""}.</p>\n${table(["metric", ...splits.map(([s]) => s)], rows)}${specTable}` };
}

function specSection(run: OpenedRun, missing: string[]): Section {
  const path = join(run.dir, RUN_FILES.spec);
  if (!existsSync(path)) {
    missing.push(RUN_FILES.spec);
    return { id: "spec", title: "Spec", body: note(`${path} is missing (the run was started without a spec file); the IR's source is ${run.ir.source.file} (sha256 ${run.ir.source.sha256}).`) };
  }
  const text = readTextFile(path, READ_LIMITS.spec, "spec");
  const sha = createHash("sha256").update(text).digest("hex");
  const matches = sha === run.ir.source.sha256 ? " (matches the IR)" : run.ir.source.sha256 ? ` (the IR records ${run.ir.source.sha256})` : "";
  return { id: "spec", title: "Spec", body: `<p><code>${esc(run.config.spec ?? run.ir.source.file)}</code> · sha256 <code>${sha}</code>${esc(matches)}</p>\n<pre>${esc(text)}</pre>` };
}

function configSection(run: OpenedRun, loaded: LoadedRun | null): Section {
  const c = run.config;
  const t = c.train;
  const rows: (string | number)[][] = [
    ["backend", `${c.backend?.name ?? "?"} (${c.backend?.detail ?? ""})`],
    ["intel-vae", c.versions?.intelVae ?? "?"],
    ["tfjs", c.versions?.tfjs ?? "?"],
    ["node", c.versions?.node ?? "?"],
    ["seed", c.seed],
    ["optimizer", `${t.optimizer.kind}, lr ${fmtNum(t.optimizer.lr)}`],
    ["batch", t.batch],
    ["epochs", t.epochs],
    ["validation points", t.validation],
    ["early stop (patience)", t.earlyStop],
    ["command", `intel ${(c.command ?? []).join(" ")}`],
    ["started", c.startedAt ?? "?"],
  ];
  for (const r of c.resumes ?? []) rows.push(["resumed", `${r.at} from epoch ${r.fromEpoch}, step ${r.fromStep} on ${r.backend}`]);
  if (loaded) rows.push(["report checkpoint", `${loaded.checkpointPath} (epoch ${loaded.checkpoint.state.epoch}, step ${loaded.checkpoint.state.step})`]);
  return { id: "config", title: "Backend and versions", body: table(["setting", "value"], rows) };
}
