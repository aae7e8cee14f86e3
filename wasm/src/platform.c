/* The WebAssembly build's replacement for native/src/blas.c: no BLAS or LAPACK to open (GEMM is
 * gemm_simd128.c; linear algebra returns NNC_E_NOLAPACK and the JS backend runs it), no cpuid, no
 * malloc tuning, no environment; plus the allocator entry points the JavaScript side uses for its
 * scratch arena. */
#include <stdio.h>
#include <stdlib.h>

#include "wasm.h"

nnc_blas_t nnc_blas; /* all null: no BLAS, no LAPACK */

void nnc_ensure_init(void) {}

int32_t nnc_init(void) { return 0; }

int nnc_blas_threaded(void) { return 0; }

int nnc_blas_can_thread(void) { return 0; }

void nnc_blas_threads_for_call(int n) { (void)n; }

void nnc_blas_set_threads(int n) { (void)n; }

int32_t nnc_set_threads(int32_t n) { return nnc_pool_set_threads(n); }

int32_t nnc_get_threads(void) { return nnc_threads(); }

int32_t nnc_info(char *buf, int32_t cap) {
  if (!buf || cap <= 1) return 0;
  int n = snprintf(buf, (size_t)cap,
                   "{\"blas\":\"builtin\",\"lapack\":null,\"threads\":%d,\"simd\":\"simd128\","
                   "\"gemm\":{\"f32\":[%d,8],\"f64\":[4,4],\"relaxed\":%s}}",
                   nnc_threads(), nnc_wasm_sgemm_rows(), nnc_wasm_sgemm_rows() == 6 ? "true" : "false");
  if (n < 0) return 0;
  return n >= cap ? cap - 1 : n;
}

/* Scratch memory for the JavaScript side (its arena of operand copies), 64-byte aligned; null when
 * linear memory cannot grow that far. */
NNC_API void *nnc_wasm_alloc(uint32_t bytes) {
  void *p = NULL;
  if (posix_memalign(&p, 64, bytes ? bytes : 64)) return NULL;
  return p;
}

NNC_API void nnc_wasm_free(void *p) { free(p); }
