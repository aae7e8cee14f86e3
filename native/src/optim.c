/* Fused optimiser steps: one pass over parameter, gradient and state buffers, split across the
 * worker pool, with the JS kernels' arithmetic so that both backends give the same bits: SGD in
 * double with every stored value read back; Adam in the buffers' own precision (float32 or float64),
 * every operation rounded once. */
#include <math.h>
#include <string.h>

#include "internal.h"

#define GRAIN 16384

typedef struct {
  void *x, *buf;
  const void *g;
  int f64;
  double lr, wd, sign, momentum, keep, take;
  int nesterov;
} sgd_ctx;

#define SGD_BODY(T)                                                                              \
  T *x = (T *)c->x, *buf = (T *)c->buf;                                                          \
  const T *g = (const T *)c->g;                                                                  \
  if (!buf) {                                                                                    \
    for (int64_t i = b; i < e; i++) x[i] = (T)((double)x[i] - c->lr * (c->sign * (double)g[i] + c->wd * (double)x[i])); \
    return;                                                                                      \
  }                                                                                              \
  for (int64_t i = b; i < e; i++) {                                                              \
    const double d = c->sign * (double)g[i] + c->wd * (double)x[i];                              \
    buf[i] = (T)(c->keep * (double)buf[i] + c->take * d);                                        \
    const double bi = (double)buf[i];                                                            \
    x[i] = (T)((double)x[i] - c->lr * (c->nesterov ? d + c->momentum * bi : bi));                \
  }

static void sgd_range(void *ctx, int64_t b, int64_t e) {
  const sgd_ctx *c = (const sgd_ctx *)ctx;
  if (c->f64) {
    SGD_BODY(double)
  } else {
    SGD_BODY(float)
  }
}

typedef struct {
  void *x, *m, *v, *vmax;
  const void *g;
  int f64;
  double beta1, beta2, a1, a2, eps, l2, sign, stepsize, bc2sqrt, shrink;
} adam_ctx;

/* One Adam step over [b, e) in the buffers' own precision T: every coefficient rounded once to T and
 * every operation correctly rounded in T (no contraction: -ffp-contract=off). float32 parameters thus
 * run in float32 arithmetic, as PyTorch's Adam does, which the JS kernel reproduces by rounding each
 * of its double operations with Math.fround, so both backends give the same bits; float32 also means
 * sixteen lanes per AVX-512 vector and vsqrtps/vdivps instead of eight lanes of vsqrtpd/vdivpd (650k
 * parameters 0.33 -> 0.11 ms on Zen 5). restrict-qualified buffers and hoisted coefficients let the
 * compiler vectorise the loop. With AMSGrad (vmax not null) the step uses the running maximum of v
 * (NaN propagates).
 *
 * The moments flush to zero below the dtype's smallest normal number (as the JS kernel does; PyTorch
 * keeps subnormals): a moment whose gradient has become exactly zero (a dead ReLU unit) decays by β
 * each step only until rounding holds it (0.9·m rounds back to m for m ≤ 4·2⁻¹⁴⁹ in float32), and
 * such stuck subnormals cost Intel cores a microcode assist of ~100 cycles per vector operation:
 * W8's step went from 3.0 to 4.7-5.0 ms after its first thousand steps (2.8-2.9 ms with the flush;
 * bench/step_loop.ts W8 3000: 4.33 -> 3.07 ms a step on average). The update such a moment
 * makes is below 1e-40, lost in x·shrink unless x is itself subnormal. */
static inline float flush_f(float e) { return fabsf(e) < 0x1p-126f ? 0.0f : e; }
static inline double flush_d(double e) { return fabs(e) < 0x1p-1022 ? 0.0 : e; }
#define ADAM_STEP(T, SUF, SQRT)                                                                  \
  static void adam_##SUF(const adam_ctx *c, int64_t b, int64_t e, T *restrict x, T *restrict m,  \
                         T *restrict v, T *restrict vmax, const T *restrict g) {                 \
    const T sign = (T)c->sign, l2 = (T)c->l2, beta1 = (T)c->beta1, beta2 = (T)c->beta2,         \
            a1 = (T)c->a1, a2 = (T)c->a2, shrink = (T)c->shrink, stepsize = (T)c->stepsize,      \
            bc2sqrt = (T)c->bc2sqrt, eps = (T)c->eps;                                            \
    for (int64_t i = b; i < e; i++) {                                                            \
      const T d = sign * g[i] + l2 * x[i];                                                       \
      const T mi = flush_##SUF(beta1 * m[i] + a1 * d);                                           \
      const T vi = flush_##SUF(beta2 * v[i] + a2 * d * d);                                       \
      m[i] = mi;                                                                                 \
      v[i] = vi;                                                                                 \
      T vh = vi;                                                                                 \
      if (vmax) {                                                                                \
        const T top = vmax[i];                                                                   \
        vh = (vi > top || vi != vi) ? vi : top;                                                  \
        vmax[i] = vh;                                                                            \
      }                                                                                          \
      x[i] = x[i] * shrink - stepsize * (mi / (SQRT(vh) / bc2sqrt + eps));                       \
    }                                                                                            \
  }
ADAM_STEP(double, d, sqrt)
ADAM_STEP(float, f, sqrtf)

static void adam_range(void *ctx, int64_t b, int64_t e) {
  const adam_ctx *c = (const adam_ctx *)ctx;
  if (c->f64)
    adam_d(c, b, e, (double *)c->x, (double *)c->m, (double *)c->v, (double *)c->vmax, (const double *)c->g);
  else
    adam_f(c, b, e, (float *)c->x, (float *)c->m, (float *)c->v, (float *)c->vmax, (const float *)c->g);
}

int32_t nnc_sgd_step(const double *c, int32_t c_bytes, int32_t dtype, void *x, const void *g,
                     void *buf) {
  const void *bufs[3] = {x, g, buf};
  const int optional[3] = {0, 0, 1};
  const int64_t n = nnc_check_flat_buffers(c, c_bytes, 11, dtype, bufs, optional, 3, "sgd_step");
  if (n < 0) return (int32_t)n;
  const int first = c[10] != 0;
  sgd_ctx ctx = {x, buf, g, dtype == NNC_F64, c[4], c[5], c[6], c[7], first ? 0 : c[7],
                 first ? 1 : 1 - c[8], c[9] != 0};
  nnc_parallel_for(n, GRAIN, sgd_range, &ctx);
  return NNC_OK;
}

int32_t nnc_adam_step(const double *c, int32_t c_bytes, int32_t dtype, void *x, const void *g,
                      void *m, void *v, void *vmax) {
  const void *bufs[5] = {x, g, m, v, vmax};
  const int optional[5] = {0, 0, 0, 0, 1};
  const int64_t n = nnc_check_flat_buffers(c, c_bytes, 14, dtype, bufs, optional, 5, "adam_step");
  if (n < 0) return (int32_t)n;
  /* Step size, bias correction and shrink factor come computed from JS (pow differs by an ulp
   * between V8 and libm). */
  const double beta1 = c[8], beta2 = c[9];
  adam_ctx ctx = {x, m, v, vmax, g, dtype == NNC_F64, beta1, beta2, 1 - beta1, 1 - beta2,
                  c[10], c[11], c[13], c[6], c[7], c[12]};
  nnc_parallel_for(n, GRAIN, adam_range, &ctx);
  return NNC_OK;
}
