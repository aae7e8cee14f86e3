/* Batched matrix product over broadcast batch dimensions. Large products go to the GEMM (BLAS or
 * built-in) with the operands' own strides (transposed views need no copy); a batch that shares
 * its right operand folds into one tall GEMM; tiny products run a plain loop, one batch per
 * thread. */
#include "internal.h"

/* Below this many multiply-adds per matrix a plain loop beats packing and BLAS call overhead. */
#define TINY_FLOPS 4096

typedef struct {
  const nnc_arr *o, *a, *b;
  const char *bias; /* [N] of out's dtype added to every row, or NULL */
  nnc_plan batch; /* 0 = out, 1 = a, 2 = b */
  int64_t M, N, K, sam, sak, sbk, sbn;
  int rc;
} mm_job;

static void batch_offsets(const nnc_plan *p, int64_t q, int64_t *o, int64_t *a, int64_t *b) {
  int64_t x = 0, y = 0, z = 0;
  for (int d = p->ndim - 1; d >= 0; d--) {
    const int64_t c = q % p->shape[d];
    q /= p->shape[d];
    x += c * p->st[0][d], y += c * p->st[1][d], z += c * p->st[2][d];
  }
  *o = x, *a = y, *b = z;
}

/* The JS backend's small-product loop (i-k-j, skipping zero a[i,k]), so tiny results match it. */
#define TINY(T)                                                                                  \
  static void tiny_##T(int64_t M, int64_t N, int64_t K, const T *A, int64_t sam, int64_t sak,   \
                       const T *B, int64_t sbk, int64_t sbn, T *C) {                              \
    for (int64_t i = 0; i < M; i++) {                                                             \
      T *c = C + i * N;                                                                           \
      for (int64_t j = 0; j < N; j++) c[j] = 0;                                                   \
      for (int64_t k = 0; k < K; k++) {                                                           \
        const T aik = A[i * sam + k * sak];                                                       \
        if (aik == 0) continue;                                                                   \
        const T *b = B + k * sbk;                                                                 \
        if (sbn == 1)                                                                             \
          for (int64_t j = 0; j < N; j++) c[j] += aik * b[j];                                     \
        else                                                                                      \
          for (int64_t j = 0; j < N; j++) c[j] += aik * b[j * sbn];                               \
      }                                                                                           \
    }                                                                                             \
  }
TINY(float)
TINY(double)

/* int32: exact modular arithmetic (what JS's double sums give while they stay below 2^53). */
static void tiny_int(int64_t M, int64_t N, int64_t K, const int32_t *A, int64_t sam, int64_t sak,
                     const int32_t *B, int64_t sbk, int64_t sbn, int32_t *C) {
  for (int64_t i = 0; i < M; i++) {
    for (int64_t j = 0; j < N; j++) {
      uint64_t s = 0;
      for (int64_t k = 0; k < K; k++)
        s += (uint64_t)((int64_t)A[i * sam + k * sak] * (int64_t)B[k * sbk + j * sbn]);
      C[i * N + j] = (int32_t)(uint32_t)s;
    }
  }
}

static void mm_batches(void *ctx, int64_t b, int64_t e) {
  mm_job *j = ctx;
  const int dt = j->o->dtype;
  const int64_t es = nnc_elsize(dt), MN = j->M * j->N;
  char *ob = j->o->data + j->o->off * es;
  const char *ab = j->a->data + j->a->off * es, *bb = j->b->data + j->b->off * es;
  const int tiny = (double)j->M * j->N * j->K <= TINY_FLOPS;
  for (int64_t q = b; q < e; q++) {
    int64_t oo, ao, bo;
    batch_offsets(&j->batch, q, &oo, &ao, &bo);
    (void)oo; /* out is contiguous: batch q starts at q·M·N */
    int rc = NNC_OK;
    if (dt == NNC_I32) {
      tiny_int(j->M, j->N, j->K, (const int32_t *)ab + ao, j->sam, j->sak, (const int32_t *)bb + bo, j->sbk,
               j->sbn, (int32_t *)ob + q * MN);
    } else if (dt == NNC_F32) {
      const float *bias = (const float *)j->bias;
      if (tiny) {
        tiny_float(j->M, j->N, j->K, (const float *)ab + ao, j->sam, j->sak, (const float *)bb + bo, j->sbk,
                   j->sbn, (float *)ob + q * MN);
        if (bias) nnc_add_bias_rows_f32(j->M, j->N, (float *)ob + q * MN, j->N, bias);
      } else {
        rc = nnc_gemm_bias_f32(j->M, j->N, j->K, (const float *)ab + ao, j->sam, j->sak,
                               (const float *)bb + bo, j->sbk, j->sbn, (float *)ob + q * MN, j->N, bias);
      }
    } else {
      const double *bias = (const double *)j->bias;
      if (tiny) {
        tiny_double(j->M, j->N, j->K, (const double *)ab + ao, j->sam, j->sak, (const double *)bb + bo, j->sbk,
                    j->sbn, (double *)ob + q * MN);
        if (bias) nnc_add_bias_rows_f64(j->M, j->N, (double *)ob + q * MN, j->N, bias);
      } else {
        rc = nnc_gemm_bias_f64(j->M, j->N, j->K, (const double *)ab + ao, j->sam, j->sak,
                               (const double *)bb + bo, j->sbk, j->sbn, (double *)ob + q * MN, j->N, bias);
      }
    }
    if (rc) j->rc = rc;
  }
}

