/**
 * Model selection: k-fold index splits, train/test and the notes' train/validation/test splits
 * (70/20/10 by default), cross-validated scores and an exhaustive grid search. Any object with
 * `fit(x, y)` and `score(x, y)` is an estimator here.
 *
 * @module
 */
import { checkInt, checkNumber, describe, NDArray, Rng } from "@nnc/tensor";
import { type MatrixLike, toMatrix, type VectorLike } from "../_common/validate.ts";
import { gatherRows, targetsFor } from "./_data.ts";

/** What model selection needs of an estimator. */
export interface Estimator {
  /** Trains on (x, y). */
  fit(x: NDArray, y: NDArray): unknown;
  /** A score to maximise (accuracy, R², …). */
  score(x: NDArray, y: NDArray): number;
}

/** One split: row indices for training and for testing. */
export interface Split {
  /** Training rows (int32, ascending unless shuffled). */
  train: Int32Array;
  /** Held-out rows. */
  test: Int32Array;
}

/** Options of {@link kFold}. */
export interface KFoldOptions {
  /** Number of folds k ≥ 2. Default 5. */
  nSplits?: number;
  /** Shuffle the rows before cutting the folds. Default false. */
  shuffle?: boolean;
  /** Random generator for shuffling. Default `new Rng(0)`. */
  rng?: Rng;
}

/**
 * k consecutive folds of n rows (the first n mod k folds one row larger, as scikit-learn's `KFold`); each
 * fold is the test set once.
 *
 * @example
 * ```ts
 * import { kFold } from "@nnc/models/classical";
 * const folds = kFold(5, { nSplits: 2 });
 * console.assert(Array.from(folds[0].test).join() === "0,1,2" && Array.from(folds[1].train).join() === "0,1,2");
 * ```
 */
export function kFold(n: number, options: KFoldOptions = {}): Split[] {
  const op = "kFold";
  checkInt(n, op, "n", 1, 2 ** 31 - 1);
  const k = checkInt(options.nSplits ?? 5, op, "nSplits", 2);
  if (k > n) throw new RangeError(`${op}: nSplits = ${k} exceeds the ${n} rows`);
  const order = options.shuffle
    ? (options.rng ?? new Rng(0)).permutation(n)
    : Int32Array.from({ length: n }, (_, i) => i);
  const out: Split[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const test = order.slice(start, start + size);
    const train = new Int32Array(n - size);
    train.set(order.subarray(0, start));
    train.set(order.subarray(start + size), start);
    out.push({ train, test });
    start += size;
  }
  return out;
}

/** Rows of x and y at the given indices. */
function take(x: NDArray, y: Float64Array, idx: Int32Array): [NDArray, NDArray] {
  const yy = new Float64Array(idx.length);
  for (let t = 0; t < idx.length; t++) yy[t] = y[idx[t]];
  return [gatherRows(x, idx), NDArray.fromTyped(yy, [idx.length])];
}

function checkedData(op: string, x: MatrixLike, y: VectorLike): { m: NDArray; t: Float64Array } {
  let m = toMatrix(op, x);
  if (m.dtype !== "float32" && m.dtype !== "float64") m = m.astype("float64");
  return { m, t: targetsFor(op, y, m.shape) };
}

/** A train/test split of rows and targets. */
export interface TrainTestSplit {
  /** Training rows. */
  xTrain: NDArray;
  /** Test rows. */
  xTest: NDArray;
  /** Targets of the training rows. */
  yTrain: NDArray;
  /** Targets of the test rows. */
  yTest: NDArray;
}

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Fraction of rows held out, in (0, 1); the test set has ⌈fraction·n⌉ rows. Default 0.25. */
  testSize?: number;
  /** Shuffle first. Default true. */
  shuffle?: boolean;
  /** Random generator. Default `new Rng(0)`. */
  rng?: Rng;
}

/**
 * Splits rows (and their targets) into a training and a test part.
 *
 * @example
 * ```ts
 * import { trainTestSplit } from "@nnc/models/classical";
 * const s = trainTestSplit([[1], [2], [3], [4]], [1, 2, 3, 4], { testSize: 0.25 });
 * console.assert(s.xTrain.shape[0] === 3 && s.yTest.shape[0] === 1);
 * ```
 */
