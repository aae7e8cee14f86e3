/* Fused scaled dot-product attention, forward and backward, in the arithmetic of @nnc/tensor's JS
 * kernels (tensor/js/attention.ts). Work goes one block of ATTN_ROWS query rows at a time: the
 * scores of a block (rows × visible keys) live in per-thread scratch and are never stored, so
 * memory stays O(Lk) per row; the backward recomputes the weights from the saved log-sum-exp
 * (FlashAttention's recipe, with whole rows instead of key tiles). The products go to the GEMM
 * (BLAS or built-in) straight on the callers' strided views: the heads of a packed [N, L, 3, H, D]
 * projection are read, and the output and gradients written, in place. The forward runs
 * (batch, head, row block) triples on the pool, the backward whole (batch, head) pairs (each owns
 * its dK and dV rows, so no two threads add into the same memory).
 *
 * c (doubles): [0] N, [1] H, [2] Lq, [3] Lk, [4] D, [5] Dv, [6] scale, [7] causal (0/1), then one
 * slot of ATTN_SLOT doubles per buffer argument, in argument order:
 *   [bytes, offset, stride n, stride h, stride row, stride column]
 * (element strides; the column stride must be 1 except for the mask; lse uses three strides; a
 * NULL mask has bytes 0). */
#include <math.h>

#include "internal.h"
#include "vecmath.h"

#define ATTN_ROWS 64
#define ATTN_HEAD 8
#define ATTN_SLOT 6

/* A strided [N, H, L, D] view: element (n, h, i, c) at off + n·sn + h·sh + i·sr + c·sc. */
typedef struct {
  const void *p;
  int64_t off, sn, sh, sr, sc;
} view;

typedef struct {
  int64_t N, H, Lq, Lk, D, Dv, nblk;
  double scale;
  int causal, has_mask;
  view q, k, v, out, lse, mask, dq, dk, dv, dout;
  int rc;
} attn_job;

/* Keys visible to query i: all, or with the causal rule those up to position i + Lk - Lq. */
static inline int64_t visible(const attn_job *j, int64_t i) {
  if (!j->causal) return j->Lk;
  const int64_t n = i + j->Lk - j->Lq + 1;
  return n < 0 ? 0 : n > j->Lk ? j->Lk : n;
}

/* Element offset of row i of head (n, h). */
static inline int64_t at(const view *a, int64_t n, int64_t h, int64_t i) {
  return a->off + n * a->sn + h * a->sh + i * a->sr;
}

/* max + log(sum) with the scalar log, called once per row: kept out of line so that the loop over
 * a block's rows is not vectorised onto libmvec's log, whose last bits differ (float64 results
 * stay what they were before the rows' sums were interleaved). */
static __attribute__((noinline)) double log_sum_exp(double mx, double sum) { return mx + log(sum); }

