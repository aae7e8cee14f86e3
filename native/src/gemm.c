/* GEMM: the dispatch to the BLAS, and libnnc's own blocked, packed, vectorised GEMM for machines
 * without one (or NNC_BLAS=builtin). The built-in GEMM follows the GotoBLAS/BLIS structure:
 * B is packed into KC×NR micro-panels, A into MR×KC micro-panels, and a register-blocked
 * micro-kernel computes one MR×NR tile of C per call. */
#include <limits.h>
#include <stdlib.h>

#include "internal.h"

#if defined(__x86_64__) && (defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__)))
#include <immintrin.h>
#endif

/* Micro-tile shapes: NR spans two vector registers, MR rows fill the rest of the register file. */
#if defined(__AVX512F__)
#define S_MR 12
#define S_NR 32
#define D_MR 12
#define D_NR 16
#elif defined(__AVX2__) && defined(__FMA__)
#define S_MR 6
#define S_NR 16
#define D_MR 6
#define D_NR 8
#else
#define S_MR 4
#define S_NR 8
#define D_MR 4
#define D_NR 4
#endif

/* Cache blocking (elements): A block MC×KC in L2, B micro-panel KC×NR in L1/L2. */
#define S_KC 256
#define S_MC (S_MR * 12)
#define S_NC 3072
#define D_KC 192
#define D_MC (D_MR * 8)
#define D_NC 2048

/* ---------------- micro-kernels ----------------
 * c[0..mr, 0..nr] (row stride ldc) = (acc ? c : 0) + Σ_k a[k*MR + i] * b[k*NR + j]. The packed
 * panels are zero-padded to MR×NR, so the kernel always computes a full tile; partial tiles go
 * through a local buffer. */

#if defined(__AVX512F__)
/* ROWS live rows of an S_MR-row packed panel: ukr_s computes all S_MR; ukr_s_short only the first
 * S_SHORT, for a last panel of at most S_SHORT rows (M = 32 is panels of 12, 12 and 8: without it
 * a third of the last panel's multiply-adds were on zero padding). */
#define S_SHORT 8
/* Writes (or adds, when acc) the live mr × nr corner of the accumulators c0/c1 to c: whole rows with
 * vector stores, a partial tile through masked ones. BIAS (or NULL) is added to every row after that
 * sum, rounded as a separate add would round it: a Linear layer's bias, in registers. */
#define UKR_S512_STORE(ROWS, BIAS)                                                                \
  const __mmask16 m0_ = nr >= 16 ? 0xFFFF : (__mmask16)((1u << nr) - 1);                         \
  const __mmask16 m1_ = nr >= 32 ? 0xFFFF : nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1);   \
  const float *bias_ = (BIAS);                                                                    \
  const __m512 bb0_ = bias_ ? _mm512_maskz_loadu_ps(m0_, bias_) : _mm512_setzero_ps();            \
  const __m512 bb1_ = bias_ ? _mm512_maskz_loadu_ps(m1_, bias_ + 16) : _mm512_setzero_ps();       \
  _Pragma("GCC unroll 16") for (int i = 0; i < ROWS; i++) {                                       \
    if (i >= mr) break;                                                                           \
    float *ci = c + i * ldc;                                                                      \
    if (acc) {                                                                                    \
      c0[i] = _mm512_add_ps(c0[i], _mm512_maskz_loadu_ps(m0_, ci));                               \
      c1[i] = _mm512_add_ps(c1[i], _mm512_maskz_loadu_ps(m1_, ci + 16));                          \
    }                                                                                             \
    if (bias_) {                                                                                  \
      c0[i] = _mm512_add_ps(c0[i], bb0_);                                                         \
      c1[i] = _mm512_add_ps(c1[i], bb1_);                                                         \
    }                                                                                             \
    _mm512_mask_storeu_ps(ci, m0_, c0[i]);                                                        \
    _mm512_mask_storeu_ps(ci + 16, m1_, c1[i]);                                                   \
  }
#define DEFINE_UKR_S512(NAME, ROWS)                                                               \
  static void NAME(int64_t kc, const float *restrict a, const float *restrict b, float *c,        \
                   int64_t ldc, int acc, int mr, int nr, const float *bias) {                     \
    __m512 c0[ROWS], c1[ROWS];                                                                    \
    _Pragma("GCC unroll 16") for (int i = 0; i < ROWS; i++) c0[i] = c1[i] = _mm512_setzero_ps(); \
    for (int64_t k = 0; k < kc; k++) {                                                            \
      const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);                          \
      _Pragma("GCC unroll 12") for (int i = 0; i < ROWS; i++) {                                   \
        const __m512 ai = _mm512_set1_ps(a[i]);                                                   \
        c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);                                                   \
        c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);                                                   \
      }                                                                                           \
      a += S_MR;                                                                                  \
      b += S_NR;                                                                                  \
    }                                                                                             \
    UKR_S512_STORE(ROWS, bias)                                                                    \
  }
DEFINE_UKR_S512(ukr_s, S_MR)
DEFINE_UKR_S512(ukr_s_short, S_SHORT)

/* The same tile with A read in place from ROWS rows of a row-major matrix (row stride lda) instead
 * of a packed panel: a row-major A would otherwise be transposed into panels before every product,
 * which costs a tenth of a mid-size GEMM. Rows past mr repeat the last row (valid memory; their
 * results are dropped), so the kernel never reads outside A. */
#define DEFINE_UKR_S512_ROWS(NAME, ROWS)                                                          \
  static void NAME(int64_t kc, const float *a, int64_t lda, const float *restrict b, float *c,    \
                   int64_t ldc, int acc, int mr, int nr, const float *bias) {                     \
    const float *r[ROWS];                                                                         \
    for (int i = 0; i < ROWS; i++) r[i] = a + (i < mr ? i : mr - 1) * lda;                       \
    __m512 c0[ROWS], c1[ROWS];                                                                    \
    _Pragma("GCC unroll 16") for (int i = 0; i < ROWS; i++) c0[i] = c1[i] = _mm512_setzero_ps(); \
    for (int64_t k = 0; k < kc; k++) {                                                            \
      const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);                          \
      _Pragma("GCC unroll 12") for (int i = 0; i < ROWS; i++) {                                   \
        const __m512 ai = _mm512_set1_ps(r[i][k]);                                                \
        c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);                                                   \
        c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);                                                   \
      }                                                                                           \
      b += S_NR;                                                                                  \
    }                                                                                             \
    UKR_S512_STORE(ROWS, bias)                                                                    \
  }
DEFINE_UKR_S512_ROWS(ukr_s_rows, S_MR)
DEFINE_UKR_S512_ROWS(ukr_s_rows_short, S_SHORT)
#define S_ROWS_KERNEL 1

static void ukr_d(int64_t kc, const double *restrict a, const double *restrict b, double *c,
                    int64_t ldc, int acc, int mr, int nr, const double *bias) {
  __m512d c0[D_MR], c1[D_MR];
  for (int i = 0; i < D_MR; i++) c0[i] = _mm512_setzero_pd(), c1[i] = _mm512_setzero_pd();
  for (int64_t k = 0; k < kc; k++) {
    const __m512d b0 = _mm512_load_pd(b), b1 = _mm512_load_pd(b + 8);
#pragma GCC unroll 12
    for (int i = 0; i < D_MR; i++) {
      const __m512d ai = _mm512_set1_pd(a[i]);
      c0[i] = _mm512_fmadd_pd(ai, b0, c0[i]);
      c1[i] = _mm512_fmadd_pd(ai, b1, c1[i]);
    }
    a += D_MR;
    b += D_NR;
  }
  if (mr == D_MR && nr == D_NR) {
    for (int i = 0; i < D_MR; i++) {
      double *ci = c + i * ldc;
      if (acc) {
        c0[i] = _mm512_add_pd(c0[i], _mm512_loadu_pd(ci));
        c1[i] = _mm512_add_pd(c1[i], _mm512_loadu_pd(ci + 8));
      }
      if (bias) {
        c0[i] = _mm512_add_pd(c0[i], _mm512_loadu_pd(bias));
        c1[i] = _mm512_add_pd(c1[i], _mm512_loadu_pd(bias + 8));
      }
      _mm512_storeu_pd(ci, c0[i]);
      _mm512_storeu_pd(ci + 8, c1[i]);
    }
    return;
  }
  double t[D_MR * D_NR] __attribute__((aligned(64)));
  for (int i = 0; i < D_MR; i++) {
    _mm512_store_pd(t + i * D_NR, c0[i]);
    _mm512_store_pd(t + i * D_NR + 8, c1[i]);
  }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) {
      c[i * ldc + j] = (acc ? c[i * ldc + j] : 0) + t[i * D_NR + j];
      if (bias) c[i * ldc + j] += bias[j];
    }
}

