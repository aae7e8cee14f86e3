/* Batch normalisation and its gradients over contiguous [N, C, ...] arrays, channel by channel
 * across the worker pool: two passes for the statistics and one for the output, two for all three
 * gradients. Double arithmetic with the JS kernels' expressions (tensor/js/batch_norm.ts), so both
 * backends give the same bits. */
#include "internal.h"

typedef struct {
  void *y, *dx, *dw, *db;
  void *mean, *var; /* written in training (forward), read otherwise */
  const void *x, *g, *w, *b;
  int64_t N, C, S;
  double eps;
  int training, f64;
} bn_job;

#define LD(p, i) (j->f64 ? ((const double *)(p))[i] : (double)((const float *)(p))[i])
#define ST(p, i, v)                                                                              \
  do {                                                                                           \
    if (j->f64) ((double *)(p))[i] = (v);                                                        \
    else ((float *)(p))[i] = (float)(v);                                                         \
  } while (0)

#define FORWARD_CHANNEL(T)                                                                       \
  {                                                                                              \
    const T *x = (const T *)j->x;                                                                \
    T *y = (T *)j->y;                                                                            \
    double mu, v;                                                                                \
    if (j->training) {                                                                           \
      double sum = 0;                                                                            \
      for (int64_t n = 0; n < N; n++) {                                                          \
        const T *xr = x + (n * C + c) * S;                                                       \
        for (int64_t s = 0; s < S; s++) sum += (double)xr[s];                                    \
      }                                                                                          \
      mu = M > 0 ? sum / (double)M : 0;                                                          \
      double sq = 0;                                                                             \
      for (int64_t n = 0; n < N; n++) {                                                          \
        const T *xr = x + (n * C + c) * S;                                                       \
        for (int64_t s = 0; s < S; s++) {                                                        \
          const double d = (double)xr[s] - mu;                                                   \
          sq += d * d;                                                                           \
        }                                                                                        \
      }                                                                                          \
      v = M > 0 ? sq / (double)M : 0;                                                            \
      ST(j->mean, c, mu);                                                                        \
      ST(j->var, c, v);                                                                          \
    } else {                                                                                     \
      mu = LD(j->mean, c);                                                                       \
      v = LD(j->var, c);                                                                         \
    }                                                                                            \
    const double gm = j->w ? LD(j->w, c) : 1.0, bt = j->b ? LD(j->b, c) : 0.0;                   \
    const double scale = gm / sqrt(v + j->eps);                                                  \
    for (int64_t n = 0; n < N; n++) {                                                            \
      const T *xr = x + (n * C + c) * S;                                                         \
      T *yr = y + (n * C + c) * S;                                                               \
      for (int64_t s = 0; s < S; s++) yr[s] = (T)(((double)xr[s] - mu) * scale + bt);            \
    }                                                                                            \
  }

static void forward_task(void *ctx, int64_t lo, int64_t hi) {
  const bn_job *j = ctx;
  const int64_t N = j->N, C = j->C, S = j->S, M = N * S;
  for (int64_t c = lo; c < hi; c++) {
    if (j->f64) FORWARD_CHANNEL(double)
    else FORWARD_CHANNEL(float)
  }
}

#define BACKWARD_CHANNEL(T)                                                                      \
  {                                                                                              \
    const T *x = (const T *)j->x, *g = (const T *)j->g;                                          \
    const double mu = LD(j->mean, c), inv = 1.0 / sqrt(LD(j->var, c) + j->eps);                  \
    double sg = 0, sgx = 0;                                                                      \
    for (int64_t n = 0; n < N; n++) {                                                            \
      const T *xr = x + (n * C + c) * S, *gr = g + (n * C + c) * S;                              \
      for (int64_t s = 0; s < S; s++) {                                                          \
        const double gv = (double)gr[s];                                                         \
        sg += gv;                                                                                \
        sgx += gv * ((double)xr[s] - mu);                                                        \
      }                                                                                          \
    }                                                                                            \
    const double dw = sgx * inv;                                                                 \
    if (j->dw) ST(j->dw, c, dw);                                                                 \
    if (j->db) ST(j->db, c, sg);                                                                 \
    if (j->dx) {                                                                                 \
      const double a = (j->w ? LD(j->w, c) : 1.0) * inv;                                         \
      const double b = j->training && M > 0 ? -a * dw * inv / (double)M : 0;                     \
      const double k = j->training && M > 0 ? -a * sg / (double)M - b * mu : 0;                  \
      T *dx = (T *)j->dx;                                                                        \
      for (int64_t n = 0; n < N; n++) {                                                          \
        const T *xr = x + (n * C + c) * S, *gr = g + (n * C + c) * S;                            \
        T *dr = dx + (n * C + c) * S;                                                            \
        for (int64_t s = 0; s < S; s++) dr[s] = (T)(a * (double)gr[s] + b * (double)xr[s] + k);  \
      }                                                                                          \
    }                                                                                            \
  }

static void backward_task(void *ctx, int64_t lo, int64_t hi) {
  const bn_job *j = ctx;
  const int64_t N = j->N, C = j->C, S = j->S, M = N * S;
  for (int64_t c = lo; c < hi; c++) {
    if (j->f64) BACKWARD_CHANNEL(double)
    else BACKWARD_CHANNEL(float)
  }
}