#define ATTN_KERNELS(T, SUF)                                                                      \
  static inline T *ptr_##SUF(const view *a, int64_t n, int64_t h, int64_t i) {                   \
    return (T *)a->p + at(a, n, h, i);                                                            \
  }                                                                                               \
                                                                                                  \
  /* Scores of rows [i0, i0+m) against keys [0, nk): S = scale·Q Kᵀ + mask, row by row. */        \
  static int scores_##SUF(const attn_job *j, int64_t n, int64_t h, int64_t i0, int64_t m,        \
                          int64_t nk, T *S) {                                                     \
    const T *Q = ptr_##SUF(&j->q, n, h, i0), *K = ptr_##SUF(&j->k, n, h, 0);                      \
    int rc = nnc_gemm_##SUF(m, nk, j->D, Q, j->q.sr, 1, K, 1, j->k.sr, S, nk, 0);                 \
    if (rc) return rc;                                                                            \
    const T sc = (T)j->scale;                                                                     \
    for (int64_t r = 0; r < m; r++) {                                                             \
      T *s = S + r * nk;                                                                          \
      if (j->has_mask) {                                                                          \
        const T *mk = ptr_##SUF(&j->mask, n, h, i0 + r);                                          \
        const int64_t sj = j->mask.sc;                                                            \
        for (int64_t c = 0; c < nk; c++) s[c] = s[c] * sc + mk[c * sj];                           \
      } else {                                                                                    \
        for (int64_t c = 0; c < nk; c++) s[c] *= sc;                                              \
      }                                                                                           \
    }                                                                                             \
    return NNC_OK;                                                                                \
  }                                                                                               \
                                                                                                  \
  /* The largest of s[0, n): NaN when one is NaN, -inf when n is 0. Written so that it           \
   * vectorises; the maximum does not depend on the order (only the sign of a zero maximum can, \
   * and a zero's sign changes neither s - max nor max + log(sum)). */                            \
  static inline double row_max_##SUF(const T *s, int64_t n) {                                     \
    T mx = (T)-INFINITY;                                                                          \
    int nan = 0;                                                                                  \
    for (int64_t c = 0; c < n; c++) {                                                             \
      nan |= s[c] != s[c];                                                                        \
      mx = s[c] > mx ? s[c] : mx;                                                                 \
    }                                                                                             \
    return nan ? (double)NAN : (double)mx;                                                        \
  }                                                                                               \
                                                                                                  \
  /* sum[r] = the visible weights of row r added in double from the first on, as the JS kernel   \
   * adds them (so bit for bit the same), eight rows at a time: eight chains of additions in     \
   * flight instead of one, which is what a row's sum waited on (the latency of each add). */    \
  static void row_sums_##SUF(const attn_job *j, int64_t i0, int64_t m, int64_t nk, const T *S,   \
                             const double *mx, double *sum) {                                     \
    int64_t r = 0;                                                                                \
    for (; r + 8 <= m; r += 8) {                                                                  \
      const T *s = S + r * nk;                                                                    \
      int64_t cnt[8], common = nk;                                                                \
      double acc[8];                                                                              \
      for (int k = 0; k < 8; k++) {                                                               \
        cnt[k] = mx[r + k] == -INFINITY ? 0 : visible(j, i0 + r + k);                             \
        if (cnt[k] < common) common = cnt[k];                                                     \
        acc[k] = 0;                                                                               \
      }                                                                                           \
      for (int64_t c = 0; c < common; c++)                                                        \
        for (int k = 0; k < 8; k++) acc[k] += s[k * nk + c];                                      \
      for (int k = 0; k < 8; k++) {                                                               \
        for (int64_t c = common; c < cnt[k]; c++) acc[k] += s[k * nk + c];                        \
        sum[r + k] = acc[k];                                                                      \
      }                                                                                           \
    }                                                                                             \
    for (; r < m; r++) {                                                                          \
      const T *s = S + r * nk;                                                                    \
      const int64_t cnt = mx[r] == -INFINITY ? 0 : visible(j, i0 + r);                            \
      double acc = 0;                                                                             \
      for (int64_t c = 0; c < cnt; c++) acc += s[c];                                              \
      sum[r] = acc;                                                                               \
    }                                                                                             \
  }                                                                                               \
                                                                                                  \
  static void forward_##SUF(void *ctx, int64_t t0, int64_t t1) {                                 \
    attn_job *j = ctx;                                                                            \
    for (int64_t t = t0; t < t1; t++) {                                                           \
      const int64_t b = t / j->nblk, n = b / j->H, h = b % j->H;                                  \
      const int64_t i0 = (t % j->nblk) * ATTN_ROWS;                                               \
      const int64_t m = j->Lq - i0 < ATTN_ROWS ? j->Lq - i0 : ATTN_ROWS;                          \
      const int64_t nk = visible(j, i0 + m - 1);                                                  \
      T *L = ptr_##SUF(&j->lse, n, h, i0);                                                        \
      const int64_t ls = j->lse.sr, os = j->out.sr;                                               \
      T *O = ptr_##SUF(&j->out, n, h, i0);                                                        \
      if (nk == 0) {                                                                              \
        for (int64_t r = 0; r < m; r++) {                                                         \
          memset(O + r * os, 0, (size_t)j->Dv * sizeof(T));                                       \
          L[r * ls] = (T)-INFINITY;                                                               \
        }                                                                                         \
        continue;                                                                                 \
      }                                                                                           \
      T *S = nnc_scratch(2, (size_t)(m * nk) * sizeof(T));                                        \
      double *inv = nnc_scratch(3, (size_t)(3 * m) * sizeof(double));                             \
      if (!S || !inv) {                                                                           \
        j->rc = NNC_E_NOMEM;                                                                      \
        return;                                                                                   \
      }                                                                                           \
      int rc = scores_##SUF(j, n, h, i0, m, nk, S);                                               \
      if (rc) {                                                                                   \
        j->rc = rc;                                                                               \
        return;                                                                                   \
      }                                                                                           \
      double *mx = inv + m, *sum = inv + 2 * m;                                                   \
      for (int64_t r = 0; r < m; r++) {                                                           \
        T *s = S + r * nk;                                                                        \
        const int64_t cnt = visible(j, i0 + r);                                                   \
        const double top = row_max_##SUF(s, cnt); /* a local: s may alias mx when T is double */  \
        mx[r] = top;                                                                              \
        if (top == -INFINITY) {                                                                   \
          memset(s, 0, (size_t)nk * sizeof(T));                                                   \
          continue;                                                                               \
        }                                                                                         \
        for (int64_t c = 0; c < cnt; c++) s[c] = (T)exp((double)s[c] - top);                      \
        for (int64_t c = cnt; c < nk; c++) s[c] = 0;                                              \
      }                                                                                           \
      row_sums_##SUF(j, i0, m, nk, S, mx, sum);                                                   \
      for (int64_t r = 0; r < m; r++) {                                                           \
        const int empty = mx[r] == -INFINITY;                                                     \
        inv[r] = empty ? 0 : 1 / sum[r];                                                          \
        L[r * ls] = empty ? (T)-INFINITY : (T)log_sum_exp(mx[r], sum[r]);                         \
      }                                                                                           \
      rc = nnc_gemm_##SUF(m, j->Dv, nk, S, nk, 1, ptr_##SUF(&j->v, n, h, 0), j->v.sr, 1, O, os, 0); \
      if (rc) {                                                                                   \
        j->rc = rc;                                                                               \
        return;                                                                                   \
      }                                                                                           \
      for (int64_t r = 0; r < m; r++) {                                                           \
        T *o = O + r * os;                                                                        \
        const double f = inv[r];                                                                  \
        for (int64_t c = 0; c < j->Dv; c++) o[c] = (T)((double)o[c] * f);                         \
      }                                                                                           \
    }                                                                                             \
  }                                                                                               \
                                                                                                  \
  /* Rows [0, nk) of a strided gradient (row stride rs, width w) from the GEMM result in tmp:     \
   * added to the rows already written (the first `done`), copied into the new ones. */           \
  static void accumulate_##SUF(T *acc, int64_t rs, const T *tmp, int64_t nk, int64_t w,          \
                               int64_t done) {                                                    \
    for (int64_t r = 0; r < nk; r++) {                                                            \
      T *a = acc + r * rs;                                                                        \
      const T *x = tmp + r * w;                                                                   \
      if (r < done)                                                                               \
        for (int64_t c = 0; c < w; c++) a[c] += x[c];                                             \
      else                                                                                        \
        memcpy(a, x, (size_t)w * sizeof(T));                                                      \
    }                                                                                             \
  }                                                                                               \
                                                                                                  \
  static void backward_##SUF(void *ctx, int64_t b0, int64_t b1) {                                \
    attn_job *j = ctx;                                                                            \
    const int64_t D = j->D, Dv = j->Dv, Lq = j->Lq, Lk = j->Lk;                                   \
    const int64_t wide = D > Dv ? D : Dv;                                                         \
    for (int64_t b = b0; b < b1; b++) {                                                           \
      const int64_t n = b / j->H, h = b % j->H;                                                   \
      const T *K = ptr_##SUF(&j->k, n, h, 0), *V = ptr_##SUF(&j->v, n, h, 0);                     \
      T *dK = ptr_##SUF(&j->dk, n, h, 0), *dV = ptr_##SUF(&j->dv, n, h, 0);                       \
      const int64_t kr = j->k.sr, vr = j->v.sr, dkr = j->dk.sr, dvr = j->dv.sr;                   \
      int64_t done = 0; /* rows of dK and dV written so far (the rest hold garbage) */            \
      for (int64_t blk = 0; blk < j->nblk; blk++) {                                               \
        const int64_t i0 = blk * ATTN_ROWS;                                                       \
        const int64_t m = Lq - i0 < ATTN_ROWS ? Lq - i0 : ATTN_ROWS;                              \
        const int64_t nk = visible(j, i0 + m - 1);                                                \
        const T *Q = ptr_##SUF(&j->q, n, h, i0), *G = ptr_##SUF(&j->dout, n, h, i0);              \
        const T *O = ptr_##SUF(&j->out, n, h, i0), *L = ptr_##SUF(&j->lse, n, h, i0);             \
        const int64_t qr = j->q.sr, gr = j->dout.sr, orr = j->out.sr, ls = j->lse.sr;             \
        T *dQ = ptr_##SUF(&j->dq, n, h, i0);                                                      \
        const int64_t dqr = j->dq.sr;                                                             \
        if (nk == 0) {                                                                            \
          for (int64_t r = 0; r < m; r++) memset(dQ + r * dqr, 0, (size_t)D * sizeof(T));        \
          continue;                                                                               \
        }                                                                                         \
        T *P = nnc_scratch(2, (size_t)(2 * m * nk) * sizeof(T));                                  \
        T *tmp = nnc_scratch(3, (size_t)(nk * wide) * sizeof(T));                                 \
        if (!P || !tmp) {                                                                         \
          j->rc = NNC_E_NOMEM;                                                                    \
          return;                                                                                 \
        }                                                                                         \
        T *dS = P + m * nk;                                                                       \
        int rc = scores_##SUF(j, n, h, i0, m, nk, P);                                             \
        if (!rc) rc = nnc_gemm_##SUF(m, nk, Dv, G, gr, 1, V, 1, vr, dS, nk, 0);                  \
        if (rc) {                                                                                 \
          j->rc = rc;                                                                             \
          return;                                                                                 \
        }                                                                                         \
        for (int64_t r = 0; r < m; r++) {                                                         \
          T *p = P + r * nk, *ds = dS + r * nk;                                                   \
          const T *g = G + r * gr, *o = O + r * orr;                                              \
          const double l = (double)L[r * ls];                                                     \
          const int64_t cnt = l == -INFINITY ? 0 : visible(j, i0 + r);                            \
          double di = 0;                                                                          \
          for (int64_t c = 0; c < Dv; c++) di += (double)g[c] * (double)o[c];                     \
          for (int64_t c = 0; c < cnt; c++) p[c] = (T)exp((double)p[c] - l);                      \
          for (int64_t c = cnt; c < nk; c++) p[c] = 0;                                            \
          for (int64_t c = 0; c < nk; c++)                                                        \
            ds[c] = (T)((double)p[c] * ((double)ds[c] - di) * j->scale);                          \
        }                                                                                         \
        /* dQ = dS K; dK[:nk] += dSᵀ Q; dV[:nk] += Pᵀ dO. */                                      \
        rc = nnc_gemm_##SUF(m, D, nk, dS, nk, 1, K, kr, 1, dQ, dqr, 0);                           \
        if (!rc) rc = nnc_gemm_##SUF(nk, D, m, dS, 1, nk, Q, qr, 1, done ? tmp : dK, done ? D : dkr, 0); \
        if (!rc && done) accumulate_##SUF(dK, dkr, tmp, nk, D, done);                             \
        if (!rc) rc = nnc_gemm_##SUF(nk, Dv, m, P, 1, nk, G, gr, 1, done ? tmp : dV, done ? Dv : dvr, 0); \
        if (!rc && done) accumulate_##SUF(dV, dvr, tmp, nk, Dv, done);                            \
        if (rc) {                                                                                 \
          j->rc = rc;                                                                             \
          return;                                                                                 \
        }                                                                                         \
        if (nk > done) done = nk;                                                                 \
      }                                                                                           \
      for (int64_t r = done; r < Lk; r++) {                                                       \
        memset(dK + r * dkr, 0, (size_t)D * sizeof(T));                                           \
        memset(dV + r * dvr, 0, (size_t)Dv * sizeof(T));                                          \
      }                                                                                           \
    }                                                                                             \
  }