#elif defined(__AVX2__) && defined(__FMA__)
/* The AVX2 kernels mirror the AVX-512 ones: a 6×16 tile in twelve registers (fifteen of sixteen
 * with the two B vectors and the broadcast), unrolled so that GCC keeps the tile in registers (with
 * a store loop over a variable row count it had kept the tile on the stack and stored all twelve
 * accumulators at every k: a 256-unit LSTM's recurrence ran at a third of the FMA peak), and partial
 * tiles written with masked stores. S_SHORT rows run a 4-row kernel: M = 32 is tiles of 6, 6, 6, 6, 4
 * and 4 rows when A is read in place. */
#define S_SHORT 4
/* Writes (or adds, when acc) the live mr × nr corner of c0/c1 to c, then adds BIAS (or NULL) as
 * a separate add would round it: whole rows with plain stores, a partial tile with masked ones. */
#define UKR_S256_STORE(ROWS, BIAS)                                                                \
  const float *bias_ = (BIAS);                                                                    \
  if (nr == 16) {                                                                                 \
    const __m256 bb0_ = bias_ ? _mm256_loadu_ps(bias_) : _mm256_setzero_ps();                     \
    const __m256 bb1_ = bias_ ? _mm256_loadu_ps(bias_ + 8) : _mm256_setzero_ps();                 \
    _Pragma("GCC unroll 8") for (int i = 0; i < ROWS; i++) {                                      \
      if (i >= mr) break;                                                                         \
      float *ci = c + i * ldc;                                                                    \
      if (acc) {                                                                                  \
        c0[i] = _mm256_add_ps(c0[i], _mm256_loadu_ps(ci));                                        \
        c1[i] = _mm256_add_ps(c1[i], _mm256_loadu_ps(ci + 8));                                    \
      }                                                                                           \
      if (bias_) {                                                                                \
        c0[i] = _mm256_add_ps(c0[i], bb0_);                                                       \
        c1[i] = _mm256_add_ps(c1[i], bb1_);                                                       \
      }                                                                                           \
      _mm256_storeu_ps(ci, c0[i]);                                                                \
      _mm256_storeu_ps(ci + 8, c1[i]);                                                            \
    }                                                                                             \
  } else {                                                                                        \
    const __m256i m0_ = nnc_first_lanes8(nr), m1_ = nnc_first_lanes8(nr - 8);                     \
    const __m256 bb0_ = bias_ ? _mm256_maskload_ps(bias_, m0_) : _mm256_setzero_ps();             \
    const __m256 bb1_ = bias_ ? _mm256_maskload_ps(bias_ + 8, m1_) : _mm256_setzero_ps();         \
    _Pragma("GCC unroll 8") for (int i = 0; i < ROWS; i++) {                                      \
      if (i >= mr) break;                                                                         \
      float *ci = c + i * ldc;                                                                    \
      if (acc) {                                                                                  \
        c0[i] = _mm256_add_ps(c0[i], _mm256_maskload_ps(ci, m0_));                                \
        c1[i] = _mm256_add_ps(c1[i], _mm256_maskload_ps(ci + 8, m1_));                            \
      }                                                                                           \
      if (bias_) {                                                                                \
        c0[i] = _mm256_add_ps(c0[i], bb0_);                                                       \
        c1[i] = _mm256_add_ps(c1[i], bb1_);                                                       \
      }                                                                                           \
      _mm256_maskstore_ps(ci, m0_, c0[i]);                                                        \
      _mm256_maskstore_ps(ci + 8, m1_, c1[i]);                                                    \
    }                                                                                             \
  }
/* The tile's k loop with row i's multiplier at A_AT(i) (after which A_NEXT advances a packed A)
 * and row k of B's sixteen columns at B_AT, read by LOAD (B_NEXT then advances a packed B). */
#define UKR_S256_LOOP(ROWS, A_AT, A_NEXT, B_AT, LOAD, B_NEXT)                                     \
  __m256 c0[ROWS], c1[ROWS];                                                                      \
  _Pragma("GCC unroll 8") for (int i = 0; i < ROWS; i++) c0[i] = c1[i] = _mm256_setzero_ps();     \
  for (int64_t k = 0; k < kc; k++) {                                                              \
    const float *bk_ = (B_AT);                                                                    \
    const __m256 b0 = LOAD(bk_), b1 = LOAD(bk_ + 8);                                              \
    _Pragma("GCC unroll 8") for (int i = 0; i < ROWS; i++) {                                      \
      const __m256 ai = _mm256_broadcast_ss(A_AT(i));                                             \
      c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);                                                     \
      c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);                                                     \
    }                                                                                             \
    A_NEXT;                                                                                       \
    B_NEXT;                                                                                       \
  }
#define PACKED_AT(i) (a + (i))
#define DEFINE_UKR_S256(NAME, ROWS)                                                               \
  static void NAME(int64_t kc, const float *restrict a, const float *restrict b, float *c,        \
                   int64_t ldc, int acc, int mr, int nr, const float *bias) {                     \
    UKR_S256_LOOP(ROWS, PACKED_AT, a += S_MR, b, _mm256_load_ps, b += S_NR)                       \
    UKR_S256_STORE(ROWS, bias)                                                                    \
  }
DEFINE_UKR_S256(ukr_s, S_MR)
DEFINE_UKR_S256(ukr_s_short, S_SHORT)

/* The same tile with A read in place from ROWS rows of a row-major matrix (row stride lda); rows
 * past mr repeat the last row (valid memory; their results are dropped). */
#define ROW_AT(i) (r[i] + k)
#define DEFINE_UKR_S256_ROWS(NAME, ROWS)                                                          \
  static void NAME(int64_t kc, const float *a, int64_t lda, const float *restrict b, float *c,    \
                   int64_t ldc, int acc, int mr, int nr, const float *bias) {                     \
    const float *r[ROWS];                                                                         \
    for (int i = 0; i < ROWS; i++) r[i] = a + (i < mr ? i : mr - 1) * lda;                       \
    UKR_S256_LOOP(ROWS, ROW_AT, (void)0, b, _mm256_load_ps, b += S_NR)                            \
    UKR_S256_STORE(ROWS, bias)                                                                    \
  }
DEFINE_UKR_S256_ROWS(ukr_s_rows, S_MR)
DEFINE_UKR_S256_ROWS(ukr_s_rows_short, S_SHORT)
#define S_ROWS_KERNEL 1

static void ukr_d(int64_t kc, const double *restrict a, const double *restrict b, double *c,
                    int64_t ldc, int acc, int mr, int nr, const double *bias) {
  __m256d c0[D_MR], c1[D_MR];
#pragma GCC unroll 8
  for (int i = 0; i < D_MR; i++) c0[i] = _mm256_setzero_pd(), c1[i] = _mm256_setzero_pd();
  for (int64_t k = 0; k < kc; k++) {
    const __m256d b0 = _mm256_load_pd(b), b1 = _mm256_load_pd(b + 4);
#pragma GCC unroll 8
    for (int i = 0; i < D_MR; i++) {
      const __m256d ai = _mm256_broadcast_sd(a + i);
      c0[i] = _mm256_fmadd_pd(ai, b0, c0[i]);
      c1[i] = _mm256_fmadd_pd(ai, b1, c1[i]);
    }
    a += D_MR;
    b += D_NR;
  }
  double t[D_MR * D_NR] __attribute__((aligned(32)));
#pragma GCC unroll 8
  for (int i = 0; i < D_MR; i++) {
    _mm256_store_pd(t + i * D_NR, c0[i]);
    _mm256_store_pd(t + i * D_NR + 4, c1[i]);
  }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) {
      c[i * ldc + j] = (acc ? c[i * ldc + j] : 0) + t[i * D_NR + j];
      if (bias) c[i * ldc + j] += bias[j];
    }
}
#else
/* Portable kernels: plain loops the compiler vectorises (contraction allowed here only). */
#pragma GCC push_options
#pragma GCC optimize("fp-contract=fast")
#define GENERIC_UKR(NAME, T, MR, NR)                                                              \
  static void NAME(int64_t kc, const T *restrict a, const T *restrict b, T *c, int64_t ldc,      \
                   int acc, int mr, int nr, const T *bias) {                                      \
    T t[MR][NR] = {{0}};                                                                          \
    for (int64_t k = 0; k < kc; k++, a += MR, b += NR)                                           \
      for (int i = 0; i < MR; i++)                                                               \
        for (int j = 0; j < NR; j++) t[i][j] += a[i] * b[j];                                      \
    for (int i = 0; i < mr; i++)                                                                  \
      for (int j = 0; j < nr; j++) {                                                              \
        c[i * ldc + j] = (acc ? c[i * ldc + j] : 0) + t[i][j];                                    \
        if (bias) c[i * ldc + j] += bias[j];                                                      \
      }                                                                                           \
  }
