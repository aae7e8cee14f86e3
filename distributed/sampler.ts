/**
 * {@link DistributedSampler}: each process's shard of a data set, for a `DataLoader` (PyTorch's
 * `DistributedSampler`).
 *
 * @module
 */
import { checkBool, checkInt, checkOptions, describe, Rng } from "@nnc/tensor";
import type { Sampler } from "@nnc/datasets";
import type { Communicator } from "./communicator.ts";
import { requireWorld } from "./_world.ts";

/**
 * Options of {@link DistributedSampler}.
 *
 * @example
 * ```ts
 * import type { DistributedSamplerOptions } from "@nnc/distributed";
 * const options: DistributedSamplerOptions = { numReplicas: 2, rank: 1, seed: 7 };
 * ```
 */
export interface DistributedSamplerOptions {
  /** The job whose rank and size are used (default: the one of `initDistributed()`). */
  communicator?: Communicator;
  /** Number of shards (default: the communicator's size). */
  numReplicas?: number;
  /** Which shard (default: the communicator's rank). */
  rank?: number;
  /** Visit the samples in a new order every epoch (default true). */
  shuffle?: boolean;
  /** The seed of the order, the same on every rank (default 0). */
  seed?: number;
  /**
   * Leave out the last `n mod numReplicas` samples of each epoch's order so that the shards are
   * exactly disjoint; by default (false) the order is padded with its first samples instead, so
   * that every sample is seen and every shard has the same length.
   */
  dropLast?: boolean;
}

/**
 * The indices of one rank's shard of a data set of `n` samples: each epoch the order of all `n`
 * samples (a permutation drawn from `seed + epoch` when shuffling, the same on every rank) is
 * padded or cut to a multiple of `numReplicas`, and rank `r` takes positions `r`, `r +
 * numReplicas`, `r + 2·numReplicas`, …. The shards of one epoch are disjoint (up to the padding)
 * and together cover the data set; with a per-rank batch of `b`, batch `k` of every rank together
 * is batch `k` (of size `numReplicas·b`) of one process reading the whole order.
 *
 * Each iteration is one epoch and advances the epoch counter, so `fit` reshuffles every epoch
 * without help; {@link DistributedSampler.setEpoch} sets it (to resume).
 *
 * @example
 * ```ts
 * import { DistributedSampler } from "@nnc/distributed";
 * import { DataLoader, TensorDataset } from "@nnc/datasets";
 * import { arange } from "@nnc/tensor";
 * const ds = new TensorDataset(arange(10));
 * const shards = [0, 1].map((rank) =>
 *   new DistributedSampler(ds, { numReplicas: 2, rank, shuffle: false })
 * );
 * console.log([...shards[0]], [...shards[1]]); // [0, 2, 4, 6, 8] [1, 3, 5, 7, 9]
 * const loader = new DataLoader(ds, { batchSize: 2, sampler: shards[1] });
 * console.log(loader.length); // 3
 * ```
 */
export class DistributedSampler implements Sampler {
  /** Number of samples of the data set. */
  readonly datasetLength: number;
  /** Number of shards. */
  readonly numReplicas: number;
  /** This shard. */
  readonly rank: number;
  /** Whether each epoch is shuffled. */
  readonly shuffle: boolean;
  /** The seed of the order. */
  readonly seed: number;
  /** Whether the tail of the order is dropped (rather than padded). */
  readonly dropLast: boolean;
  /** Indices of one shard per epoch. */
  readonly numSamples: number;
  /** Indices of all shards together per epoch. */
  readonly totalSize: number;
  #epoch = 0;

  /** A sampler over `dataset` (anything with a length, or the number of samples). */
  constructor(
    dataset: { readonly length: number } | number,
    options: DistributedSamplerOptions = {},
  ) {
    const op = "DistributedSampler";
    const o = checkOptions(options, op);
    const n = typeof dataset === "number"
      ? dataset
      : dataset !== null && typeof dataset === "object"
      ? dataset.length
      : undefined;
    if (typeof n !== "number") {
      throw new TypeError(
        `${op}: dataset must be a data set (with a length) or a number of samples, got ${
          describe(dataset)
        }`,
      );
    }
    this.datasetLength = checkInt(n, op, "dataset length", 0, 2 ** 31 - 1);
    let comm = o.communicator;
    if (comm === undefined && (o.numReplicas === undefined || o.rank === undefined)) {
      comm = requireWorld(op);
    }
    if (comm !== undefined && (typeof comm !== "object" || typeof comm.rank !== "number")) {
      throw new TypeError(`${op}: communicator must be a Communicator, got ${describe(comm)}`);
    }
    this.numReplicas = checkInt(o.numReplicas ?? comm?.size, op, "numReplicas", 1);
    this.rank = checkInt(o.rank ?? comm?.rank, op, "rank", 0, this.numReplicas - 1);
    this.shuffle = checkBool(o.shuffle ?? true, op, "shuffle");
    this.seed = checkInt(o.seed ?? 0, op, "seed", 0, 2 ** 32 - 1);
    this.dropLast = checkBool(o.dropLast ?? false, op, "dropLast");
    this.numSamples = this.dropLast
      ? Math.floor(this.datasetLength / this.numReplicas)
      : Math.ceil(this.datasetLength / this.numReplicas);
    this.totalSize = this.numSamples * this.numReplicas;
  }

  /** Indices of this shard per epoch. */
  get length(): number {
    return this.numSamples;
  }

  /** The epoch the next iteration yields (counts from 0). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Sets the epoch the next iteration yields (the same on every rank, e.g. when resuming). */
  setEpoch(epoch: number): void {
    this.#epoch = checkInt(epoch, "DistributedSampler.setEpoch", "epoch", 0);
  }

  /** This shard's indices for `epoch` (default: the current one), without advancing. */
  indices(epoch: number = this.#epoch): Int32Array {
    checkInt(epoch, "DistributedSampler.indices", "epoch", 0);
    const n = this.datasetLength;
    const order = this.shuffle
      ? new Rng((this.seed + epoch) % 2 ** 32).permutation(n)
      : Int32Array.from({ length: n }, (_, i) => i);
    const out = new Int32Array(this.numSamples);
    for (let k = 0; k < this.numSamples; k++) {
      // Position in the padded order: past n it wraps around to the order's start.
      const pos = this.rank + k * this.numReplicas;
      out[k] = order[pos % n];
    }
    return out;
  }

  /** One epoch of this shard's indices; advances the epoch. */
  *[Symbol.iterator](): Generator<number, void, undefined> {
    const indices = this.indices(this.#epoch);
    this.#epoch++;
    yield* indices;
  }
}
