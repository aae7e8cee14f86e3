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
 * import { karateClub } from "@nnc/datasets";
 * import { eye, Rng } from "@nnc/tensor";
 * import { Tensor } from "@nnc/autograd";
 * const { graph } = karateClub();
 * const gcn = new GCN({ inChannels: 34, hiddenChannels: [4, 2], outChannels: 2, rng: new Rng(0) });
 * const logits = gcn.forward(new Tensor(eye(34)), graph.edgeIndex());
 * console.assert(logits.shape.join() === "34,2");
 * ```
 *
 * @module
 */
export * from "./node_classifiers.ts";
export * from "./graph_classifiers.ts";
export * from "./voxel_cnn.ts";
