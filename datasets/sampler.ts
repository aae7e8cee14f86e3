/**
 * {@link Sampler}: what decides which samples a `DataLoader` visits in an epoch, and in which
 * order (PyTorch's `Sampler`). A sharding sampler such as `@nnc/distributed`'s
 * `DistributedSampler` gives each process of a job its own part of the data set.
 *
 * @module
 */

/**
 * The indices of the samples of one epoch: each iteration over a sampler is one epoch (so a
 * sampler may return a new order each time), and `length` is the number of indices an epoch
 * yields.
 *
 * @example
 * ```ts
 * import { DataLoader, type Sampler, TensorDataset } from "@nnc/datasets";
 * import { arange } from "@nnc/tensor";
 * // Every other sample, backwards.
 * const everyOther: Sampler = {
 *   length: 3,
 *   *[Symbol.iterator]() {
 *     yield* [4, 2, 0];
 *   },
 * };
 * const loader = new DataLoader(new TensorDataset(arange(5)), { batchSize: 3, sampler: everyOther });
 * console.log([...loader][0][0].toArray()); // [4, 2, 0]
 * ```
 */
export interface Sampler extends Iterable<number> {
  /** Number of indices per epoch. */
  readonly length: number;
}
