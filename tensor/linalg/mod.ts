/**
 * Linear algebra on `NDArray`s, batched over leading dimensions, exported from
 * `@nnc/tensor` as the `linalg` namespace: `solve`, `inv`, `det`, `slogdet`, `cholesky`, `qr`,
 * `eigh`, `svd`, `svdvals`, `lstsq`, `norm`. Every op accepts float32 and float64 (int32 is a
 * TypeError: convert first), computes in float64 and returns the input's dtype.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * const a = array([[4, 1], [1, 3]], { dtype: "float64" });
 * const x = linalg.solve(a, array([1, 2], { dtype: "float64" }));
 * console.assert(Math.abs(linalg.det(a).item() - 11) < 1e-12);
 * console.assert(Math.abs(x.get(0) - 1 / 11) < 1e-12);
 * ```
 *
 * @module
 */
export * from "./solve.ts";
export * from "./inv.ts";
export * from "./det.ts";
export * from "./cholesky.ts";
export * from "./qr.ts";
export * from "./eigh.ts";
export * from "./svd.ts";
export * from "./lstsq.ts";
export * from "./norm.ts";
