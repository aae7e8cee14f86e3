/* Shared internals of libnnc: operand parsing and validation, strided iteration, the thread pool,
 * the BLAS/LAPACK function table and the built-in GEMM. */
#ifndef NNC_INTERNAL_H
#define NNC_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nnc.h"

#define NNC_HIDDEN __attribute__((visibility("hidden")))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* A validated strided operand. */
typedef struct {
  int dtype;
  int ndim;
  int64_t off;   /* elements */
  int64_t len;   /* elements the buffer holds */
  int64_t size;  /* product of the shape */
  int64_t shape[NNC_MAX_DIMS];
  int64_t strides[NNC_MAX_DIMS];
  char *data;    /* buffer base (element 0, not the offset) */
} nnc_arr;

static inline int64_t nnc_elsize(int dtype) { return dtype == NNC_F64 ? 8 : 4; }

/* Lane sums: element i of a run goes to partial sum i mod 8 (in order), and the eight partials are
 * added pairwise at the end: the order of summation libnnc's kernels and the JS backend's share
 * (tensor/js/_lane_sum.ts) where one running sum would wait on every add's latency. */
#define NNC_LANES 8
static inline double nnc_lane_total(const double *p) {
  return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
}

/* Records the message of the current error and returns code. */
NNC_HIDDEN int nnc_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads and validates operand k of the descriptor. name appears in error messages. */
NNC_HIDDEN int nnc_parse(const double *desc, int k, const void *ptr, const char *name, nnc_arr *a);
/* Checks the descriptor buffer itself (length). */
NNC_HIDDEN int nnc_check_desc(const double *desc, int32_t desc_bytes, const char *op);
/* Reads integer parameter i (from NNC_PARAMS) into *v, failing unless it is in [lo, hi]. */
NNC_HIDDEN int nnc_param(const double *desc, int i, int64_t lo, int64_t hi, const char *op,
                         const char *what, int64_t *v);
/* Fails unless a is contiguous (row-major, no gaps). */
NNC_HIDDEN int nnc_require_contiguous(const nnc_arr *a, const char *op, const char *name);
NNC_HIDDEN int nnc_is_contiguous(const nnc_arr *a);
NNC_HIDDEN int nnc_same_shape(const nnc_arr *a, const nnc_arr *b);
NNC_HIDDEN int nnc_require_shape(const nnc_arr *a, const nnc_arr *ref, const char *op,
                                 const char *name, const char *refname);
NNC_HIDDEN int nnc_require_dtype(const nnc_arr *a, int dtype, const char *op, const char *name);
NNC_HIDDEN const char *nnc_dtype_name(int dtype);
/* The kernels on flat buffers (optimiser steps, fused losses, activation gradients) take a
 * coefficient array whose c[0] is the element count n and c[1 + k] the byte length of buffer k.
 * Checks that it holds `need` doubles, that dtype is float32 or float64, that n is a non-negative
 * integer and that every buffer is non-null (unless optional[k], or n is 0: FFI passes empty
 * arrays as null) and holds n elements. Returns n, or a negative error code with the message set. */
NNC_HIDDEN int64_t nnc_check_flat_buffers(const double *c, int32_t c_bytes, int32_t need,
                                          int32_t dtype, const void *const *bufs,
                                          const int *optional, int nbufs, const char *op);

/* Pointer to element at storage index i. */
static inline char *nnc_at(const nnc_arr *a, int64_t i) { return a->data + i * nnc_elsize(a->dtype); }

/* JavaScript's ToInt32: what storing a number into an Int32Array does. */
static inline int32_t js_toint32(double d) {
  if (LIKELY(d >= -2147483648.0 && d <= 2147483647.0)) return (int32_t)d; /* truncates; NaN fails */
  if (!(d - d == 0)) return 0; /* NaN or infinity */
  double t = trunc(d);
  double m = fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return (int32_t)(uint32_t)(uint64_t)m;
}

/* ---- strided iteration ---- */

/* A traversal of a common shape by up to 4 operands, dimensions merged where all strides allow. */
typedef struct {
  int ndim;                              /* >= 1 */
  int nops;
  int64_t shape[NNC_MAX_DIMS];
  int64_t st[4][NNC_MAX_DIMS];           /* strides in elements */
  int64_t size;
} nnc_plan;

NNC_HIDDEN void nnc_plan_make(nnc_plan *p, int nops, int ndim, const int64_t *shape,
                              const int64_t *const *strides);
/* Calls row(ctx, n, ptrs, strides) for the innermost rows covering linear elements
 * [begin, end) of the plan, where ptrs are byte pointers and strides element strides. */
typedef void (*nnc_row_fn)(void *ctx, int64_t n, char **ptrs, const int64_t *strides);
NNC_HIDDEN void nnc_plan_range(const nnc_plan *p, char *const *base, const int *elsize,
                               int64_t begin, int64_t end, nnc_row_fn row, void *ctx);
