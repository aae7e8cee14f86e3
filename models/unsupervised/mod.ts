/**
 * Unsupervised and associative learners of the course, on `NDArray` alone (no gradients, safe in
 * a browser): k-means (Lloyd, k-means++, mini-batch, and the notes' softmax-network form),
 * competitive (winner-take-all) learning, the Hebb, Oja and Sanger rules, PCA, Hopfield networks
 * and Willshaw memory.
 *
 * @example
 * ```ts
 * import { KMeans } from "@nnc/models/unsupervised";
 * const km = new KMeans({ nClusters: 2, init: [[1, 1], [0.01, -1]] });
 * km.fit([[-0.01, 1], [1, 1], [0.01, -1], [-1, -1]]);
 * console.log(km.centers.toString()); // (0.495, 1) and (-0.495, -1)
 * ```
 *
 * @module
 */
export * from "../_common/types.ts";
export * from "./kmeans.ts";
export * from "./minibatch_kmeans.ts";
export * from "./kmeans_network.ts";
export * from "./competitive.ts";
export * from "./hebbian.ts";
export * from "./oja.ts";
export * from "./sanger.ts";
export * from "./pca.ts";
export * from "./hopfield.ts";
export * from "./willshaw.ts";
