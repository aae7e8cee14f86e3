/* Strided copy and unary maths.
 *
 * Results match the JS backend bit for bit wherever the C library allows: float32 maths beyond the
 * correctly rounded operations (+ - * / sqrt) runs in double and rounds once, as JavaScript does
 * when it stores into a Float32Array; int32 results go through JavaScript's ToInt32. */
#include "internal.h"
#include "jsmath.h"

/* Elements per thread below which splitting costs more than it saves (measured, see README). */
#define GRAIN_CHEAP 65536
#define GRAIN_COSTLY 8192

/* ---------------- copy ---------------- */

#define COPY_ROW(NAME, TO, TI, CONV)                                                             \
  static void NAME(void *ctx, int64_t n, char **p, const int64_t *s) {                           \
    (void)ctx;                                                                                    \
    TO *o = (TO *)p[0];                                                                           \
    const TI *x = (const TI *)p[1];                                                               \
    const int64_t so = s[0], sx = s[1];                                                           \
    if (so == 1 && sx == 1) {                                                                     \
      for (int64_t i = 0; i < n; i++) o[i] = CONV(x[i]);                                          \
    } else if (so == 1 && sx == 0) {                                                              \
      const TO v = CONV(x[0]);                                                                    \
      for (int64_t i = 0; i < n; i++) o[i] = v;                                                   \
    } else {                                                                                      \
      for (int64_t i = 0; i < n; i++) o[i * so] = CONV(x[i * sx]);                                \
    }                                                                                             \
  }
#define ID(v) (v)
#define TOI(v) js_toint32((double)(v))
COPY_ROW(copy_ff, float, float, ID)
COPY_ROW(copy_fd, float, double, (float))
COPY_ROW(copy_fi, float, int32_t, (float))
COPY_ROW(copy_df, double, float, (double))
COPY_ROW(copy_dd, double, double, ID)
COPY_ROW(copy_di, double, int32_t, (double))
COPY_ROW(copy_if, int32_t, float, TOI)
COPY_ROW(copy_id, int32_t, double, TOI)
COPY_ROW(copy_ii, int32_t, int32_t, ID)

static const nnc_row_fn COPY[3][3] = {
    {copy_ff, copy_fd, copy_fi}, {copy_df, copy_dd, copy_di}, {copy_if, copy_id, copy_ii}};

#define TILE 32

typedef struct {
  const nnc_plan *p;
  char *o;
  char *x;
  int es;
} tile_job;

/* Units: (outer index, block of TILE rows of the last-but-one dimension). */
static void copy_tiles(void *ctx, int64_t b, int64_t e) {
  const tile_job *t = ctx;
  const nnc_plan *p = t->p;
  const int L = p->ndim - 1;
  const int64_t R = p->shape[L - 1], C = p->shape[L], rowsB = (R + TILE - 1) / TILE;
  const int64_t so = p->st[0][L - 1], sx = p->st[1][L];
  for (int64_t u = b; u < e; u++) {
    int64_t q = u / rowsB, oo = 0, xo = 0;
    const int64_t r0 = (u % rowsB) * TILE, r1 = r0 + TILE < R ? r0 + TILE : R;
    for (int d = L - 2; d >= 0; d--) {
      const int64_t c = q % p->shape[d];
      q /= p->shape[d];
      oo += c * p->st[0][d], xo += c * p->st[1][d];
    }
    for (int64_t c0 = 0; c0 < C; c0 += TILE) {
      const int64_t c1 = c0 + TILE < C ? c0 + TILE : C;
      if (t->es == 4) {
        uint32_t *o = (uint32_t *)t->o + oo;
        const uint32_t *x = (const uint32_t *)t->x + xo;
        for (int64_t c = c0; c < c1; c++)
          for (int64_t r = r0; r < r1; r++) o[r * so + c] = x[r + c * sx];
      } else {
        uint64_t *o = (uint64_t *)t->o + oo;
        const uint64_t *x = (const uint64_t *)t->x + xo;
        for (int64_t c = c0; c < c1; c++)
          for (int64_t r = r0; r < r1; r++) o[r * so + c] = x[r + c * sx];
      }
    }
  }
}

