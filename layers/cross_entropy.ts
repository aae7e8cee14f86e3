/**
 * Classification losses on scores: {@link crossEntropy} (from logits) and {@link nllLoss} (from
 * log-probabilities), with PyTorch's exact semantics for class weights, `ignoreIndex`, label
 * smoothing and probability targets.
 *
 * @module
 */
import { checkNumber, checkOptions, describe, fmtShape, NDArray, sameShape } from "@nnc/tensor";
import { gather, softmaxCrossEntropy, Tensor } from "@nnc/autograd";
import type { Reduction } from "./regression_losses.ts";
import { checkReduction, reduceLoss } from "./_reduction.ts";
import { asInput } from "./_util.ts";

/**
 * Options of {@link nllLoss}.
 *
 * @example
 * ```ts
 * import type { NllLossOptions } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const o: NllLossOptions = { weight: tensor([1, 2, 1]), ignoreIndex: -100 };
 * ```
 */
export interface NllLossOptions {
  /** Per-class weight `[C]`; the mean then divides by the summed weights of the targets. */
  weight?: Tensor | NDArray | null;
  /** Target value that contributes nothing (nor to the mean's divisor). Default −100. */
  ignoreIndex?: number;
  /** Default `"mean"` (weighted mean over non-ignored targets). */
  reduction?: Reduction;
}

/**
 * Options of {@link crossEntropy}.
 *
 * @example
 * ```ts
 * import type { CrossEntropyOptions } from "@nnc/layers";
 * const o: CrossEntropyOptions = { labelSmoothing: 0.1 };
 * ```
 */
export interface CrossEntropyOptions extends NllLossOptions {
  /** Mix ε of the uniform distribution into the target (ε/C each). Default 0. */
  labelSmoothing?: number;
}

interface Prepared {
  /** Scores `[N, C, ...]`. */
  x: Tensor;
  /** The target, class indices (int32 `[N, ...]`) or probabilities (`[N, C, ...]`). */
  target: NDArray | Tensor;
  probabilities: boolean;
  weight: Tensor | null;
  C: number;
}

function prepare(
  input: Tensor,
  target: Tensor | NDArray,
  options: NllLossOptions,
  op: string,
): Prepared {
  checkOptions(options, op);
  let x = asInput(input, op, "input");
  const t0 = target instanceof Tensor ? target : target instanceof NDArray ? target : null;
  if (t0 === null) {
    throw new TypeError(`${op}: target must be a Tensor or an NDArray, got ${describe(target)}`);
  }
  if (x.ndim === 0) throw new RangeError(`${op}: input must be [C] or [N, C, ...], got a scalar`);
  let t: NDArray | Tensor = t0;
  // Unbatched input [C] with a scalar target (or [C] probabilities).
  if (x.ndim === 1) {
    x = x.unsqueeze(0);
    t = t instanceof Tensor ? t.unsqueeze(0) : t.unsqueeze(0);
  }
  const C = x.shape[1];
  const probabilities = t.dtype !== "int32";
  const expected = probabilities ? x.shape : [x.shape[0], ...x.shape.slice(2)];
  if (!sameShape(t.shape, expected)) {
    throw new RangeError(
      `${op}: input ${fmtShape(asInput(input, op).shape)} needs ${
        probabilities ? "probability" : "int32 class-index"
      } target ` +
        `${fmtShape(probabilities && asInput(input, op).ndim === 1 ? [C] : expected)}, got ${
          fmtShape(t0.shape)
        }`,
    );
  }
  let weight: Tensor | null = null;
  if (options.weight !== undefined && options.weight !== null) {
    weight = asInput(options.weight, op, "weight");
    if (weight.ndim !== 1 || weight.shape[0] !== C) {
      throw new RangeError(
        `${op}: weight must have shape [${C}] (one per class), got ${fmtShape(weight.shape)}`,
      );
    }
  }
  return { x, target: t, probabilities, weight, C };
}

/** Class indices with ignored entries replaced by 0, the 0/1 keep mask, and a range check. */
function classTargets(
  t: NDArray,
  C: number,
  ignoreIndex: number,
  op: string,
): { safe: NDArray; keep: NDArray } {
  const flat = t.contiguous();
  const n = flat.size, src = flat.data as Int32Array, off = flat.offset;
  const safe = new Int32Array(n), keep = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = src[off + i];
    if (c === ignoreIndex) continue;
    if (c < 0 || c >= C) {
      throw new RangeError(`${op}: target ${c} is out of range for ${C} classes`);
    }
    safe[i] = c;
    keep[i] = 1;
  }
  return { safe: NDArray.fromTyped(safe, t.shape), keep: NDArray.fromTyped(keep, t.shape) };
}

/** Per-element losses `−w[t]·logp[t]`, masked, and the weights `w[t]` of the kept targets. */
function nllTerms(
  logp: Tensor,
  p: Prepared,
  ignoreIndex: number,
  op: string,
): { loss: Tensor; w: NDArray } {
  const { safe, keep } = classTargets(p.target as NDArray, p.C, ignoreIndex, op);
  const picked = gather(logp, 1, safe.unsqueeze(1)).squeeze(1);
  let w = keep.astype(logp.dtype);
  if (p.weight !== null) {
    w = w.mul(
      p.weight.data.astype(logp.dtype).indexSelect(0, safe.reshape([safe.size])).reshape(
        safe.shape,
      ),
    );
  }
  return { loss: picked.mul(new Tensor(w)).neg(), w };
}

