/**
 * PyTorch's ranking and margin losses: {@link marginRankingLoss}, {@link tripletMarginLoss},
 * {@link tripletMarginWithDistanceLoss}, {@link softMarginLoss}, {@link multiLabelSoftMarginLoss},
 * {@link multiMarginLoss} and {@link multiLabelMarginLoss}, with their modules. Each is composed
 * of differentiable ops (hinges are `relu`, ties of `minimum` split the gradient, softplus is the
 * stable form), so they differentiate to any order; values and gradients are PyTorch 2.x's
 * (layers/fixtures/ranking_likelihood_fixtures.py), kinks included.
 *
 * @module
 */
import {
  broadcastShapes,
  checkBool,
  checkNumber,
  checkOptions,
  checkPositive,
  describe,
  fmtShape,
  NDArray,
  sameShape,
} from "@nnc/tensor";
import { gather, indexSelect, minimum, Tensor, where } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Loss, type LossTarget } from "./loss_layers.ts";
import { pairwiseDistance } from "./similarity.ts";
import { reduceLoss } from "./_reduction.ts";
import { checkPlainReduction, sameDType } from "./_plain_reduction.ts";
import { asInput } from "./_util.ts";

/**
 * The reductions of these losses, PyTorch's three: the mean over every element (default), the
 * sum, or none (one loss per element or sample). `"batchmean"` is not one of them.
 *
 * @example
 * ```ts
 * import type { PlainReduction } from "@nnc/layers";
 * const perSample: PlainReduction = "none";
 * ```
 */
export type PlainReduction = "mean" | "sum" | "none";

// ---------- marginRankingLoss ----------

/**
 * Options of {@link marginRankingLoss} and {@link MarginRankingLoss}.
 *
 * @example
 * ```ts
 * import type { MarginRankingLossOptions } from "@nnc/layers";
 * const o: MarginRankingLossOptions = { margin: 0.5, reduction: "sum" };
 * ```
 */
export interface MarginRankingLossOptions {
  /** Pairs ranked right by less than the margin still cost. Default 0. */
  margin?: number;
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: PlainReduction;
}

function marginRanking(
  op: string,
  x1: Tensor,
  x2: Tensor,
  y: LossTarget,
  options: MarginRankingLossOptions,
): Tensor {
  checkOptions(options, op);
  const a = asInput(x1, op, "x1"), b = asInput(x2, op, "x2"), t = asInput(y, op, "y");
  if (a.ndim !== b.ndim || a.ndim !== t.ndim) {
    throw new RangeError(
      `${op}: x1 ${fmtShape(a.shape)}, x2 ${fmtShape(b.shape)} and y ${
        fmtShape(t.shape)
      } must have the same number of dimensions`,
    );
  }
  broadcastShapes(broadcastShapes(a.shape, b.shape, op), t.shape, op);
  const margin = checkNumber(options.margin ?? 0, op, "margin");
  const reduction = checkPlainReduction(options.reduction, op);
  const loss = sameDType(t, a).neg().mul(a.sub(b)).add(margin).relu();
  return reduceLoss(loss, reduction);
}

/**
 * PyTorch's `F.margin_ranking_loss`: `max(0, −y·(x1 − x2) + margin)` elementwise, for labels
 * `y = 1` (x1 should rank higher) or `y = −1` (x2 should). As in PyTorch the three tensors must
 * have the same number of dimensions and broadcast; labels are not checked, so other values of
 * `y` scale the difference (PyTorch does the same). The gradient at the kink is 0.
 *
 * @example
 * ```ts
 * import { marginRankingLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = marginRankingLoss(tensor([3, 1]), tensor([1, 2]), tensor([1, 1]), { reduction: "none" });
 * console.assert(l.toArray().toString() === "0,1");
 * ```
 */
export function marginRankingLoss(
  x1: Tensor,
  x2: Tensor,
  y: Tensor | NDArray,
  options: MarginRankingLossOptions = {},
): Tensor {
  return marginRanking("marginRankingLoss", x1, x2, y, options);
}

// ---------- triplet losses ----------

/**
 * Options of {@link tripletMarginLoss} and {@link TripletMarginLoss}.
 *
 * @example
 * ```ts
 * import type { TripletMarginLossOptions } from "@nnc/layers";
 * const o: TripletMarginLossOptions = { margin: 0.2, p: 1, swap: true };
 * ```
 */
