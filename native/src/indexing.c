/* gather, scatterAdd and indexSelect. Every index value is checked against its axis: an index
 * out of range is an error (NNC_E_BOUNDS), never a stray read or write. */
#include "internal.h"

/* Copies one element of dtype-size es. */
static inline void copy_el(char *dst, const char *src, int64_t es) {
  if (es == 8) memcpy(dst, src, 8);
  else memcpy(dst, src, 4);
}

typedef struct {
  const nnc_arr *o, *x, *ix, *src;
  int axis;
  nnc_plan plan; /* over index.shape: 0 = out (or x for scatter), 1 = x (or src), 2 = index */
  int64_t axisLen, axisStride;
  int bad;
  int64_t badValue;
} idx_job;

/* Offsets of linear position q of a 3-operand plan. */
static void offsets3(const nnc_plan *p, int64_t q, int64_t *a, int64_t *b, int64_t *c) {
  int64_t x = 0, y = 0, z = 0;
  for (int d = p->ndim - 1; d >= 0; d--) {
    const int64_t k = q % p->shape[d];
    q /= p->shape[d];
    x += k * p->st[0][d], y += k * p->st[1][d], z += k * p->st[2][d];
  }
  *a = x, *b = y, *c = z;
}

static void gather_task(void *ctx, int64_t b, int64_t e) {
  idx_job *j = ctx;
  const int64_t es = nnc_elsize(j->o->dtype);
  char *ob = j->o->data + j->o->off * es;
  const char *xb = j->x->data + j->x->off * es;
  const int32_t *ib = (const int32_t *)j->ix->data + j->ix->off;
  const int L = j->plan.ndim - 1;
  const int64_t n = j->plan.shape[L];
  const int64_t so = j->plan.st[0][L], sx = j->plan.st[1][L], si = j->plan.st[2][L];
  for (int64_t r = b; r < e; r++) {
    int64_t oo, xo, io;
    offsets3(&j->plan, r * n, &oo, &xo, &io);
    for (int64_t t = 0; t < n; t++) {
      const int32_t v = ib[io + t * si];
      if ((uint64_t)(int64_t)v >= (uint64_t)j->axisLen) {
        j->bad = 1, j->badValue = v;
        return;
      }
      copy_el(ob + (oo + t * so) * es, xb + (xo + t * sx + v * j->axisStride) * es, es);
    }
  }
}

/* Common checks: index int32 with x's rank; every non-axis extent of index within x's (and
 * `exact` requires equality for `other`). */
static int check_index_shape(const char *op, const nnc_arr *ix, const nnc_arr *x, int axis,
                             int all_dims, const char *xname) {
  if (ix->ndim != x->ndim)
    return nnc_fail(NNC_E_ARG, "%s: index has %d dimensions, %s has %d", op, ix->ndim, xname, x->ndim);
  for (int d = 0; d < x->ndim; d++)
    if ((all_dims || d != axis) && ix->shape[d] > x->shape[d])
      return nnc_fail(NNC_E_ARG, "%s: index.shape[%d] = %lld exceeds %s.shape[%d] = %lld", op, d,
                      (long long)ix->shape[d], xname, d, (long long)x->shape[d]);
  return NNC_OK;
}

static int rank_axis(const double *desc, const char *op, int ndim, int *axis) {
  int64_t ax;
  int rc = nnc_param(desc, 0, 0, ndim > 0 ? ndim - 1 : 0, op, "axis", &ax);
  *axis = (int)ax;
  return rc;
}

