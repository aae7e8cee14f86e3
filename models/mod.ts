/**
 * `@nnc/models`: the model zoo of the course, one family per subpath, each importable alone:
 *
 * - `@nnc/models/unsupervised`: k-means, competitive learning, Hebb/Oja/Sanger, PCA, Hopfield,
 *   Willshaw (`NDArray` only, browser-safe);
 * - `@nnc/models/neurons`: McCulloch–Pitts units, the perceptron (`NDArray` only);
 * - `@nnc/models/mlp`: multilayer perceptrons;
 * - `@nnc/models/cnn`: LeNet-5 and the demo's conv net;
 * - `@nnc/models/classical`: linear/ridge/lasso/logistic regression, kernels, SVMs, kNN, model selection
 *   (`NDArray` only, browser-safe);
 * - `@nnc/models/gnn`: GCN, GAT, graph classifiers, the graph transformer, a voxel CNN.
 * - `@nnc/models/rnn`: character language models, seq2seq with attention, sampling and beam search.
 * - `@nnc/models/transformer`: a GPT-style language model and an encoder–decoder transformer.
 * - `@nnc/models/robustness`: adversarial attacks (linear closed forms, FGSM, PGD, DeepFool, C&W,
 *   universal perturbations), adversarial training, robust accuracy.
 * - `@nnc/models/insight`: saliency, SmoothGrad, integrated gradients, CAM and Grad-CAM, linear
 *   regions of ReLU networks.
 * - `@nnc/models/generative`: autoencoders, VAEs, GANs, a planar normalising flow.
 *
 * This root module re-exports every family. A model does not know how it is trained or drawn:
 * `@nnc/train` trains it, `@nnc/plot` draws it.
 *
 * @example
 * ```ts
 * import { KMeans } from "@nnc/models/unsupervised";
 * import { mlp } from "@nnc/models/mlp";
 * const km = new KMeans({ nClusters: 2, init: [[1, 1], [0.01, -1]] });
 * km.fit([[-0.01, 1], [1, 1], [0.01, -1], [-1, -1]]);
 * console.log(km.centers.toString(), mlp([2, 8, 1]).parameters().length);
 * ```
 *
 * ## See also
 *
 * `@nnc/models/unsupervised`, `@nnc/models/neurons` and `@nnc/models/classical` need
 * `@nnc/tensor` only and run in browsers.
 *
 * The nnc packages: [@nnc/tensor](https://jsr.io/@nnc/tensor), [@nnc/native](https://jsr.io/@nnc/native), [@nnc/autograd](https://jsr.io/@nnc/autograd), [@nnc/layers](https://jsr.io/@nnc/layers), [@nnc/optim](https://jsr.io/@nnc/optim), [@nnc/datasets](https://jsr.io/@nnc/datasets), [@nnc/plot](https://jsr.io/@nnc/plot), [@nnc/train](https://jsr.io/@nnc/train), [@nnc/models](https://jsr.io/@nnc/models).
 * Examples and notebooks: the repository's `examples/` and `examples/notebooks/` folders.
 *
 * @module
 */
export * from "./unsupervised/mod.ts";
export * from "./neurons/mod.ts";
export * from "./mlp/mod.ts";
export * from "./cnn/mod.ts";
export * from "./classical/mod.ts";
export * from "./gnn/mod.ts";
export * from "./rnn/mod.ts";
export * from "./transformer/mod.ts";
export * from "./robustness/mod.ts";
export * from "./insight/mod.ts";
export * from "./generative/mod.ts";
