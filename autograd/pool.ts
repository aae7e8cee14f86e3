/**
 * Differentiable pooling: `maxPool1d/2d/3d` (gradient routed to each window's argmax),
 * `avgPool1d/2d/3d`, and `adaptiveAvgPool1d/2d` (PyTorch's adaptive windows).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { AvgPoolOptions, MaxPoolOptions, NDArray } from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { fmtShape } from "./_shape_util.ts";
import { AVG_POOL, MAX_POOL, type MaxPoolParams } from "./_prim_window.ts";
import { matmul } from "./matmul.ts";
import { transpose } from "./shape.ts";
import { checkIntTuple, checkOptions } from "@nnc/tensor";

/** Values (differentiable) and argmax indices (int32, flat within each input plane) of max pooling. */
export interface TensorMaxPoolResult {
  /** The maxima. */
  values: Tensor;
  /** Flat index of each maximum within its input plane (PyTorch `return_indices`). */
  indices: NDArray;
}

function checkRank(x: Tensor, d: number, op: string): void {
  checkTensor(x, op);
  if (x.ndim !== d + 2) {
    const layout = ["[N, C, L]", "[N, C, H, W]", "[N, C, D, H, W]"][d - 1];
    throw new RangeError(`${op}: expected input ${layout}, got ${fmtShape(x.shape)}`);
  }
}

function maxPoolN(x: Tensor, options: MaxPoolOptions, d: number, op: string): TensorMaxPoolResult {
  checkRank(x, d, op);
  options = checkOptions(options, op);
  const params: MaxPoolParams = { options };
  const values = applyPrimitive(MAX_POOL, [x], params);
  return { values, indices: (params.indices as NDArray).reshape(values.shape) };
}

/**
 * Max pooling of `[N, C, L]` input (`stride` defaults to the kernel); the gradient goes to each
 * window's maximum.
 *
 * @example
 * ```ts
 * import { maxPool1d, tensor } from "@nnc/autograd";
 * const x = tensor([[[1, 5, 2, 0]]], { requiresGrad: true });
 * maxPool1d(x, { kernel: 2 }).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "0,1,1,0");
 * ```
 */
export function maxPool1d(x: Tensor, options: MaxPoolOptions): Tensor {
  return maxPoolN(x, options, 1, "maxPool1d").values;
}

/**
 * Max pooling of `[N, C, H, W]` input; the gradient goes to each window's maximum (summed where
 * windows overlap).
 *
 * @example
 * ```ts
 * import { maxPool2d, tensor } from "@nnc/autograd";
 * const x = tensor([[[[1, 3], [4, 2]]]], { requiresGrad: true });
 * maxPool2d(x, { kernel: 2 }).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "0,0,1,0");
 * ```
 */
export function maxPool2d(x: Tensor, options: MaxPoolOptions): Tensor {
  return maxPoolN(x, options, 2, "maxPool2d").values;
}

/**
 * Max pooling of `[N, C, D, H, W]` input.
 *
 * @example
 * ```ts
 * import { maxPool3d, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2, 3, 4, 8, 5, 6, 7], { shape: [1, 1, 2, 2, 2] });
 * console.assert(maxPool3d(x, { kernel: 2 }).item() === 8);
 * ```
 */
export function maxPool3d(x: Tensor, options: MaxPoolOptions): Tensor {
  return maxPoolN(x, options, 3, "maxPool3d").values;
}

function spatialRank(x: Tensor, op: string): number {
  checkTensor(x, op);
  const d = x.ndim - 2;
  if (d < 1 || d > 3) {
    throw new RangeError(
      `${op}: expected [N, C, ...spatial] with 1 to 3 spatial dimensions, got ${fmtShape(x.shape)}`,
    );
  }
  return d;
}

/**
 * Max pooling over 1–3 spatial dimensions (the rank is `x.ndim − 2`).
 *
 * @example
 * ```ts
 * import { maxPool, tensor } from "@nnc/autograd";
 * console.assert(maxPool(tensor([[[1, 5, 2, 0]]]), { kernel: 2 }).toArray().toString() === "5,2");
 * ```
 */
export function maxPool(x: Tensor, options: MaxPoolOptions): Tensor {
  return maxPoolN(x, options, spatialRank(x, "maxPool"), "maxPool").values;
}

/**
 * Average pooling over 1–3 spatial dimensions (the rank is `x.ndim − 2`).
 *
 * @example
 * ```ts
 * import { avgPool, tensor } from "@nnc/autograd";
 * console.assert(avgPool(tensor([[[1, 2, 3, 4]]]), { kernel: 2 }).toArray().toString() === "1.5,3.5");
 * ```
 */
export function avgPool(x: Tensor, options: AvgPoolOptions): Tensor {
  return avgPoolN(x, options, spatialRank(x, "avgPool"), "avgPool");
}

/**
 * Max pooling over 1–3 spatial dimensions returning the indices as well (PyTorch `return_indices`).
 *
 * @example
 * ```ts
 * import { maxPoolWithIndices, tensor } from "@nnc/autograd";
 * const r = maxPoolWithIndices(tensor([[[1, 3, 2, 4, 6, 5, 8, 7, 9]]]).reshape(1, 1, 3, 3), { kernel: 2, stride: 1 });
 * console.assert(r.indices.toArray().toString() === "4,4,6,8");
 * ```
 */
