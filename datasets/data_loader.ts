/**
 * {@link DataLoader}: batches of a data set, optionally shuffled with a seeded generator and
 * transformed, for `for...of` and `for await` loops.
 *
 * @module
 */
import { checkBool, checkInt, checkOptions, describe, NDArray, Rng } from "@nnc/tensor";
import type { Dataset } from "./dataset.ts";
import type { Sampler } from "./sampler.ts";
import type { Transform } from "./transforms.ts";
import type { RandomSource } from "./types.ts";
import { checkDataset, MAX_INT32 } from "./_check.ts";
import { collate, gatherRows, type RowSource, rowSource } from "./_collate.ts";
import { resolveRng } from "./_rng.ts";

/**
 * What a batch of samples of type `T` looks like: arrays and numbers stack into one array with a
 * new first axis; a tuple of them stacks element-wise.
 */
export type Batch<T> = T extends NDArray | number ? NDArray
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: NDArray }
  : never;

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions extends RandomSource {
  /** Samples per batch. Default 1. */
  batchSize?: number;
  /** Visit the samples in a new random order every epoch. Default false. */
  shuffle?: boolean;
  /** Leave out the last batch when it is smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Applied to the inputs of each batch: the batch itself, or element 0 of a tuple batch. */
  transform?: Transform;
  /** Applied to element 1 of a tuple batch (the targets). */
  targetTransform?: Transform;
  /**
   * The indices of each epoch, instead of `0 … n − 1` (or a shuffle of them): each iteration over
   * the loader iterates the sampler once. Not together with `shuffle` (the sampler decides the
   * order). A `DistributedSampler` (`@nnc/distributed`) gives each process its shard.
   */
  sampler?: Sampler;
}

/**
 * Iterates over a data set in batches. Each `for...of` (or `for await`) over the loader is one
 * epoch; with `shuffle` every epoch has a fresh order drawn from the loader's generator, so a
 * seed fixes the whole sequence of epochs. Batches over a {@link TensorDataset} (or a
 * {@link Subset} of one) are gathered row by row from storage into one new array per batch,
 * without copying the data set.
 *
 * @example
 * ```ts
 * import { DataLoader, TensorDataset } from "@nnc/datasets";
 * import { arange } from "@nnc/tensor";
 * const ds = new TensorDataset(arange(10).reshape(5, 2), arange(5));
 * const loader = new DataLoader(ds, { batchSize: 2, shuffle: true, seed: 0 });
 * let seen = 0;
 * for (const [x, y] of loader) {
 *   console.assert(x.shape[1] === 2 && x.shape[0] === y.shape[0]);
 *   seen += y.shape[0];
 * }
 * console.assert(seen === 5 && loader.length === 3);
 * ```
 */
export class DataLoader<T> implements Iterable<Batch<T>>, AsyncIterable<Batch<T>> {
  /** The data set. */
  readonly dataset: Dataset<T>;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each epoch is shuffled. */
  readonly shuffle: boolean;
  /** Whether a short last batch is dropped. */
  readonly dropLast: boolean;
  /** The sampler that orders each epoch, if one was given. */
  readonly sampler: Sampler | undefined;
  readonly #transform: Transform | undefined;
  readonly #targetTransform: Transform | undefined;
  readonly #orderRng: Rng;
  readonly #augmentRng: Rng;
  readonly #rows: RowSource | null;

  /** A loader over `dataset`. */
  constructor(dataset: Dataset<T>, options: DataLoaderOptions = {}) {
    const op = "DataLoader";
    checkDataset(dataset, op);
    checkOptions(options, op);
    this.dataset = dataset;
    this.batchSize = checkInt(options.batchSize ?? 1, op, "batchSize", 1, MAX_INT32);
    this.shuffle = checkBool(options.shuffle ?? false, op, "shuffle");
    this.dropLast = checkBool(options.dropLast ?? false, op, "dropLast");
    for (const name of ["transform", "targetTransform"] as const) {
      if (options[name] !== undefined && typeof options[name] !== "function") {
        throw new TypeError(
          `${op}: ${name} must be a function (batch, rng) => batch, got ${describe(options[name])}`,
        );
      }
    }
    if (options.sampler !== undefined) {
      const sm = options.sampler as Partial<Sampler> | null;
      if (
        sm === null || typeof sm !== "object" ||
        typeof sm[Symbol.iterator] !== "function" || typeof sm.length !== "number"
      ) {
        throw new TypeError(
          `${op}: sampler must be an iterable of indices with a length, got ${
            describe(options.sampler)
          }`,
        );
      }
      if (this.shuffle) {
        throw new TypeError(`${op}: sampler and shuffle exclude each other (the sampler orders)`);
      }
    }
    this.sampler = options.sampler;
    this.#transform = options.transform;
    this.#targetTransform = options.targetTransform;
    this.#orderRng = resolveRng(options, op);
    // Augmentation draws from a second stream, seeded from the first without advancing it, so the
    // shuffling order is the generator's own permutations whatever transforms are used.
    const [s0, s1, s2, s3] = this.#orderRng.getState();
    this.#augmentRng = new Rng(
      (s0 ^ Math.imul(s1, 0x9e3779b1) ^ Math.imul(s2, 0x85ebca6b) ^ s3 ^ 0x5bd1e995) >>> 0,
    );
    this.#rows = rowSource(dataset);
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.sampler?.length ?? this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch of batches. */
  *[Symbol.iterator](): Generator<Batch<T>, void, undefined> {
    const order = this.sampler !== undefined
      ? sampledOrder(this.sampler, this.dataset.length)
      : this.shuffle
      ? this.#orderRng.permutation(this.dataset.length)
      : identity(this.dataset.length);
    const n = order.length;
    const batches = this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      yield this.#batch(order, start, Math.min(n, start + this.batchSize));
    }
  }

  /** One epoch of batches, for `for await`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Batch<T>, void, undefined> {
    for (const batch of this) yield await Promise.resolve(batch);
  }

  #batch(order: Int32Array, start: number, end: number): Batch<T> {
    let batch: unknown;
    if (this.#rows !== null) {
      const arrays = gatherRows(this.#rows, order, start, end);
      batch = arrays;
    } else {
      const samples: unknown[] = [];
      for (let i = start; i < end; i++) samples.push(this.dataset.get(order[i]));
      batch = collate(samples, "DataLoader");
    }
    return this.#applyTransforms(batch) as Batch<T>;
  }

  #applyTransforms(batch: unknown): unknown {
    const t = this.#transform, tt = this.#targetTransform;
    if (batch instanceof NDArray) {
      if (tt) {
        throw new TypeError(
          "DataLoader: targetTransform needs samples that are [input, target, …] tuples",
        );
      }
      return t ? t(batch, this.#augmentRng) : batch;
    }
    const parts = batch as unknown[];
    if (t) parts[0] = t(parts[0] as NDArray, this.#augmentRng);
    if (tt) {
      if (parts.length < 2) {
        throw new TypeError("DataLoader: targetTransform needs samples with a second element");
      }
      parts[1] = tt(parts[1] as NDArray, this.#augmentRng);
    }
    return parts;
  }
}

/** One epoch of the sampler's indices, each checked against the data set's length. */
function sampledOrder(sampler: Sampler, n: number): Int32Array {
  const order = Int32Array.from(sampler, (i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new RangeError(
        `DataLoader: sampler index ${k} is ${String(i)}, not a sample of a data set of ${n}`,
      );
    }
    return i;
  });
  return order;
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
