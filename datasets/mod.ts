/**
 * `@nnc/datasets`: data for nnc. File formats (IDX, CSV, plain text, NPY, gzip), real data sets
 * read from disk and never downloaded (MNIST, Fashion-MNIST), the synthetic sets of the course
 * (two moons, circles, spirals, XOR, blobs, noisy polynomials, Anscombe's quartet, sequence tasks,
 * Zachary's karate club, block-model, random and motif graphs, voxel shapes), graph data for graph
 * networks ({@link GraphData}, batches of graphs, a {@link GraphDataLoader}), and a seeded
 * {@link DataLoader} with batch transforms.
 *
 * Every malformed file is a {@link DataFormatError} naming the file and the byte offset (and the
 * line and column for CSV); a missing data set is a {@link DatasetNotFoundError} that says how to
 * get it.
 *
 * @example
 * ```ts
 * import { DataLoader, TensorDataset, twoMoons } from "@nnc/datasets";
 * const { x, y } = twoMoons({ n: 256, noise: 0.1, seed: 0 });
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, seed: 1 });
 * for (const [xb, yb] of loader) console.assert(xb.shape.join() === "64,2" && yb.dtype === "int32");
 * ```
 *
 * ## See also
 *
 * The synthetic generators are browser-safe; the file loaders need Deno's file APIs.
 *
 * The nnc packages: [@nnc/tensor](https://jsr.io/@nnc/tensor), [@nnc/native](https://jsr.io/@nnc/native), [@nnc/autograd](https://jsr.io/@nnc/autograd), [@nnc/layers](https://jsr.io/@nnc/layers), [@nnc/optim](https://jsr.io/@nnc/optim), [@nnc/datasets](https://jsr.io/@nnc/datasets), [@nnc/plot](https://jsr.io/@nnc/plot), [@nnc/train](https://jsr.io/@nnc/train), [@nnc/models](https://jsr.io/@nnc/models).
 * Examples and notebooks: the repository's `examples/` and `examples/notebooks/` folders.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./types.ts";
export * from "./gzip.ts";
export * from "./idx.ts";
export * from "./npy.ts";
export * from "./csv.ts";
export * from "./text.ts";
export * from "./text_corpus.ts";
export * from "./transliteration.ts";
export * from "./mnist.ts";
export * from "./dataset.ts";
export * from "./data_loader.ts";
export * from "./sampler.ts";
export * from "./transforms.ts";
export * from "./two_moons.ts";
export * from "./circles.ts";
export * from "./spirals.ts";
export * from "./xor.ts";
export * from "./blobs.ts";
export * from "./noisy_polynomial.ts";
export * from "./anscombe.ts";
export * from "./sequence_tasks.ts";
export * from "./addition_task.ts";
export * from "./adding_problem.ts";
export * from "./hello.ts";
export * from "./graph.ts";
export * from "./karate_club.ts";
export * from "./stochastic_block_model.ts";
export * from "./random_graphs.ts";
export * from "./motif_graphs.ts";
export * from "./voxel_shapes.ts";
export * from "./graph_data.ts";
export * from "./one_hot_degree.ts";
