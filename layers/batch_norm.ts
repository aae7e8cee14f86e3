/**
 * Batch normalisation: {@link BatchNorm1d}, {@link BatchNorm2d} on the base {@link BatchNormNd},
 * and the functional {@link batchNorm}.
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
  describe,
  fmtShape,
  isFloat,
  mul,
  NDArray,
  type NormActivation,
  ones,
  zeros,
} from "@nnc/tensor";
import { batchNormalize, leakyRelu, noGrad, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { asInput } from "./_util.ts";
import { installBatchNormThen } from "./_batch_norm_then.ts";
import type { DType } from "@nnc/tensor";

/**
 * Options of the batch-norm layers.
 *
 * @example
 * ```ts
 * import type { BatchNormOptions } from "@nnc/layers";
 * const o: BatchNormOptions = { momentum: 0.01, eps: 1e-3 };
 * ```
 */
export interface BatchNormOptions {
  /** Added to the variance inside the square root (the notes' δ). Default 1e-5. */
  eps?: number;
  /**
   * Weight of the new batch in the running averages, `r ← (1 − m)·r + m·batch` (PyTorch's
   * convention). `null` gives the cumulative average over all batches seen. Default 0.1.
   */
  momentum?: number | null;
  /** Learn a per-channel scale γ (`weight`) and shift β (`bias`). Default true. */
  affine?: boolean;
  /** Keep running statistics for evaluation; without them batch statistics are used always. Default true. */
  trackRunningStats?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * Options of {@link batchNorm}.
 *
 * @example
 * ```ts
 * import type { BatchNormFunctionOptions } from "@nnc/layers";
 * const o: BatchNormFunctionOptions = { training: true, momentum: 0.1 };
 * ```
 */
export interface BatchNormFunctionOptions {
  /** Running mean `[C]`, updated in place (its `data` replaced) in training. */
  runningMean?: Tensor | null;
  /** Running (unbiased) variance `[C]`, updated likewise. */
  runningVar?: Tensor | null;
  /** Scale γ `[C]`. */
  weight?: Tensor | null;
  /** Shift β `[C]`. */
  bias?: Tensor | null;
  /** Use batch statistics (and update the running ones). Default false. */
  training?: boolean;
  /** Weight of the batch in the running averages. Default 0.1. */
  momentum?: number;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /**
   * An activation applied to the output in the same kernel (relu, or leaky relu with its slope):
   * the values and gradients of `batchNorm` followed by the separate op, with one pass over memory
   * less forward and three less backward. Default none.
   */
  activation?: NormActivation | null;
}

/**
 * Normalises each channel (dimension 1) of `x` `[N, C, ...]` (PyTorch `F.batch_norm`). In training,
 * with the batch's mean and biased variance over every dimension but 1 (the notes' formula, δ =
 * `eps` inside the square root; differentiated through), updating the running statistics with the
 * unbiased variance; otherwise with the running statistics. Then `γ·x̂ + β`.
 *
 * @example
 * ```ts
 * import { batchNorm } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = batchNorm(tensor([[1], [3]], { dtype: "float64" }), { training: true, eps: 0 });
 * console.assert(y.toArray().toString() === "-1,1");
 * ```
 */
export function batchNorm(x: Tensor, options: BatchNormFunctionOptions = {}): Tensor {
  const op = "batchNorm";
  const t = asInput(x, op);
  checkOptions(options, op);
  if (t.ndim < 2) {
    throw new RangeError(`${op}: expected input [N, C, ...], got ${fmtShape(t.shape)}`);
  }
  const C = t.shape[1];
  const eps = checkNumber(options.eps ?? 1e-5, op, "eps", 0);
  for (const name of ["runningMean", "runningVar", "weight", "bias"] as const) {
    const p = options[name];
    if (p !== undefined && p !== null && asInput(p, op, name).size !== C) {
      throw new RangeError(
        `${op}: ${name} must have one entry per channel (C = ${C}), got shape ${fmtShape(p.shape)}`,
      );
    }
  }
  const bshape = t.shape.map((s, i) => (i === 1 ? s : 1));
  const rm = options.runningMean ?? null, rv = options.runningVar ?? null;
  const weight = options.weight ?? null, bias = options.bias ?? null;
  const activation = options.activation ?? null;
  if (options.training ?? false) {
    const count = t.size / C;
    if (count <= 1) {
      throw new RangeError(
        `${op}: expected more than 1 value per channel when training, got input ${
          fmtShape(t.shape)
        }`,
      );
    }
    const m = checkNumber(options.momentum ?? 0.1, op, "momentum", 0, 1);
    // One kernel for the statistics and the output, one for the gradients (autograd).
    const r = batchNormalize(t, { weight, bias, eps, training: true, activation });
    noGrad(() => {
      if (rm !== null) {
        rm.data = add(mul(rm.data, 1 - m), mul(r.mean, m)).astype(rm.dtype);
      }
      if (rv !== null) {
        rv.data = add(mul(rv.data, 1 - m), mul(r.variance, (m * count) / (count - 1))).astype(
          rv.dtype,
        );
      }
    });
    return r.output;
  }
  if (rm === null || rv === null) {
    throw new TypeError(`${op}: evaluation needs runningMean and runningVar (or training: true)`);
  }
  if (!isFloat(t.dtype)) {
    // Integer input: the composite formula promotes as the tensor ops do.
    let y = t.sub(rm.reshape(bshape)).mul(rv.reshape(bshape).add(eps).rsqrt());
    if (weight) y = y.mul(weight.reshape(bshape));
    if (bias) y = y.add(bias.reshape(bshape));
    if (activation === null) return y;
    return activation.op === "relu" ? y.relu() : leakyRelu(y, activation.negativeSlope);
  }
  return batchNormalize(t, {
    weight,
    bias,
    eps,
    mean: rm.data.astype(t.dtype),
    variance: rv.data.astype(t.dtype),
    activation,
  }).output;
}

/**
 * Base of {@link BatchNorm1d} and {@link BatchNorm2d} (PyTorch `_BatchNorm`): parameters `weight`
 * (γ, ones) and `bias` (β, zeros), buffers `running_mean` (zeros), `running_var` (ones) and
 * `num_batches_tracked`, under PyTorch's names. Training mode normalises with batch statistics and
 * updates the running averages (unbiased variance); evaluation mode uses the running averages.
 *
 * @example
 * ```ts
 * import { BatchNorm2d, BatchNormNd } from "@nnc/layers";
 * const bn = new BatchNorm2d(16);
 * console.assert(bn instanceof BatchNormNd);
 * console.assert(Object.keys(bn.stateDict()).join() === "weight,bias,running_mean,running_var,num_batches_tracked");
 * ```
 */
export abstract class BatchNormNd extends Module<[Tensor], Tensor> {
  /** Channels C. */
  readonly numFeatures: number;
  /** Added to the variance. */
  readonly eps: number;
  #momentum: number | null;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;
  /** γ `[C]`, or null without `affine`. */
  weight: Parameter | null;
  /** β `[C]`, or null without `affine`. */
  bias: Parameter | null;
  /** Running mean `[C]` (buffer `running_mean`), or null. */
  readonly runningMean: Tensor | null;
  /** Running unbiased variance `[C]` (buffer `running_var`), or null. */
  readonly runningVar: Tensor | null;
  /** Batches seen in training (buffer `num_batches_tracked`, int32 0-d), or null. */
  readonly numBatchesTracked: Tensor | null;
  #layouts: readonly string[];

