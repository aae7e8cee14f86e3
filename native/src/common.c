/* Operand validation, error messages and strided iteration (the worker pool is in pool.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

/* ---------------- errors ---------------- */

static __thread char t_err[512];

int nnc_fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t_err, sizeof t_err, fmt, ap);
  va_end(ap);
  return code;
}

int32_t nnc_last_error(char *buf, int32_t cap) {
  if (!buf || cap <= 0) return 0;
  size_t n = strlen(t_err);
  if (n >= (size_t)cap) n = (size_t)cap - 1;
  memcpy(buf, t_err, n);
  buf[n] = 0;
  return (int32_t)n;
}

int64_t nnc_check_flat_buffers(const double *c, int32_t c_bytes, int32_t need, int32_t dtype,
                               const void *const *bufs, const int *optional, int nbufs,
                               const char *op) {
  if (!c || c_bytes < need * (int32_t)sizeof(double))
    return nnc_fail(NNC_E_ARG, "%s: coefficient array must hold %d doubles", op, need);
  if (dtype != NNC_F32 && dtype != NNC_F64)
    return nnc_fail(NNC_E_UNSUPPORTED, "%s: dtype %d is not float32 or float64", op, (int)dtype);
  const double nd = c[0];
  if (!(nd >= 0 && nd <= 9007199254740991.0) || nd != floor(nd))
    return nnc_fail(NNC_E_ARG, "%s: n must be a non-negative integer, got %g", op, nd);
  const int64_t n = (int64_t)nd, es = dtype == NNC_F64 ? 8 : 4;
  for (int k = 0; k < nbufs; k++) {
    if (!bufs[k]) {
      if (optional[k] || n == 0) continue;
      return nnc_fail(NNC_E_ARG, "%s: buffer %d is null", op, k);
    }
    const double bytes = c[1 + k];
    if (!(bytes >= 0) || bytes < (double)n * (double)es)
      return nnc_fail(NNC_E_BOUNDS, "%s: buffer %d has %g bytes, needs %lld", op, k, bytes,
                      (long long)(n * es));
  }
  return n;
}

const char *nnc_dtype_name(int dtype) {
  switch (dtype) {
    case NNC_F32: return "float32";
    case NNC_F64: return "float64";
    case NNC_I32: return "int32";
    default: return "unknown";
  }
}

/* ---------------- descriptor parsing ---------------- */

#define MAX_EXACT 9007199254740992.0 /* 2^53 */

static int as_int(double v, int64_t *out) {
  if (!(v >= -MAX_EXACT && v <= MAX_EXACT)) return 0; /* also rejects NaN */
  int64_t i = (int64_t)v;
  if ((double)i != v) return 0;
  *out = i;
  return 1;
}

int nnc_check_desc(const double *desc, int32_t desc_bytes, const char *op) {
  if (!desc) return nnc_fail(NNC_E_ARG, "%s: descriptor is null", op);
  if (desc_bytes < (int32_t)(NNC_DESC_LEN * sizeof(double)))
    return nnc_fail(NNC_E_ARG, "%s: descriptor has %d bytes, expected at least %d", op,
                    (int)desc_bytes, (int)(NNC_DESC_LEN * sizeof(double)));
  return NNC_OK;
}

int nnc_param(const double *desc, int i, int64_t lo, int64_t hi, const char *op,
              const char *what, int64_t *v) {
  if (i < 0 || NNC_PARAMS + i >= NNC_DESC_LEN)
    return nnc_fail(NNC_E_ARG, "%s: parameter %d out of descriptor", op, i);
  double d = desc[NNC_PARAMS + i];
  if (!as_int(d, v) || *v < lo || *v > hi)
    return nnc_fail(NNC_E_ARG, "%s: %s must be an integer in [%lld, %lld], got %g", op, what,
                    (long long)lo, (long long)hi, d);
  return NNC_OK;
}

