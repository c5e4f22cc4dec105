// Emitted programs for tests: written under test/emit/.tmp/ (inside the repository, so they resolve
// @tensorflow/tfjs, and intel-vae/support through vitest's alias, like any project file) and removed
// afterwards.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ModelIR } from "../../compiler/ir/types";
import { emitModel } from "../../compiler/emit/emit";
import type { CompiledModel, Program } from "../../runtime/support";

export const TMP = resolve("test/emit/.tmp");

export function tmpDir(name: string): string {
  const dir = join(TMP, `${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const removeTmp = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/** Writes the emitted program of `ir` into `dir` and returns its path. */
export function writeEmitted(dir: string, file: string, ir: ModelIR, specText: string | null = null): string {
  const path = join(dir, file);
  writeFileSync(path, emitModel(ir, { specText }));
  return path;
}

export interface EmittedModule {
  PROGRAM: Program;
  createModel(seed: number): CompiledModel;
  main(argv: readonly string[]): Promise<number>;
  sample(dir: string, o?: { n?: number; out?: string; seed?: number }): Promise<{ n: number; path: string; values: Float32Array }>;
  encode(dir: string, o?: { role?: "train" | "validation" | "test"; out?: string }): Promise<{ n: number; dim: number; path: string; z: Float32Array }>;
}

export async function importEmitted(path: string): Promise<EmittedModule> {
  return (await import(/* @vite-ignore */ pathToFileURL(path).href)) as EmittedModule;
}
