/**
 * `@nnc/models`: learners of the course. The unsupervised and
 * associative ones, which need no gradients: k-means (Lloyd, k-means++, mini-batch, and the notes'
 * softmax-network form), competitive learning, Hebb, Oja and Sanger rules, PCA, Hopfield networks,
 * Willshaw memory, McCulloch–Pitts units and the perceptron; and the training loop: fit/evaluate
 * with metrics, callbacks (early stopping, checkpoints, CSV/JSONL logs), a plottable History,
 * MLP/LeNet-5/CNN builders, and plots (Vega-Lite SVG charts, PNG image grids).
 *
 * @example
 * ```ts
 * import { KMeans } from "@nnc/models";
 * const km = new KMeans({ nClusters: 2, init: [[1, 1], [0.01, -1]] });
 * km.fit([[-0.01, 1], [1, 1], [0.01, -1], [-1, -1]]);
 * console.log(km.centers.toString()); // (0.495, 1) and (-0.495, -1)
 * ```
 *
 * @module
 */
export * from "./types.ts";
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
export * from "./mcculloch_pitts.ts";
export * from "./perceptron.ts";
export * from "./metrics.ts";
export * from "./history.ts";
export * from "./progress.ts";
export * from "./callbacks.ts";
export * from "./evaluate.ts";
export * from "./fit.ts";
export * from "./mlp.ts";
export * from "./lenet5.ts";
export * from "./plot/mod.ts";
