/**
 * Multilayer perceptrons: {@link mlp} builds a `Sequential` of `Linear` layers and activations
 * from a list of widths.
 *
 * @example
 * ```ts
 * import { mlp } from "@nnc/models/mlp";
 * const net = mlp([784, 256, 10], { activation: "relu" });
 * console.log(net.parameters().length); // 4
 * ```
 *
 * @module
 */
export * from "./mlp.ts";
