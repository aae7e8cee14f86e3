/**
 * Looking inside networks: attributions and linear regions.
 *
 * - gradient attributions: {@link saliencyMap}, {@link smoothGrad}, {@link integratedGradients}
 *   (with its completeness gap);
 * - class activation maps: {@link classActivationMap} (the notes' formula), {@link cam} for a
 *   global-average-pooling head, {@link gradCam} for any convolutional `Sequential`;
 * - linear regions of ReLU networks: {@link activationPatterns}, {@link countLinearRegions} on a
 *   grid over a 2-D slice, and the exact {@link linearRegions} (2-D) and {@link linearPieces} (1-D).
 *
 * @example
 * ```ts
 * import { countLinearRegions, linearRegions, saliencyMap } from "@nnc/models/insight";
 * import { mlp } from "@nnc/models/mlp";
 * import { rand, Rng } from "@nnc/tensor";
 * const net = mlp([2, 6, 6, 1], { rng: new Rng(0), dtype: "float64" });
 * const bounds = [[-2, 2], [-2, 2]] as const;
 * const exact = linearRegions(net, { bounds }).length;
 * console.assert(countLinearRegions(net, { bounds, resolution: 100 }).count <= exact);
 * console.assert(saliencyMap(net, rand([3, 2], { dtype: "float64" })).shape.join() === "3,2");
 * ```
 *
 * @module
 */
export * from "./saliency.ts";
export * from "./integrated_gradients.ts";
export * from "./cam.ts";
export * from "./linear_regions.ts";
