/**
 * Matrix products: `matmul` (NumPy semantics, broadcast batches), `dot`, `outer`.
 *
 * @module
 */
import { allocForOverwrite, promoteTypes } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { broadcastShapes, fmtShape } from "./shape.ts";
import { astype, contiguous } from "./copy.ts";
import { checkOptions, describe } from "./check.ts";

function checkPair(a: unknown, b: unknown, op: string): void {
  for (const [name, x] of [["a", a], ["b", b]] as const) {
    if (!(x instanceof NDArray)) {
      throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(x)}`);
    }
  }
}

/**
 * Options of {@link matmul}.
 *
 * @example
 * ```ts
 * import { array, type MatmulOptions } from "@nnc/tensor";
 * const o: MatmulOptions = { bias: array([0.5, -0.5]) };
 * ```
 */
export interface MatmulOptions {
  /**
   * `[N]`, added to every row of the product (a Linear layer's `x Wᵀ + b`): the product's value
   * plus the bias, rounded once, bit for bit `add(matmul(a, b), bias)`, but in the product's own
   * pass where the backend can (libnnc's GEMM adds it to each tile while the tile is in cache)
   * instead of a second pass over the result. Needs a matrix `b`. Default none.
   */
  bias?: NDArray | null;
}

/**
 * Matrix product with NumPy's rules: 2-d × 2-d is the matrix product; a 1-d operand is promoted to a
 * matrix (a row on the left, a column on the right) and that dimension is removed afterwards; leading
 * (batch) dimensions broadcast. With `options.bias`, `a @ b + bias` in one op.
 *
 * @example
 * ```ts
 * import { array, matmul } from "@nnc/tensor";
 * const a = array([[1, 2], [3, 4]]);
 * console.assert(matmul(a, array([[5], [6]])).toArray().toString() === "17,39");
 * console.assert(matmul(a, array([1, 1])).shape.join() === "2");
 * const y = matmul(a, array([[1, 0], [0, 1]]), { bias: array([10, 20]) });
 * console.assert(y.toArray().toString() === "11,22,13,24");
 * ```
 */
export function matmul(a: NDArray, b: NDArray, options: MatmulOptions = {}): NDArray {
  if (!(a instanceof NDArray) || !(b instanceof NDArray)) {
    throw new TypeError("matmul: both operands must be NDArrays");
  }
  checkOptions(options, "matmul");
  const bias = options.bias ?? null;
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(
      `matmul: operands must have at least one dimension, got ${fmtShape(a.shape)} @ ${
        fmtShape(b.shape)
      }`,
    );
  }
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(1) : b;
  const M = a2.shape[a2.ndim - 2], K = a2.shape[a2.ndim - 1];
  const K2 = b2.shape[b2.ndim - 2], N = b2.shape[b2.ndim - 1];
  if (K !== K2) {
    throw new RangeError(
      `matmul: inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`,
    );
  }
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), "matmul");
  let dtype = promoteTypes(a.dtype, b.dtype);
  if (bias !== null) {
    if (!(bias instanceof NDArray)) {
      throw new TypeError(`matmul: bias must be an NDArray, got ${describe(bias)}`);
    }
    if (b.ndim < 2 || bias.ndim !== 1 || bias.shape[0] !== N) {
      throw new RangeError(
        `matmul: bias must be [${N}] (the product's columns) with a matrix b, got bias ${
          fmtShape(bias.shape)
        } for ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`,
      );
    }
    dtype = promoteTypes(dtype, bias.dtype);
  }
  // Every backend's matmul writes each element of out (K = 0 included): no zero-fill needed.
  const out = new NDArray(
    new Storage(allocForOverwrite(dtype, batch.reduce((p, d) => p * d, 1) * M * N)),
    [...batch, M, N],
  );
  getBackend().matmul(
    out,
    astype(a2, dtype).expand([...batch, M, K]),
    astype(b2, dtype).expand([...batch, K, N]),
    bias === null ? null : contiguous(astype(bias, dtype)),
  );
  let shape = out.shape;
  if (a.ndim === 1) shape = [...shape.slice(0, -2), N];
  if (b.ndim === 1) {
    shape = [...shape.slice(0, a.ndim === 1 ? -1 : -2), ...(a.ndim === 1 ? [] : [M])];
  }
  return shape === out.shape ? out : out.reshape(shape);
}

/**
 * Inner product of two 1-d arrays of equal length (a 0-d array).
 *
 * @example
 * ```ts
 * import { array, dot } from "@nnc/tensor";
 * console.assert(dot(array([1, 2, 3]), array([4, 5, 6])).item() === 32);
 * ```
 */
export function dot(a: NDArray, b: NDArray): NDArray {
  checkPair(a, b, "dot");
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new RangeError(
      `dot: expected two 1-d arrays of equal length, got ${fmtShape(a.shape)} and ${
        fmtShape(b.shape)
      }`,
    );
  }
  return matmul(a, b);
}

/**
 * Outer product of two 1-d arrays: `out[i, j] = a[i] * b[j]`.
 *
 * @example
 * ```ts
 * import { array, outer } from "@nnc/tensor";
 * console.assert(outer(array([1, 2]), array([3, 4])).toArray().toString() === "3,4,6,8");
 * ```
 */
export function outer(a: NDArray, b: NDArray): NDArray {
  checkPair(a, b, "outer");
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new RangeError(
      `outer: expected two 1-d arrays, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  return matmul(a.unsqueeze(1), b.unsqueeze(0));
}
