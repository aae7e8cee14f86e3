/**
 * Matrix products: `matmul` (NumPy semantics, broadcast batches), `dot`, `outer`.
 *
 * @module
 */
import { allocForOverwrite, promoteTypes } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { broadcastShapes, fmtShape } from "./shape.ts";
import { astype } from "./copy.ts";
import { describe } from "./check.ts";

function checkPair(a: unknown, b: unknown, op: string): void {
  for (const [name, x] of [["a", a], ["b", b]] as const) {
    if (!(x instanceof NDArray)) {
      throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(x)}`);
    }
  }
}

/**
 * Matrix product with NumPy's rules: 2-d × 2-d is the matrix product; a 1-d operand is promoted to a
 * matrix (a row on the left, a column on the right) and that dimension is removed afterwards; leading
 * (batch) dimensions broadcast.
 *
 * @example
 * ```ts
 * import { array, matmul } from "@nnc/tensor";
 * const a = array([[1, 2], [3, 4]]);
 * console.assert(matmul(a, array([[5], [6]])).toArray().toString() === "17,39");
 * console.assert(matmul(a, array([1, 1])).shape.join() === "2");
 * ```
 */
export function matmul(a: NDArray, b: NDArray): NDArray {
  if (!(a instanceof NDArray) || !(b instanceof NDArray)) {
    throw new TypeError("matmul: both operands must be NDArrays");
  }
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
  const dtype = promoteTypes(a.dtype, b.dtype);
  // Every backend's matmul writes each element of out (K = 0 included): no zero-fill needed.
  const out = new NDArray(
    new Storage(allocForOverwrite(dtype, batch.reduce((p, d) => p * d, 1) * M * N)),
    [...batch, M, N],
  );
  getBackend().matmul(
    out,
    astype(a2, dtype).expand([...batch, M, K]),
    astype(b2, dtype).expand([...batch, K, N]),
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