ATTN_KERNELS(float, f32)
ATTN_KERNELS(double, f64)

/* Reads and checks the sizes and options of c; fills the job. */
static int parse_job(const double *c, int32_t c_bytes, int nbufs, attn_job *j, const char *op) {
  if (!c || c_bytes < (ATTN_HEAD + ATTN_SLOT * nbufs) * (int32_t)sizeof(double))
    return nnc_fail(NNC_E_ARG, "%s: coefficient array must hold %d doubles", op, ATTN_HEAD + ATTN_SLOT * nbufs);
  int64_t v[6];
  static const char *names[6] = {"N", "H", "Lq", "Lk", "D", "Dv"};
  for (int i = 0; i < 6; i++) {
    const double x = c[i];
    if (!(x >= 0 && x <= 2147483647.0) || x != floor(x))
      return nnc_fail(NNC_E_ARG, "%s: %s must be a non-negative 32-bit integer, got %g", op, names[i], x);
    v[i] = (int64_t)x;
  }
  j->N = v[0], j->H = v[1], j->Lq = v[2], j->Lk = v[3], j->D = v[4], j->Dv = v[5];
  if ((double)j->N * (double)j->H > 2147483647.0)
    return nnc_fail(NNC_E_ARG, "%s: N·H = %g is too large", op, (double)j->N * (double)j->H);
  j->nblk = (j->Lq + ATTN_ROWS - 1) / ATTN_ROWS;
  j->scale = c[6];
  if (!isfinite(j->scale)) return nnc_fail(NNC_E_ARG, "%s: scale must be finite, got %g", op, j->scale);
  if (c[7] != 0 && c[7] != 1) return nnc_fail(NNC_E_ARG, "%s: causal flag must be 0 or 1, got %g", op, c[7]);
  j->causal = c[7] != 0;
  return NNC_OK;
}

