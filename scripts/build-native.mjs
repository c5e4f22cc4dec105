// Builds the optional native addon (native/blas.c → OUT/native/intel-blas.node) that lets the wasm
// backend hand its matrix products to OpenBLAS (runtime/backend/native-blas.ts). It needs a C
// compiler ($CC, else cc) and Node's own headers (node_api.h); OpenBLAS itself is opened at run
// time, so neither it nor its headers are needed here. Where something is missing the build goes
// on without the addon and says why: INTEL_MATMUL=openblas then names what to install.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

/** Node's header folder: beside the running node (…/bin/node → …/include/node), or npm's nodedir. */
function nodeHeaders() {
  const candidates = [join(dirname(process.execPath), "..", "include", "node")];
  if (process.env.npm_config_nodedir) candidates.push(join(process.env.npm_config_nodedir, "include", "node"));
  return candidates.find((d) => existsSync(join(d, "node_api.h"))) ?? null;
}

/** Returns null when built, else the reason it was not. */
export function buildNative(root, out) {
  if (process.platform === "win32") return "not built on Windows (it dlopens a POSIX shared library)";
  const headers = nodeHeaders();
  if (!headers) return "Node's headers (node_api.h) were not found beside the node binary";
  mkdirSync(join(out, "native"), { recursive: true });
  const cc = process.env.CC || "cc";
  const args = ["-O2", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror", `-I${headers}`, "-DNODE_GYP_MODULE_NAME=intel_blas",
    join(root, "native", "blas.c"), "-o", join(out, "native", "intel-blas.node")];
  if (process.platform === "linux") args.push("-ldl");
  if (process.platform === "darwin") args.push("-undefined", "dynamic_lookup");
  const r = spawnSync(cc, args, { encoding: "utf8" });
  if (r.error) return `${cc} could not run (${r.error.message})`;
  if (r.status !== 0) return `${cc} failed: ${(r.stderr || r.stdout).trim().split("\n").slice(0, 3).join(" / ")}`;
  return null;
}