GENERIC_UKR(ukr_s, float, S_MR, S_NR)
GENERIC_UKR(ukr_d, double, D_MR, D_NR)
#pragma GCC pop_options
#endif

#ifndef S_SHORT
#define S_SHORT S_MR
#define ukr_s_short ukr_s
#endif

#ifdef S_ROWS_KERNEL
/* mr <= S_SHORT rows run the short kernel: no multiply-adds on repeated rows. */
static void ukr_rows_s(int64_t kc, const float *a, int64_t lda, const float *b, float *c,
                       int64_t ldc, int acc, int mr, int nr, const float *bias) {
  (mr <= S_SHORT ? ukr_s_rows_short : ukr_s_rows)(kc, a, lda, b, c, ldc, acc, mr, nr, bias);
}
#else
#define S_ROWS_KERNEL 0
static void ukr_rows_s(int64_t kc, const float *a, int64_t lda, const float *b, float *c,
                       int64_t ldc, int acc, int mr, int nr, const float *bias) {
  (void)kc, (void)a, (void)lda, (void)b, (void)c, (void)ldc, (void)acc, (void)mr, (void)nr;
  (void)bias;
}
#endif
/* Rows of the next tile when A is read in place (any row can start a tile): full MR-row tiles,
 * except that the last MR + 1 to 2·S_SHORT rows go as two tiles of at most S_SHORT, so that a 16-row
 * product (a 16-channel convolution) runs as 8 + 8 rows on AVX-512, not as 12 + 4 with four rows of
 * zeros' arithmetic (on AVX2, 8 rows as 4 + 4, not 6 + 2). */
static int64_t rows_tile(int64_t rem, int64_t MR) {
  if (rem > MR && rem <= 2 * S_SHORT) return S_SHORT;
  return rem < MR ? rem : MR;
}

/* Double has no rows kernel (ROWS_KERNEL is 0 for it); this keeps the shared loop nest compiling. */
static void ukr_rows_d(int64_t kc, const double *a, int64_t lda, const double *b, double *c,
                       int64_t ldc, int acc, int mr, int nr, const double *bias) {
  (void)kc, (void)a, (void)lda, (void)b, (void)c, (void)ldc, (void)acc, (void)mr, (void)nr;
  (void)bias;
}

/* ---------------- packing ---------------- */

#define DEFINE_PACK(T, SUF, MR, NR)                                                              \
  /* rows [0, mc) and columns [0, kc) of A (already offset) into MR-row micro-panels. */         \
  static void pack_a_##SUF(int64_t mc, int64_t kc, const T *A, int64_t rs, int64_t cs, T *p) {  \
    for (int64_t i0 = 0; i0 < mc; i0 += MR) {                                                     \
      const int64_t m = mc - i0 < MR ? mc - i0 : MR;                                              \
      if (m == MR && cs == 1) {                                                                   \
        const T *rows[MR];                                                                        \
        for (int r = 0; r < MR; r++) rows[r] = A + (i0 + r) * rs;                                 \
        for (int64_t k = 0; k < kc; k++)                                                          \
          for (int r = 0; r < MR; r++) p[k * MR + r] = rows[r][k];                                \
      } else if (m == MR && rs == 1) { /* A stored transposed (dYᵀ·X): each k's MR are adjacent */ \
        for (int64_t k = 0; k < kc; k++) memcpy(p + k * MR, A + i0 + k * cs, MR * sizeof(T));     \
      } else {                                                                                    \
        for (int64_t k = 0; k < kc; k++) {                                                        \
          int r = 0;                                                                              \
          for (; r < m; r++) p[k * MR + r] = A[(i0 + r) * rs + k * cs];                           \
          for (; r < MR; r++) p[k * MR + r] = 0;                                                  \
        }                                                                                         \
      }                                                                                           \
      p += MR * kc;                                                                               \
    }                                                                                             \
  }                                                                                               \
  /* rows [0, kc) and columns [0, nc) of B into NR-column micro-panels. */                       \
  static void pack_b_any_##SUF(int64_t kc, int64_t nc, const T *B, int64_t rs, int64_t cs, T *p) {  \
    for (int64_t j0 = 0; j0 < nc; j0 += NR) {                                                     \
      const int64_t n = nc - j0 < NR ? nc - j0 : NR;                                              \
      if (n == NR && cs == 1) {                                                                   \
        for (int64_t k = 0; k < kc; k++) memcpy(p + k * NR, B + k * rs + j0, NR * sizeof(T));     \
      } else {                                                                                    \
        for (int64_t k = 0; k < kc; k++) {                                                        \
          int64_t j = 0;                                                                          \
          for (; j < n; j++) p[k * NR + j] = B[k * rs + (j0 + j) * cs];                           \
          for (; j < NR; j++) p[k * NR + j] = 0;                                                  \
        }                                                                                         \
      }                                                                                           \
      p += NR * kc;                                                                               \
    }                                                                                             \
  }

DEFINE_PACK(float, s, S_MR, S_NR)
DEFINE_PACK(double, d, D_MR, D_NR)

static void pack_b_d(int64_t kc, int64_t nc, const double *B, int64_t rs, int64_t cs, double *p) {
  pack_b_any_d(kc, nc, B, rs, cs, p);
}

#if defined(__AVX512F__)
/* Transposes the 16×16 block held in r (r[i] = row i) in place: 64 shuffles for 256 elements. */
static inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int g = 0; g < 4; g++) {
    const __m512d a = _mm512_castps_pd(t[4 * g]), b = _mm512_castps_pd(t[4 * g + 1]);
    const __m512d c = _mm512_castps_pd(t[4 * g + 2]), d = _mm512_castps_pd(t[4 * g + 3]);
    r[4 * g] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  /* r[4g + c], 128-bit lane L, now holds element 4L + c of rows 4g..4g+3. */
  for (int c = 0; c < 4; c++) {
    const __m512 u0 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0x88);
    const __m512 u1 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0xDD);
    const __m512 u2 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0x88);
    const __m512 u3 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0xDD);
    t[c] = _mm512_shuffle_f32x4(u0, u2, 0x88);
    t[8 + c] = _mm512_shuffle_f32x4(u0, u2, 0xDD);
    t[4 + c] = _mm512_shuffle_f32x4(u1, u3, 0x88);
    t[12 + c] = _mm512_shuffle_f32x4(u1, u3, 0xDD);
  }
  for (int i = 0; i < 16; i++) r[i] = t[i];
}

/* The transposing pack's block for AVX-512: 16 rows of 16, the first kl elements of a row loaded. */
#define TRANS_BLOCK 16
typedef __m512 trans_vec;
static inline trans_vec trans_load(const float *row, int64_t kl) {
  return _mm512_maskz_loadu_ps(kl >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << kl) - 1), row);
}
static inline trans_vec trans_zero(void) { return _mm512_setzero_ps(); }
static inline void trans_store(float *p, trans_vec v) { _mm512_store_ps(p, v); }
static inline void trans_block(trans_vec r[TRANS_BLOCK]) { transpose16(r); }
#elif defined(__AVX2__) && defined(__FMA__)
/* Transposes the 8×8 block held in r (r[i] = row i) in place: 24 shuffles for 64 elements. */
static inline void transpose8(__m256 r[8]) {
  __m256 t[8], s[8];
  for (int i = 0; i < 4; i++) {
    /* rows 2i, 2i+1 interleaved: elements 0, 1 | 4, 5 (lo) and 2, 3 | 6, 7 (hi) */
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int g = 0; g < 2; g++) {
    /* element e of rows 4g..4g+3 in 128-bit lane 0 of s[4g + e], element e + 4 in lane 1 */
    s[4 * g] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
    s[4 * g + 1] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
    s[4 * g + 2] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
    s[4 * g + 3] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
  }
  for (int e = 0; e < 4; e++) {
    r[e] = _mm256_permute2f128_ps(s[e], s[4 + e], 0x20);
    r[4 + e] = _mm256_permute2f128_ps(s[e], s[4 + e], 0x31);
  }
}

