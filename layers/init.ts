/**
 * Weight initialisers (PyTorch `torch.nn.init`), filling an {@link NDArray} or a {@link Tensor}'s
 * data in place from a seeded {@link Rng} (the default generator when none is given), and
 * returning it. Fan-in and fan-out follow PyTorch: for a weight `[out, in, ...kernel]`,
 * `fanIn = in · ∏kernel` and `fanOut = out · ∏kernel`.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { Rng, zeros } from "@nnc/tensor";
 * const w = init.kaimingUniform(zeros([64, 27]), { nonlinearity: "relu", rng: new Rng(0) });
 * console.assert(w.abs().max().item() <= Math.sqrt(6 / 27));
 * ```
 *
 * @module
 */
import {
  assign,
  describe,
  type DType,
  fmtShape,
  isFloat,
  linalg,
  NDArray,
  rand,
  randn,
  type Rng,
} from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

/**
 * What an initialiser fills: an array, or a tensor (its `data`, in place; no graph is recorded).
 *
 * @example
 * ```ts
 * import type { init } from "@nnc/layers";
 * import { zeros } from "@nnc/tensor";
 * const target: init.InitTarget = zeros([3]);
 * ```
 */
export type InitTarget = NDArray | Tensor;

/**
 * Names accepted by {@link calculateGain} (PyTorch's names, also in camelCase).
 *
 * @example
 * ```ts
 * import type { init } from "@nnc/layers";
 * const n: init.Nonlinearity = "leakyRelu";
 * ```
 */
export type Nonlinearity =
  | "linear"
  | "identity"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "convTranspose1d"
  | "convTranspose2d"
  | "convTranspose3d"
  | "conv_transpose1d"
  | "conv_transpose2d"
  | "conv_transpose3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leakyRelu"
  | "leaky_relu"
  | "selu";

/**
 * Options of the random initialisers.
 *
 * @example
 * ```ts
 * import type { init } from "@nnc/layers";
 * import { Rng } from "@nnc/tensor";
 * const o: init.RandomInitOptions = { rng: new Rng(1) };
 * ```
 */
export interface RandomInitOptions {
  /** Generator; the default one of @nnc/tensor when omitted. */
  rng?: Rng;
}

/**
 * Options of {@link kaimingUniform} and {@link kaimingNormal}.
 *
 * @example
 * ```ts
 * import type { init } from "@nnc/layers";
 * const o: init.KaimingOptions = { a: Math.sqrt(5), mode: "fanIn", nonlinearity: "leakyRelu" };
 * ```
 */
export interface KaimingOptions extends RandomInitOptions {
  /** Negative slope of the leaky ReLU that follows (only used with `leakyRelu`). Default 0. */
  a?: number;
  /** Preserve the variance of the forward pass (`"fanIn"`, default) or of the backward pass (`"fanOut"`). */
  mode?: "fanIn" | "fanOut" | "fan_in" | "fan_out";
  /** The non-linearity that follows. Default `"leakyRelu"` (PyTorch's default). */
  nonlinearity?: Nonlinearity;
}

/**
 * Options of {@link xavierUniform}, {@link xavierNormal} and {@link orthogonal}.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * const o: init.GainOptions = { gain: init.calculateGain("tanh") };
 * ```
 */
export interface GainOptions extends RandomInitOptions {
  /** Scale factor. Default 1. */
  gain?: number;
}

/**
 * The recommended gain for a non-linearity (PyTorch `calculate_gain`): 1 for linear, convolution
 * and sigmoid; 5/3 for tanh; √2 for ReLU; √(2 / (1 + slope²)) for leaky ReLU (slope `param`,
 * default 0.01); 3/4 for SELU.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * console.assert(init.calculateGain("relu") === Math.SQRT2);
 * console.assert(Math.abs(init.calculateGain("leakyRelu", Math.sqrt(5)) - Math.sqrt(1 / 3)) < 1e-15);
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "identity":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "convTranspose1d":
    case "convTranspose2d":
    case "convTranspose3d":
    case "conv_transpose1d":
    case "conv_transpose2d":
    case "conv_transpose3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leakyRelu":
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope)) {
        throw new TypeError(
          `calculateGain: negative slope must be a finite number, got ${describe(slope)}`,
        );
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unknown nonlinearity ${describe(nonlinearity)}`);
  }
}

/**
 * Fan-in and fan-out of a weight shape, as PyTorch computes them (at least 2 dimensions:
 * `[out, in, ...kernel]`).
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * const { fanIn, fanOut } = init.fans([16, 3, 5, 5]);
 * console.assert(fanIn === 75 && fanOut === 400);
 * ```
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (!Array.isArray(shape) || shape.length < 2) {
    throw new RangeError(
      `fans: fan in and fan out need a shape of at least 2 dimensions, got ${
        Array.isArray(shape) ? fmtShape(shape) : describe(shape)
      }`,
    );
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i];
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/**
 * Fills with samples of U(low, high) (default U(0, 1)).
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { Rng, zeros } from "@nnc/tensor";
 * const w = init.uniform(zeros([100]), -0.5, 0.5, { rng: new Rng(1) });
 * console.assert(w.max().item() < 0.5 && w.min().item() >= -0.5);
 * ```
 */
