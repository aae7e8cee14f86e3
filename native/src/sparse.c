/* Sparse kernels for graph networks: CSR × dense (spmm), the dense × dense product sampled at the
 * stored entries (sddmm), and unsorted segment sum/max/min. Each output row is computed by one
 * thread in the order the JS kernels use (tensor/js/sparse.ts), in the operands' own float type,
 * so both backends give the same bits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define WORK_GRAIN 32768 /* multiply-adds per chunk of rows handed to a thread */

/* Reads coefficient i as a non-negative integer (< 2^53), or fails. */
static int coeff_int(const double *c, int i, const char *op, const char *what, int64_t *v) {
  const double d = c[i];
  if (!(d >= 0 && d <= 9007199254740991.0) || d != floor(d))
    return nnc_fail(NNC_E_ARG, "%s: %s must be a non-negative integer, got %g", op, what, d);
  *v = (int64_t)d;
  return NNC_OK;
}

/* Fails unless buffer `name` (its byte length at c[at]) holds `count` elements of `es` bytes. */
static int need_bytes(const double *c, int at, const void *p, int64_t count, int64_t es,
                      const char *op, const char *name) {
  if (!p) {
    if (count == 0) return NNC_OK;
    return nnc_fail(NNC_E_ARG, "%s: %s is null", op, name);
  }
  const double bytes = c[at];
  if (!(bytes >= 0) || bytes < (double)count * (double)es)
    return nnc_fail(NNC_E_BOUNDS, "%s: %s has %g bytes, needs %lld", op, name, bytes,
                    (long long)(count * es));
  return NNC_OK;
}

/* Checks a CSR row-pointer array: starts at 0, never decreases, ends at nnz. */
static int check_rowptr(const int32_t *rp, int64_t n, int64_t nnz, const char *op) {
  if (rp[0] != 0) return nnc_fail(NNC_E_ARG, "%s: rowPtr[0] must be 0, got %d", op, rp[0]);
  for (int64_t i = 0; i < n; i++)
    if (rp[i + 1] < rp[i])
      return nnc_fail(NNC_E_ARG, "%s: rowPtr decreases at row %lld (%d then %d)", op, (long long)i,
                      rp[i], rp[i + 1]);
  if (rp[n] != nnz)
    return nnc_fail(NNC_E_ARG, "%s: rowPtr ends at %d, expected nnz = %lld", op, rp[n], (long long)nnz);
  return NNC_OK;
}

static int64_t row_grain(int64_t n, int64_t nnz, int64_t work_per_entry) {
  const double per_row = n > 0 ? (double)nnz / (double)n * (double)(work_per_entry > 0 ? work_per_entry : 1) : 1;
  const double g = WORK_GRAIN / (per_row > 1 ? per_row : 1);
  return g < 1 ? 1 : (int64_t)g;
}

/* ---------------- spmm ---------------- */

typedef struct {
  void *out;
  const int32_t *rp, *col;
  const void *val, *x;
  int64_t m, H, C;
  int f64, accumulate;
  volatile int bad;
  volatile int64_t bad_col;
} spmm_ctx;

