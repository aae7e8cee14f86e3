/* GEMM of the WebAssembly build: libnnc's blocked, packed GEMM (the GotoBLAS/BLIS structure of
 * native/src/gemm.c) with micro-kernels written for 128-bit Wasm SIMD, and the dispatch entry points
 * that native/src/gemm.c defines for the native build (there is no BLAS to call here). Replaces
 * native/src/gemm.c in the build of wasm/build.ts.
 *
 * B is packed into KC×NR micro-panels, A into MR×KC micro-panels; a micro-kernel (ukr.h) keeps an
 * MR×NR tile of C in registers. float32 has two kernels: the simd128 one here (4×8, a multiply and an
 * add per step, the rounding of the JS backend's loops) and, where the runtime has relaxed SIMD, a
 * 6×8 kernel with fused multiply-adds from the separate kernel module (relaxed/ukr_relaxed.c) that
 * the loader installs in the function table (nnc_wasm_set_sgemm_kernel). float64 uses the simd128
 * kernel (4×4). */
#include "ukr.h"
#include "wasm.h"

#define S_NR 8
#define D_MR 4
#define D_NR 4

/* Cache blocking (elements): the B micro-panel KC×NR stays in L1, the packed A block MC×KC in L2,
 * the packed B block KC×NC in L2/L3. */
#define S_KC 256
#define S_MC4 128
#define S_MC6 144
#define S_NC 2048
#define D_KC 192
#define D_MC 64
#define D_NC 1536

/* ---------------- micro-kernels ---------------- */

static NNC_DEFINE_UKR_F32(ukr_s4, 4, S_NR, NNC_MADD_MUL_ADD)
static NNC_DEFINE_UKR_F64(ukr_d4, D_MR, D_NR, NNC_MADD_MUL_ADD_F64)

typedef void (*ukr_s_fn)(int kc, const float *a, const float *b, float *c, int ldc, int acc);

/* The 6×8 kernel of the relaxed-SIMD module once installed (a function-table index), else null. */
static ukr_s_fn g_ukr_s6;

int32_t nnc_wasm_set_sgemm_kernel(int32_t table_index) {
  g_ukr_s6 = (ukr_s_fn)(uintptr_t)table_index;
  return nnc_wasm_sgemm_rows();
}

int nnc_wasm_sgemm_rows(void) { return g_ukr_s6 ? 6 : 4; }

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
      } else if (m == MR && rs == 1) {                                                            \
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
  }

#define DEFINE_PACK_B(T, SUF, NR)                                                                \
  /* rows [0, kc) and columns [0, nc) of B into NR-column micro-panels. */                       \
  static void pack_b_##SUF(int64_t kc, int64_t nc, const T *B, int64_t rs, int64_t cs, T *p) {  \
    for (int64_t j0 = 0; j0 < nc; j0 += NR) {                                                     \
      const int64_t n = nc - j0 < NR ? nc - j0 : NR;                                              \
      if (n == NR && cs == 1) {                                                                   \
        for (int64_t k = 0; k < kc; k++) memcpy(p + k * NR, B + k * rs + j0, NR * sizeof(T));     \
      } else if (n == NR && rs == 1) {                                                            \
        const T *cols[NR];                                                                        \
        for (int j = 0; j < NR; j++) cols[j] = B + (j0 + j) * cs;                                 \
        for (int64_t k = 0; k < kc; k++)                                                          \
          for (int j = 0; j < NR; j++) p[k * NR + j] = cols[j][k];                                \
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

DEFINE_PACK(double, d, D_MR, D_NR)
DEFINE_PACK_B(double, d, D_NR)

/* float32 packing with 4×4 transposes in registers: the transposed operands of a Linear layer
 * (x·Wᵀ forward, g·W backward) would otherwise be gathered one float at a time, which at a batch
 * of 128 costs a fifth of the GEMM. */

/* Transposes the 4×4 block whose rows are v0..v3, in place. */
#define TRANSPOSE4(v0, v1, v2, v3)                                                               \
  do {                                                                                            \
    const v128_t t0_ = wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5);                                    \
    const v128_t t1_ = wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5);                                    \
    const v128_t t2_ = wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7);                                    \
    const v128_t t3_ = wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7);                                    \
    v0 = wasm_i32x4_shuffle(t0_, t1_, 0, 1, 4, 5);                                                \
    v1 = wasm_i32x4_shuffle(t0_, t1_, 2, 3, 6, 7);                                                \
    v2 = wasm_i32x4_shuffle(t2_, t3_, 0, 1, 4, 5);                                                \
    v3 = wasm_i32x4_shuffle(t2_, t3_, 2, 3, 6, 7);                                                \
  } while (0)

