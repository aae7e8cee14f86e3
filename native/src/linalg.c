/* Linear algebra through LAPACK (Fortran symbols, column-major). Every matrix is copied into a
 * float64 work buffer (inputs may be strided; float32 is factored in float64 and rounded once, as
 * the JS backend does), and the results follow the JS backend's conventions:
 * - lu/solve flag a matrix singular when a pivot has |u_kk| <= n·eps·max_i |a_ik| or is NaN;
 * - cholesky and eigh read the lower triangle;
 * - qr returns R with a non-negative diagonal;
 * - eigh: eigenvalues ascending; svd: singular values descending; each eigenvector and each left
 *   singular vector (v_k flips with u_k) is positive at the first entry whose magnitude is within
 *   a relative 1e-5 of its largest;
 * - non-finite input to eigh or svd gives all-NaN outputs.
 * Without LAPACK every kernel returns NNC_E_NOLAPACK and the bindings use the JS backend. */
#include <limits.h>

#include "internal.h"

#if defined(__wasm__)
/* The browser has no LAPACK (every kernel here returns NNC_E_NOLAPACK there) but ships this code
 * in every page: compiled for size (the web pages' JavaScript budget, web/build.ts). */
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define EPS 2.220446049250313e-16

static int need_lapack(const char *op) {
  nnc_ensure_init();
  if (nnc_blas.has_lapack) return NNC_OK;
  return nnc_fail(NNC_E_NOLAPACK, "%s: no LAPACK library is loaded", op);
}

static int require_float(const nnc_arr *a, const char *op, const char *name) {
  if (a->dtype == NNC_F32 || a->dtype == NNC_F64) return NNC_OK;
  return nnc_fail(NNC_E_UNSUPPORTED, "%s: %s must be float32 or float64, got %s", op, name, nnc_dtype_name(a->dtype));
}

/* The batch dims of x (all but the trailing `core`) must equal ref's leading dims. */
static int require_batch(const nnc_arr *x, int core, const nnc_arr *ref, int refCore, const char *op,
                         const char *name) {
  const int nb = x->ndim - core;
  if (nb < 0 || ref->ndim - refCore != nb)
    return nnc_fail(NNC_E_ARG, "%s: %s has %d dimensions, expected %d", op, name, x->ndim, ref->ndim - refCore + core);
  for (int d = 0; d < nb; d++)
    if (x->shape[d] != ref->shape[d])
      return nnc_fail(NNC_E_ARG, "%s: batch dimension %d of %s is %lld, expected %lld", op, d, name,
                      (long long)x->shape[d], (long long)ref->shape[d]);
  return NNC_OK;
}

static int require_dims(const nnc_arr *x, int64_t r, int64_t c, const char *op, const char *name) {
  if (x->ndim >= 2 && x->shape[x->ndim - 2] == r && x->shape[x->ndim - 1] == c) return NNC_OK;
  return nnc_fail(NNC_E_ARG, "%s: %s must end in [%lld, %lld]", op, name, (long long)r, (long long)c);
}

/* Storage offset of matrix b of x (batch dims = all but the trailing `core`). */
static int64_t batch_offset(const nnc_arr *x, int core, int64_t b) {
  int64_t off = x->off;
  for (int d = x->ndim - core - 1; d >= 0; d--) {
    const int64_t c = b % x->shape[d];
    b /= x->shape[d];
    off += c * x->strides[d];
  }
  return off;
}

static int64_t batch_count(const nnc_arr *x, int core) {
  int64_t n = 1;
  for (int d = 0; d < x->ndim - core; d++) n *= x->shape[d];
  return n;
}

static inline double get(const nnc_arr *x, int64_t i) {
  return x->dtype == NNC_F32 ? ((const float *)x->data)[i] : ((const double *)x->data)[i];
}

