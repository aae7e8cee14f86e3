/* Reductions over axes, argmax/argmin, softmax and cumulative scans. Accumulators are doubles, as
 * in the JS backend (exact for int32 sums, and float32 sums do not drift). */
#include "internal.h"
#include "vecmath.h"

/* ---------------- element access as double ---------------- */

static inline double ld(const char *p, int dtype, int64_t i) {
  switch (dtype) {
    case NNC_F32: return ((const float *)p)[i];
    case NNC_F64: return ((const double *)p)[i];
    default: return ((const int32_t *)p)[i];
  }
}

static inline void st(char *p, int dtype, int64_t i, double v) {
  switch (dtype) {
    case NNC_F32: ((float *)p)[i] = (float)v; break;
    case NNC_F64: ((double *)p)[i] = v; break;
    default: ((int32_t *)p)[i] = js_toint32(v); break;
  }
}

static const double INITIAL[4] = {0.0, 1.0, -INFINITY, INFINITY};

/* Folds v into m the way the JS backend does: max/min keep the first NaN for good. */
static inline double fold(int op, double m, double v) {
  switch (op) {
    case NNC_SUM: return m + v;
    case NNC_PROD: return m * v;
    case NNC_MAX: return (v > m || v != v) && m == m ? v : m;
    default: return (v < m || v != v) && m == m ? v : m;
  }
}

/* Folds n elements at stride s into acc. Unit strides run in 8 lanes (vector code). */
#define SPAN(NAME, T)                                                                            \
  static double NAME(int op, const T *x, int64_t n, int64_t s, double acc) {                     \
    int64_t i = 0;                                                                                \
    if (s == 1 && n >= 16) {                                                                      \
      double l[8];                                                                                \
      for (int j = 0; j < 8; j++) l[j] = INITIAL[op];                                             \
      const int64_t n8 = n & ~(int64_t)7;                                                         \
      switch (op) {                                                                               \
        case NNC_SUM:                                                                             \
          for (; i < n8; i += 8)                                                                  \
            for (int j = 0; j < 8; j++) l[j] += (double)x[i + j];                                 \
          break;                                                                                  \
        case NNC_PROD:                                                                            \
          for (; i < n8; i += 8)                                                                  \
            for (int j = 0; j < 8; j++) l[j] *= (double)x[i + j];                                 \
          break;                                                                                  \
        case NNC_MAX:                                                                             \
          for (; i < n8; i += 8)                                                                  \
            for (int j = 0; j < 8; j++) {                                                         \
              const double v = x[i + j];                                                          \
              l[j] = v > l[j] || v != v ? v : l[j];                                               \
            }                                                                                     \
          break;                                                                                  \
        default:                                                                                  \
          for (; i < n8; i += 8)                                                                  \
            for (int j = 0; j < 8; j++) {                                                         \
              const double v = x[i + j];                                                          \
              l[j] = v < l[j] || v != v ? v : l[j];                                               \
            }                                                                                     \
      }                                                                                           \
      for (int j = 0; j < 8; j++) acc = fold(op, acc, l[j]);                                      \
    }                                                                                             \
    for (; i < n; i++) acc = fold(op, acc, (double)x[i * s]);                                     \
    return acc;                                                                                   \
  }
SPAN(span_f, float)
SPAN(span_d, double)
SPAN(span_i, int32_t)

static double span(int op, int dtype, const char *p, int64_t n, int64_t s, double acc) {
  switch (dtype) {
    case NNC_F32: return span_f(op, (const float *)p, n, s, acc);
    case NNC_F64: return span_d(op, (const double *)p, n, s, acc);
    default: return span_i(op, (const int32_t *)p, n, s, acc);
  }
}

/* Folds a row of n elements (stride s) into acc[0..n) elementwise. */
#define ROWFOLD(NAME, T)                                                                         \
  static void NAME(int op, const T *x, int64_t n, int64_t s, double *restrict acc) {             \
    switch (op) {                                                                                 \
      case NNC_SUM:                                                                               \
        if (s == 1) for (int64_t j = 0; j < n; j++) acc[j] += (double)x[j];                       \
        else for (int64_t j = 0; j < n; j++) acc[j] += (double)x[j * s];                          \
        break;                                                                                    \
      case NNC_PROD:                                                                              \
        for (int64_t j = 0; j < n; j++) acc[j] *= (double)x[j * s];                               \
        break;                                                                                    \
      case NNC_MAX:                                                                               \
        for (int64_t j = 0; j < n; j++) {                                                         \
          const double v = x[j * s];                                                              \
          acc[j] = v > acc[j] || v != v ? v : acc[j];                                             \
        }                                                                                         \
        break;                                                                                    \
      default:                                                                                    \
        for (int64_t j = 0; j < n; j++) {                                                         \
          const double v = x[j * s];                                                              \
          acc[j] = v < acc[j] || v != v ? v : acc[j];                                             \
        }                                                                                         \
    }                                                                                             \
  }