/* Rows [0, mc) and columns [0, kc) of A into MR-row micro-panels (MR = 4 or 6). */
static inline void pack_a_s(int64_t mc, int64_t kc, const float *A, int64_t rs, int64_t cs,
                            float *p, const int MR) {
  for (int64_t i0 = 0; i0 < mc; i0 += MR) {
    const int64_t m = mc - i0 < MR ? mc - i0 : MR;
    if (m == MR && cs == 1) {
      /* Rows contiguous in k: transpose 4 k at a time. */
      const float *r0 = A + i0 * rs, *r1 = r0 + rs, *r2 = r1 + rs, *r3 = r2 + rs;
      const float *r4 = r3 + rs, *r5 = r4 + rs;
      int64_t k = 0;
      for (; k + 4 <= kc; k += 4) {
        v128_t v0 = wasm_v128_load(r0 + k), v1 = wasm_v128_load(r1 + k);
        v128_t v2 = wasm_v128_load(r2 + k), v3 = wasm_v128_load(r3 + k);
        TRANSPOSE4(v0, v1, v2, v3);
        float *q = p + k * MR;
        wasm_v128_store(q, v0);
        wasm_v128_store(q + MR, v1);
        wasm_v128_store(q + 2 * MR, v2);
        wasm_v128_store(q + 3 * MR, v3);
        if (MR == 6) {
          const v128_t v4 = wasm_v128_load(r4 + k), v5 = wasm_v128_load(r5 + k);
          const v128_t lo = wasm_i32x4_shuffle(v4, v5, 0, 4, 1, 5);
          const v128_t hi = wasm_i32x4_shuffle(v4, v5, 2, 6, 3, 7);
          wasm_v128_store64_lane(q + 4, lo, 0);
          wasm_v128_store64_lane(q + MR + 4, lo, 1);
          wasm_v128_store64_lane(q + 2 * MR + 4, hi, 0);
          wasm_v128_store64_lane(q + 3 * MR + 4, hi, 1);
        }
      }
      for (; k < kc; k++)
        for (int r = 0; r < MR; r++) p[k * MR + r] = A[(i0 + r) * rs + k];
    } else if (m == MR && rs == 1) {
      for (int64_t k = 0; k < kc; k++) memcpy(p + k * MR, A + i0 + k * cs, MR * sizeof(float));
    } else {
      for (int64_t k = 0; k < kc; k++) {
        int r = 0;
        for (; r < m; r++) p[k * MR + r] = A[(i0 + r) * rs + k * cs];
        for (; r < MR; r++) p[k * MR + r] = 0;
      }
    }
    p += MR * kc;
  }
}

static void pack_a_s4(int64_t mc, int64_t kc, const float *A, int64_t rs, int64_t cs, float *p) {
  pack_a_s(mc, kc, A, rs, cs, p, 4);
}

static void pack_a_s6(int64_t mc, int64_t kc, const float *A, int64_t rs, int64_t cs, float *p) {
  pack_a_s(mc, kc, A, rs, cs, p, 6);
}

/* Rows [0, kc) and columns [0, nc) of B into 8-column micro-panels. */
static void pack_b_s(int64_t kc, int64_t nc, const float *B, int64_t rs, int64_t cs, float *p) {
  for (int64_t j0 = 0; j0 < nc; j0 += S_NR) {
    const int64_t n = nc - j0 < S_NR ? nc - j0 : S_NR;
    if (n == S_NR && cs == 1) {
      for (int64_t k = 0; k < kc; k++) {
        const float *b = B + k * rs + j0;
        wasm_v128_store(p + k * S_NR, wasm_v128_load(b));
        wasm_v128_store(p + k * S_NR + 4, wasm_v128_load(b + 4));
      }
    } else if (n == S_NR && rs == 1) {
      /* Columns contiguous in k (a transposed operand): transpose 4 k at a time. */
      const float *c0 = B + j0 * cs;
      int64_t k = 0;
      for (; k + 4 <= kc; k += 4) {
        v128_t v0 = wasm_v128_load(c0 + k), v1 = wasm_v128_load(c0 + cs + k);
        v128_t v2 = wasm_v128_load(c0 + 2 * cs + k), v3 = wasm_v128_load(c0 + 3 * cs + k);
        v128_t v4 = wasm_v128_load(c0 + 4 * cs + k), v5 = wasm_v128_load(c0 + 5 * cs + k);
        v128_t v6 = wasm_v128_load(c0 + 6 * cs + k), v7 = wasm_v128_load(c0 + 7 * cs + k);
        TRANSPOSE4(v0, v1, v2, v3);
        TRANSPOSE4(v4, v5, v6, v7);
        float *q = p + k * S_NR;
        wasm_v128_store(q, v0);
        wasm_v128_store(q + 4, v4);
        wasm_v128_store(q + 8, v1);
        wasm_v128_store(q + 12, v5);
        wasm_v128_store(q + 16, v2);
        wasm_v128_store(q + 20, v6);
        wasm_v128_store(q + 24, v3);
        wasm_v128_store(q + 28, v7);
      }
      for (; k < kc; k++)
        for (int j = 0; j < S_NR; j++) p[k * S_NR + j] = B[k + (j0 + j) * cs];
    } else {
      for (int64_t k = 0; k < kc; k++) {
        int64_t j = 0;
        for (; j < n; j++) p[k * S_NR + j] = B[k * rs + (j0 + j) * cs];
        for (; j < S_NR; j++) p[k * S_NR + j] = 0;
      }
    }
    p += S_NR * kc;
  }
}