export function maxPoolWithIndices(x: Tensor, options: MaxPoolOptions): TensorMaxPoolResult {
  checkTensor(x, "maxPoolWithIndices");
  const d = x.ndim - 2;
  if (d < 1 || d > 3) {
    throw new RangeError(
      `maxPoolWithIndices: expected [N, C, ...spatial] with 1 to 3 spatial dimensions, got ${
        fmtShape(x.shape)
      }`,
    );
  }
  return maxPoolN(x, options, d, "maxPoolWithIndices");
}

function avgPoolN(x: Tensor, options: AvgPoolOptions, d: number, op: string): Tensor {
  checkRank(x, d, op);
  options = checkOptions(options, op);
  const list = (
    v: number | readonly number[] | undefined,
    dflt: number | readonly number[],
  ): number[] => {
    const w = v ?? dflt;
    if (typeof w === "number") return new Array<number>(d).fill(w);
    if (!Array.isArray(w)) {
      throw new TypeError(
        `${op}: kernel, stride and padding must be numbers or arrays of ${d}, got ${
          nd.describe(w)
        }`,
      );
    }
    return [...w];
  };
  const kernel = list(options.kernel, 1);
  return applyPrimitive(AVG_POOL, [x], {
    options,
    kernel,
    stride: list(options.stride, kernel),
    padding: list(options.padding, 0),
    includePad: options.countIncludePad ?? true,
  });
}

/**
 * Average pooling of `[N, C, L]` input (`stride` defaults to the kernel).
 *
 * @example
 * ```ts
 * import { avgPool1d, tensor } from "@nnc/autograd";
 * const x = tensor([[[1, 2, 3, 4]]], { requiresGrad: true });
 * avgPool1d(x, { kernel: 2 }).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "0.5,0.5,0.5,0.5");
 * ```
 */
export function avgPool1d(x: Tensor, options: AvgPoolOptions): Tensor {
  return avgPoolN(x, options, 1, "avgPool1d");
}

/**
 * Average pooling of `[N, C, H, W]` input, with `padding`, `ceilMode` and `countIncludePad` as
 * in PyTorch.
 *
 * @example
 * ```ts
 * import { avgPool2d, ones } from "@nnc/autograd";
 * const x = ones([1, 1, 4, 4], { requiresGrad: true });
 * avgPool2d(x, { kernel: 2 }).sum().backward();
 * console.assert(x.grad?.sum().item() === 4);
 * ```
 */
export function avgPool2d(x: Tensor, options: AvgPoolOptions): Tensor {
  return avgPoolN(x, options, 2, "avgPool2d");
}

/**
 * Average pooling of `[N, C, D, H, W]` input.
 *
 * @example
 * ```ts
 * import { avgPool3d, ones } from "@nnc/autograd";
 * console.assert(avgPool3d(ones([1, 1, 2, 2, 2]), { kernel: 2 }).item() === 1);
 * ```
 */
export function avgPool3d(x: Tensor, options: AvgPoolOptions): Tensor {
  return avgPoolN(x, options, 3, "avgPool3d");
}

/** The `[out, n]` matrix that averages PyTorch's adaptive windows `[⌊i·n/out⌋, ⌈(i+1)·n/out⌉)`. */
function adaptiveMatrix(n: number, out: number, dtype: "float32" | "float64"): NDArray {
  const m = nd.zeros([out, n], { dtype });
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * n) / out), end = Math.ceil(((i + 1) * n) / out);
    for (let j = start; j < end; j++) m.data[i * n + j] = 1 / (end - start);
  }
  return m;
}

function outputSizes(size: number | readonly number[], d: number, op: string): number[] {
  return checkIntTuple(size, d, op, "outputSize", 1);
}

/**
 * Adaptive average pooling of `[N, C, L]` input to `outputSize` positions.
 *
 * @example
 * ```ts
 * import { adaptiveAvgPool1d, tensor } from "@nnc/autograd";
 * console.assert(adaptiveAvgPool1d(tensor([[[1, 2, 3, 4, 5]]]), 2).toArray().toString() === "2,4");
 * ```
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  checkRank(x, 1, "adaptiveAvgPool1d");
  const [o] = outputSize1(outputSize);
  const dtype = x.dtype === "float64" ? "float64" : "float32";
  return matmul(x, transpose(new Tensor(adaptiveMatrix(x.shape[2], o, dtype)), 0, 1));
}

function outputSize1(size: number): number[] {
  return outputSizes(size, 1, "adaptiveAvgPool1d");
}

/**
 * Adaptive average pooling of `[N, C, H, W]` input to `outputSize` (one number or `[oh, ow]`),
 * with PyTorch's window rule; computed as two small matrix products, so it differentiates to any order.
 *
 * @example
 * ```ts
 * import { adaptiveAvgPool2d, ones } from "@nnc/autograd";
 * const x = ones([1, 1, 5, 5], { requiresGrad: true });
 * const y = adaptiveAvgPool2d(x, 1);
 * y.sum().backward();
 * console.assert(y.item() === 1 && Math.abs((x.grad?.get(0, 0, 0, 0) ?? 0) - 0.04) < 1e-7);
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly number[]): Tensor {
  checkRank(x, 2, "adaptiveAvgPool2d");
  const [oh, ow] = outputSizes(outputSize, 2, "adaptiveAvgPool2d");
  const dtype = x.dtype === "float64" ? "float64" : "float32";
  const rows = new Tensor(adaptiveMatrix(x.shape[2], oh, dtype));
  const cols = new Tensor(adaptiveMatrix(x.shape[3], ow, dtype));
  return matmul(matmul(rows, x), transpose(cols, 0, 1));
}
