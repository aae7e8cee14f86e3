/* Fused layer normalisation over the last axis of contiguous [R, C] arrays, forward and backward,
 * in the arithmetic of @nnc/tensor's JS kernels (tensor/js/layer_norm.ts): double accumulators,
 * rows split over the pool. The backward's column sums (dweight, dbias) are accumulated per chunk
 * of rows into per-thread partials and added in chunk order, so the result does not depend on
 * the number of threads.
 *
 * c (doubles): [0] R, [1] C, [2] eps, then the byte length of every buffer argument in order
 * (0 for a NULL optional one). */
#include <math.h>

#include "internal.h"

#define LN_HEAD 3
#define LN_CHUNK 64 /* rows per chunk of the backward's column sums */

typedef struct {
  int64_t R, C;
  double eps;
  void *out, *mean, *rstd, *dx, *dw, *db;
  const void *x, *w, *b, *g;
  double *partial; /* [chunks, 2, C] */
} ln_job;

/* A row's sums (mean, variance; the backward's two dot products) run as eight lane sums, lane
 * c mod 8 adding its columns in order, combined pairwise: the order of the JS kernel
 * (tensor/js/layer_norm.ts), which lets the compiler add eight columns with vector instructions
 * where one ordered sum waits on each add's latency (W5's layer norms 2.1 -> 1.1 ms forward at one
 * thread). */
#define LANES NNC_LANES
#define LANE_LOOP(C, BODY)                                                                        \
  do {                                                                                            \
    int64_t c0 = 0;                                                                               \
    for (; c0 + LANES <= (C); c0 += LANES)                                                        \
      for (int64_t l = 0; l < LANES; l++) {                                                       \
        const int64_t c = c0 + l;                                                                 \
        BODY;                                                                                     \
      }                                                                                           \
    for (int64_t l = 0; c0 + l < (C); l++) {                                                      \
      const int64_t c = c0 + l;                                                                   \
      BODY;                                                                                       \
    }                                                                                             \
  } while (0)

#define LN_KERNELS(T, SUF)                                                                        \
  static void forward_##SUF(void *ctx, int64_t r0, int64_t r1) {                                 \
    ln_job *j = ctx;                                                                              \
    const int64_t C = j->C;                                                                       \
    const T *w = j->w, *b = j->b;                                                                 \
    for (int64_t r = r0; r < r1; r++) {                                                           \
      const T *x = (const T *)j->x + r * C;                                                       \
      T *o = (T *)j->out + r * C;                                                                 \
      double s[LANES] = {0}, v[LANES] = {0};                                                      \
      LANE_LOOP(C, s[l] += x[c]);                                                                 \
      const double mu = nnc_lane_total(s) / (double)C;                                               \
      LANE_LOOP(C, v[l] += ((double)x[c] - mu) * ((double)x[c] - mu));                            \
      const double inv = 1 / sqrt(nnc_lane_total(v) / (double)C + j->eps);                           \
      ((T *)j->mean)[r] = (T)mu;                                                                  \
      ((T *)j->rstd)[r] = (T)inv;                                                                 \
      for (int64_t c = 0; c < C; c++) {                                                           \
        double y = ((double)x[c] - mu) * inv;                                                     \
        if (w) y *= (double)w[c];                                                                 \
        if (b) y += (double)b[c];                                                                 \
        o[c] = (T)y;                                                                              \
      }                                                                                           \
    }                                                                                             \
  }                                                                                               \
                                                                                                  \
  /* Chunks [k0, k1) of LN_CHUNK rows: dx, and each chunk's column sums into its partial. */      \
  static void backward_##SUF(void *ctx, int64_t k0, int64_t k1) {                                \
    ln_job *j = ctx;                                                                              \
    const int64_t C = j->C;                                                                       \
    const T *w = j->w;                                                                            \
    for (int64_t k = k0; k < k1; k++) {                                                           \
      double *sw = j->partial + k * 2 * C, *sb = sw + C;                                          \
      memset(sw, 0, (size_t)(2 * C) * sizeof(double));                                            \
      const int64_t rend = (k + 1) * LN_CHUNK < j->R ? (k + 1) * LN_CHUNK : j->R;                 \
      for (int64_t r = k * LN_CHUNK; r < rend; r++) {                                             \
        const T *x = (const T *)j->x + r * C, *g = (const T *)j->g + r * C;                       \
        T *dx = (T *)j->dx + r * C;                                                               \
        const double mu = (double)((const T *)j->mean)[r], inv = (double)((const T *)j->rstd)[r]; \
        double as[LANES] = {0}, bs[LANES] = {0};                                                  \
        /* One sum a loop: the compiler vectorises single lane sums. */                          \
        if (w) {                                                                                  \
          LANE_LOOP(C, as[l] += (double)g[c] * (double)w[c]);                                     \
          LANE_LOOP(C, bs[l] += (double)g[c] * (double)w[c] * (((double)x[c] - mu) * inv));       \
        } else {                                                                                  \
          LANE_LOOP(C, as[l] += (double)g[c]);                                                    \
          LANE_LOOP(C, bs[l] += (double)g[c] * (((double)x[c] - mu) * inv));                      \
        }                                                                                         \
        const double a = nnc_lane_total(as) / (double)C, bsum = nnc_lane_total(bs) / (double)C;         \
        for (int64_t c = 0; c < C; c++) {                                                         \
          const double xh = ((double)x[c] - mu) * inv, gv = (double)g[c];                         \
          const double gh = w ? gv * (double)w[c] : gv;                                           \
          sw[c] += gv * xh;                                                                       \
          sb[c] += gv;                                                                            \
          dx[c] = (T)(inv * (gh - a - xh * bsum));                                                \
        }                                                                                         \
      }                                                                                           \
    }                                                                                             \
  }