export interface TripletMarginLossOptions {
  /** Required gap between the negative and the positive distance, > 0. Default 1. */
  margin?: number;
  /** Order of the distance's norm, > 0 (`Infinity`: the largest difference). Default 2. */
  p?: number;
  /** Added to every difference before the norm (as `pairwiseDistance`). Default 1e-6. */
  eps?: number;
  /** Use the smaller of d(anchor, negative) and d(positive, negative). Default false. */
  swap?: boolean;
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: PlainReduction;
}

/** The distance of two tensors, one value per vector along the last dimension. */
export type DistanceFunction = (x1: Tensor, x2: Tensor) => Tensor;

/**
 * Options of {@link tripletMarginWithDistanceLoss} and {@link TripletMarginWithDistanceLoss}.
 *
 * @example
 * ```ts
 * import { cosineSimilarity, type TripletMarginWithDistanceLossOptions } from "@nnc/layers";
 * const o: TripletMarginWithDistanceLossOptions = {
 *   distanceFunction: (a, b) => cosineSimilarity(a, b, { dim: -1 }).neg().add(1),
 *   margin: 0.5,
 * };
 * ```
 */
export interface TripletMarginWithDistanceLossOptions {
  /** The distance; default {@link pairwiseDistance} with its defaults (p = 2, eps = 1e-6). */
  distanceFunction?: DistanceFunction | null;
  /** Required gap between the negative and the positive distance, > 0. Default 1. */
  margin?: number;
  /** Use the smaller of d(anchor, negative) and d(positive, negative). Default false. */
  swap?: boolean;
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: PlainReduction;
}

/** The three inputs, checked to have one rank and to broadcast (as PyTorch). */
function tripletInputs(op: string, anchor: Tensor, positive: Tensor, negative: Tensor): Tensor[] {
  const a = asInput(anchor, op, "anchor"), p = asInput(positive, op, "positive");
  const n = asInput(negative, op, "negative");
  if (a.ndim !== p.ndim || p.ndim !== n.ndim) {
    throw new RangeError(
      `${op}: anchor ${fmtShape(a.shape)}, positive ${fmtShape(p.shape)} and negative ${
        fmtShape(n.shape)
      } must have the same number of dimensions`,
    );
  }
  broadcastShapes(broadcastShapes(a.shape, p.shape, op), n.shape, op);
  return [a, p, n];
}

/** `max(0, margin + d(a, p) − d(a, n))`, d(a, n) replaced by min(d(a, n), d(p, n)) with swap. */
function triplet(
  inputs: Tensor[],
  dist: DistanceFunction,
  margin: number,
  swap: boolean,
  reduction: PlainReduction,
): Tensor {
  const [a, p, n] = inputs;
  const dPos = dist(a, p);
  let dNeg = dist(a, n);
  if (swap) dNeg = minimum(dNeg, dist(p, n));
  // PyTorch's clamp_min gives the hinge a zero gradient at the kink, as relu does.
  return reduceLoss(dPos.add(margin).sub(dNeg).relu(), reduction);
}

/** PyTorch's pairwise distance, which also takes scalars (as vectors of one element). */
function scalarSafe(p: number, eps: number): DistanceFunction {
  return (x1, x2) =>
    x1.ndim === 0 && x2.ndim === 0
      ? pairwiseDistance(x1.reshape([1]), x2.reshape([1]), { p, eps })
      : pairwiseDistance(x1, x2, { p, eps });
}

function checkMargin(options: { margin?: number }, op: string): number {
  return checkPositive(options.margin ?? 1, op, "margin");
}

function checkOrder(value: unknown, op: string): number {
  if (typeof value !== "number" || !(value > 0)) {
    throw new RangeError(
      `${op}: p must be a number > 0 (or Infinity), got ${
        describe(value)
      } (PyTorch's p ≤ 0 is no distance)`,
    );
  }
  return value;
}

function tripletMargin(
  op: string,
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options: TripletMarginLossOptions,
): Tensor {
  checkOptions(options, op);
  const margin = checkMargin(options, op);
  const p = checkOrder(options.p ?? 2, op);
  const eps = checkNumber(options.eps ?? 1e-6, op, "eps");
  const swap = checkBool(options.swap ?? false, op, "swap");
  const reduction = checkPlainReduction(options.reduction, op);
  const inputs = tripletInputs(op, anchor, positive, negative);
  return triplet(inputs, scalarSafe(p, eps), margin, swap, reduction);
}

