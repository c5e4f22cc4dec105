import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
setWasmPaths(process.cwd() + "/node_modules/@tensorflow/tfjs-backend-wasm/dist/");
await tf.setBackend(process.argv[2] ?? "wasm");
function med(xs: number[]) { xs.sort((a, b) => a - b); return xs[xs.length >> 1]; }
function timeFresh(name: string, M: number, K: number, N: number) {
  const W = tf.randomNormal([K, N]); const A = tf.randomNormal([M, K]);
  const tm: number[] = [], tc: number[] = [], tt: number[] = [];
  for (let i = 0; i < 25; i++) {
    let t = performance.now(); const B = tf.add(W, 0); B.dataSync(); tc.push(performance.now() - t);
    t = performance.now(); const C = tf.matMul(A, B); C.dataSync(); tm.push(performance.now() - t);
    t = performance.now(); const C2 = tf.matMul(A, B); C2.dataSync(); tt.push(performance.now() - t);
    B.dispose(); C.dispose(); C2.dispose();
  }
  const tr: number[] = [];
  for (let i = 0; i < 25; i++) { const t = performance.now(); const T = tf.transpose(W); T.dataSync(); tr.push(performance.now() - t); T.dispose(); }
  console.log(name, `M${M} K${K} N${N}`, "copy", med(tc).toFixed(2), "fresh", med(tm).toFixed(2), "cached", med(tt).toFixed(2), "transposeB", med(tr).toFixed(2));
}
timeFresh("fc1", 128, 784, 512);
timeFresh("fc1 M1", 1, 784, 512);
timeFresh("fc2", 128, 512, 256);
timeFresh("fc2 M1", 1, 512, 256);
timeFresh("dW1 (x^T g)", 784, 128, 512);
timeFresh("dW1 swapped (g^T x)", 512, 128, 784);
timeFresh("dX1 (g W^T)", 128, 512, 784);
timeFresh("fc-out", 128, 512, 784);
