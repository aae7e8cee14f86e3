/**
 * Classification metrics: {@link accuracy}, {@link topKAccuracy}, {@link confusionMatrix},
 * per-class {@link precisionRecall}, a printable confusion matrix, and the streaming
 * {@link Metric}s that {@link fit} and {@link evaluate} accumulate batch by batch.
 *
 * Outputs are read as follows: `[N, C]` scores (logits or probabilities, C ≥ 2) predict their
 * arg-max (the first maximum on ties); `[N, 1]` scores are binary and predict 1 above
 * `threshold` (default 0.5, for probabilities; use 0 for logits); `[N]` holds class indices.
 * Targets are class indices `[N]` (or `[N, C]` one-hot/probabilities, read by arg-max).
 *
 * @module
 */
import {
  checkInt,
  checkNumber,
  checkOptions,
  describe,
  fmtShape,
  NDArray,
  type NDArrayLike,
} from "@nnc/tensor";
import { flatData, toNd } from "./_train_util.ts";
/**
 * An array argument of the metrics, plots and training helpers: a plain `NDArray`, or an autograd
 * `Tensor` (whose data is used).
 *
 * @example
 * ```ts
 * import type { ArrayInput } from "@nnc/train";
 * import { array } from "@nnc/tensor";
 * const scores: ArrayInput = array([[0.2, 0.8]]);
 * ```
 */
export type ArrayInput = NDArrayLike;

/**
 * Options of {@link predictedClasses}, {@link accuracy} and {@link confusionMatrix}.
 *
 * @example
 * ```ts
 * import type { ClassOptions } from "@nnc/train";
 * const logits: ClassOptions = { threshold: 0 };
 * ```
 */
export interface ClassOptions {
  /** Decision threshold of single-column `[N, 1]` scores. Default 0.5. */
  threshold?: number;
}

