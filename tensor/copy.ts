/**
 * Copies: `contiguous`, `clone`, `astype`, and `assign` (write into a view).
 *
 * @module
 */
import { allocForOverwrite, allocTyped, checkDType, type DType } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { broadcastShapes, fmtShape, sameShape } from "./shape.ts";
import { describe } from "./check.ts";

function checkNd(x: unknown, op: string, name = "x"): asserts x is NDArray {
  if (!(x instanceof NDArray)) {
    throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(x)}`);
  }
}

/**
 * The array itself when contiguous, otherwise a contiguous copy.
 *
 * @example
 * ```ts
 * import { arange, contiguous } from "@nnc/tensor";
 * const t = arange(6).reshape(2, 3).transpose();
 * console.assert(!t.isContiguous && contiguous(t).isContiguous);
 * ```
 */
export function contiguous(x: NDArray): NDArray {
  checkNd(x, "contiguous");
  return x.isContiguous ? x : astype(x, x.dtype, true);
}

/**
 * A contiguous copy with its own storage.
 *
 * @example
 * ```ts
 * import { array, clone } from "@nnc/tensor";
 * const a = array([1, 2]);
 * console.assert(clone(a).storage !== a.storage);
 * ```
 */
export function clone(x: NDArray): NDArray {
  checkNd(x, "clone");
  return astype(x, x.dtype, true);
}

/**
 * Converts to another dtype (float → int32 truncates toward zero). Returns `x` itself when the dtype
 * already matches, unless `copy` is true.
 *
 * @example
 * ```ts
 * import { array, astype } from "@nnc/tensor";
 * console.assert(astype(array([1.7, -1.7]), "int32").toArray().toString() === "1,-1");
 * ```
 */
export function astype(x: NDArray, dtype: DType, copy = false): NDArray {
  checkNd(x, "astype");
  checkDType(dtype, "astype");
  if (dtype === x.dtype && !copy) return x;
  // The copy writes every element: a recycled buffer needs no zero-filling first.
  const out = new NDArray(new Storage(allocForOverwrite(dtype, x.size)), x.shape);
  getBackend().copy(out, x);
  return out;
}

/**
 * Writes `source` (broadcast to `target`'s shape, converted to its dtype) into `target` in place.
 * `target` is usually a view (`slice`, `transpose`) of a larger array; it must not be an `expand`ed view.
 *
 * @example
 * ```ts
 * import { assign, zeros } from "@nnc/tensor";
 * const m = zeros([2, 3]);
 * assign(m.slice(1), 5);
 * console.assert(m.sum().item() === 15);
 * ```
 */
export function assign(target: NDArray, source: NDArray | number): NDArray {
  checkNd(target, "assign", "target");
  if (typeof source !== "number") checkNd(source, "assign", "source (an NDArray or a number)");
  if (target.strides.some((s, i) => s === 0 && target.shape[i] > 1)) {
    throw new RangeError(
      `assign: target of shape ${
        fmtShape(target.shape)
      } is a broadcast (expanded) view; writes would overlap`,
    );
  }
  const src = typeof source === "number"
    ? new NDArray(new Storage(allocTyped(target.dtype, 1).fill(source)), [])
    : source;
  const shape = broadcastShapes(target.shape, src.shape, "assign");
  if (!sameShape(shape, target.shape)) {
    throw new RangeError(
      `assign: source of shape ${fmtShape(src.shape)} does not broadcast to target ${
        fmtShape(target.shape)
      }`,
    );
  }
  // A source that shares storage with the target may overlap it in another order: copy it first.
  const safe = src.storage === target.storage && src !== target ? clone(src) : src;
  getBackend().copy(target, safe.expand(target.shape));
  return target;
}
