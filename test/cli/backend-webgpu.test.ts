// `intel train --backend webgpu` as a process, on a machine without a WebGPU adapter: exit 1, a
// clear message (what is missing, which driver it needs), no stack trace, and quickly. The time is
// compared with the same command failing on a backend that is not installed at all (tfjs-node-gpu),
// which pays the same start-up (tsx, the spec's compilation, tfjs): webgpu's own cost is the gap.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vulkanLoaderPresent } from "../../runtime/backend/webgpu";
import { tinySpec } from "../tiny-spec";
import { installed } from "../installed";


function train(spec: string, backend: string) {
  const out = mkdtempSync(join(tmpdir(), "intel-webgpu-run-"));
  const t0 = performance.now();
  const p = spawnSync(process.execPath, ["bin/intel.js", "train", spec, "--backend", backend, "--out", join(out, "run")], { encoding: "utf8", timeout: 60_000 });
  return { code: p.status, stderr: p.stderr, stdout: p.stdout, ms: performance.now() - t0 };
}

// Without the loader there is certainly no adapter; with it, this machine might have a GPU.
describe.runIf(installed("webgpu") && vulkanLoaderPresent() === false && !installed("@tensorflow/tfjs-node-gpu"))("intel train --backend webgpu without an adapter", () => {
  it("exits 1 with the reason and the driver it needs, in under 2 s more than a backend that fails at once", () => {
    const spec = join(mkdtempSync(join(tmpdir(), "intel-webgpu-")), "tiny.intel");
    writeFileSync(spec, tinySpec());
    train(spec, "tensorflow-gpu"); // warm the file cache (tsx's transform cache too)
    const base = train(spec, "tensorflow-gpu");
    const r = train(spec, "webgpu");
    expect(base.code).toBe(1);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^intel train: backend 'webgpu' is not available: Dawn \(npm 'webgpu'\) found no WebGPU adapter: the Vulkan loader libvulkan\.so\.1 is not installed; webgpu needs a GPU with a Vulkan driver/m);
    expect(r.stderr).toMatch(/--backend wasm/);
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace, not even Dawn's native warning
    expect(r.stdout).not.toMatch(/^backend:/m);
    expect(r.ms - base.ms, `webgpu ${r.ms.toFixed(0)} ms vs not-installed ${base.ms.toFixed(0)} ms`).toBeLessThan(2000);
  });
});