export function trainTestSplit(
  x: MatrixLike,
  y: VectorLike,
  options: TrainTestSplitOptions = {},
): TrainTestSplit {
  const op = "trainTestSplit";
  const { m, t } = checkedData(op, x, y);
  const n = m.shape[0];
  const frac = checkNumber(options.testSize ?? 0.25, op, "testSize", 0, 1);
  const nTest = Math.ceil(frac * n);
  if (nTest < 1 || nTest >= n) {
    throw new RangeError(
      `${op}: testSize = ${frac} leaves ${nTest} test and ${
        n - nTest
      } training rows of ${n}; both need at least 1`,
    );
  }
  const order = options.shuffle === false
    ? Int32Array.from({ length: n }, (_, i) => i)
    : (options.rng ?? new Rng(0)).permutation(n);
  const [xTest, yTest] = take(m, t, order.slice(0, nTest));
  const [xTrain, yTrain] = take(m, t, order.slice(nTest));
  return { xTrain, xTest, yTrain, yTest };
}

/** A train/validation/test split. */
export interface TrainValTestSplit extends TrainTestSplit {
  /** Validation rows. */
  xVal: NDArray;
  /** Targets of the validation rows. */
  yVal: NDArray;
}

/** Options of {@link trainValTestSplit}. */
export interface TrainValTestSplitOptions {
  /** Fractions of training, validation and test rows (summing to 1). Default the notes' [0.7, 0.2, 0.1]. */
  fractions?: readonly [number, number, number];
  /** Shuffle first. Default true. */
  shuffle?: boolean;
  /** Random generator. Default `new Rng(0)`. */
  rng?: Rng;
}

/**
 * Splits rows into training, validation ("dev") and test parts: the validation part chooses
 * hyper-parameters (a polynomial's degree, a penalty), the test part is looked at once at the end.
 * Counts are ⌊fraction·n⌉ for validation and test; training gets the rest.
 *
 * @example
 * ```ts
 * import { trainValTestSplit } from "@nnc/models/classical";
 * const x = Array.from({ length: 10 }, (_, i) => [i]);
 * const s = trainValTestSplit(x, x.map(([v]) => v));
 * console.assert(s.xTrain.shape[0] === 7 && s.xVal.shape[0] === 2 && s.xTest.shape[0] === 1);
 * ```
 */
export function trainValTestSplit(
  x: MatrixLike,
  y: VectorLike,
  options: TrainValTestSplitOptions = {},
): TrainValTestSplit {
  const op = "trainValTestSplit";
  const { m, t } = checkedData(op, x, y);
  const n = m.shape[0];
  const f = options.fractions ?? [0.7, 0.2, 0.1];
  if (!Array.isArray(f) || f.length !== 3) {
    throw new TypeError(`${op}: fractions must be [train, validation, test], got ${describe(f)}`);
  }
  f.forEach((v, i) => checkNumber(v, op, `fractions[${i}]`, 0, 1));
  if (Math.abs(f[0] + f[1] + f[2] - 1) > 1e-9) {
    throw new RangeError(
      `${op}: fractions must sum to 1, got ${f.join(" + ")} = ${f[0] + f[1] + f[2]}`,
    );
  }
  const nVal = Math.round(f[1] * n), nTest = Math.round(f[2] * n);
  if (n - nVal - nTest < 1) {
    throw new RangeError(`${op}: ${n} rows leave no training row with fractions ${f.join(", ")}`);
  }
  const order = options.shuffle === false
    ? Int32Array.from({ length: n }, (_, i) => i)
    : (options.rng ?? new Rng(0)).permutation(n);
  const [xTrain, yTrain] = take(m, t, order.slice(0, n - nVal - nTest));
  const [xVal, yVal] = take(m, t, order.slice(n - nVal - nTest, n - nTest));
  const [xTest, yTest] = take(m, t, order.slice(n - nTest));
  return { xTrain, yTrain, xVal, yVal, xTest, yTest };
}

/** Options of {@link crossValScore} and {@link GridSearch}. */
export interface CrossValidationOptions {
  /** Number of folds, or explicit splits. Default 5 folds. */
  cv?: number | readonly Split[];
  /** Shuffle before cutting folds (when `cv` is a number). Default false. */
  shuffle?: boolean;
  /** Random generator for shuffling. */
  rng?: Rng;
}

function splitsFor(op: string, n: number, o: CrossValidationOptions): readonly Split[] {
  if (Array.isArray(o.cv)) return o.cv as readonly Split[];
  return kFold(n, { nSplits: checkInt(o.cv ?? 5, op, "cv", 2), shuffle: o.shuffle, rng: o.rng });
}

/**
 * The score of a freshly made estimator on each held-out fold.
 *
 * @example
 * ```ts
 * import { crossValScore, LinearRegression } from "@nnc/models/classical";
 * const x = [[0], [1], [2], [3], [4], [5]], y = [1, 3, 5, 7, 9, 11];
 * const s = crossValScore(() => new LinearRegression(), x, y, { cv: 3 });
 * console.assert(s.every((v) => Math.abs(v - 1) < 1e-12)); // exact line: R² = 1 on every fold
 * ```
 */
