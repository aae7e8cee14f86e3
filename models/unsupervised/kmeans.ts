/**
 * k-means clustering: Lloyd's algorithm ({@link lloyd}, {@link KMeans}) with explicit, random or
 * k-means++ ({@link kmeansPlusPlus}) initial centres, restarts, tolerance and empty-cluster handling.
 * Distances go through one GEMM per block of rows (‖x‖² − 2x·c + ‖c‖²), so the backend's matmul does
 * the heavy work. The iteration and stopping rules follow scikit-learn's `KMeans(algorithm="lloyd")`,
 * and the result matches it from the same initial centres.
 *
 * @module
 */
import {
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  describe,
  fmtShape,
  NDArray,
  Rng,
} from "@nnc/tensor";
import {
  assertFinite,
  checkFeatures,
  type MatrixLike,
  toFloat64,
  toMatrix,
} from "../_common/validate.ts";
import {
  assignNearest,
  centersAs,
  exactInertia,
  rowSquaredNorms,
  squaredDistances,
} from "./_distances.ts";

/** How to choose the initial centres: k-means++ seeding, k distinct random points, or given centres `[k, d]`. */
export type KMeansInit = "k-means++" | "random" | MatrixLike;

/**
 * What to do when a centre is left with no points: `"farthest"` moves it onto the point farthest from its
 * own centre (scikit-learn's rule), `"keep"` leaves it where it was, `"error"` throws.
 */
export type EmptyClusterPolicy = "farthest" | "keep" | "error";

/** One Lloyd iteration as recorded in the history. */
export interface KMeansStep {
  /** Iteration number, from 1. */
  iteration: number;
  /** Σ‖x − c‖² of the assignment made in this iteration (to the centres it started from). */
  inertia: number;
  /** Σ over centres of ‖c_new − c_old‖². */
  shift: number;
  /** Number of points whose cluster changed (all of them in the first iteration). */
  changed: number;
  /** Number of clusters that came out empty before the empty-cluster policy acted. */
  empty: number;
}

/** Options of {@link lloyd} (and of {@link KMeans}). */
export interface LloydOptions {
  /** Maximum number of iterations. Default 300. */
  maxIter?: number;
  /**
   * Stop when Σ‖c_new − c_old‖² ≤ tol × (mean variance of the features), as scikit-learn. Default 1e-4;
   * 0 stops only when no label changes (or after `maxIter`).
   */
  tol?: number;
  /** Empty-cluster policy. Default `"farthest"`. */
  emptyCluster?: EmptyClusterPolicy;
}

/** Result of {@link lloyd}. */
export interface LloydResult {
  /** Final centres `[k, d]`, in the data's dtype. */
  centers: NDArray;
  /** Cluster of each point (int32 `[n]`), assigned to the final centres. */
  labels: NDArray;
  /** Σ‖x − c_label‖² to the final centres. */
  inertia: number;
  /** Iterations run. */
  nIter: number;
  /** True when the labels stopped changing or the shift fell within `tol` before `maxIter`. */
  converged: boolean;
  /** One entry per iteration. */
  history: KMeansStep[];
}

const EMPTY_POLICIES: readonly EmptyClusterPolicy[] = ["farthest", "keep", "error"];

interface Prepared {
  x: NDArray;
  xx: Float64Array;
}

function prepare(op: string, x: unknown): Prepared {
  const m = toMatrix(op, x, "x", false);
  if (m.shape[0] === 0 || m.shape[1] === 0) {
    throw new RangeError(
      `${op}: x must have at least one sample and one feature, got shape ${fmtShape(m.shape)}`,
    );
  }
  // A row's squared norm is NaN or infinite when one of its values is, so the norms (needed anyway)
  // replace a separate scan of the data; the scan runs only to name the bad entry.
  const xx = rowSquaredNorms(m);
  let s = 0;
  for (let i = 0; i < xx.length; i++) s += xx[i] * 0;
  if (s !== 0) assertFinite(op, m);
  return { x: m, xx };
}

