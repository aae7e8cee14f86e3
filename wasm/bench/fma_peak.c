/* The arithmetic ceiling of one core for 128-bit WebAssembly SIMD: twelve independent chains of
 * f32x4 fused multiply-adds (relaxed SIMD) or of a multiply and an add (plain simd128), enough to
 * keep two FMA pipes busy through their latency. Built and run by wasm/bench/fma_peak.ts. */
#include <wasm_simd128.h>
#define CHAINS(OP)                                                                 \
  v128_t a0 = wasm_f32x4_splat(0), a1 = wasm_f32x4_splat(1), a2 = wasm_f32x4_splat(2), \
         a3 = wasm_f32x4_splat(3), a4 = wasm_f32x4_splat(4), a5 = wasm_f32x4_splat(5), \
         a6 = wasm_f32x4_splat(6), a7 = wasm_f32x4_splat(7), a8 = wasm_f32x4_splat(8), \
         a9 = wasm_f32x4_splat(9), a10 = wasm_f32x4_splat(10), a11 = wasm_f32x4_splat(11); \
  const v128_t m = wasm_f32x4_splat(0.999f), c = wasm_f32x4_splat(0.001f);        \
  for (int k = 0; k < n; k++) {                                                    \
    a0 = OP(a0); a1 = OP(a1); a2 = OP(a2); a3 = OP(a3); a4 = OP(a4); a5 = OP(a5);   \
    a6 = OP(a6); a7 = OP(a7); a8 = OP(a8); a9 = OP(a9); a10 = OP(a10); a11 = OP(a11); \
  }                                                                                \
  v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)), \
             wasm_f32x4_add(wasm_f32x4_add(a4, a5), wasm_f32x4_add(a6, a7)));      \
  s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_add(a8, a9), wasm_f32x4_add(a10, a11))); \
  return wasm_f32x4_extract_lane(s, 0);
#define FMA(a) wasm_f32x4_relaxed_madd(a, m, c)
#define MULADD(a) wasm_f32x4_add(wasm_f32x4_mul(a, m), c)
__attribute__((export_name("madd"))) float madd_chains(int n) { CHAINS(FMA) }
__attribute__((export_name("muladd"))) float muladd_chains(int n) { CHAINS(MULADD) }