/* Runs the whole plan, in parallel when it is large. */
NNC_HIDDEN void nnc_plan_run(const nnc_plan *p, char *const *base, const int *elsize,
                             nnc_row_fn row, void *ctx, int64_t grain);

/* ---- threads ---- */

typedef void (*nnc_task_fn)(void *ctx, int64_t begin, int64_t end);
/* Splits [0, n) into at most nnc_threads() chunks of at least grain items and runs them in
 * parallel (the caller runs the first). Runs serially when nested or when n < 2 * grain. */
NNC_HIDDEN void nnc_parallel_for(int64_t n, int64_t grain, nnc_task_fn fn, void *ctx);
NNC_HIDDEN int nnc_threads(void);
NNC_HIDDEN int nnc_pool_set_threads(int n);
NNC_HIDDEN int nnc_default_threads(void);
/* True inside a parallel region (worker threads, or the caller while it runs its chunks). */
NNC_HIDDEN int nnc_in_parallel(void);
/* Worker threads started so far (the pool never shrinks; extra workers sleep). */
NNC_HIDDEN int nnc_pool_workers(void);
/* Tells workers spinning after a job to sleep now (before the BLAS's own threads take the cores). */
NNC_HIDDEN void nnc_pool_quiet(void);

/* ---- BLAS ---- */

enum { CblasRowMajor = 101, CblasColMajor = 102 };
enum { CblasNoTrans = 111, CblasTrans = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *,
                         int, float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int,
                         const double *, int, double, double *, int);
typedef void (*sgemv_fn)(int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*dgemv_fn)(int, int, int, int, double, const double *, int, const double *, int,
                         double, double *, int);
/* Fortran LAPACK (column-major, every argument by pointer). */
typedef void (*potrf_fn)(const char *, const int *, void *, const int *, int *);
typedef void (*getrf_fn)(const int *, const int *, void *, const int *, int *, int *);
typedef void (*getrs_fn)(const char *, const int *, const int *, const void *, const int *,
                         const int *, void *, const int *, int *);
typedef void (*geqrf_fn)(const int *, const int *, void *, const int *, void *, void *,
                         const int *, int *);
typedef void (*orgqr_fn)(const int *, const int *, const int *, void *, const int *, const void *,
                         void *, const int *, int *);
typedef void (*syevd_fn)(const char *, const char *, const int *, void *, const int *, void *,
                         void *, const int *, int *, const int *, int *);
typedef void (*gesdd_fn)(const char *, const int *, const int *, void *, const int *, void *,
                         void *, const int *, void *, const int *, void *, const int *, int *,
                         int *);

typedef struct {
  sgemm_fn sgemm;
  dgemm_fn dgemm;
  sgemv_fn sgemv; /* NULL when the BLAS lacks it: single-row products then go to the GEMM */
  dgemv_fn dgemv;
  potrf_fn potrf[2]; /* [0] float, [1] double */
  getrf_fn getrf[2];
  getrs_fn getrs[2];
  geqrf_fn geqrf[2];
  orgqr_fn orgqr[2];
  syevd_fn syevd[2];
  gesdd_fn gesdd[2];
  int has_lapack;
} nnc_blas_t;

NNC_HIDDEN extern nnc_blas_t nnc_blas;
NNC_HIDDEN void nnc_ensure_init(void);
NNC_HIDDEN void nnc_blas_set_threads(int n);
/* 1 when the BLAS runs its own threads for every call (NNC_BLAS_THREADING=blas), 0 when libnnc
 * decides per call (default). */
NNC_HIDDEN int nnc_blas_threaded(void);
/* Runs one BLAS call with the BLAS's own threads (n of them), then back to one. Returns 0 when the
 * BLAS cannot change its thread count (then the caller splits the work itself). */
NNC_HIDDEN int nnc_blas_can_thread(void);
NNC_HIDDEN void nnc_blas_threads_for_call(int n);
/* 1 when float32 GEMMs of mid size run on libnnc's own AVX-512 kernels rather than the BLAS (see
 * blas.c: own_sgemm_policy). */
NNC_HIDDEN int nnc_own_sgemm(void);

/* ---- GEMM ---- */

/* C[M,N] (row stride ldc, unit column stride) = A·B with A, B strided (row, column strides).
 * Uses the BLAS when loaded (and allowed), the built-in kernels otherwise. */
NNC_HIDDEN int nnc_gemm_f32(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa,
                            int64_t csa, const float *B, int64_t rsb, int64_t csb, float *C,
                            int64_t ldc, int builtin);
NNC_HIDDEN int nnc_gemm_f64(int64_t M, int64_t N, int64_t K, const double *A, int64_t rsa,
                            int64_t csa, const double *B, int64_t rsb, int64_t csb, double *C,
                            int64_t ldc, int builtin);