static int32_t matmul_run(const double *desc, int32_t desc_bytes, void *out, const void *x, const void *y,
                          const void *bias) {
  const char *op = bias ? "matmulBias" : "matmul";
  nnc_arr o, a, b, c;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "matmul: out", &o)) ||
      (rc = nnc_parse(desc, 1, x, "matmul: a", &a)) || (rc = nnc_parse(desc, 2, y, "matmul: b", &b)) ||
      (rc = nnc_require_dtype(&a, o.dtype, op, "a")) || (rc = nnc_require_dtype(&b, o.dtype, op, "b")) ||
      (rc = nnc_require_contiguous(&o, op, "out")))
    return rc;
  if (bias) {
    if ((rc = nnc_parse(desc, 3, bias, "matmulBias: bias", &c)) || (rc = nnc_require_dtype(&c, o.dtype, op, "bias")) ||
        (rc = nnc_require_contiguous(&c, op, "bias")))
      return rc;
    if (o.dtype == NNC_I32) return nnc_fail(NNC_E_UNSUPPORTED, "matmulBias: int32 products take no bias");
    if (o.ndim < 2 || c.ndim != 1 || c.shape[0] != o.shape[o.ndim - 1])
      return nnc_fail(NNC_E_ARG, "matmulBias: bias must be [%lld] (out's last dimension), got %d dimensions",
                      o.ndim >= 2 ? (long long)o.shape[o.ndim - 1] : -1LL, c.ndim);
  }
  const int nd = o.ndim;
  if (nd < 2 || a.ndim != nd || b.ndim != nd)
    return nnc_fail(NNC_E_ARG, "matmul: out, a and b must have the same rank >= 2, got %d, %d, %d", o.ndim,
                    a.ndim, b.ndim);
  const int64_t M = o.shape[nd - 2], N = o.shape[nd - 1], K = a.shape[nd - 1];
  if (a.shape[nd - 2] != M || b.shape[nd - 2] != K || b.shape[nd - 1] != N)
    return nnc_fail(NNC_E_ARG, "matmul: shapes differ: a is [..., %lld, %lld], b [..., %lld, %lld], out [..., %lld, %lld]",
                    (long long)a.shape[nd - 2], (long long)K, (long long)b.shape[nd - 2], (long long)b.shape[nd - 1],
                    (long long)M, (long long)N);
  for (int d = 0; d < nd - 2; d++)
    if (a.shape[d] != o.shape[d] || b.shape[d] != o.shape[d])
      return nnc_fail(NNC_E_ARG, "matmul: batch dimension %d differs: out %lld, a %lld, b %lld", d,
                      (long long)o.shape[d], (long long)a.shape[d], (long long)b.shape[d]);
  if (o.size == 0) return NNC_OK;
  nnc_ensure_init();
  mm_job j = {.o = &o, .a = &a, .b = &b, .bias = bias ? nnc_at(&c, c.off) : NULL, .M = M, .N = N, .K = K,
              .sam = a.strides[nd - 2], .sak = a.strides[nd - 1],
              .sbk = b.strides[nd - 2], .sbn = b.strides[nd - 1]};
  const int64_t *sts[3] = {o.strides, a.strides, b.strides};
  nnc_plan_make(&j.batch, 3, nd - 2, o.shape, sts);
  const int64_t batches = j.batch.size;
  const double flops = (double)M * N * K;
  const int es = (int)nnc_elsize(o.dtype);
  /* A batch that shares b (stride 0) and whose a rows are evenly spaced is one tall product. */
  if (batches > 1 && o.dtype != NNC_I32 && j.batch.ndim == 1 && j.batch.st[2][0] == 0 &&
      (M == 1 || j.batch.st[1][0] == M * j.sam) && flops > TINY_FLOPS) {
    const int64_t rsa = M == 1 ? j.batch.st[1][0] : j.sam;
    char *ob = o.data + o.off * es;
    const char *ab = a.data + a.off * es, *bb = b.data + b.off * es;
    if (o.dtype == NNC_F32)
      return nnc_gemm_bias_f32(batches * M, N, K, (const float *)ab, rsa, j.sak, (const float *)bb, j.sbk,
                               j.sbn, (float *)ob, N, (const float *)j.bias);
    return nnc_gemm_bias_f64(batches * M, N, K, (const double *)ab, rsa, j.sak, (const double *)bb, j.sbk,
                             j.sbn, (double *)ob, N, (const double *)j.bias);
  }
  /* Small products, or at least as many batches as threads: whole batches per thread (each GEMM
   * then runs single-threaded, no split into thin slices). Few large ones: batch after batch,
   * each GEMM using every thread. */
  const double per = flops > 1 ? flops : 1;
  const int T = nnc_threads();
  if (batches > 1 && (flops < 2.0e6 || (batches >= T && flops < 6.4e7))) {
    int64_t grain = (int64_t)(65536 / per);
    nnc_parallel_for(batches, grain < 1 ? 1 : grain, mm_batches, &j);
  } else {
    mm_batches(&j, 0, batches);
  }
  return j.rc;
}

int32_t nnc_matmul(const double *desc, int32_t desc_bytes, void *out, const void *x, const void *y) {
  return matmul_run(desc, desc_bytes, out, x, y, NULL);
}

int32_t nnc_matmul_bias(const double *desc, int32_t desc_bytes, void *out, const void *x, const void *y,
                        const void *bias) {
  if (!bias) return nnc_fail(NNC_E_ARG, "matmulBias: null bias");
  return matmul_run(desc, desc_bytes, out, x, y, bias);
}
