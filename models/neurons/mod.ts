/**
 * Single neurons of the course, on `NDArray` alone: McCulloch–Pitts threshold units and
 * Rosenblatt's perceptron.
 *
 * @example
 * ```ts
 * import { Perceptron } from "@nnc/models/neurons";
 * const p = new Perceptron();
 * p.fit([[2, 1], [1, 3], [-1, -2], [-2, -1]], [1, 1, -1, -1]);
 * console.log(p.predict([[3, 3], [-3, -3]]).toArray()); // [ 1, -1 ]
 * ```
 *
 * @module
 */
export * from "../_common/types.ts";
export * from "./mcculloch_pitts.ts";
export * from "./perceptron.ts";
