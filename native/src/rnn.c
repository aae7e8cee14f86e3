/* Fused pointwise parts of LSTM and GRU steps: one pass over a batch of contiguous rows, split
 * across the worker pool by rows. Arithmetic in double in the order of the JS kernels
 * (tensor/js/rnn_cell.ts), except the float32 LSTM cell, computed in float (expf, tanhf): exp and
 * tanh come from libm (libmvec where available), so results agree with the JS oracle to a few ulp
 * (float ulp for the float32 LSTM cell). */
#include <math.h>

#include "internal.h"
#include "jsmath.h"

/* Elements of work per chunk handed to a thread. */
#define GRAIN_ELEMS 16384

typedef struct {
  int f64;
  int64_t H;
  void *out[3];
  const void *in[5];
} cell_ctx;

/* One batch row per call; restrict-qualified parameters let the compiler vectorise the j loops
 * (exp and tanh from libmvec). Gate k of a row lives at [k·H, (k+1)·H). */

#define LSTM_FWD_ROW(NAME, T)                                                                    \
  static void NAME(int64_t H, T *restrict h, T *restrict cn, T *restrict a,                      \
                   const T *restrict x, const T *restrict g, const T *restrict cp) {             \
    for (int64_t j = 0; j < H; j++) {                                                            \
      const double vi = js_sigmoid((double)x[j] + (double)g[j]);                                 \
      const double vf = js_sigmoid((double)x[H + j] + (double)g[H + j]);                         \
      const double vg = tanh((double)x[2 * H + j] + (double)g[2 * H + j]);                       \
      const double vo = js_sigmoid((double)x[3 * H + j] + (double)g[3 * H + j]);                 \
      const double c1 = vf * (double)cp[j] + vi * vg;                                            \
      a[j] = (T)vi;                                                                              \
      a[H + j] = (T)vf;                                                                          \
      a[2 * H + j] = (T)vg;                                                                      \
      a[3 * H + j] = (T)vo;                                                                      \
      cn[j] = (T)c1;                                                                             \
      h[j] = (T)(vo * tanh(c1));                                                                 \
    }                                                                                            \
  }
LSTM_FWD_ROW(lstm_fwd_d, double)

/* float32 in float arithmetic: expf and tanhf vectorise sixteen lanes wide (libmvec), where the
 * double versions above ran at 2–3 ns a transcendental (W4's cell: 100 µs a step for 32 × 256).
 * The result is within a few float ulp of the JS kernel's double-then-round one (the backend
 * conformance suite's float32 tolerance is 1e-6). */
static inline float sigmoid_f(float v) {
  const float e = expf(-fabsf(v));
  return v >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
}
static void lstm_fwd_f(int64_t H, float *restrict h, float *restrict cn, float *restrict a,
                       const float *restrict x, const float *restrict g, const float *restrict cp) {
  for (int64_t j = 0; j < H; j++) {
    const float vi = sigmoid_f(x[j] + g[j]);
    const float vf = sigmoid_f(x[H + j] + g[H + j]);
    const float vg = tanhf(x[2 * H + j] + g[2 * H + j]);
    const float vo = sigmoid_f(x[3 * H + j] + g[3 * H + j]);
    const float c1 = vf * cp[j] + vi * vg;
    a[j] = vi;
    a[H + j] = vf;
    a[2 * H + j] = vg;
    a[3 * H + j] = vo;
    cn[j] = c1;
    h[j] = vo * tanhf(c1);
  }
}

#define LSTM_BWD_ROW(NAME, T)                                                                    \
  static void NAME(int64_t H, T *restrict d, T *restrict dcp, const T *restrict a,               \
                   const T *restrict cc, const T *restrict cp, const T *restrict dh,             \
                   const T *restrict dc) {                                                       \
    for (int64_t j = 0; j < H; j++) {                                                            \
      const double i = (double)a[j], f = (double)a[H + j], g = (double)a[2 * H + j];             \
      const double o = (double)a[3 * H + j];                                                     \
      const double tc = tanh((double)cc[j]);                                                     \
      const double dhv = (double)dh[j];                                                          \
      const double dct = (double)dc[j] + dhv * o * (1 - tc * tc);                                \
      d[j] = (T)(dct * g * i * (1 - i));                                                         \
      d[H + j] = (T)(dct * (double)cp[j] * f * (1 - f));                                         \
      d[2 * H + j] = (T)(dct * i * (1 - g * g));                                                 \
      d[3 * H + j] = (T)(dhv * tc * o * (1 - o));                                                \
      dcp[j] = (T)(dct * f);                                                                     \
    }                                                                                            \
  }