/**
 * PyTorch's `F.triplet_margin_loss`: `max(0, margin + d(a, p) − d(a, n))` per triplet, where `d` is
 * {@link pairwiseDistance} (`‖x1 − x2 + eps‖_p` along the last dimension; note the eps inside the
 * norm, as PyTorch). With `swap`, `d(a, n)` becomes `min(d(a, n), d(p, n))` (Balntas et al.; ties
 * split the gradient). Inputs `[N, D]`, `[D]` (or scalars, as PyTorch) of one rank that broadcast;
 * the result has one value per vector. PyTorch accepts p ≤ 0, which gives no distance: nnc throws.
 *
 * @example
 * ```ts
 * import { tripletMarginLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const a = tensor([[0, 0]]), p = tensor([[3, 4]]), n = tensor([[6, 8]]);
 * console.assert(tripletMarginLoss(a, p, n, { margin: 6, eps: 0 }).item() === 1); // 6 + 5 − 10
 * ```
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options: TripletMarginLossOptions = {},
): Tensor {
  return tripletMargin("tripletMarginLoss", anchor, positive, negative, options);
}

function tripletWithDistance(
  op: string,
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options: TripletMarginWithDistanceLossOptions,
): Tensor {
  checkOptions(options, op);
  const f = options.distanceFunction ?? null;
  if (f !== null && typeof f !== "function") {
    throw new TypeError(`${op}: distanceFunction must be a function, got ${describe(f)}`);
  }
  const margin = checkMargin(options, op);
  const swap = checkBool(options.swap ?? false, op, "swap");
  const reduction = checkPlainReduction(options.reduction, op);
  const inputs = tripletInputs(op, anchor, positive, negative);
  const dist: DistanceFunction = f === null ? scalarSafe(2, 1e-6) : (x1, x2) => {
    const d = f(x1, x2);
    if (!(d instanceof Tensor)) {
      throw new TypeError(`${op}: distanceFunction must return a Tensor, got ${describe(d)}`);
    }
    return d;
  };
  return triplet(inputs, dist, margin, swap, reduction);
}

/**
 * PyTorch's `F.triplet_margin_with_distance_loss`: {@link tripletMarginLoss} with any distance,
 * `max(0, margin + d(a, p) − d(a, n))`, by default {@link pairwiseDistance} (p = 2, eps = 1e-6).
 * The distance's errors pass through unchanged.
 *
 * @example
 * ```ts
 * import { tripletMarginWithDistanceLoss } from "@nnc/layers";
 * import { tensor, type Tensor } from "@nnc/autograd";
 * const l1 = (x: Tensor, y: Tensor) => x.sub(y).abs().sum({ axis: -1 });
 * const a = tensor([[0, 0]]), p = tensor([[1, 1]]), n = tensor([[1, 0]]);
 * const l = tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: l1, margin: 0.5 });
 * console.assert(l.item() === 1.5); // 0.5 + 2 − 1
 * ```
 */
export function tripletMarginWithDistanceLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options: TripletMarginWithDistanceLossOptions = {},
): Tensor {
  return tripletWithDistance("tripletMarginWithDistanceLoss", anchor, positive, negative, options);
}

// ---------- softMarginLoss, multiLabelSoftMarginLoss ----------

/**
 * Options of {@link softMarginLoss}, {@link multiLabelMarginLoss} and their modules.
 *
 * @example
 * ```ts
 * import type { PlainLossOptions } from "@nnc/layers";
 * const o: PlainLossOptions = { reduction: "none" };
 * ```
 */
export interface PlainLossOptions {
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: PlainReduction;
}

/** `target` checked to broadcast to `x`'s shape (the result keeps the input's shape). */
function toInputShape(op: string, x: Tensor, target: Tensor, name: string): Tensor {
  const shape = broadcastShapes(x.shape, target.shape, op);
  if (!sameShape(shape, x.shape)) {
    throw new RangeError(
      `${op}: ${name} ${fmtShape(target.shape)} must have the input's shape ${
        fmtShape(x.shape)
      } or broadcast to it`,
    );
  }
  return sameDType(target, x);
}