/* Reads buffer argument k's slot into *a and checks that the [N, H, rows, cols] view lies inside the
 * buffer (cols < 0: no column axis, as lse); a unit column stride is required unless `any_cols`. */
static int read_view(const double *c, int k, const void *p, int64_t N, int64_t H, int64_t rows, int64_t cols,
                     int any_cols, int64_t es, const char *op, const char *name, view *a) {
  const double *s = c + ATTN_HEAD + ATTN_SLOT * k;
  if (!p) return nnc_fail(NNC_E_ARG, "%s: %s is null", op, name);
  for (int i = 0; i < ATTN_SLOT; i++)
    if (!(fabs(s[i]) <= 9007199254740991.0) || s[i] != floor(s[i]))
      return nnc_fail(NNC_E_ARG, "%s: byte length, offset and strides of %s must be integers, got %g", op,
                      name, s[i]);
  a->p = p, a->off = (int64_t)s[1], a->sn = (int64_t)s[2], a->sh = (int64_t)s[3], a->sr = (int64_t)s[4];
  a->sc = cols < 0 ? 0 : (int64_t)s[5];
  if (cols > 1 && !any_cols && a->sc != 1)
    return nnc_fail(NNC_E_ARG, "%s: %s must have a unit column stride, got %lld", op, name, (long long)a->sc);
  if (N == 0 || H == 0 || rows == 0 || cols == 0) return NNC_OK; /* an empty view reads nothing */
  const double ext[4] = {(double)N - 1, (double)H - 1, (double)rows - 1, cols < 0 ? 0 : (double)cols - 1};
  const double st[4] = {(double)a->sn, (double)a->sh, (double)a->sr, (double)a->sc};
  double lo = (double)a->off, hi = (double)a->off;
  for (int d = 0; d < 4; d++) {
    const double span = ext[d] * st[d];
    if (span < 0) lo += span;
    else hi += span;
  }
  const double len = s[0] / (double)es;
  if (lo < 0 || hi >= len)
    return nnc_fail(NNC_E_BOUNDS, "%s: %s reads elements %.0f..%.0f of a buffer of %.0f", op, name, lo, hi, len);
  return NNC_OK;
}

