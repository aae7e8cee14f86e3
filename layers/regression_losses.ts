/**
 * Regression losses: {@link mseLoss}, {@link l1Loss}, {@link huberLoss}, {@link smoothL1Loss}.
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import { abs, markGraphOwned, type Tensor, where } from "@nnc/autograd";
import { checkReduction, pair, reduceLoss } from "./_reduction.ts";
import { checkBool, checkNumber, checkOptions } from "@nnc/tensor";

/**
 * How elementwise losses become the result: `"mean"` over every element (default, PyTorch's),
 * `"sum"`, `"none"` (the elementwise losses), or `"batchmean"`: the sum divided by the batch size
 * (the first dimension), i.e. summed over features and averaged over the batch, as the notes'
 * per-sample losses `‖y − v‖²` averaged over a mini-batch.
 *
 * @example
 * ```ts
 * import type { Reduction } from "@nnc/layers";
 * const perSampleSum: Reduction = "batchmean";
 * ```
 */
export type Reduction = "mean" | "sum" | "none" | "batchmean";

/**
 * Options of the losses that only reduce.
 *
 * @example
 * ```ts
 * import type { LossOptions } from "@nnc/layers";
 * const o: LossOptions = { reduction: "sum" };
 * ```
 */
export interface LossOptions {
  /** Default `"mean"`. */
  reduction?: Reduction;
}

/**
 * Options of {@link mseLoss}.
 *
 * @example
 * ```ts
 * import type { MseLossOptions } from "@nnc/layers";
 * const notes: MseLossOptions = { half: true, reduction: "batchmean" }; // ½‖y − v‖², batch mean
 * ```
 */
export interface MseLossOptions extends LossOptions {
  /** Multiply by ½ (the notes' `½‖y − v‖²`, whose gradient is `v − y`). Default false (PyTorch's). */
  half?: boolean;
}

/**
 * Options of {@link huberLoss}.
 *
 * @example
 * ```ts
 * import type { HuberLossOptions } from "@nnc/layers";
 * const o: HuberLossOptions = { delta: 0.5 };
 * ```
 */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear. Default 1. */
  delta?: number;
}

/**
 * Options of {@link smoothL1Loss}.
 *
 * @example
 * ```ts
 * import type { SmoothL1LossOptions } from "@nnc/layers";
 * const o: SmoothL1LossOptions = { beta: 0.5 };
 * ```
 */
export interface SmoothL1LossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear. Default 1. */
  beta?: number;
}

/**
 * Squared error `(x − y)²`, reduced (PyTorch `F.mse_loss`). With `half` it is `½(x − y)²`; with
 * `reduction: "sum"` on one sample it is the notes' `‖y − o‖²` (loss zoo: L2).
 *
 * @example
 * ```ts
 * import { mseLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const o = tensor([1.1, 2.2, 0.2, -1.7], { dtype: "float64" }), y = tensor([0, 1, 0, 0], { dtype: "float64" });
 * console.assert(Math.abs(mseLoss(o, y, { reduction: "sum" }).item() - 5.58) < 1e-12);
 * ```
 */
export function mseLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: MseLossOptions = {},
): Tensor {
  const op = "mseLoss";
  checkOptions(options, op);
  const [x, y] = pair(input, target, op);
  const reduction = checkReduction(options.reduction, op);
  // The difference and, when reduced, the squares are graph-owned: nobody else sees them.
  const half = checkBool(options.half ?? false, op, "half");
  let loss = markGraphOwned(x.sub(y)).square();
  if (half) loss = markGraphOwned(loss).mul(0.5);
  if (reduction !== "none") markGraphOwned(loss);
  return reduceLoss(loss, reduction);
}

/**
 * Absolute error `|x − y|`, reduced (PyTorch `F.l1_loss`; loss zoo: L1 with `reduction: "sum"`).
 *
 * @example
 * ```ts
 * import { l1Loss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(l1Loss(tensor([1, 5]), tensor([2, 2])).item() === 2);
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor | NDArray, options: LossOptions = {}): Tensor {
  const op = "l1Loss";
  checkOptions(options, op);
  const [x, y] = pair(input, target, op);
  return reduceLoss(abs(x.sub(y)), checkReduction(options.reduction, op));
}

/**
 * Huber loss (PyTorch `F.huber_loss`): `½d²` where `|d| < δ`, else `δ(|d| − ½δ)`, with `d = x − y`.
 *
 * @example
 * ```ts
 * import { huberLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(huberLoss(tensor([0.5, 3]), tensor([0, 0]), { reduction: "none" }).toArray().toString() === "0.125,2.5");
 * ```
 */
export function huberLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: HuberLossOptions = {},
): Tensor {
  const op = "huberLoss";
  checkOptions(options, op);
  const [x, y] = pair(input, target, op);
  const delta = checkNumber(options.delta ?? 1, op, "delta", 0);
  if (delta === 0) throw new RangeError(`${op}: delta must be positive, got 0`);
  const d = x.sub(y), a = abs(d);
  const loss = where(a.data.lt(delta), d.square().mul(0.5), a.sub(0.5 * delta).mul(delta));
  return reduceLoss(loss, checkReduction(options.reduction, op));
}

/**
 * Smooth L1 loss (PyTorch `F.smooth_l1_loss`): `½d²/β` where `|d| < β`, else `|d| − ½β`
 * (Huber divided by β).
 *
 * @example
 * ```ts
 * import { smoothL1Loss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(smoothL1Loss(tensor([0.5, 3]), tensor([0, 0]), { reduction: "sum" }).item() === 2.625);
 * ```
 */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor | NDArray,
  options: SmoothL1LossOptions = {},
): Tensor {
  const op = "smoothL1Loss";
  checkOptions(options, op);
  const [x, y] = pair(input, target, op);
  const beta = checkNumber(options.beta ?? 1, op, "beta", 0);
  const d = x.sub(y), a = abs(d);
  if (beta === 0) return reduceLoss(a, checkReduction(options.reduction, op));
  const loss = where(a.data.lt(beta), d.square().mul(0.5 / beta), a.sub(0.5 * beta));
  return reduceLoss(loss, checkReduction(options.reduction, op));
}