  /** A batch norm over `numFeatures` channels; `layouts` name the accepted input shapes. */
  constructor(numFeatures: number, options: BatchNormOptions, layouts: readonly string[]) {
    super();
    const op = this.constructor.name;
    checkOptions(options, op);
    if (
      !Array.isArray(layouts) || layouts.length === 0 ||
      !layouts.every((l) => typeof l === "string")
    ) {
      throw new TypeError(
        `${op}: layouts must be a non-empty array of strings, got ${describe(layouts)}`,
      );
    }
    this.#layouts = layouts;
    this.numFeatures = checkInt(numFeatures, op, "numFeatures", 1, 2 ** 31 - 1);
    this.eps = checkNumber(options.eps ?? 1e-5, op, "eps", 0);
    this.#momentum = options.momentum === null
      ? null
      : checkNumber(options.momentum ?? 0.1, op, "momentum", 0, 1);
    this.trackRunningStats = checkBool(options.trackRunningStats ?? true, op, "trackRunningStats");
    const dtype = checkFloatDType(options.dtype ?? "float32", op);
    const affine = checkBool(options.affine ?? true, op, "affine");
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    if (this.trackRunningStats) {
      this.runningMean = this.registerBuffer("running_mean", zeros([numFeatures], { dtype }));
      this.runningVar = this.registerBuffer("running_var", ones([numFeatures], { dtype }));
      this.numBatchesTracked = this.registerBuffer(
        "num_batches_tracked",
        NDArray.fromTyped(new Int32Array(1), []),
      );
    } else {
      this.runningMean = this.runningVar = this.numBatchesTracked = null;
    }
  }

