/* Broadcast binary ops and where (see unary.c for the conventions).
 *
 * Results match the JS backend bit for bit wherever the C library allows: float32 maths beyond the
 * correctly rounded operations (+ - * / sqrt) runs in double and rounds once, as JavaScript does
 * when it stores into a Float32Array; int32 results go through JavaScript's ToInt32. */
#include "internal.h"
#include "jsmath.h"

/* Elements per thread below which splitting costs more than it saves (measured, see README). */
#define GRAIN_CHEAP 65536
#define GRAIN_COSTLY 8192

#define U3(name) {name##_f, name##_d, name##_i}

/* ---------------- binary ---------------- */

#define BINARY_ROW(NAME, T, EXPR)                                                                \
  static void NAME(void *ctx, int64_t n, char **p, const int64_t *s) {                           \
    (void)ctx;                                                                                    \
    T *o = (T *)p[0];                                                                             \
    const T *x = (const T *)p[1], *y = (const T *)p[2];                                           \
    const int64_t so = s[0], sa = s[1], sb = s[2];                                                \
    if (so == 1 && sa == 1 && sb == 1) {                                                          \
      for (int64_t i = 0; i < n; i++) {                                                           \
        const T a = x[i], b = y[i];                                                               \
        o[i] = (EXPR);                                                                            \
      }                                                                                           \
    } else if (so == 1 && sa == 1 && sb == 0) {                                                   \
      const T b = y[0];                                                                           \
      for (int64_t i = 0; i < n; i++) {                                                           \
        const T a = x[i];                                                                         \
        o[i] = (EXPR);                                                                            \
      }                                                                                           \
    } else if (so == 1 && sa == 0 && sb == 1) {                                                   \
      const T a = x[0];                                                                           \
      for (int64_t i = 0; i < n; i++) {                                                           \
        const T b = y[i];                                                                         \
        o[i] = (EXPR);                                                                            \
      }                                                                                           \
    } else {                                                                                      \
      for (int64_t i = 0; i < n; i++) {                                                           \
        const T a = x[i * sa], b = y[i * sb];                                                     \
        o[i * so] = (EXPR);                                                                       \
      }                                                                                           \
    }                                                                                             \
  }