ROWFOLD(rowfold_f, float)
ROWFOLD(rowfold_d, double)
ROWFOLD(rowfold_i, int32_t)

static void rowfold(int op, int dtype, const char *p, int64_t n, int64_t s, double *acc) {
  switch (dtype) {
    case NNC_F32: rowfold_f(op, (const float *)p, n, s, acc); break;
    case NNC_F64: rowfold_d(op, (const double *)p, n, s, acc); break;
    default: rowfold_i(op, (const int32_t *)p, n, s, acc); break;
  }
}

/* A multi-index walker over a plan (one operand, element strides). */
typedef struct {
  const nnc_plan *p;
  int64_t coord[NNC_MAX_DIMS];
  int64_t off;
} walker;

static void walk_start(walker *w, const nnc_plan *p, int64_t linear) {
  w->p = p;
  w->off = 0;
  for (int d = p->ndim - 1; d >= 0; d--) {
    w->coord[d] = linear % p->shape[d];
    linear /= p->shape[d];
    w->off += w->coord[d] * p->st[0][d];
  }
}

/* Moves to the next row start (innermost coordinate 0): the caller consumes whole rows. */
static void walk_next_row(walker *w) {
  const nnc_plan *p = w->p;
  for (int d = p->ndim - 2; d >= 0; d--) {
    w->coord[d]++;
    w->off += p->st[0][d];
    if (w->coord[d] < p->shape[d]) return;
    w->coord[d] = 0;
    w->off -= p->shape[d] * p->st[0][d];
  }
}

/* Folds the whole reduced space (plan r, rows of r->shape[last]) starting at x into acc. */
static double fold_space(int op, int dtype, const char *x, const nnc_plan *r, int64_t begin,
                         int64_t end, double acc) {
  const int L = r->ndim - 1;
  const int64_t n = r->shape[L], s = r->st[0][L];
  const int64_t es = nnc_elsize(dtype);
  walker w;
  walk_start(&w, r, begin);
  int64_t i = begin;
  while (i < end) {
    int64_t c = w.coord[L];
    int64_t cnt = n - c < end - i ? n - c : end - i;
    acc = span(op, dtype, x + (w.off) * es, cnt, s, acc);
    i += cnt;
    w.off -= c * s;
    w.coord[L] = 0;
    walk_next_row(&w);
  }
  return acc;
}

typedef struct {
  int op, dtype;
  const nnc_arr *x, *o;
  nnc_plan kept;   /* kept dims: operand 0 = out strides, operand 1 = x strides */
  nnc_plan red;    /* reduced dims: operand 0 = x strides */
  double *partial; /* per-chunk partial results for a split reduction */
  int64_t chunks;
  int rc;
} reduce_job;

/* Kept index q → (out offset, x offset). */
static void kept_offsets(const nnc_plan *k, int64_t q, int64_t *oo, int64_t *xo) {
  int64_t a = 0, b = 0;
  for (int d = k->ndim - 1; d >= 0; d--) {
    const int64_t c = q % k->shape[d];
    q /= k->shape[d];
    a += c * k->st[0][d];
    b += c * k->st[1][d];
  }
  *oo = a, *xo = b;
}

/* Strategy A: every output element folds its reduced space. */
static void reduce_each(void *ctx, int64_t b, int64_t e) {
  reduce_job *j = ctx;
  const int64_t es = nnc_elsize(j->dtype);
  const char *xb = j->x->data + j->x->off * es;
  char *ob = j->o->data + j->o->off * es;
  for (int64_t q = b; q < e; q++) {
    int64_t oo, xo;
    kept_offsets(&j->kept, q, &oo, &xo);
    double acc = fold_space(j->op, j->dtype, xb + xo * es, &j->red, 0, j->red.size, INITIAL[j->op]);
    st(ob, j->dtype, oo, acc);
  }
}