/* dst (row-major rows × cols, or its transpose when `transpose`) ← matrix at off. */
static void load(const nnc_arr *x, int64_t off, int64_t rows, int64_t cols, int transpose, double *dst) {
  const int64_t rs = x->strides[x->ndim - 2], cs = x->strides[x->ndim - 1];
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) {
      const double v = get(x, off + i * rs + j * cs);
      if (transpose) dst[j * rows + i] = v;
      else dst[i * cols + j] = v;
    }
}

/* Writes len values into the contiguous out at matrix b (each holding len). */
static void store(const nnc_arr *o, int64_t b, int64_t len, const double *src) {
  const int64_t start = o->off + b * len;
  if (o->dtype == NNC_F32) {
    float *f = (float *)o->data + start;
    for (int64_t i = 0; i < len; i++) f[i] = (float)src[i];
  } else {
    memcpy((double *)o->data + start, src, (size_t)len * sizeof(double));
  }
}

static int all_finite(const double *w, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    if (!isfinite(w[i])) return 0;
  return 1;
}

/* The entry that decides a vector's sign (stride s): the first within 1e-5 of the largest. */
static int64_t sign_index(const double *v, int64_t n, int64_t s) {
  double big = 0;
  for (int64_t i = 0; i < n; i++)
    if (fabs(v[i * s]) > big) big = fabs(v[i * s]);
  const double cut = big * (1 - 1e-5);
  for (int64_t i = 0; i < n; i++)
    if (fabs(v[i * s]) >= cut) return i;
  return 0;
}

static int too_big(int64_t a, int64_t b, const char *op) {
  if (a > 46340 || b > 46340) return nnc_fail(NNC_E_ARG, "%s: matrices larger than 46340 are not supported", op);
  return NNC_OK;
}

/* ---------------- cholesky ---------------- */

int32_t nnc_cholesky(const double *desc, int32_t desc_bytes, void *out, const void *a) {
  static const char *op = "cholesky";
  nnc_arr o, x;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "cholesky: out", &o)) ||
      (rc = nnc_parse(desc, 1, a, "cholesky: a", &x)) || (rc = require_float(&x, op, "a")) ||
      (rc = nnc_require_dtype(&o, x.dtype, op, "out")) || (rc = nnc_require_shape(&o, &x, op, "out", "a")) ||
      (rc = nnc_require_contiguous(&o, op, "out")))
    return rc;
  if (x.ndim < 2 || x.shape[x.ndim - 1] != x.shape[x.ndim - 2])
    return nnc_fail(NNC_E_ARG, "cholesky: a must be [..., n, n]");
  const int64_t n = x.shape[x.ndim - 1];
  if ((rc = too_big(n, n, op))) return rc;
  if (o.size == 0) return NNC_OK;
  if ((rc = need_lapack(op))) return rc;
  double *w = nnc_alloc((size_t)(n * n) * sizeof(double));
  if (!w) return NNC_E_NOMEM;
  const int64_t B = batch_count(&x, 2);
  const int ni = (int)n;
  int result = NNC_OK;
  for (int64_t b = 0; b < B; b++) {
    load(&x, batch_offset(&x, 2, b), n, n, 0, w);
    int info = 0;
    /* Row-major lower triangle = column-major upper triangle of the same buffer. */
    nnc_blas.potrf[1]("U", &ni, w, &ni, &info);
    if (info < 0) {
      result = nnc_fail(NNC_E_LAPACK, "cholesky: dpotrf rejected argument %d", -info);
      break;
    }
    if (info > 0) {
      result = (int)(b + 1 > INT_MAX ? INT_MAX : b + 1);
      break;
    }
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = i + 1; j < n; j++) w[i * n + j] = 0;
    store(&o, b, n * n, w);
  }
  nnc_free(w);
  return result;
}

/* ---------------- lu / solve ---------------- */

/* Factors the row-major n×n matrix in rm (overwritten with the row-major LU) and fills piv
 * (0-based). cm is scratch of n·n doubles. Returns 1 when singular by the JS rule, <0 on error. */