int32_t nnc_gather(const double *desc, int32_t desc_bytes, void *out, const void *x,
                   const void *index) {
  static const char *op = "gather";
  nnc_arr o, a, ix;
  int axis, rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "gather: out", &o)) ||
      (rc = nnc_parse(desc, 1, x, "gather: x", &a)) || (rc = nnc_parse(desc, 2, index, "gather: index", &ix)) ||
      (rc = nnc_require_dtype(&ix, NNC_I32, op, "index")) || (rc = nnc_require_dtype(&o, a.dtype, op, "out")) ||
      (rc = nnc_require_shape(&o, &ix, op, "out", "index")) || (rc = rank_axis(desc, op, a.ndim, &axis)) ||
      (rc = check_index_shape(op, &ix, &a, axis, 0, "x")))
    return rc;
  if (ix.size == 0) return NNC_OK;
  if (a.ndim == 0) {
    /* A 0-d gather: the index must be 0. */
    const int32_t v = ((const int32_t *)ix.data)[ix.off];
    if (v != 0) return nnc_fail(NNC_E_BOUNDS, "gather: index %d is out of range for a 0-d array", v);
    copy_el(nnc_at(&o, o.off), nnc_at(&a, a.off), nnc_elsize(a.dtype));
    return NNC_OK;
  }
  idx_job j = {.o = &o, .x = &a, .ix = &ix, .axis = axis, .axisLen = a.shape[axis], .axisStride = a.strides[axis]};
  int64_t xs[NNC_MAX_DIMS];
  memcpy(xs, a.strides, sizeof xs);
  xs[axis] = 0; /* the index supplies the position along the axis */
  const int64_t *sts[3] = {o.strides, xs, ix.strides};
  nnc_plan_make(&j.plan, 3, ix.ndim, ix.shape, sts);
  const int64_t n = j.plan.shape[j.plan.ndim - 1];
  int64_t grain = 16384 / n;
  nnc_parallel_for(j.plan.size / n, grain < 1 ? 1 : grain, gather_task, &j);
  if (j.bad)
    return nnc_fail(NNC_E_BOUNDS, "gather: index %lld is out of range for axis %d of size %lld",
                    (long long)j.badValue, axis, (long long)j.axisLen);
  return NNC_OK;
}

#define SCATTER(T, CONV)                                                                         \
  for (int64_t r = 0; r < rows; r++) {                                                            \
    int64_t oo, so, io;                                                                           \
    offsets3(&p, r * n, &oo, &so, &io);                                                           \
    for (int64_t t = 0; t < n; t++) {                                                             \
      const int32_t v = ib[io + t * si];                                                          \
      if ((uint64_t)(int64_t)v >= (uint64_t)len)                                                  \
        return nnc_fail(NNC_E_BOUNDS, "scatterAdd: index %d is out of range for axis %d of size %lld", \
                        v, axis, (long long)len);                                                 \
      T *dst = (T *)ob + oo + t * sO + v * oa;                                                    \
      *dst = CONV(*dst + ((const T *)sb)[so + t * sS]);                                           \
    }                                                                                             \
  }

