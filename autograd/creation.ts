/**
 * Creating tensors, with PyTorch's habits: `tensor(data, { requiresGrad, dtype })`, `zeros`,
 * `ones`, `full`, `arange`, `linspace`, `eye`, `rand`, `randn`, `randint` and the `…Like` forms.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { type DType, NDArray, type NestedArray, type Rng, type TypedArray } from "@nnc/tensor";
import { Tensor } from "./tensor.ts";

/** Options of the creation functions. */
export interface CreationOptions {
  /** Element type; default float32 (or the data's own type). */
  dtype?: DType;
  /** Make a leaf that records ops for backward. Default false. */
  requiresGrad?: boolean;
}

/** Options of {@link tensor}. */
export interface TensorDataOptions extends CreationOptions {
  /** Shape for typed-array data (1-d by default). */
  shape?: readonly number[];
}

/** Options of the random creation functions. */
export interface RandomTensorOptions extends CreationOptions {
  /** Generator; the default one (seeded by `manualSeed`) when omitted. */
  rng?: Rng;
}

function leaf(x: NDArray, options: CreationOptions, op: string): Tensor {
  const requiresGrad = options.requiresGrad ?? false;
  if (requiresGrad && x.dtype !== "float32" && x.dtype !== "float64") {
    throw new TypeError(
      `${op}: only float32 and float64 tensors can require gradients, got ${x.dtype}`,
    );
  }
  return new Tensor(x, { requiresGrad });
}

/**
 * Checks the options (and a shape) with the caller's name before the `@nnc/tensor` function
 * that does the work checks them under its own.
 */
function checked<O extends CreationOptions>(
  options: O | undefined,
  op: string,
  shape?: readonly number[],
): O {
  const o = nd.checkOptions(options, op);
  if (o.dtype !== undefined) nd.checkDType(o.dtype, op);
  if (o.requiresGrad !== undefined) nd.checkBool(o.requiresGrad, op, "requiresGrad");
  if (shape !== undefined) nd.checkShape(shape, op);
  return o;
}

