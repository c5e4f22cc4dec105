// `intel export RUN [-o DIR]`: the trained weights in TensorFlow.js's format plus the decoder's and
// the mapping's IR (runtime/export/tfjs-export.ts); `intel explore RUN [-o DIR]`: a page to explore
// the latent space in a browser (runtime/export/explore.ts). Both load the run like `intel sample`.
import { join } from "node:path";
import { exportInfo, writeExplorePage } from "../runtime/export/explore";
import { writeExport } from "../runtime/export/tfjs-export";
import { inferenceCommand } from "./inference-commands";
import type { RunDeps } from "./run-support";
import { stringFlag } from "./run-support";
import { RUN_OWN_WHY, RunDirError, runOwnFiles } from "../runtime/run/run-dir";
import { isInside } from "../runtime/fs/write-file";
import { FileError } from "../runtime/fs/read-file";
import { MappingNeedsDataError } from "../runtime/mapping/graph";

/** An export folder inside what the run needs (RUN/checkpoints) would mix files into it: refused. */
function refuseRunFolders(run: { dir: string; model: { readsData: boolean; ir: { likelihood: { kind: string } } } }, dir: string): void {
  // both write a generator (decoder + mapping from y): a mapping conditioned on x has none (IV5090)
  if (run.model.readsData) throw new MappingNeedsDataError();
  // the exported plain model decodes μ(z) as the data's mean; a FlowDecoder's needs its flow's inverse, which it does not carry
  if (run.model.ir.likelihood.kind === "flow_decoder") {
    throw new RunDirError("the model's likelihood is a FlowDecoder: its decoder gives μ(z) in the flow's base space, and the exported model has no flow to map it back to the data, so `intel export` and `intel explore` are unavailable for it (`intel sample` draws through the flow)");
  }
  const kept = runOwnFiles(run.dir).find((k) => isInside(dir, k));
  if (kept) throw new FileError(`${dir} is inside ${kept}, ${RUN_OWN_WHY}: choose another output folder`, dir);
}

export function makeExportCommand(overrides: Partial<RunDeps> = {}) {
  return inferenceCommand(
    {
      name: "export",
      valued: ["o"],
      parse: (args) => ({ out: stringFlag(args, "o") }),
      async run(run, { out }, io) {
        const dir = out ?? join(run.dir, "export");
        refuseRunFolders(run, dir);
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
        const dir = out ?? join(run.dir, "explore");
        refuseRunFolders(run, dir);
        const page = await writeExplorePage(run.model, dir, exportInfo(run));
        io.out(`wrote ${page} (open it in a browser; it needs the files next to it, no network)\n`);
        return 0;
      },
    },
    overrides,
  );
}

export const exportCommand = makeExportCommand();
export const exploreCommand = makeExploreCommand();
