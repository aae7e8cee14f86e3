/**
 * Binary cross-entropy: {@link bceLoss} on probabilities and {@link bceWithLogits} on logits.
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import { markGraphOwned, sigmoidCrossEntropy, type Tensor } from "@nnc/autograd";
import type { LossOptions } from "./regression_losses.ts";
import { checkReduction, pair, reduceLoss } from "./_reduction.ts";
import { asInput } from "./_util.ts";
import { checkOptions, fmtShape } from "@nnc/tensor";

/**
 * Options of {@link bceLoss}.
 *
 * @example
 * ```ts
 * import type { BceLossOptions } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const o: BceLossOptions = { weight: tensor([1, 2]) };
 * ```
 */
export interface BceLossOptions extends LossOptions {
  /** Per-element weight, broadcast to the input's shape. */
  weight?: Tensor | NDArray | null;
}

/**
 * Options of {@link bceWithLogits}.
 *
 * @example
 * ```ts
 * import type { BceWithLogitsOptions } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const o: BceWithLogitsOptions = { posWeight: tensor([3]) };
 * ```
 */
export interface BceWithLogitsOptions extends BceLossOptions {
  /** Weight of the positive term per class (last dimension), for imbalanced labels. */
  posWeight?: Tensor | NDArray | null;
}

function weightOf(w: Tensor | NDArray | null | undefined, op: string, name: string): Tensor | null {
  if (w === undefined || w === null) return null;
  return asInput(w, op, name);
}

/** The `weight` option, which must broadcast to the input's `shape` (PyTorch expands it to it). */
function elementWeightOf(
  w: Tensor | NDArray | null | undefined,
  op: string,
  shape: readonly number[],
): Tensor | null {
  const t = weightOf(w, op, "weight");
  if (t === null) return null;
  const lead = shape.length - t.ndim;
  if (lead < 0 || t.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) {
    throw new RangeError(
      `${op}: weight ${fmtShape(t.shape)} does not broadcast to the input's shape ${
        fmtShape(shape)
      }`,
    );
  }
  return t;
}

/**
 * Binary cross-entropy of probabilities `p` against targets `y ∈ [0, 1]` (PyTorch
 * `F.binary_cross_entropy`): `−w[y log p + (1 − y) log(1 − p)]`, each log clamped at −100 as
 * PyTorch does so that p = 0 or 1 stays finite.
 *
 * @example
 * ```ts
 * import { bceLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = bceLoss(tensor([0.5], { dtype: "float64" }), tensor([1], { dtype: "float64" }));
 * console.assert(Math.abs(l.item() - Math.LN2) < 1e-15);
 * ```
 */
export function bceLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: BceLossOptions = {},
): Tensor {
  const op = "bceLoss";
  checkOptions(options, op);
  const [p, y] = pair(input, target, op);
  // An empty input has no range (min and max of nothing are undefined) and nothing to check.
  const [lo, hi] = p.size > 0 ? [p.data.min().item(), p.data.max().item()] : [0, 1];
  if (lo < 0 || hi > 1) {
    throw new RangeError(
      `${op}: input must hold probabilities in [0, 1], got values in [${lo}, ${hi}] (use bceWithLogits for logits)`,
    );
  }
  let loss = y.mul(p.log().clamp(-100)).add(y.neg().add(1).mul(p.neg().add(1).log().clamp(-100)))
    .neg();
  const w = elementWeightOf(options.weight, op, p.shape);
  if (w !== null) loss = loss.mul(w);
  return reduceLoss(loss, checkReduction(options.reduction, op));
}

/**
 * Binary cross-entropy of logits `x` (PyTorch `F.binary_cross_entropy_with_logits`), computed
 * stably as `(1 − y)x + (1 + (posWeight − 1)y)·softplus(−x)`, times `weight`.
 *
 * @example
 * ```ts
 * import { bceWithLogits } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = bceWithLogits(tensor([0, 1000]), tensor([1, 1]), { reduction: "none" });
 * console.assert(Math.abs(l.get(0) - Math.LN2) < 1e-7 && l.get(1) === 0);
 * ```
 */
export function bceWithLogits(
  input: Tensor,
  target: Tensor | NDArray,
  options: BceWithLogitsOptions = {},
): Tensor {
  const op = "bceWithLogits";
  checkOptions(options, op);
  const [x, y] = pair(input, target, op);
  const pw = weightOf(options.posWeight, op, "posWeight");
  if (
    pw !== null && pw.ndim > 0 && pw.shape[pw.ndim - 1] !== x.shape[x.ndim - 1] &&
    pw.shape[pw.ndim - 1] !== 1
  ) {
    throw new RangeError(
      `${op}: posWeight ${fmtShape(pw.shape)} must broadcast along the last dimension of input ${
        fmtShape(x.shape)
      }`,
    );
  }
  // Without posWeight, one fused elementwise op (one pass forward, one back); with it, the
  // softplus term is scaled by 1 + (posWeight − 1)·y.
  let loss = pw === null
    ? sigmoidCrossEntropy(x, y)
    : y.neg().add(1).mul(x).add(pw.sub(1).mul(y).add(1).mul(x.neg().softplus()));
  const reduction = checkReduction(options.reduction, op);
  // Reduced, the elementwise losses are read by the reduction alone: graph-owned (see
  // markGraphOwned), so backward gives their memory to the next step.
  const own = (t: Tensor) => (reduction === "none" ? t : markGraphOwned(t));
  const w = elementWeightOf(options.weight, op, x.shape);
  if (w !== null) loss = own(loss).mul(w);
  return reduceLoss(own(loss), reduction);
}