function softMargin(op: string, input: Tensor, target: LossTarget, options: PlainLossOptions) {
  checkOptions(options, op);
  const x = asInput(input, op, "input");
  const y = toInputShape(op, x, asInput(target, op, "target"), "target");
  const reduction = checkPlainReduction(options.reduction, op);
  // log(1 + exp(−y·x)) as softplus: max(z, 0) + log1p(exp(−|z|)) stays finite where PyTorch's
  // log1p(exp(z)) overflows (z > 709 in float64) and its gradient there is NaN.
  return reduceLoss(x.neg().mul(y).softplus(), reduction);
}

/**
 * PyTorch's `F.soft_margin_loss`: the two-class logistic loss `log(1 + exp(−y·x))` elementwise, for
 * labels ±1 (other values are used as given, as PyTorch). `target` has the input's shape or
 * broadcasts to it. Computed stably: finite where PyTorch's `log1p(exp(·))` overflows to ∞.
 *
 * @example
 * ```ts
 * import { softMarginLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = softMarginLoss(tensor([0, 800], { dtype: "float64" }), tensor([1, -1]), { reduction: "none" });
 * console.assert(l.get(0) === Math.LN2 && l.get(1) === 800);
 * ```
 */
export function softMarginLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: PlainLossOptions = {},
): Tensor {
  return softMargin("softMarginLoss", input, target, options);
}

/**
 * Options of {@link multiLabelSoftMarginLoss} and {@link MultiLabelSoftMarginLoss}.
 *
 * @example
 * ```ts
 * import type { MultiLabelSoftMarginLossOptions } from "@nnc/layers";
 * import { array } from "@nnc/tensor";
 * const o: MultiLabelSoftMarginLossOptions = { weight: array([1, 2, 0.5]) };
 * ```
 */
export interface MultiLabelSoftMarginLossOptions {
  /** Per-class weight, usually `[C]`; must broadcast to the input's shape. */
  weight?: Tensor | NDArray | null;
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: PlainReduction;
}

function multiLabelSoftMargin(
  op: string,
  input: Tensor,
  target: LossTarget,
  options: MultiLabelSoftMarginLossOptions,
): Tensor {
  checkOptions(options, op);
  const x = asInput(input, op, "input");
  if (x.ndim === 0) {
    throw new RangeError(`${op}: input must be [N, C] or [C] (classes last), got a scalar`);
  }
  const y = toInputShape(op, x, asInput(target, op, "target"), "target");
  const w = options.weight === undefined || options.weight === null
    ? null
    : toInputShape(op, x, asInput(options.weight, op, "weight"), "weight");
  const reduction = checkPlainReduction(options.reduction, op);
  const logSig = (v: Tensor) => v.neg().softplus().neg();
  let loss = y.mul(logSig(x)).add(y.neg().add(1).mul(logSig(x.neg()))).neg();
  if (w !== null) loss = loss.mul(w);
  const axis = x.ndim - 1;
  return reduceLoss(loss.sum({ axis }).div(x.shape[axis]), reduction);
}

/**
 * PyTorch's `F.multilabel_soft_margin_loss`: for logits `[N, C]` (or `[C]`) and 0/1 targets of the
 * same shape, the mean over classes of `−(y·log σ(x) + (1 − y)·log σ(−x))`, times `weight[c]`; one
 * value per sample. Stable for any logits. PyTorch also broadcasts a larger target against the
 * input, summing over the wrong axis; nnc requires target and weight to broadcast to the input.
 *
 * @example
 * ```ts
 * import { multiLabelSoftMarginLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = multiLabelSoftMarginLoss(tensor([[0, 0]], { dtype: "float64" }), tensor([[1, 0]]));
 * console.assert(l.item() === Math.LN2);
 * ```
 */
export function multiLabelSoftMarginLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: MultiLabelSoftMarginLossOptions = {},
): Tensor {
  return multiLabelSoftMargin("multiLabelSoftMarginLoss", input, target, options);
}

// ---------- multiMarginLoss, multiLabelMarginLoss ----------

/**
 * Options of {@link multiMarginLoss} and {@link MultiMarginLoss}.
 *
 * @example
 * ```ts
 * import type { MultiMarginLossOptions } from "@nnc/layers";
 * const o: MultiMarginLossOptions = { p: 2, margin: 0.5 };
 * ```
 */