export function crossValScore(
  make: () => Estimator,
  x: MatrixLike,
  y: VectorLike,
  options: CrossValidationOptions = {},
): number[] {
  const op = "crossValScore";
  if (typeof make !== "function") {
    throw new TypeError(
      `${op}: make must be a function returning an estimator, got ${describe(make)}`,
    );
  }
  const { m, t } = checkedData(op, x, y);
  return splitsFor(op, m.shape[0], options).map(({ train, test }) => {
    const est = make();
    const [xa, ya] = take(m, t, train);
    const [xb, yb] = take(m, t, test);
    est.fit(xa, ya);
    return est.score(xb, yb);
  });
}

/** One candidate of a {@link GridSearch}. */
export interface GridResult<P> {
  /** The parameters. */
  params: P;
  /** Score on each fold. */
  scores: number[];
  /** Their mean. */
  meanScore: number;
}

/**
 * Exhaustive search over a grid of parameters by cross-validation; the best candidate (first among
 * equals, in grid order: keys sorted, the last key varying fastest, as scikit-learn) is refitted on all
 * the data.
 *
 * @example
 * ```ts
 * import { GridSearch, Ridge } from "@nnc/models/classical";
 * const x = [[0], [1], [2], [3], [4], [5]], y = [0, 1.1, 1.9, 3.2, 3.9, 5.1];
 * const gs = new GridSearch((p: { alpha: number }) => new Ridge(p), { alpha: [0.01, 100] }, { cv: 3 }).fit(x, y);
 * console.assert(gs.bestParams.alpha === 0.01 && gs.results.length === 2);
 * ```
 */
export class GridSearch<P extends Record<string, unknown>, E extends Estimator = Estimator> {
  readonly #make: (params: P) => E;
  readonly #grid: { [K in keyof P]: readonly P[K][] };
  readonly #options: CrossValidationOptions;
  #best: { params: P; score: number; estimator: E } | null = null;
  /** Every candidate with its fold scores, in grid order (after `fit`). */
  results: GridResult<P>[] = [];

  /** Checks the grid: every entry a non-empty array. */
  constructor(
    make: (params: P) => E,
    grid: { [K in keyof P]: readonly P[K][] },
    options: CrossValidationOptions = {},
  ) {
    const op = "GridSearch";
    if (typeof make !== "function") {
      throw new TypeError(
        `${op}: make must be a function from parameters to an estimator, got ${describe(make)}`,
      );
    }
    if (typeof grid !== "object" || grid === null) {
      throw new TypeError(`${op}: grid must be an object of value arrays, got ${describe(grid)}`);
    }
    for (const [k, v] of Object.entries(grid)) {
      if (!Array.isArray(v) || v.length === 0) {
        throw new RangeError(`${op}: grid.${k} must be a non-empty array, got ${describe(v)}`);
      }
    }
    this.#make = make;
    this.#grid = grid;
    this.#options = options;
  }

  /** All parameter combinations in grid order. */
  candidates(): P[] {
    const keys = Object.keys(this.#grid).sort();
    let out: Record<string, unknown>[] = [{}];
    for (const k of keys) {
      const next: Record<string, unknown>[] = [];
      for (const partial of out) {
        for (const v of this.#grid[k as keyof P]) next.push({ ...partial, [k]: v });
      }
      out = next;
    }
    return out as P[];
  }

  /** Scores every candidate and refits the best on all of (x, y); returns this search. */
  fit(x: MatrixLike, y: VectorLike): this {
    const op = "GridSearch.fit";
    const { m, t } = checkedData(op, x, y);
    const splits = splitsFor(op, m.shape[0], this.#options);
    this.results = this.candidates().map((params) => {
      const scores = crossValScore(() => this.#make(params), m, t, { cv: splits });
      return { params, scores, meanScore: scores.reduce((s, v) => s + v, 0) / scores.length };
    });
    let best = 0;
    this.results.forEach((r, i) => {
      if (r.meanScore > this.results[best].meanScore) best = i;
    });
    const estimator = this.#make(this.results[best].params);
    estimator.fit(m, NDArray.fromTyped(t, [t.length]));
    this.#best = {
      params: this.results[best].params,
      score: this.results[best].meanScore,
      estimator,
    };
    return this;
  }

  #need(op: string) {
    if (this.#best === null) {
      throw new TypeError(`${op}: this GridSearch has not been fitted; call fit(x, y) first`);
    }
    return this.#best;
  }
  /** Parameters of the best candidate. */
  get bestParams(): P {
    return this.#need("GridSearch.bestParams").params;
  }
  /** Its mean cross-validated score. */
  get bestScore(): number {
    return this.#need("GridSearch.bestScore").score;
  }
  /** The best candidate refitted on all the data. */
  get bestEstimator(): E {
    return this.#need("GridSearch.bestEstimator").estimator;
  }
}