/**
 * The data centred on its mean, when its mean lies far from the origin compared with its spread (judged
 * on a strided sample of rows): ‖x‖² − 2x·c + ‖c‖² then loses about log₁₀(‖μ‖²/spread) digits to
 * cancellation. scikit-learn always centres; here the copy is made only when more than two digits would
 * be lost, so the usual case (features of unit scale, pixels in [0, 1]) pays nothing.
 */
function centred(p: Prepared): { q: Prepared; mean: Float64Array | null } {
  const { x, xx } = p;
  const [n, d] = x.shape;
  const data = x.data, off = x.offset;
  const step = Math.max(1, Math.floor(n / 1024));
  const mu = new Float64Array(d);
  let rows = 0, sq = 0;
  for (let i = 0; i < n; i += step, rows++) {
    sq += xx[i];
    for (let j = 0; j < d; j++) mu[j] += data[off + i * d + j];
  }
  let muSq = 0;
  for (let j = 0; j < d; j++) muSq += (mu[j] / rows) ** 2;
  if (!(muSq > 100 * (sq / rows - muSq))) return { q: p, mean: null };
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[off + i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  return { q: centreBy(p, mean), mean };
}

/** A copy of the rows minus `mean` (same dtype), with its squared norms. */
function centreBy(p: Prepared, mean: Float64Array): Prepared {
  const { x } = p;
  const [n, d] = x.shape;
  const data = x.data, off = x.offset;
  const out = x.dtype === "float32" ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = data[off + i * d + j] - mean[j];
  }
  const xc = NDArray.fromTyped(out, [n, d]);
  return { x: xc, xx: rowSquaredNorms(xc) };
}

/** Adds `sign · mean` to every row of `c` (in place) and returns it. */
function shiftRows(c: Float64Array, mean: Float64Array | null, sign: number): Float64Array {
  if (mean === null) return c;
  const d = mean.length;
  for (let i = 0; i < c.length; i++) c[i] += sign * mean[i % d];
  return c;
}

interface RunOptions {
  maxIter: number;
  tolAbs: number;
  empty: EmptyClusterPolicy;
  op: string;
}

function resolveLloydOptions(
  op: string,
  options: LloydOptions,
): { maxIter: number; tol: number; empty: EmptyClusterPolicy } {
  options = checkOptions(options, op);
  return {
    maxIter: checkInt(options.maxIter ?? 300, op, "maxIter", 1),
    tol: checkNumber(options.tol ?? 1e-4, op, "tol", 0),
    empty: checkOneOf(options.emptyCluster ?? "farthest", op, "emptyCluster", EMPTY_POLICIES),
  };
}

/** tol scaled by the mean variance of the features (scikit-learn's `_tolerance`). */
function absoluteTolerance(x: NDArray, tol: number): number {
  if (tol === 0) return 0;
  const [n, d] = x.shape;
  const data = x.data, off = x.offset;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[off + i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const t = data[off + i * d + j] - mean[j];
      total += t * t;
    }
  }
  return (total / n / d) * tol;
}

/** scikit-learn's relocation: each empty cluster takes one of the points farthest from their own centre. */
function relocateEmpty(
  x: NDArray,
  centers: Float64Array,
  labels: Int32Array,
  sums: Float64Array,
  counts: Float64Array,
): void {
  const [n, d] = x.shape;
  const empty: number[] = [];
  for (let j = 0; j < counts.length; j++) if (counts[j] === 0) empty.push(j);
  const far = new Float64Array(n);
  const data = x.data, off = x.offset;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const xb = off + i * d, cb = labels[i] * d;
    for (let j = 0; j < d; j++) {
      const t = data[xb + j] - centers[cb + j];
      s += t * t;
    }
    far[i] = s;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => far[b] - far[a] || a - b);
  for (let e = 0; e < empty.length; e++) {
    const i = order[e], from = labels[i], to = empty[e];
    const xb = off + i * d;
    for (let j = 0; j < d; j++) {
      sums[from * d + j] -= data[xb + j];
      sums[to * d + j] = data[xb + j];
    }
    counts[from]--;
    counts[to] = 1;
  }
}

interface Run {
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  nIter: number;
  converged: boolean;
  history: KMeansStep[];
}

