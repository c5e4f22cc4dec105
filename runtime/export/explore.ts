// `intel explore`: a self-contained page next to its files (no network): index.html, tf.min.js
// (copied from node_modules), model.js (the export's model.json and shards as a script, since a
// page opened from file:// may not fetch files) and model/ (the export itself, tf.io format).
import { readFileSync, writeFileSync } from "node:fs";
import { makeDirs } from "../fs/write-file";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import type { LoadedRun } from "../run/inference";
import type { CompiledModel } from "../model/compiled";
import { packageFile } from "../package-files";
import { imageLayout } from "../run/outputs";
import { encodeExport, writeExport } from "./tfjs-export";

// found from the package root: this module may run from the bundle in dist/
const here = (f: string) => packageFile("runtime", "export", f);
const TF_MIN = createRequire(import.meta.url).resolve("@tensorflow/tfjs/dist/tf.min.js");

/** JSON safe inside a <script> element */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, "\\u003c");
const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export interface ExploreInfo {
  /** shown in the page's header */
  run: string;
  checkpoint: string;
}

/** What an export records of where it came from. */
export function exportInfo(run: LoadedRun): ExploreInfo {
  return { run: run.dir, checkpoint: `${relative(run.dir, run.checkpointPath)} (epoch ${run.checkpoint.state.epoch}, step ${run.checkpoint.state.step})` };
}

/** Writes the page and its files into `dir`; returns the page's path. */
export async function writeExplorePage(model: CompiledModel, dir: string, info: ExploreInfo): Promise<string> {
  const ir = model.ir;
  makeDirs(dir); // Node's recursive mkdir spins forever under /proc
  const metadata = { ...info };
  await writeExport(model, join(dir, "model"), metadata);
  const { json, shards } = await encodeExport(model, metadata);
  const b64 = [...shards.values()].map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64"));
  writeFileSync(join(dir, "model.js"), `// ${ir.name}: the export in model/ as a script (pages opened from disk cannot fetch files)\nwindow.INTEL_MODEL = ${scriptJson({ json, shards: b64 })};\n`);
  // the bundle's source-map comment would make DevTools look for a file that is not there
  writeFileSync(join(dir, "tf.min.js"), readFileSync(TF_MIN, "utf8").replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n"));
  const zShape = ir.mapping.nodes[ir.mapping.output]!.shape;
  const config = {
    name: ir.name,
    dataShape: ir.data.shape,
    layout: imageLayout(ir.data),
    yDim: ir.latent.dim,
    zDim: zShape.length === 1 ? zShape[0] : null,
  };
  const page = join(dir, "index.html");
  writeFileSync(page, html(config, info, ir.name));
  return page;
}

function html(config: Record<string, unknown>, info: ExploreInfo, name: string): string {
  const script = [readFileSync(here("./plain-model.js"), "utf8"), readFileSync(here("./explore-ui.js"), "utf8")].join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(name)}: explore the latent space</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 .2em; }
.meta { color: #666; margin-bottom: 1em; }
.row { display: flex; gap: 2em; align-items: flex-start; flex-wrap: wrap; }
canvas { border: 1px solid #ccc; image-rendering: pixelated; }
#pad { cursor: crosshair; touch-action: none; }
#traversal { display: flex; gap: 4px; margin-top: .4em; }
#message.error { color: #b00; font-weight: bold; }
#message.warn { color: #a60; }
label { margin-right: 1em; }
</style>
</head>
<body>
<h1>${escapeHtml(name)}</h1>
<div class="meta">run ${escapeHtml(info.run)} · checkpoint ${escapeHtml(info.checkpoint)} · decoder and mapping evaluated in your browser with TensorFlow.js</div>
<p id="message"></p>
<div class="controls">
<label>space <select id="space"><option value="y">y (the intermediary; z = g(y))</option><option value="z">z (the decoder's input)</option></select></label>
<label>horizontal <select id="dim-a"></select></label>
<label>vertical <select id="dim-b"></select></label>
</div>
<div class="row">
<figure><canvas id="pad" width="280" height="280"></canvas><figcaption>drag the point · <span id="coords"></span></figcaption></figure>
<figure><canvas id="decoded" width="280" height="280"></canvas><figcaption>the decoder's mean at that point</figcaption></figure>
</div>
<div><div id="traversal"></div><div id="traversal-label" class="meta"></div></div>
<script>window.INTEL_EXPLORE = ${scriptJson(config)};</script>
<script src="tf.min.js"></script>
<script src="model.js"></script>
<script type="module">
${script}
</script>
</body>
</html>
`;
}
