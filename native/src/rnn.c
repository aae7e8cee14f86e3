/* Fused pointwise parts of LSTM and GRU steps: one pass over a batch of contiguous rows, split
 * across the worker pool by rows. Arithmetic in double in the order of the JS kernels
 * (tensor/js/rnn_cell.ts); exp and tanh come from libm (libmvec where available), so results
 * agree with the JS oracle to a few ulp. */
#include <math.h>

#include "internal.h"
#include "jsmath.h"

/* Elements of work per chunk handed to a thread. */
#define GRAIN_ELEMS 16384

typedef struct {
  int f64;
  int64_t H;
  void *out[3];
  const void *in[4];
} cell_ctx;

/* ---- LSTM forward: out = {h, c, act}, in = {xg, hg, cprev} ---- */

#define LSTM_FWD(T)                                                                              \
  T *h = (T *)c->out[0], *cn = (T *)c->out[1], *act = (T *)c->out[2];                            \
  const T *xg = (const T *)c->in[0], *hg = (const T *)c->in[1], *cp = (const T *)c->in[2];       \
  for (int64_t b = b0; b < b1; b++) {                                                            \
    const T *x = xg + b * G, *g = hg + b * G;                                                    \
    T *a = act + b * G;                                                                          \
    for (int64_t j = 0; j < H; j++) {                                                            \
      const double vi = js_sigmoid((double)x[j] + (double)g[j]);                                 \
      const double vf = js_sigmoid((double)x[H + j] + (double)g[H + j]);                         \
      const double vg = tanh((double)x[2 * H + j] + (double)g[2 * H + j]);                       \
      const double vo = js_sigmoid((double)x[3 * H + j] + (double)g[3 * H + j]);                 \
      const double c1 = vf * (double)cp[b * H + j] + vi * vg;                                    \
      a[j] = (T)vi;                                                                              \
      a[H + j] = (T)vf;                                                                          \
      a[2 * H + j] = (T)vg;                                                                      \
      a[3 * H + j] = (T)vo;                                                                      \
      cn[b * H + j] = (T)c1;                                                                     \
      h[b * H + j] = (T)(vo * tanh(c1));                                                         \
    }                                                                                            \
  }

static void lstm_fwd_rows(void *ctx, int64_t b0, int64_t b1) {
  const cell_ctx *c = (const cell_ctx *)ctx;
  const int64_t H = c->H, G = 4 * H;
  if (c->f64) {
    LSTM_FWD(double)
  } else {
    LSTM_FWD(float)
  }
}

/* ---- LSTM backward: out = {dgates, dcprev}, in = {act, c, cprev, dh, dc} ---- */

typedef struct {
  int f64;
  int64_t H;
  void *out[3];
  const void *in[5];
} cell_bwd_ctx;

#define LSTM_BWD(T)                                                                              \
  T *dg = (T *)c->out[0], *dcp = (T *)c->out[1];                                                 \
  const T *act = (const T *)c->in[0], *cc = (const T *)c->in[1], *cp = (const T *)c->in[2];      \
  const T *dh = (const T *)c->in[3], *dc = (const T *)c->in[4];                                  \
  for (int64_t b = b0; b < b1; b++) {                                                            \
    const T *a = act + b * G;                                                                    \
    T *d = dg + b * G;                                                                           \
    for (int64_t j = 0; j < H; j++) {                                                            \
      const double i = (double)a[j], f = (double)a[H + j], g = (double)a[2 * H + j];             \
      const double o = (double)a[3 * H + j];                                                     \
      const double tc = tanh((double)cc[b * H + j]);                                             \
      const double dhv = (double)dh[b * H + j];                                                  \
      const double dct = (double)dc[b * H + j] + dhv * o * (1 - tc * tc);                        \
      d[j] = (T)(dct * g * i * (1 - i));                                                         \
      d[H + j] = (T)(dct * (double)cp[b * H + j] * f * (1 - f));                                 \
      d[2 * H + j] = (T)(dct * i * (1 - g * g));                                                 \
      d[3 * H + j] = (T)(dhv * tc * o * (1 - o));                                                \
      dcp[b * H + j] = (T)(dct * f);                                                             \
    }                                                                                            \
  }

static void lstm_bwd_rows(void *ctx, int64_t b0, int64_t b1) {
  const cell_bwd_ctx *c = (const cell_bwd_ctx *)ctx;
  const int64_t H = c->H, G = 4 * H;
  if (c->f64) {
    LSTM_BWD(double)
  } else {
    LSTM_BWD(float)
  }
}

/* ---- GRU forward: out = {h, act}, in = {xg, hg, bhh (or NULL), hprev} ---- */

