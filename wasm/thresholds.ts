/**
 * Size thresholds below which the WebAssembly backend runs the JS kernel instead: under them the
 * copies into linear memory and the call cost more than the Wasm loop saves. Measured with
 * `deno run -A wasm/bench/crossover.ts` (see README.md for the table and the method).
 *
 * @module
 */

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
  /** `gather`, `scatterAdd`, `indexSelect`: index (or output) elements. */
  indexing: number;
  /** `im2col`, `col2im`, `pool`: elements of the larger operand. */
  window: number;
  /** Fused optimiser steps (`sgdStep`, `adamStep`): parameter elements. */
  optim: number;
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
  copy: 1024,
  unaryCheap: 1024,
  unary: 64,
  binary: 1024,
  reduce: 256,
  matmul: 4096,
  softmax: 256,
  cumulative: 256,
  sort: 64,
  indexing: 256,
  window: 256,
  optim: 1024,
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
  window: 0,
  optim: 0,
});
