// intel-blas: single-precision matrix products on tensors that live in tfjs-backend-wasm's heap,
// computed by the machine's OpenBLAS (docs/architecture.md §3, "native matrix products").
//
// Why: tfjs-wasm's XNNPACK products run at ~25 GFLOP/s per core (wasm SIMD: 128-bit, no FMA),
// 3.2x slower than OpenBLAS on the same core, and products are ~80 % of a training step.
// OpenBLAS is opened with dlopen, so building needs only Node's headers and a C compiler, and a
// machine without libopenblas gets a clear "not available" instead of a failed load.
//
// JS API (all synchronous):
//   open(libraryPath) -> null on success, else the reason (string)
//   threads(n)        -> sets OpenBLAS's thread count
//   gemm(heap, a, b, c, batch, m, n, k, transA, transB, strideA, strideB)
//     heap: a Float32Array over the whole wasm memory; a, b, c: element offsets into it;
//     for each i < batch: C_i[m,n] = op(A_i) . op(B_i), row-major, A_i at a + i*strideA
//     (strideA = 0 broadcasts one A over the batch; likewise B), C_i at c + i*m*n.
//   conv(direction, heap, a, b, out, geometry): geometry an Int32Array
//     [n, h, w, c, f, kh, kw, sh, sw, dh, dw, top, left, oh, ow] of the convolution of NHWC
//     x [n,h,w,c] with an HWIO filter [kh,kw,c,f] into y [n,oh,ow,f], as tfjs's Conv2D (strides
//     sh,sw; dilations dh,dw; zero padding top/left, the rest implied by oh, ow). direction 0: y
//     from (x, filter); 1: dx from (dy, filter); 2: dfilter from (x, dy). im2col rows in chunks
//     of at most CHUNK floats, each chunk one product with the filter as [kh*kw*c, f].
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>

typedef void (*sgemm_fn)(int order, int transA, int transB, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c,
                         int ldc);
typedef void (*threads_fn)(int n);

static sgemm_fn sgemm = NULL;
static threads_fn set_threads = NULL;

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

static napi_value str(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

static napi_value undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

// The arguments of a call, checked: `want` of them and an open library; else throws and returns 0.
static int args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *who) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char msg[96];
  if (argc != want) snprintf(msg, sizeof msg, "%s: expected %zu arguments", who, want);
  else if (!sgemm) snprintf(msg, sizeof msg, "%s: no BLAS library is open", who);
  else return 1;
  napi_throw_error(env, NULL, msg);
  return 0;
}

// The data of a typed array of the given type (the wasm heap, or a geometry); NULL after throwing.
static void *view(napi_env env, napi_value v, napi_typedarray_type want, size_t *length, const char *what) {
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_get_typedarray_info(env, v, &type, length, &data, NULL, NULL) != napi_ok || type != want) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  return data;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[1024];
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok)
    return str(env, "open(path): path must be a string");
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return str(env, dlerror());
  sgemm_fn f = (sgemm_fn)dlsym(lib, "cblas_sgemm");
  if (!f) return str(env, "the library has no cblas_sgemm");
  sgemm = f;
  set_threads = (threads_fn)dlsym(lib, "openblas_set_num_threads");
  napi_value nul;
  napi_get_null(env, &nul);
  return nul;
}

static napi_value js_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n = 1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) napi_get_value_int32(env, argv[0], &n);
  if (set_threads && n > 0) set_threads(n);
  return undefined(env);
}