export function uniform<T extends InitTarget>(
  target: T,
  low = 0,
  high = 1,
  options: RandomInitOptions = {},
): T {
  const a = arrayOf(target, "uniform");
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(high >= low)) {
    throw new RangeError(
      `uniform: expected finite low <= high, got ${describe(low)} and ${describe(high)}`,
    );
  }
  if (a.size === 0) return target;
  if (high === low) {
    assign(a, low);
    return target;
  }
  assign(a, rand(a.shape, { low, high, rng: options.rng, dtype: a.dtype }));
  return target;
}

/**
 * Fills with samples of N(mean, std²) (default N(0, 1)).
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { Rng, zeros } from "@nnc/tensor";
 * const w = init.normal(zeros([4000]), 1, 0.5, { rng: new Rng(2) });
 * console.assert(Math.abs(w.mean().item() - 1) < 0.05);
 * ```
 */
export function normal<T extends InitTarget>(
  target: T,
  mean = 0,
  std = 1,
  options: RandomInitOptions = {},
): T {
  const a = arrayOf(target, "normal");
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    throw new RangeError(
      `normal: expected a finite mean and std >= 0, got ${describe(mean)} and ${describe(std)}`,
    );
  }
  if (a.size > 0) assign(a, randn(a.shape, { mean, std, rng: options.rng, dtype: a.dtype }));
  return target;
}

/**
 * Fills with a constant.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { zeros } from "@nnc/tensor";
 * console.assert(init.constant(zeros([2]), 0.1).toArray().toString() === String([Math.fround(0.1), Math.fround(0.1)]));
 * ```
 */
export function constant<T extends InitTarget>(target: T, value: number): T {
  return fill(target, value, "constant");
}

/**
 * Fills with zeros.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { ones } from "@nnc/tensor";
 * console.assert(init.zeros(ones([3])).sum().item() === 0);
 * ```
 */
export function zeros<T extends InitTarget>(target: T): T {
  return fill(target, 0, "zeros");
}

/**
 * Fills with ones.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { zeros } from "@nnc/tensor";
 * console.assert(init.ones(zeros([3])).sum().item() === 3);
 * ```
 */
export function ones<T extends InitTarget>(target: T): T {
  return fill(target, 1, "ones");
}

/**
 * Glorot/Xavier uniform: U(−b, b) with `b = gain · √(6 / (fanIn + fanOut))`.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { Rng, zeros } from "@nnc/tensor";
 * const w = init.xavierUniform(zeros([20, 30]), { rng: new Rng(3) });
 * console.assert(w.abs().max().item() <= Math.sqrt(6 / 50));
 * ```
 */
export function xavierUniform<T extends InitTarget>(target: T, options: GainOptions = {}): T {
  const a = arrayOf(target, "xavierUniform");
  if (a.size === 0) return target; // no fans: nothing to fill, as in PyTorch
  const { fanIn, fanOut } = fans(a.shape);
  const bound = gainOf(options, "xavierUniform") * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(target, -bound, bound, options);
}

/**
 * Glorot/Xavier normal: N(0, σ²) with `σ = gain · √(2 / (fanIn + fanOut))`.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { Rng, zeros } from "@nnc/tensor";
 * const w = init.xavierNormal(zeros([200, 300]), { rng: new Rng(4) });
 * console.assert(Math.abs(w.std().item() - Math.sqrt(2 / 500)) < 0.002);
 * ```
 */
export function xavierNormal<T extends InitTarget>(target: T, options: GainOptions = {}): T {
  const a = arrayOf(target, "xavierNormal");
  if (a.size === 0) return target; // no fans: nothing to fill, as in PyTorch
  const { fanIn, fanOut } = fans(a.shape);
  return normal(
    target,
    0,
    gainOf(options, "xavierNormal") * Math.sqrt(2 / (fanIn + fanOut)),
    options,
  );
}

/**
 * He/Kaiming uniform: U(−b, b) with `b = gain · √(3 / fan)`, the gain of `nonlinearity` (with slope
 * `a`) and the fan of `mode`. PyTorch's default layer initialisation is this with `a = √5`,
 * which gives `b = 1 / √fanIn`.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { Rng, zeros } from "@nnc/tensor";
 * const w = init.kaimingUniform(zeros([10, 16]), { a: Math.sqrt(5), rng: new Rng(5) });
 * console.assert(w.abs().max().item() <= 0.25);
 * ```
 */
