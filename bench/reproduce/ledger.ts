// The committed record of finished arms: bench/reproduce/ledger/<experiment>/<arm>-s<seed>.json, a
// copy of each arm's reproduce.json. Run folders (runs/, gitignored) do not outlive the machine
// they ran on; the ledger does, so a later `npm run reproduce` keeps every arm measured before
// (it counts as done, and the results table reads it) and only trains what is missing.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ArmResult } from "./run-arm";

export const LEDGER_DIR = join(dirname(fileURLToPath(import.meta.url)), "ledger");

/** The ledger file of an arm's run folder RUNS/<experiment>/<arm>-s<seed>. */
export function ledgerFile(runDir: string, root = LEDGER_DIR): string {
  return join(root, basename(dirname(runDir)), `${basename(runDir)}.json`);
}

/** Writes an arm's result into its run folder (reproduce.json) and into the ledger. */
export function saveArm(runDir: string, result: ArmResult, root = LEDGER_DIR): void {
  const text = JSON.stringify(result, null, 2) + "\n";
  writeFileSync(join(runDir, "reproduce.json"), text);
  const file = ledgerFile(runDir, root);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** The ledger's result for a run folder, or null. */
export function ledgerArm(runDir: string, root = LEDGER_DIR): ArmResult | null {
  const file = ledgerFile(runDir, root);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as ArmResult) : null;
}

/** Every ledger entry of an experiment whose folder name starts with `<arm>-s`, by folder name. */
export function ledgerArms(experiment: string, arm: string, root = LEDGER_DIR): Map<string, ArmResult> {
  const dir = join(root, experiment);
  const out = new Map<string, ArmResult>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) {
    if (f.startsWith(`${arm}-s`) && f.endsWith(".json")) out.set(f.slice(0, -".json".length), JSON.parse(readFileSync(join(dir, f), "utf8")) as ArmResult);
  }
  return out;
}