LSTM_BWD_ROW(lstm_bwd_d, double)

/* float32 as the forward: tanhf sixteen lanes wide. */
static void lstm_bwd_f(int64_t H, float *restrict d, float *restrict dcp, const float *restrict a,
                       const float *restrict cc, const float *restrict cp, const float *restrict dh,
                       const float *restrict dc) {
  for (int64_t j = 0; j < H; j++) {
    const float i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j];
    const float tc = tanhf(cc[j]);
    const float dhv = dh[j];
    const float dct = dc[j] + dhv * o * (1 - tc * tc);
    d[j] = dct * g * i * (1 - i);
    d[H + j] = dct * cp[j] * f * (1 - f);
    d[2 * H + j] = dct * i * (1 - g * g);
    d[3 * H + j] = dhv * tc * o * (1 - o);
    dcp[j] = dct * f;
  }
}

/* With a hidden bias (BIAS(k) reads it) or without (BIAS(k) is 0, added as the JS kernel adds it):
 * two loops, so that neither has a branch per element. */
#define GRU_FWD_ROW(NAME, T, BIAS)                                                               \
  static void NAME(int64_t H, T *restrict h, T *restrict a, const T *restrict x,                 \
                   const T *restrict g, const T *restrict bh, const T *restrict hp) {            \
    (void)bh;                                                                                    \
    for (int64_t j = 0; j < H; j++) {                                                            \
      const double r = js_sigmoid((double)x[j] + ((double)g[j] + BIAS(j)));                      \
      const double z = js_sigmoid((double)x[H + j] + ((double)g[H + j] + BIAS(H + j)));          \
      const double hn = (double)g[2 * H + j] + BIAS(2 * H + j);                                  \
      const double n = tanh((double)x[2 * H + j] + r * hn);                                      \
      a[j] = (T)r;                                                                               \
      a[H + j] = (T)z;                                                                           \
      a[2 * H + j] = (T)n;                                                                       \
      a[3 * H + j] = (T)hn;                                                                      \
      h[j] = (T)((1 - z) * n + z * (double)hp[j]);                                               \
    }                                                                                            \
  }
#define WITH_BIAS(k) (double)bh[k]
#define NO_BIAS(k) 0.0
/* float32 stays in double here: h = (1 − z)·n + z·h' cancels where z rounds near 1 (a float
 * version was 7e-5 off the JS kernel at inputs of scale 40). */
GRU_FWD_ROW(gru_fwd_f, float, WITH_BIAS)
GRU_FWD_ROW(gru_fwd_d, double, WITH_BIAS)
GRU_FWD_ROW(gru_fwd_f0, float, NO_BIAS)
GRU_FWD_ROW(gru_fwd_d0, double, NO_BIAS)

#define GRU_BWD_ROW(NAME, T)                                                                     \
  static void NAME(int64_t H, T *restrict ex, T *restrict eg, T *restrict dp,                    \
                   const T *restrict a, const T *restrict hp, const T *restrict dh) {            \
    for (int64_t j = 0; j < H; j++) {                                                            \
      const double r = (double)a[j], z = (double)a[H + j], n = (double)a[2 * H + j];             \
      const double hn = (double)a[3 * H + j];                                                    \
      const double d = (double)dh[j];                                                            \
      const double dn = d * (1 - z) * (1 - n * n);                                               \
      const double dz = d * ((double)hp[j] - n) * z * (1 - z);                                   \
      const double dr = dn * hn * r * (1 - r);                                                   \
      ex[j] = (T)dr;                                                                             \
      ex[H + j] = (T)dz;                                                                         \
      ex[2 * H + j] = (T)dn;                                                                     \
      eg[j] = (T)dr;                                                                             \
      eg[H + j] = (T)dz;                                                                         \
      eg[2 * H + j] = (T)(dn * r);                                                               \
      dp[j] = (T)(d * z);                                                                        \
    }                                                                                            \
  }
GRU_BWD_ROW(gru_bwd_f, float)
GRU_BWD_ROW(gru_bwd_d, double)

static void lstm_fwd_rows(void *ctx, int64_t b0, int64_t b1) {
  const cell_ctx *c = (const cell_ctx *)ctx;
  const int64_t H = c->H, G = 4 * H;
  for (int64_t b = b0; b < b1; b++) {
    if (c->f64)
      lstm_fwd_d(H, (double *)c->out[0] + b * H, (double *)c->out[1] + b * H,
                 (double *)c->out[2] + b * G, (const double *)c->in[0] + b * G,
                 (const double *)c->in[1] + b * G, (const double *)c->in[2] + b * H);
    else
      lstm_fwd_f(H, (float *)c->out[0] + b * H, (float *)c->out[1] + b * H,
                 (float *)c->out[2] + b * G, (const float *)c->in[0] + b * G,
                 (const float *)c->in[1] + b * G, (const float *)c->in[2] + b * H);
  }
}

