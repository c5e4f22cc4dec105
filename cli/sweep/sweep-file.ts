// Sweep files (JSON, docs/sweeps.md): a spec (or a list of named arms, each a spec with overrides),
// a grid and/or random draws over override paths, seeds, and the metrics to collect. Expanded into
// arms (one setting each) and jobs (one arm at one seed). Problems are diagnostics that point into
// the sweep file (IV9020–IV9022); each arm's overrides are then checked by the compiler (IV502x).
import { basename, join } from "node:path";
import { z } from "zod";
import type { Span } from "../../grammar/ast";
import { diagnostic, type Diagnostic } from "../../compiler/diagnostics/diagnostic";
import type { Override } from "../../compiler/overrides/compile";
import { suggest } from "../../compiler/builtins";
import { mulberry32 } from "../../runtime/random/seeds";

const Value = z.union([z.number(), z.string(), z.boolean(), z.array(z.union([z.number(), z.string(), z.boolean()]))]);
const Draw = z.union([
  z.strictObject({ uniform: z.tuple([z.number(), z.number()]) }),
  z.strictObject({ loguniform: z.tuple([z.number().positive(), z.number().positive()]) }),
  z.strictObject({ int: z.tuple([z.number().int(), z.number().int()]) }),
  z.strictObject({ choice: z.array(Value).min(1) }),
]);
const SweepSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
  spec: z.string().optional(),
  arms: z.array(z.strictObject({ name: z.string().regex(/^[A-Za-z0-9_.+-]+$/), spec: z.string(), set: z.record(z.string(), Value).optional() })).min(1).optional(),
  set: z.record(z.string(), Value).optional(),
  grid: z.record(z.string(), z.array(Value).min(1)).optional(),
  random: z.strictObject({ draws: z.number().int().min(1), seed: z.number().int().min(0).default(1), params: z.record(z.string(), Draw) }).optional(),
  seeds: z.array(z.number().int().min(0)).min(1).default([1]),
  metrics: z.array(z.string()).default(["elbo", "iwae_nll"]),
  epochs: z.number().int().min(1).optional(),
  backend: z.enum(["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"]).default("wasm"),
  eval_k: z.number().int().min(1).default(20),
  samples: z.number().int().min(0).default(64),
  out: z.string().optional(),
});
export type SweepJson = z.infer<typeof SweepSchema>;
const FIELDS = Object.keys(SweepSchema.shape);

export interface Arm {
  /** unique within the sweep; names its run folders (ID-sSEED) */
  id: string;
  /** the arm's name in an `arms` list ("" for a single-spec sweep) */
  name: string;
  spec: string;
  /** override path → value source text, in application order (fixed, then arm, grid, random) */
  set: Record<string, string>;
  /** the paths the grid and random draws vary, with this arm's values */
  swept: Record<string, string>;
  /** where each override was written in the sweep file */
  overrides: Override[];
}

export interface Job {
  /** stable: sweep__arm__sSEED, BullMQ's job id (so enqueuing twice adds nothing; BullMQ ids may not hold ":") */
  key: string;
  arm: Arm;
  seed: number;
  dir: string;
}

export interface Sweep {
  file: string;
  name: string;
  out: string;
  arms: Arm[];
  jobs: Job[];
  seeds: number[];
  metrics: string[];
  epochs?: number;
  backend: string;
  evalK: number;
  samples: number;
  /** the paths the grid and random draws vary (the compare page plots metrics against these) */
  sweptPaths: string[];
}

/** The JSON value as source text of the language: numbers and booleans as written, lists as lists; a string is source text (so "\"learned\"" is a string, "adam(lr: 1e-3)" a call). */
export function valueText(v: z.infer<typeof Value>): string {
  if (Array.isArray(v)) return `[${v.map((x) => valueText(x)).join(", ")}]`;
  return String(v);
}

/** The span of `text[at, end)` (on one line). */
function spanAt(text: string, file: string, at: number, end: number): Span {
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const col = at - (before.lastIndexOf("\n") + 1) + 1;
  return { file, line, col, offset: at, end, endLine: line, endCol: col + (end - at) };
}

/** Where a JSON path's key is in the text (the first match after the previous key's; the file's start for []): good enough to point at. */
function locate(text: string, file: string, path: readonly PropertyKey[]): Span {
  let at = 0;
  let end = 1;
  for (const p of path) {
    if (typeof p !== "string") continue;
    const i = text.indexOf(JSON.stringify(p), at);
    if (i < 0) break;
    at = i;
    end = i + JSON.stringify(p).length;
  }
  return spanAt(text, file, at, end);
}

function draw(d: z.infer<typeof Draw>, u: () => number): string {
  if ("uniform" in d) return String(Number((d.uniform[0] + u() * (d.uniform[1] - d.uniform[0])).toPrecision(4)));
  if ("loguniform" in d) return String(Number(Math.exp(Math.log(d.loguniform[0]) + u() * (Math.log(d.loguniform[1]) - Math.log(d.loguniform[0]))).toPrecision(4)));
  if ("int" in d) return String(d.int[0] + Math.floor(u() * (d.int[1] - d.int[0] + 1)));
  return valueText(d.choice[Math.floor(u() * d.choice.length)]!);
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9_.+-]+/g, "_").replace(/^_+|_+$/g, "") || "_";