/* Strategy A for few outputs: split one output's reduced space across threads. */
static void reduce_split(void *ctx, int64_t b, int64_t e) {
  reduce_job *j = ctx;
  const int64_t es = nnc_elsize(j->dtype);
  const char *xb = j->x->data + j->x->off * es;
  for (int64_t c = b; c < e; c++) {
    const int64_t lo = j->red.size * c / j->chunks, hi = j->red.size * (c + 1) / j->chunks;
    j->partial[c] = fold_space(j->op, j->dtype, xb, &j->red, lo, hi, INITIAL[j->op]);
  }
}

/* Strategy B: the innermost kept dimension is a row; accumulate rows of x into a row of doubles. */
#define ROW_CHUNK 1024
static void reduce_rows(void *ctx, int64_t b, int64_t e) {
  reduce_job *j = ctx;
  const int64_t es = nnc_elsize(j->dtype);
  const char *xb = j->x->data + j->x->off * es;
  char *ob = j->o->data + j->o->off * es;
  const nnc_plan *k = &j->kept, *r = &j->red;
  const int KL = k->ndim - 1, RL = r->ndim - 1;
  const int64_t rowLen = k->shape[KL], perRow = (rowLen + ROW_CHUNK - 1) / ROW_CHUNK;
  const int64_t so = k->st[0][KL], sx = k->st[1][KL];
  double acc[ROW_CHUNK];
  for (int64_t u = b; u < e; u++) {
    const int64_t row = u / perRow, c0 = (u % perRow) * ROW_CHUNK;
    const int64_t n = rowLen - c0 < ROW_CHUNK ? rowLen - c0 : ROW_CHUNK;
    int64_t oo, xo;
    kept_offsets(k, row * rowLen, &oo, &xo);
    oo += c0 * so;
    xo += c0 * sx;
    for (int64_t t = 0; t < n; t++) acc[t] = INITIAL[j->op];
    walker w;
    walk_start(&w, r, 0);
    const int64_t rn = r->shape[RL], rs = r->st[0][RL];
    for (int64_t i = 0; i < r->size; i += rn) {
      for (int64_t t = 0; t < rn; t++)
        rowfold(j->op, j->dtype, xb + (xo + w.off + t * rs) * es, n, sx, acc);
      walk_next_row(&w);
    }
    for (int64_t t = 0; t < n; t++) st(ob, j->dtype, oo + t * so, acc[t]);
  }
}

