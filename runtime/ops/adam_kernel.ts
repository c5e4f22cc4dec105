// A 4-wide SIMD Adam update, as a tiny WebAssembly module that imports tfjs-backend-wasm's own
// memory, so it reads gradients and weights where tfjs keeps them and writes the new weights
// into a buffer tfjs then owns. Hand-assembled (no toolchain at build time); ~200 bytes.
//
// The same update in plain JavaScript runs ~7 ns per parameter here (scalar float64 sqrt and
// division); this is ~4 values per instruction. Semantics match the JS loop in adam.ts except
// that intermediates are float32 (as in PyTorch and tf.train.adam).
//
//   adam(w, g, m, v, out, nBytes, b1, b2, c1, c2, stepSize, invSqrtBc2, eps)
//   for i in [0, nBytes) step 16:  m = b1·m + c1·g;  v = b2·v + c2·g²;
//                                  out = w − stepSize·m / (√v·invSqrtBc2 + eps)
// Pointers are byte offsets into the tfjs heap; nBytes is a multiple of 16 (the tail of
// n mod 4 elements is left to the caller).

// The project's lib (ES2022, no DOM) does not declare WebAssembly; the little we use, typed here.
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const str = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Instructions.
const get = (i: number) => [0x20, ...leb(i)];
const set = (i: number) => [0x21, ...leb(i)];
const tee = (i: number) => [0x22, ...leb(i)];
const simd = (op: number) => [0xfd, ...leb(op)];
const load = [...simd(0x00), 0, 0]; // v128.load align=1 offset=0 (unaligned is fine)
const store = [...simd(0x0b), 0, 0];
const splat = simd(0x13), sqrt = simd(0xe3), add = simd(0xe4), sub = simd(0xe5), mul = simd(0xe6), div = simd(0xe7);
const i32add = [0x6a];

function moduleBytes(sharedMemory: boolean): Uint8Array {
  // params 0..5: w g m v out nBytes (i32); 6..12: b1 b2 c1 c2 s q eps (f32)
  const [W, G, M, V, OUT, N] = [0, 1, 2, 3, 4, 5];
  const I = 13; // byte offset
  const [B1, B2, C1, C2, S, Q, E, GI, MI, VI] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const at = (base: number) => [...get(base), ...get(I), ...i32add];
  const body = [
    ...[6, 7, 8, 9, 10, 11, 12].flatMap((p, k) => [...get(p), ...splat, ...set(B1 + k)]),
    0x02, 0x40, // block
    ...get(N), 0x45, 0x0d, 0, // if nBytes == 0: break
    0x03, 0x40, // loop
    ...at(G), ...load, ...set(GI),
    ...get(B1), ...at(M), ...load, ...mul, ...get(C1), ...get(GI), ...mul, ...add, ...set(MI),
    ...at(M), ...get(MI), ...store,
    ...get(B2), ...at(V), ...load, ...mul, ...get(C2), ...get(GI), ...mul, ...get(GI), ...mul, ...add, ...set(VI),
    ...at(V), ...get(VI), ...store,
    ...at(OUT), ...at(W), ...load,
    ...get(S), ...get(MI), ...mul, ...get(VI), ...sqrt, ...get(Q), ...mul, ...get(E), ...add, ...div,
    ...sub, ...store,
    ...get(I), 0x41, ...leb(16), ...i32add, ...tee(I), ...get(N), 0x49, 0x0d, 0, // i += 16; loop while i < n
    0x0b, // end loop
    0x0b, // end block
    0x0b, // end function
  ];
  const locals = vec([[1, I32], [10, V128]]);
  const code = [...locals, ...body];
  const memLimits = sharedMemory ? [0x03, ...leb(1), ...leb(65536)] : [0x00, ...leb(1)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([...Array(6).fill([I32]), ...Array(7).fill([F32])]), 0]])),
    ...section(2, vec([[...str("env"), ...str("memory"), 0x02, ...memLimits]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...str("adam"), 0x00, 0]])),
    ...section(10, vec([[...leb(code.length), ...code]])),
  ]);
}

export type AdamKernel = (
  w: number, g: number, m: number, v: number, out: number, nBytes: number,
  b1: number, b2: number, c1: number, c2: number, stepSize: number, invSqrtBc2: number, eps: number,
) => void;

const cache = new WeakMap<WasmMemory, AdamKernel | null>();

/** The kernel bound to `memory`, or null where WebAssembly SIMD or the import is unavailable. */
export function adamKernelFor(memory: WasmMemory): AdamKernel | null {
  if (cache.has(memory)) return cache.get(memory)!;
  let fn: AdamKernel | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
    const mod = new WA.Module(moduleBytes(shared));
    fn = new WA.Instance(mod, { env: { memory } }).exports.adam as AdamKernel;
  } catch {
    fn = null;
  }
  cache.set(memory, fn);
  return fn;
}