/* Packing buffers, grown on demand and kept: a GEMM per step must not pay for fresh scratch (and
 * memory growth) every call. */
static void *g_pack_a, *g_pack_b;
static size_t g_pack_a_bytes, g_pack_b_bytes;

static void *scratch(void **buf, size_t *have, size_t need) {
  if (*have >= need) return *buf;
  nnc_free(*buf);
  *buf = nnc_alloc(need);
  *have = *buf ? need : 0;
  return *buf;
}

/* ---------------- the blocked loop nest ---------------- */

/* One MR×NR tile: full tiles straight into C, partial ones through a local tile. */
#define TILE(T, MR, NR, KERNEL)                                                                  \
  do {                                                                                            \
    T *c_ = C + (ic + ir) * ldc + jc + jr;                                                        \
    if (mr == MR && nr == NR) {                                                                   \
      KERNEL((int)kc, pa + ir * kc, pb + jr * kc, c_, (int)ldc, pc > 0);                          \
    } else {                                                                                      \
      T t_[MR * NR] __attribute__((aligned(16)));                                                 \
      KERNEL((int)kc, pa + ir * kc, pb + jr * kc, t_, NR, 0);                                     \
      for (int i_ = 0; i_ < mr; i_++)                                                             \
        for (int j_ = 0; j_ < nr; j_++)                                                           \
          c_[i_ * ldc + j_] = (pc > 0 ? c_[i_ * ldc + j_] : 0) + t_[i_ * NR + j_];                \
    }                                                                                             \
  } while (0)

#define DEFINE_GEMM(T, SUF, PACKA, PACKB, MR, NR, KC, MC, NC, KERNEL)                            \
  static int gemm_##SUF(int64_t M, int64_t N, int64_t K, const T *A, int64_t rsa, int64_t csa,  \
                        const T *B, int64_t rsb, int64_t csb, T *C, int64_t ldc) {               \
    const int64_t ncMax = N < NC ? N : NC, kcMax = K < KC ? K : KC;                               \
    const int64_t mcMax = (M < MC ? M : MC) + MR;                                                 \
    T *pb = scratch(&g_pack_b, &g_pack_b_bytes,                                                   \
                    (size_t)((ncMax + NR - 1) / NR * NR * kcMax) * sizeof(T));                    \
    T *pa = scratch(&g_pack_a, &g_pack_a_bytes, (size_t)(mcMax * kcMax) * sizeof(T));            \
    if (!pa || !pb) return nnc_fail(NNC_E_NOMEM, "gemm: no memory for packing buffers");          \
    /* Equal blocks (K = 784 is 4 × 196, not 3 × 256 + 16: a thin last block wastes the tile). */ \
    const int64_t kb = (K + KC - 1) / KC, kStep = (K + kb - 1) / kb;                              \
    const int64_t mb = (M + MC - 1) / MC, mStep = ((M + mb - 1) / mb + MR - 1) / MR * MR;         \
    for (int64_t jc = 0; jc < N; jc += NC) {                                                      \
      const int64_t nc = N - jc < NC ? N - jc : NC;                                               \
      for (int64_t pc = 0; pc < K; pc += kStep) {                                                 \
        const int64_t kc = K - pc < kStep ? K - pc : kStep;                                       \
        pack_b_##PACKB(kc, nc, B + pc * rsb + jc * csb, rsb, csb, pb);                            \
        for (int64_t ic = 0; ic < M; ic += mStep) {                                               \
          const int64_t mc = M - ic < mStep ? M - ic : mStep;                                     \
          pack_a_##PACKA(mc, kc, A + ic * rsa + pc * csa, rsa, csa, pa);                          \
          for (int64_t jr = 0; jr < nc; jr += NR) {                                               \
            const int nr = (int)(nc - jr < NR ? nc - jr : NR);                                    \
            for (int64_t ir = 0; ir < mc; ir += MR) {                                             \
              const int mr = (int)(mc - ir < MR ? mc - ir : MR);                                  \
              TILE(T, MR, NR, KERNEL);                                                            \
            }                                                                                     \
          }                                                                                       \
        }                                                                                         \
      }                                                                                           \
    }                                                                                             \
    return NNC_OK;                                                                                \
  }

