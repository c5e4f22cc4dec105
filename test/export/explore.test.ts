// intel explore: the page opened in headless Chromium, moved through its own API (window.explore),
// decodes what Node decodes at the same point (1e-4) and redraws its canvas. Skips without chromium.
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIo } from "../../cli/io";
import { main } from "../../cli/main";
import { loadRun } from "../../index";
import { selectBackend } from "../../runtime/backend/select";
import { cleanupTmp, tmp } from "../runtime/train/helpers";
import { RING_SMALL, tinySpec } from "../tiny-spec";
import { CHROMIUM, probePage } from "./chromium";

beforeAll(async () => {
  await selectBackend("wasm");
});
afterAll(cleanupTmp);

async function trainedRun(spec: string): Promise<string> {
  const f = join(tmp(), "spec.intel");
  writeFileSync(f, spec);
  const run = join(tmp(), "run");
  const io = bufferIo();
  expect(await main(["train", f, "--out", run, "--backend", "wasm"], io), io.stderr()).toBe(0);
  return run;
}

const PROBE = (points: number[][]) => `
await window.explore.ready;
const canvas = () => document.getElementById("decoded").toDataURL();
const out = [];
for (const p of ${JSON.stringify(points)}) {
  const decoded = window.explore.setPoint(p[0], p[1]);
  out.push({ decoded, state: window.explore.state(), canvas: canvas() });
}
return { out, message: document.getElementById("message").textContent, traversal: document.querySelectorAll("#traversal canvas").length };
`;

interface Probe {
  out: { decoded: number[]; state: { space: string; dims: number[]; point: number[] }; canvas: string }[];
  message: string;
  traversal: number;
}

describe.skipIf(!CHROMIUM)("intel explore in headless Chromium", () => {
  it.each([
    ["images (the quickstart's sparse mapping, an MLP inside the mapping)", tinySpec({ data: `x : Real[784] ~ mnist(split: "train", limit: 40, flatten: true)`, d: 4, mapping: "sparse(y, gamma: 10)", train: "batch: 20, epochs: 1, seed: 2" }).replace("Gaussian(sigma: 0.5)", "Bernoulli")],
    ["2-D points (the circle mapping)", tinySpec({ data: RING_SMALL, mapping: "circle(y)", train: "batch: 25, epochs: 1, seed: 2" })],
  ])("%s: the page decodes what Node decodes", async (_what, spec) => {
    const run = await trainedRun(spec);
    const dir = join(tmp(), "explore");
    const io = bufferIo();
    expect(await main(["explore", run, "-o", dir, "--backend", "wasm"], io), io.stderr()).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["index.html", "model", "model.js", "tf.min.js"]);
    const points = [[0.7, -1.2], [-1.5, 0.4]];
    const { result, errors } = await probePage(join(dir, "index.html"), PROBE(points));
    const r = result as Probe;
    expect(errors).toEqual([]);
    expect(r.message).toBe("");
    expect(r.traversal).toBe(9);
    expect(r.out[0]!.canvas).not.toBe(r.out[1]!.canvas); // the decoded drawing changed
    const m = await loadRun(run, { backend: "wasm" });
    try {
      for (const [i, p] of points.entries()) {
        const { state, decoded } = r.out[i]!;
        expect(state.space).toBe("y");
        const y = Array.from({ length: m.yDim }, (_, k) => (k === 0 ? p[0]! : k === 1 ? p[1]! : 0));
        expect(state.point).toEqual(y);
        const want = m.decode(m.map([y]))[0]!;
        expect(decoded).toHaveLength(want.length);
        const diff = Math.max(...want.map((v, k) => Math.abs(v - decoded[k]!)));
        expect(diff).toBeLessThan(1e-4);
      }
    } finally {
      m.dispose();
    }
  });

  it("a mapping the page cannot run: a clear message, and it explores z", async () => {
    const run = await trainedRun(tinySpec({ data: RING_SMALL, mapping: "clusters(y, k: 2)", train: "batch: 25, epochs: 1, seed: 2" }));
    const dir = join(tmp(), "explore");
    expect(await main(["explore", run, "-o", dir, "--backend", "wasm"], bufferIo())).toBe(0);
    const { result } = await probePage(join(dir, "index.html"), PROBE([[0.5, 0.5]]));
    const r = result as Probe;
    expect(r.message).toMatch(/cannot run in plain tfjs \(mapping node \d+: op 'builtin' \(square\).*exploring z/);
    expect(r.out[0]!.state.space).toBe("z");
    const m = await loadRun(run, { backend: "wasm" });
    try {
      const want = m.decode([[0.5, 0.5]])[0]!;
      expect(Math.max(...want.map((v, k) => Math.abs(v - r.out[0]!.decoded[k]!)))).toBeLessThan(1e-4);
    } finally {
      m.dispose();
    }
  });
});

it.runIf(!CHROMIUM)("intel explore's browser test needs chromium (apt-get install chromium)", () => {
  console.warn("skipped: no chromium at /usr/bin/chromium; the explore page was not opened");
});