int32_t nnc_reduce(const double *desc, int32_t desc_bytes, void *out, const void *x) {
  static const char *op = "reduce";
  nnc_arr o, a;
  int64_t code, naxes;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) ||
      (rc = nnc_param(desc, 0, 0, 3, op, "op code", &code)) ||
      (rc = nnc_parse(desc, 0, out, "reduce: out", &o)) || (rc = nnc_parse(desc, 1, x, "reduce: x", &a)) ||
      (rc = nnc_require_dtype(&a, o.dtype, op, "x")) ||
      (rc = nnc_require_contiguous(&o, op, "out")) ||
      (rc = nnc_param(desc, 1, 0, a.ndim, op, "axis count", &naxes)))
    return rc;
  if (o.ndim != a.ndim) return nnc_fail(NNC_E_ARG, "reduce: out has %d dimensions, x has %d", o.ndim, a.ndim);
  int isred[NNC_MAX_DIMS] = {0};
  for (int i = 0; i < naxes; i++) {
    int64_t ax;
    if ((rc = nnc_param(desc, 2 + i, 0, a.ndim - 1, op, "axis", &ax))) return rc;
    if (isred[ax]) return nnc_fail(NNC_E_ARG, "reduce: axis %lld listed twice", (long long)ax);
    isred[ax] = 1;
  }
  for (int d = 0; d < a.ndim; d++) {
    const int64_t want = isred[d] ? 1 : a.shape[d];
    if (o.shape[d] != want)
      return nnc_fail(NNC_E_ARG, "reduce: out.shape[%d] = %lld, expected %lld", d,
                      (long long)o.shape[d], (long long)want);
  }
  if (o.size == 0) return NNC_OK;
  reduce_job j = {.op = (int)code, .dtype = o.dtype, .x = &a, .o = &o};
  /* Kept and reduced sub-spaces, each with merged dimensions. */
  int64_t ks[NNC_MAX_DIMS], kso[NNC_MAX_DIMS], ksx[NNC_MAX_DIMS], rsh[NNC_MAX_DIMS], rsx[NNC_MAX_DIMS];
  int nk = 0, nr = 0;
  int64_t ostr[NNC_MAX_DIMS], acc = 1;
  for (int d = a.ndim - 1; d >= 0; d--) ostr[d] = acc, acc *= o.shape[d];
  for (int d = 0; d < a.ndim; d++) {
    if (isred[d]) rsh[nr] = a.shape[d], rsx[nr++] = a.strides[d];
    else ks[nk] = a.shape[d], kso[nk] = o.shape[d] == 1 ? 0 : ostr[d], ksx[nk++] = a.strides[d];
  }
  const int64_t *kst[2] = {kso, ksx}, *rst[1] = {rsx};
  nnc_plan_make(&j.kept, 2, nk, ks, kst);
  nnc_plan_make(&j.red, 1, nr, rsh, rst);
  const int64_t outs = j.kept.size, R = j.red.size;
  if (R == 0) {
    /* Empty reduction: the identity of the op. */
    for (int64_t q = 0; q < outs; q++) {
      int64_t oo, xo;
      kept_offsets(&j.kept, q, &oo, &xo);
      st(o.data + o.off * nnc_elsize(o.dtype), o.dtype, oo, INITIAL[code]);
    }
    return NNC_OK;
  }
  const int KL = j.kept.ndim - 1;
  const int64_t rowLen = j.kept.shape[KL];
  const int T = nnc_threads();
  if (outs > 1 && rowLen >= 8 && j.kept.st[1][KL] == 1 && R > 1) {
    const int64_t units = outs / rowLen * ((rowLen + ROW_CHUNK - 1) / ROW_CHUNK);
    int64_t grain = 32768 / (R * (rowLen < ROW_CHUNK ? rowLen : ROW_CHUNK));
    nnc_parallel_for(units, grain < 1 ? 1 : grain, reduce_rows, &j);
  } else if (outs < T && R >= 65536) {
    double partial[64];
    j.partial = partial;
    j.chunks = T < 64 ? T : 64;
    for (int64_t q = 0; q < outs; q++) {
      int64_t oo, xo;
      kept_offsets(&j.kept, q, &oo, &xo);
      nnc_arr sub = a;
      sub.off = a.off + xo;
      j.x = &sub;
      nnc_parallel_for(j.chunks, 1, reduce_split, &j);
      double v = INITIAL[code];
      for (int64_t c = 0; c < j.chunks; c++) v = fold((int)code, v, partial[c]);
      st(o.data + o.off * nnc_elsize(o.dtype), o.dtype, oo, v);
    }
    j.x = &a;
  } else {
    int64_t grain = 32768 / R;
    nnc_parallel_for(outs, grain < 1 ? 1 : grain, reduce_each, &j);
  }
  return NNC_OK;
}

/* ---------------- argmax / argmin ---------------- */

typedef struct {
  const nnc_arr *x, *o;
  nnc_plan outer; /* operand 0 = out, 1 = x */
  int64_t n, s;
  double sgn;
} arg_job;

static void arg_rows(void *ctx, int64_t b, int64_t e) {
  arg_job *j = ctx;
  const int dt = j->x->dtype;
  const int64_t es = nnc_elsize(dt);
  const char *xb = j->x->data + j->x->off * es;
  int32_t *ob = (int32_t *)j->o->data + j->o->off;
  for (int64_t q = b; q < e; q++) {
    int64_t oo, xo;
    kept_offsets(&j->outer, q, &oo, &xo);
    const char *p = xb + xo * es;
    int64_t best = 0;
    double bv = ld(p, dt, 0) * j->sgn;
    if (bv == bv) {
      for (int64_t i = 1; i < j->n; i++) {
        const double v = ld(p, dt, i * j->s) * j->sgn;
        if (v > bv || v != v) {
          best = i;
          bv = v;
          if (v != v) break;
        }
      }
    }
    ob[oo] = (int32_t)best;
  }
}