/* The AVX2 block: 8 rows of 8. */
#define TRANS_BLOCK 8
typedef __m256 trans_vec;
static inline trans_vec trans_load(const float *row, int64_t kl) {
  return kl >= 8 ? _mm256_loadu_ps(row) : _mm256_maskload_ps(row, nnc_first_lanes8(kl));
}
static inline trans_vec trans_zero(void) { return _mm256_setzero_ps(); }
static inline void trans_store(float *p, trans_vec v) { _mm256_store_ps(p, v); }
static inline void trans_block(trans_vec r[TRANS_BLOCK]) { transpose8(r); }
#endif

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
/* B stored transposed (element (k, j) at B[j * cs], rs == 1: a weight used as x·Wᵀ) into panels of
 * w columns (S_NR; 16 for nnc_sgemm_offsets_at's narrow tiles: a multiple of TRANS_BLOCK), square
 * blocks transposed in registers at a time; the scalar gather it replaces cost a sixth of such a
 * product. */
static void pack_b_s_trans(int64_t kc, int64_t nc, const float *B, int64_t cs, int w, float *p) {
  for (int64_t j0 = 0; j0 < nc; j0 += w, p += w * kc) {
    for (int h = 0; h < w; h += TRANS_BLOCK) {
      const int64_t n = nc - j0 - h; /* live columns in this block */
      for (int64_t k0 = 0; k0 < kc; k0 += TRANS_BLOCK) {
        const int64_t kl = kc - k0 < TRANS_BLOCK ? kc - k0 : TRANS_BLOCK;
        trans_vec r[TRANS_BLOCK];
        for (int j = 0; j < TRANS_BLOCK; j++)
          r[j] = j < n ? trans_load(B + (j0 + h + j) * cs + k0, kl) : trans_zero();
        trans_block(r);
        for (int64_t k = 0; k < kl; k++) trans_store(p + (k0 + k) * w + h, r[k]);
      }
    }
  }
}
#endif

static void pack_b_s(int64_t kc, int64_t nc, const float *B, int64_t rs, int64_t cs, float *p) {
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
  if (rs == 1 && cs != 1) {
    pack_b_s_trans(kc, nc, B, cs, S_NR, p);
    return;
  }
#endif
  pack_b_any_s(kc, nc, B, rs, cs, p);
}

/* The depth of each k block: K split into equal blocks of at most KC (a multiple of 8), so that no
 * block is a sliver (K = 784 in blocks of 256 left a last block of 16, whose C tile loads and
 * stores cost as much as its multiply-adds). */
static int64_t k_block(int64_t K, int64_t KC) {
  const int64_t blocks = (K + KC - 1) / KC;
  const int64_t kc = (K + blocks - 1) / blocks;
  return (kc + 7) / 8 * 8 < KC ? (kc + 7) / 8 * 8 : KC;
}

/* Per-thread packing buffers, grown on demand and kept: a GEMM per step must not pay mmap and
 * page faults for fresh scratch every call. */
static __thread void *t_pack_a, *t_pack_b;
static __thread size_t t_pack_a_bytes, t_pack_b_bytes;

static void *scratch(void **buf, size_t *have, size_t need) {
  if (*have >= need) return *buf;
  nnc_free(*buf);
  *buf = nnc_alloc(need);
  *have = *buf ? need : 0;
  return *buf;
}

/* ---------------- the blocked loop nest ---------------- */

#define nnc_add_bias_rows_s nnc_add_bias_rows_f32
#define nnc_add_bias_rows_d nnc_add_bias_rows_f64

#define DEFINE_GEMM(T, SUF, MR, NR, KC, MC, NC, ROWS_KERNEL)                                    \
  /* One thread's share: columns [n0, n1) (or rows, when split that way) of C. */                \
  static int gemm_serial_##SUF(int64_t M, int64_t N, int64_t K, const T *A, int64_t rsa,        \
                               int64_t csa, const T *B, int64_t rsb, int64_t csb, T *C,          \
                               int64_t ldc, const T *bias) {                                      \
    const int64_t ncMax = N < NC ? N : NC, kcb = k_block(K, KC);                                  \
    /* A row-major A is read in place by the rows kernel, where there is one. */                 \
    const int inPlaceA = ROWS_KERNEL && csa == 1;                                                 \
    T *pb = scratch(&t_pack_b, &t_pack_b_bytes,                                                   \
                    (size_t)((ncMax + NR - 1) / NR * NR * kcb) * sizeof(T));                      \
    T *pa = inPlaceA ? NULL : scratch(&t_pack_a, &t_pack_a_bytes, (size_t)(MC * kcb) * sizeof(T)); \
    if ((!pa && !inPlaceA) || !pb) return NNC_E_NOMEM;                                            \
    for (int64_t jc = 0; jc < N; jc += NC) {                                                      \
      const int64_t nc = N - jc < NC ? N - jc : NC;                                               \
      for (int64_t pc = 0; pc < K; pc += kcb) {                                                   \
        const int64_t kc = K - pc < kcb ? K - pc : kcb;                                           \
        pack_b_##SUF(kc, nc, B + pc * rsb + jc * csb, rsb, csb, pb);                              \
        for (int64_t ic = 0; ic < M; ic += MC) {                                                  \
          const int64_t mc = M - ic < MC ? M - ic : MC;                                           \
          if (!inPlaceA) pack_a_##SUF(mc, kc, A + ic * rsa + pc * csa, rsa, csa, pa);             \
          for (int64_t jr = 0; jr < nc; jr += NR) {                                               \
            const int nr = (int)(nc - jr < NR ? nc - jr : NR);                                    \
            for (int64_t ir = 0, mr; ir < mc; ir += mr) {                                         \
              mr = inPlaceA ? rows_tile(mc - ir, MR) : mc - ir < MR ? mc - ir : MR;               \
              T *c_ = C + (ic + ir) * ldc + jc + jr;                                              \
              /* After the last block of K the tile holds the product: the kernel adds the        \
               * bias in registers, rounded as a separate add would round it. */                  \
              const T *b_ = bias && pc + kc >= K ? bias + jc + jr : NULL;                         \
              if (inPlaceA)                                                                       \
                ukr_rows_##SUF(kc, A + (ic + ir) * rsa + pc, rsa, pb + jr * kc, c_, ldc, pc > 0,  \
                               (int)mr, nr, b_);                                                  \
              else                                                                                \
                ukr_##SUF(kc, pa + ir * kc, pb + jr * kc, c_, ldc, pc > 0, (int)mr, nr, b_);      \
            }                                                                                     \
          }                                                                                       \
        }                                                                                         \
      }                                                                                           \
    }                                                                                             \
    return NNC_OK;                                                                                \
  }                                                                                               \
  typedef struct {                                                                                \
    int64_t M, N, K, rsa, csa, rsb, csb, ldc, unit;                                              \
    const T *A, *B;                                                                               \
    T *C;                                                                                         \
    const T *bias;                                                                                \
    int byCols;                                                                                   \
    int rc;                                                                                       \
  } gemm_job_##SUF;                                                                               \
  static void gemm_task_##SUF(void *ctx, int64_t b, int64_t e) {                                 \
    gemm_job_##SUF *j = ctx;                                                                      \
    int64_t lo = b * j->unit, hi = e * j->unit;                                                   \
    int rc;                                                                                       \
    if (j->byCols) {                                                                              \
      if (hi > j->N) hi = j->N;                                                                   \
      rc = gemm_serial_##SUF(j->M, hi - lo, j->K, j->A, j->rsa, j->csa, j->B + lo * j->csb,      \
                             j->rsb, j->csb, j->C + lo, j->ldc, j->bias ? j->bias + lo : NULL);   \
    } else {                                                                                      \
      if (hi > j->M) hi = j->M;                                                                   \
      rc = gemm_serial_##SUF(hi - lo, j->N, j->K, j->A + lo * j->rsa, j->rsa, j->csa, j->B,      \
                             j->rsb, j->csb, j->C + lo * j->ldc, j->ldc, j->bias);                \
    }                                                                                             \
    if (rc) j->rc = rc;                                                                           \
  }                                                                                               \
  int nnc_builtin_##SUF##gemm_impl(int64_t M, int64_t N, int64_t K, const T *A, int64_t rsa,    \
                                   int64_t csa, const T *B, int64_t rsb, int64_t csb, T *C,      \
                                   int64_t ldc, int threads, const T *bias) {                     \
    if (M <= 0 || N <= 0) return NNC_OK;                                                          \
    if (K <= 0) {                                                                                 \
      for (int64_t i = 0; i < M; i++) memset(C + i * ldc, 0, (size_t)N * sizeof(T));             \
      if (bias) nnc_add_bias_rows_##SUF(M, N, C, ldc, bias);                                      \
      return NNC_OK;                                                                              \
    }                                                                                             \
    if (threads <= 1 || M * N * K < 64 * 64 * 64)                                                 \
      return gemm_serial_##SUF(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, bias);                  \
    gemm_job_##SUF j = {M, N, K, rsa, csa, rsb, csb, ldc, 0, A, B, C, bias, N >= M, 0};           \
    /* Split the larger of M and N into one share of whole micro-panels per thread.            */ \
    const int64_t ext_ = j.byCols ? N : M, step_ = j.byCols ? NR : MR;                            \
    j.unit = ((ext_ + threads - 1) / threads + step_ - 1) / step_ * step_;                        \
    if (j.unit < step_) j.unit = step_;                                                           \
    const int64_t units = (ext_ + j.unit - 1) / j.unit;                                           \
    nnc_parallel_for(units, 1, gemm_task_##SUF, &j);                                              \
    return j.rc;                                                                                  \
  }

DEFINE_GEMM(float, s, S_MR, S_NR, S_KC, S_MC, S_NC, S_ROWS_KERNEL)
DEFINE_GEMM(double, d, D_MR, D_NR, D_KC, D_MC, D_NC, 0)

int nnc_builtin_sgemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa, int64_t csa,
                      const float *B, int64_t rsb, int64_t csb, float *C, int64_t ldc,
                      int threads) {
  return nnc_builtin_sgemm_impl(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, threads, NULL);
}
int nnc_builtin_dgemm(int64_t M, int64_t N, int64_t K, const double *A, int64_t rsa,
                      int64_t csa, const double *B, int64_t rsb, int64_t csb, double *C,
                      int64_t ldc, int threads) {
  return nnc_builtin_dgemm_impl(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, threads, NULL);
}

