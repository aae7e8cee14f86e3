/**
 * Graph neural networks and volumetric CNNs: node classifiers ({@link GCN}, {@link GAT}), graph
 * classifiers ({@link GraphClassifier} over GIN, GCN, GraphSAGE, GraphConv or GAT layers with a
 * sum, mean, max or attention readout; the mock final's {@link GraphTransformerClassifier}), and
 * {@link voxelCnn} for 3D ShapeNets-style occupancy grids. The layers themselves live in
 * `@nnc/layers`.
 *
 * @example
 * ```ts
 * import { GCN } from "@nnc/models/gnn";
 * import { eye, Rng } from "@nnc/tensor";
 * import { Tensor } from "@nnc/autograd";
 * // A 4-cycle in both directions, nodes as one-hot features.
 * const edges = [[0, 1, 2, 3, 1, 2, 3, 0], [1, 2, 3, 0, 0, 1, 2, 3]];
 * const gcn = new GCN({ inChannels: 4, hiddenChannels: [4, 2], outChannels: 2, rng: new Rng(0) });
 * console.assert(gcn.forward(new Tensor(eye(4)), edges).shape.join() === "4,2");
 * ```
 *
 * @module
 */
export * from "./node_classifiers.ts";
export * from "./graph_classifiers.ts";
export * from "./voxel_cnn.ts";