int32_t nnc_arg_reduce(const double *desc, int32_t desc_bytes, void *out, const void *x) {
  static const char *op = "argReduce";
  nnc_arr o, a;
  int64_t code, axis;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) ||
      (rc = nnc_param(desc, 0, 0, 1, op, "op code", &code)) ||
      (rc = nnc_parse(desc, 0, out, "argReduce: out", &o)) ||
      (rc = nnc_parse(desc, 1, x, "argReduce: x", &a)) ||
      (rc = nnc_require_dtype(&o, NNC_I32, op, "out")))
    return rc;
  if (a.ndim < 1) return nnc_fail(NNC_E_ARG, "argReduce: x must have at least one dimension");
  if ((rc = nnc_param(desc, 1, 0, a.ndim - 1, op, "axis", &axis))) return rc;
  if (o.ndim != a.ndim) return nnc_fail(NNC_E_ARG, "argReduce: out has %d dimensions, x has %d", o.ndim, a.ndim);
  for (int d = 0; d < a.ndim; d++) {
    const int64_t want = d == axis ? 1 : a.shape[d];
    if (o.shape[d] != want)
      return nnc_fail(NNC_E_ARG, "argReduce: out.shape[%d] = %lld, expected %lld", d,
                      (long long)o.shape[d], (long long)want);
  }
  if (o.size == 0) return NNC_OK;
  if (a.shape[axis] == 0) return nnc_fail(NNC_E_ARG, "argReduce: axis %lld is empty", (long long)axis);
  arg_job j = {.x = &a, .o = &o, .n = a.shape[axis], .s = a.strides[axis], .sgn = code == 0 ? 1.0 : -1.0};
  int64_t sh[NNC_MAX_DIMS], so[NNC_MAX_DIMS], sx[NNC_MAX_DIMS];
  int k = 0;
  for (int d = 0; d < a.ndim; d++)
    if (d != axis) sh[k] = a.shape[d], so[k] = o.strides[d], sx[k++] = a.strides[d];
  const int64_t *sts[2] = {so, sx};
  nnc_plan_make(&j.outer, 2, k, sh, sts);
  int64_t grain = 16384 / j.n;
  nnc_parallel_for(j.outer.size, grain < 1 ? 1 : grain, arg_rows, &j);
  return NNC_OK;
}

/* ---------------- softmax ---------------- */

typedef struct {
  const nnc_arr *x, *o;
  nnc_plan outer;
  int64_t n, sx, so;
  int log;
  int rc;
} softmax_job;

static void softmax_rows(void *ctx, int64_t b, int64_t e) {
  softmax_job *j = ctx;
  const int dt = j->x->dtype;
  const int64_t es = nnc_elsize(dt), n = j->n;
  const char *xb = j->x->data + j->x->off * es;
  char *ob = j->o->data + j->o->off * es;
  double *const buf = nnc_scratch(0, (size_t)(2 * n) * sizeof(double));
  if (!buf) {
    j->rc = NNC_E_NOMEM;
    return;
  }
  for (int64_t q = b; q < e; q++) {
    double *t = buf;
    int64_t oo, xo;
    kept_offsets(&j->outer, q, &oo, &xo);
    const char *p = xb + xo * es;
    if (dt == NNC_F32 && j->sx == 1) {
      const float *f = (const float *)p;
      for (int64_t i = 0; i < n; i++) t[i] = f[i];
    } else {
      for (int64_t i = 0; i < n; i++) t[i] = ld(p, dt, i * j->sx);
    }
    /* The maximum as a select and a NaN flag, so that the loop vectorises (only the sign of a zero
     * maximum can depend on the order, and it changes neither t − max nor max + log(sum)). */
    double mx = -INFINITY;
    int nan = 0;
    for (int64_t i = 0; i < n; i++) {
      nan |= t[i] != t[i];
      mx = t[i] > mx ? t[i] : mx;
    }
    if (nan) mx = NAN;
    if (mx == -INFINITY) mx = 0;
    double *ex = t + n;
    /* exp in its own loop (vectorised), then the sum as eight lane sums (lane i mod 8 in order,
     * combined pairwise: the JS kernel's order, tensor/js/softmax.ts), which vectorise too where
     * one ordered sum waits on each add (W5's loss: 0.8 -> 0.3 ms a call). */
    for (int64_t i = 0; i < n; i++) ex[i] = exp(t[i] - mx);
    double lanes[NNC_LANES] = {0};
    int64_t i0 = 0;
    for (; i0 + NNC_LANES <= n; i0 += NNC_LANES)
      for (int l = 0; l < NNC_LANES; l++) lanes[l] += ex[i0 + l];
    for (int l = 0; i0 + l < n; l++) lanes[l] += ex[i0 + l];
    const double s = nnc_lane_total(lanes);
    if (j->log) {
      const double lse = mx + log(s);
      if (dt == NNC_F32 && j->so == 1) {
        float *f = (float *)ob + oo;
        for (int64_t i = 0; i < n; i++) f[i] = (float)(t[i] - lse);
      } else {
        for (int64_t i = 0; i < n; i++) st(ob, dt, oo + i * j->so, t[i] - lse);
      }
    } else {
      t = ex;
      const double inv = 1 / s;
      if (dt == NNC_F32 && j->so == 1) {
        float *f = (float *)ob + oo;
        for (int64_t i = 0; i < n; i++) f[i] = (float)(t[i] * inv);
      } else {
        for (int64_t i = 0; i < n; i++) st(ob, dt, oo + i * j->so, t[i] * inv);
      }
    }
  }
}

