// `intel compare`: one self-contained HTML page in the report's style (html.ts, charts.ts): a table
// of every arm's settings and metrics (mean ± std over seeds), the loss curves overlaid, each metric
// against each swept path, and the arms' samples side by side; plus the same table as CSV and JSON.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { RUN_FILES } from "../run/run-dir";
import { barChart, lineChart, renderSvg, scatterChart, type Row } from "./charts";
import { readMetric, type Comparison, type ComparedArm } from "./compare-data";
import { esc, figure, note, page, section } from "./html";
import { metricSeries } from "./series";
import { READ_LIMITS, readRegularFile, readTextFile } from "../fs/read-file";

const meanStdText = (m: ComparedArm["metrics"][string]): string => (m === null ? "n/a" : m.n > 1 ? `${m.mean.toPrecision(5)} ± ${m.std.toPrecision(2)}` : m.mean.toPrecision(5));

function settingsTable(c: Comparison): string {
  const paths = [...new Set(c.arms.flatMap((a) => Object.keys(a.set)))];
  const head = ["arm", "spec", ...paths, "seeds", ...c.metrics.map((m) => `${m} (mean ± std)`)];
  const rows = c.arms.map((a) => [a.id, a.spec, ...paths.map((p) => a.set[p] ?? "—"), a.runs.map((r) => r.seed).join(", "), ...c.metrics.map((m) => meanStdText(a.metrics[m] ?? null))]);
  const cell = (v: string, tag: string) => `<${tag}>${esc(v)}</${tag}>`;
  return `<table><thead><tr>${head.map((h) => cell(h, "th")).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => cell(v, "td")).join("")}</tr>`).join("")}</tbody></table>`;
}

async function curves(c: Comparison): Promise<string> {
  const rows: { split: string; row: Row }[] = [];
  for (const r of c.runs) {
    const s = metricSeries(r.records);
    for (const e of s.epochRows) if (e.term === "loss") rows.push({ split: String(e.split), row: { epoch: e.epoch!, value: e.value!, run: `${r.arm} s${r.seed}` } });
  }
  if (rows.length === 0) return note("no run has epoch records in metrics.jsonl yet");
  const charts: string[] = [];
  for (const split of ["validation", "train"]) {
    const values = rows.filter((x) => x.split === split).map((x) => x.row);
    if (values.length) charts.push(figure(await renderSvg(lineChart(`${split} loss per epoch`, values, { x: "epoch", y: "value", series: "run", yTitle: `${split} loss`, points: values.length <= 80 })), `one line per arm and seed`));
  }
  return `<div class="charts">${charts.join("\n")}</div>`;
}

async function parameters(c: Comparison): Promise<string> {
  if (c.swept.length === 0) return note("no override path varies between these runs");
  const charts: string[] = [];
  for (const path of c.swept) {
    const numeric = c.runs.every((r) => r.set[path] !== undefined && Number.isFinite(Number(r.set[path])));
    for (const m of c.metrics) {
      const others = (set: Record<string, string>) => c.swept.filter((p) => p !== path).map((p) => `${p}=${set[p] ?? "—"}`).join(" ") || "all";
      const values: Row[] = [];
      for (const r of c.runs) {
        const v = r.eval ? readMetric(r.eval, m) : null;
        if (v !== null) values.push({ value: numeric ? Number(r.set[path]) : (r.set[path] ?? "—"), metric: v, others: others(r.set) });
      }
      if (values.length === 0) continue;
      const spec = numeric
        ? scatterChart(`${m} vs ${path}`, values, { x: "value", y: "metric", color: "others", colorTitle: "other settings", xTitle: path, yTitle: m, size: 40 })
        : barChart(`${m} vs ${path}`, meansBy(values), { x: "value", y: "metric", xTitle: path, yTitle: `${m} (mean)` });
      charts.push(figure(await renderSvg(spec), `${m} of each run against ${path}${numeric ? ", coloured by the other swept settings" : " (mean over runs)"}`));
    }
  }
  return charts.length ? `<div class="charts">${charts.join("\n")}</div>` : note("no run has these metrics yet");
}

function meansBy(values: Row[]): Row[] {
  const groups = new Map<string, number[]>();
  for (const v of values) groups.set(String(v.value), [...(groups.get(String(v.value)) ?? []), v.metric as number]);
  return [...groups].map(([value, xs]) => ({ value, metric: xs.reduce((a, b) => a + b, 0) / xs.length }));
}

async function samples(c: Comparison): Promise<string> {
  const figs: string[] = [];
  for (const a of c.arms) {
    const r = a.runs[0]!;
    const png = join(r.dir, "samples.png");
    const csv = join(r.dir, "samples.csv");
    if (existsSync(png)) figs.push(`<figure class="grid"><img alt="samples of ${esc(a.id)}" src="data:image/png;base64,${readRegularFile(png, READ_LIMITS.json, "samples image").toString("base64")}"><figcaption>${esc(a.id)} (seed ${r.seed})</figcaption></figure>`);
    else if (existsSync(csv)) {
      const [head, ...lines] = readTextFile(csv, READ_LIMITS.csv, "samples file").trim().split("\n");
      const cols = head!.split(",");
      const rows: Row[] = lines.map((l) => l.split(",").map(Number)).map((v) => ({ x: v[0]!, y: cols.length > 1 ? v[1]! : 0 }));
      figs.push(figure(await renderSvg(scatterChart(a.id, rows, { x: "x", y: "y", xTitle: cols[0], yTitle: cols[1] ?? "" })), `${rows.length} samples of ${a.id} (seed ${r.seed})${cols.length > 2 ? ", first two coordinates" : ""}`));
    }
  }
  return figs.length ? `<div class="charts">${figs.join("\n")}</div>` : note(`no run has samples yet: \`intel sample RUN\` writes them (sweeps do it for every job)`);
}

