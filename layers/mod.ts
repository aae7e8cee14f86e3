/**
 * `@nnc/layers`: neural-network building blocks on `@nnc/autograd`, with PyTorch's names,
 * layouts, default initialisations and state-dict keys. {@link Module} and {@link Parameter};
 * containers ({@link Sequential}, {@link ModuleList}, {@link ModuleDict}); dense, bilinear,
 * convolution, transposed-convolution, pooling, upsampling, normalisation, dropout and embedding
 * layers; activations and residual/dense blocks; losses as functions and modules; initialisers
 * (`init`); and saving/loading as safetensors.
 *
 * @example
 * ```ts
 * import { crossEntropy, Linear, ReLU, Sequential } from "@nnc/layers";
 * import { randn, tensor } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const rng = new Rng(0);
 * const net = new Sequential(new Linear(4, 16, { rng }), new ReLU(), new Linear(16, 3, { rng }));
 * const loss = crossEntropy(net.forward(randn([8, 4], { rng })), tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: "int32" }));
 * loss.backward();
 * console.assert(net.parameters().every((p) => p.grad !== null));
 * ```
 *
 * ## See also
 *
 * In Jupyter (Deno's kernel) a `Module` shows its tree as a table with parameter shapes and counts
 * ({@link moduleTable}). Browser-safe (saving and loading files needs Deno).
 *
 * The nnc packages: [@nnc/tensor](https://jsr.io/@nnc/tensor), [@nnc/native](https://jsr.io/@nnc/native), [@nnc/autograd](https://jsr.io/@nnc/autograd), [@nnc/layers](https://jsr.io/@nnc/layers), [@nnc/optim](https://jsr.io/@nnc/optim), [@nnc/datasets](https://jsr.io/@nnc/datasets), [@nnc/plot](https://jsr.io/@nnc/plot), [@nnc/train](https://jsr.io/@nnc/train), [@nnc/models](https://jsr.io/@nnc/models).
 * Examples and notebooks: the repository's `examples/` and `examples/notebooks/` folders.
 *
 * @module
 */
export * from "./parameter.ts";
export * from "./module.ts";
export * from "./module_display.ts";
export * from "./sequential.ts";
export * from "./module_list.ts";
export * from "./module_dict.ts";
export * as init from "./init.ts";
export * from "./functional_call.ts";
export * from "./linear.ts";
export * from "./bilinear.ts";
export * from "./identity.ts";
export * from "./flatten.ts";
export * from "./conv.ts";
export * from "./conv_transpose.ts";
export * from "./pool.ts";
export * from "./upsample.ts";
export * from "./batch_norm.ts";
export * from "./layer_norm.ts";
export * from "./rms_norm.ts";
export * from "./group_norm.ts";
export * from "./instance_norm.ts";
export * from "./weight_norm.ts";
export * from "./spectral_norm.ts";
export * from "./dropout.ts";
export * from "./embedding.ts";
export * from "./rnn_base.ts";
export * from "./rnn.ts";
export * from "./lstm.ts";
export * from "./gru.ts";
export * from "./rnn_cell.ts";
export * from "./recurrent_attention.ts";
export * from "./activations.ts";
export * from "./activation_layers.ts";
export * from "./smooth_activations.ts";
export * from "./hard_activations.ts";
export * from "./gated_activations.ts";
export * from "./residual_block.ts";
export * from "./dense_block.ts";
export * from "./regression_losses.ts";
export * from "./cross_entropy.ts";
export * from "./binary_cross_entropy.ts";
export * from "./kl_div.ts";
export * from "./hinge_loss.ts";
export * from "./cosine_embedding_loss.ts";
export * from "./ranking_losses.ts";
export * from "./likelihood_losses.ts";
export * from "./similarity.ts";
export * from "./pixel_shuffle.ts";
export * from "./fold.ts";
export * from "./gumbel_softmax.ts";
export * from "./loss_zoo.ts";
export * from "./loss_layers.ts";
export * from "./serialization.ts";
export type { EdgeIndexLike, EdgeWeightLike } from "./_graph.ts";
export { keepsNoTensors } from "./_graph_owned.ts";
export * from "./gcn_norm.ts";
export * from "./gcn_conv.ts";
export * from "./message_passing.ts";
export * from "./graph_conv.ts";
export * from "./gin_conv.ts";
export * from "./sage_conv.ts";
export * from "./gat_conv.ts";
export * from "./graph_attention.ts";
export * from "./graph_transformer.ts";
export * from "./global_pool.ts";
export * from "./scaled_dot_product_attention.ts";
export * from "./self_attention.ts";
export * from "./kv_cache.ts";
export * from "./multihead_attention.ts";
export * from "./positional_encoding.ts";
export * from "./transformer_encoder_layer.ts";
export * from "./transformer_decoder_layer.ts";
export * from "./transformer.ts";
export * from "./divergences.ts";
export * from "./ewc.ts";
export * from "./adaptive_max_pool.ts";
export * from "./max_unpool.ts";
export * from "./embedding_bag.ts";