int32_t nnc_softmax(const double *desc, int32_t desc_bytes, void *out, const void *x) {
  static const char *op = "softmax";
  nnc_arr o, a;
  int64_t axis, lg;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "softmax: out", &o)) ||
      (rc = nnc_parse(desc, 1, x, "softmax: x", &a)) || (rc = nnc_require_shape(&a, &o, op, "x", "out")) ||
      (rc = nnc_require_dtype(&a, o.dtype, op, "x")) || (rc = nnc_param(desc, 1, 0, 1, op, "log flag", &lg)))
    return rc;
  if (a.ndim < 1) return nnc_fail(NNC_E_ARG, "softmax: x must have at least one dimension");
  if ((rc = nnc_param(desc, 0, 0, a.ndim - 1, op, "axis", &axis))) return rc;
  if (o.size == 0) return NNC_OK;
  softmax_job j = {.x = &a, .o = &o, .n = a.shape[axis], .sx = a.strides[axis], .so = o.strides[axis], .log = (int)lg};
  int64_t sh[NNC_MAX_DIMS], so[NNC_MAX_DIMS], sx[NNC_MAX_DIMS];
  int k = 0;
  for (int d = 0; d < a.ndim; d++)
    if (d != axis) sh[k] = a.shape[d], so[k] = o.strides[d], sx[k++] = a.strides[d];
  const int64_t *sts[2] = {so, sx};
  nnc_plan_make(&j.outer, 2, k, sh, sts);
  int64_t grain = 4096 / j.n;
  nnc_parallel_for(j.outer.size, grain < 1 ? 1 : grain, softmax_rows, &j);
  return j.rc;
}

/* ---------------- cumulative ---------------- */

typedef struct {
  const nnc_arr *x, *o;
  int prod;
  int64_t A, sxA, soA;   /* scanned axis */
  nnc_plan outer;        /* dims before the axis: operand 0 = out, 1 = x */
  nnc_plan inner;        /* dims after the axis: 0 = out, 1 = x, 2 = accumulator (contiguous) */
  int64_t innerSize, chunks;
  int rc;
} cum_job;

#define CUM_CHUNK 2048

typedef struct {
  int dt, prod, first;
} cum_row_ctx;

/* One row of the inner block at step t: acc = (first ? x : acc op x); out = acc. */
static void cum_row(void *ctx, int64_t n, char **p, const int64_t *s) {
  const cum_row_ctx *c = ctx;
  double *acc = (double *)p[2];
  const int64_t so = s[0], sx = s[1], sa = s[2];
  for (int64_t i = 0; i < n; i++) {
    const double v = ld(p[1], c->dt, i * sx);
    double *a = acc + i * sa;
    *a = c->first ? v : c->prod ? *a * v : *a + v;
    st(p[0], c->dt, i * so, *a);
  }
}

/* One row along the scanned axis with a double running value (JS semantics). */
#define SCAN(T, CONV)                                                                            \
  do {                                                                                            \
    const T *x = (const T *)xb + xo;                                                              \
    T *o = (T *)ob + oo;                                                                          \
    const int64_t sx = j->sxA, so = j->soA, A = j->A;                                             \
    double acc = j->prod ? 1.0 : 0.0;                                                             \
    if (j->prod)                                                                                  \
      for (int64_t t = 0; t < A; t++) o[t * so] = CONV(acc *= (double)x[t * sx]);                 \
    else                                                                                          \
      for (int64_t t = 0; t < A; t++) o[t * so] = CONV(acc += (double)x[t * sx]);                 \
  } while (0)