/* ---------------- GEMM with B packed once ----------------
 * A recurrence multiplies by the same weight at every step. A BLAS call packs its B operand again
 * each time (1 MiB for a 256-unit LSTM's W_hh: about a third of a 32-row step's time), and the CBLAS
 * interface has no way to keep a packed operand. These pack B once, in the micro-kernel's panel
 * layout, and run only the A packing and the micro-kernels per step. Layout: block pc (rows
 * [pc, pc + kc) of B, kc <= S_KC) at pc · Npad, its NR-column panels side by side (kc · NR each). */

size_t nnc_sgemm_packed_floats(int64_t K, int64_t N) {
  return (size_t)K * (size_t)((N + S_NR - 1) / S_NR * S_NR);
}

void nnc_sgemm_pack_b(int64_t K, int64_t N, const float *B, int64_t rsb, int64_t csb,
                      float *packed) {
  const int64_t Npad = (N + S_NR - 1) / S_NR * S_NR, kcb = k_block(K, S_KC);
  for (int64_t pc = 0; pc < K; pc += kcb) {
    const int64_t kc = K - pc < kcb ? K - pc : kcb;
    pack_b_s(kc, N, B + pc * rsb, rsb, csb, packed + pc * Npad);
  }
}

typedef struct {
  int64_t M, N, K, Mpad, Npad, ldc, lda;
  const float *a, *pb; /* a: A in place (lda = its row stride) or packed (lda = 0) */
  float *C;
} packed_job;

/* Column panels [q0, q1) of C, every k block. */
static void packed_task(void *ctx, int64_t q0, int64_t q1) {
  const packed_job *j = ctx;
  const int64_t kcb = k_block(j->K, S_KC);
  for (int64_t pc = 0; pc < j->K; pc += kcb) {
    const int64_t kc = j->K - pc < kcb ? j->K - pc : kcb;
    const float *pb = j->pb + pc * j->Npad;
    for (int64_t q = q0; q < q1; q++) {
      const int64_t jr = q * S_NR;
      const int nr = (int)(j->N - jr < S_NR ? j->N - jr : S_NR);
      for (int64_t ir = 0, mr; ir < j->M; ir += mr) {
        mr = j->lda ? rows_tile(j->M - ir, S_MR) : j->M - ir < S_MR ? j->M - ir : S_MR;
        float *c = j->C + ir * j->ldc + jr;
        if (j->lda)
          ukr_rows_s(kc, j->a + ir * j->lda + pc, j->lda, pb + jr * kc, c, j->ldc, pc > 0, (int)mr,
                     nr, NULL);
        else
          (mr <= S_SHORT ? ukr_s_short : ukr_s)(kc, j->a + pc * j->Mpad + ir * kc, pb + jr * kc, c,
                                                 j->ldc, pc > 0, (int)mr, nr, NULL);
      }
    }
  }
}

int nnc_sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa, int64_t csa,
                       const float *packed, float *C, int64_t ldc) {
  if (M <= 0 || N <= 0 || K <= 0) return NNC_E_ARG;
  const int64_t Mpad = (M + S_MR - 1) / S_MR * S_MR;
  packed_job j = {M, N, K, Mpad, (N + S_NR - 1) / S_NR * S_NR, ldc, 0, A, packed, C};
  if (S_ROWS_KERNEL && csa == 1) {
    j.lda = rsa;
  } else {
    float *pa = scratch(&t_pack_a, &t_pack_a_bytes, (size_t)(Mpad * K) * sizeof(float));
    if (!pa) return NNC_E_NOMEM;
    const int64_t kcb = k_block(K, S_KC);
    for (int64_t pc = 0; pc < K; pc += kcb) {
      const int64_t kc = K - pc < kcb ? K - pc : kcb;
      pack_a_s(M, kc, A + pc * csa, rsa, csa, pa + pc * Mpad);
    }
    j.a = pa;
  }
  const int64_t panels = j.Npad / S_NR;
  /* Below ~2 M multiply-adds a second thread costs more in wake-up than it saves. */
  if (M * N * K < ((int64_t)1 << 21)) packed_task(&j, 0, panels);
  else nnc_parallel_for(panels, 1, packed_task, &j);
  return NNC_OK;
}

#if defined(NNC_IMPLICIT_CONV)
/* ---------------- products over an image read through offsets ----------------
 * A stride-1 convolution's unfolded image (row k = channel and tap, column j = output position)
 * is the zero-padded image itself read at offset boff[k] + j, output positions taken over the
 * padded width (the columns past the output's width are computed and dropped). These products read
 * the padded image there: no unfolded copy written, no panels packed from it. nnc_sgemm_offsets_b
 * (the forward pass, the input gradient) streams it as B; nnc_sgemm_offsets_at (the weight
 * gradient, whose product has it transposed) reads its rows in place as A and packs only the small
 * output gradient (packing the image's transpose instead cost a third of a 16-channel layer's
 * weight gradient). */

#if defined(__AVX512F__)
/* The rows kernel's tile with B row k at b + boff[k] (unaligned) instead of a packed panel. */
#define DEFINE_UKR_S512_OFFSETS(NAME, ROWS)                                                       \
  static void NAME(int64_t kc, const float *a, int64_t lda, const float *b, const int32_t *boff,  \
                   float *c, int64_t ldc, int acc, int mr, int nr) {                             \
    const float *r[ROWS];                                                                         \
    for (int i = 0; i < ROWS; i++) r[i] = a + (i < mr ? i : mr - 1) * lda;                       \
    __m512 c0[ROWS], c1[ROWS];                                                                    \
    _Pragma("GCC unroll 16") for (int i = 0; i < ROWS; i++) c0[i] = c1[i] = _mm512_setzero_ps(); \
    for (int64_t k = 0; k < kc; k++) {                                                            \
      const float *bk = b + boff[k];                                                              \
      const __m512 b0 = _mm512_loadu_ps(bk), b1 = _mm512_loadu_ps(bk + 16);                      \
      _Pragma("GCC unroll 12") for (int i = 0; i < ROWS; i++) {                                   \
        const __m512 ai = _mm512_set1_ps(r[i][k]);                                                \
        c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);                                                   \
        c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);                                                   \
      }                                                                                           \
    }                                                                                             \
    UKR_S512_STORE(ROWS, NULL)                                                                    \
  }
