/* The register-blocked micro-kernels of the Wasm SIMD GEMM, shared by the baseline build (simd128:
 * multiply, then add) and the relaxed-SIMD kernel module (one fused f32x4.relaxed_madd).
 *
 * NAME(kc, a, b, c, ldc, acc): c[0..MR, 0..NR] (row stride ldc) = (acc ? c : 0) + Σ_k a[k·MR + i] ·
 * b[k·NR + j] for one full MR×NR tile, from an A micro-panel (k-major, MR floats per k) and a B
 * micro-panel (NR floats per k). MR rows × NR/4 vectors of accumulators stay in registers; each k
 * step loads NR/4 vectors of B and broadcasts MR values of A. Partial tiles are the caller's job (it
 * runs the kernel into a local tile), so a kernel uses no stack: the relaxed module has none. */
#ifndef NNC_WASM_UKR_H
#define NNC_WASM_UKR_H

#include <wasm_simd128.h>

#define NNC_MADD_MUL_ADD(acc, x, y) wasm_f32x4_add((acc), wasm_f32x4_mul((x), (y)))
#define NNC_MADD_MUL_ADD_F64(acc, x, y) wasm_f64x2_add((acc), wasm_f64x2_mul((x), (y)))

#define NNC_DEFINE_UKR_F32(NAME, MR, NR, MADD)                                                  \
  void NAME(int kc, const float *restrict a, const float *restrict b, float *restrict c, int ldc, \
            int acc) {                                                                          \
    enum { NV = (NR) / 4 };                                                                     \
    v128_t r[MR][NV];                                                                           \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < (MR); i++)                           \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) r[i][v] =                 \
          wasm_f32x4_splat(0.0f);                                                               \
    for (int k = 0; k < kc; k++) {                                                              \
      v128_t bv[NV];                                                                            \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) bv[v] =                   \
          wasm_v128_load(b + 4 * v);                                                            \
      _Pragma("clang loop unroll(full)") for (int i = 0; i < (MR); i++) {                       \
        const v128_t ai = wasm_v128_load32_splat(a + i);                                        \
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) r[i][v] =               \
            MADD(r[i][v], ai, bv[v]);                                                           \
      }                                                                                         \
      a += (MR);                                                                                \
      b += (NR);                                                                                \
    }                                                                                           \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < (MR); i++) {                         \
      float *ci = c + i * ldc;                                                                  \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) {                         \
        v128_t x = r[i][v];                                                                     \
        if (acc) x = wasm_f32x4_add(x, wasm_v128_load(ci + 4 * v));                             \
        wasm_v128_store(ci + 4 * v, x);                                                         \
      }                                                                                         \
    }                                                                                           \
  }

#define NNC_DEFINE_UKR_F64(NAME, MR, NR, MADD)                                                  \
  void NAME(int kc, const double *restrict a, const double *restrict b, double *restrict c,     \
            int ldc, int acc) {                                                                 \
    enum { NV = (NR) / 2 };                                                                     \
    v128_t r[MR][NV];                                                                           \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < (MR); i++)                           \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) r[i][v] =                 \
          wasm_f64x2_splat(0.0);                                                                \
    for (int k = 0; k < kc; k++) {                                                              \
      v128_t bv[NV];                                                                            \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) bv[v] =                   \
          wasm_v128_load(b + 2 * v);                                                            \
      _Pragma("clang loop unroll(full)") for (int i = 0; i < (MR); i++) {                       \
        const v128_t ai = wasm_v128_load64_splat(a + i);                                        \
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) r[i][v] =               \
            MADD(r[i][v], ai, bv[v]);                                                           \
      }                                                                                         \
      a += (MR);                                                                                \
      b += (NR);                                                                                \
    }                                                                                           \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < (MR); i++) {                         \
      double *ci = c + i * ldc;                                                                 \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) {                         \
        v128_t x = r[i][v];                                                                     \
        if (acc) x = wasm_f64x2_add(x, wasm_v128_load(ci + 2 * v));                             \
        wasm_v128_store(ci + 2 * v, x);                                                         \
      }                                                                                         \
    }                                                                                           \
  }

#endif