static void lstm_bwd_rows(void *ctx, int64_t b0, int64_t b1) {
  const cell_ctx *c = (const cell_ctx *)ctx;
  const int64_t H = c->H, G = 4 * H;
  for (int64_t b = b0; b < b1; b++) {
    if (c->f64)
      lstm_bwd_d(H, (double *)c->out[0] + b * G, (double *)c->out[1] + b * H,
                 (const double *)c->in[0] + b * G, (const double *)c->in[1] + b * H,
                 (const double *)c->in[2] + b * H, (const double *)c->in[3] + b * H,
                 (const double *)c->in[4] + b * H);
    else
      lstm_bwd_f(H, (float *)c->out[0] + b * G, (float *)c->out[1] + b * H,
                 (const float *)c->in[0] + b * G, (const float *)c->in[1] + b * H,
                 (const float *)c->in[2] + b * H, (const float *)c->in[3] + b * H,
                 (const float *)c->in[4] + b * H);
  }
}

static void gru_fwd_rows(void *ctx, int64_t b0, int64_t b1) {
  const cell_ctx *c = (const cell_ctx *)ctx;
  const int64_t H = c->H, G = 3 * H, A = 4 * H;
  for (int64_t b = b0; b < b1; b++) {
    if (c->f64)
      (c->in[2] ? gru_fwd_d : gru_fwd_d0)(
          H, (double *)c->out[0] + b * H, (double *)c->out[1] + b * A,
          (const double *)c->in[0] + b * G, (const double *)c->in[1] + b * G,
          (const double *)c->in[2], (const double *)c->in[3] + b * H);
    else
      (c->in[2] ? gru_fwd_f : gru_fwd_f0)(
          H, (float *)c->out[0] + b * H, (float *)c->out[1] + b * A,
          (const float *)c->in[0] + b * G, (const float *)c->in[1] + b * G,
          (const float *)c->in[2], (const float *)c->in[3] + b * H);
  }
}

static void gru_bwd_rows(void *ctx, int64_t b0, int64_t b1) {
  const cell_ctx *c = (const cell_ctx *)ctx;
  const int64_t H = c->H, G = 3 * H, A = 4 * H;
  for (int64_t b = b0; b < b1; b++) {
    if (c->f64)
      gru_bwd_d(H, (double *)c->out[0] + b * G, (double *)c->out[1] + b * G,
                (double *)c->out[2] + b * H, (const double *)c->in[0] + b * A,
                (const double *)c->in[1] + b * H, (const double *)c->in[2] + b * H);
    else
      gru_bwd_f(H, (float *)c->out[0] + b * G, (float *)c->out[1] + b * G,
                (float *)c->out[2] + b * H, (const float *)c->in[0] + b * A,
                (const float *)c->in[1] + b * H, (const float *)c->in[2] + b * H);
  }
}

/* ---- argument checks ---- */

/* c = [B, H, bytes of each buffer...]; each buffer k must hold need[k] elements (in units of
 * B·H); optional ones may be NULL (bytes 0). Returns 0 or an error code. */
static int check_cell(const double *c, int32_t c_bytes, int32_t dtype, const void *const *bufs,
                      const int64_t *need, const int *optional, int nbufs, const char *op,
                      int64_t *B, int64_t *H) {
  if (!c || c_bytes < (int32_t)((2 + nbufs) * sizeof(double)))
    return nnc_fail(NNC_E_ARG, "%s: coefficient array must hold %d doubles", op, 2 + nbufs);
  if (dtype != NNC_F32 && dtype != NNC_F64)
    return nnc_fail(NNC_E_UNSUPPORTED, "%s: dtype must be float32 or float64", op);
  for (int k = 0; k < 2; k++) {
    const double v = c[k];
    if (!(v >= 1 && v <= 1073741824.0) || v != floor(v))
      return nnc_fail(NNC_E_ARG, "%s: %s must be an integer >= 1, got %g", op, k ? "H" : "B", v);
  }
  *B = (int64_t)c[0];
  *H = (int64_t)c[1];
  const double es = dtype == NNC_F64 ? 8 : 4;
  for (int k = 0; k < nbufs; k++) {
    if (!bufs[k]) {
      if (optional[k]) continue;
      return nnc_fail(NNC_E_ARG, "%s: buffer %d is null", op, k);
    }
    /* Optional buffers are per-gate vectors (bhh): need[k] counts H, not B·H. */
    const double elems = optional[k] ? (double)need[k] * (double)*H
                                     : (double)need[k] * (double)*B * (double)*H;
    const double bytes = c[2 + k];
    if (!(bytes >= elems * es))
      return nnc_fail(NNC_E_BOUNDS, "%s: buffer %d has %g bytes, needs %g", op, k, bytes,
                      elems * es);
  }
  return NNC_OK;
}