DEFINE_UKR_S512_OFFSETS(ukr_s_offsets, S_MR)
DEFINE_UKR_S512_OFFSETS(ukr_s_offsets_short, S_SHORT)

/* Tiles of C[M, N] (+)= Â·B with Â's rows read in place at A + aoff[i] (the rows of a padded
 * image that a weight gradient multiplies: channel and tap) and B packed into panels of NV
 * vectors (16·NV columns): 16 columns when N is 16 (a 16-channel layer's output gradient), where a
 * 32-column tile would multiply zeros half the time. */
#define DEFINE_UKR_S512_ROWPTR(NAME, ROWS, NV)                                                   \
  static void NAME(int64_t kc, const float *const *rows, const float *restrict b, float *c,        \
                   int64_t ldc, int acc, int mr, int nr) {                                       \
    const float *r[ROWS];                                                                         \
    for (int i = 0; i < ROWS; i++) r[i] = rows[i < mr ? i : mr - 1];                             \
    __m512 cc[ROWS][NV];                                                                          \
    _Pragma("GCC unroll 16") for (int i = 0; i < ROWS; i++)                                       \
      for (int v = 0; v < NV; v++) cc[i][v] = _mm512_setzero_ps();                               \
    for (int64_t k = 0; k < kc; k++) {                                                            \
      __m512 bv[NV];                                                                              \
      for (int v = 0; v < NV; v++) bv[v] = _mm512_load_ps(b + 16 * v);                          \
      _Pragma("GCC unroll 12") for (int i = 0; i < ROWS; i++) {                                   \
        const __m512 ai = _mm512_set1_ps(r[i][k]);                                                \
        for (int v = 0; v < NV; v++) cc[i][v] = _mm512_fmadd_ps(ai, bv[v], cc[i][v]);            \
      }                                                                                           \
      b += 16 * NV;                                                                               \
    }                                                                                             \
    _Pragma("GCC unroll 16") for (int i = 0; i < ROWS && i < mr; i++)                             \
      for (int v = 0; v < NV; v++) {                                                              \
        const __mmask16 m = nr >= 16 * (v + 1) ? 0xFFFF                                           \
                            : nr <= 16 * v     ? 0                                                \
                                               : (__mmask16)((1u << (nr - 16 * v)) - 1);          \
        float *ci = c + i * ldc + 16 * v;                                                         \
        __m512 x = cc[i][v];                                                                      \
        if (acc) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, ci));                              \
        _mm512_mask_storeu_ps(ci, m, x);                                                          \
      }                                                                                           \
  }
DEFINE_UKR_S512_ROWPTR(ukr_s_rowptr16, S_MR, 1)
DEFINE_UKR_S512_ROWPTR(ukr_s_rowptr32, S_MR, 2)
/* The weight gradient's panel width for N output channels: 16 columns for N <= 16. */
static int rowptr_width(int64_t N) { return N <= 16 ? 16 : 32; }
static void ukr_s_rowptr(int w, int64_t kc, const float *const *rows, const float *b, float *c,
                         int64_t ldc, int acc, int mr, int nr) {
  (w == 16 ? ukr_s_rowptr16 : ukr_s_rowptr32)(kc, rows, b, c, ldc, acc, mr, nr);
}
#else
/* The AVX2 forms: the 6×16 tile of ukr_s_rows, B row k read unaligned at b + boff[k]. */
#define OFFSET_ROW_AT (b + boff[k])
#define DEFINE_UKR_S256_OFFSETS(NAME, ROWS)                                                       \
  static void NAME(int64_t kc, const float *a, int64_t lda, const float *b, const int32_t *boff,  \
                   float *c, int64_t ldc, int acc, int mr, int nr) {                             \
    const float *r[ROWS];                                                                         \
    for (int i = 0; i < ROWS; i++) r[i] = a + (i < mr ? i : mr - 1) * lda;                       \
    UKR_S256_LOOP(ROWS, ROW_AT, (void)0, OFFSET_ROW_AT, _mm256_loadu_ps, (void)0)                 \
    UKR_S256_STORE(ROWS, NULL)                                                                    \
  }
DEFINE_UKR_S256_OFFSETS(ukr_s_offsets, S_MR)
DEFINE_UKR_S256_OFFSETS(ukr_s_offsets_short, S_SHORT)

/* The weight gradient's tile: rows of Â read in place through row pointers, B packed 16 wide. */
static void ukr_s_rowptr16(int64_t kc, const float *const *rows, const float *restrict b, float *c,
                           int64_t ldc, int acc, int mr, int nr) {
  const float *r[S_MR];
  for (int i = 0; i < S_MR; i++) r[i] = rows[i < mr ? i : mr - 1];
  UKR_S256_LOOP(S_MR, ROW_AT, (void)0, b, _mm256_load_ps, b += S_NR)
  UKR_S256_STORE(S_MR, NULL)
}
static int rowptr_width(int64_t N) {
  (void)N;
  return S_NR;
}
static void ukr_s_rowptr(int w, int64_t kc, const float *const *rows, const float *b, float *c,
                         int64_t ldc, int acc, int mr, int nr) {
  (void)w;
  ukr_s_rowptr16(kc, rows, b, c, ldc, acc, mr, nr);
}
#endif

int nnc_sgemm_offsets_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                        const float *B, const int32_t *boff, float *C, int64_t ldc) {
  if (M <= 0 || N <= 0 || K <= 0) return NNC_E_ARG;
  const int64_t kcb = k_block(K, 2 * S_KC);
  for (int64_t pc = 0; pc < K; pc += kcb) {
    const int64_t kc = K - pc < kcb ? K - pc : kcb;
    /* Column panels outside while A's block fits in L1 with room to spare (a panel's image rows
     * then stay there too); otherwise row tiles outside, so that a tile's rows stay in L1. */
    const int panelsOut = M * kc * (int64_t)sizeof(float) <= 24 * 1024;
    const int64_t outer = panelsOut ? N : M, inner = panelsOut ? M : N;
    for (int64_t o = 0, os; o < outer; o += os) {
      os = panelsOut ? S_NR : rows_tile(M - o, S_MR);
      for (int64_t i = 0, is; i < inner; i += is) {
        is = panelsOut ? rows_tile(M - i, S_MR) : S_NR;
        const int64_t ir = panelsOut ? i : o, jr = panelsOut ? o : i;
        const int64_t mr = panelsOut ? is : os;
        const int nr = (int)(N - jr < S_NR ? N - jr : S_NR);
        (mr <= S_SHORT ? ukr_s_offsets_short : ukr_s_offsets)(kc, A + ir * lda + pc, lda, B + jr,
                                                              boff + pc, C + ir * ldc + jr, ldc,
                                                              pc > 0, (int)mr, nr);
      }
    }
  }
  return NNC_OK;
}

int nnc_sgemm_offsets_at(int64_t M, int64_t N, int64_t K, const float *A, const int32_t *aoff,
                         const float *Bt, int64_t ldbt, float *C, int64_t ldc, int acc) {
  if (M <= 0 || N <= 0 || K <= 0) return NNC_E_ARG;
  const int w = rowptr_width(N);
  const int64_t kcb = k_block(K, S_KC), Npad = (N + w - 1) / w * w;
  float *pb = scratch(&t_pack_b, &t_pack_b_bytes, (size_t)(Npad * kcb) * sizeof(float));
  if (!pb) return NNC_E_NOMEM;
  for (int64_t pc = 0; pc < K; pc += kcb) {
    const int64_t kc = K - pc < kcb ? K - pc : kcb;
    pack_b_s_trans(kc, N, Bt + pc, ldbt, w, pb);
    for (int64_t ir = 0; ir < M; ir += S_MR) {
      const int mr = (int)(M - ir < S_MR ? M - ir : S_MR);
      const float *rows[S_MR];
      for (int i = 0; i < mr; i++) rows[i] = A + aoff[ir + i] + pc;
      for (int64_t jr = 0; jr < N; jr += w) {
        const int nr = (int)(N - jr < w ? N - jr : w);
        ukr_s_rowptr(w, kc, rows, pb + jr * kc, C + ir * ldc + jr, ldc, acc || pc > 0, mr, nr);
      }
    }
  }
  return NNC_OK;
}
#endif

/* ---------------- BLAS dispatch ---------------- */

