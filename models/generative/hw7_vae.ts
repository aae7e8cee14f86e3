/**
 * The homework's convolutional "VAE-style" autoencoder (HW7 Q2): the notes' Gaussian VAE with a
 * unit-variance encoder `q(z|x) = N(g(x), I)` and decoder `p(x|z) = N(f(z), I)`, whose negative
 * ELBO is `½‖g(x)‖² + ½‖x − f(g(x) + ε)‖²` up to a constant. {@link hw7Decoder} is the homework's
 * decoder (sizes 10 → 360 → 720 → 20×6×6 → bicubic ×2 → 20×12×12 → 20×27×27 → 1×28×28);
 * {@link hw7Encoder} is ours (the homework reuses an earlier CNN that the notes do not show).
 *
 * Errata applied: the homework draws `z₂ = m·z + (2 − m)·ε`, which samples with noise of standard
 * deviation 2 when generating (m = 0); here generation decodes `ε ~ N(0, I)`, the prior. The
 * homework says "through the encoder" where it means the decoder.
 *
 * @module
 */
import { checkOptions, describe, type DType, fmtShape, type Rng } from "@nnc/tensor";
import { concat, Tensor } from "@nnc/autograd";
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  Sigmoid,
  Unflatten,
  Upsample,
} from "@nnc/layers";
import { VAE, type VaeOutput } from "./vae.ts";
import { named } from "./_named.ts";

/**
 * Options of the HW7 builders.
 *
 * @example
 * ```ts
 * import type { Hw7Options } from "@nnc/models/generative";
 * import { Rng } from "@nnc/tensor";
 * const o: Hw7Options = { latentDim: 10, rng: new Rng(0) };
 * ```
 */
export interface Hw7Options {
  /** Dimension of z. Default 10 (the homework's). */
  latentDim?: number;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for the initial weights, the dropout masks and ε. */
  rng?: Rng;
}

/**
 * The HW7 decoder: `Linear(k, 360) → ReLU → BN → Dropout(0.1) → Linear(360, 720) → ReLU → BN →
 * Dropout(0.1) → unflatten 20×6×6 → bicubic ×2 (20×12×12) → ConvT(20, 20, 4, stride 2,
 * outputPadding 1) (20×27×27) → ReLU → BN → Dropout(0.1) → ConvT(20, 1, 4, padding 1)
 * (1×28×28) → sigmoid`. Transposed-convolution sizes: `o = (i − 1)s − 2p + k + outputPadding`.
 *
 * @example
 * ```ts
 * import { hw7Decoder } from "@nnc/models/generative";
 * import { randn } from "@nnc/autograd";
 * const dec = hw7Decoder().eval();
 * console.assert(dec.forward(randn([2, 10])).shape.join() === "2,1,28,28");
 * ```
 */
export function hw7Decoder(options: Hw7Options = {}): Sequential {
  return named("hw7Decoder", () => buildDecoder(options));
}

function buildDecoder(options: Hw7Options): Sequential {
  const o = checkOptions(options, "hw7Decoder");
  const k = o.latentDim ?? 10;
  const common = { dtype: o.dtype, rng: o.rng };
  const norm = { dtype: o.dtype };
  return new Sequential(
    new Linear(k, 360, common),
    new ReLU(),
    new BatchNorm1d(360, norm),
    new Dropout(0.1, { rng: o.rng }),
    new Linear(360, 720, common),
    new ReLU(),
    new BatchNorm1d(720, norm),
    new Dropout(0.1, { rng: o.rng }),
    new Unflatten(1, [20, 6, 6]),
    new Upsample({ scaleFactor: 2, mode: "bicubic" }),
    new ConvTranspose2d(20, 20, 4, { stride: 2, padding: 0, outputPadding: 1, ...common }),
    new ReLU(),
    new BatchNorm2d(20, norm),
    new Dropout(0.1, { rng: o.rng }),
    new ConvTranspose2d(20, 1, 4, { stride: 1, padding: 1, ...common }),
    new Sigmoid(),
  );
}