/* c = [N, C, S, eps, training, bytes of each buffer passed (0 for none)...]. */
static int read_job(const double *c, int32_t c_bytes, int32_t dtype, int nbuf, const char *op,
                    bn_job *j, int64_t *bytes) {
  if (!c || c_bytes < (int32_t)((5 + nbuf) * sizeof(double)))
    return nnc_fail(NNC_E_ARG, "%s: coefficient array too short", op);
  if (dtype != NNC_F32 && dtype != NNC_F64)
    return nnc_fail(NNC_E_UNSUPPORTED, "%s: dtype %d is not float32 or float64", op, (int)dtype);
  for (int k = 0; k < 3; k++)
    if (!(c[k] >= 0) || c[k] > 9007199254740992.0 || c[k] != (double)(int64_t)c[k])
      return nnc_fail(NNC_E_ARG, "%s: size %d = %g is not a non-negative integer", op, k, c[k]);
  j->N = (int64_t)c[0], j->C = (int64_t)c[1], j->S = (int64_t)c[2];
  if (!(c[3] >= 0) || !isfinite(c[3])) return nnc_fail(NNC_E_ARG, "%s: eps %g is not >= 0", op, c[3]);
  j->eps = c[3];
  j->training = c[4] != 0;
  j->f64 = dtype == NNC_F64;
  for (int k = 0; k < nbuf; k++) bytes[k] = (int64_t)c[5 + k];
  return NNC_OK;
}

static int need(const void *p, int64_t have, int64_t elems, int es, const char *op, const char *name) {
  if (!p) return NNC_OK;
  if (have < elems * es)
    return nnc_fail(NNC_E_BOUNDS, "%s: %s holds %lld bytes, %lld needed", op, name, (long long)have,
                    (long long)(elems * es));
  return NNC_OK;
}

int32_t nnc_batch_norm(const double *c, int32_t c_bytes, int32_t dtype, void *y, void *mean, void *var,
                       const void *x, const void *w, const void *b) {
  static const char *op = "batchNorm";
  bn_job j = {0};
  int64_t bytes[6];
  int rc = read_job(c, c_bytes, dtype, 6, op, &j, bytes);
  if (rc) return rc;
  const int es = (int)nnc_elsize(dtype);
  const int64_t size = j.N * j.C * j.S;
  if (!y || !x || !mean || !var) return nnc_fail(NNC_E_ARG, "%s: null buffer", op);
  if ((rc = need(y, bytes[0], size, es, op, "y")) || (rc = need(mean, bytes[1], j.C, es, op, "mean")) ||
      (rc = need(var, bytes[2], j.C, es, op, "variance")) || (rc = need(x, bytes[3], size, es, op, "x")) ||
      (rc = need(w, bytes[4], j.C, es, op, "weight")) || (rc = need(b, bytes[5], j.C, es, op, "bias")))
    return rc;
  if (j.C == 0) return NNC_OK;
  nnc_prepare_output(y, (size_t)(size * es));
  j.y = y, j.mean = mean, j.var = var, j.x = x, j.w = w, j.b = b;
  const int64_t per = j.N * j.S;
  const int64_t grain = per >= 16384 ? 1 : 16384 / (per > 0 ? per : 1);
  nnc_parallel_for(j.C, grain, forward_task, &j);
  return NNC_OK;
}

int32_t nnc_batch_norm_backward(const double *c, int32_t c_bytes, int32_t dtype, void *dx, void *dw,
                                void *db, const void *g, const void *x, const void *mean,
                                const void *var, const void *w) {
  static const char *op = "batchNormBackward";
  bn_job j = {0};
  int64_t bytes[8];
  int rc = read_job(c, c_bytes, dtype, 8, op, &j, bytes);
  if (rc) return rc;
  const int es = (int)nnc_elsize(dtype);
  const int64_t size = j.N * j.C * j.S;
  if (!g || !x || !mean || !var) return nnc_fail(NNC_E_ARG, "%s: null buffer", op);
  if ((rc = need(dx, bytes[0], size, es, op, "dx")) || (rc = need(dw, bytes[1], j.C, es, op, "dweight")) ||
      (rc = need(db, bytes[2], j.C, es, op, "dbias")) || (rc = need(g, bytes[3], size, es, op, "g")) ||
      (rc = need(x, bytes[4], size, es, op, "x")) || (rc = need(mean, bytes[5], j.C, es, op, "mean")) ||
      (rc = need(var, bytes[6], j.C, es, op, "variance")) || (rc = need(w, bytes[7], j.C, es, op, "weight")))
    return rc;
  if (j.C == 0) return NNC_OK;
  if (dx) nnc_prepare_output(dx, (size_t)(size * es));
  j.dx = dx, j.dw = dw, j.db = db, j.g = g, j.x = x, j.mean = (void *)mean, j.var = (void *)var, j.w = w;
  const int64_t per = j.N * j.S;
  const int64_t grain = per >= 16384 ? 1 : 16384 / (per > 0 ? per : 1);
  nnc_parallel_for(j.C, grain, backward_task, &j);
  return NNC_OK;
}
