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

/* ---- a whole LSTM sequence (float32) ----
 * The loop of autograd/recurrent.ts in one call: per step `hg = h_{k} · W_hhᵀ` and the cell; the
 * backward likewise. W_hh is packed once per call (nnc_sgemm_pack_b), where a GEMM per step packed
 * it again every step, and the steps cost no FFI calls or JS in between. Same arithmetic per step
 * as the per-step path: the cell is lstm_fwd_f / lstm_bwd_f, the product a float32 GEMM (its sums in
 * another order than the BLAS's, as any two GEMMs). */

typedef struct {
  int64_t H;
  float *h, *cn, *a;               /* forward: outputs of the step */
  const float *x, *g, *cp;         /* forward: xg block, hg; both: c_{k} */
  float *d, *dcp, *tot;            /* backward: dgates block, dc_prev, dh + dy */
  const float *ra, *dh, *dy, *cc, *dc; /* backward: act block, dh, dy block, c_{k+1}, dc */
} seq_ctx;

static void seq_fwd_rows(void *ctx, int64_t b0, int64_t b1) {
  const seq_ctx *s = ctx;
  const int64_t H = s->H, G = 4 * H;
  for (int64_t b = b0; b < b1; b++)
    lstm_fwd_f(H, s->h + b * H, s->cn + b * H, s->a + b * G, s->x + b * G, s->g + b * G,
               s->cp + b * H);
}

/* dhTot = dh + dy (as the per-step path's binary add), then the cell's backward. */
static void seq_bwd_rows(void *ctx, int64_t b0, int64_t b1) {
  const seq_ctx *s = ctx;
  const int64_t H = s->H, G = 4 * H;
  for (int64_t b = b0; b < b1; b++) {
    float *tot = s->tot + b * H;
    const float *dh = s->dh + b * H, *dy = s->dy + b * H;
    for (int64_t j = 0; j < H; j++) tot[j] = dh[j] + dy[j];
    lstm_bwd_f(H, s->d + b * G, s->dcp + b * H, s->ra + b * G, s->cc + b * H, s->cp + b * H, tot,
               s->dc + b * H);
  }
}

/* c = [T, B, H, reverse, bytes of each of the nbufs buffers...]: reads T, B, H and reverse. */
static int read_sequence(const double *c, int32_t c_bytes, int32_t dtype, int nbufs, const char *op,
                         int64_t *T, int64_t *B, int64_t *H, int *reverse) {
  if (!c || c_bytes < (int32_t)((4 + nbufs) * sizeof(double)))
    return nnc_fail(NNC_E_ARG, "%s: coefficient array must hold %d doubles", op, 4 + nbufs);
  if (dtype != NNC_F32) return nnc_fail(NNC_E_UNSUPPORTED, "%s: dtype must be float32", op);
  static const char *names[3] = {"T", "B", "H"};
  int64_t v[3];
  for (int k = 0; k < 3; k++) {
    if (!(c[k] >= 1) || c[k] != floor(c[k]))
      return nnc_fail(NNC_E_ARG, "%s: %s must be an integer >= 1, got %g", op, names[k], c[k]);
    /* Past 2^20 (4H·H or T·B·4H near int64's range) the per-step path takes over. */
    if (c[k] > 1048576.0)
      return nnc_fail(NNC_E_UNSUPPORTED, "%s: %s = %g is above 2^20", op, names[k], c[k]);
    v[k] = (int64_t)c[k];
  }
  if (c[3] != 0 && c[3] != 1)
    return nnc_fail(NNC_E_ARG, "%s: reverse must be 0 or 1, got %g", op, c[3]);
  *T = v[0], *B = v[1], *H = v[2], *reverse = c[3] == 1;
  return NNC_OK;
}

/* Buffer k is non-null and holds need[k] floats (its byte length is c[4 + k]). */
static int check_floats(const double *c, const void *const *bufs, const double *need, int nbufs,
                        const char *op) {
  for (int k = 0; k < nbufs; k++) {
    if (!bufs[k]) return nnc_fail(NNC_E_ARG, "%s: buffer %d is null", op, k);
    if (!(c[4 + k] >= need[k] * 4))
      return nnc_fail(NNC_E_BOUNDS, "%s: buffer %d has %g bytes, needs %g", op, k, c[4 + k],
                      need[k] * 4);
  }
  return NNC_OK;
}