  /**
   * Running-average weight of a new batch (null: the cumulative average of every batch since the
   * last reset). Settable, as in PyTorch: `updateBatchNorm` of `@nnc/train` sets null for its pass.
   */
  get momentum(): number | null {
    return this.#momentum;
  }

  set momentum(value: number | null) {
    this.#momentum = value === null
      ? null
      : checkNumber(value, this.constructor.name, "momentum", 0, 1);
  }

  /** Resets the running statistics (mean 0, variance 1, no batches). */
  resetRunningStats(): void {
    if (this.runningMean === null || this.runningVar === null || this.numBatchesTracked === null) {
      return;
    }
    this.runningMean.data = zeros([this.numFeatures], { dtype: this.runningMean.dtype });
    this.runningVar.data = ones([this.numFeatures], { dtype: this.runningVar.dtype });
    this.numBatchesTracked.data = NDArray.fromTyped(new Int32Array(1), []);
  }

  /** Normalises `x` per channel. */
  forward(x: Tensor): Tensor {
    return this.#normalize(x, null);
  }

  static {
    // Sequential runs a built-in batch norm followed by a built-in ReLU / LeakyReLU through this.
    installBatchNormThen((bn, x, activation) => bn.#normalize(x, activation));
  }

  #normalize(x: Tensor, activation: NormActivation | null): Tensor {
    const label = `${this.constructor.name}(${this.numFeatures})`;
    const t = asInput(x, label);
    const rank = this.#layouts.findIndex((l) => l.split(",").length === t.ndim);
    if (rank < 0 || t.shape[1] !== this.numFeatures) {
      throw new RangeError(
        `${label}: expected input ${this.#layouts.join(" or ")}, got ${fmtShape(t.shape)}`,
      );
    }
    if (!isFloat(t.dtype)) {
      throw new TypeError(`${label}: expected a float32 or float64 input, got ${t.dtype}`);
    }
    let momentum = this.momentum ?? 0;
    const useBatch = this.training || !this.trackRunningStats;
    if (this.training && this.numBatchesTracked !== null) {
      const n = this.numBatchesTracked.data.item() + 1;
      this.numBatchesTracked.data = NDArray.fromTyped(new Int32Array([n]), []);
      if (this.momentum === null) momentum = 1 / n;
    }
    try {
      return batchNorm(t, {
        runningMean: this.runningMean,
        runningVar: this.runningVar,
        weight: this.weight,
        bias: this.bias,
        training: useBatch,
        momentum,
        eps: this.eps,
        activation,
      });
    } catch (e) {
      if (e instanceof RangeError) throw new RangeError(`${label}: ${e.message}`, { cause: e });
      throw e;
    }
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${
      this.weight !== null
    }, trackRunningStats=${this.trackRunningStats}`;
  }
}

/**
 * Batch norm of `[N, C]` or `[N, C, L]` input (PyTorch `nn.BatchNorm1d`), statistics over N (and L).
 *
 * @example
 * ```ts
 * import { BatchNorm1d } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const bn = new BatchNorm1d(1, { dtype: "float64" });
 * const y = bn.forward(tensor([[1], [3]], { dtype: "float64" }));
 * console.assert(Math.abs(y.get(1, 0) - 1) < 1e-5);
 * console.assert(Math.abs(bn.runningMean!.get(0) - 0.2) < 1e-12 && Math.abs(bn.runningVar!.get(0) - 1.1) < 1e-12);
 * ```
 */
export class BatchNorm1d extends BatchNormNd {
  /** Batch norm over `numFeatures` channels. */
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, [
      `[N, ${describe(numFeatures)}]`,
      `[N, ${describe(numFeatures)}, L]`,
    ]);
  }
}

/**
 * Batch norm of `[N, C, H, W]` input (PyTorch `nn.BatchNorm2d`), statistics over N, H and W.
 *
 * @example
 * ```ts
 * import { BatchNorm2d } from "@nnc/layers";
 * import { randn, Tensor } from "@nnc/autograd";
 * const bn = new BatchNorm2d(3);
 * const y = bn.forward(randn([4, 3, 5, 5]));
 * console.assert(Math.abs(y.mean().item()) < 1e-5);
 * bn.eval(); // now uses the running statistics
 * ```
 */
export class BatchNorm2d extends BatchNormNd {
  /** Batch norm over `numFeatures` channels. */
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, [`[N, ${describe(numFeatures)}, H, W]`]);
  }
}