function meanBy(loss: Tensor, w: NDArray): Tensor {
  return loss.sum().div(w.sum().item());
}

/**
 * Negative log-likelihood of int32 class targets given log-probabilities `[N, C, ...]` (or `[C]`)
 * (PyTorch `F.nll_loss`): `−w[t]·logp[t]` per element; the mean divides by the sum of `w[t]` over
 * the non-ignored targets.
 *
 * @example
 * ```ts
 * import { nllLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const logp = tensor([[-1, -2], [-3, -4]]);
 * console.assert(nllLoss(logp, tensor([1, 0], { dtype: "int32" })).item() === 2.5);
 * ```
 */
export function nllLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: NllLossOptions = {},
): Tensor {
  const op = "nllLoss";
  const p = prepare(input, target, options, op);
  if (p.probabilities) {
    throw new TypeError(`${op}: target must hold int32 class indices, got ${p.target.dtype}`);
  }
  const reduction = checkReduction(options.reduction, op);
  const ignoreIndex = options.ignoreIndex ?? -100;
  const { loss, w } = nllTerms(
    p.x,
    { ...p, target: p.target instanceof Tensor ? p.target.data : p.target },
    ignoreIndex,
    op,
  );
  const out = reduction === "mean" ? meanBy(loss, w) : reduceLoss(loss, reduction);
  return reduction === "none" && asInput(input, op).ndim === 1 ? out.squeeze(0) : out;
}

/**
 * Cross-entropy of logits `[N, C, ...]` (or `[C]`) against int32 class indices `[N, ...]` or class
 * probabilities of the input's shape (PyTorch `F.cross_entropy`): `−Σ_c w_c·y_c·log softmax(x)_c`.
 * With class indices the mean is weighted (divided by the sum of `w[t]` over non-ignored targets)
 * and `ignoreIndex` entries count for nothing; with probabilities the mean is over samples. Label
 * smoothing ε mixes ε/C of every class into the target. The gradient with respect to the logits
 * is `softmax(x) − y` per sample.
 *
 * @example
 * ```ts
 * import { crossEntropy } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const o = tensor([1.1, 2.2, 0.2, -1.7], { dtype: "float64" });
 * const ce = crossEntropy(o, tensor(1, { dtype: "int32" })); // notes: −log s₂
 * console.assert(Math.abs(ce.item() - 0.3977341534) < 1e-10);
 * ```
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor | NDArray,
  options: CrossEntropyOptions = {},
): Tensor {
  const op = "crossEntropy";
  const p = prepare(input, target, options, op);
  const reduction = checkReduction(options.reduction, op);
  const eps = checkNumber(options.labelSmoothing ?? 0, op, "labelSmoothing", 0, 1);
  const unbatched = asInput(input, op).ndim === 1;
  if (!p.probabilities && p.weight === null && eps === 0 && p.x.ndim === 2) {
    // The common case in one primitive (gradient softmax − onehot in one pass).
    const ignoreIndex = options.ignoreIndex ?? -100;
    const t = p.target instanceof Tensor ? p.target.data : p.target;
    const { keep } = classTargets(t, p.C, ignoreIndex, op);
    const loss = softmaxCrossEntropy(p.x, t, { ignoreIndex });
    const out = reduction === "mean" ? meanBy(loss, keep) : reduceLoss(loss, reduction);
    return reduction === "none" && unbatched ? out.squeeze(0) : out;
  }
  const logp = p.x.logSoftmax(1);
  const wShape = [1, p.C, ...new Array<number>(p.x.ndim - 2).fill(1)];
  const weighted = p.weight === null ? logp : logp.mul(p.weight.reshape(wShape));
  let out: Tensor;
  if (p.probabilities) {
    if (options.ignoreIndex !== undefined) {
      throw new TypeError(`${op}: ignoreIndex applies to class-index targets only`);
    }
    let y = asInput(p.target, op, "target");
    if (eps > 0) y = y.mul(1 - eps).add(eps / p.C);
    const loss = weighted.mul(y).sum({ axis: 1 }).neg();
    out = reduceLoss(loss, reduction);
  } else {
    const ignoreIndex = options.ignoreIndex ?? -100;
    const t = p.target instanceof Tensor ? p.target.data : p.target;
    const { loss: nll, w } = nllTerms(logp, { ...p, target: t }, ignoreIndex, op);
    let loss = nll;
    if (eps > 0) {
      const keep = classTargets(t, p.C, ignoreIndex, op).keep.astype(logp.dtype);
      const smooth = weighted.sum({ axis: 1 }).neg().mul(new Tensor(keep));
      loss = nll.mul(1 - eps).add(smooth.mul(eps / p.C));
    }
    out = reduction === "mean" ? meanBy(loss, w) : reduceLoss(loss, reduction);
  }
  return reduction === "none" && unbatched ? out.squeeze(0) : out;
}