int32_t nnc_attention(const double *c, int32_t c_bytes, int32_t dtype, void *out, void *lse, const void *q,
                      const void *k, const void *v, const void *mask) {
  static const char *op = "attention";
  attn_job j = {0};
  int rc = parse_job(c, c_bytes, 6, &j, op);
  if (rc) return rc;
  if (dtype != NNC_F32 && dtype != NNC_F64)
    return nnc_fail(NNC_E_UNSUPPORTED, "attention: dtype must be float32 or float64");
  const int64_t es = nnc_elsize(dtype), N = j.N, H = j.H;
  if ((rc = read_view(c, 0, out, N, H, j.Lq, j.Dv, 0, es, op, "out", &j.out)) ||
      (rc = read_view(c, 1, lse, N, H, j.Lq, -1, 0, es, op, "lse", &j.lse)) ||
      (rc = read_view(c, 2, q, N, H, j.Lq, j.D, 0, es, op, "q", &j.q)) ||
      (rc = read_view(c, 3, k, N, H, j.Lk, j.D, 0, es, op, "k", &j.k)) ||
      (rc = read_view(c, 4, v, N, H, j.Lk, j.Dv, 0, es, op, "v", &j.v)))
    return rc;
  j.has_mask = mask != NULL;
  if (mask && (rc = read_view(c, 5, mask, N, H, j.Lq, j.Lk, 1, es, op, "mask", &j.mask))) return rc;
  if (N == 0 || H == 0 || j.Lq == 0) return NNC_OK;
  nnc_ensure_init();
  const double work = (double)ATTN_ROWS * (double)j.Lk * (double)(j.D + j.Dv);
  int64_t grain = (int64_t)(65536.0 / (work > 1 ? work : 1));
  nnc_parallel_for(N * H * j.nblk, grain < 1 ? 1 : grain, dtype == NNC_F64 ? forward_f64 : forward_f32, &j);
  return j.rc;
}