static int lu_factor(double *rm, int64_t n, double *cm, int *ipiv, int32_t *piv, double *colMax) {
  for (int64_t j = 0; j < n; j++) colMax[j] = 0;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) {
      const double v = fabs(rm[i * n + j]);
      if (!(v <= colMax[j])) colMax[j] = v;
      cm[j * n + i] = rm[i * n + j];
    }
  const int ni = (int)n;
  int info = 0;
  nnc_blas.getrf[1](&ni, &ni, cm, &ni, ipiv, &info);
  if (info < 0) return nnc_fail(NNC_E_LAPACK, "lu: dgetrf rejected argument %d", -info);
  int singular = 0;
  const double tol = (double)n * EPS;
  for (int64_t k = 0; k < n; k++) {
    piv[k] = ipiv[k] - 1;
    const double u = cm[k * n + k];
    if (!(fabs(u) > tol * colMax[k])) singular = 1;
  }
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) rm[i * n + j] = cm[j * n + i];
  return singular;
}

int32_t nnc_lu(const double *desc, int32_t desc_bytes, void *lu, void *pivots) {
  static const char *op = "lu";
  nnc_arr x, p;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, lu, "lu: lu", &x)) ||
      (rc = nnc_parse(desc, 1, pivots, "lu: pivots", &p)) || (rc = require_float(&x, op, "lu")) ||
      (rc = nnc_require_dtype(&p, NNC_I32, op, "pivots")) || (rc = nnc_require_contiguous(&x, op, "lu")) ||
      (rc = nnc_require_contiguous(&p, op, "pivots")))
    return rc;
  if (x.ndim < 2 || x.shape[x.ndim - 1] != x.shape[x.ndim - 2]) return nnc_fail(NNC_E_ARG, "lu: lu must be [..., n, n]");
  const int64_t n = x.shape[x.ndim - 1];
  if ((rc = too_big(n, n, op)) || (rc = require_batch(&p, 1, &x, 2, op, "pivots"))) return rc;
  if (p.shape[p.ndim - 1] != n) return nnc_fail(NNC_E_ARG, "lu: pivots must end in [%lld]", (long long)n);
  if (x.size == 0) return NNC_OK;
  if ((rc = need_lapack(op))) return rc;
  double *rm = nnc_alloc((size_t)(2 * n * n + n) * sizeof(double));
  int *ipiv = nnc_alloc((size_t)n * sizeof(int));
  if (!rm || !ipiv) {
    nnc_free(rm), nnc_free(ipiv);
    return NNC_E_NOMEM;
  }
  double *cm = rm + n * n, *colMax = cm + n * n;
  const int64_t B = batch_count(&x, 2);
  int result = NNC_OK, first = -1;
  for (int64_t b = 0; b < B; b++) {
    load(&x, x.off + b * n * n, n, n, 0, rm);
    const int s = lu_factor(rm, n, cm, ipiv, (int32_t *)p.data + p.off + b * n, colMax);
    if (s < 0) {
      result = s;
      break;
    }
    if (s && first < 0) first = (int)(b > INT_MAX - 1 ? INT_MAX - 1 : b);
    store(&x, b, n * n, rm);
  }
  nnc_free(rm);
  nnc_free(ipiv);
  if (result < 0) return result;
  return first < 0 ? 0 : first + 1;
}