#define GRU_FWD(T)                                                                               \
  T *h = (T *)c->out[0], *act = (T *)c->out[1];                                                  \
  const T *xg = (const T *)c->in[0], *hg = (const T *)c->in[1], *bh = (const T *)c->in[2];       \
  const T *hp = (const T *)c->in[3];                                                             \
  for (int64_t b = b0; b < b1; b++) {                                                            \
    const T *x = xg + b * G, *g = hg + b * G;                                                    \
    T *a = act + b * A;                                                                          \
    for (int64_t j = 0; j < H; j++) {                                                            \
      const double br = bh ? (double)bh[j] : 0, bz = bh ? (double)bh[H + j] : 0;                 \
      const double bn = bh ? (double)bh[2 * H + j] : 0;                                          \
      const double r = js_sigmoid((double)x[j] + ((double)g[j] + br));                           \
      const double z = js_sigmoid((double)x[H + j] + ((double)g[H + j] + bz));                   \
      const double hn = (double)g[2 * H + j] + bn;                                               \
      const double n = tanh((double)x[2 * H + j] + r * hn);                                      \
      a[j] = (T)r;                                                                               \
      a[H + j] = (T)z;                                                                           \
      a[2 * H + j] = (T)n;                                                                       \
      a[3 * H + j] = (T)hn;                                                                      \
      h[b * H + j] = (T)((1 - z) * n + z * (double)hp[b * H + j]);                               \
    }                                                                                            \
  }

static void gru_fwd_rows(void *ctx, int64_t b0, int64_t b1) {
  const cell_ctx *c = (const cell_ctx *)ctx;
  const int64_t H = c->H, G = 3 * H, A = 4 * H;
  if (c->f64) {
    GRU_FWD(double)
  } else {
    GRU_FWD(float)
  }
}

/* ---- GRU backward: out = {dxg, dhg, dhprev}, in = {act, hprev, dh} ---- */

#define GRU_BWD(T)                                                                               \
  T *dx = (T *)c->out[0], *dhg = (T *)c->out[1], *dp = (T *)c->out[2];                           \
  const T *act = (const T *)c->in[0], *hp = (const T *)c->in[1], *dh = (const T *)c->in[2];      \
  for (int64_t b = b0; b < b1; b++) {                                                            \
    const T *a = act + b * A;                                                                    \
    T *ex = dx + b * G, *eg = dhg + b * G;                                                       \
    for (int64_t j = 0; j < H; j++) {                                                            \
      const double r = (double)a[j], z = (double)a[H + j], n = (double)a[2 * H + j];             \
      const double hn = (double)a[3 * H + j];                                                    \
      const double d = (double)dh[b * H + j];                                                    \
      const double dn = d * (1 - z) * (1 - n * n);                                               \
      const double dz = d * ((double)hp[b * H + j] - n) * z * (1 - z);                           \
      const double dr = dn * hn * r * (1 - r);                                                   \
      ex[j] = (T)dr;                                                                             \
      ex[H + j] = (T)dz;                                                                         \
      ex[2 * H + j] = (T)dn;                                                                     \
      eg[j] = (T)dr;                                                                             \
      eg[H + j] = (T)dz;                                                                         \
      eg[2 * H + j] = (T)(dn * r);                                                               \
      dp[b * H + j] = (T)(d * z);                                                                \
    }                                                                                            \
  }

static void gru_bwd_rows(void *ctx, int64_t b0, int64_t b1) {
  const cell_bwd_ctx *c = (const cell_bwd_ctx *)ctx;
  const int64_t H = c->H, G = 3 * H, A = 4 * H;
  if (c->f64) {
    GRU_BWD(double)
  } else {
    GRU_BWD(float)
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
  int64_t B, H;
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
  int64_t B, H;
  const int rc =
      check_cell(c, c_bytes, dtype, bufs, need, optional, 7, "lstm_cell_backward", &B, &H);
  if (rc) return rc;
  cell_bwd_ctx ctx = {dtype == NNC_F64, H, {dgates, dcprev, NULL}, {act, cell, cprev, dh, dc}};
  nnc_parallel_for(B, row_grain(H, 5), lstm_bwd_rows, &ctx);
  return NNC_OK;
}

int32_t nnc_gru_cell(const double *c, int32_t c_bytes, int32_t dtype, void *h, void *act,
                     const void *xg, const void *hg, const void *bhh, const void *hprev) {
  const void *bufs[6] = {h, act, xg, hg, bhh, hprev};
  const int64_t need[6] = {1, 4, 3, 3, 3, 1};
  const int optional[6] = {0, 0, 0, 0, 1, 0};
  int64_t B, H;
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
  int64_t B, H;
  const int rc =
      check_cell(c, c_bytes, dtype, bufs, need, optional, 6, "gru_cell_backward", &B, &H);
  if (rc) return rc;
  cell_bwd_ctx ctx = {dtype == NNC_F64, H, {dxg, dhg, dhprev}, {act, hprev, dh, NULL, NULL}};
  nnc_parallel_for(B, row_grain(H, 6), gru_bwd_rows, &ctx);
  return NNC_OK;
}