LN_KERNELS(float, f32)
LN_KERNELS(double, f64)

static int ln_parse(const double *c, int32_t c_bytes, int nbufs, int32_t dtype, ln_job *j, const char *op) {
  if (!c || c_bytes < (LN_HEAD + nbufs) * (int32_t)sizeof(double))
    return nnc_fail(NNC_E_ARG, "%s: coefficient array must hold %d doubles", op, LN_HEAD + nbufs);
  if (dtype != NNC_F32 && dtype != NNC_F64)
    return nnc_fail(NNC_E_UNSUPPORTED, "%s: dtype must be float32 or float64", op);
  for (int i = 0; i < 2; i++)
    if (!(c[i] >= 0 && c[i] <= 9007199254740991.0) || c[i] != floor(c[i]))
      return nnc_fail(NNC_E_ARG, "%s: %s must be a non-negative integer, got %g", op, i ? "C" : "R", c[i]);
  j->R = (int64_t)c[0], j->C = (int64_t)c[1], j->eps = c[2];
  if (!(j->eps >= 0) || !isfinite(j->eps)) return nnc_fail(NNC_E_ARG, "%s: eps must be finite and >= 0", op);
  return NNC_OK;
}

/* Checks that buffer k (byte length c[LN_HEAD + k]) holds `count` elements; NULL is allowed when
 * `optional`. */
static int ln_buffer(const double *c, int k, const void *p, double count, int64_t es, int optional, const char *op,
                     const char *name) {
  if (!p) return optional ? NNC_OK : nnc_fail(NNC_E_ARG, "%s: %s is null", op, name);
  const double bytes = c[LN_HEAD + k];
  if (!(bytes >= count * (double)es))
    return nnc_fail(NNC_E_BOUNDS, "%s: %s has %g bytes, needs %.0f", op, name, bytes, count * (double)es);
  return NNC_OK;
}