DEFINE_GEMM(float, s4, s4, s, 4, S_NR, S_KC, S_MC4, S_NC, ukr_s4)
DEFINE_GEMM(float, s6, s6, s, 6, S_NR, S_KC, S_MC6, S_NC, g_ukr_s6)
DEFINE_GEMM(double, d, d, d, D_MR, D_NR, D_KC, D_MC, D_NC, ukr_d4)

static int zero_k(int64_t M, int64_t N, void *C, int64_t ldc, size_t es) {
  for (int64_t i = 0; i < M; i++) memset((char *)C + (size_t)(i * ldc) * es, 0, (size_t)N * es);
  return NNC_OK;
}

int nnc_builtin_sgemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa, int64_t csa,
                      const float *B, int64_t rsb, int64_t csb, float *C, int64_t ldc,
                      int threads) {
  (void)threads;
  if (M <= 0 || N <= 0) return NNC_OK;
  if (K <= 0) return zero_k(M, N, C, ldc, sizeof(float));
  return g_ukr_s6 ? gemm_s6(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc)
                  : gemm_s4(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc);
}

int nnc_builtin_dgemm(int64_t M, int64_t N, int64_t K, const double *A, int64_t rsa,
                      int64_t csa, const double *B, int64_t rsb, int64_t csb, double *C,
                      int64_t ldc, int threads) {
  (void)threads;
  if (M <= 0 || N <= 0) return NNC_OK;
  if (K <= 0) return zero_k(M, N, C, ldc, sizeof(double));
  return gemm_d(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc);
}

/* ---------------- the entry points of native/src/gemm.c ---------------- */

int nnc_gemm_f32(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa, int64_t csa,
                 const float *B, int64_t rsb, int64_t csb, float *C, int64_t ldc, int builtin) {
  (void)builtin;
  return nnc_builtin_sgemm(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, 1);
}

int nnc_gemm_f64(int64_t M, int64_t N, int64_t K, const double *A, int64_t rsa, int64_t csa,
                 const double *B, int64_t rsb, int64_t csb, double *C, int64_t ldc, int builtin) {
  (void)builtin;
  return nnc_builtin_dgemm(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, 1);
}

int nnc_gemm_bias_f32(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa, int64_t csa,
                      const float *B, int64_t rsb, int64_t csb, float *C, int64_t ldc,
                      const float *bias) {
  const int rc = nnc_builtin_sgemm(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, 1);
  if (rc == NNC_OK && bias && M > 0) nnc_add_bias_rows_f32(M, N, C, ldc, bias);
  return rc;
}

int nnc_gemm_bias_f64(int64_t M, int64_t N, int64_t K, const double *A, int64_t rsa, int64_t csa,
                      const double *B, int64_t rsb, int64_t csb, double *C, int64_t ldc,
                      const double *bias) {
  const int rc = nnc_builtin_dgemm(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, 1);
  if (rc == NNC_OK && bias && M > 0) nnc_add_bias_rows_f64(M, N, C, ldc, bias);
  return rc;
}

/* GEMM with B "packed" once (native/src/gemm.c packs it into micro-kernel panels): here a
 * row-major copy, which the built-in GEMM packs per call as usual. */
size_t nnc_sgemm_packed_floats(int64_t K, int64_t N) { return (size_t)(K * N); }

void nnc_sgemm_pack_b(int64_t K, int64_t N, const float *B, int64_t rsb, int64_t csb,
                      float *packed) {
  for (int64_t k = 0; k < K; k++)
    for (int64_t n = 0; n < N; n++) packed[k * N + n] = B[k * rsb + n * csb];
}

int nnc_sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa, int64_t csa,
                       const float *packed, float *C, int64_t ldc) {
  if (M <= 0 || N <= 0 || K <= 0) return NNC_E_ARG;
  return nnc_builtin_sgemm(M, N, K, A, rsa, csa, packed, N, 1, C, ldc, 1);
}

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
