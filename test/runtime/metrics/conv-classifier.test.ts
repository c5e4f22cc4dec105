// The FID's conv classifier (Table 1): it learns digits, is reproducible from its seed, and its
// features separate real digits from corrupted ones in the Fréchet distance.
import { beforeAll, describe, expect, it } from "vitest";
import { loadMnist } from "../../../runtime/data/mnist";
import { convAccuracy, convApply, FEATURE_DIM, trainConvClassifier } from "../../../runtime/metrics/conv-classifier";
import { frechetDistance } from "../../../runtime/metrics/fid";
import { selectBackend } from "../../../runtime/backend/select";

// convolutions on the pure-JS cpu backend take minutes; wasm is what the reproduction runs on
beforeAll(async () => void (await selectBackend("wasm", { wasmThreads: 1 })));
const digits = (split: "train" | "test", limit: number) => loadMnist({ split, classes: [0, 1, 2], multipliers: null, binarize: false, limit, flatten: true, seed: 1 });

describe("conv classifier for the MNIST FID", () => {
  it("learns three digit classes well above chance; the same seed gives the same network", () => {
    const tr = digits("train", 400);
    const te = digits("test", 300);
    const o = { epochs: 3, batch: 32, lr: 3e-3, seed: 3, classes: 3 };
    const w = trainConvClassifier(tr.x, tr.n, tr.labels!, o);
    expect(convAccuracy(w, te.x, te.n, te.labels!)).toBeGreaterThan(0.9);
    const again = trainConvClassifier(tr.x.subarray(0, 64 * 784), 64, tr.labels!.subarray(0, 64), { ...o, epochs: 1 });
    const twice = trainConvClassifier(tr.x.subarray(0, 64 * 784), 64, tr.labels!.subarray(0, 64), { ...o, epochs: 1 });
    expect(twice.tensors.d1!.values.slice(0, 50)).toEqual(again.tensors.d1!.values.slice(0, 50));
    expect(twice.tensors.d1!.values.slice(0, 50)).not.toEqual(w.tensors.d1!.values.slice(0, 50));

    // FID on its features: ~0 for a set against itself, larger for noisy digits than for other real ones
    const f = (x: Float32Array, n: number) => convApply(w, x, n).features;
    const a = f(te.x.subarray(0, 150 * 784), 150);
    const b = f(te.x.subarray(150 * 784), 150);
    const noisy = Float32Array.from(te.x.subarray(150 * 784), (v, i) => Math.min(1, Math.max(0, v + (((i * 2654435761) % 1000) / 1000 - 0.5))));
    expect(frechetDistance(a, 150, a, 150, FEATURE_DIM)).toBeLessThan(1e-3);
    expect(frechetDistance(a, 150, f(noisy, 150), 150, FEATURE_DIM)).toBeGreaterThan(2 * frechetDistance(a, 150, b, 150, FEATURE_DIM));
  }, 120_000);
});