/* How a (rows × cols) operand with strides (rs, cs) maps onto row-major CBLAS: NoTrans with
 * ld = rs, or Trans with ld = cs. Returns 0 when the strides fit neither (it must be copied). */
static int blas_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs, int *trans, int *ld) {
  /* A zero (broadcast) or negative stride along a dimension longer than 1 has no BLAS layout: the
   * caller copies. (Without this, a [1, K] row with stride 0 along K was read as K contiguous
   * elements, past the end of its one-element storage.) */
  if ((cols > 1 && cs <= 0) || (rows > 1 && rs <= 0)) return 0;
  if (cols == 1) cs = 1;
  if (rows == 1) rs = cols;
  if (cs == 1 && rs >= (cols > 1 ? cols : 1) && rs <= INT_MAX) {
    *trans = CblasNoTrans;
    *ld = (int)rs;
    return 1;
  }
  if (rows == 1) {
    if (cs < 1 && cols > 1) return 0; /* a broadcast row (stride 0) is no BLAS layout */
    rs = 1, cs = cs < 1 ? 1 : cs;
  }
  if (rs == 1 && cs >= (rows > 1 ? rows : 1) && cs <= INT_MAX) {
    *trans = CblasTrans;
    *ld = (int)cs;
    return 1;
  }
  return 0;
}

/* Threads around the BLAS. Medium products: libnnc's pool runs the BLAS, each thread calling the
 * single-threaded BLAS on its own block of columns (or rows) of C. Large products: the BLAS's own
 * threads (they share packed panels, ~4% faster at n=1024), which OpenBLAS puts to sleep right
 * after the call (libnnc loads it with OPENBLAS_THREAD_TIMEOUT=4), so the two pools never run at
 * the same time. NNC_BLAS_THREADING=blas hands every call's threading to the BLAS. */
#define SPLIT_MIN_FLOPS (48.0 * 48.0 * 48.0)
/* From this size on the BLAS threads itself (its threads sleep again right after the call). */
#define BLAS_THREAD_FLOPS (384.0 * 384.0 * 384.0)

/* Single-row products (M = 1 or N = 1: a token at a time, batch-1 inference) as matrix-vector
 * products: the GEMM would pack the whole matrix on every call (OpenBLAS's sgemm with M = 1 re-packs
 * a 256×1024 weight per token), the GEMV streams it once. Above GEMV_SPLIT_ELEMS matrix elements
 * the output vector is split over libnnc's threads, each streaming its own rows of the matrix. */
#define GEMV_SPLIT_ELEMS (64.0 * 1024)

