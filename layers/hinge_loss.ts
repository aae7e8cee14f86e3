/**
 * {@link hingeLoss}: the SVM hinge, binary (±1 labels) and multi-class (Crammer–Singer style, as
 * PyTorch's `MultiMarginLoss`), with a margin and a power (squared and cubed hinges).
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
  sameShape,
} from "@nnc/tensor";
import { gather, Tensor } from "@nnc/autograd";
import type { Reduction } from "./regression_losses.ts";
import { checkReduction, reduceLoss } from "./_reduction.ts";
import { asInput } from "./_util.ts";

/**
 * Options of {@link hingeLoss}.
 *
 * @example
 * ```ts
 * import type { HingeLossOptions } from "@nnc/layers";
 * const lossZoo: HingeLossOptions = { margin: 0.5, power: 2, reduction: "sum" }; // the notes' squared hinge
 * ```
 */
export interface HingeLossOptions {
  /** The margin m. Default 1 (the SVM's). */
  margin?: number;
  /** Exponent of each hinge term: 1 (default), 2 (squared hinge), 3 (cubed). */
  power?: number;
  /** Multi-class only: per-class weight `[C]`, applied as `w[y]`. */
  weight?: Tensor | NDArray | null;
  /** Default `"mean"`. */
  reduction?: Reduction;
}

/**
 * The hinge loss. **Binary**: `target` has the input's shape with labels ±1 (for {0, 1} labels pass
 * `2y − 1`); each element gives `max(0, m − y·x)^power`. **Multi-class**: `input` `[N, C]` (or `[C]`)
 * and int32 class indices `[N]` (or a scalar); each sample gives
 * `Σ_{i ≠ y} max(0, m − x_y + x_i)^power / C`, times `w[y]` (PyTorch `F.multi_margin_loss`).
 *
 * @example
 * ```ts
 * import { hingeLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * // The notes' loss zoo: o = (1.1, 2.2, 0.2, −1.7), ŷ = 2y − 1, margin ½.
 * const o = tensor([1.1, 2.2, 0.2, -1.7], { dtype: "float64" }), yHat = tensor([-1, 1, -1, -1], { dtype: "float64" });
 * console.assert(Math.abs(hingeLoss(o, yHat, { margin: 0.5, reduction: "sum" }).item() - 2.3) < 1e-12);
 * ```
 */
export function hingeLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: HingeLossOptions = {},
): Tensor {
  const op = "hingeLoss";
  checkOptions(options, op);
  const x = asInput(input, op, "input");
  const y = asInput(target, op, "target");
  const margin = checkNumber(options.margin ?? 1, op, "margin");
  const power = checkInt(options.power ?? 1, op, "power", 1);
  const reduction = checkReduction(options.reduction, op);
  const raise = (h: Tensor) => (power === 1 ? h : h.pow(power));
  if (sameShape(x.shape, y.shape)) {
    if (options.weight !== undefined && options.weight !== null) {
      throw new TypeError(`${op}: weight applies to multi-class targets only`);
    }
    const yf = y.dtype === x.dtype ? y : y.astype(x.dtype);
    return reduceLoss(raise(yf.mul(x).neg().add(margin).relu()), reduction);
  }
  // Multi-class.
  const unbatched = x.ndim === 1;
  const xs = unbatched ? x.unsqueeze(0) : x;
  const ys = unbatched && y.size === 1 ? y.data.reshape([1]) : y.data;
  if (xs.ndim !== 2 || ys.dtype !== "int32" || ys.ndim !== 1 || ys.shape[0] !== xs.shape[0]) {
    throw new RangeError(
      `${op}: expected a ±1 target of the input's shape ${
        fmtShape(x.shape)
      }, or int32 class indices ${
        fmtShape(unbatched ? [] : [x.shape[0]])
      } for input [N, C]; got target ${fmtShape(y.shape)} (${y.dtype})`,
    );
  }
  const [N, C] = xs.shape;
  const idx = ys.contiguous();
  const cls = idx.data as Int32Array;
  for (let i = 0; i < N; i++) {
    const c = cls[idx.offset + i];
    if (c < 0 || c >= C) {
      throw new RangeError(`${op}: target ${c} is out of range for ${C} classes`);
    }
  }
  const xy = gather(xs, 1, idx.reshape([N, 1]));
  // Every class i ≠ y contributes; the i = y term (always m^power) is masked out.
  const notTarget = new Float64Array(N * C).fill(1);
  for (let i = 0; i < N; i++) notTarget[i * C + cls[idx.offset + i]] = 0;
  const mask = new Tensor(NDArray.fromTyped(notTarget, [N, C]).astype(xs.dtype));
  let loss = raise(xs.sub(xy).add(margin).relu()).mul(mask).sum({ axis: 1 }).div(C);
  if (options.weight !== undefined && options.weight !== null) {
    const w = asInput(options.weight, op, "weight");
    if (w.ndim !== 1 || w.shape[0] !== C) {
      throw new RangeError(`${op}: weight must have shape [${C}], got ${describe(options.weight)}`);
    }
    loss = loss.mul(new Tensor(w.data.astype(xs.dtype).indexSelect(0, idx.reshape([N]))));
  }
  if (unbatched && reduction === "none") loss = loss.squeeze(0);
  return reduceLoss(loss, reduction);
}
