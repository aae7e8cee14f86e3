/**
 * Ready-made VAEs: {@link mlpVae} (Kingma & Welling's 784-400-20 by default) and
 * {@link convVae} (two stride-2 convolutions each way, for 28×28 images).
 *
 * @module
 */
import { checkInt, checkOptions, describe, type DType, type Rng } from "@nnc/tensor";
import { Conv2d, ConvTranspose2d, Flatten, Linear, ReLU, Sequential, Unflatten } from "@nnc/layers";
import { mlp } from "../mlp/mlp.ts";
import { VAE, type VaeLikelihood } from "./vae.ts";
import { named } from "./_named.ts";

/**
 * Options of {@link mlpVae}.
 *
 * @example
 * ```ts
 * import type { MlpVaeOptions } from "@nnc/models/generative";
 * const o: MlpVaeOptions = { inputDim: 784, hidden: [400], latentDim: 2 };
 * ```
 */
export interface MlpVaeOptions {
  /** Input features. Default 784. */
  inputDim?: number;
  /** Hidden widths of the encoder (the decoder mirrors them). Default `[400]`. */
  hidden?: readonly number[];
  /** Latent dimension. Default 20. */
  latentDim?: number;
  /** Decoder likelihood. Default `"bernoulli"`. */
  likelihood?: VaeLikelihood;
  /** σ of a Gaussian decoder (number or `"learned"`). Default 1. */
  decoderStd?: number | "learned";
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for the initial weights and ε. */
  rng?: Rng;
}

function widths(v: unknown, op: string): number[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => Number.isInteger(s) && s > 0)) {
    throw new RangeError(`${op}: hidden must list positive integers, got ${describe(v)}`);
  }
  return [...v];
}

/**
 * An MLP VAE: encoder `inputDim → hidden… (ReLU)`, heads to `latentDim`, decoder
 * `latentDim → reversed hidden… (ReLU) → inputDim`. Defaults give the classic 784-400-20 model of
 * PyTorch's VAE example, with state-dict keys `encoder.0.*`, `fcMu.*`, `fcLogvar.*`,
 * `decoder.0.*`, `decoder.2.*`.
 *
 * @example
 * ```ts
 * import { mlpVae } from "@nnc/models/generative";
 * import { Rng } from "@nnc/tensor";
 * const vae = mlpVae({ rng: new Rng(0) });
 * console.assert(vae.numParameters() === 784 * 400 + 400 + 2 * (400 * 20 + 20) + 20 * 400 + 400 + 400 * 784 + 784);
 * ```
 */
export function mlpVae(options: MlpVaeOptions = {}): VAE {
  return named("mlpVae", () => buildMlpVae(options));
}

function buildMlpVae(options: MlpVaeOptions): VAE {
  const op = "mlpVae";
  const o = checkOptions(options, op);
  const inputDim = checkInt(o.inputDim ?? 784, op, "inputDim", 1);
  const hidden = widths(o.hidden ?? [400], op);
  const latentDim = checkInt(o.latentDim ?? 20, op, "latentDim", 1);
  const common = { dtype: o.dtype, rng: o.rng };
  const encoder = mlp([inputDim, ...hidden], { ...common, outputActivation: new ReLU() });
  const decoder = mlp([latentDim, ...[...hidden].reverse(), inputDim], common);
  return new VAE(encoder, decoder, {
    hiddenFeatures: hidden[hidden.length - 1],
    latentDim,
    likelihood: o.likelihood,
    decoderStd: o.decoderStd,
    ...common,
  });
}

/**
 * Options of {@link convVae}.
 *
 * @example
 * ```ts
 * import type { ConvVaeOptions } from "@nnc/models/generative";
 * const o: ConvVaeOptions = { latentDim: 16, channels: [32, 64] };
 * ```
 */
export interface ConvVaeOptions {
  /** `[C, H, W]` of the images; H and W divisible by 4. Default `[1, 28, 28]`. */
  imageShape?: readonly [number, number, number];
  /** Channels of the two convolutions. Default `[32, 64]`. */
  channels?: readonly [number, number];
  /** Latent dimension. Default 16. */
  latentDim?: number;
  /** Decoder likelihood. Default `"bernoulli"`. */
  likelihood?: VaeLikelihood;
  /** σ of a Gaussian decoder. Default 1. */
  decoderStd?: number | "learned";
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for the initial weights and ε. */
  rng?: Rng;
}

/**
 * A convolutional VAE: encoder `Conv(4×4, stride 2) → ReLU → Conv(4×4, stride 2) → ReLU →
 * flatten`, decoder `Linear → ReLU → unflatten → ConvT(4×4, stride 2) → ReLU → ConvT(4×4,
 * stride 2)` back to `[N, C, H, W]` (28 → 14 → 7 → 14 → 28 for Fashion-MNIST).
 *
 * @example
 * ```ts
 * import { convVae } from "@nnc/models/generative";
 * import { rand, Rng } from "@nnc/tensor";
 * import { Tensor } from "@nnc/autograd";
 * const vae = convVae({ latentDim: 4, channels: [4, 8], rng: new Rng(0) });
 * const out = vae.forward(new Tensor(rand([2, 1, 28, 28])));
 * console.assert(out.output.shape.join() === "2,1,28,28" && out.mu.shape.join() === "2,4");
 * ```
 */
export function convVae(options: ConvVaeOptions = {}): VAE {
  return named("convVae", () => buildConvVae(options));
}

function buildConvVae(options: ConvVaeOptions): VAE {
  const op = "convVae";
  const o = checkOptions(options, op);
  const shape = o.imageShape ?? [1, 28, 28];
  if (
    !Array.isArray(shape) || shape.length !== 3 ||
    !shape.every((s) => Number.isInteger(s) && s > 0) ||
    shape[1] % 4 !== 0 || shape[2] % 4 !== 0
  ) {
    throw new RangeError(
      `${op}: imageShape must be [C, H, W] with H and W divisible by 4, got ${describe(shape)}`,
    );
  }
  const [c, h, w] = shape;
  const channels = o.channels ?? [32, 64];
  if (!Array.isArray(channels) || channels.length !== 2) {
    throw new RangeError(
      `${op}: channels must be two positive integers, got ${describe(channels)}`,
    );
  }
  const c1 = checkInt(channels[0], op, "channels[0]", 1);
  const c2 = checkInt(channels[1], op, "channels[1]", 1);
  const latentDim = checkInt(o.latentDim ?? 16, op, "latentDim", 1);
  const common = { dtype: o.dtype, rng: o.rng };
  const flat = c2 * (h / 4) * (w / 4);
  const down = { stride: 2, padding: 1, ...common };
  const encoder = new Sequential(
    new Conv2d(c, c1, 4, down),
    new ReLU(),
    new Conv2d(c1, c2, 4, down),
    new ReLU(),
    new Flatten(),
  );
  const decoder = new Sequential(
    new Linear(latentDim, flat, common),
    new ReLU(),
    new Unflatten(1, [c2, h / 4, w / 4]),
    new ConvTranspose2d(c2, c1, 4, down),
    new ReLU(),
    new ConvTranspose2d(c1, c, 4, down),
  );
  return new VAE(encoder, decoder, {
    hiddenFeatures: flat,
    latentDim,
    likelihood: o.likelihood,
    decoderStd: o.decoderStd,
    ...common,
  });
}