function checkTensor(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: expected a Tensor, got ${nd.describe(x)}`);
  }
}

/**
 * A tensor from a number, nested arrays, a typed array or an NDArray (NDArrays and typed arrays
 * of the requested dtype are wrapped without copying).
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * const w = tensor([[1, 2], [3, 4]], { dtype: "float64", requiresGrad: true });
 * console.assert(w.shape.join() === "2,2" && w.dtype === "float64" && w.requiresGrad);
 * ```
 */
export function tensor(
  data: NestedArray | TypedArray | readonly number[] | NDArray,
  options: TensorDataOptions = {},
): Tensor {
  options = checked(options, "tensor");
  if (data instanceof NDArray) {
    const x = options.dtype === undefined ? data : nd.astype(data, options.dtype);
    return leaf(options.shape ? named(() => x.reshape(options.shape!)) : x, options, "tensor");
  }
  if (data instanceof Tensor) {
    throw new TypeError("tensor: data is already a Tensor; use detach() or clone()");
  }
  const x = named(() =>
    nd.array(data as NestedArray, { dtype: options.dtype, shape: options.shape })
  );
  return leaf(x, options, "tensor");
}

/** Runs the conversion or reshape of {@link tensor}, its argument errors named after `tensor`. */
function named(make: () => NDArray): NDArray {
  try {
    return make();
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
    const Kind = e instanceof TypeError ? TypeError : RangeError;
    throw new Kind(e.message.replace(/^(array|reshape):/, "tensor:"), { cause: e });
  }
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * import { zeros } from "@nnc/autograd";
 * console.assert(zeros([2, 3], { requiresGrad: true }).sum().item() === 0);
 * ```
 */
export function zeros(shape: readonly number[], options: CreationOptions = {}): Tensor {
  options = checked(options, "zeros", shape);
  return leaf(nd.zeros(shape, { dtype: options.dtype }), options, "zeros");
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * import { ones } from "@nnc/autograd";
 * console.assert(ones([2, 3]).sum().item() === 6);
 * ```
 */
export function ones(shape: readonly number[], options: CreationOptions = {}): Tensor {
  options = checked(options, "ones", shape);
  return leaf(nd.ones(shape, { dtype: options.dtype }), options, "ones");
}

/**
 * A tensor filled with one value.
 *
 * @example
 * ```ts
 * import { full } from "@nnc/autograd";
 * console.assert(full([2], 7).toArray().toString() === "7,7");
 * ```
 */
export function full(
  shape: readonly number[],
  value: number,
  options: CreationOptions = {},
): Tensor {
  options = checked(options, "full", shape);
  return leaf(nd.full(shape, value, { dtype: options.dtype }), options, "full");
}

/**
 * A zero-filled tensor meant to be overwritten.
 *
 * @example
 * ```ts
 * import { empty } from "@nnc/autograd";
 * console.assert(empty([2, 2]).size === 4);
 * ```
 */
export function empty(shape: readonly number[], options: CreationOptions = {}): Tensor {
  options = checked(options, "empty", shape);
  return leaf(nd.empty(shape, { dtype: options.dtype }), options, "empty");
}

/**
 * Zeros with the shape and dtype of another tensor.
 *
 * @example
 * ```ts
 * import { tensor, zerosLike } from "@nnc/autograd";
 * console.assert(zerosLike(tensor([1, 2])).toArray().toString() === "0,0");
 * ```
 */
export function zerosLike(x: Tensor, options: CreationOptions = {}): Tensor {
  checkTensor(x, "zerosLike");
  options = checked(options, "zerosLike");
  return leaf(nd.zeros(x.shape, { dtype: options.dtype ?? x.dtype }), options, "zerosLike");
}

/**
 * Ones with the shape and dtype of another tensor.
 *
 * @example
 * ```ts
 * import { onesLike, tensor } from "@nnc/autograd";
 * console.assert(onesLike(tensor([1, 2])).toArray().toString() === "1,1");
 * ```
 */
export function onesLike(x: Tensor, options: CreationOptions = {}): Tensor {
  checkTensor(x, "onesLike");
  options = checked(options, "onesLike");
  return leaf(nd.ones(x.shape, { dtype: options.dtype ?? x.dtype }), options, "onesLike");
}

/**
 * One value with the shape and dtype of another tensor.
 *
 * @example
 * ```ts
 * import { fullLike, tensor } from "@nnc/autograd";
 * console.assert(fullLike(tensor([1, 2]), 3).toArray().toString() === "3,3");
 * ```
 */
export function fullLike(x: Tensor, value: number, options: CreationOptions = {}): Tensor {
  checkTensor(x, "fullLike");
  options = checked(options, "fullLike");
  if (typeof value !== "number") {
    throw new TypeError(`fullLike: value must be a number, got ${nd.describe(value)}`);
  }
  return leaf(nd.full(x.shape, value, { dtype: options.dtype ?? x.dtype }), options, "fullLike");
}

/**
 * Evenly spaced values in `[start, stop)`; `arange(n)` counts from 0. Integral arguments give int32
 * unless a dtype is given.
 *
 * @example
 * ```ts
 * import { arange } from "@nnc/autograd";
 * console.assert(arange(0, 1, 0.25).toArray().toString() === "0,0.25,0.5,0.75");
 * ```
 */
export function arange(
  start: number,
  stop?: number,
  step = 1,
  options: CreationOptions = {},
): Tensor {
  options = checked(options, "arange");
  return leaf(nd.arange(start, stop, step, { dtype: options.dtype }), options, "arange");
}

/**
 * `num` evenly spaced values from `start` to `stop` inclusive.
 *
 * @example
 * ```ts
 * import { linspace } from "@nnc/autograd";
 * console.assert(linspace(0, 1, 3).toArray().toString() === "0,0.5,1");
 * ```
 */
export function linspace(
  start: number,
  stop: number,
  num: number,
  options: CreationOptions = {},
): Tensor {
  options = checked(options, "linspace");
  return leaf(nd.linspace(start, stop, num, { dtype: options.dtype }), options, "linspace");
}

/**
 * Identity matrix with `n` rows and `m` columns (default `n`).
 *
 * @example
 * ```ts
 * import { eye } from "@nnc/autograd";
 * console.assert(eye(2).toArray().toString() === "1,0,0,1");
 * ```
 */
export function eye(n: number, m: number = n, options: CreationOptions = {}): Tensor {
  options = checked(options, "eye");
  return leaf(nd.eye(n, m, { dtype: options.dtype }), options, "eye");
}

/**
 * Uniform samples in `[low, high)` (default `[0, 1)`).
 *
 * @example
 * ```ts
 * import { rand } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const u = rand([100], { rng: new Rng(1) });
 * console.assert(u.max().item() < 1 && u.min().item() >= 0);
 * ```
 */
export function rand(
  shape: readonly number[],
  options: RandomTensorOptions & { low?: number; high?: number } = {},
): Tensor {
  options = checked(options, "rand", shape);
  return leaf(
    nd.rand(shape, {
      dtype: options.dtype,
      rng: options.rng,
      low: options.low,
      high: options.high,
    }),
    options,
    "rand",
  );
}

/**
 * Normal samples (mean 0 and standard deviation 1 by default).
 *
 * @example
 * ```ts
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const w = randn([3, 2], { rng: new Rng(0), requiresGrad: true });
 * console.assert(w.requiresGrad && w.shape.join() === "3,2");
 * ```
 */
export function randn(
  shape: readonly number[],
  options: RandomTensorOptions & { mean?: number; std?: number } = {},
): Tensor {
  options = checked(options, "randn", shape);
  return leaf(
    nd.randn(shape, {
      dtype: options.dtype,
      rng: options.rng,
      mean: options.mean,
      std: options.std,
    }),
    options,
    "randn",
  );
}

/**
 * Uniform integers in `[low, high)` (int32 unless a dtype is given).
 *
 * @example
 * ```ts
 * import { randint } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * console.assert(randint(0, 3, [10], { rng: new Rng(2) }).max().item() < 3);
 * ```
 */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomTensorOptions = {},
): Tensor {
  options = checked(options, "randint", shape);
  return leaf(
    nd.randint(low, high, shape, { dtype: options.dtype, rng: options.rng }),
    options,
    "randint",
  );
}
