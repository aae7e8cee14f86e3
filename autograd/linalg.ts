/**
 * Differentiable linear algebra, exported as the `linalg` namespace: `solve`, `inv`, `det`,
 * `slogdet`, `cholesky`, `eigh`, batched over leading dimensions, with the standard matrix
 * derivatives (which differentiate again).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import { setTangent, Tensor } from "./tensor.ts";
import { state } from "./_state.ts";
import { checkTensor, toTensor } from "./_convert.ts";
import * as P from "./_prim_linalg.ts";
import { astype } from "./elementwise.ts";
import { squeeze, unsqueeze } from "./shape.ts";

/**
 * Solves `a·x = b` (batched; `b` is `[..., n, k]`, or a vector `[..., n]`, as PyTorch). Gradients:
 * `b̄ = a⁻ᵀ x̄`, `ā = −b̄ xᵀ`.
 *
 * @example
 * ```ts
 * import { linalg, tensor } from "@nnc/autograd";
 * const a = tensor([[3, 1], [1, 2]], { dtype: "float64", requiresGrad: true });
 * const x = linalg.solve(a, tensor([9, 8], { dtype: "float64" }));
 * console.assert(Math.abs(x.get(0) - 2) < 1e-12 && Math.abs(x.get(1) - 3) < 1e-12);
 * ```
 */
export function solve(a: Tensor, b: Tensor | NDArray): Tensor {
  checkTensor(a, "linalg.solve", "a");
  let bt = toTensor(b, "linalg.solve", "b");
  if (a.ndim < 2) {
    throw new RangeError(`linalg.solve: a must be [..., n, n], got [${a.shape.join(", ")}]`);
  }
  const vector = bt.ndim === 1 ||
    (bt.ndim === a.ndim - 1 && bt.shape.every((d, i) => d === a.shape[i]));
  const dtype = nd.promoteTypes(a.dtype, bt.dtype);
  const at = a.dtype === dtype ? a : astype(a, dtype);
  if (bt.dtype !== dtype) bt = astype(bt, dtype);
  const x = applyPrimitive(P.SOLVE, [at, vector ? unsqueeze(bt, -1) : bt], undefined);
  return vector ? squeeze(x, -1) : x;
}

/**
 * Inverse of each square matrix (gradient `−a⁻ᵀ ḡ a⁻ᵀ`).
 *
 * @example
 * ```ts
 * import { linalg, tensor } from "@nnc/autograd";
 * console.assert(linalg.inv(tensor([[2, 0], [0, 4]])).toArray().toString() === "0.5,0,0,0.25");
 * ```
 */
export function inv(a: Tensor): Tensor {
  checkTensor(a, "linalg.inv", "a");
  return applyPrimitive(P.INV, [a], undefined);
}

/**
 * Determinant of each square matrix (gradient `det · a⁻ᵀ`; the matrix must be invertible for
 * the gradient).
 *
 * @example
 * ```ts
 * import { linalg, tensor } from "@nnc/autograd";
 * const a = tensor([[2, 1], [1, 3]], { dtype: "float64", requiresGrad: true });
 * linalg.det(a).backward();
 * console.assert(a.grad?.toArray().toString() === "3,-1,-1,2");
 * ```
 */
export function det(a: Tensor): Tensor {
  checkTensor(a, "linalg.det", "a");
  return applyPrimitive(P.DET, [a], undefined);
}

/** Sign (constant) and log |det| (differentiable) of each square matrix. */
export interface TensorSlogdet {
  /** -1, 0 or 1, `[...batch]`. */
  sign: Tensor;
  /** log |det|, `[...batch]`; its gradient is `a⁻ᵀ`. */
  logabsdet: Tensor;
}

/**
 * Sign and log-magnitude of the determinant, stable for large matrices.
 *
 * @example
 * ```ts
 * import { linalg, tensor } from "@nnc/autograd";
 * const a = tensor([[2, 0], [0, -3]], { dtype: "float64", requiresGrad: true });
 * const { sign, logabsdet } = linalg.slogdet(a);
 * logabsdet.backward();
 * console.assert(sign.item() === -1 && Math.abs(logabsdet.item() - Math.log(6)) < 1e-12);
 * console.assert(a.grad?.toArray().toString() === `0.5,0,0,${-1 / 3}`);
 * ```
 */
export function slogdet(a: Tensor): TensorSlogdet {
  checkTensor(a, "linalg.slogdet", "a");
  const sign = new Tensor(nd.linalg.slogdet(a.data).sign);
  return { sign, logabsdet: applyPrimitive(P.LOGABSDET, [a], undefined) };
}

/**
 * Lower Cholesky factor `L` of each symmetric positive-definite matrix (`a = L·Lᵀ`; only the
 * lower triangle is read). The gradient is symmetric, as PyTorch's.
 *
 * @example
 * ```ts
 * import { linalg, tensor } from "@nnc/autograd";
 * console.assert(linalg.cholesky(tensor([[4, 2], [2, 5]])).toArray().toString() === "2,0,1,2");
 * ```
 */
export function cholesky(a: Tensor): Tensor {
  checkTensor(a, "linalg.cholesky", "a");
  return applyPrimitive(P.CHOLESKY, [a], undefined);
}

/** Eigenvalues (ascending) and eigenvectors (columns), both differentiable. */
export interface TensorEigh {
  /** Eigenvalues in ascending order, `[..., n]`. */
  values: Tensor;
  /** Orthonormal eigenvectors as columns, `[..., n, n]`. */
  vectors: Tensor;
}

/**
 * Eigen-decomposition of symmetric matrices (the lower triangle is read). Gradients follow
 * PyTorch: `ā = V (diag(w̄) + F ∘ skew(Vᵀ V̄)) Vᵀ` with `F_ij = 1/(w_j − w_i)`, so they are finite
 * only for distinct eigenvalues, and eigenvector losses must not depend on the sign of a vector.
 *
 * @example
 * ```ts
 * import { linalg, tensor } from "@nnc/autograd";
 * const a = tensor([[2, 1], [1, 2]], { dtype: "float64", requiresGrad: true });
 * const { values } = linalg.eigh(a);
 * values.slice(1).backward(); // largest eigenvalue 3, eigenvector (1, 1)/√2
 * console.assert(Math.abs(values.get(1) - 3) < 1e-12 && Math.abs((a.grad?.get(0, 1) ?? 0) - 0.5) < 1e-12);
 * ```
 */
export function eigh(a: Tensor): TensorEigh {
  checkTensor(a, "linalg.eigh", "a");
  const r = nd.linalg.eigh(a.data);
  const params: P.EighParams = { w: r.values, v: r.vectors, values: null, vectors: null };
  // Each node's derivatives use the other's tensor, so tangents are computed once both exist.
  state.inJvp++;
  let values: Tensor, vectors: Tensor;
  try {
    values = applyPrimitive(P.EIGH_VALUES, [a], params);
    vectors = applyPrimitive(P.EIGH_VECTORS, [a], params);
    params.values = values;
    params.vectors = vectors;
    if (a.tangent !== null) {
      setTangent(values, P.EIGH_VALUES.jvp([a.tangent], [a], values, params));
      setTangent(vectors, P.EIGH_VECTORS.jvp([a.tangent], [a], vectors, params));
    }
  } finally {
    state.inJvp--;
  }
  return { values, vectors };
}
