/**
 * Typed-array access for the fused update loops: a parameter's values (written in place), its
 * gradient (read), and state buffers (contiguous arrays owned by the optimiser).
 *
 * @module
 */
import { allocTyped, assign, astype, contiguous, NDArray, Storage } from "@nnc/tensor";
import { peekGrad, type Tensor } from "@nnc/autograd";

/** The float typed arrays parameters live in. */
export type FloatArray = Float32Array | Float64Array;

function fmt(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * The parameter's elements as one writable row-major typed array: its own memory when the data is
 * contiguous (the common case, updated in place), otherwise a copy that {@link commitValues} writes back.
 */
export function paramValues(p: Tensor, op: string): FloatArray {
  const x = p.data;
  if (x.dtype === "int32") {
    throw new TypeError(
      `${op}: parameter of shape ${
        fmt(x.shape)
      } holds int32 data; only float parameters can be optimised`,
    );
  }
  if (x.isContiguous) return (x.data as FloatArray).subarray(x.offset, x.offset + x.size);
  return contiguous(x).data as FloatArray;
}

/** Writes `values` back into the parameter when {@link paramValues} had to copy. */
export function commitValues(p: Tensor, values: FloatArray): void {
  const x = p.data;
  // paramValues returned a view into the parameter's own storage: nothing to write back.
  const own = x.data;
  if (
    values.buffer === own.buffer && values.byteOffset >= own.byteOffset &&
    values.byteOffset < own.byteOffset + own.byteLength
  ) return;
  assign(x, NDArray.fromTyped(values, x.shape));
}

/**
 * The gradient as a row-major typed array of the parameter's dtype (no copy when it already is
 * one), or null when the parameter has no gradient.
 */
export function gradValues(p: Tensor, op: string): FloatArray | null {
  const g = peekGrad(p); // read for this step only: the gradient stays recyclable
  if (g === null) return null;
  const x = g.data;
  const shape = p.data.shape;
  if (x.shape.length !== shape.length || x.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(
      `${op}: gradient of shape ${fmt(x.shape)} does not match its parameter of shape ${
        fmt(shape)
      }`,
    );
  }
  if (x.isContiguous && x.dtype === p.data.dtype) {
    return (x.data as FloatArray).subarray(x.offset, x.offset + x.size);
  }
  return contiguous(astype(x, p.data.dtype)).data as FloatArray;
}

/** A fresh contiguous state buffer shaped like the parameter, filled with `value`. */
export function stateBuffer(p: Tensor, value = 0): NDArray {
  const data = allocTyped(p.data.dtype, p.data.size);
  if (value !== 0) data.fill(value);
  return new NDArray(new Storage(data), p.data.shape);
}

/** The elements of a state buffer made by {@link stateBuffer} (or loaded as one). */
export function bufferValues(x: NDArray): FloatArray {
  return x.data as FloatArray;
}