#define A ((double)a)
#define B ((double)b)
/* Correctly rounded in float32: identical to JS's double-then-round. */
BINARY_ROW(add_f, float, a + b)
BINARY_ROW(add_d, double, a + b)
BINARY_ROW(add_i, int32_t, js_toint32(A + B))
BINARY_ROW(sub_f, float, a - b)
BINARY_ROW(sub_d, double, a - b)
BINARY_ROW(sub_i, int32_t, js_toint32(A - B))
BINARY_ROW(mul_f, float, a * b)
BINARY_ROW(mul_d, double, a * b)
BINARY_ROW(mul_i, int32_t, js_toint32(A * B))
BINARY_ROW(div_f, float, a / b)
BINARY_ROW(div_d, double, a / b)
BINARY_ROW(div_i, int32_t, js_toint32(A / B))
#define BINARY_ALL(NAME, EXPR)                                                                   \
  BINARY_ROW(NAME##_f, float, (float)(EXPR))                                                     \
  BINARY_ROW(NAME##_d, double, (EXPR))                                                           \
  BINARY_ROW(NAME##_i, int32_t, js_toint32(EXPR))
BINARY_ALL(pow, js_pow(A, B))
BINARY_ALL(mod, js_mod(A, B))
BINARY_ALL(atan2, atan2(A, B))
BINARY_ROW(minimum_f, float, js_minf(a, b))
BINARY_ROW(minimum_d, double, js_min(a, b))
BINARY_ROW(minimum_i, int32_t, a < b ? a : b)
BINARY_ROW(maximum_f, float, js_maxf(a, b))
BINARY_ROW(maximum_d, double, js_max(a, b))
BINARY_ROW(maximum_i, int32_t, a > b ? a : b)
#define CMP_ALL(NAME, OP)                                                                        \
  BINARY_ROW(NAME##_f, float, (float)(a OP b))                                                   \
  BINARY_ROW(NAME##_d, double, (double)(a OP b))                                                 \
  BINARY_ROW(NAME##_i, int32_t, (int32_t)(a OP b))
CMP_ALL(eq, ==)
CMP_ALL(ne, !=)
CMP_ALL(lt, <)
CMP_ALL(le, <=)
CMP_ALL(gt, >)
CMP_ALL(ge, >=)
#if defined(__wasm__)
/* The browser build ships every row in every page: the rows of these costly functions (libm calls
 * dominate them) are compiled for size there (the web pages' JavaScript budget, web/build.ts). */
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif
/* The loss of logits and its derivative (tensor/js/elementwise.ts has the same expressions). */
BINARY_ALL(sigmoid_ce, (1.0 - B) * A + js_softplus(-A))
BINARY_ALL(sigmoid_ce_grad, js_sigmoid(A) - B)
/* GELU's derivative from its input a and output b = a·Φ(a): Φ(a) = b/a (0.5 for |a| < 2^-60, where
 * b/a would lose Φ to the rounding of a tiny b), plus a·φ(a). The division runs on every element and
 * the select picks after it, so that the loop vectorises (the build's -fno-trapping-math lets the
 * compiler evaluate the division on both branches). */
static inline double gelu_grad_out(double a, double b) {
  const double q = b / a;
  return (fabs(a) < 0x1p-60 ? 0.5 : q) + a * exp(-0.5 * a * a) * 0.3989422804014327;
}
BINARY_ALL(gelu_grad_out, gelu_grad_out(A, B))
#if defined(__wasm__)
#pragma clang attribute pop
#endif
#undef A
#undef B

static const nnc_row_fn BINARY[NNC_BINARY_COUNT][3] = {
    U3(add), U3(sub), U3(mul), U3(div), U3(pow), U3(mod), U3(minimum), U3(maximum),
    U3(atan2), U3(eq), U3(ne), U3(lt), U3(le), U3(gt), U3(ge), U3(sigmoid_ce),
    U3(sigmoid_ce_grad), U3(gelu_grad_out)};

int32_t nnc_binary(const double *desc, int32_t desc_bytes, void *out, const void *x,
                   const void *y) {
  static const char *op = "binary";
  nnc_arr o, a, b;
  int64_t code;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) ||
      (rc = nnc_param(desc, 0, 0, NNC_BINARY_COUNT - 1, op, "op code", &code)) ||
      (rc = nnc_parse(desc, 0, out, "binary: out", &o)) || (rc = nnc_parse(desc, 1, x, "binary: a", &a)) ||
      (rc = nnc_parse(desc, 2, y, "binary: b", &b)) ||
      (rc = nnc_require_shape(&a, &o, op, "a", "out")) ||
      (rc = nnc_require_shape(&b, &o, op, "b", "out")) ||
      (rc = nnc_require_dtype(&a, o.dtype, op, "a")) || (rc = nnc_require_dtype(&b, o.dtype, op, "b")))
    return rc;
  if (o.size == 0) return NNC_OK;
  const int64_t *st[3] = {o.strides, a.strides, b.strides};
  nnc_plan p;
  nnc_plan_make(&p, 3, o.ndim, o.shape, st);
  char *base[3] = {nnc_at(&o, o.off), nnc_at(&a, a.off), nnc_at(&b, b.off)};
  const int e = (int)nnc_elsize(o.dtype);
  int es[3] = {e, e, e};
  const int costly = code == NNC_POW || code == NNC_MOD || code == NNC_ATAN2 || code == NNC_SIGMOID_CE ||
                     code == NNC_SIGMOID_CE_GRAD || code == NNC_GELU_GRAD_OUT || o.dtype == NNC_I32;
  nnc_plan_run(&p, base, es, BINARY[code][o.dtype], NULL, costly ? GRAIN_COSTLY : GRAIN_CHEAP);
  return NNC_OK;
}

/* ---------------- the loss of logits with its derivative ----------------
 * loss = (1 − y)·x + softplus(−x) and grad = σ(x) − y around one e^−|x| (the separate kernels above
 * compute it twice), in the expressions of sigmoid_ce and sigmoid_ce_grad: the same bits but where
 * libmvec's vector and scalar exp round an element apart (the loops split the elements differently). */

typedef struct {
  void *loss, *grad;
  const void *x, *y;
} sce_ctx;

#define SCE_BODY(T)                                                                              \
  T *l = (T *)c->loss, *g = (T *)c->grad;                                                        \
  const T *x = (const T *)c->x, *y = (const T *)c->y;                                            \
  for (int64_t i = b; i < e; i++) {                                                              \
    const double a = x[i], t = y[i], ex = exp(-fabs(a));                                         \
    l[i] = (T)((1.0 - t) * a + ((-a > 0 ? -a : 0.0) + log1p(ex)));                              \
    g[i] = (T)((a >= 0 ? 1.0 / (1.0 + ex) : ex / (1.0 + ex)) - t);                               \
  }

static void sce_range(void *ctx, int64_t b, int64_t e) {
  const sce_ctx *c = (const sce_ctx *)ctx;
  SCE_BODY(float)
}
static void sce_range_d(void *ctx, int64_t b, int64_t e) {
  const sce_ctx *c = (const sce_ctx *)ctx;
  SCE_BODY(double)
}

int32_t nnc_sigmoid_ce_with_grad(const double *c, int32_t c_bytes, int32_t dtype, void *loss,
                                 void *grad, const void *x, const void *y) {
  const void *bufs[4] = {loss, grad, x, y};
  const int optional[4] = {0, 0, 0, 0};
  const int64_t n = nnc_check_flat_buffers(c, c_bytes, 5, dtype, bufs, optional, 4,
                                           "sigmoidCrossEntropyWithGrad");
  if (n <= 0) return (int32_t)n;
  const int64_t es = nnc_elsize(dtype);
  nnc_prepare_output(loss, (size_t)(n * es));
  nnc_prepare_output(grad, (size_t)(n * es));
  sce_ctx ctx = {loss, grad, x, y};
  nnc_parallel_for(n, GRAIN_COSTLY, dtype == NNC_F64 ? sce_range_d : sce_range, &ctx);
  return NNC_OK;
}

/* ---------------- where ---------------- */

#define WHERE_ROW(NAME, T, TC)                                                                   \
  static void NAME(void *ctx, int64_t n, char **p, const int64_t *s) {                           \
    (void)ctx;                                                                                    \
    T *o = (T *)p[0];                                                                             \
    const TC *c = (const TC *)p[1];                                                               \
    const T *x = (const T *)p[2], *y = (const T *)p[3];                                           \
    const int64_t so = s[0], sc = s[1], sa = s[2], sb = s[3];                                     \
    if (so == 1 && sc == 1 && sa == 1 && sb == 1) {                                               \
      for (int64_t i = 0; i < n; i++) o[i] = c[i] != 0 ? x[i] : y[i];                             \
    } else {                                                                                      \
      for (int64_t i = 0; i < n; i++) o[i * so] = c[i * sc] != 0 ? x[i * sa] : y[i * sb];         \
    }                                                                                             \
  }
WHERE_ROW(where_ff, float, float)
WHERE_ROW(where_fd, float, double)
WHERE_ROW(where_fi, float, int32_t)
WHERE_ROW(where_df, double, float)
WHERE_ROW(where_dd, double, double)
WHERE_ROW(where_di, double, int32_t)
WHERE_ROW(where_if, int32_t, float)
WHERE_ROW(where_id, int32_t, double)
WHERE_ROW(where_ii, int32_t, int32_t)
static const nnc_row_fn WHERE[3][3] = {
    {where_ff, where_fd, where_fi}, {where_df, where_dd, where_di}, {where_if, where_id, where_ii}};

int32_t nnc_where(const double *desc, int32_t desc_bytes, void *out, const void *cond,
                  const void *x, const void *y) {
  static const char *op = "where";
  nnc_arr o, c, a, b;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "where: out", &o)) ||
      (rc = nnc_parse(desc, 1, cond, "where: cond", &c)) || (rc = nnc_parse(desc, 2, x, "where: a", &a)) ||
      (rc = nnc_parse(desc, 3, y, "where: b", &b)) ||
      (rc = nnc_require_shape(&c, &o, op, "cond", "out")) ||
      (rc = nnc_require_shape(&a, &o, op, "a", "out")) ||
      (rc = nnc_require_shape(&b, &o, op, "b", "out")) ||
      (rc = nnc_require_dtype(&a, o.dtype, op, "a")) || (rc = nnc_require_dtype(&b, o.dtype, op, "b")))
    return rc;
  if (o.size == 0) return NNC_OK;
  const int64_t *st[4] = {o.strides, c.strides, a.strides, b.strides};
  nnc_plan p;
  nnc_plan_make(&p, 4, o.ndim, o.shape, st);
  char *base[4] = {nnc_at(&o, o.off), nnc_at(&c, c.off), nnc_at(&a, a.off), nnc_at(&b, b.off)};
  const int e = (int)nnc_elsize(o.dtype);
  int es[4] = {e, (int)nnc_elsize(c.dtype), e, e};
  nnc_plan_run(&p, base, es, WHERE[o.dtype][c.dtype], NULL, GRAIN_CHEAP);
  return NNC_OK;
}