export type SweepParse = { sweep: Sweep; diagnostics: [] } | { sweep: null; diagnostics: Diagnostic[] };

/** Parses and expands a sweep file's text. Relative spec and out paths are relative to the working directory. */
export function parseSweep(text: string, file: string): SweepParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const at = m ? Number(m[1]) : 0;
    return { sweep: null, diagnostics: [diagnostic("IV9020", spanAt(text, file, at, at + 1), `${file} is not valid JSON: ${(e as Error).message}`)] };
  }
  const parsed = SweepSchema.safeParse(json);
  if (!parsed.success) {
    const ds = parsed.error.issues.map((i) => {
      const unknown = i.code === "unrecognized_keys" ? i.keys : [];
      const path = unknown.length ? [...i.path, unknown[0]!] : i.path;
      const where = i.path.length ? `at ${i.path.join(".")}: ` : "";
      const guess = i.path.length === 0 && unknown[0] ? suggest(unknown[0], FIELDS) : undefined;
      return diagnostic("IV9021", locate(text, file, path), `${where}${i.message}`, { hint: guess ? `did you mean '${guess}'?` : `the fields are ${FIELDS.join(", ")} (docs/sweeps.md)` });
    });
    return { sweep: null, diagnostics: ds };
  }
  const s = parsed.data;
  const problems: Diagnostic[] = [];
  if ((s.spec === undefined) === (s.arms === undefined)) problems.push(diagnostic("IV9021", locate(text, file, s.spec ? ["arms"] : []), "a sweep needs either `spec` (one spec) or `arms` (a list of named specs), not both", { hint: 'e.g. "spec": "specs/examples/circle.intel"' }));
  const name = s.name ?? basename(file).replace(/\.(sweep\.)?json$/, "");
  const out = s.out ?? join("runs", "sweeps", name);
  const at = (path: PropertyKey[]) => locate(text, file, path);
  const base = s.arms ?? [{ name: "", spec: s.spec ?? "", set: undefined }];
  // grid: every combination, the first path varying slowest
  let combos: { set: Record<string, string>; spans: Record<string, Span> }[] = [{ set: {}, spans: {} }];
  for (const [path, values] of Object.entries(s.grid ?? {})) {
    combos = combos.flatMap((c) => values.map((v) => ({ set: { ...c.set, [path]: valueText(v) }, spans: { ...c.spans, [path]: at(["grid", path]) } })));
  }
  if (s.random) {
    const u = mulberry32(s.random.seed); // the same sweep file draws the same arms
    const draws = Array.from({ length: s.random.draws }, () => Object.fromEntries(Object.entries(s.random!.params).map(([p, d]) => [p, draw(d, u)])));
    const spans = Object.fromEntries(Object.keys(s.random.params).map((p) => [p, at(["random", "params", p])]));
    combos = combos.flatMap((c) => draws.map((d) => ({ set: { ...c.set, ...d }, spans: { ...c.spans, ...spans } })));
  }
  const arms: Arm[] = [];
  base.forEach((b) => {
    for (const c of combos) {
      const fixed = Object.fromEntries(Object.entries(s.set ?? {}).map(([p, v]) => [p, valueText(v)]));
      const own = Object.fromEntries(Object.entries(b.set ?? {}).map(([p, v]) => [p, valueText(v)]));
      const set = { ...fixed, ...own, ...c.set };
      const overrides: Override[] = Object.entries(set).map(([path, value]) => ({
        path,
        value,
        span: c.spans[path] ?? (path in own ? at(["arms", path]) : at(["set", path])),
      }));
      const sweptPart = Object.entries(c.set).map(([p, v]) => `${p}=${slug(v)}`).join("_");
      const id = [b.name, sweptPart].filter(Boolean).join("_") || name;
      arms.push({ id, name: b.name, spec: b.spec, set, swept: c.set, overrides });
    }
  });
  const ids = new Map<string, number>();
  for (const a of arms) ids.set(a.id, (ids.get(a.id) ?? 0) + 1);
  for (const [id, n] of ids) if (n > 1) problems.push(diagnostic("IV9022", at(["arms"]), `${n} arms are named '${id}'`, { hint: "give each arm its own name, and each grid path distinct values" }));
  if (arms.length === 0) problems.push(diagnostic("IV9022", at([]), "the sweep has no arms"));
  if (problems.length) return { sweep: null, diagnostics: problems };
  const jobs = arms.flatMap((arm) => s.seeds.map((seed) => ({ key: `${name}__${arm.id}__s${seed}`, arm, seed, dir: join(out, `${arm.id}-s${seed}`) })));
  const sweptPaths = [...Object.keys(s.grid ?? {}), ...Object.keys(s.random?.params ?? {})];
  return {
    sweep: { file, name, out, arms, jobs, seeds: s.seeds, metrics: s.metrics, ...(s.epochs ? { epochs: s.epochs } : {}), backend: s.backend, evalK: s.eval_k, samples: s.samples, sweptPaths },
    diagnostics: [],
  };
}