/**
 * Our encoder for the HW7 model (the homework's "HW6 Q3 CNN" is not in the notes):
 * `Conv(1, 16, 3, pad 1) → ReLU → MaxPool 2 → Conv(16, 32, 3, pad 1) → ReLU → MaxPool 2 →
 * flatten → Linear(1568, 128) → ReLU`, 128 features for the μ head.
 *
 * @example
 * ```ts
 * import { hw7Encoder } from "@nnc/models/generative";
 * import { rand } from "@nnc/autograd";
 * console.assert(hw7Encoder().forward(rand([2, 1, 28, 28])).shape.join() === "2,128");
 * ```
 */
export function hw7Encoder(options: Hw7Options = {}): Sequential {
  return named("hw7Encoder", () => buildEncoder(options));
}

function buildEncoder(options: Hw7Options): Sequential {
  const o = checkOptions(options, "hw7Encoder");
  const common = { dtype: o.dtype, rng: o.rng };
  return new Sequential(
    new Conv2d(1, 16, 3, { padding: 1, ...common }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(16, 32, 3, { padding: 1, ...common }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(32 * 7 * 7, 128, common),
    new ReLU(),
  );
}

/**
 * The HW7 model as a {@link VAE}: {@link hw7Encoder}, a μ head to `latentDim`, no variance head
 * (unit encoder variance), {@link hw7Decoder}, Gaussian likelihood with σ = 1. Its `loss` is the
 * notes' `½‖g(x)‖² + ½‖x − f(g(x) + ε)‖²` plus the constant `(D/2) log 2π`; `sample(n)` decodes
 * draws of the prior N(0, I).
 *
 * @example
 * ```ts
 * import { hw7Vae } from "@nnc/models/generative";
 * import { Rng } from "@nnc/tensor";
 * const vae = hw7Vae({ rng: new Rng(0) });
 * console.assert(vae.fcLogvar === null && vae.sample(3).shape.join() === "3,1,28,28");
 * ```
 */
export function hw7Vae(options: Hw7Options = {}): VAE {
  return named("hw7Vae", () => buildVae(options));
}

function buildVae(options: Hw7Options): VAE {
  const o = checkOptions(options, "hw7Vae");
  return new VAE(buildEncoder(o), buildDecoder(o), {
    hiddenFeatures: 128,
    latentDim: o.latentDim ?? 10,
    likelihood: "gaussian",
    encoderVariance: "unit",
    dtype: o.dtype,
    rng: o.rng,
  });
}

/**
 * The homework's literal training target: `concat(g(x), flatten(f(g(x) + ε)) − flatten(x))`,
 * `[N, k + D]`, trained with the mean squared error against zeros. Its squared norm is twice the
 * Gaussian VAE's negative ELBO (without the constant), so MSE against 0 trains the same model up
 * to the factor `2 / (k + D)` of the mean. `output` reuses a forward pass of `x` (default: one is
 * made).
 *
 * @example
 * ```ts
 * import { hw7Residuals, hw7Vae } from "@nnc/models/generative";
 * import { rand } from "@nnc/autograd";
 * const r = hw7Residuals(hw7Vae(), rand([2, 1, 28, 28]));
 * console.assert(r.shape.join() === "2,794");
 * ```
 */
export function hw7Residuals(vae: VAE, x: Tensor, output?: VaeOutput): Tensor {
  const op = "hw7Residuals";
  if (!(vae instanceof VAE)) throw new TypeError(`${op}: vae must be a VAE, got ${describe(vae)}`);
  if (!(x instanceof Tensor) || x.ndim < 2) {
    throw new TypeError(`${op}: x must be a batch Tensor [N, …], got ${describe(x)}`);
  }
  const out = output ?? vae.forward(x);
  const n = x.shape[0];
  if (
    out === null || typeof out !== "object" || !(out.mu instanceof Tensor) ||
    !(out.output instanceof Tensor) || out.mu.ndim !== 2 || out.mu.shape[0] !== n ||
    out.output.size !== x.size || out.output.shape[0] !== n
  ) {
    throw new RangeError(
      `${op}: output must be a forward pass of x (mu [${n}, k], output shaped like x ${
        fmtShape(x.shape)
      })`,
    );
  }
  return concat([out.mu, out.output.reshape([n, -1]).sub(x.reshape([n, -1]))], 1);
}
