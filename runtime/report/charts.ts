// Charts as static SVG: vega-lite specs compiled to vega and rendered headless (renderer "none"),
// so the report needs no script at view time.
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export type Row = Record<string, number | string | null>;

const WIDTH = 320;
const HEIGHT = 200;

/** Renders a vega-lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: 1 /* errors only */ });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const base = (title: string, values: Row[]) => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: { text: title, fontSize: 13 },
  width: WIDTH,
  height: HEIGHT,
  data: { values },
  background: "white",
});

/** Lines of `y` against `x`, one per `series` value, with points; optional log-scaled y. */
export function lineChart(title: string, values: Row[], o: { x: string; y: string; series?: string; xTitle?: string; yTitle?: string; points?: boolean }): TopLevelSpec {
  return {
    ...base(title, values),
    mark: { type: "line", point: o.points ?? true, strokeWidth: 1.5 },
    encoding: {
      x: { field: o.x, type: "quantitative", title: o.xTitle ?? o.x, axis: { tickMinStep: 1, format: "d" } },
      y: { field: o.y, type: "quantitative", title: o.yTitle ?? o.y, scale: { zero: false } },
      ...(o.series ? { color: { field: o.series, type: "nominal", title: null, legend: { orient: "top" } } } : {}),
    },
  } as TopLevelSpec;
}

/** Points; coloured by `color` (nominal) when given. */
export function scatterChart(title: string, values: Row[], o: { x: string; y: string; color?: string; colorTitle?: string; xTitle?: string; yTitle?: string; size?: number }): TopLevelSpec {
  return {
    ...base(title, values),
    height: WIDTH,
    mark: { type: "circle", size: o.size ?? 14, opacity: 0.7 },
    encoding: {
      x: { field: o.x, type: "quantitative", title: o.xTitle ?? o.x, scale: { zero: false } },
      y: { field: o.y, type: "quantitative", title: o.yTitle ?? o.y, scale: { zero: false } },
      ...(o.color ? { color: { field: o.color, type: "nominal", title: o.colorTitle ?? o.color, scale: { scheme: "category10" } } } : {}),
    },
  } as TopLevelSpec;
}

/** One bar per row: `y` against the ordinal `x`. */
export function barChart(title: string, values: Row[], o: { x: string; y: string; xTitle?: string; yTitle?: string }): TopLevelSpec {
  return {
    ...base(title, values),
    mark: { type: "bar", color: "#4c78a8" },
    encoding: {
      x: { field: o.x, type: "ordinal", title: o.xTitle ?? o.x, axis: values.length > 32 ? { labels: false, ticks: false } : {} },
      y: { field: o.y, type: "quantitative", title: o.yTitle ?? o.y },
    },
  } as TopLevelSpec;
}

/** Pre-binned histogram: rows with `start`, `end`, `count`. */
export function histogramChart(title: string, bins: { start: number; end: number; count: number }[], o: { xTitle: string; yTitle?: string }): TopLevelSpec {
  return {
    ...base(title, bins),
    mark: { type: "bar", color: "#f58518" },
    encoding: {
      x: { field: "start", type: "quantitative", bin: { binned: true }, title: o.xTitle },
      x2: { field: "end" },
      y: { field: "count", type: "quantitative", title: o.yTitle ?? "count" },
    },
  } as TopLevelSpec;
}

/** Equal-width bins of finite values over [min, max]. */
export function histogram(values: ArrayLike<number>, bins = 30): { start: number; end: number; count: number }[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [];
  if (hi === lo) hi = lo + 1;
  const w = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / w))]!++;
  }
  return counts.map((count, k) => ({ start: lo + k * w, end: lo + (k + 1) * w, count }));
}