int32_t nnc_lstm_sequence(const double *c, int32_t c_bytes, int32_t dtype, float *hs, float *cs,
                          float *act, const float *xg, const float *whh) {
  static const char *op = "lstm_sequence";
  int64_t T = 0, B = 0, H = 0;
  int reverse = 0;
  int rc = read_sequence(c, c_bytes, dtype, 5, op, &T, &B, &H, &reverse);
  if (rc) return rc;
  const int64_t G = 4 * H, BH = B * H, BG = B * G;
  const void *bufs[5] = {hs, cs, act, xg, whh};
  const double need[5] = {(double)(T + 1) * BH, (double)(T + 1) * BH, (double)T * BG,
                          (double)T * BG, (double)G * H};
  if ((rc = check_floats(c, bufs, need, 5, op))) return rc;
  /* Scratch kept by this thread between calls: a fresh megabyte per call cost page faults. */
  float *pb = nnc_scratch(0, nnc_sgemm_packed_floats(H, G) * sizeof(float));
  float *hg = nnc_scratch(1, (size_t)BG * sizeof(float));
  if (!pb || !hg) return nnc_fail(NNC_E_NOMEM, "%s: out of memory for the packed weight", op);
  nnc_sgemm_pack_b(H, G, whh, 1, H, pb); /* W_hhᵀ: [H, 4H] */
  for (int64_t k = 0; k < T; k++) {
    const int64_t t = reverse ? T - 1 - k : k;
    if ((rc = nnc_sgemm_packed_b(B, G, H, hs + k * BH, H, 1, pb, hg, G)))
      return nnc_fail(rc, "%s: out of memory for the packed step operand", op);
    seq_ctx s = {.H = H, .h = hs + (k + 1) * BH, .cn = cs + (k + 1) * BH, .a = act + k * BG,
                 .x = xg + t * BG, .g = hg, .cp = cs + k * BH};
    nnc_parallel_for(B, row_grain(H, 4), seq_fwd_rows, &s);
  }
  return NNC_OK;
}

int32_t nnc_lstm_sequence_backward(const double *c, int32_t c_bytes, int32_t dtype, float *dgh,
                                   float *dh0, float *dc0, const float *dy, const float *act,
                                   const float *cs, const float *whh) {
  static const char *op = "lstm_sequence_backward";
  int64_t T = 0, B = 0, H = 0;
  int reverse = 0;
  int rc = read_sequence(c, c_bytes, dtype, 7, op, &T, &B, &H, &reverse);
  if (rc) return rc;
  const int64_t G = 4 * H, BH = B * H, BG = B * G;
  const void *bufs[7] = {dgh, dh0, dc0, dy, act, cs, whh};
  const double need[7] = {(double)T * BG, (double)BH,          (double)BH,   (double)(T + 2) * BH,
                          (double)T * BG, (double)(T + 1) * BH, (double)G * H};
  if ((rc = check_floats(c, bufs, need, 7, op))) return rc;
  float *pb = nnc_scratch(0, nnc_sgemm_packed_floats(G, H) * sizeof(float));
  float *work = nnc_scratch(1, (size_t)(5 * BH) * sizeof(float));
  if (!pb || !work) return nnc_fail(NNC_E_NOMEM, "%s: out of memory for the packed weight", op);
  nnc_sgemm_pack_b(G, H, whh, H, 1, pb); /* W_hh: [4H, H] */
  float *dh = work, *next = work + BH, *tot = work + 2 * BH, *dc = work + 3 * BH,
        *dcPrev = work + 4 * BH;
  memcpy(dh, dy + T * BH, (size_t)BH * sizeof(float));
  memcpy(dc, dy + (T + 1) * BH, (size_t)BH * sizeof(float));
  for (int64_t k = T - 1; k >= 0; k--) {
    const int64_t t = reverse ? T - 1 - k : k;
    float *dg = dgh + k * BG;
    seq_ctx s = {.H = H, .ra = act + k * BG, .cp = cs + k * BH, .d = dg, .dcp = dcPrev,
                 .tot = tot, .dh = dh, .dy = dy + t * BH, .cc = cs + (k + 1) * BH, .dc = dc};
    nnc_parallel_for(B, row_grain(H, 5), seq_bwd_rows, &s);
    float *swap = dc;
    dc = dcPrev, dcPrev = swap;
    if ((rc = nnc_sgemm_packed_b(B, H, G, dg, G, 1, pb, next, H)))
      return nnc_fail(rc, "%s: out of memory for the packed step operand", op);
    swap = dh, dh = next, next = swap;
  }
  memcpy(dh0, dh, (size_t)BH * sizeof(float));
  memcpy(dc0, dc, (size_t)BH * sizeof(float));
  return NNC_OK;
}