int32_t nnc_scatter_add(const double *desc, int32_t desc_bytes, void *out, const void *index,
                        const void *src) {
  static const char *op = "scatterAdd";
  nnc_arr o, ix, s;
  int axis, rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "scatterAdd: out", &o)) ||
      (rc = nnc_parse(desc, 1, index, "scatterAdd: index", &ix)) ||
      (rc = nnc_parse(desc, 2, src, "scatterAdd: src", &s)) ||
      (rc = nnc_require_dtype(&ix, NNC_I32, op, "index")) || (rc = nnc_require_dtype(&s, o.dtype, op, "src")) ||
      (rc = rank_axis(desc, op, o.ndim, &axis)) || (rc = check_index_shape(op, &ix, &o, axis, 0, "out")) ||
      (rc = check_index_shape(op, &ix, &s, axis, 1, "src")))
    return rc;
  if (ix.size == 0) return NNC_OK;
  const int64_t es = nnc_elsize(o.dtype);
  if (o.ndim == 0) {
    const int32_t v = ((const int32_t *)ix.data)[ix.off];
    if (v != 0) return nnc_fail(NNC_E_BOUNDS, "scatterAdd: index %d is out of range for a 0-d array", v);
  }
  /* Serial on purpose: repeated indices add in index order, as in the JS backend. */
  nnc_plan p;
  int64_t os[NNC_MAX_DIMS];
  memcpy(os, o.strides, sizeof os);
  const int64_t oa = o.ndim ? o.strides[axis] : 0, len = o.ndim ? o.shape[axis] : 1;
  if (o.ndim) os[axis] = 0;
  const int64_t *sts[3] = {os, s.strides, ix.strides};
  nnc_plan_make(&p, 3, ix.ndim, ix.shape, sts);
  const int L = p.ndim - 1;
  const int64_t n = p.shape[L], rows = p.size / n;
  const int64_t sO = p.st[0][L], sS = p.st[1][L], si = p.st[2][L];
  char *ob = o.data + o.off * es;
  const char *sb = s.data + s.off * es;
  const int32_t *ib = (const int32_t *)ix.data + ix.off;
  switch (o.dtype) {
    case NNC_F32: SCATTER(float, (float)); break;
    case NNC_F64: SCATTER(double, (double)); break;
    default: {
#define ADDI(v) js_toint32((double)(v))
      /* int32: the sum in double, then ToInt32, as a JS Int32Array store does. */
      for (int64_t r = 0; r < rows; r++) {
        int64_t oo, so, io;
        offsets3(&p, r * n, &oo, &so, &io);
        for (int64_t t = 0; t < n; t++) {
          const int32_t v = ib[io + t * si];
          if ((uint64_t)(int64_t)v >= (uint64_t)len)
            return nnc_fail(NNC_E_BOUNDS, "scatterAdd: index %d is out of range for axis %d of size %lld", v, axis,
                            (long long)len);
          int32_t *dst = (int32_t *)ob + oo + t * sO + v * oa;
          *dst = ADDI((double)*dst + (double)((const int32_t *)sb)[so + t * sS]);
        }
      }
#undef ADDI
    }
  }
  return NNC_OK;
}

typedef struct {
  const nnc_arr *o, *x;
  int axis;
  nnc_plan outer; /* dims before axis: 0 = out, 1 = x */
  nnc_plan inner; /* dims after axis: 0 = out, 1 = x */
  const int64_t *axisOff;
  int64_t m, soA;
} sel_job;

static void sel_row(void *ctx, int64_t n, char **p, const int64_t *s) {
  const int64_t es = *(const int64_t *)ctx;
  if (s[0] == 1 && s[1] == 1) {
    memcpy(p[0], p[1], (size_t)(n * es));
    return;
  }
  for (int64_t i = 0; i < n; i++) copy_el(p[0] + i * s[0] * es, p[1] + i * s[1] * es, es);
}

static void sel_task(void *ctx, int64_t b, int64_t e) {
  sel_job *j = ctx;
  int64_t es = nnc_elsize(j->x->dtype);
  char *ob = j->o->data + j->o->off * es;
  char *xb = j->x->data + j->x->off * es;
  const int es2[2] = {(int)es, (int)es};
  for (int64_t u = b; u < e; u++) {
    const int64_t q = u / j->m, t = u % j->m;
    int64_t oo = 0, xo = 0, r = q;
    for (int d = j->outer.ndim - 1; d >= 0; d--) {
      const int64_t c = r % j->outer.shape[d];
      r /= j->outer.shape[d];
      oo += c * j->outer.st[0][d], xo += c * j->outer.st[1][d];
    }
    char *base[2] = {ob + (oo + t * j->soA) * es, xb + (xo + j->axisOff[t]) * es};
    nnc_plan_range(&j->inner, base, es2, 0, j->inner.size, sel_row, &es);
  }
}