function runLloyd(p: Prepared, init: Float64Array, k: number, o: RunOptions): Run {
  const { x, xx } = p;
  const [n, d] = x.shape;
  let centers = init.slice();
  let next = new Float64Array(k * d);
  const labels = new Int32Array(n).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const history: KMeansStep[] = [];
  let strict = false, converged = false, it = 0;
  while (it < o.maxIter) {
    const inertia = assignNearest(x, xx, centersAs(centers, k, d, x.dtype), labels, dist, {
      sums,
      counts,
    });
    let empty = 0;
    for (let j = 0; j < k; j++) if (counts[j] === 0) empty++;
    if (empty > 0 && o.empty === "error") {
      throw new RangeError(
        `${o.op}: ${empty} cluster(s) became empty at iteration ${
          it + 1
        }; use emptyCluster "farthest" or "keep"`,
      );
    }
    if (empty > 0 && o.empty === "farthest") relocateEmpty(x, centers, labels, sums, counts);
    let shift = 0;
    for (let j = 0; j < k; j++) {
      const inv = counts[j] > 0 ? 1 / counts[j] : 0;
      for (let t = 0; t < d; t++) {
        const v = counts[j] > 0 ? sums[j * d + t] * inv : centers[j * d + t];
        const dv = v - centers[j * d + t];
        shift += dv * dv;
        next[j * d + t] = v;
      }
    }
    let changed = 0;
    for (let i = 0; i < n; i++) if (labels[i] !== prev[i]) changed++;
    [centers, next] = [next, centers];
    it++;
    history.push({ iteration: it, inertia, shift, changed, empty });
    if (changed === 0) {
      strict = converged = true;
      break;
    }
    if (shift <= o.tolAbs) {
      converged = true;
      break;
    }
    prev.set(labels);
  }
  // The last update moved the centres after the labels were made: label the points again so they
  // agree. Under strict convergence (no label changed, no cluster relocated) the centres did not move,
  // and the last assignment's distances are already those to the final centres.
  const last = history[history.length - 1];
  const inertia = strict && last.empty === 0
    ? last.inertia
    : assignNearest(x, xx, centersAs(centers, k, d, x.dtype), labels, dist);
  return { centers, labels, inertia, nIter: it, converged, history };
}

function checkCenters(op: string, init: unknown, d: number, k?: number): Float64Array {
  const c = toMatrix(op, init, "init");
  if (c.shape[1] !== d) {
    throw new RangeError(
      `${op}: init centres have shape ${fmtShape(c.shape)}, expected ${d} features like x`,
    );
  }
  if (k !== undefined && c.shape[0] !== k) {
    throw new RangeError(
      `${op}: init has ${c.shape[0]} centres (shape ${
        fmtShape(c.shape)
      }), expected nClusters = ${k}`,
    );
  }
  return toFloat64(c);
}

function checkK(op: string, k: number, n: number): void {
  checkInt(k, op, "nClusters", 1);
  if (k > n) {
    throw new RangeError(
      `${op}: nClusters = ${k} exceeds the number of samples ${n}; expected nClusters <= ${n}`,
    );
  }
}

function toResult(run: Run, x: NDArray, k: number): LloydResult {
  const d = x.shape[1];
  return {
    centers: centersAs(run.centers, k, d, x.dtype),
    labels: NDArray.fromTyped(run.labels, [run.labels.length]),
    inertia: run.inertia,
    nIter: run.nIter,
    converged: run.converged,
    history: run.history,
  };
}

/**
 * Lloyd's algorithm from given initial centres: assign each point to its nearest centre (lowest index
 * on ties), move each centre to the mean of its points, repeat until no label changes, the centres
 * move less than `tol`, or `maxIter` iterations.
 *
 * @example
 * ```ts
 * import { lloyd } from "@nnc/models/unsupervised";
 * // The mock final's Q1: start from the second and third points.
 * const x = [[-0.01, 1], [1, 1], [0.01, -1], [-1, -1]];
 * const r = lloyd(x, [[1, 1], [0.01, -1]]);
 * console.assert(r.centers.toArray().toString() === "0.495,1,-0.495,-1");
 * console.assert(r.labels.toArray().toString() === "0,0,1,1" && r.nIter === 2);
 * ```
 */
