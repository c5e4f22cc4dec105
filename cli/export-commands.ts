// `intel export RUN [-o DIR]`: the trained weights in TensorFlow.js's format plus the decoder's and
// the mapping's IR (runtime/export/tfjs-export.ts); `intel explore RUN [-o DIR]`: a page to explore
// the latent space in a browser (runtime/export/explore.ts). Both load the run like `intel sample`.
import { join } from "node:path";
import { exportInfo, writeExplorePage } from "../runtime/export/explore";
import { writeExport } from "../runtime/export/tfjs-export";
import { inferenceCommand } from "./inference-commands";
import type { RunDeps } from "./run-support";
import { stringFlag } from "./run-support";

export function makeExportCommand(overrides: Partial<RunDeps> = {}) {
  return inferenceCommand(
    {
      name: "export",
      valued: ["o"],
      parse: (args) => ({ out: stringFlag(args, "o") }),
      async run(run, { out }, io) {
        const dir = out ?? join(run.dir, "export");
        const files = await writeExport(run.model, dir, exportInfo(run));
        io.out(`wrote ${files.length} files to ${dir}: model.json (tf.io weights manifest, decoder and mapping IR) and ${files.length - 1} weight shard${files.length > 2 ? "s" : ""}\n`);
        return 0;
      },
    },
    overrides,
  );
}

export function makeExploreCommand(overrides: Partial<RunDeps> = {}) {
  return inferenceCommand(
    {
      name: "explore",
      valued: ["o"],
      parse: (args) => ({ out: stringFlag(args, "o") }),
      async run(run, { out }, io) {
        const page = await writeExplorePage(run.model, out ?? join(run.dir, "explore"), exportInfo(run));
        io.out(`wrote ${page} (open it in a browser; it needs the files next to it, no network)\n`);
        return 0;
      },
    },
    overrides,
  );
}

export const exportCommand = makeExportCommand();
export const exploreCommand = makeExploreCommand();