int nnc_parse(const double *desc, int k, const void *ptr, const char *name, nnc_arr *a) {
  const double *s = desc + k * NNC_SLOT;
  int64_t dtype, ndim, off, bytes;
  if (!as_int(s[0], &dtype) || dtype < 0 || dtype > 2)
    return nnc_fail(NNC_E_ARG, "%s: dtype code %g is not 0 (float32), 1 (float64) or 2 (int32)",
                    name, s[0]);
  if (!as_int(s[1], &ndim) || ndim < 0 || ndim > NNC_MAX_DIMS)
    return nnc_fail(NNC_E_ARG, "%s: ndim %g is not an integer in [0, %d]", name, s[1],
                    NNC_MAX_DIMS);
  if (!as_int(s[2], &off) || off < 0)
    return nnc_fail(NNC_E_ARG, "%s: offset %g is not a non-negative integer", name, s[2]);
  if (!as_int(s[3], &bytes) || bytes < 0)
    return nnc_fail(NNC_E_ARG, "%s: byte length %g is not a non-negative integer", name, s[3]);
  a->dtype = (int)dtype;
  a->ndim = (int)ndim;
  a->off = off;
  a->len = bytes / nnc_elsize(a->dtype);
  a->data = (char *)ptr;
  __int128 size = 1;
  __int128 lo = off, hi = off;
  for (int i = 0; i < a->ndim; i++) {
    int64_t d, st;
    if (!as_int(s[4 + i], &d) || d < 0)
      return nnc_fail(NNC_E_ARG, "%s: shape[%d] = %g is not a non-negative integer", name, i,
                      s[4 + i]);
    if (!as_int(s[12 + i], &st))
      return nnc_fail(NNC_E_ARG, "%s: stride[%d] = %g is not an integer", name, i, s[12 + i]);
    a->shape[i] = d;
    a->strides[i] = d == 1 ? 0 : st; /* the stride of a size-1 axis never matters */
    size *= d;
    if (size > (__int128)MAX_EXACT)
      return nnc_fail(NNC_E_ARG, "%s: shape has more than 2^53 elements", name);
    __int128 term = (__int128)(d > 0 ? d - 1 : 0) * st;
    if (term < 0) lo += term; else hi += term;
  }
  for (int i = a->ndim; i < NNC_MAX_DIMS; i++) a->shape[i] = 1, a->strides[i] = 0;
  a->size = (int64_t)size;
  if (a->size > 0) {
    if (!ptr) return nnc_fail(NNC_E_ARG, "%s: buffer is null", name);
    if (lo < 0 || hi >= a->len)
      return nnc_fail(NNC_E_BOUNDS,
                      "%s: view reaches elements [%lld, %lld] but the buffer holds %lld %s "
                      "elements",
                      name, (long long)lo, (long long)hi, (long long)a->len,
                      nnc_dtype_name(a->dtype));
    /* Operand 0 is the output of (almost) every kernel. */
    if (k == 0) {
      const int64_t es = nnc_elsize(a->dtype);
      nnc_prepare_output(a->data + (int64_t)lo * es, (size_t)((int64_t)(hi - lo) + 1) * (size_t)es);
    }
  }
  return NNC_OK;
}

int nnc_is_contiguous(const nnc_arr *a) {
  int64_t expected = 1;
  for (int i = a->ndim - 1; i >= 0; i--) {
    if (a->shape[i] != 1 && a->strides[i] != expected) return 0;
    expected *= a->shape[i];
  }
  return 1;
}

int nnc_require_contiguous(const nnc_arr *a, const char *op, const char *name) {
  if (a->size == 0 || nnc_is_contiguous(a)) return NNC_OK;
  return nnc_fail(NNC_E_ARG, "%s: %s must be contiguous", op, name);
}

int nnc_same_shape(const nnc_arr *a, const nnc_arr *b) {
  if (a->ndim != b->ndim) return 0;
  for (int i = 0; i < a->ndim; i++)
    if (a->shape[i] != b->shape[i]) return 0;
  return 1;
}

static void fmt_shape(const nnc_arr *a, char *buf, size_t cap) {
  size_t n = 0;
  n += snprintf(buf + n, cap - n, "[");
  for (int i = 0; i < a->ndim && n < cap; i++)
    n += snprintf(buf + n, cap - n, i ? ", %lld" : "%lld", (long long)a->shape[i]);
  if (n < cap) snprintf(buf + n, cap - n, "]");
}

int nnc_require_shape(const nnc_arr *a, const nnc_arr *ref, const char *op, const char *name,
                      const char *refname) {
  if (nnc_same_shape(a, ref)) return NNC_OK;
  char s1[128], s2[128];
  fmt_shape(a, s1, sizeof s1);
  fmt_shape(ref, s2, sizeof s2);
  return nnc_fail(NNC_E_ARG, "%s: %s has shape %s, expected %s's shape %s", op, name, s1,
                  refname, s2);
}

int nnc_require_dtype(const nnc_arr *a, int dtype, const char *op, const char *name) {
  if (a->dtype == dtype) return NNC_OK;
  return nnc_fail(NNC_E_ARG, "%s: %s has dtype %s, expected %s", op, name,
                  nnc_dtype_name(a->dtype), nnc_dtype_name(dtype));
}

int32_t nnc_noop(const double *desc, int32_t desc_bytes, void *p) {
  (void)desc, (void)desc_bytes, (void)p;
  return 0;
}

int32_t nnc_address_mod(const void *p, int32_t m) {
  if (m <= 0) return nnc_fail(NNC_E_ARG, "address_mod: modulus must be positive");
  return (int32_t)((uintptr_t)p % (uintptr_t)m);
}