int32_t nnc_solve(const double *desc, int32_t desc_bytes, void *out, const void *a, const void *bb) {
  static const char *op = "solve";
  nnc_arr o, x, y;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "solve: out", &o)) ||
      (rc = nnc_parse(desc, 1, a, "solve: a", &x)) || (rc = nnc_parse(desc, 2, bb, "solve: b", &y)) ||
      (rc = require_float(&x, op, "a")) || (rc = nnc_require_dtype(&y, x.dtype, op, "b")) ||
      (rc = nnc_require_dtype(&o, x.dtype, op, "out")) || (rc = nnc_require_shape(&o, &y, op, "out", "b")) ||
      (rc = nnc_require_contiguous(&o, op, "out")))
    return rc;
  if (x.ndim < 2 || x.shape[x.ndim - 1] != x.shape[x.ndim - 2]) return nnc_fail(NNC_E_ARG, "solve: a must be [..., n, n]");
  const int64_t n = x.shape[x.ndim - 1];
  if (y.ndim < 2) return nnc_fail(NNC_E_ARG, "solve: b must be [..., n, k]");
  const int64_t k = y.shape[y.ndim - 1];
  if ((rc = too_big(n, k, op)) || (rc = require_dims(&y, n, k, op, "b")) || (rc = require_batch(&y, 2, &x, 2, op, "b")))
    return rc;
  if (o.size == 0 && x.size == 0) return NNC_OK;
  if ((rc = need_lapack(op))) return rc;
  const int64_t B = batch_count(&x, 2);
  if (n == 0) return NNC_OK;
  double *rm = nnc_alloc((size_t)(2 * n * n + n + 2 * n * k) * sizeof(double));
  int *ipiv = nnc_alloc((size_t)n * sizeof(int));
  int32_t *piv = nnc_alloc((size_t)n * sizeof(int32_t));
  if (!rm || !ipiv || !piv) {
    nnc_free(rm), nnc_free(ipiv), nnc_free(piv);
    return NNC_E_NOMEM;
  }
  double *cm = rm + n * n, *colMax = cm + n * n, *bc = colMax + n, *xr = bc + n * k;
  int result = NNC_OK;
  const int ni = (int)n, ki = (int)k;
  for (int64_t b = 0; b < B; b++) {
    load(&x, batch_offset(&x, 2, b), n, n, 0, rm);
    const int s = lu_factor(rm, n, cm, ipiv, piv, colMax);
    if (s != 0) {
      result = s < 0 ? s : (int)(b + 1 > INT_MAX ? INT_MAX : b + 1);
      break;
    }
    if (k == 0) continue;
    load(&y, batch_offset(&y, 2, b), n, k, 1, bc); /* column-major n × k */
    int info = 0;
    nnc_blas.getrs[1]("N", &ni, &ki, cm, &ni, ipiv, bc, &ni, &info);
    if (info < 0) {
      result = nnc_fail(NNC_E_LAPACK, "solve: dgetrs rejected argument %d", -info);
      break;
    }
    for (int64_t i = 0; i < n; i++)
      for (int64_t c = 0; c < k; c++) xr[i * k + c] = bc[c * n + i];
    store(&o, b, n * k, xr);
  }
  nnc_free(rm), nnc_free(ipiv), nnc_free(piv);
  return result;
}

/* ---------------- qr ---------------- */