int32_t nnc_index_select(const double *desc, int32_t desc_bytes, void *out, const void *x,
                         const void *index) {
  static const char *op = "indexSelect";
  nnc_arr o, a, ix;
  int axis, rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "indexSelect: out", &o)) ||
      (rc = nnc_parse(desc, 1, x, "indexSelect: x", &a)) ||
      (rc = nnc_parse(desc, 2, index, "indexSelect: index", &ix)) ||
      (rc = nnc_require_dtype(&ix, NNC_I32, op, "index")) || (rc = nnc_require_dtype(&o, a.dtype, op, "out")))
    return rc;
  if ((rc = rank_axis(desc, op, a.ndim, &axis))) return rc;
  if (ix.ndim > 1) return nnc_fail(NNC_E_ARG, "indexSelect: index must be 0-d or 1-d, got %d dimensions", ix.ndim);
  if (a.ndim == 0) {
    /* A scalar behaves as shape [1]: the single index must be 0, the result is the scalar. */
    if (ix.size != 1 || o.size != 1)
      return nnc_fail(NNC_E_ARG, "indexSelect: a 0-d x takes exactly one index and one output element");
    const int32_t v = ((const int32_t *)ix.data)[ix.off];
    if (v != 0) return nnc_fail(NNC_E_BOUNDS, "indexSelect: index %d is out of range for axis 0 of size 1", v);
    copy_el(nnc_at(&o, o.off), nnc_at(&a, a.off), nnc_elsize(a.dtype));
    return NNC_OK;
  }
  if (o.ndim != a.ndim) return nnc_fail(NNC_E_ARG, "indexSelect: out has %d dimensions, x has %d", o.ndim, a.ndim);
  for (int d = 0; d < a.ndim; d++) {
    const int64_t want = d == axis ? ix.size : a.shape[d];
    if (o.shape[d] != want)
      return nnc_fail(NNC_E_ARG, "indexSelect: out.shape[%d] = %lld, expected %lld", d, (long long)o.shape[d],
                      (long long)want);
  }
  if (o.size == 0) return NNC_OK;
  const int64_t m = ix.size;
  int64_t *axisOff = nnc_alloc((size_t)m * sizeof(int64_t));
  if (!axisOff) return NNC_E_NOMEM;
  const int32_t *ib = (const int32_t *)ix.data + ix.off;
  const int64_t is = ix.ndim ? ix.strides[0] : 0;
  for (int64_t t = 0; t < m; t++) {
    const int32_t v = ib[t * is];
    if ((uint64_t)(int64_t)v >= (uint64_t)a.shape[axis]) {
      nnc_free(axisOff);
      return nnc_fail(NNC_E_BOUNDS, "indexSelect: index %d is out of range for axis %d of size %lld", v, axis,
                      (long long)a.shape[axis]);
    }
    axisOff[t] = v * a.strides[axis];
  }
  sel_job j = {.o = &o, .x = &a, .axis = axis, .axisOff = axisOff, .m = m, .soA = o.strides[axis]};
  const int64_t *ost[2] = {o.strides, a.strides};
  nnc_plan_make(&j.outer, 2, axis, a.shape, ost);
  const int64_t *ist[2] = {o.strides + axis + 1, a.strides + axis + 1};
  nnc_plan_make(&j.inner, 2, a.ndim - axis - 1, a.shape + axis + 1, ist);
  if (j.inner.size == 1 && j.outer.size * m > 1) {
    /* Selecting along the last axis: one element per (row, index). */
    const int64_t es = nnc_elsize(a.dtype);
    char *ob = o.data + o.off * es;
    const char *xb = a.data + a.off * es;
    for (int64_t q = 0; q < j.outer.size; q++) {
      int64_t oo = 0, xo = 0, r = q;
      for (int d = j.outer.ndim - 1; d >= 0; d--) {
        const int64_t c = r % j.outer.shape[d];
        r /= j.outer.shape[d];
        oo += c * j.outer.st[0][d], xo += c * j.outer.st[1][d];
      }
      for (int64_t t = 0; t < m; t++) copy_el(ob + (oo + t * j.soA) * es, xb + (xo + axisOff[t]) * es, es);
    }
  } else {
    int64_t grain = 16384 / j.inner.size;
    nnc_parallel_for(j.outer.size * m, grain < 1 ? 1 : grain, sel_task, &j);
  }
  nnc_free(axisOff);
  return NNC_OK;
}
