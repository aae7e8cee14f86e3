/* The gradient of a pointwise activation from its output (relu, sigmoid, tanh, leaky relu — whose
 * op also computes the leaky relu itself when g is its input) in one pass, split
 * across the worker pool. Float arithmetic with -ffp-contract=off: each product and difference
 * rounds as the JS kernel's Math.fround does, so both backends give the same bits. */
#include "internal.h"

#define GRAIN 32768

typedef struct {
  void *out;
  const void *g, *y;
  int op, f64;
  double slope;
} act_ctx;

#define ACT_BODY(T)                                                                              \
  T *o = (T *)c->out;                                                                            \
  const T *g = (const T *)c->g, *y = (const T *)c->y;                                            \
  switch (c->op) {                                                                               \
    case 0:                                                                                      \
      for (int64_t i = b; i < e; i++) o[i] = y[i] > 0 ? g[i] : (T)0;                             \
      break;                                                                                     \
    case 3: {                                                                                    \
      const T s = (T)c->slope;                                                                   \
      for (int64_t i = b; i < e; i++) o[i] = y[i] > 0 ? g[i] : g[i] * s;                         \
      break;                                                                                     \
    }                                                                                            \
    case 1:                                                                                      \
      for (int64_t i = b; i < e; i++) {                                                          \
        const T one_minus = (T)1 - y[i];                                                         \
        const T d = y[i] * one_minus;                                                            \
        o[i] = g[i] * d;                                                                         \
      }                                                                                          \
      break;                                                                                     \
    default:                                                                                     \
      for (int64_t i = b; i < e; i++) {                                                          \
        const T sq = y[i] * y[i];                                                                \
        const T d = (T)1 - sq;                                                                   \
        o[i] = g[i] * d;                                                                         \
      }                                                                                          \
      break;                                                                                     \
  }

static void act_range(void *ctx, int64_t b, int64_t e) {
  const act_ctx *c = (const act_ctx *)ctx;
  if (c->f64) {
    ACT_BODY(double)
  } else {
    ACT_BODY(float)
  }
}

int32_t nnc_activation_grad(const double *c, int32_t c_bytes, int32_t dtype, int32_t op, void *out,
                            const void *g, const void *y) {
  static const char *name = "activationGrad";
  if (op < 0 || op > 3)
    return nnc_fail(NNC_E_ARG, "%s: op %d is not 0 (relu), 1 (sigmoid), 2 (tanh) or 3 (leaky relu)", name, (int)op);
  const void *bufs[3] = {out, g, y};
  const int optional[3] = {0, 0, 0};
  /* Leaky ReLU's slope follows the three byte lengths as coefficient 4. */
  const int64_t n = nnc_check_flat_buffers(c, c_bytes, op == 3 ? 5 : 4, dtype, bufs, optional, 3, name);
  if (n < 0) return (int32_t)n;
  const double slope = op == 3 ? c[4] : 0;
  if (!isfinite(slope)) return nnc_fail(NNC_E_ARG, "%s: slope %g is not finite", name, slope);
  if (n == 0) return NNC_OK;
  const int64_t es = nnc_elsize(dtype);
  nnc_prepare_output(out, (size_t)(n * es));
  act_ctx ctx = {out, g, y, op, dtype == NNC_F64, slope};
  nnc_parallel_for(n, GRAIN, act_range, &ctx);
  return NNC_OK;
}