#define SPMM_BODY(T)                                                                             \
  T *out = (T *)j->out;                                                                          \
  const T *x = (const T *)j->x, *val = (const T *)j->val;                                        \
  const int64_t H = j->H, C = j->C, HC = H * C;                                                   \
  for (int64_t i = b; i < e; i++) {                                                              \
    T *o = out + i * HC;                                                                         \
    if (!j->accumulate) memset(o, 0, (size_t)HC * sizeof(T));                                    \
    for (int32_t k = j->rp[i]; k < j->rp[i + 1]; k++) {                                          \
      const int64_t c = j->col[k];                                                               \
      if ((uint64_t)c >= (uint64_t)j->m) {                                                       \
        j->bad = 1, j->bad_col = c;                                                              \
        return;                                                                                  \
      }                                                                                          \
      const T *xr = x + c * HC;                                                                  \
      if (!val) {                                                                                \
        for (int64_t t = 0; t < HC; t++) o[t] += xr[t];                                          \
      } else if (H == 1) {                                                                       \
        const T v = val[k];                                                                      \
        for (int64_t t = 0; t < C; t++) o[t] += v * xr[t];                                       \
      } else {                                                                                   \
        for (int64_t h = 0; h < H; h++) {                                                        \
          const T v = val[(int64_t)k * H + h];                                                   \
          T *oh = o + h * C;                                                                     \
          const T *xh = xr + h * C;                                                              \
          for (int64_t t = 0; t < C; t++) oh[t] += v * xh[t];                                    \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
  }

static void spmm_task(void *ctx, int64_t b, int64_t e) {
  spmm_ctx *j = (spmm_ctx *)ctx;
  if (j->f64) {
    SPMM_BODY(double)
  } else {
    SPMM_BODY(float)
  }
}

/* Reads [n, m, H, C, nnz] from c and checks the buffers' sizes. */
static int csr_shape(const double *c, int32_t c_bytes, int32_t dtype, const char *op,
                     int64_t *dims) {
  if (!c || c_bytes < 10 * (int32_t)sizeof(double))
    return nnc_fail(NNC_E_ARG, "%s: coefficient array must hold 10 doubles", op);
  if (dtype != NNC_F32 && dtype != NNC_F64)
    return nnc_fail(NNC_E_UNSUPPORTED, "%s: dtype must be float32 or float64", op);
  static const char *names[5] = {"n", "m", "heads", "width", "nnz"};
  int rc;
  for (int i = 0; i < 5; i++)
    if ((rc = coeff_int(c, i, op, names[i], &dims[i]))) return rc;
  if (dims[0] >= INT32_MAX || dims[4] > INT32_MAX)
    return nnc_fail(NNC_E_ARG, "%s: n and nnz must fit in int32", op);
  return NNC_OK;
}

int32_t nnc_spmm(const double *c, int32_t c_bytes, int32_t dtype, void *out, const void *rowptr,
                 const void *col, const void *values, const void *x) {
  static const char *op = "spmm";
  int64_t d[5] = {0};
  int rc;
  if ((rc = csr_shape(c, c_bytes, dtype, op, d))) return rc;
  const int64_t n = d[0], m = d[1], H = d[2], C = d[3], nnz = d[4], es = nnc_elsize(dtype);
  if ((rc = need_bytes(c, 5, out, n * H * C, es, op, "out")) ||
      (rc = need_bytes(c, 6, rowptr, n + 1, 4, op, "rowPtr")) ||
      (rc = need_bytes(c, 7, col, nnz, 4, op, "col")) ||
      (values && (rc = need_bytes(c, 8, values, nnz * H, es, op, "values"))) ||
      (rc = need_bytes(c, 9, x, m * H * C, es, op, "x")))
    return rc;
  if (!rowptr) return nnc_fail(NNC_E_ARG, "%s: rowPtr is null", op);
  if ((rc = check_rowptr((const int32_t *)rowptr, n, nnz, op))) return rc;
  /* c[10], when given, asks to add to out instead of overwriting it. */
  const int accumulate = c_bytes >= 11 * (int32_t)sizeof(double) && c[10] != 0;
  spmm_ctx j = {out, (const int32_t *)rowptr, (const int32_t *)col, values, x, m, H, C,
                dtype == NNC_F64, accumulate, 0, 0};
  nnc_parallel_for(n, row_grain(n, nnz, H * C), spmm_task, &j);
  if (j.bad)
    return nnc_fail(NNC_E_BOUNDS, "%s: column %lld is out of range for %lld columns", op,
                    (long long)j.bad_col, (long long)m);
  return NNC_OK;
}

/* ---------------- sddmm ---------------- */

typedef struct {
  void *out;
  const int32_t *rp, *col;
  const void *a, *b;
  int64_t m, H, C;
  int f64;
  volatile int bad;
  volatile int64_t bad_col;
} sddmm_ctx;

#define SDDMM_BODY(T)                                                                            \
  T *out = (T *)j->out;                                                                          \
  const T *A = (const T *)j->a, *B = (const T *)j->b;                                            \
  const int64_t H = j->H, C = j->C, HC = H * C;                                                   \
  for (int64_t i = b; i < e; i++) {                                                              \
    const T *ar = A + i * HC;                                                                    \
    for (int32_t k = j->rp[i]; k < j->rp[i + 1]; k++) {                                          \
      const int64_t c = j->col[k];                                                               \
      if ((uint64_t)c >= (uint64_t)j->m) {                                                       \
        j->bad = 1, j->bad_col = c;                                                              \
        return;                                                                                  \
      }                                                                                          \
      const T *br = B + c * HC;                                                                  \
      for (int64_t h = 0; h < H; h++) {                                                          \
        T acc = 0;                                                                               \
        for (int64_t t = 0; t < C; t++) acc += ar[h * C + t] * br[h * C + t];                    \
        out[(int64_t)k * H + h] = acc;                                                           \
      }                                                                                          \
    }                                                                                            \
  }

static void sddmm_task(void *ctx, int64_t b, int64_t e) {
  sddmm_ctx *j = (sddmm_ctx *)ctx;
  if (j->f64) {
    SDDMM_BODY(double)
  } else {
    SDDMM_BODY(float)
  }
}

int32_t nnc_sddmm(const double *c, int32_t c_bytes, int32_t dtype, void *out, const void *rowptr,
                  const void *col, const void *a, const void *b) {
  static const char *op = "sddmm";
  int64_t d[5] = {0};
  int rc;
  if ((rc = csr_shape(c, c_bytes, dtype, op, d))) return rc;
  const int64_t n = d[0], m = d[1], H = d[2], C = d[3], nnz = d[4], es = nnc_elsize(dtype);
  if ((rc = need_bytes(c, 5, out, nnz * H, es, op, "out")) ||
      (rc = need_bytes(c, 6, rowptr, n + 1, 4, op, "rowPtr")) ||
      (rc = need_bytes(c, 7, col, nnz, 4, op, "col")) ||
      (rc = need_bytes(c, 8, a, n * H * C, es, op, "a")) ||
      (rc = need_bytes(c, 9, b, m * H * C, es, op, "b")))
    return rc;
  if (!rowptr) return nnc_fail(NNC_E_ARG, "%s: rowPtr is null", op);
  if ((rc = check_rowptr((const int32_t *)rowptr, n, nnz, op))) return rc;
  sddmm_ctx j = {out, (const int32_t *)rowptr, (const int32_t *)col, a, b, m, H, C,
                 dtype == NNC_F64, 0, 0};
  nnc_parallel_for(n, row_grain(n, nnz, H * C), sddmm_task, &j);
  if (j.bad)
    return nnc_fail(NNC_E_BOUNDS, "%s: column %lld is out of range for %lld columns", op,
                    (long long)j.bad_col, (long long)m);
  return NNC_OK;
}

/* ---------------- segment reductions ---------------- */

enum { SEG_SUM = 0, SEG_MAX = 1, SEG_MIN = 2 };

typedef struct {
  void *out;
  int32_t *arg;
  const void *src;
  const int32_t *start, *order; /* segments' rows, stably sorted (parallel path) */
  int64_t F;
  int op, dtype;
} seg_ctx;

/* Adds or compares row r of src into segment row o/a, in the arithmetic of the JS kernel. */
#define SEG_ACCUMULATE(T)                                                                        \
  if (op == SEG_SUM) {                                                                           \
    for (int64_t t = 0; t < F; t++) o[t] = SEG_ADD(T, o[t], s[t]);                              \
  } else {                                                                                       \
    for (int64_t t = 0; t < F; t++) {                                                            \
      const T v = s[t], cur = o[t];                                                              \
      if (a[t] < 0 || (op == SEG_MAX ? v > cur : v < cur) || (v != v && cur == cur)) {          \
        o[t] = v;                                                                                \
        a[t] = (int32_t)r;                                                                       \
      }                                                                                          \
    }                                                                                            \
  }

/* int32 sums wrap around as JavaScript's Int32Array stores do. */
#define SEG_ADD(T, x, y) ((T)_Generic((T)0, int32_t: (int32_t)((uint32_t)(x) + (uint32_t)(y)), default: (x) + (y)))

#define SEG_SEGMENTS(T)                                                                          \
  T *out = (T *)j->out;                                                                          \
  const T *src = (const T *)j->src;                                                              \
  const int64_t F = j->F;                                                                        \
  const int op = j->op;                                                                          \
  for (int64_t i = b; i < e; i++) {                                                              \
    T *o = out + i * F;                                                                          \
    int32_t *a = j->arg ? j->arg + i * F : NULL;                                                 \
    for (int32_t q = j->start[i]; q < j->start[i + 1]; q++) {                                    \
      const int64_t r = j->order[q];                                                             \
      const T *s = src + r * F;                                                                  \
      SEG_ACCUMULATE(T)                                                                          \
    }                                                                                            \
  }

static void seg_task(void *ctx, int64_t b, int64_t e) {
  seg_ctx *j = (seg_ctx *)ctx;
  if (j->dtype == NNC_F64) {
    SEG_SEGMENTS(double)
  } else if (j->dtype == NNC_F32) {
    SEG_SEGMENTS(float)
  } else {
    SEG_SEGMENTS(int32_t)
  }
}

#define SEG_SERIAL(T)                                                                            \
  {                                                                                              \
    T *out_ = (T *)out;                                                                          \
    const T *src_ = (const T *)src;                                                              \
    for (int64_t r = 0; r < E; r++) {                                                            \
      T *o = out_ + (int64_t)ix[r] * F;                                                          \
      int32_t *a = arg ? arg + (int64_t)ix[r] * F : NULL;                                        \
      const T *s = src_ + r * F;                                                                 \
      SEG_ACCUMULATE(T)                                                                          \
    }                                                                                            \
  }

int32_t nnc_segment_reduce(const double *c, int32_t c_bytes, int32_t dtype, void *out,
                           int32_t *arg, const void *src, const int32_t *index) {
  static const char *op_name = "segmentReduce";
  if (!c || c_bytes < 8 * (int32_t)sizeof(double))
    return nnc_fail(NNC_E_ARG, "%s: coefficient array must hold 8 doubles", op_name);
  if (dtype != NNC_F32 && dtype != NNC_F64 && dtype != NNC_I32)
    return nnc_fail(NNC_E_UNSUPPORTED, "%s: unknown dtype %d", op_name, dtype);
  int64_t opv = 0, n = 0, F = 0, E = 0;
  int rc;
  if ((rc = coeff_int(c, 0, op_name, "op", &opv)) || (rc = coeff_int(c, 1, op_name, "n", &n)) ||
      (rc = coeff_int(c, 2, op_name, "width", &F)) || (rc = coeff_int(c, 3, op_name, "rows", &E)))
    return rc;
  if (opv > SEG_MIN) return nnc_fail(NNC_E_ARG, "%s: unknown op %lld", op_name, (long long)opv);
  if (n >= INT32_MAX || E >= INT32_MAX)
    return nnc_fail(NNC_E_ARG, "%s: n and the row count must fit in int32", op_name);
  const int op = (int)opv;
  const int64_t es = nnc_elsize(dtype);
  if ((rc = need_bytes(c, 4, out, n * F, es, op_name, "out")) ||
      (op != SEG_SUM && (rc = need_bytes(c, 5, arg, n * F, 4, op_name, "arg"))) ||
      (rc = need_bytes(c, 6, src, E * F, es, op_name, "src")) ||
      (rc = need_bytes(c, 7, index, E, 4, op_name, "index")))
    return rc;
  if (op == SEG_SUM) arg = NULL;
  else if (!arg && n * F > 0) return nnc_fail(NNC_E_ARG, "%s: max and min need arg", op_name);
  for (int64_t r = 0; r < E; r++)
    if ((uint64_t)(int64_t)index[r] >= (uint64_t)n)
      return nnc_fail(NNC_E_BOUNDS, "%s: index[%lld] = %d is out of range for %lld segments",
                      op_name, (long long)r, index[r], (long long)n);
  if (n * F > 0) memset(out, 0, (size_t)(n * F * es));
  if (arg)
    for (int64_t p = 0; p < n * F; p++) arg[p] = -1;
  if (E * F == 0) return NNC_OK;
  const int32_t *ix = index;
  if (nnc_threads() <= 1 || E * F < 2 * WORK_GRAIN) {
    if (dtype == NNC_F64) SEG_SERIAL(double)
    else if (dtype == NNC_F32) SEG_SERIAL(float)
    else SEG_SERIAL(int32_t)
  } else {
    /* Stable counting sort of the rows by segment, then one thread per run of segments: every
     * output row still accumulates its rows in increasing order, as the serial loop does. */
    int32_t *start = (int32_t *)nnc_alloc((size_t)(n + 1 + E) * sizeof(int32_t));
    if (!start) return nnc_fail(NNC_E_NOMEM, "%s: no memory for %lld rows", op_name, (long long)E);
    int32_t *order = start + n + 1;
    memset(start, 0, (size_t)(n + 1) * sizeof(int32_t));
    for (int64_t r = 0; r < E; r++) start[ix[r] + 1]++;
    for (int64_t i = 0; i < n; i++) start[i + 1] += start[i];
    for (int64_t r = 0; r < E; r++) order[start[ix[r]]++] = (int32_t)r;
    for (int64_t i = n; i > 0; i--) start[i] = start[i - 1];
    start[0] = 0;
    seg_ctx j = {out, arg, src, start, order, F, op, dtype};
    nnc_parallel_for(n, row_grain(n, E, F), seg_task, &j);
    nnc_free(start);
  }
  return NNC_OK; /* empty segments keep the 0 written above, their arg -1 */
}