export function lloyd(x: MatrixLike, init: MatrixLike, options: LloydOptions = {}): LloydResult {
  const op = "lloyd";
  const p = prepare(op, x);
  const o = resolveLloydOptions(op, options);
  const c = checkCenters(op, init, p.x.shape[1]);
  const k = c.length / p.x.shape[1];
  checkK(op, k, p.x.shape[0]);
  const { q, mean } = centred(p);
  const run = runLloyd(q, shiftRows(c, mean, -1), k, {
    maxIter: o.maxIter,
    tolAbs: absoluteTolerance(p.x, o.tol),
    empty: o.empty,
    op,
  });
  shiftRows(run.centers, mean, 1);
  return toResult(run, p.x, k);
}

/** Options of {@link kmeansPlusPlus}. */
export interface KMeansPlusPlusOptions {
  /** Random generator. Default: a new `Rng(0)`. */
  rng?: Rng;
  /** Candidates tried per centre (greedy k-means++). Default `2 + ⌊ln k⌋`, as scikit-learn. */
  nLocalTrials?: number;
}

function plusPlus(p: Prepared, k: number, rng: Rng, trials: number): Float64Array {
  const { x, xx } = p;
  const [n, d] = x.shape;
  const data = x.data, off = x.offset;
  const centers = new Float64Array(k * d);
  const copyRow = (i: number, j: number) => {
    for (let t = 0; t < d; t++) centers[j * d + t] = data[off + i * d + t];
  };
  const first = rng.int(0, n);
  copyRow(first, 0);
  let closest = squaredDistances(x, xx, centersAs(centers.subarray(0, d), 1, d, x.dtype));
  let pot = 0;
  for (let i = 0; i < n; i++) pot += closest[i];
  const cumsum = new Float64Array(n);
  const cand = new Float64Array(trials * d);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cumsum[i] = acc += closest[i];
    const ids: number[] = [];
    for (let t = 0; t < trials; t++) {
      const r = rng.random() * pot;
      // First index whose running sum reaches r (NumPy's searchsorted, side "left").
      let lo = 0, hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumsum[mid] < r) lo = mid + 1;
        else hi = mid;
      }
      ids.push(lo);
      for (let u = 0; u < d; u++) cand[t * d + u] = data[off + lo * d + u];
    }
    const dc = squaredDistances(x, xx, centersAs(cand, trials, d, x.dtype));
    let bestT = 0, bestPot = Infinity;
    for (let t = 0; t < trials; t++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.min(closest[i], dc[i * trials + t]);
      if (s < bestPot) {
        bestPot = s;
        bestT = t;
      }
    }
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = Math.min(closest[i], dc[i * trials + bestT]);
    closest = next;
    pot = bestPot;
    copyRow(ids[bestT], c);
  }
  return centers;
}

/**
 * k-means++ seeding (greedy variant, as scikit-learn): the first centre is a uniformly random point,
 * each next one the best of `nLocalTrials` points drawn with probability proportional to their squared
 * distance to the nearest centre chosen so far.
 *
 * @example
 * ```ts
 * import { Rng } from "@nnc/tensor";
 * import { kmeansPlusPlus } from "@nnc/models/unsupervised";
 * const x = [[0, 0], [0, 1], [10, 10], [10, 11]];
 * const c = kmeansPlusPlus(x, 2, { rng: new Rng(1) });
 * // One centre lands in each well-separated pair.
 * console.assert(Math.abs(c.get(0, 0) - c.get(1, 0)) === 10);
 * ```
 */
export function kmeansPlusPlus(
  x: MatrixLike,
  k: number,
  options: KMeansPlusPlusOptions = {},
): NDArray {
  const op = "kmeansPlusPlus";
  const p = prepare(op, x);
  checkK(op, k, p.x.shape[0]);
  const trials = checkInt(
    options.nLocalTrials ?? 2 + Math.floor(Math.log(k)),
    op,
    "nLocalTrials",
    1,
  );
  const rng = options.rng ?? new Rng(0);
  if (!(rng instanceof Rng)) throw new TypeError(`${op}: rng must be an Rng, got ${describe(rng)}`);
  return centersAs(plusPlus(p, k, rng, trials), k, p.x.shape[1], p.x.dtype);
}

