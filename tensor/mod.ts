/**
 * `@nnc/tensor`: n-dimensional arrays for Deno and the browser, with NumPy broadcasting, views
 * without copies, seeded random numbers, linear algebra, safetensors, and a pluggable kernel
 * backend (pure TypeScript built in; `@nnc/native` adds C and OpenBLAS).
 *
 * @example
 * ```ts
 * import { array, matmul } from "@nnc/tensor";
 * const a = array([[1, 2], [3, 4]]);
 * console.log(matmul(a, a.T).toString());
 * ```
 *
 * ## See also
 *
 * In Jupyter (Deno's kernel) an `NDArray` shows its dtype, shape and values, or a PNG when it
 * looks like an image ({@link displayData}). Browser-safe: the page `web/` of the repository trains
 * networks with it in a Web Worker.
 *
 * The nnc packages: [@nnc/tensor](https://jsr.io/@nnc/tensor), [@nnc/native](https://jsr.io/@nnc/native), [@nnc/autograd](https://jsr.io/@nnc/autograd), [@nnc/layers](https://jsr.io/@nnc/layers), [@nnc/optim](https://jsr.io/@nnc/optim), [@nnc/datasets](https://jsr.io/@nnc/datasets), [@nnc/plot](https://jsr.io/@nnc/plot), [@nnc/train](https://jsr.io/@nnc/train), [@nnc/models](https://jsr.io/@nnc/models).
 * Examples and notebooks: the repository's `examples/` and `examples/notebooks/` folders.
 *
 * @module
 */
export * from "./dtype.ts";
export {
  type AllocationScope,
  emptyStoragePool,
  recordAllocations,
  releaseStorage,
  setStoragePoolLimit,
  STORAGE_POOL_DEFAULT_LIMIT,
  STORAGE_POOL_MIN_BYTES,
  storagePoolLimit,
  type StoragePoolStats,
  storagePoolStats,
  takeStorage,
} from "./storage_pool.ts";
export {
  type AddressProbe,
  setStorageAddressProbe,
  spansBuffer,
  STORAGE_ALIGNMENT,
  storageAddressProbe,
} from "./storage_alignment.ts";
export * from "./shape.ts";
export * from "./check.ts";
export * from "./ndarray.ts";
export * from "./backend.ts";
export * from "./registry.ts";
export * from "./js_backend.ts";
export * from "./creation.ts";
export * from "./random.ts";
export * from "./copy.ts";
export * from "./elementwise.ts";
export * from "./reduce.ts";
export * from "./softmax.ts";
export * from "./cumulative.ts";
export * from "./matmul.ts";
export * from "./join.ts";
export * from "./pad.ts";
export * from "./indexing.ts";
export * from "./sort.ts";
export * from "./window.ts";
export * from "./rnn_cell.ts";
export * from "./format.ts";
export * from "./display.ts";
export * from "./testing.ts";
export * from "./safetensors.ts";
export * from "./sparse.ts";
export * from "./segment.ts";
export * from "./atomic_write.ts";
export * from "./conv.ts";
export * from "./activation_grad.ts";
export * from "./sigmoid_cross_entropy_with_grad.ts";
export * from "./batch_norm.ts";
export * as linalg from "./linalg/mod.ts";
export type { NestedArray } from "./_nested.ts";
export * from "./attention.ts";
export * from "./layer_norm.ts";