int32_t nnc_attention_backward(const double *c, int32_t c_bytes, int32_t dtype, void *dq, void *dk, void *dv,
                               const void *q, const void *k, const void *v, const void *mask, const void *out,
                               const void *lse, const void *dout) {
  static const char *op = "attention_backward";
  attn_job j = {0};
  int rc = parse_job(c, c_bytes, 10, &j, op);
  if (rc) return rc;
  if (dtype != NNC_F32 && dtype != NNC_F64)
    return nnc_fail(NNC_E_UNSUPPORTED, "attention_backward: dtype must be float32 or float64");
  const int64_t es = nnc_elsize(dtype), N = j.N, H = j.H;
  if ((rc = read_view(c, 0, dq, N, H, j.Lq, j.D, 0, es, op, "dq", &j.dq)) ||
      (rc = read_view(c, 1, dk, N, H, j.Lk, j.D, 0, es, op, "dk", &j.dk)) ||
      (rc = read_view(c, 2, dv, N, H, j.Lk, j.Dv, 0, es, op, "dv", &j.dv)) ||
      (rc = read_view(c, 3, q, N, H, j.Lq, j.D, 0, es, op, "q", &j.q)) ||
      (rc = read_view(c, 4, k, N, H, j.Lk, j.D, 0, es, op, "k", &j.k)) ||
      (rc = read_view(c, 5, v, N, H, j.Lk, j.Dv, 0, es, op, "v", &j.v)) ||
      (rc = read_view(c, 7, out, N, H, j.Lq, j.Dv, 0, es, op, "out", &j.out)) ||
      (rc = read_view(c, 8, lse, N, H, j.Lq, -1, 0, es, op, "lse", &j.lse)) ||
      (rc = read_view(c, 9, dout, N, H, j.Lq, j.Dv, 0, es, op, "dout", &j.dout)))
    return rc;
  j.has_mask = mask != NULL;
  if (mask && (rc = read_view(c, 6, mask, N, H, j.Lq, j.Lk, 1, es, op, "mask", &j.mask))) return rc;
  if (N == 0 || H == 0) return NNC_OK;
  nnc_ensure_init();
  const double work = (double)j.Lq * (double)j.Lk * (double)(2 * j.D + 2 * j.Dv);
  int64_t grain = (int64_t)(65536.0 / (work > 1 ? work : 1));
  nnc_parallel_for(N * H, grain < 1 ? 1 : grain, dtype == NNC_F64 ? backward_f64 : backward_f32, &j);
  return j.rc;
}