int32_t nnc_qr(const double *desc, int32_t desc_bytes, void *q, void *r, const void *a) {
  static const char *op = "qr";
  nnc_arr Q, R, x;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, q, "qr: q", &Q)) ||
      (rc = nnc_parse(desc, 1, r, "qr: r", &R)) || (rc = nnc_parse(desc, 2, a, "qr: a", &x)) ||
      (rc = require_float(&x, op, "a")) || (rc = nnc_require_dtype(&Q, x.dtype, op, "q")) ||
      (rc = nnc_require_dtype(&R, x.dtype, op, "r")) || (rc = nnc_require_contiguous(&Q, op, "q")) ||
      (rc = nnc_require_contiguous(&R, op, "r")))
    return rc;
  if (x.ndim < 2) return nnc_fail(NNC_E_ARG, "qr: a must be [..., m, n]");
  const int64_t m = x.shape[x.ndim - 2], n = x.shape[x.ndim - 1], k = m < n ? m : n;
  if ((rc = too_big(m, n, op)) || (rc = require_dims(&Q, m, k, op, "q")) || (rc = require_dims(&R, k, n, op, "r")) ||
      (rc = require_batch(&Q, 2, &x, 2, op, "q")) || (rc = require_batch(&R, 2, &x, 2, op, "r")))
    return rc;
  if (Q.size == 0 && R.size == 0) return NNC_OK;
  if ((rc = need_lapack(op))) return rc;
  const int mi = (int)m, ni = (int)n, ki = (int)k;
  const int lda = mi > 0 ? mi : 1;
  int lwork = -1, info = 0;
  double wq = 0, wq2 = 0, dummy = 0;
  if (k > 0) {
    nnc_blas.geqrf[1](&mi, &ni, &dummy, &lda, &dummy, &wq, &lwork, &info);
    nnc_blas.orgqr[1](&mi, &ki, &ki, &dummy, &lda, &dummy, &wq2, &lwork, &info);
  }
  lwork = (int)(wq > wq2 ? wq : wq2);
  if (lwork < 1) lwork = 1;
  const int64_t total = m * n + k + lwork + m * k + k * n;
  double *cm = nnc_alloc((size_t)total * sizeof(double));
  if (!cm) return NNC_E_NOMEM;
  double *tau = cm + m * n, *work = tau + k, *qo = work + lwork, *ro = qo + m * k;
  const int64_t B = batch_count(&x, 2);
  int result = NNC_OK;
  for (int64_t b = 0; b < B; b++) {
    load(&x, batch_offset(&x, 2, b), m, n, 1, cm); /* column-major m × n */
    info = 0;
    if (k > 0) nnc_blas.geqrf[1](&mi, &ni, cm, &lda, tau, work, &lwork, &info);
    if (info < 0) {
      result = nnc_fail(NNC_E_LAPACK, "qr: dgeqrf rejected argument %d", -info);
      break;
    }
    /* R (k × n, row-major) from the upper triangle. */
    for (int64_t i = 0; i < k; i++)
      for (int64_t j = 0; j < n; j++) ro[i * n + j] = j >= i ? cm[j * m + i] : 0;
    if (k > 0) nnc_blas.orgqr[1](&mi, &ki, &ki, cm, &lda, tau, work, &lwork, &info);
    if (info < 0) {
      result = nnc_fail(NNC_E_LAPACK, "qr: dorgqr rejected argument %d", -info);
      break;
    }
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < k; j++) qo[i * k + j] = cm[j * m + i];
    /* A non-negative diagonal of R: flip row i of R and column i of Q together. */
    for (int64_t i = 0; i < k; i++) {
      if (!(ro[i * n + i] < 0)) continue;
      for (int64_t j = 0; j < n; j++) ro[i * n + j] = -ro[i * n + j] + 0.0;
      for (int64_t j = 0; j < m; j++) qo[j * k + i] = -qo[j * k + i] + 0.0;
    }
    store(&Q, b, m * k, qo);
    store(&R, b, k * n, ro);
  }
  nnc_free(cm);
  return result;
}

/* ---------------- eigh ---------------- */