/** The CSV summary: one row per arm, the settings then each metric's mean, std and count. */
export function comparisonCsv(c: Comparison): string {
  const paths = [...new Set(c.arms.flatMap((a) => Object.keys(a.set)))];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const head = ["arm", "spec", ...paths, "seeds", ...c.metrics.flatMap((m) => [`${m}_mean`, `${m}_std`, `${m}_n`])];
  const rows = c.arms.map((a) => [a.id, a.spec, ...paths.map((p) => a.set[p] ?? ""), a.runs.map((r) => r.seed).join(" "), ...c.metrics.flatMap((m) => { const s = a.metrics[m]; return s ? [String(s.mean), String(s.std), String(s.n)] : ["", "", "0"]; })]);
  return [head, ...rows].map((r) => r.map(q).join(",")).join("\n") + "\n";
}

/** The JSON summary: the arms with settings and metric summaries, and every run with its folder and numbers. */
export function comparisonJson(c: Comparison): string {
  return JSON.stringify(
    {
      title: c.title,
      metrics: c.metrics,
      swept: c.swept,
      arms: c.arms.map((a) => ({ id: a.id, spec: a.spec, set: a.set, seeds: a.runs.map((r) => r.seed), metrics: a.metrics })),
      runs: c.runs.map((r) => ({ dir: r.dir, arm: r.arm, seed: r.seed, backend: r.run.config.backend.name, metrics: Object.fromEntries(c.metrics.map((m) => [m, r.eval ? readMetric(r.eval, m) : null])) })),
    },
    null,
    2,
  ) + "\n";
}

export async function comparisonPage(c: Comparison, progress: (s: string) => void = () => {}): Promise<{ html: string; sections: string[] }> {
  progress(`compare: ${c.runs.length} runs in ${c.arms.length} arms\n`);
  const parts: [string, string, string][] = [["table", "Settings and metrics", settingsTable(c)]];
  progress(`compare: loss curves\n`);
  parts.push(["curves", "Loss curves", await curves(c)]);
  progress(`compare: metrics against the swept paths\n`);
  parts.push(["parameters", "Metrics against each swept path", await parameters(c)]);
  progress(`compare: samples\n`);
  parts.push(["samples", "Samples, side by side", await samples(c)]);
  const missing = c.runs.filter((r) => !r.eval).map((r) => r.dir);
  const subtitle = `${c.runs.length} runs · ${c.arms.length} arms · metrics ${c.metrics.map(esc).join(", ")} from each run's ${RUN_FILES.eval}${missing.length ? `<br><span class="missing">not evaluated yet: ${missing.map(esc).join(", ")}</span>` : ""}`;
  const html = page(`intel compare: ${c.title}`, subtitle, parts.map(([id, t]) => [id, t]), parts.map(([id, t, body]) => section(id, t, body)).join("\n"));
  return { html, sections: parts.map(([id]) => id) };
}