function randomInit(p: Prepared, k: number, rng: Rng): Float64Array {
  const [n, d] = p.x.shape;
  const perm = rng.permutation(n);
  const out = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    for (let t = 0; t < d; t++) out[j * d + t] = p.x.data[p.x.offset + perm[j] * d + t];
  }
  return out;
}

/** Options of {@link KMeans}. */
export interface KMeansOptions extends LloydOptions {
  /** Number of clusters k. */
  nClusters: number;
  /** Initial centres. Default `"k-means++"`. */
  init?: KMeansInit;
  /**
   * Runs from different initial centres; the one with the lowest inertia is kept. Default 1 for
   * k-means++ and given centres, 10 for `"random"` (scikit-learn's `"auto"`). Must be 1 with given centres.
   */
  nInit?: number;
  /** Random generator for the initialisation. Default: a new `Rng(0)`. */
  rng?: Rng;
}

/** Options of {@link KMeans.transform}. */
export interface TransformOptions {
  /** Return squared distances. Default false (Euclidean distances, as scikit-learn). */
  squared?: boolean;
}

/**
 * k-means clustering with Lloyd's algorithm (see {@link lloyd}), with initialisation and restarts.
 * `predict` gives the nearest centre, `transform` the distances to every centre.
 *
 * @example
 * ```ts
 * import { KMeans } from "@nnc/models/unsupervised";
 * const x = [[-0.01, 1], [1, 1], [0.01, -1], [-1, -1]];
 * // The other fixed point of the mock final's Q1: the y-axis separates the clusters.
 * const km = new KMeans({ nClusters: 2, init: [[-1, 0], [1, 0]] }).fit(x);
 * console.assert(km.centers.toArray().toString() === "-0.505,0,0.505,0");
 * console.assert(Math.abs(km.inertia - 4.9801) < 1e-12);
 * console.assert(km.predict([[3, 3]]).item() === 1);
 * ```
 */
export class KMeans {
  /** Number of clusters. */
  readonly nClusters: number;
  #init: KMeansInit;
  #nInit: number;
  #rng: Rng;
  #lloyd: { maxIter: number; tol: number; empty: EmptyClusterPolicy };
  #fit: LloydResult | null = null;
  #mean: Float64Array | null = null;