static napi_value js_gemm(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!args(env, info, 12, argv, "gemm")) return NULL;
  size_t length = 0;
  float *h = (float *)view(env, argv[0], napi_float32_array, &length, "gemm: heap must be a Float32Array");
  if (!h) return NULL;
  int64_t v[7];
  for (int i = 0; i < 7; i++) napi_get_value_int64(env, argv[1 + i], &v[i]);
  bool ta = false, tb = false;
  napi_get_value_bool(env, argv[8], &ta);
  napi_get_value_bool(env, argv[9], &tb);
  int64_t sa = 0, sb = 0;
  napi_get_value_int64(env, argv[10], &sa);
  napi_get_value_int64(env, argv[11], &sb);
  const int64_t a = v[0], b = v[1], c = v[2], batch = v[3], m = v[4], n = v[5], k = v[6];
  // Bounds: every operand must lie inside the heap view (a wrong offset must not scribble).
  const int64_t L = (int64_t)length;
  if (a < 0 || b < 0 || c < 0 || batch < 1 || m < 1 || n < 1 || k < 1 || sa < 0 || sb < 0 ||
      a + (batch - 1) * sa + m * k > L || b + (batch - 1) * sb + k * n > L ||
      c + batch * m * n > L || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    napi_throw_range_error(env, NULL, "gemm: operands outside the heap or bad sizes");
    return NULL;
  }
  const int lda = ta ? (int)m : (int)k, ldb = tb ? (int)k : (int)n;
  for (int64_t i = 0; i < batch; i++) {
    sgemm(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, (int)m, (int)n, (int)k, 1.0f,
          h + a + i * sa, lda, h + b + i * sb, ldb, 0.0f, h + c + i * m * n, (int)n);
  }
  return undefined(env);
}

enum { CHUNK = 1 << 22 }; // floats of im2col buffer per product (16 MiB)

// The geometry of one NHWC convolution (see conv2d below); rows = n*oh*ow output pixels, each with
// K = kh*kw*c taps.
typedef struct {
  int64_t n, h, w, c, f, kh, kw, sh, sw, dh, dw, top, left, oh, ow;
} Geometry;

// Row r of the im2col matrix (the K input values output pixel r reads, zero outside the image),
// or, with scatter = 1, the reverse: adds row r into x at the same places (col2im).
static void taps(const Geometry *g, float *x, float *row, int64_t r, int scatter) {
  const int64_t b = r / (g->oh * g->ow), p = r % (g->oh * g->ow);
  const int64_t y0 = (p / g->ow) * g->sh - g->top, x0 = (p % g->ow) * g->sw - g->left;
  for (int64_t i = 0; i < g->kh; i++) {
    const int64_t y = y0 + i * g->dh;
    for (int64_t j = 0; j < g->kw; j++) {
      const int64_t xx = x0 + j * g->dw;
      float *t = row + (i * g->kw + j) * g->c;
      const int inside = y >= 0 && y < g->h && xx >= 0 && xx < g->w;
      float *src = inside ? x + ((b * g->h + y) * g->w + xx) * g->c : NULL;
      if (!scatter) {
        if (inside) memcpy(t, src, (size_t)g->c * sizeof(float));
        else memset(t, 0, (size_t)g->c * sizeof(float));
      } else if (inside) {
        for (int64_t k = 0; k < g->c; k++) src[k] += t[k];
      }
    }
  }
}

enum { FORWARD = 0, GRAD_INPUT = 1, GRAD_FILTER = 2 };