export interface MultiMarginLossOptions {
  /** 1 (hinge, default) or 2 (squared hinge). */
  p?: number;
  /** The margin. Default 1. */
  margin?: number;
  /** Per-class weight `[C]`, applied as `weight[y]`. */
  weight?: Tensor | NDArray | null;
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: PlainReduction;
}

/** Rows `[N, C]` of the input as PyTorch's margin kernels see it: `[C]` and scalars are one row. */
function marginRows(op: string, x: Tensor): Tensor {
  if ((x.ndim === 2 && x.shape[1] > 0) || (x.ndim === 1 && x.shape[0] > 0)) {
    return x.ndim === 2 ? x : x.reshape([1, x.shape[0]]);
  }
  if (x.ndim === 0) return x.reshape([1, 1]);
  throw new RangeError(
    `${op}: input must be [N, C] or [C] with C > 0 (or a scalar), got ${fmtShape(x.shape)}`,
  );
}

/** The class indices of `target` as plain numbers, checked to be int32. */
function classIndices(
  op: string,
  target: LossTarget,
): { values: number[]; shape: readonly number[] } {
  const t = asInput(target, op, "target");
  if (t.dtype !== "int32") {
    throw new TypeError(`${op}: target must hold int32 class indices, got ${t.dtype}`);
  }
  return { values: t.data.reshape([t.size]).toArray() as number[], shape: t.shape };
}

/** The reduction, with PyTorch's margin kernels' mean of no samples: 0, not NaN. */
function reduceMargin(loss: Tensor, reduction: PlainReduction): Tensor {
  if (reduction === "none") return loss;
  if (reduction === "sum" || loss.size === 0) return loss.sum();
  return loss.mean();
}

function multiMargin(
  op: string,
  input: Tensor,
  target: LossTarget,
  options: MultiMarginLossOptions,
): Tensor {
  checkOptions(options, op);
  const x = asInput(input, op, "input");
  const p = options.p ?? 1;
  if (p !== 1 && p !== 2) throw new RangeError(`${op}: p must be 1 or 2, got ${describe(p)}`);
  const margin = checkNumber(options.margin ?? 1, op, "margin");
  const reduction = checkPlainReduction(options.reduction, op);
  const rows = marginRows(op, x);
  const [N, C] = rows.shape;
  const t = classIndices(op, target);
  if (t.shape.length > 1 || t.values.length !== N) {
    throw new RangeError(
      `${op}: target must be [${N}] (one class index per sample of input ${
        fmtShape(x.shape)
      }), got ${fmtShape(t.shape)}`,
    );
  }
  t.values.forEach((c, i) => {
    if (c < 0 || c >= C) {
      throw new RangeError(`${op}: target ${c} at ${i} is out of range for ${C} classes`);
    }
  });
  let w: Tensor | null = null;
  if (options.weight !== undefined && options.weight !== null) {
    w = asInput(options.weight, op, "weight");
    if (w.ndim !== 1 || w.shape[0] !== C) {
      throw new RangeError(
        `${op}: weight must have shape [${C}] (one per class), got ${fmtShape(w.shape)}`,
      );
    }
  }
  const idx = NDArray.fromTyped(Int32Array.from(t.values), [N, 1]);
  // PyTorch's order: z = (margin − x_y) + x_i, summed where z > 0 over i ≠ y, divided by C.
  const z = gather(rows, 1, idx).neg().add(margin).add(rows);
  const notTarget = new Int32Array(N * C).fill(1);
  t.values.forEach((c, i) => (notTarget[i * C + c] = 0));
  let h = z.relu();
  if (p === 2) h = h.square();
  let loss = where(NDArray.fromTyped(notTarget, [N, C]), h, 0).sum({ axis: 1 });
  if (w !== null) loss = loss.mul(sameDType(indexSelect(w, 0, idx.reshape([N])), rows));
  loss = loss.div(C);
  if (t.shape.length === 0) loss = loss.reshape([]);
  return reduceMargin(loss, reduction);
}