/* The same with bias[N] added to every row of C after the product (NULL: none): libnnc's own
 * kernels add it to each tile after its last block of K, the BLAS paths in a pass of their own. */
NNC_HIDDEN int nnc_gemm_bias_f32(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa,
                                 int64_t csa, const float *B, int64_t rsb, int64_t csb, float *C,
                                 int64_t ldc, const float *bias);
NNC_HIDDEN int nnc_gemm_bias_f64(int64_t M, int64_t N, int64_t K, const double *A, int64_t rsa,
                                 int64_t csa, const double *B, int64_t rsb, int64_t csb, double *C,
                                 int64_t ldc, const double *bias);
/* C[i, j] += bias[j] for M rows of N (row stride ldc): the product's value plus the bias, rounded
 * once, exactly what a separate broadcast add gives (and what the JS backend computes). */
static inline void nnc_add_bias_rows_f32(int64_t M, int64_t N, float *C, int64_t ldc,
                                         const float *bias) {
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < N; j++) C[i * ldc + j] += bias[j];
}
static inline void nnc_add_bias_rows_f64(int64_t M, int64_t N, double *C, int64_t ldc,
                                         const double *bias) {
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < N; j++) C[i * ldc + j] += bias[j];
}
/* The built-in blocked GEMM (threads: use the pool when > 1). */
NNC_HIDDEN int nnc_builtin_sgemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa,
                                 int64_t csa, const float *B, int64_t rsb, int64_t csb, float *C,
                                 int64_t ldc, int threads);
NNC_HIDDEN int nnc_builtin_dgemm(int64_t M, int64_t N, int64_t K, const double *A, int64_t rsa,
                                 int64_t csa, const double *B, int64_t rsb, int64_t csb,
                                 double *C, int64_t ldc, int threads);

/* GEMM with B packed once and reused (gemm.c; a plain row-major copy in the WebAssembly build):
 * nnc_sgemm_pack_b writes B [K, N] (strides rsb, csb) into nnc_sgemm_packed_floats(K, N) floats;
 * nnc_sgemm_packed_b computes C[M, N] (row stride ldc) = A·B from them, on the pool. */
NNC_HIDDEN size_t nnc_sgemm_packed_floats(int64_t K, int64_t N);
NNC_HIDDEN void nnc_sgemm_pack_b(int64_t K, int64_t N, const float *B, int64_t rsb, int64_t csb,
                                 float *packed);
NNC_HIDDEN int nnc_sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa,
                                  int64_t csa, const float *packed, float *C, int64_t ldc);

#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>
/* The first n of eight 32-bit lanes as AVX2's maskload and maskstore take them (all-ones): none
 * for n <= 0, all from 8 on. */
static inline __m256i nnc_first_lanes8(int64_t n) {
  const int live = n >= 8 ? 8 : n <= 0 ? 0 : (int)n;
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(live), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
#endif

/* The implicit-GEMM convolutions (conv.c) run where libnnc has vector micro-kernels for their
 * products: x86-64 with AVX-512, or with AVX2 and FMA. */
#if defined(__x86_64__) && (defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__)))
#define NNC_IMPLICIT_CONV 1
#endif

#if defined(NNC_IMPLICIT_CONV)
/* Products over an image read in place through offsets (gemm.c; the implicit convolutions of
 * conv.c), one thread each. nnc_sgemm_offsets_b: C[M, N] (row stride ldc) = A[M, K] (row stride
 * lda) · B̃, B̃[k][j] = B[boff[k] + j]; it reads B̃ up to column N rounded up to 32 (the caller
 * keeps that readable; those columns' results are not stored). */
NNC_HIDDEN int nnc_sgemm_offsets_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                                   const float *B, const int32_t *boff, float *C, int64_t ldc);
/* C[M, N] (+ C when acc) = Â · B, Â[i][k] = A[aoff[i] + k] (rows read in place), B given as Bᵀ
 * [N, K] with row stride ldbt (packed by 16×16 transposes; 8×8 on AVX2). */
NNC_HIDDEN int nnc_sgemm_offsets_at(int64_t M, int64_t N, int64_t K, const float *A,
                                    const int32_t *aoff, const float *Bt, int64_t ldbt, float *C,
                                    int64_t ldc, int acc);
#endif

/* 64-byte aligned scratch memory, never seen by the caller. */
NNC_HIDDEN void *nnc_alloc(size_t bytes);
/* memory.c: before a kernel writes an output of `bytes` at `data` (huge pages for fresh memory). */
NNC_HIDDEN void nnc_prepare_output(const void *data, size_t bytes);
NNC_HIDDEN const char *nnc_hugepages_state(void);
NNC_HIDDEN void nnc_memory_init(void);
/* A per-thread scratch buffer (slot 0..3) of at least `bytes`, kept between calls; NULL when out
 * of memory. */
NNC_HIDDEN void *nnc_scratch(int slot, size_t bytes);
NNC_HIDDEN void nnc_free(void *p);

#endif