int32_t nnc_copy(const double *desc, int32_t desc_bytes, void *out, const void *x) {
  static const char *op = "copy";
  nnc_arr o, a;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "copy: out", &o)) ||
      (rc = nnc_parse(desc, 1, x, "copy: x", &a)) || (rc = nnc_require_shape(&a, &o, op, "x", "out")))
    return rc;
  if (o.size == 0) return NNC_OK;
  if (o.dtype == a.dtype && nnc_is_contiguous(&o) && nnc_is_contiguous(&a)) {
    memmove(nnc_at(&o, o.off), nnc_at(&a, a.off), (size_t)(o.size * nnc_elsize(o.dtype)));
    return NNC_OK;
  }
  const int64_t *st[2] = {o.strides, a.strides};
  nnc_plan p;
  nnc_plan_make(&p, 2, o.ndim, o.shape, st);
  char *base[2] = {nnc_at(&o, o.off), nnc_at(&a, a.off)};
  int es[2] = {(int)nnc_elsize(o.dtype), (int)nnc_elsize(a.dtype)};
  const int L = p.ndim - 1;
  if (o.dtype == a.dtype && L >= 1 && p.st[0][L] == 1 && p.st[1][L - 1] == 1 && p.shape[L] >= 16 &&
      p.shape[L - 1] >= 16) {
    /* A transpose: copy 32×32 tiles so that reads and writes both stay in cache. */
    tile_job t = {&p, base[0], base[1], es[0]};
    const int64_t rowsB = (p.shape[L - 1] + TILE - 1) / TILE;
    nnc_parallel_for(p.size / (p.shape[L - 1] * p.shape[L]) * rowsB, 2, copy_tiles, &t);
    return NNC_OK;
  }
  nnc_plan_run(&p, base, es, COPY[o.dtype][a.dtype], NULL, GRAIN_CHEAP);
  return NNC_OK;
}

/* ---------------- unary ---------------- */

/* One loop per (op, dtype): contiguous rows compile to vector code, strided rows to scalar. */
#define UNARY_ROW(NAME, T, EXPR)                                                                 \
  static void NAME(void *ctx, int64_t n, char **p, const int64_t *s) {                           \
    (void)ctx;                                                                                    \
    T *o = (T *)p[0];                                                                             \
    const T *x = (const T *)p[1];                                                                 \
    const int64_t so = s[0], sx = s[1];                                                           \
    if (so == 1 && sx == 1) {                                                                     \
      for (int64_t i = 0; i < n; i++) {                                                           \
        const T v = x[i];                                                                         \
        o[i] = (EXPR);                                                                            \
      }                                                                                           \
    } else {                                                                                      \
      for (int64_t i = 0; i < n; i++) {                                                           \
        const T v = x[i * sx];                                                                    \
        o[i * so] = (EXPR);                                                                       \
      }                                                                                           \
    }                                                                                             \
  }

/* The same expression per dtype: float32 through double (D(v) = (double)v), float64 directly,
 * int32 through double and ToInt32. */
