// What `intel compare` compares: finished runs, grouped into arms (one setting, several seeds), with
// their metrics from eval.json summarised as mean ± std over seeds. A sweep folder names its arms
// in sweep.json; loose runs are grouped by spec and overrides.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { openRunDir, readMetrics, RUN_FILES, RunDirError, type OpenedRun } from "../run/run-dir";
import { meanStd } from "./stats";
import { READ_LIMITS, readTextFile } from "../fs/read-file";

export interface EvalJson {
  metrics?: Record<string, unknown>;
  splits?: Record<string, Record<string, unknown>>;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A metric by name from eval.json: the spec's evaluate metric (its value), else the test split's, else the validation split's. */
export function readMetric(ev: EvalJson, name: string): number | null {
  const m = ev.metrics?.[name];
  if (m !== undefined) return num(m) ?? num((m as { value?: unknown } | null)?.value);
  return num(ev.splits?.test?.[name]) ?? num(ev.splits?.validation?.[name]);
}

export interface ComparedRun {
  dir: string;
  arm: string;
  seed: number;
  spec: string;
  set: Record<string, string>;
  run: OpenedRun;
  eval: EvalJson | null;
  records: Record<string, unknown>[];
}

export interface ComparedArm {
  id: string;
  spec: string;
  set: Record<string, string>;
  runs: ComparedRun[];
  metrics: Record<string, { mean: number; std: number; n: number } | null>;
}

export interface Comparison {
  title: string;
  runs: ComparedRun[];
  arms: ComparedArm[];
  metrics: string[];
  /** the override paths whose values differ between arms (a sweep's grid and random paths) */
  swept: string[];
}

interface SweepJson {
  name: string;
  metrics: string[];
  sweptPaths: string[];
  arms: { id: string }[];
  results: { arm: string; dir: string }[];
}

const isRun = (d: string) => existsSync(join(d, RUN_FILES.config)) && existsSync(join(d, RUN_FILES.ir));

function load(dir: string, arm: string | null): ComparedRun {
  const run = openRunDir(dir);
  const evalPath = join(dir, RUN_FILES.eval);
  const ev = existsSync(evalPath) ? (JSON.parse(readTextFile(evalPath, READ_LIMITS.json, "eval file")) as EvalJson) : null;
  const set = run.config.overrides ?? {};
  const spec = run.config.spec ?? run.ir.source.file;
  const loose = Object.entries(set).map(([p, v]) => `${p}=${v}`).join(" ");
  return { dir, arm: arm ?? `${run.config.name}${loose ? ` ${loose}` : ""}`, seed: run.config.seed, spec, set, run, eval: ev, records: existsSync(join(dir, RUN_FILES.metrics)) ? readMetrics(join(dir, RUN_FILES.metrics)) : [] };
}

/** The runs named on the command line: run folders, or one sweep folder (its sweep.json, else the runs below it). */
export function collectRuns(paths: readonly string[]): Comparison {
  if (paths.length === 0) throw new RunDirError("nothing to compare: give run folders or a sweep folder");
  const runs: ComparedRun[] = [];
  let metrics: string[] | null = null;
  let swept: string[] | null = null;
  let title = "";
  for (const p of paths) {
    if (!existsSync(p) || !statSync(p).isDirectory()) throw new RunDirError(`no run or sweep folder at ${p}`);
    const sweepJson = join(p, "sweep.json");
    if (existsSync(sweepJson)) {
      const s = JSON.parse(readTextFile(sweepJson, READ_LIMITS.json, "sweep record")) as SweepJson;
      metrics = s.metrics;
      swept = s.sweptPaths;
      title ||= `sweep ${s.name}`;
      const order = new Map(s.arms.map((a, i) => [a.id, i]));
      const rs = [...s.results].sort((a, b) => (order.get(a.arm) ?? 0) - (order.get(b.arm) ?? 0));
      for (const r of rs) runs.push(load(existsSync(r.dir) ? r.dir : join(p, r.dir.split("/").at(-1)!), r.arm));
    } else if (isRun(p)) runs.push(load(p, null));
    else {
      const below = readdirSync(p).sort().map((d) => join(p, d)).filter(isRun);
      if (below.length === 0) throw new RunDirError(`${p} holds no runs (no config.json in it or its subfolders)`);
      for (const d of below) {
        const r = load(d, null);
        runs.push(existsSync(join(d, "result.json")) ? { ...r, arm: (JSON.parse(readTextFile(join(d, "result.json"), READ_LIMITS.json, "job result")) as { arm: string }).arm } : r);
      }
      title ||= `runs in ${p}`;
    }
  }
  const byArm = new Map<string, ComparedRun[]>();
  for (const r of runs) byArm.set(r.arm, [...(byArm.get(r.arm) ?? []), r]);
  metrics ??= defaultMetrics(runs);
  const paths2 = [...new Set(runs.flatMap((r) => Object.keys(r.set)))];
  swept ??= paths2.filter((p) => new Set(runs.map((r) => r.set[p] ?? "")).size > 1);
  const arms = [...byArm].map(([id, rs]): ComparedArm => ({
    id,
    spec: rs[0]!.spec,
    set: rs[0]!.set,
    runs: rs.sort((a, b) => a.seed - b.seed),
    metrics: Object.fromEntries(
      metrics!.map((m) => {
        const xs = rs.map((r) => (r.eval ? readMetric(r.eval, m) : null)).filter((v): v is number => v !== null);
        return [m, xs.length ? { ...meanStd(xs), n: xs.length } : null];
      }),
    ),
  }));
  return { title: title || `${runs.length} runs`, runs, arms, metrics, swept };
}

/** ELBO and IWAE NLL, then every numeric metric of the spec's evaluate block that every run with an eval.json has. */
function defaultMetrics(runs: ComparedRun[]): string[] {
  const evald = runs.filter((r) => r.eval);
  const names = new Set(evald.flatMap((r) => Object.keys(r.eval!.metrics ?? {})));
  const common = [...names].filter((n) => evald.every((r) => readMetric(r.eval!, n) !== null));
  return [...new Set(["elbo", "iwae_nll", ...common])];
}