int32_t nnc_layer_norm(const double *c, int32_t c_bytes, int32_t dtype, void *out, void *mean, void *rstd,
                       const void *x, const void *w, const void *b) {
  static const char *op = "layer_norm";
  ln_job j = {0};
  int rc = ln_parse(c, c_bytes, 6, dtype, &j, op);
  if (rc) return rc;
  const int64_t es = nnc_elsize(dtype);
  const double RC = (double)j.R * (double)j.C;
  if ((rc = ln_buffer(c, 0, out, RC, es, 0, op, "out")) || (rc = ln_buffer(c, 1, mean, j.R, es, 0, op, "mean")) ||
      (rc = ln_buffer(c, 2, rstd, j.R, es, 0, op, "rstd")) || (rc = ln_buffer(c, 3, x, RC, es, 0, op, "x")) ||
      (rc = ln_buffer(c, 4, w, j.C, es, 1, op, "weight")) || (rc = ln_buffer(c, 5, b, j.C, es, 1, op, "bias")))
    return rc;
  if (j.R == 0 || j.C == 0) return NNC_OK;
  j.out = out, j.mean = mean, j.rstd = rstd, j.x = x, j.w = w, j.b = b;
  nnc_ensure_init();
  int64_t grain = 16384 / j.C;
  nnc_parallel_for(j.R, grain < 1 ? 1 : grain, dtype == NNC_F64 ? forward_f64 : forward_f32, &j);
  return NNC_OK;
}

int32_t nnc_layer_norm_backward(const double *c, int32_t c_bytes, int32_t dtype, void *dx, void *dw, void *db,
                                const void *g, const void *x, const void *mean, const void *rstd, const void *w) {
  static const char *op = "layer_norm_backward";
  ln_job j = {0};
  int rc = ln_parse(c, c_bytes, 8, dtype, &j, op);
  if (rc) return rc;
  const int64_t es = nnc_elsize(dtype);
  const double RC = (double)j.R * (double)j.C;
  if ((rc = ln_buffer(c, 0, dx, RC, es, 0, op, "dx")) || (rc = ln_buffer(c, 1, dw, j.C, es, 1, op, "dweight")) ||
      (rc = ln_buffer(c, 2, db, j.C, es, 1, op, "dbias")) || (rc = ln_buffer(c, 3, g, RC, es, 0, op, "g")) ||
      (rc = ln_buffer(c, 4, x, RC, es, 0, op, "x")) || (rc = ln_buffer(c, 5, mean, j.R, es, 0, op, "mean")) ||
      (rc = ln_buffer(c, 6, rstd, j.R, es, 0, op, "rstd")) || (rc = ln_buffer(c, 7, w, j.C, es, 1, op, "weight")))
    return rc;
  const int64_t chunks = (j.R + LN_CHUNK - 1) / LN_CHUNK;
  if (j.C == 0) return NNC_OK;
  double *partial = chunks ? nnc_alloc((size_t)(chunks * 2 * j.C) * sizeof(double)) : NULL;
  if (chunks && !partial) return nnc_fail(NNC_E_NOMEM, "%s: out of memory", op);
  j.dx = dx, j.dw = dw, j.db = db, j.g = g, j.x = x, j.mean = (void *)mean, j.rstd = (void *)rstd, j.w = w;
  j.partial = partial;
  nnc_ensure_init();
  if (chunks) nnc_parallel_for(chunks, 1, dtype == NNC_F64 ? backward_f64 : backward_f32, &j);
  /* Column sums, chunk by chunk in order (the same sum whatever the thread count). */
  for (int64_t col = 0; col < j.C; col++) {
    double sw = 0, sb = 0;
    for (int64_t k = 0; k < chunks; k++) {
      sw += partial[k * 2 * j.C + col];
      sb += partial[k * 2 * j.C + j.C + col];
    }
    if (dtype == NNC_F64) {
      if (dw) ((double *)dw)[col] = sw;
      if (db) ((double *)db)[col] = sb;
    } else {
      if (dw) ((float *)dw)[col] = (float)sw;
      if (db) ((float *)db)[col] = (float)sb;
    }
  }
  nnc_free(partial);
  return NNC_OK;
}
