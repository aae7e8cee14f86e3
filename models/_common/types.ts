/**
 * Input types shared by the learners.
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";

/**
 * A matrix given as an NDArray `[rows, columns]` or as nested JavaScript arrays (one array per row).
 * Nested arrays become float64; float32 and float64 NDArrays keep their dtype.
 *
 * @example
 * ```ts
 * import { array } from "@nnc/tensor";
 * import type { MatrixLike } from "@nnc/models/unsupervised";
 * const a: MatrixLike = [[1, 2], [3, 4]];
 * const b: MatrixLike = array([[1, 2], [3, 4]]);
 * console.assert(Array.isArray(a) && b.shape.join() === "2,2");
 * ```
 */
export type MatrixLike = NDArray | readonly (readonly number[])[];

/**
 * A vector given as a 1-d NDArray, a typed array or a plain array of numbers.
 *
 * @example
 * ```ts
 * import type { VectorLike } from "@nnc/models/unsupervised";
 * const v: VectorLike = new Float64Array([1, 2, 3]);
 * console.assert(v.length === 3);
 * ```
 */
export type VectorLike = NDArray | ArrayLike<number>;