static void cum_units(void *ctx, int64_t b, int64_t e) {
  cum_job *j = ctx;
  const int dt = j->x->dtype;
  const int64_t es = nnc_elsize(dt);
  char *xb = j->x->data + j->x->off * es;
  char *ob = j->o->data + j->o->off * es;
  if (j->innerSize == 1) {
    for (int64_t q = b; q < e; q++) {
      int64_t oo, xo;
      kept_offsets(&j->outer, q, &oo, &xo);
      switch (dt) {
        case NNC_F32: SCAN(float, (float)); break;
        case NNC_F64: SCAN(double, (double)); break;
        default: SCAN(int32_t, js_toint32); break;
      }
    }
    return;
  }
  double acc[CUM_CHUNK];
  const int es3[3] = {(int)es, (int)es, 8};
  for (int64_t u = b; u < e; u++) {
    const int64_t q = u / j->chunks, c = u % j->chunks;
    const int64_t lo = c * CUM_CHUNK;
    const int64_t hi = lo + CUM_CHUNK < j->innerSize ? lo + CUM_CHUNK : j->innerSize;
    int64_t oo, xo;
    kept_offsets(&j->outer, q, &oo, &xo);
    for (int64_t t = 0; t < j->A; t++) {
      cum_row_ctx rc = {dt, j->prod, t == 0};
      char *base[3] = {ob + (oo + t * j->soA) * es, xb + (xo + t * j->sxA) * es,
                       (char *)acc - lo * 8};
      nnc_plan_range(&j->inner, base, es3, lo, hi, cum_row, &rc);
    }
  }
}

int32_t nnc_cumulative(const double *desc, int32_t desc_bytes, void *out, const void *x) {
  static const char *op = "cumulative";
  nnc_arr o, a;
  int64_t code, axis;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) ||
      (rc = nnc_param(desc, 0, 0, 1, op, "op code", &code)) ||
      (rc = nnc_parse(desc, 0, out, "cumulative: out", &o)) ||
      (rc = nnc_parse(desc, 1, x, "cumulative: x", &a)) ||
      (rc = nnc_require_shape(&a, &o, op, "x", "out")) || (rc = nnc_require_dtype(&a, o.dtype, op, "x")))
    return rc;
  if (a.ndim == 0) {
    if (o.size) st(o.data + o.off * nnc_elsize(o.dtype), o.dtype, 0, ld(a.data + a.off * nnc_elsize(a.dtype), a.dtype, 0));
    return NNC_OK;
  }
  if ((rc = nnc_param(desc, 1, 0, a.ndim - 1, op, "axis", &axis))) return rc;
  if (o.size == 0) return NNC_OK;
  cum_job j = {.x = &a, .o = &o, .prod = (int)code, .A = a.shape[axis], .sxA = a.strides[axis], .soA = o.strides[axis]};
  int64_t ish[NNC_MAX_DIMS], iso[NNC_MAX_DIMS], isx[NNC_MAX_DIMS], isa[NNC_MAX_DIMS];
  int ni = 0;
  for (int d = axis + 1; d < a.ndim; d++) ish[ni] = a.shape[d], iso[ni] = o.strides[d], isx[ni++] = a.strides[d];
  int64_t acc = 1;
  for (int d = ni - 1; d >= 0; d--) isa[d] = ish[d] == 1 ? 0 : acc, acc *= ish[d];
  j.innerSize = acc;
  const int64_t *ist[3] = {iso, isx, isa};
  nnc_plan_make(&j.inner, 3, ni, ish, ist);
  const int64_t *ost[2] = {o.strides, a.strides};
  nnc_plan_make(&j.outer, 2, (int)axis, a.shape, ost);
  j.chunks = (j.innerSize + CUM_CHUNK - 1) / CUM_CHUNK;
  const int64_t units = j.outer.size * (j.innerSize == 1 ? 1 : j.chunks);
  const int64_t perUnit = j.A * (j.innerSize < CUM_CHUNK ? j.innerSize : CUM_CHUNK);
  int64_t grain = 16384 / (perUnit ? perUnit : 1);
  nnc_parallel_for(units, grain < 1 ? 1 : grain, cum_units, &j);
  return NNC_OK;
}
