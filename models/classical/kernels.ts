/**
 * Kernels k(a, b) and their Gram matrices K_ij = k(a_i, b_j): linear aᵀb, polynomial (γaᵀb + c₀)^degree,
 * RBF exp(−γ‖a − b‖²), sigmoid tanh(γaᵀb + c₀) (scikit-learn's forms and names), or any callable. The
 * built-in kernels get every inner product from one GEMM (`matmul`, BLAS on the native backend);
 * ‖a − b‖² = ‖a‖² + ‖b‖² − 2aᵀb.
 *
 * @module
 */
import { checkOptions, type NDArray } from "@nnc/tensor";
import { checkKernel, gramMatrix, resolveKernel } from "./_kernels.ts";
import { checkFeatures, type MatrixLike, toMatrix } from "../_common/validate.ts";

/** Names of the built-in kernels. */
export type KernelName = "linear" | "poly" | "rbf" | "sigmoid";

/** A user kernel: k(a, b) for two rows (as float64 arrays). */
export type KernelFunction = (a: Float64Array, b: Float64Array) => number;

/** Which kernel and its parameters. */
export interface KernelOptions {
  /** A built-in name or a callable. Default depends on the estimator. */
  kernel?: KernelName | KernelFunction;
  /**
   * γ of poly, rbf and sigmoid: a positive number, `"scale"` = 1/(d·Var(x)) or `"auto"` = 1/d (d features,
   * Var over every entry of the training x). Default depends on the estimator.
   */
  gamma?: number | "scale" | "auto";
  /** Degree of the polynomial kernel. Default 3. */
  degree?: number;
  /** c₀ of poly and sigmoid. Default 0. */
  coef0?: number;
}

/**
 * The Gram matrix K_ij = k(a_i, b_j) `[na, nb]` (float64) of a kernel; `b` defaults to `a`. A symbolic
 * γ (`"scale"`, `"auto"`) is resolved against `a`.
 *
 * @example
 * ```ts
 * import { pairwiseKernels } from "@nnc/models/classical";
 * const k = pairwiseKernels([[0, 0], [1, 1]], undefined, { kernel: "rbf", gamma: 0.5 });
 * console.assert(Math.abs(k.get(0, 1) - Math.exp(-1)) < 1e-15 && k.get(1, 1) === 1);
 * ```
 */
export function pairwiseKernels(
  a: MatrixLike,
  b?: MatrixLike,
  options: KernelOptions = {},
): NDArray {
  const op = "pairwiseKernels";
  const k = checkKernel(op, checkOptions(options, op), { kernel: "linear", gamma: "auto" });
  const am = toMatrix(op, a, "a").astype("float64");
  const bm = b === undefined ? am : toMatrix(op, b, "b").astype("float64");
  checkFeatures(op, bm, am.shape[1], "b");
  return gramMatrix(resolveKernel(k, am), am, bm, op);
}
