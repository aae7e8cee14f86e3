/**
 * Size thresholds below which the native backend runs the JS kernel instead: under them the FFI
 * call and libnnc's set-up cost more than the C loop saves. Measured with
 * `deno bench -A native/bench/crossover_bench.ts` (see README.md for the table and the method).
 *
 * @module
 */

/** Minimum sizes (elements, or multiply-adds for matmul) at which each kernel goes native. */
export interface Thresholds {
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
  /** Linear algebra: input elements. */
  linalg: number;
  /** Fused optimiser steps (`sgdStep`, `adamStep`): parameter elements. */
  optim: number;
  /** `spmm`, `sddmm`: multiply-adds (stored entries × features). */
  sparse: number;
  /** `segmentReduce`: source elements (rows × features). */
  segment: number;
  /** Fused recurrent cells (`lstmCell`, `gruCell` and their backward): batch · hidden elements. */
  rnnCell: number;
  /** Fused attention (`attention`, `attentionBackward`): N·H·Lq·Lk·D multiply-adds of the scores. */
  attention: number;
  /** Fused layer norm (`layerNorm`, `layerNormBackward`): input elements. */
  layerNorm: number;
}

/**
 * The measured thresholds.
 *
 * @example
 * ```ts
 * import { THRESHOLDS } from "@nnc/native";
 * console.assert(THRESHOLDS.matmul > 0);
 * ```
 */
export const THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  copy: 64,
  unaryCheap: 128,
  unary: 16,
  binary: 128,
  reduce: 16,
  matmul: 64,
  softmax: 0,
  cumulative: 0,
  sort: 0,
  indexing: 0,
  window: 0,
  linalg: 0,
  optim: 128,
  sparse: 256,
  segment: 1024,
  rnnCell: 0,
  attention: 0,
  layerNorm: 0,
});

/**
 * Thresholds of zero: every call goes native (used by tests to exercise libnnc on tiny inputs).
 *
 * @example
 * ```ts
 * import { NO_THRESHOLDS } from "@nnc/native";
 * console.assert(NO_THRESHOLDS.binary === 0);
 * ```
 */
export const NO_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
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
  linalg: 0,
  optim: 128,
  sparse: 0,
  segment: 0,
  rnnCell: 0,
  attention: 0,
  layerNorm: 0,
});