#define DEFINE_GEMV(T, SUF, GEMVFN)                                                              \
  typedef struct {                                                                                \
    int trans, rows, cols, lda, incx, incy;                                                       \
    const T *A, *x;                                                                               \
    T *y;                                                                                         \
    int64_t unit;                                                                                 \
  } gemv_job_##SUF;                                                                               \
  /* Output elements [lo, hi) of y = op(A)·x: rows of A (NoTrans) or columns (Trans). */          \
  static void gemv_part_##SUF(const gemv_job_##SUF *j, int64_t lo, int64_t hi) {                  \
    const int n = (int)(hi - lo);                                                                 \
    if (j->trans == CblasNoTrans)                                                                 \
      nnc_blas.GEMVFN(CblasRowMajor, CblasNoTrans, n, j->cols, 1, j->A + lo * j->lda, j->lda,     \
                      j->x, j->incx, 0, j->y + lo * j->incy, j->incy);                            \
    else                                                                                          \
      nnc_blas.GEMVFN(CblasRowMajor, CblasTrans, j->rows, n, 1, j->A + lo, j->lda, j->x, j->incx, \
                      0, j->y + lo * j->incy, j->incy);                                           \
  }                                                                                               \
  static void gemv_task_##SUF(void *ctx, int64_t b, int64_t e) {                                  \
    gemv_job_##SUF *j = ctx;                                                                      \
    const int64_t len = j->trans == CblasNoTrans ? j->rows : j->cols;                             \
    const int64_t lo = b * j->unit, hi = e * j->unit < len ? e * j->unit : len;                   \
    gemv_part_##SUF(j, lo, hi);                                                                   \
  }                                                                                               \
  /* y (stride incy) = op(A)·x for a matrix in BLAS layout (trans, ld), x with stride incx > 0. */ \
  static void gemv_run_##SUF(int trans, int64_t rows, int64_t cols, const T *A, int lda,          \
                             const T *x, int64_t incx, T *y, int64_t incy) {                      \
    gemv_job_##SUF j = {trans, (int)rows, (int)cols, lda, (int)incx, (int)incy, A, x, y, 0};     \
    const int64_t len = trans == CblasNoTrans ? rows : cols;                                      \
    const int T_ = nnc_threads();                                                                 \
    if (T_ > 1 && !nnc_in_parallel() && (double)rows * (double)cols >= GEMV_SPLIT_ELEMS &&        \
        len >= 32) {                                                                              \
      j.unit = (len / T_ + 15) / 16 * 16;                                                         \
      nnc_parallel_for((len + j.unit - 1) / j.unit, 1, gemv_task_##SUF, &j);                      \
    } else {                                                                                      \
      gemv_part_##SUF(&j, 0, len);                                                                \
    }                                                                                             \
  }
DEFINE_GEMV(float, f32, sgemv)
DEFINE_GEMV(double, f64, dgemv)

/* The products libnnc's own float32 kernels take when nnc_own_sgemm(): at least 2^20 multiply-adds
 * (below that OpenBLAS's small-matrix kernels and its lower call overhead win), below 2^29 (from
 * 1024³ on OpenBLAS's own threads and kernels are as fast, and its large-problem blocking is the
 * proven one), and a tile's worth of columns and rows: 32 and 8 for the AVX-512 tiles (a 32-wide tile
 * on fewer wastes its lanes). The AVX2 tiles beside OpenBLAS's 256-bit kernels win where the inner
 * dimension is short, K <= 128, where OpenBLAS's packing of both operands is a large share of the
 * call, and up to K = 512 when A has 128 rows or more (native/bench/own_sgemm.ts on a Zen 3 EPYC,
 * 1 / 2 threads: 2048×1024×64 nt 1.26× / 1.30×, 512×784×128 tn 1.09× / 1.12×, 2048×512×128 nt 1.07×
 * / 1.16×, 256³ 1.07× / 1.10×, 128×512×256 nn 1.01× / 1.08×; with fewer rows or a longer K they
 * lose: 32×1024×256 nt 0.90× at 2 threads, 1024×64×2048 tn 0.88×). */
static int own_gemm_shape(int64_t M, int64_t N, int64_t K) {
  const double work = (double)M * (double)N * (double)K;
  if (work < (double)(1 << 20) || work >= (double)(1 << 29)) return 0;
#if defined(__AVX512F__)
  return N >= 32 && M >= 8;
#else
  return N >= 16 && M >= 6 && (K <= 128 || (K <= 512 && M >= 128));
#endif
}

#define DEFINE_DISPATCH(T, SUF, BLASFN)                                                          \
  typedef struct {                                                                                \
    int64_t M, N, K, rsa, csa, rsb, csb, ldc, unit;                                              \
    const T *A, *B;                                                                               \
    T *C;                                                                                         \
    int byCols;                                                                                   \
  } blas_job_##SUF;                                                                               \
  static void blas_call_##SUF(int64_t M, int64_t N, int64_t K, const T *A, int64_t rsa,          \
                              int64_t csa, const T *B, int64_t rsb, int64_t csb, T *C,           \
                              int64_t ldc) {                                                      \
    int ta = CblasNoTrans, tb = CblasNoTrans, lda = 1, ldb = 1;                                   \
    blas_layout(M, K, rsa, csa, &ta, &lda);                                                       \
    blas_layout(K, N, rsb, csb, &tb, &ldb);                                                       \
    nnc_blas.BLASFN(CblasRowMajor, ta, tb, (int)M, (int)N, (int)K, 1, A, lda, B, ldb, 0, C,      \
                    (int)ldc);                                                                    \
  }                                                                                               \
  static void blas_task_##SUF(void *ctx, int64_t b, int64_t e) {                                 \
    blas_job_##SUF *j = ctx;                                                                      \
    int64_t lo = b * j->unit, hi = e * j->unit;                                                   \
    if (j->byCols) {                                                                              \
      if (hi > j->N) hi = j->N;                                                                   \
      blas_call_##SUF(j->M, hi - lo, j->K, j->A, j->rsa, j->csa, j->B + lo * j->csb, j->rsb,     \
                      j->csb, j->C + lo, j->ldc);                                                 \
    } else {                                                                                      \
      if (hi > j->M) hi = j->M;                                                                   \
      blas_call_##SUF(hi - lo, j->N, j->K, j->A + lo * j->rsa, j->rsa, j->csa, j->B, j->rsb,     \
                      j->csb, j->C + lo * j->ldc, j->ldc);                                        \
    }                                                                                             \
  }                                                                                               \
  static int gemm_dispatch_##SUF(int64_t M, int64_t N, int64_t K, const T *A, int64_t rsa,      \
                                 int64_t csa, const T *B, int64_t rsb, int64_t csb, T *C,       \
                                 int64_t ldc, int builtin, const T *bias) {                     \
    nnc_ensure_init();                                                                            \
    if (M <= 0 || N <= 0) return NNC_OK;                                                          \
    if (builtin || !nnc_blas.BLASFN || M > INT_MAX || N > INT_MAX || K > INT_MAX ||               \
        ldc > INT_MAX || K == 0)                                                                  \
      return nnc_builtin_##BLASFN##_impl(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc,               \
                                         nnc_threads(), bias);                                  \
    if (OWN_GEMM(BLASFN) && nnc_own_sgemm() && own_gemm_shape(M, N, K))                           \
      return nnc_builtin_##BLASFN##_impl(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc,               \
                                         nnc_in_parallel() ? 1 : nnc_threads(), bias);          \
    int ta = CblasNoTrans, tb = CblasNoTrans, lda = 1, ldb = 1;                                   \
    T *ca = NULL, *cb = NULL;                                                                     \
    if (!blas_layout(M, K, rsa, csa, &ta, &lda)) {                                                \
      ca = nnc_alloc((size_t)(M * K) * sizeof(T));                                                \
      if (!ca) return NNC_E_NOMEM;                                                                \
      for (int64_t i = 0; i < M; i++)                                                             \
        for (int64_t k = 0; k < K; k++) ca[i * K + k] = A[i * rsa + k * csa];                     \
      A = ca, rsa = K, csa = 1;                                                                   \
    }                                                                                             \
    if (!blas_layout(K, N, rsb, csb, &tb, &ldb)) {                                                \
      cb = nnc_alloc((size_t)(K * N) * sizeof(T));                                                \
      if (!cb) {                                                                                  \
        nnc_free(ca);                                                                             \
        return NNC_E_NOMEM;                                                                       \
      }                                                                                           \
      for (int64_t k = 0; k < K; k++)                                                             \
        for (int64_t j = 0; j < N; j++) cb[k * N + j] = B[k * rsb + j * csb];                     \
      B = cb, rsb = N, csb = 1;                                                                   \
    }                                                                                             \
    const int T_ = nnc_threads();                                                                 \
    const double flops_ = (double)M * N * K;                                                      \
    if ((M == 1 || N == 1) && GEMV_OF(BLASFN) && !nnc_blas_threaded()) {                          \
      /* x is A's row (M = 1) or B's column (N = 1); the matrix is the other operand. */          \
      const int64_t incx = M == 1 ? csa : rsb;                                                    \
      T *cx = NULL;                                                                               \
      const T *x = M == 1 ? A : B;                                                                \
      if (incx < 1 || incx > INT_MAX) {                                                           \
        cx = nnc_alloc((size_t)K * sizeof(T));                                                    \
        if (!cx) {                                                                                \
          nnc_free(ca);                                                                           \
          nnc_free(cb);                                                                           \
          return NNC_E_NOMEM;                                                                     \
        }                                                                                         \
        for (int64_t k = 0; k < K; k++) cx[k] = x[k * incx];                                      \
        x = cx;                                                                                   \
      }                                                                                           \
      const int64_t ix = cx ? 1 : incx;                                                           \
      blas_layout(M, K, rsa, csa, &ta, &lda); /* again: a copied operand has new strides */        \
      blas_layout(K, N, rsb, csb, &tb, &ldb);                                                     \
      if (M == 1) /* y[N] = Bᵀ·x: B is K×N (NoTrans) or stored as N×K (Trans) */                   \
        gemv_run_##SUF(tb == CblasNoTrans ? CblasTrans : CblasNoTrans,                            \
                       tb == CblasNoTrans ? K : N, tb == CblasNoTrans ? N : K, B, ldb, x, ix, C,  \
                       1);                                                                        \
      else /* y[M] = A·x: A is M×K (NoTrans) or stored as K×M (Trans) */                          \
        gemv_run_##SUF(ta, ta == CblasNoTrans ? M : K, ta == CblasNoTrans ? K : M, A, lda, x, ix, \
                       C, ldc);                                                                   \
      nnc_free(cx);                                                                               \
    } else if (T_ > 1 && !nnc_blas_threaded() && !nnc_in_parallel() && flops_ >= BLAS_THREAD_FLOPS &&    \
        nnc_blas_can_thread()) {                                                                  \
      /* Large: the BLAS's own threads share packed panels, which a split cannot. */              \
      nnc_blas_threads_for_call(T_);                                                              \
      blas_call_##SUF(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc);                                 \
      nnc_blas_threads_for_call(1);                                                               \
    } else if (T_ > 1 && !nnc_blas_threaded() && flops_ >= SPLIT_MIN_FLOPS) {                     \
      blas_job_##SUF j = {M, N, K, rsa, csa, rsb, csb, ldc, 0, A, B, C, N >= M};                  \
      const int64_t ext = j.byCols ? N : M;                                                       \
      /* Whole 16-wide blocks per thread keep the BLAS kernels on full tiles. */                  \
      j.unit = (ext / T_ + 15) / 16 * 16;                                                         \
      if (j.unit < 16) j.unit = 16;                                                               \
      nnc_parallel_for((ext + j.unit - 1) / j.unit, 1, blas_task_##SUF, &j);                      \
    } else {                                                                                      \
      blas_call_##SUF(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc);                                 \
    }                                                                                             \
    nnc_free(ca);                                                                                 \
    nnc_free(cb);                                                                                 \
    /* The BLAS has no epilogue: the bias is one more pass over C. */                           \
    if (bias) nnc_add_bias_rows_##SUF(M, N, C, ldc, bias);                                      \
    return NNC_OK;                                                                                \
  }                                                                                             \
  int nnc_gemm_##SUF(int64_t M, int64_t N, int64_t K, const T *A, int64_t rsa, int64_t csa,     \
                     const T *B, int64_t rsb, int64_t csb, T *C, int64_t ldc, int builtin) {    \
    return gemm_dispatch_##SUF(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, builtin, NULL);       \
  }                                                                                             \
  int nnc_gemm_bias_##SUF(int64_t M, int64_t N, int64_t K, const T *A, int64_t rsa,             \
                          int64_t csa, const T *B, int64_t rsb, int64_t csb, T *C,              \
                          int64_t ldc, const T *bias) {                                         \
    return gemm_dispatch_##SUF(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, 0, bias);             \
  }

/* Only float32 has kernels that beat the BLAS (blas.c: own_sgemm_policy). */
#define OWN_GEMM(BLASFN) OWN_GEMM_##BLASFN
#define OWN_GEMM_sgemm 1
#define OWN_GEMM_dgemm 0
#define GEMV_OF(BLASFN) GEMV_OF_##BLASFN
#define GEMV_OF_sgemm nnc_blas.sgemv
#define GEMV_OF_dgemm nnc_blas.dgemv
DEFINE_DISPATCH(float, f32, sgemm)
DEFINE_DISPATCH(double, f64, dgemm)

int32_t nnc_sgemm(int32_t M, int32_t N, int32_t K, const float *A, const float *B, float *C,
                  int32_t builtin) {
  if (!A || !B || !C || M < 0 || N < 0 || K < 0) return nnc_fail(NNC_E_ARG, "sgemm: bad arguments");
  return nnc_gemm_f32(M, N, K, A, K, 1, B, N, 1, C, N, builtin);
}

int32_t nnc_dgemm(int32_t M, int32_t N, int32_t K, const double *A, const double *B, double *C,
                  int32_t builtin) {
  if (!A || !B || !C || M < 0 || N < 0 || K < 0) return nnc_fail(NNC_E_ARG, "dgemm: bad arguments");
  return nnc_gemm_f64(M, N, K, A, K, 1, B, N, 1, C, N, builtin);
}