int32_t nnc_eigh(const double *desc, int32_t desc_bytes, void *wv, void *vv, const void *a) {
  static const char *op = "eigh";
  nnc_arr W, V, x;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, wv, "eigh: w", &W)) ||
      (rc = nnc_parse(desc, 1, vv, "eigh: v", &V)) || (rc = nnc_parse(desc, 2, a, "eigh: a", &x)) ||
      (rc = require_float(&x, op, "a")) || (rc = nnc_require_dtype(&W, x.dtype, op, "w")) ||
      (rc = nnc_require_dtype(&V, x.dtype, op, "v")) || (rc = nnc_require_contiguous(&W, op, "w")) ||
      (rc = nnc_require_contiguous(&V, op, "v")))
    return rc;
  if (x.ndim < 2 || x.shape[x.ndim - 1] != x.shape[x.ndim - 2]) return nnc_fail(NNC_E_ARG, "eigh: a must be [..., n, n]");
  const int64_t n = x.shape[x.ndim - 1];
  if ((rc = too_big(n, n, op)) || (rc = require_dims(&V, n, n, op, "v")) || (rc = require_batch(&V, 2, &x, 2, op, "v")) ||
      (rc = require_batch(&W, 1, &x, 2, op, "w")))
    return rc;
  if (W.shape[W.ndim - 1] != n) return nnc_fail(NNC_E_ARG, "eigh: w must end in [%lld]", (long long)n);
  if (x.size == 0) return NNC_OK;
  if ((rc = need_lapack(op))) return rc;
  const int ni = (int)n;
  int lwork = -1, liwork = -1, info = 0, iwq = 0;
  double wq = 0, dummy = 0;
  nnc_blas.syevd[1]("V", "U", &ni, &dummy, &ni, &dummy, &wq, &lwork, &iwq, &liwork, &info);
  lwork = (int)wq;
  liwork = iwq;
  if (lwork < 1) lwork = 1;
  if (liwork < 1) liwork = 1;
  double *cm = nnc_alloc((size_t)(2 * n * n + n + lwork) * sizeof(double));
  int *iwork = nnc_alloc((size_t)liwork * sizeof(int));
  if (!cm || !iwork) {
    nnc_free(cm), nnc_free(iwork);
    return NNC_E_NOMEM;
  }
  double *vo = cm + n * n, *ev = vo + n * n, *work = ev + n;
  const int64_t B = batch_count(&x, 2);
  int result = NNC_OK;
  for (int64_t b = 0; b < B; b++) {
    /* Row-major lower triangle = column-major upper triangle of the same buffer. */
    load(&x, batch_offset(&x, 2, b), n, n, 0, cm);
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < i; j++) cm[j * n + i] = cm[i * n + j];
    info = 0;
    if (all_finite(cm, n * n)) nnc_blas.syevd[1]("V", "U", &ni, cm, &ni, ev, work, &lwork, iwork, &liwork, &info);
    else info = 1;
    if (info < 0) {
      result = nnc_fail(NNC_E_LAPACK, "eigh: dsyevd rejected argument %d", -info);
      break;
    }
    if (info > 0) {
      for (int64_t i = 0; i < n; i++) ev[i] = NAN;
      for (int64_t i = 0; i < n * n; i++) vo[i] = NAN;
    } else {
      /* Column j of the column-major result is eigenvector j: contiguous at cm + j·n. */
      for (int64_t j = 0; j < n; j++) {
        const double *z = cm + j * n;
        const double sign = z[sign_index(z, n, 1)] < 0 ? -1.0 : 1.0;
        for (int64_t i = 0; i < n; i++) vo[i * n + j] = sign * z[i] + 0.0;
      }
    }
    store(&W, b, n, ev);
    store(&V, b, n * n, vo);
  }
  nnc_free(cm), nnc_free(iwork);
  return result;
}

/* ---------------- svd ---------------- */