// One routine for the three directions, with X [rows, K] the im2col matrix of x, W the filter as
// [K, f] and Y [rows, f] the output (or its gradient):
//   FORWARD:     y = X W                   (a = x, b = filter, out = y)
//   GRAD_INPUT:  dx = col2im(dY W^T)       (a = dy, b = filter, out = dx)
//   GRAD_FILTER: dW = X^T dY               (a = x, b = dy, out = dW)
// in chunks of rows so that the im2col buffer stays under CHUNK floats.
static const char *convolve(int dir, float *heap, int64_t L, const int64_t off[3], const Geometry *g) {
  const int64_t K = g->kh * g->kw * g->c, rows = g->n * g->oh * g->ow, xs = g->n * g->h * g->w * g->c;
  const int64_t sizes[3][3] = {{xs, K * g->f, rows * g->f}, {rows * g->f, K * g->f, xs}, {xs, rows * g->f, K * g->f}};
  for (int i = 0; i < 3; i++)
    if (off[i] < 0 || off[i] + sizes[dir][i] > L) return "operands outside the heap";
  if (K > INT32_MAX || g->f > INT32_MAX || rows > INT32_MAX) return "sizes too large";
  float *a = heap + off[0], *b = heap + off[1], *out = heap + off[2];
  const int K32 = (int)K, F = (int)g->f;
  // A 1x1 filter with stride 1 and no padding: X is x itself.
  if (g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->top == 0 && g->left == 0 &&
      g->oh == g->h && g->ow == g->w) {
    const int R = (int)rows;
    if (dir == FORWARD) sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, R, F, K32, 1.0f, a, K32, b, F, 0.0f, out, F);
    if (dir == GRAD_INPUT) sgemm(ROW_MAJOR, NO_TRANS, TRANS, R, K32, F, 1.0f, a, F, b, F, 0.0f, out, K32);
    if (dir == GRAD_FILTER) sgemm(ROW_MAJOR, TRANS, NO_TRANS, K32, F, R, 1.0f, a, K32, b, F, 0.0f, out, F);
    return NULL;
  }
  int64_t per = CHUNK / K;
  if (per < 1) per = 1;
  if (per > rows) per = rows;
  float *cols = (float *)malloc((size_t)(per * K) * sizeof(float));
  if (!cols) return "out of memory for the im2col buffer";
  if (dir == GRAD_INPUT) memset(out, 0, (size_t)sizes[dir][2] * sizeof(float));
  for (int64_t r0 = 0; r0 < rows; r0 += per) {
    const int64_t r1 = r0 + per < rows ? r0 + per : rows;
    const int R = (int)(r1 - r0);
    if (dir == GRAD_INPUT) {
      sgemm(ROW_MAJOR, NO_TRANS, TRANS, R, K32, F, 1.0f, a + r0 * g->f, F, b, F, 0.0f, cols, K32);
      for (int64_t r = r0; r < r1; r++) taps(g, out, cols + (r - r0) * K, r, 1);
      continue;
    }
    for (int64_t r = r0; r < r1; r++) taps(g, a, cols + (r - r0) * K, r, 0);
    if (dir == FORWARD)
      sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, R, F, K32, 1.0f, cols, K32, b, F, 0.0f, out + r0 * g->f, F);
    else
      sgemm(ROW_MAJOR, TRANS, NO_TRANS, K32, F, R, 1.0f, cols, K32, b + r0 * g->f, F,
            r0 == 0 ? 0.0f : 1.0f, out, F);
  }
  free(cols);
  return NULL;
}

// conv(direction, heap, a, b, out, geometry)
static napi_value js_conv(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!args(env, info, 6, argv, "conv")) return NULL;
  int32_t dir = -1;
  napi_get_value_int32(env, argv[0], &dir);
  size_t length = 0, glen = 0;
  float *heap = (float *)view(env, argv[1], napi_float32_array, &length, "conv: heap must be a Float32Array");
  if (!heap) return NULL;
  int64_t off[3];
  for (int i = 0; i < 3; i++) napi_get_value_int64(env, argv[2 + i], &off[i]);
  const void *gd = view(env, argv[5], napi_int32_array, &glen, "conv: geometry must be an Int32Array of 15");
  if (!gd) return NULL;
  if (glen != 15) {
    napi_throw_type_error(env, NULL, "conv: geometry must be an Int32Array of 15");
    return NULL;
  }
  const int32_t *v = (const int32_t *)gd;
  const Geometry g = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
  for (int i = 0; i < 15; i++) {
    if (v[i] < (i == 11 || i == 12 ? 0 : 1)) {
      napi_throw_range_error(env, NULL, "conv: bad geometry");
      return NULL;
    }
  }
  if (dir < FORWARD || dir > GRAD_FILTER) {
    napi_throw_range_error(env, NULL, "conv: direction must be 0, 1 or 2");
    return NULL;
  }
  const char *err = convolve(dir, heap, (int64_t)length, off, &g);
  if (err) {
    char msg[96];
    snprintf(msg, sizeof msg, "conv: %s", err);
    napi_throw_range_error(env, NULL, msg);
  }
  return undefined(env);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"threads", NULL, js_threads, NULL, NULL, NULL, napi_default, NULL},
      {"gemm", NULL, js_gemm, NULL, NULL, NULL, napi_default, NULL},
      {"conv", NULL, js_conv, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 4, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