int32_t nnc_touch(const double *desc, int32_t desc_bytes, void *p) {
  int rc = nnc_check_desc(desc, desc_bytes, "touch");
  if (rc) return rc;
  nnc_arr a;
  return nnc_parse(desc, 0, p, "touch: x", &a);
}

void *nnc_alloc(size_t bytes) {
  void *p = NULL;
  if (posix_memalign(&p, 64, bytes ? bytes : 64)) return NULL;
  return p;
}

void nnc_free(void *p) { free(p); }

static __thread void *t_scratch[4];
static __thread size_t t_scratch_bytes[4];

void *nnc_scratch(int slot, size_t bytes) {
  if (t_scratch_bytes[slot] >= bytes) return t_scratch[slot];
  nnc_free(t_scratch[slot]);
  size_t want = bytes < 4096 ? 4096 : bytes;
  t_scratch[slot] = nnc_alloc(want);
  t_scratch_bytes[slot] = t_scratch[slot] ? want : 0;
  return t_scratch[slot];
}

/* ---------------- strided iteration ---------------- */

void nnc_plan_make(nnc_plan *p, int nops, int ndim, const int64_t *shape,
                   const int64_t *const *strides) {
  p->nops = nops;
  p->ndim = 0;
  p->size = 1;
  for (int d = 0; d < ndim; d++) p->size *= shape[d];
  if (p->size == 0) {
    p->ndim = 1;
    p->shape[0] = 0;
    for (int k = 0; k < nops; k++) p->st[k][0] = 0;
    return;
  }
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == 1) continue;
    int last = p->ndim - 1;
    int merge = last >= 0;
    for (int k = 0; k < nops && merge; k++)
      if (p->st[k][last] != strides[k][d] * shape[d]) merge = 0;
    if (merge) {
      p->shape[last] *= shape[d];
      for (int k = 0; k < nops; k++) p->st[k][last] = strides[k][d];
    } else {
      p->shape[p->ndim] = shape[d];
      for (int k = 0; k < nops; k++) p->st[k][p->ndim] = strides[k][d];
      p->ndim++;
    }
  }
  if (p->ndim == 0) {
    p->ndim = 1;
    p->shape[0] = 1;
    for (int k = 0; k < nops; k++) p->st[k][0] = 0;
  }
}

void nnc_plan_range(const nnc_plan *p, char *const *base, const int *elsize, int64_t begin,
                    int64_t end, nnc_row_fn row, void *ctx) {
  const int nd = p->ndim, nops = p->nops, L = nd - 1;
  int64_t coord[NNC_MAX_DIMS];
  char *ptr[4];
  int64_t inner[4], rem = begin;
  for (int d = L; d >= 0; d--) {
    coord[d] = rem % p->shape[d];
    rem /= p->shape[d];
  }
  for (int k = 0; k < nops; k++) {
    int64_t o = 0;
    for (int d = 0; d < nd; d++) o += coord[d] * p->st[k][d];
    ptr[k] = base[k] + o * elsize[k];
    inner[k] = p->st[k][L];
  }
  const int64_t n = p->shape[L];
  while (begin < end) {
    int64_t cnt = n - coord[L];
    if (cnt > end - begin) cnt = end - begin;
    row(ctx, cnt, ptr, inner);
    begin += cnt;
    if (begin >= end) break;
    coord[L] += cnt;
    for (int k = 0; k < nops; k++) ptr[k] += cnt * inner[k] * elsize[k];
    if (coord[L] < n) continue;
    coord[L] = 0;
    for (int k = 0; k < nops; k++) ptr[k] -= n * inner[k] * elsize[k];
    for (int d = L - 1; d >= 0; d--) {
      coord[d]++;
      for (int k = 0; k < nops; k++) ptr[k] += p->st[k][d] * elsize[k];
      if (coord[d] < p->shape[d]) break;
      coord[d] = 0;
      for (int k = 0; k < nops; k++) ptr[k] -= p->shape[d] * p->st[k][d] * elsize[k];
    }
  }
}

typedef struct {
  const nnc_plan *p;
  char *const *base;
  const int *elsize;
  nnc_row_fn row;
  void *ctx;
} plan_task;

static void plan_task_run(void *c, int64_t b, int64_t e) {
  plan_task *t = c;
  nnc_plan_range(t->p, t->base, t->elsize, b, e, t->row, t->ctx);
}

void nnc_plan_run(const nnc_plan *p, char *const *base, const int *elsize, nnc_row_fn row,
                  void *ctx, int64_t grain) {
  if (p->size == 0) return;
  plan_task t = {p, base, elsize, row, ctx};
  nnc_parallel_for(p->size, grain, plan_task_run, &t);
}