/**
 * PyTorch's `F.multi_margin_loss` (multi-class hinge): for scores `[N, C]` (or `[C]`, or a
 * scalar) and int32 class indices `[N]` (a scalar for one sample), each sample costs
 * `Σ_{i ≠ y} max(0, margin − x_y + x_i)^p / C`, times `weight[y]`. With `reduction: "none"` a
 * scalar target gives a scalar. The gradient at the kink is 0; the mean of no samples is 0, as
 * PyTorch.
 *
 * @example
 * ```ts
 * import { multiMarginLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * import { array } from "@nnc/tensor";
 * const l = multiMarginLoss(tensor([[0.1, 0.2, 0.4, 0.8]]), array([3], { dtype: "int32" }));
 * console.assert(Math.abs(l.item() - 0.325) < 1e-6); // (0.3 + 0.4 + 0.6) / 4
 * ```
 */
export function multiMarginLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: MultiMarginLossOptions = {},
): Tensor {
  return multiMargin("multiMarginLoss", input, target, options);
}

function multiLabelMargin(
  op: string,
  input: Tensor,
  target: LossTarget,
  options: PlainLossOptions,
): Tensor {
  checkOptions(options, op);
  const x = asInput(input, op, "input");
  const reduction = checkPlainReduction(options.reduction, op);
  const rows = marginRows(op, x);
  const [N, C] = rows.shape;
  const t = classIndices(op, target);
  const fits = x.ndim === 2
    ? sameShape(t.shape, [N, C])
    : t.shape.length <= 1 && t.values.length === C;
  if (!fits) {
    throw new RangeError(
      `${op}: target must be ${x.ndim === 2 ? `[${N}, ${C}]` : `[${C}]`} (class indices padded` +
        ` with -1, as input ${fmtShape(x.shape)}), got ${fmtShape(t.shape)}`,
    );
  }
  // Every entry is checked, those after the first −1 too (as PyTorch).
  t.values.forEach((c, i) => {
    if (c < -1 || c >= C) {
      throw new RangeError(
        `${op}: target ${c} at ${i} is out of range: class indices are in [0, ${C}), -1 ends a list`,
      );
    }
  });
  const lists: number[][] = [];
  for (let n = 0; n < N; n++) {
    const row = t.values.slice(n * C, n * C + C);
    const end = row.indexOf(-1);
    lists.push(end < 0 ? row : row.slice(0, end));
  }
  const K = Math.max(1, ...lists.map((l) => l.length));
  const idx = new Int32Array(N * K), mask = new Int32Array(N * K * C);
  lists.forEach((l, n) => {
    const isTarget = new Uint8Array(C);
    for (const c of l) isTarget[c] = 1;
    l.forEach((c, k) => {
      idx[n * K + k] = c;
      for (let d = 0; d < C; d++) mask[(n * K + k) * C + d] = isTarget[d] ? 0 : 1;
    });
  });
  // z = (1 − x_j) + x_d for each listed target j (duplicates count twice) and non-target d.
  const xt = gather(rows, 1, NDArray.fromTyped(idx, [N, K]));
  const z = xt.neg().add(1).unsqueeze(2).add(rows.unsqueeze(1));
  const h = where(NDArray.fromTyped(mask, [N, K, C]), z.relu(), 0);
  let loss = h.sum({ axis: [1, 2] }).div(C);
  if (x.ndim < 2) loss = loss.reshape([]);
  return reduceMargin(loss, reduction);
}

/**
 * PyTorch's `F.multilabel_margin_loss`: for scores `[N, C]` (or `[C]`) and int32 targets of the same
 * shape listing each sample's classes, ended by the first −1 (`[3, 0, -1, 1]`: classes 3 and 0),
 * each sample costs `Σ_j Σ_{d not a target} max(0, 1 − x_j + x_d) / C`. A class listed twice
 * counts twice, as in PyTorch; entries other than −1 and `[0, C)` are errors anywhere in the row.
 * The gradient at the kink is 0.
 *
 * @example
 * ```ts
 * import { multiLabelMarginLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * import { array } from "@nnc/tensor";
 * const x = tensor([[0.1, 0.2, 0.4, 0.8]], { dtype: "float64" });
 * const l = multiLabelMarginLoss(x, array([[3, 0, -1, 1]], { dtype: "int32" }));
 * console.assert(Math.abs(l.item() - 0.85) < 1e-12);
 * ```
 */
export function multiLabelMarginLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: PlainLossOptions = {},
): Tensor {
  return multiLabelMargin("multiLabelMarginLoss", input, target, options);
}

// ---------- modules ----------