int32_t nnc_svd(const double *desc, int32_t desc_bytes, void *uv, void *sv, void *vtv, const void *a) {
  static const char *op = "svd";
  nnc_arr U, S, VT, x;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, uv, "svd: u", &U)) ||
      (rc = nnc_parse(desc, 1, sv, "svd: s", &S)) || (rc = nnc_parse(desc, 2, vtv, "svd: vt", &VT)) ||
      (rc = nnc_parse(desc, 3, a, "svd: a", &x)) || (rc = require_float(&x, op, "a")) ||
      (rc = nnc_require_dtype(&U, x.dtype, op, "u")) || (rc = nnc_require_dtype(&S, x.dtype, op, "s")) ||
      (rc = nnc_require_dtype(&VT, x.dtype, op, "vt")) || (rc = nnc_require_contiguous(&U, op, "u")) ||
      (rc = nnc_require_contiguous(&S, op, "s")) || (rc = nnc_require_contiguous(&VT, op, "vt")))
    return rc;
  if (x.ndim < 2) return nnc_fail(NNC_E_ARG, "svd: a must be [..., m, n]");
  const int64_t m = x.shape[x.ndim - 2], n = x.shape[x.ndim - 1], r = m < n ? m : n;
  if ((rc = too_big(m, n, op)) || (rc = require_dims(&U, m, r, op, "u")) || (rc = require_dims(&VT, r, n, op, "vt")) ||
      (rc = require_batch(&U, 2, &x, 2, op, "u")) || (rc = require_batch(&VT, 2, &x, 2, op, "vt")) ||
      (rc = require_batch(&S, 1, &x, 2, op, "s")))
    return rc;
  if (S.shape[S.ndim - 1] != r) return nnc_fail(NNC_E_ARG, "svd: s must end in [%lld]", (long long)r);
  if (x.size == 0 || r == 0) {
    /* Nothing to factor; outputs with zero extent hold nothing either. */
    return NNC_OK;
  }
  if ((rc = need_lapack(op))) return rc;
  /* The row-major m × n buffer is the column-major n × m matrix Aᵀ = U' S V'ᵀ, so A = V' S U'ᵀ:
   * LAPACK's U' (n × r) is our Vᵀ and its V'ᵀ (r × m) our U, both in place with no transpose. */
  const int Ml = (int)n, Nl = (int)m, ri = (int)r;
  int lwork = -1, info = 0;
  double wq = 0, dummy = 0;
  int *iwork = nnc_alloc((size_t)(8 * r) * sizeof(int));
  if (!iwork) return NNC_E_NOMEM;
  nnc_blas.gesdd[1]("S", &Ml, &Nl, &dummy, &Ml, &dummy, &dummy, &Ml, &dummy, &ri, &wq, &lwork, iwork, &info);
  lwork = (int)wq;
  if (lwork < 1) lwork = 1;
  double *cm = nnc_alloc((size_t)(m * n + r + n * r + r * m + lwork) * sizeof(double));
  if (!cm) {
    nnc_free(iwork);
    return NNC_E_NOMEM;
  }
  double *s = cm + m * n, *vt = s + r, *u = vt + n * r, *work = u + r * m;
  const int64_t B = batch_count(&x, 2);
  int result = NNC_OK;
  for (int64_t b = 0; b < B; b++) {
    load(&x, batch_offset(&x, 2, b), m, n, 0, cm);
    info = 0;
    if (all_finite(cm, m * n)) nnc_blas.gesdd[1]("S", &Ml, &Nl, cm, &Ml, s, vt, &Ml, u, &ri, work, &lwork, iwork, &info);
    else info = 1;
    if (info < 0) {
      result = nnc_fail(NNC_E_LAPACK, "svd: dgesdd rejected argument %d", -info);
      break;
    }
    if (info > 0) {
      for (int64_t i = 0; i < r; i++) s[i] = NAN;
      for (int64_t i = 0; i < m * r; i++) u[i] = NAN;
      for (int64_t i = 0; i < r * n; i++) vt[i] = NAN;
    } else {
      /* u is row-major m × r (column k = left singular vector k, stride r); vt row-major r × n. */
      for (int64_t k = 0; k < r; k++) {
        const double sign = u[sign_index(u + k, m, r) * r + k] < 0 ? -1.0 : 1.0;
        for (int64_t i = 0; i < m; i++) u[i * r + k] = sign * u[i * r + k] + 0.0;
        for (int64_t j = 0; j < n; j++) vt[k * n + j] = sign * vt[k * n + j] + 0.0;
      }
    }
    store(&U, b, m * r, u);
    store(&S, b, r, s);
    store(&VT, b, r * n, vt);
  }
  nnc_free(cm), nnc_free(iwork);
  return result;
}

#if defined(__wasm__)
#pragma clang attribute pop
#endif