  /** Checks the options; nothing is computed until {@link KMeans.fit}. */
  constructor(options: KMeansOptions) {
    const op = "KMeans";
    checkOptions(options, op, "nClusters");
    this.nClusters = checkInt(options.nClusters, op, "nClusters", 1);
    const init = options.init ?? "k-means++";
    if (typeof init === "string") checkOneOf(init, op, "init", ["k-means++", "random"]);
    else if (!(init instanceof NDArray) && !Array.isArray(init)) {
      throw new TypeError(
        `${op}: init must be "k-means++", "random" or a [k, d] matrix of centres, got ${
          describe(init)
        }`,
      );
    }
    this.#init = init;
    this.#nInit = checkInt(options.nInit ?? (init === "random" ? 10 : 1), op, "nInit", 1);
    if (typeof init !== "string" && this.#nInit !== 1) {
      throw new RangeError(
        `${op}: nInit = ${this.#nInit} with explicit initial centres; expected nInit = 1 (every run would be the same)`,
      );
    }
    this.#rng = options.rng ?? new Rng(0);
    if (!(this.#rng instanceof Rng)) {
      throw new TypeError(`${op}: rng must be an Rng, got ${describe(this.#rng)}`);
    }
    this.#lloyd = resolveLloydOptions(op, options);
  }

  /** Clusters `x` (`[n, d]`); returns this model. */
  fit(x: MatrixLike): this {
    const op = "KMeans.fit";
    const p = prepare(op, x);
    const [n, d] = p.x.shape;
    checkK(op, this.nClusters, n);
    const o: RunOptions = {
      maxIter: this.#lloyd.maxIter,
      tolAbs: absoluteTolerance(p.x, this.#lloyd.tol),
      empty: this.#lloyd.empty,
      op,
    };
    const { q, mean } = centred(p);
    let best: Run | null = null;
    for (let r = 0; r < this.#nInit; r++) {
      const init = this.#init === "k-means++"
        ? plusPlus(q, this.nClusters, this.#rng, 2 + Math.floor(Math.log(this.nClusters)))
        : this.#init === "random"
        ? randomInit(q, this.nClusters, this.#rng)
        : shiftRows(checkCenters(op, this.#init, d, this.nClusters), mean, -1);
      const run = runLloyd(q, init, this.nClusters, o);
      if (best === null || run.inertia < best.inertia) best = run;
    }
    shiftRows((best as Run).centers, mean, 1);
    this.#fit = toResult(best as Run, p.x, this.nClusters);
    this.#mean = mean;
    return this;
  }

  /** Fits and returns the labels of the training points. */
  fitPredict(x: MatrixLike): NDArray {
    return this.fit(x).labels;
  }

  #fitted(op: string): LloydResult {
    if (this.#fit === null) {
      throw new TypeError(`${op}: this KMeans is not fitted yet; call fit(x) first`);
    }
    return this.#fit;
  }

  /** Centres `[k, d]` in the data's dtype. */
  get centers(): NDArray {
    return this.#fitted("KMeans.centers").centers;
  }
  /** Cluster of each training point (int32). */
  get labels(): NDArray {
    return this.#fitted("KMeans.labels").labels;
  }
  /** Σ‖x − c_label‖² over the training points. */
  get inertia(): number {
    return this.#fitted("KMeans.inertia").inertia;
  }
  /** Iterations of the best run. */
  get nIter(): number {
    return this.#fitted("KMeans.nIter").nIter;
  }
  /** Whether the best run converged before `maxIter`. */
  get converged(): boolean {
    return this.#fitted("KMeans.converged").converged;
  }
  /** Per-iteration record of the best run. */
  get history(): KMeansStep[] {
    return this.#fitted("KMeans.history").history;
  }

  /** The rows, centred like the training data when that was centred (see `centred`). */
  #input(op: string, x: MatrixLike): Prepared {
    const p = prepare(op, x);
    checkFeatures(op, p.x, this.#fitted(op).centers.shape[1]);
    return this.#mean === null ? p : centreBy(p, this.#mean);
  }

  /** Index (int32 `[n]`) of the nearest centre of each row, lowest index on ties. */
  predict(x: MatrixLike): NDArray {
    const op = "KMeans.predict";
    const p = this.#input(op, x);
    const n = p.x.shape[0];
    const labels = new Int32Array(n);
    assignNearest(p.x, p.xx, this.#centersFor(p.x), labels, new Float64Array(n));
    return NDArray.fromTyped(labels, [n]);
  }

  /** Distances (float64 `[n, k]`) from each row to every centre; squared with `{ squared: true }`. */
  transform(x: MatrixLike, options: TransformOptions = {}): NDArray {
    const p = this.#input("KMeans.transform", x);
    const dist = squaredDistances(p.x, p.xx, this.#centersFor(p.x));
    if (!options.squared) { for (let i = 0; i < dist.length; i++) dist[i] = Math.sqrt(dist[i]); }
    return NDArray.fromTyped(dist, [p.x.shape[0], this.nClusters]);
  }

  /** Minus the inertia of `x` under the fitted centres (higher is better, as scikit-learn's `score`). */
  score(x: MatrixLike): number {
    const p = this.#input("KMeans.score", x);
    const n = p.x.shape[0];
    const labels = new Int32Array(n);
    const c = this.#centersFor(p.x);
    assignNearest(p.x, p.xx, c, labels, new Float64Array(n));
    return -exactInertia(p.x, this.#centers64(), labels);
  }

  /** The centres in the coordinates of `#input`, as float64 and in `x`'s dtype. */
  #centersFor(x: NDArray): NDArray {
    return centersAs(this.#centers64(), this.nClusters, x.shape[1], x.dtype);
  }

  #centers64(): Float64Array {
    return shiftRows(toFloat64(this.centers), this.#mean, -1);
  }
}
