// Turning op arguments into tensors: NDArrays become constants, numbers become 0-d constants whose
// dtype follows the other operand (as @nnc/tensor does for plain numbers).
import { allocTyped, describe, type DType, NDArray, Storage } from "@nnc/tensor";
import { Tensor, type TensorLike } from "./tensor.ts";

/** A 0-d array holding `v`. */
export function scalarArray(v: number, dtype: DType): NDArray {
  const data = allocTyped(dtype, 1);
  data[0] = v;
  return new NDArray(new Storage(data), []);
}

/** The dtype a plain number takes next to an operand of `other`'s dtype. */
export function scalarDType(v: number, other: DType): DType {
  return other === "int32" && !Number.isInteger(v) ? "float32" : other;
}

/** A tensor from an op argument; numbers take `dtype` (float32 by default). */
export function toTensor(
  v: TensorLike,
  op: string,
  name: string,
  dtype: DType = "float32",
): Tensor {
  if (v instanceof Tensor) return v;
  if (v instanceof NDArray) return new Tensor(v);
  if (typeof v === "number") return new Tensor(scalarArray(v, scalarDType(v, dtype)));
  throw new TypeError(
    `${op}: ${name} must be a Tensor, an NDArray or a number, got ${
      v === null ? "null" : typeof v
    }`,
  );
}

/** Both operands of a binary op as tensors. */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof b === "number" && (a instanceof Tensor || a instanceof NDArray)) {
    const x = a instanceof Tensor ? a : new Tensor(a);
    return [x, new Tensor(scalarArray(b, scalarDType(b, x.dtype)))];
  }
  if (typeof a === "number" && (b instanceof Tensor || b instanceof NDArray)) {
    const y = b instanceof Tensor ? b : new Tensor(b);
    return [new Tensor(scalarArray(a, scalarDType(a, y.dtype))), y];
  }
  return [toTensor(a, op, "first operand"), toTensor(b, op, "second operand")];
}

/** Throws a TypeError unless `x` is a Tensor. */
export function checkTensor(x: unknown, op: string, name = "input"): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    const hint = x instanceof NDArray ? " (wrap it with tensor())" : "";
    throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(x)}${hint}`);
  }
}

/** A tensor argument that may also be given as an NDArray (a constant). */
export function asTensor(x: Tensor | NDArray, op: string, name = "input"): Tensor {
  if (x instanceof Tensor) return x;
  if (x instanceof NDArray) return new Tensor(x);
  throw new TypeError(
    `${op}: ${name} must be a Tensor or an NDArray, got ${describe(x)}`,
  );
}
