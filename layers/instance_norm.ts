/**
 * Instance normalisation: {@link InstanceNorm1d}, {@link InstanceNorm2d} on the base
 * {@link InstanceNormNd}.
 *
 * @module
 */
import {
  add,
  checkBool,
  checkFloatDType,
  checkInt,
  checkNumber,
  checkOptions,
  type DType,
  fmtShape,
  mul,
  NDArray,
  ones,
  zeros,
} from "@nnc/tensor";
import { noGrad, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { asInput } from "./_util.ts";

/**
 * Options of the instance-norm layers (PyTorch's defaults: no affine, no running statistics).
 *
 * @example
 * ```ts
 * import type { InstanceNormOptions } from "@nnc/layers";
 * const o: InstanceNormOptions = { affine: true, trackRunningStats: true };
 * ```
 */
export interface InstanceNormOptions {
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Weight of a new batch in the running averages. Default 0.1. */
  momentum?: number;
  /** Learn a per-channel scale and shift. Default false. */
  affine?: boolean;
  /** Keep running statistics (used in evaluation mode). Default false. */
  trackRunningStats?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * Base of {@link InstanceNorm1d} and {@link InstanceNorm2d} (PyTorch `_InstanceNorm`): each
 * channel of each sample is normalised over its positions. With `trackRunningStats`, training
 * updates `running_mean` / `running_var` with the batch average of the per-instance statistics
 * (unbiased variance), and evaluation uses them.
 *
 * @example
 * ```ts
 * import { InstanceNorm2d, InstanceNormNd } from "@nnc/layers";
 * console.assert(new InstanceNorm2d(3) instanceof InstanceNormNd);
 * ```
 */
export abstract class InstanceNormNd extends Module<[Tensor], Tensor> {
  /** Channels C. */
  readonly numFeatures: number;
  /** Added to the variance. */
  readonly eps: number;
  /** Running-average weight of a new batch. */
  readonly momentum: number;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;
  /** Scale `[C]`, or null. */
  weight: Parameter | null;
  /** Shift `[C]`, or null. */
  bias: Parameter | null;
  /** Running mean (buffer `running_mean`), or null. */
  readonly runningMean: Tensor | null;
  /** Running variance (buffer `running_var`), or null. */
  readonly runningVar: Tensor | null;
  #d: number;

  /** An instance norm over `numFeatures` channels with `d` spatial dimensions. */
  constructor(d: number, numFeatures: number, options: InstanceNormOptions) {
    super();
    checkInt(d, "InstanceNormNd", "d", 1, 3);
    const op = `InstanceNorm${d}d`;
    checkOptions(options, op);
    this.#d = d;
    this.numFeatures = checkInt(numFeatures, op, "numFeatures", 1, 2 ** 31 - 1);
    this.eps = checkNumber(options.eps ?? 1e-5, op, "eps", 0);
    this.momentum = checkNumber(options.momentum ?? 0.1, op, "momentum", 0, 1);
    this.trackRunningStats = checkBool(options.trackRunningStats ?? false, op, "trackRunningStats");
    const dtype = checkFloatDType(options.dtype ?? "float32", op);
    const affine = checkBool(options.affine ?? false, op, "affine");
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    if (this.trackRunningStats) {
      this.runningMean = this.registerBuffer("running_mean", zeros([numFeatures], { dtype }));
      this.runningVar = this.registerBuffer("running_var", ones([numFeatures], { dtype }));
      // PyTorch keeps this buffer for state-dict compatibility but instance norm never counts.
      this.registerBuffer("num_batches_tracked", NDArray.fromTyped(new Int32Array(1), []));
    } else {
      this.runningMean = this.runningVar = null;
    }
  }

  /** Normalises `x` `[N, C, ...spatial]` (or unbatched `[C, ...spatial]`). */
  forward(x: Tensor): Tensor {
    const d = this.#d;
    const label = `InstanceNorm${d}d(${this.numFeatures})`;
    const input = asInput(x, label);
    const layout = d === 1 ? `[N, ${this.numFeatures}, L]` : `[N, ${this.numFeatures}, H, W]`;
    const strictC = this.weight !== null || this.trackRunningStats;
    if (
      (input.ndim !== d + 2 && input.ndim !== d + 1) ||
      (strictC && input.shape[input.ndim - d - 1] !== this.numFeatures)
    ) {
      throw new RangeError(`${label}: expected input ${layout}, got ${fmtShape(input.shape)}`);
    }
    const t = input.ndim === d + 1 ? input.unsqueeze(0) : input;
    const C = t.shape[1];
    const axes = Array.from({ length: d }, (_, i) => i + 2);
    const bshape = [1, C, ...new Array<number>(d).fill(1)];
    let y: Tensor;
    if (this.training || !this.trackRunningStats) {
      const k = t.size / (t.shape[0] * C);
      if (this.training && k <= 1) {
        throw new RangeError(
          `${label}: expected more than 1 spatial element when training, got input ${
            fmtShape(input.shape)
          }`,
        );
      }
      const mean = t.mean({ axis: axes, keepDims: true });
      const centred = t.sub(mean);
      const variance = centred.square().mean({ axis: axes, keepDims: true });
      y = centred.mul(variance.add(this.eps).rsqrt());
      const rm = this.runningMean, rv = this.runningVar, m = this.momentum;
      if (rm !== null && rv !== null) {
        noGrad(() => {
          const bm = mean.data.reshape([t.shape[0], C]).mean({ axis: 0 });
          const bv = variance.data.reshape([t.shape[0], C]).mean({ axis: 0 }).mul(k / (k - 1));
          rm.data = add(mul(rm.data, 1 - m), mul(bm, m)).astype(rm.dtype);
          rv.data = add(mul(rv.data, 1 - m), mul(bv, m)).astype(rv.dtype);
        });
      }
    } else {
      const rm = this.runningMean as Tensor, rv = this.runningVar as Tensor;
      y = t.sub(rm.reshape(bshape)).mul(rv.reshape(bshape).add(this.eps).rsqrt());
    }
    if (this.weight !== null) y = y.mul(this.weight.reshape(bshape));
    if (this.bias !== null) y = y.add(this.bias.reshape(bshape));
    return input.ndim === d + 1 ? y.squeeze(0) : y;
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${
      this.weight !== null
    }, trackRunningStats=${this.trackRunningStats}`;
  }
}

/**
 * Instance norm of `[N, C, L]` input (PyTorch `nn.InstanceNorm1d`).
 *
 * @example
 * ```ts
 * import { InstanceNorm1d } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = new InstanceNorm1d(1, { eps: 0 }).forward(tensor([[[1, 3]]], { dtype: "float64" }));
 * console.assert(y.toArray().toString() === "-1,1");
 * ```
 */
export class InstanceNorm1d extends InstanceNormNd {
  /** Instance norm over `numFeatures` channels. */
  constructor(numFeatures: number, options: InstanceNormOptions = {}) {
    super(1, numFeatures, options);
  }
}

/**
 * Instance norm of `[N, C, H, W]` input (PyTorch `nn.InstanceNorm2d`), as used in style transfer.
 *
 * @example
 * ```ts
 * import { InstanceNorm2d } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const y = new InstanceNorm2d(3).forward(randn([2, 3, 4, 4]));
 * console.assert(Math.abs(y.mean({ axis: [2, 3] }).get(1, 2)) < 1e-6);
 * ```
 */
export class InstanceNorm2d extends InstanceNormNd {
  /** Instance norm over `numFeatures` channels. */
  constructor(numFeatures: number, options: InstanceNormOptions = {}) {
    super(2, numFeatures, options);
  }
}
