/**
 * `@nnc/models/generative`: the generative models of the course — autoencoders (plain, denoising,
 * contractive, sparse, linear with tied weights), variational autoencoders (MLP, convolutional,
 * the homework's Gaussian VAE; Bernoulli and Gaussian decoders, β-VAE, importance-weighted
 * log-likelihood), GANs (MLP, DCGAN, conditional; the notes' loss table, WGAN with clipping,
 * WGAN-GP, a training step that stops on NaN) and a planar normalising flow.
 *
 * @example
 * ```ts
 * import { mlpVae } from "@nnc/models/generative";
 * import { rand, Rng } from "@nnc/tensor";
 * import { Tensor } from "@nnc/autograd";
 * const vae = mlpVae({ inputDim: 16, hidden: [8], latentDim: 2, rng: new Rng(0) });
 * const { loss } = vae.loss(new Tensor(rand([4, 16])));
 * loss.backward();
 * console.log(loss.item() > 0); // true
 * ```
 *
 * @module
 */
export * from "./vae.ts";
export * from "./vae_models.ts";
export * from "./hw7_vae.ts";
export * from "./gan_losses.ts";
export * from "./gradient_penalty.ts";
export * from "./gan_models.ts";
export * from "./gan_trainer.ts";
export * from "./gan_1d.ts";
export * from "./autoencoder.ts";
export * from "./corruption.ts";
export * from "./autoencoder_penalties.ts";
export * from "./linear_autoencoder.ts";
export * from "./planar_flow.ts";
