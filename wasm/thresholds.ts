/**
 * Size thresholds below which the WebAssembly backend runs the JS kernel instead: under them the
 * copies into linear memory and the call cost more than the Wasm loop saves. Some kernels never pay
 * (`Infinity`): memory-bound ones whose copies cost more than the loop (the SGD step, gathers,
 * strided copies) and a few functions that wasi-libc computes more slowly than V8 (tanh, expm1,
 * log1p, pow). Measured with `deno run wasm/bench/crossover.ts` (see README.md for the table and the
 * method).
 *
 * @module
 */
import type { BinaryOp, UnaryOp } from "@nnc/tensor";

/** Minimum sizes (elements, or multiply-adds for matmul) at which each kernel runs in Wasm. */
export interface WasmThresholds {
  /** `copy`: output elements. */
  copy: number;
  /** Cheap `unary` ops (neg, abs, relu, …): output elements. */
  unaryCheap: number;
  /** Other `unary` ops (exp, tanh, …): output elements. */
  unary: number;
  /** `binary` and `where`: output elements. */
  binary: number;
  /** `reduce` and `argReduce`: input elements. */
  reduce: number;
  /** `matmul`: M·N·K summed over the batch. */
  matmul: number;
  /** `softmax`: input elements. */
  softmax: number;
  /** `cumulative`: input elements. */
  cumulative: number;
  /** `sort`: input elements. */
  sort: number;
  /** `gather`, `indexSelect`: index (or output) elements. */
  indexing: number;
  /** `scatterAdd`: index elements. */
  scatterAdd: number;
  /** `im2col`, `col2im`: elements of the larger operand. */
  window: number;
  /** `pool`: input elements. */
  pool: number;
  /** The fused SGD step (`sgdStep`): parameter elements. */
  optim: number;
  /** The fused Adam step (`adamStep`: Adam, AdamW, AMSGrad): parameter elements. */
  adam: number;
  /** `spmm`, `sddmm`: stored entries × heads × features. */
  sparse: number;
  /** `segmentReduce`: source elements (rows × features). */
  segment: number;
  /** Fused LSTM/GRU cells and their backward: batch × hidden. */
  rnnCell: number;
  /** Fused attention (`attention`, `attentionBackward`): N·H·Lq·Lk·D multiply-adds of the scores. */
  attention: number;
  /** Fused layer norm (`layerNorm`, `layerNormBackward`): input elements. */
  layerNorm: number;
  /** Unary ops that always run in JS (slower in Wasm at every size measured). */
  jsUnary: readonly UnaryOp[];
  /** Binary ops that always run in JS. */
  jsBinary: readonly BinaryOp[];
}

/**
 * The measured thresholds.
 *
 * @example
 * ```ts
 * import { WASM_THRESHOLDS } from "@nnc/wasm";
 * console.assert(WASM_THRESHOLDS.matmul > 0);
 * ```
 */
export const WASM_THRESHOLDS: Readonly<WasmThresholds> = Object.freeze({
  copy: Infinity,
  unaryCheap: 1024,
  unary: 256,
  binary: 1024,
  reduce: 256,
  matmul: 512,
  softmax: 64,
  cumulative: 1024,
  sort: 16,
  indexing: Infinity,
  scatterAdd: 1024,
  window: 64,
  pool: Infinity,
  optim: Infinity,
  adam: 1024,
  sparse: 1024,
  segment: 4096,
  rnnCell: 256,
  attention: 1024,
  layerNorm: 1024,
  jsUnary: Object.freeze(["tanh", "expm1", "log1p"] as UnaryOp[]),
  jsBinary: Object.freeze(["pow"] as BinaryOp[]),
});

/**
 * Thresholds of zero: every call runs in Wasm (used by tests to exercise every kernel on tiny
 * inputs).
 *
 * @example
 * ```ts
 * import { WASM_NO_THRESHOLDS } from "@nnc/wasm";
 * console.assert(WASM_NO_THRESHOLDS.binary === 0);
 * ```
 */
export const WASM_NO_THRESHOLDS: Readonly<WasmThresholds> = Object.freeze({
  copy: 0,
  unaryCheap: 0,
  unary: 0,
  binary: 0,
  reduce: 0,
  matmul: 0,
  softmax: 0,
  cumulative: 0,
  sort: 0,
  indexing: 0,
  scatterAdd: 0,
  window: 0,
  pool: 0,
  optim: 0,
  adam: 0,
  sparse: 0,
  segment: 0,
  rnnCell: 0,
  attention: 0,
  layerNorm: 0,
  jsUnary: Object.freeze([] as UnaryOp[]),
  jsBinary: Object.freeze([] as BinaryOp[]),
});