#define UNARY_ALL(NAME, EXPR_OF_D)                                                               \
  UNARY_ROW(NAME##_f, float, (float)(EXPR_OF_D))                                                 \
  UNARY_ROW(NAME##_d, double, (EXPR_OF_D))                                                       \
  UNARY_ROW(NAME##_i, int32_t, js_toint32(EXPR_OF_D))

#define D ((double)v)
/* Exact in float32 (no double needed), same results as JS. */
UNARY_ROW(neg_f, float, -v)
UNARY_ROW(neg_d, double, -v)
UNARY_ROW(neg_i, int32_t, js_toint32(-D))
UNARY_ROW(abs_f, float, fabsf(v))
UNARY_ROW(abs_d, double, fabs(v))
UNARY_ROW(abs_i, int32_t, js_toint32(fabs(D)))
UNARY_ALL(sign, js_sign(D))
UNARY_ALL(exp, exp(D))
UNARY_ALL(expm1, expm1(D))
UNARY_ALL(log, log(D))
UNARY_ALL(log1p, log1p(D))
UNARY_ROW(sqrt_f, float, sqrtf(v))
UNARY_ROW(sqrt_d, double, sqrt(v))
UNARY_ROW(sqrt_i, int32_t, js_toint32(sqrt(D)))
UNARY_ALL(rsqrt, 1.0 / sqrt(D))
UNARY_ROW(square_f, float, v * v)
UNARY_ROW(square_d, double, v * v)
UNARY_ROW(square_i, int32_t, js_toint32(D * D))
UNARY_ROW(reciprocal_f, float, 1.0f / v)
UNARY_ROW(reciprocal_d, double, 1.0 / v)
UNARY_ROW(reciprocal_i, int32_t, js_toint32(1.0 / D))
UNARY_ALL(sin, sin(D))
UNARY_ALL(cos, cos(D))
UNARY_ALL(tan, tan(D))
UNARY_ALL(tanh, tanh(D))
UNARY_ALL(sigmoid, js_sigmoid(D))
UNARY_ROW(relu_f, float, v > 0 ? v : (v != v ? v : 0.0f))
UNARY_ROW(relu_d, double, v > 0 ? v : (v != v ? v : 0.0))
UNARY_ROW(relu_i, int32_t, v > 0 ? v : 0)
UNARY_ALL(softplus, js_softplus(D))
UNARY_ROW(floor_f, float, floorf(v))
UNARY_ROW(floor_d, double, floor(v))
UNARY_ROW(floor_i, int32_t, v)
UNARY_ROW(ceil_f, float, ceilf(v))
UNARY_ROW(ceil_d, double, ceil(v))
UNARY_ROW(ceil_i, int32_t, v)
UNARY_ROW(round_f, float, nearbyintf(v))
UNARY_ROW(round_d, double, nearbyint(v))
UNARY_ROW(round_i, int32_t, v)
UNARY_ROW(trunc_f, float, truncf(v))
UNARY_ROW(trunc_d, double, trunc(v))
UNARY_ROW(trunc_i, int32_t, v)
UNARY_ALL(erf, erf(D))
UNARY_ALL(gelu, D * (erf(D * M_SQRT1_2) + 1) * 0.5)
UNARY_ALL(gelu_grad, (erf(D * M_SQRT1_2) + 1) * 0.5 + D * exp(-0.5 * D * D) * 0.3989422804014327)
#undef D

#define U3(name) {name##_f, name##_d, name##_i}
static const nnc_row_fn UNARY[NNC_UNARY_COUNT][3] = {
    U3(neg),  U3(abs),        U3(sign), U3(exp),  U3(expm1), U3(log),     U3(log1p),    U3(sqrt),
    U3(rsqrt), U3(square),    U3(reciprocal), U3(sin), U3(cos), U3(tan),  U3(tanh),     U3(sigmoid),
    U3(relu), U3(softplus),   U3(floor), U3(ceil), U3(round), U3(trunc),  U3(erf),
    U3(gelu), U3(gelu_grad)};

static int unary_costly(int op) {
  switch (op) {
    case NNC_NEG: case NNC_ABS: case NNC_SQUARE: case NNC_RELU: case NNC_FLOOR: case NNC_CEIL:
    case NNC_ROUND: case NNC_TRUNC: case NNC_SIGN:
      return 0;
    default:
      return 1;
  }
}

int32_t nnc_unary(const double *desc, int32_t desc_bytes, void *out, const void *x) {
  static const char *op = "unary";
  nnc_arr o, a;
  int64_t code;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) ||
      (rc = nnc_param(desc, 0, 0, NNC_UNARY_COUNT - 1, op, "op code", &code)) ||
      (rc = nnc_parse(desc, 0, out, "unary: out", &o)) || (rc = nnc_parse(desc, 1, x, "unary: x", &a)) ||
      (rc = nnc_require_shape(&a, &o, op, "x", "out")) ||
      (rc = nnc_require_dtype(&a, o.dtype, op, "x")))
    return rc;
  if (o.size == 0) return NNC_OK;
  const int64_t *st[2] = {o.strides, a.strides};
  nnc_plan p;
  nnc_plan_make(&p, 2, o.ndim, o.shape, st);
  char *base[2] = {nnc_at(&o, o.off), nnc_at(&a, a.off)};
  int es[2] = {(int)nnc_elsize(o.dtype), (int)nnc_elsize(o.dtype)};
  nnc_plan_run(&p, base, es, UNARY[code][o.dtype], NULL,
               unary_costly((int)code) ? GRAIN_COSTLY : GRAIN_CHEAP);
  return NNC_OK;
}