/** The settings of a module with these options, for `toString()`. */
function repr(options: object): string {
  return Object.entries(options)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}=${typeof v === "function" ? (v.name || "fn") : v}`)
    .join(", ");
}

/**
 * {@link marginRankingLoss} as a module (PyTorch `nn.MarginRankingLoss`): `forward(x1, x2, y)`.
 *
 * @example
 * ```ts
 * import { MarginRankingLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = new MarginRankingLoss({ margin: 1 }).forward(tensor([2]), tensor([1.5]), tensor([1]));
 * console.assert(l.item() === 0.5);
 * ```
 */
export class MarginRankingLoss extends Module<[Tensor, Tensor, LossTarget], Tensor> {
  /** The options passed to {@link marginRankingLoss}. */
  readonly options: Readonly<MarginRankingLossOptions>;
  /** Checks the options. */
  constructor(options: MarginRankingLossOptions = {}) {
    super();
    const op = "MarginRankingLoss";
    checkOptions(options, op);
    checkNumber(options.margin ?? 0, op, "margin");
    checkPlainReduction(options.reduction, op);
    this.options = { ...options };
  }
  /** The loss of ranking `x1` above `x2` where `y = 1`, below where `y = −1`. */
  forward(x1: Tensor, x2: Tensor, y: LossTarget): Tensor {
    return marginRanking("MarginRankingLoss", x1, x2, y, this.options);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return repr(this.options);
  }
}

/**
 * {@link tripletMarginLoss} as a module (PyTorch `nn.TripletMarginLoss`):
 * `forward(anchor, positive, negative)`.
 *
 * @example
 * ```ts
 * import { TripletMarginLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const loss = new TripletMarginLoss({ p: 1, eps: 0 });
 * console.assert(loss.forward(tensor([[0]]), tensor([[1]]), tensor([[3]])).item() === 0);
 * ```
 */
export class TripletMarginLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  /** The options passed to {@link tripletMarginLoss}. */
  readonly options: Readonly<TripletMarginLossOptions>;
  /** Checks the options. */
  constructor(options: TripletMarginLossOptions = {}) {
    super();
    const op = "TripletMarginLoss";
    checkOptions(options, op);
    checkMargin(options, op);
    checkOrder(options.p ?? 2, op);
    checkNumber(options.eps ?? 1e-6, op, "eps");
    checkBool(options.swap ?? false, op, "swap");
    checkPlainReduction(options.reduction, op);
    this.options = { ...options };
  }
  /** The loss of the triplets. */
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMargin("TripletMarginLoss", anchor, positive, negative, this.options);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return repr(this.options);
  }
}

/**
 * {@link tripletMarginWithDistanceLoss} as a module (PyTorch `nn.TripletMarginWithDistanceLoss`).
 *
 * @example
 * ```ts
 * import { TripletMarginWithDistanceLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const loss = new TripletMarginWithDistanceLoss({ margin: 2 });
 * const l = loss.forward(tensor([[0, 0]]), tensor([[0, 0]]), tensor([[0, 0]]));
 * console.assert(Math.abs(l.item() - 2) < 1e-6);
 * ```
 */
export class TripletMarginWithDistanceLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  /** The options passed to {@link tripletMarginWithDistanceLoss}. */
  readonly options: Readonly<TripletMarginWithDistanceLossOptions>;
  /** Checks the options. */
  constructor(options: TripletMarginWithDistanceLossOptions = {}) {
    super();
    const op = "TripletMarginWithDistanceLoss";
    checkOptions(options, op);
    const f = options.distanceFunction ?? null;
    if (f !== null && typeof f !== "function") {
      throw new TypeError(`${op}: distanceFunction must be a function, got ${describe(f)}`);
    }
    checkMargin(options, op);
    checkBool(options.swap ?? false, op, "swap");
    checkPlainReduction(options.reduction, op);
    this.options = { ...options };
  }
  /** The loss of the triplets. */
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const op = "TripletMarginWithDistanceLoss";
    return tripletWithDistance(op, anchor, positive, negative, this.options);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return repr(this.options);
  }
}

/**
 * {@link softMarginLoss} as a module (PyTorch `nn.SoftMarginLoss`).
 *
 * @example
 * ```ts
 * import { SoftMarginLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = new SoftMarginLoss().forward(tensor([0], { dtype: "float64" }), tensor([1]));
 * console.assert(l.item() === Math.LN2);
 * ```
 */
export class SoftMarginLoss extends Loss<PlainLossOptions> {
  /** Checks the options. */
  constructor(options: PlainLossOptions = {}) {
    super(options);
    checkPlainReduction(options.reduction, "SoftMarginLoss");
  }
  /** The soft margin loss of `input` against ±1 labels. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return softMargin("SoftMarginLoss", input, target, this.options);
  }
}

/** Registers a tensor weight as the buffer `weight` and returns options that read it back. */
function weightBuffer<O extends { weight?: Tensor | NDArray | null }>(
  m: Module<never[], unknown>,
  options: O,
): O {
  const w = options.weight;
  return w === undefined || w === null
    ? options
    : { ...options, weight: m.registerBuffer("weight", w) };
}

/**
 * {@link multiLabelSoftMarginLoss} as a module (PyTorch `nn.MultiLabelSoftMarginLoss`); the weight
 * is the buffer `weight`.
 *
 * @example
 * ```ts
 * import { MultiLabelSoftMarginLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const loss = new MultiLabelSoftMarginLoss({ reduction: "sum" });
 * console.assert(loss.forward(tensor([[0, 0]], { dtype: "float64" }), tensor([[1, 1]])).item() === Math.LN2);
 * ```
 */
export class MultiLabelSoftMarginLoss extends Loss<MultiLabelSoftMarginLossOptions> {
  /** Checks the options; a weight becomes a buffer. */
  constructor(options: MultiLabelSoftMarginLossOptions = {}) {
    super(options);
    const op = "MultiLabelSoftMarginLoss";
    checkPlainReduction(options.reduction, op);
    if (options.weight !== undefined && options.weight !== null) {
      asInput(options.weight, op, "weight");
    }
    (this as { options: MultiLabelSoftMarginLossOptions }).options = weightBuffer(
      this,
      this.options,
    );
  }
  /** The loss of logits `input` against 0/1 `target`. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return multiLabelSoftMargin("MultiLabelSoftMarginLoss", input, target, this.options);
  }
}

/**
 * {@link multiMarginLoss} as a module (PyTorch `nn.MultiMarginLoss`); the weight is the buffer
 * `weight`.
 *
 * @example
 * ```ts
 * import { MultiMarginLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * import { array } from "@nnc/tensor";
 * const l = new MultiMarginLoss({ p: 2 }).forward(tensor([[1, 0]]), array([0], { dtype: "int32" }));
 * console.assert(l.item() === 0);
 * ```
 */
export class MultiMarginLoss extends Loss<MultiMarginLossOptions> {
  /** Checks the options; a weight becomes a buffer. */
  constructor(options: MultiMarginLossOptions = {}) {
    super(options);
    const op = "MultiMarginLoss";
    const p = options.p ?? 1;
    if (p !== 1 && p !== 2) throw new RangeError(`${op}: p must be 1 or 2, got ${describe(p)}`);
    checkNumber(options.margin ?? 1, op, "margin");
    checkPlainReduction(options.reduction, op);
    if (options.weight !== undefined && options.weight !== null) {
      const w = asInput(options.weight, op, "weight");
      if (w.ndim !== 1) {
        throw new RangeError(`${op}: weight must be one-dimensional [C], got ${fmtShape(w.shape)}`);
      }
    }
    (this as { options: MultiMarginLossOptions }).options = weightBuffer(this, this.options);
  }
  /** The multi-class hinge loss of scores `input` for int32 classes `target`. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return multiMargin("MultiMarginLoss", input, target, this.options);
  }
}

/**
 * {@link multiLabelMarginLoss} as a module (PyTorch `nn.MultiLabelMarginLoss`).
 *
 * @example
 * ```ts
 * import { MultiLabelMarginLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * import { array } from "@nnc/tensor";
 * const l = new MultiLabelMarginLoss().forward(tensor([[3, 0]]), array([[0, -1]], { dtype: "int32" }));
 * console.assert(l.item() === 0);
 * ```
 */
export class MultiLabelMarginLoss extends Loss<PlainLossOptions> {
  /** Checks the options. */
  constructor(options: PlainLossOptions = {}) {
    super(options);
    checkPlainReduction(options.reduction, "MultiLabelMarginLoss");
  }
  /** The multi-label hinge loss of scores `input` for the −1-padded class lists `target`. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return multiLabelMargin("MultiLabelMarginLoss", input, target, this.options);
  }
}
