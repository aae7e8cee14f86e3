/* The relaxed-SIMD kernel module: libnnc.wasm's float32 GEMM micro-kernel with fused multiply-adds
 * (f32x4.relaxed_madd), built as a separate, tiny module that shares the main module's memory. Where
 * the runtime validates it (V8, SpiderMonkey with relaxed SIMD), the loader puts its kernel into the
 * main module's function table and the GEMM calls it instead of the simd128 kernel: one instruction
 * instead of a multiply and an add, and a 6×8 tile instead of 4×8 (no product registers needed).
 * It has no data and uses no stack, so it never writes memory outside the tiles it is given. */
#include "../ukr.h"

#define RELAXED_MADD(acc, x, y) wasm_f32x4_relaxed_madd((x), (y), (acc))

__attribute__((export_name("nnc_ukr_s"))) NNC_DEFINE_UKR_F32(nnc_ukr_s, 6, 8, RELAXED_MADD)