export function kaimingUniform<T extends InitTarget>(target: T, options: KaimingOptions = {}): T {
  const a = arrayOf(target, "kaimingUniform");
  const std = kaimingStd(a.shape, options, "kaimingUniform");
  const bound = Math.sqrt(3) * std;
  return uniform(target, -bound, bound, options);
}

/**
 * He/Kaiming normal: N(0, σ²) with `σ = gain / √fan`.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { Rng, zeros } from "@nnc/tensor";
 * const w = init.kaimingNormal(zeros([256, 128]), { nonlinearity: "relu", rng: new Rng(6) });
 * console.assert(Math.abs(w.std().item() - Math.sqrt(2 / 128)) < 0.003);
 * ```
 */
export function kaimingNormal<T extends InitTarget>(target: T, options: KaimingOptions = {}): T {
  const a = arrayOf(target, "kaimingNormal");
  return normal(target, 0, kaimingStd(a.shape, options, "kaimingNormal"), options);
}

/**
 * A (semi-)orthogonal matrix (Saxe et al.), scaled by `gain`: the target is viewed as
 * `[shape[0], rest]`, a Gaussian matrix is QR-factorised and Q's columns get the signs of R's
 * diagonal, as PyTorch does. Rows (or columns, whichever are fewer) are orthonormal.
 *
 * @example
 * ```ts
 * import { init } from "@nnc/layers";
 * import { matmul, Rng, zeros } from "@nnc/tensor";
 * const q = init.orthogonal(zeros([3, 5], { dtype: "float64" }), { rng: new Rng(7) });
 * const g = matmul(q, q.T); // identity
 * console.assert(Math.abs(g.get(0, 0) - 1) < 1e-12 && Math.abs(g.get(0, 1)) < 1e-12);
 * ```
 */
export function orthogonal<T extends InitTarget>(target: T, options: GainOptions = {}): T {
  const a = arrayOf(target, "orthogonal");
  if (a.ndim < 2) {
    throw new RangeError(`orthogonal: needs at least 2 dimensions, got ${fmtShape(a.shape)}`);
  }
  const gain = gainOf(options, "orthogonal");
  const rows = a.shape[0];
  const cols = a.size / rows;
  if (a.size === 0) return target;
  let m = randn([rows, cols], { dtype: "float64", rng: options.rng });
  if (rows < cols) m = m.T;
  const { q, r } = linalg.qr(m);
  const k = Math.min(rows, cols);
  const signs = new Float64Array(k);
  for (let i = 0; i < k; i++) signs[i] = Math.sign(r.get(i, i)) || 1;
  let out = q.mul(NDArray.fromTyped(signs, [k]));
  if (rows < cols) out = out.T;
  assign(a, out.mul(gain).reshape(a.shape));
  return target;
}

// ----- helpers -----

/** {@link constant}, its errors named after `op`; an empty target (even a 0-stride one) is left as is. */
function fill<T extends InitTarget>(target: T, value: number, op: string): T {
  const a = arrayOf(target, op);
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${op}: value must be a number, got ${describe(value)}`);
  }
  if (a.size > 0) assign(a, value);
  return target;
}

function arrayOf(target: InitTarget, op: string): NDArray {
  const a = target instanceof Tensor ? target.data : target;
  if (!(a instanceof NDArray)) {
    throw new TypeError(`${op}: target must be an NDArray or a Tensor, got ${describe(target)}`);
  }
  if (!isFloat(a.dtype as DType)) {
    throw new TypeError(`${op}: target must be float32 or float64, got ${a.dtype}`);
  }
  return a;
}

function gainOf(options: GainOptions, op: string): number {
  const g = options.gain ?? 1;
  if (typeof g !== "number" || !Number.isFinite(g)) {
    throw new TypeError(`${op}: gain must be a finite number, got ${describe(g)}`);
  }
  return g;
}

function kaimingStd(shape: readonly number[], options: KaimingOptions, op: string): number {
  const mode = options.mode ?? "fanIn";
  const { fanIn, fanOut } = fans(shape);
  let fan: number;
  if (mode === "fanIn" || mode === "fan_in") fan = fanIn;
  else if (mode === "fanOut" || mode === "fan_out") fan = fanOut;
  else throw new RangeError(`${op}: mode must be "fanIn" or "fanOut", got ${describe(mode)}`);
  if (fan === 0) {
    throw new RangeError(
      `${op}: cannot initialise a weight of shape ${fmtShape(shape)} with a zero fan`,
    );
  }
  return calculateGain(options.nonlinearity ?? "leakyRelu", options.a ?? 0) / Math.sqrt(fan);
}