function argmaxRows(a: NDArray, out: Int32Array): void {
  const [n, c] = a.shape;
  const { data, offset } = flatData(a);
  for (let i = 0; i < n; i++) {
    const base = offset + i * c;
    let best = 0, bv = data[base];
    for (let j = 1; j < c; j++) {
      const v = data[base + j];
      if (v > bv || (bv !== bv && v === v)) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
}

function indices(a: NDArray, op: string, name: string): Int32Array {
  const n = a.shape[0];
  const out = new Int32Array(n);
  const { data, offset } = flatData(a);
  for (let i = 0; i < n; i++) {
    const v = data[offset + i];
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`${op}: ${name}[${i}] = ${v} is not a class index (an integer ≥ 0)`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * The class each row of `output` predicts (see the module notes for how shapes are read).
 *
 * @example
 * ```ts
 * import { predictedClasses } from "@nnc/train";
 * import { array } from "@nnc/tensor";
 * console.assert(predictedClasses(array([[0.1, 2, 0.3], [5, 1, 5]])).join() === "1,0");
 * console.assert(predictedClasses(array([[0.7], [0.2]])).join() === "1,0");
 * ```
 */
export function predictedClasses(output: ArrayInput, options?: ClassOptions): Int32Array {
  const op = "predictedClasses";
  return classesOf(toNd(output, op, "output"), op, "output", options);
}

function classesOf(a: NDArray, op: string, name: string, options?: ClassOptions): Int32Array {
  const o = checkOptions(options, op);
  if (a.ndim === 1) return indices(a, op, name);
  if (a.ndim !== 2) {
    throw new RangeError(
      `${op}: ${name} must be [N] class indices or [N, C] scores, got ${fmtShape(a.shape)}`,
    );
  }
  const out = new Int32Array(a.shape[0]);
  if (a.shape[1] >= 2) {
    argmaxRows(a, out);
    return out;
  }
  const t = checkNumber(o.threshold ?? 0.5, op, "threshold");
  const { data, offset } = flatData(a);
  for (let i = 0; i < out.length; i++) out[i] = data[offset + i] > t ? 1 : 0;
  return out;
}

function targetsOf(target: ArrayInput, n: number, op: string): Int32Array {
  const t = toNd(target, op, "target");
  if (t.ndim === 0 || t.shape[0] !== n) {
    throw new RangeError(
      `${op}: target ${fmtShape(t.shape)} must have ${n} rows, one per output row`,
    );
  }
  if (t.ndim === 2 && t.shape[1] === 1) return indices(t.reshape([n]), op, "target");
  return classesOf(t, op, "target");
}

function pair(
  output: ArrayInput,
  target: ArrayInput,
  op: string,
  options?: ClassOptions,
): [Int32Array, Int32Array] {
  const pred = classesOf(toNd(output, op, "output"), op, "output", options);
  return [pred, targetsOf(target, pred.length, op)];
}

/**
 * Fraction of rows whose predicted class equals the target (NaN for zero rows).
 *
 * @example
 * ```ts
 * import { accuracy } from "@nnc/train";
 * import { array } from "@nnc/tensor";
 * const logits = array([[2, 1], [0, 3], [1, 0], [0, 1]]);
 * console.assert(accuracy(logits, array([0, 1, 1, 1], { dtype: "int32" })) === 0.75);
 * ```
 */
export function accuracy(output: ArrayInput, target: ArrayInput, options?: ClassOptions): number {
  const [p, t] = pair(output, target, "accuracy", options);
  let hit = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === t[i]) hit++;
  return p.length === 0 ? NaN : hit / p.length;
}

/** Number of rows of `[N, C]` scores whose target is among the `k` highest scores. */
function topKHits(a: NDArray, t: Int32Array, k: number, op: string): number {
  const [n, c] = a.shape;
  const { data, offset } = flatData(a);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    if (t[i] >= c) {
      throw new RangeError(`${op}: target[${i}] = ${t[i]} is not below the ${c} classes`);
    }
    const base = offset + i * c;
    const s = data[base + t[i]];
    let above = 0;
    for (let j = 0; j < c && above < k; j++) if (data[base + j] > s) above++;
    if (above < k && s === s) hits++;
  }
  return hits;
}

function checkScores(output: ArrayInput, op: string): NDArray {
  const a = toNd(output, op, "output");
  if (a.ndim !== 2) {
    throw new RangeError(`${op}: output must be [N, C] scores, got ${fmtShape(a.shape)}`);
  }
  return a;
}

/**
 * Fraction of rows whose target class is among the `k` highest scores. A target tied with the
 * k-th score counts as a hit (the row has fewer than `k` scores strictly above the target's).
 *
 * @example
 * ```ts
 * import { topKAccuracy } from "@nnc/train";
 * import { array } from "@nnc/tensor";
 * const scores = array([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7]]);
 * const y = array([1, 0], { dtype: "int32" });
 * console.assert(topKAccuracy(scores, y, 2) === 0.5 && topKAccuracy(scores, y, 3) === 1);
 * ```
 */
export function topKAccuracy(output: ArrayInput, target: ArrayInput, k: number): number {
  const op = "topKAccuracy";
  const a = checkScores(output, op);
  const kk = checkInt(k ?? 1, op, "k", 1);
  const t = targetsOf(target, a.shape[0], op);
  return a.shape[0] === 0 ? NaN : topKHits(a, t, kk, op) / a.shape[0];
}

/**
 * Options of {@link confusionMatrix}.
 *
 * @example
 * ```ts
 * import type { ConfusionMatrixOptions } from "@nnc/train";
 * const o: ConfusionMatrixOptions = { numClasses: 10 };
 * ```
 */
export interface ConfusionMatrixOptions extends ClassOptions {
  /** Number of classes. Default: the score columns of `[N, C]` outputs, else 1 + the largest class seen. */
  numClasses?: number;
}

/**
 * The confusion matrix: int32 `[C, C]` whose entry `[i, j]` counts the rows of true class `i`
 * predicted as class `j` (rows are truths, columns predictions, as in scikit-learn).
 *
 * @example
 * ```ts
 * import { confusionMatrix } from "@nnc/train";
 * import { array } from "@nnc/tensor";
 * const pred = array([0, 1, 1, 2], { dtype: "int32" }), truth = array([0, 1, 2, 2], { dtype: "int32" });
 * console.assert(confusionMatrix(pred, truth).toArray().toString() === "1,0,0,0,1,0,0,1,1");
 * ```
 */
export function confusionMatrix(
  output: ArrayInput,
  target: ArrayInput,
  options?: ConfusionMatrixOptions,
): NDArray {
  const op = "confusionMatrix";
  const o = checkOptions(options, op);
  const out = toNd(output, op, "output");
  const [p, t] = pair(output, target, op, o);
  let c = out.ndim === 2 && out.shape[1] >= 2 ? out.shape[1] : out.ndim === 2 ? 2 : 0;
  for (let i = 0; i < p.length; i++) c = Math.max(c, p[i] + 1, t[i] + 1);
  if (o.numClasses !== undefined) {
    const given = checkInt(o.numClasses ?? 0, op, "numClasses", 1);
    if (given < c) {
      throw new RangeError(
        `${op}: numClasses is ${given}, but the outputs or targets need at least ${c} classes`,
      );
    }
    c = given;
  }
  const cm = new Int32Array(c * c);
  for (let i = 0; i < p.length; i++) cm[t[i] * c + p[i]]++;
  return NDArray.fromTyped(cm, [c, c]);
}

/**
 * Per-class precision, recall, F1 and support from a confusion matrix, plus overall accuracy and
 * unweighted (macro) means. A ratio with a zero denominator is 0, as scikit-learn's default.
 *
 * @example
 * ```ts
 * import type { ClassificationReport } from "@nnc/train";
 * const r: ClassificationReport = {
 *   precision: [1], recall: [1], f1: [1], support: [3],
 *   accuracy: 1, macroPrecision: 1, macroRecall: 1, macroF1: 1,
 * };
 * ```
 */
export interface ClassificationReport {
  /** Per class: correct predictions of the class / all predictions of the class. */
  precision: number[];
  /** Per class: correct predictions of the class / all rows of the class. */
  recall: number[];
  /** Per class: harmonic mean of precision and recall. */
  f1: number[];
  /** Per class: number of rows of the class. */
  support: number[];
  /** Correct predictions / all rows. */
  accuracy: number;
  /** Mean precision over classes. */
  macroPrecision: number;
  /** Mean recall over classes. */
  macroRecall: number;
  /** Mean F1 over classes. */
  macroF1: number;
}

function squareCounts(cm: NDArray | readonly (readonly number[])[], op: string): number[][] {
  let rows: number[][];
  if (cm instanceof NDArray) {
    if (cm.ndim !== 2 || cm.shape[0] !== cm.shape[1]) {
      throw new RangeError(`${op}: expected a square [C, C] matrix, got ${fmtShape(cm.shape)}`);
    }
    rows = cm.toArray() as number[][];
  } else if (Array.isArray(cm)) {
    rows = cm.map((r) => (Array.isArray(r) ? [...r] : []));
    if (rows.some((r) => r.length !== rows.length)) {
      throw new RangeError(
        `${op}: expected a square matrix, got ${rows.length} rows of unequal size`,
      );
    }
  } else {
    throw new TypeError(`${op}: expected an NDArray or nested array, got ${describe(cm)}`);
  }
  rows.forEach((r, i) =>
    r.forEach((v, j) => {
      if (!Number.isInteger(v) || v < 0) {
        throw new RangeError(`${op}: entry [${i}, ${j}] = ${v} is not a count (an integer ≥ 0)`);
      }
    })
  );
  return rows;
}

/**
 * Per-class precision, recall and F1 of a confusion matrix (rows truths, columns predictions).
 *
 * @example
 * ```ts
 * import { precisionRecall } from "@nnc/train";
 * const r = precisionRecall([[3, 1], [2, 4]]);
 * console.assert(r.precision[0] === 0.6 && r.precision[1] === 0.8);
 * console.assert(r.recall[0] === 0.75 && r.recall[1] === 4 / 6);
 * console.assert(r.accuracy === 0.7 && r.support.join() === "4,6");
 * ```
 */
export function precisionRecall(
  confusion: NDArray | readonly (readonly number[])[],
): ClassificationReport {
  const cm = squareCounts(confusion, "precisionRecall");
  const c = cm.length;
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision: number[] = [], recall: number[] = [], f1: number[] = [], support: number[] = [];
  let correct = 0, total = 0;
  for (let k = 0; k < c; k++) {
    let predicted = 0, actual = 0;
    for (let i = 0; i < c; i++) {
      predicted += cm[i][k];
      actual += cm[k][i];
    }
    const p = ratio(cm[k][k], predicted), r = ratio(cm[k][k], actual);
    precision.push(p);
    recall.push(r);
    f1.push(ratio(2 * p * r, p + r));
    support.push(actual);
    correct += cm[k][k];
    total += actual;
  }
  const mean = (xs: number[]) => (c === 0 ? NaN : xs.reduce((s, v) => s + v, 0) / c);
  return {
    precision,
    recall,
    f1,
    support,
    accuracy: total === 0 ? NaN : correct / total,
    macroPrecision: mean(precision),
    macroRecall: mean(recall),
    macroF1: mean(f1),
  };
}

/**
 * A confusion matrix as aligned text, rows labelled with the true class and headed by the
 * predicted class (names cut to 9 characters in the header), followed by each class's
 * precision and recall.
 *
 * @example
 * ```ts
 * import { formatConfusionMatrix } from "@nnc/train";
 * const text = formatConfusionMatrix([[3, 1], [2, 4]], ["cat", "dog"]);
 * console.assert(text.split("\n")[1].trim().startsWith("cat") && text.includes("0.750"));
 * ```
 */
export function formatConfusionMatrix(
  confusion: NDArray | readonly (readonly number[])[],
  classNames?: readonly string[],
): string {
  const cm = squareCounts(confusion, "formatConfusionMatrix");
  const c = cm.length;
  if (classNames !== undefined && (!Array.isArray(classNames) || classNames.length !== c)) {
    throw new RangeError(
      `formatConfusionMatrix: classNames must list ${c} names, got ${describe(classNames)}`,
    );
  }
  const names = classNames ?? cm.map((_, i) => String(i));
  const report = precisionRecall(cm);
  const label = Math.max(17, ...names.map((s) => s.length + 2));
  const longest = Math.max(0, ...names.map((s) => s.length));
  const width = Math.max(
    6,
    Math.min(10, longest + 1),
    ...cm.flat().map((v) => String(v).length + 1),
  );
  const head = names.map((s, j) => (s.length > width - 1 ? s.slice(0, width - 1) : s || String(j)));
  const lines = [
    "true \\ predicted".padEnd(label) + head.map((s) => s.padStart(width)).join("") +
    "  precision  recall",
  ];
  for (let i = 0; i < c; i++) {
    lines.push(
      names[i].padEnd(label) + cm[i].map((v) => String(v).padStart(width)).join("") +
        report.precision[i].toFixed(3).padStart(11) + report.recall[i].toFixed(3).padStart(8),
    );
  }
  lines.push(`accuracy ${report.accuracy.toFixed(4)}`);
  return lines.join("\n");
}

/**
 * A metric accumulated over batches: {@link fit} and {@link evaluate} call `reset()` before each
 * pass over a data set, `update()` with every batch's outputs and targets, and `compute()` at the
 * end; the result is logged under `name` (prefixed `val` for validation in {@link History}).
 *
 * @example
 * ```ts
 * import type { Metric } from "@nnc/train";
 * import type { NDArray } from "@nnc/tensor";
 * class MeanOutput implements Metric {
 *   readonly name = "meanOutput";
 *   #sum = 0;
 *   #n = 0;
 *   reset(): void { this.#sum = 0; this.#n = 0; }
 *   update(output: NDArray): void { this.#sum += output.sum().item(); this.#n += output.size; }
 *   compute(): number { return this.#sum / this.#n; }
 * }
 * const m: Metric = new MeanOutput();
 * ```
 */
export interface Metric {
  /** Key of the value in logs and the {@link History} (a JS identifier, e.g. `accuracy`). */
  readonly name: string;
  /** Forgets everything seen so far. */
  reset(): void;
  /** Adds one batch: the model's outputs and the targets. */
  update(output: NDArray, target: NDArray): void;
  /** The value over everything since the last `reset()`. */
  compute(): number;
}

/**
 * Streaming accuracy (see {@link accuracy}).
 *
 * @example
 * ```ts
 * import { Accuracy } from "@nnc/train";
 * import { array } from "@nnc/tensor";
 * const m = new Accuracy();
 * m.update(array([[1, 0], [0, 1]]), array([0, 0], { dtype: "int32" }));
 * m.update(array([[0, 1]]), array([1], { dtype: "int32" }));
 * console.assert(m.compute() === 2 / 3);
 * ```
 */
export class Accuracy implements Metric {
  /** `"accuracy"`. */
  readonly name: string = "accuracy";
  readonly #options: ClassOptions;
  #hits = 0;
  #count = 0;

  /** Accuracy with the given threshold for single-column outputs. */
  constructor(options: ClassOptions = {}) {
    this.#options = checkOptions(options, "Accuracy");
    checkNumber(this.#options.threshold ?? 0.5, "Accuracy", "threshold");
  }

  /** Clears the counts. */
  reset(): void {
    this.#hits = 0;
    this.#count = 0;
  }

  /** Counts the batch's correct rows. */
  update(output: NDArray, target: NDArray): void {
    const [p, t] = pair(output, target, "Accuracy.update", this.#options);
    for (let i = 0; i < p.length; i++) if (p[i] === t[i]) this.#hits++;
    this.#count += p.length;
  }

  /** Correct rows / rows since the last reset (NaN before any). */
  compute(): number {
    return this.#count === 0 ? NaN : this.#hits / this.#count;
  }
}

/**
 * Streaming top-k accuracy (see {@link topKAccuracy}), named `top${k}Accuracy`.
 *
 * @example
 * ```ts
 * import { TopKAccuracy } from "@nnc/train";
 * import { array } from "@nnc/tensor";
 * const m = new TopKAccuracy(2);
 * m.update(array([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7]]), array([1, 0], { dtype: "int32" }));
 * console.assert(m.name === "top2Accuracy" && m.compute() === 0.5);
 * ```
 */
export class TopKAccuracy implements Metric {
  /** `top${k}Accuracy`. */
  readonly name: string;
  /** How many of the highest scores count. */
  readonly k: number;
  #hits = 0;
  #count = 0;

  /** Top-`k` accuracy. */
  constructor(k: number) {
    this.k = checkInt(k ?? 1, "TopKAccuracy", "k", 1);
    this.name = `top${this.k}Accuracy`;
  }

  /** Clears the counts. */
  reset(): void {
    this.#hits = 0;
    this.#count = 0;
  }

  /** Counts the batch's hits. */
  update(output: NDArray, target: NDArray): void {
    const op = "TopKAccuracy.update";
    const a = checkScores(output, op);
    this.#hits += topKHits(a, targetsOf(target, a.shape[0], op), this.k, op);
    this.#count += a.shape[0];
  }

  /** Hits / rows since the last reset (NaN before any). */
  compute(): number {
    return this.#count === 0 ? NaN : this.#hits / this.#count;
  }
}

/**
 * What the `metrics` option of {@link fit} and {@link evaluate} accepts: a {@link Metric}, or
 * `"accuracy"` for `new Accuracy()`.
 *
 * @example
 * ```ts
 * import { type MetricSpec, TopKAccuracy } from "@nnc/train";
 * const metrics: MetricSpec[] = ["accuracy", new TopKAccuracy(5)];
 * ```
 */
export type MetricSpec = Metric | "accuracy";

/**
 * Resolves metric specs to {@link Metric} objects, checking that names are unique.
 *
 * @example
 * ```ts
 * import { resolveMetrics } from "@nnc/train";
 * console.assert(resolveMetrics(["accuracy"])[0].name === "accuracy");
 * ```
 */
export function resolveMetrics(specs: readonly MetricSpec[] | undefined, op = "metrics"): Metric[] {
  if (specs === undefined) return [];
  if (!Array.isArray(specs)) {
    throw new TypeError(`${op}: metrics must be an array, got ${describe(specs)}`);
  }
  const out = specs.map((s, i) => {
    if (s === "accuracy") return new Accuracy();
    if (
      s !== null && typeof s === "object" && typeof s.name === "string" &&
      typeof s.update === "function" && typeof s.compute === "function" &&
      typeof s.reset === "function"
    ) return s;
    throw new TypeError(
      `${op}: metrics[${i}] must be "accuracy" or a Metric (name, reset, update, compute), got ${
        describe(s)
      }`,
    );
  });
  const names = new Set<string>();
  for (const m of out) {
    if (m.name === "loss" || names.has(m.name)) {
      throw new RangeError(
        `${op}: metric name ${JSON.stringify(m.name)} is used twice or is "loss"`,
      );
    }
    names.add(m.name);
  }
  return out;
}