static int64_t row_grain(int64_t H, int64_t width) {
  const int64_t per_row = width * H;
  const int64_t g = GRAIN_ELEMS / (per_row > 0 ? per_row : 1);
  return g < 1 ? 1 : g;
}

int32_t nnc_lstm_cell(const double *c, int32_t c_bytes, int32_t dtype, void *h, void *cell,
                      void *act, const void *xg, const void *hg, const void *cprev) {
  const void *bufs[6] = {h, cell, act, xg, hg, cprev};
  const int64_t need[6] = {1, 1, 4, 4, 4, 1};
  const int optional[6] = {0, 0, 0, 0, 0, 0};
  int64_t B = 0, H = 0;
  const int rc = check_cell(c, c_bytes, dtype, bufs, need, optional, 6, "lstm_cell", &B, &H);
  if (rc) return rc;
  cell_ctx ctx = {dtype == NNC_F64, H, {h, cell, act}, {xg, hg, cprev, NULL}};
  nnc_parallel_for(B, row_grain(H, 4), lstm_fwd_rows, &ctx);
  return NNC_OK;
}

int32_t nnc_lstm_cell_backward(const double *c, int32_t c_bytes, int32_t dtype, void *dgates,
                               void *dcprev, const void *act, const void *cell, const void *cprev,
                               const void *dh, const void *dc) {
  const void *bufs[7] = {dgates, dcprev, act, cell, cprev, dh, dc};
  const int64_t need[7] = {4, 1, 4, 1, 1, 1, 1};
  const int optional[7] = {0, 0, 0, 0, 0, 0, 0};
  int64_t B = 0, H = 0;
  const int rc =
      check_cell(c, c_bytes, dtype, bufs, need, optional, 7, "lstm_cell_backward", &B, &H);
  if (rc) return rc;
  cell_ctx ctx = {dtype == NNC_F64, H, {dgates, dcprev, NULL}, {act, cell, cprev, dh, dc}};
  nnc_parallel_for(B, row_grain(H, 5), lstm_bwd_rows, &ctx);
  return NNC_OK;
}

int32_t nnc_gru_cell(const double *c, int32_t c_bytes, int32_t dtype, void *h, void *act,
                     const void *xg, const void *hg, const void *bhh, const void *hprev) {
  const void *bufs[6] = {h, act, xg, hg, bhh, hprev};
  const int64_t need[6] = {1, 4, 3, 3, 3, 1};
  const int optional[6] = {0, 0, 0, 0, 1, 0};
  int64_t B = 0, H = 0;
  const int rc = check_cell(c, c_bytes, dtype, bufs, need, optional, 6, "gru_cell", &B, &H);
  if (rc) return rc;
  cell_ctx ctx = {dtype == NNC_F64, H, {h, act, NULL}, {xg, hg, bhh, hprev}};
  nnc_parallel_for(B, row_grain(H, 4), gru_fwd_rows, &ctx);
  return NNC_OK;
}

int32_t nnc_gru_cell_backward(const double *c, int32_t c_bytes, int32_t dtype, void *dxg,
                              void *dhg, void *dhprev, const void *act, const void *hprev,
                              const void *dh) {
  const void *bufs[6] = {dxg, dhg, dhprev, act, hprev, dh};
  const int64_t need[6] = {3, 3, 1, 4, 1, 1};
  const int optional[6] = {0, 0, 0, 0, 0, 0};
  int64_t B = 0, H = 0;
  const int rc =
      check_cell(c, c_bytes, dtype, bufs, need, optional, 6, "gru_cell_backward", &B, &H);
  if (rc) return rc;
  cell_ctx ctx = {dtype == NNC_F64, H, {dxg, dhg, dhprev}, {act, hprev, dh, NULL, NULL}};
  nnc_parallel_for(B, row_grain(H, 6), gru_bwd_rows, &ctx);
  return NNC_OK;
}
