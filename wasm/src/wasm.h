/* Shared declarations of the WebAssembly build of libnnc (wasm/build.ts). */
#ifndef NNC_WASM_H
#define NNC_WASM_H

#include "../../native/src/internal.h"

/* Allocator entry points of the JavaScript side. */
NNC_API void *nnc_wasm_alloc(uint32_t bytes);
NNC_API void nnc_wasm_free(void *p);
/* Installs the relaxed-SIMD float32 GEMM kernel (a function-table index, 0 to remove it); returns
 * the rows of the micro-tile now in use (6 with it, 4 without). */
NNC_API int32_t nnc_wasm_set_sgemm_kernel(int32_t table_index);
/* Rows of the float32 micro-tile in use. */
NNC_HIDDEN int nnc_wasm_sgemm_rows(void);

#endif
