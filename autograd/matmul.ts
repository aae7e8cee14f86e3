/**
 * Differentiable matrix products: `matmul` (NumPy semantics, broadcast batches), `dot`, `outer`,
 * and `addmm` (a product plus a broadcast input, as a Linear layer's bias).
 *
 * @module
 */
import { applyPrimitive } from "./primitive.ts";
import type { Tensor, TensorLike } from "./tensor.ts";
import { toTensor } from "./_convert.ts";
import { fmtShape } from "./_shape_util.ts";
import { reshape, squeeze, unsqueeze } from "./shape.ts";
import { ADDMM, MATMUL } from "./_prim_matmul.ts";
import { checkNumber, checkOptions } from "@nnc/tensor";

/**
 * Matrix product with NumPy's rules: a 1-d operand is a row on the left or a column on the right
 * (and that dimension is dropped afterwards); leading batch dimensions broadcast, and their
 * gradients are summed back.
 *
 * @example
 * ```ts
 * import { matmul, tensor } from "@nnc/autograd";
 * const a = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const x = tensor([1, 1], { requiresGrad: true });
 * matmul(a, x).sum().backward();
 * console.assert(a.grad?.toArray().toString() === "1,1,1,1");
 * console.assert(x.grad?.toArray().toString() === "4,6");
 * ```
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  const x = toTensor(a, "matmul", "first operand");
  const y = toTensor(b, "matmul", "second operand");
  if (x.ndim === 0 || y.ndim === 0) {
    throw new RangeError(
      `matmul: operands must have at least one dimension, got ${fmtShape(x.shape)} @ ${
        fmtShape(y.shape)
      }`,
    );
  }
  const x2 = x.ndim === 1 ? unsqueeze(x, 0) : x;
  const y2 = y.ndim === 1 ? unsqueeze(y, 1) : y;
  if (x2.shape[x2.ndim - 1] !== y2.shape[y2.ndim - 2]) {
    throw new RangeError(
      `matmul: inner dimensions differ: ${fmtShape(x.shape)} @ ${fmtShape(y.shape)}`,
    );
  }
  let out = applyPrimitive(MATMUL, [x2, y2], undefined);
  if (x.ndim === 1) out = squeeze(out, -2);
  if (y.ndim === 1) out = squeeze(out, -1);
  return out;
}

/**
 * Inner product of two 1-d tensors of equal length (a 0-d tensor).
 *
 * @example
 * ```ts
 * import { dot, tensor } from "@nnc/autograd";
 * console.assert(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item() === 32);
 * ```
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const x = toTensor(a, "dot", "first operand");
  const y = toTensor(b, "dot", "second operand");
  if (x.ndim !== 1 || y.ndim !== 1 || x.shape[0] !== y.shape[0]) {
    throw new RangeError(
      `dot: expected two 1-d tensors of equal length, got ${fmtShape(x.shape)} and ${
        fmtShape(y.shape)
      }`,
    );
  }
  return matmul(x, y);
}

/**
 * Outer product of two 1-d tensors: `out[i, j] = a[i] · b[j]`.
 *
 * @example
 * ```ts
 * import { outer, tensor } from "@nnc/autograd";
 * console.assert(outer(tensor([1, 2]), tensor([3, 4])).toArray().toString() === "3,4,6,8");
 * ```
 */
export function outer(a: TensorLike, b: TensorLike): Tensor {
  const x = toTensor(a, "outer", "first operand");
  const y = toTensor(b, "outer", "second operand");
  if (x.ndim !== 1 || y.ndim !== 1) {
    throw new RangeError(
      `outer: expected two 1-d tensors, got ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`,
    );
  }
  return matmul(reshape(x, [x.shape[0], 1]), reshape(y, [1, y.shape[0]]));
}

/**
 * Options of {@link addmm}.
 *
 * @example
 * ```ts
 * import type { AddmmOptions } from "@nnc/autograd";
 * const o: AddmmOptions = { beta: 0.5, alpha: 2 };
 * ```
 */
export interface AddmmOptions {
  /** Factor of `input` (default 1). */
  beta?: number;
  /** Factor of the product (default 1). */
  alpha?: number;
}

/**
 * `beta · input + alpha · (mat1 · mat2)` (PyTorch `torch.addmm`): `mat1` `[M, K]`, `mat2`
 * `[K, N]`, `input` broadcastable to `[M, N]` (a bias `[N]`, say). One op: the sum goes into the
 * product's memory in place instead of a second array, and one graph node carries the three
 * gradients. `Linear` layers compute `x Wᵀ + b` with it.
 *
 * @example
 * ```ts
 * import { addmm, tensor } from "@nnc/autograd";
 * const b = tensor([10, 20], { requiresGrad: true });
 * const x = tensor([[1, 2], [3, 4]]);
 * const w = tensor([[1, 0], [0, 1]], { requiresGrad: true });
 * const y = addmm(b, x, w);
 * console.assert(y.toArray().toString() === "11,22,13,24");
 * y.sum().backward();
 * console.assert(b.grad?.toArray().toString() === "2,2");
 * console.assert(w.grad?.toArray().toString() === "4,4,6,6");
 * ```
 */
export function addmm(
  input: TensorLike,
  mat1: TensorLike,
  mat2: TensorLike,
  options: AddmmOptions = {},
): Tensor {
  const op = "addmm";
  checkOptions(options, op);
  const c = toTensor(input, op, "input");
  const a = toTensor(mat1, op, "mat1");
  const b = toTensor(mat2, op, "mat2");
  const beta = checkNumber(options.beta ?? 1, op, "beta");
  const alpha = checkNumber(options.alpha ?? 1, op, "alpha");
  if (a.ndim !== 2 || b.ndim !== 2 || a.shape[1] !== b.shape[0]) {
    throw new RangeError(
      `${op}: expected mat1 [M, K] and mat2 [K, N], got ${fmtShape(a.shape)} and ${
        fmtShape(b.shape)
      }`,
    );
  }
  const out = [a.shape[0], b.shape[1]];
  const broadcasts = c.ndim <= 2 &&
    c.shape.every((d, i) => d === 1 || d === out[i + 2 - c.ndim]);
  if (!broadcasts) {
    throw new RangeError(
      `${op}: input ${fmtShape(c.shape)} does not broadcast to the product's shape ${
        fmtShape(out)
      }`,
    );
  }
  return applyPrimitive(ADDMM, [c, a, b], { alpha, beta });
}
