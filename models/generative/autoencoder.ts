/**
 * {@link Autoencoder}: `x' = D(E(x)) ≈ x` with the notes' variants — denoising (a
 * {@link Corruption} of the input in training mode), contractive (`λ‖∂E/∂x‖²_F`), sparse (KL of
 * the mean code activations from a target) — and a pluggable reconstruction metric (L2, L1,
 * binary cross-entropy on logits, or any function). {@link mlpAutoencoder} builds the MLP form.
 *
 * @module
 */
import {
  checkNumber,
  checkOneOf,
  checkOptions,
  checkProbability,
  describe,
  type DType,
  fmtShape,
  type Rng,
} from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { type AnyModule, bceWithLogits, Module, Sigmoid, Tanh } from "@nnc/layers";
import { type ActivationSpec, mlp } from "../mlp/mlp.ts";
import { Corruption, type CorruptionKind } from "./corruption.ts";
import { contractivePenalty, sparsityPenalty } from "./autoencoder_penalties.ts";
import { checkTensorArg, named } from "./_named.ts";

/**
 * How a reconstruction is scored, per sample and summed over its features: `"l2"` `‖x' − x‖²`
 * (default), `"l1"` `‖x' − x‖₁`, `"bce"` the binary cross-entropy of logits `x'` against `x`, or
 * a function of (output, target) returning the batch's loss.
 *
 * @example
 * ```ts
 * import type { ReconstructionMetric } from "@nnc/models/generative";
 * const m: ReconstructionMetric = (out, x) => out.sub(x).abs().max();
 * ```
 */
export type ReconstructionMetric =
  | "l2"
  | "l1"
  | "bce"
  | ((output: Tensor, target: Tensor) => Tensor);

/**
 * Options of {@link Autoencoder.loss}.
 *
 * @example
 * ```ts
 * import type { AutoencoderLossOptions } from "@nnc/models/generative";
 * const contractive: AutoencoderLossOptions = { contractive: 0.1 };
 * const sparse: AutoencoderLossOptions = { sparsity: { target: 0.05, weight: 1 } };
 * ```
 */
export interface AutoencoderLossOptions {
  /** The reconstruction metric. Default `"l2"`. */
  reconstruction?: ReconstructionMetric;
  /** λ of the contractive penalty `λ · mean ‖∂E(x)/∂x‖²_F`. Default 0. */
  contractive?: number;
  /** The sparse penalty `weight · Σⱼ KL(target ‖ ρ̂ⱼ)` on codes in (0, 1). Default none. */
  sparsity?: { target: number; weight: number };
  /** What the reconstruction is compared with; default `x` (the clean input). */
  target?: Tensor;
}

/**
 * What {@link Autoencoder.loss} returns.
 *
 * @example
 * ```ts
 * import { mlpAutoencoder, type AutoencoderLoss } from "@nnc/models/generative";
 * import { rand } from "@nnc/autograd";
 * const l: AutoencoderLoss = mlpAutoencoder([4, 2]).loss(rand([3, 4]));
 * console.assert(l.penalty.item() === 0 && l.codes.shape.join() === "3,2");
 * ```
 */
export interface AutoencoderLoss {
  /** `reconstruction + penalty`. */
  loss: Tensor;
  /** The reconstruction error, averaged over the batch. */
  reconstruction: Tensor;
  /** The contractive and sparse penalties (0 without them). */
  penalty: Tensor;
  /** The codes E(x̃) `[N, k]`. */
  codes: Tensor;
  /** The reconstruction D(E(x̃)). */
  output: Tensor;
}

/**
 * An autoencoder `x' = decoder(encoder(corruption(x)))`. The corruption (denoising autoencoders)
 * acts in training mode only; `encode` and `decode` never corrupt. Parameter names: `encoder.*`,
 * `decoder.*`. A plain autoencoder is not a generative model: its codes have no distribution to
 * sample from (the VAE adds one).
 *
 * @example
 * ```ts
 * import { Autoencoder } from "@nnc/models/generative";
 * import { Linear } from "@nnc/layers";
 * import { rand } from "@nnc/autograd";
 * const ae = new Autoencoder(new Linear(6, 2), new Linear(2, 6));
 * const { loss } = ae.loss(rand([5, 6]));
 * loss.backward();
 * console.assert(ae.forward(rand([5, 6])).shape.join() === "5,6" && loss.item() > 0);
 * ```
 */
export class Autoencoder extends Module<[Tensor], Tensor> {
  /** x → codes. */
  encoder: AnyModule;
  /** codes → reconstruction. */
  decoder: AnyModule;
  /** Input noise of a denoising autoencoder, or null. */
  corruption: Corruption | null;

  /** An autoencoder from its two halves (and the corruption of a denoising one). */
  constructor(
    encoder: Module<[Tensor], Tensor>,
    decoder: Module<[Tensor], Tensor>,
    corruption: Corruption | null = null,
  ) {
    super();
    if (!(encoder instanceof Module) || !(decoder instanceof Module)) {
      throw new TypeError(
        `Autoencoder: encoder and decoder must be Modules, got ${describe(encoder)} and ${
          describe(decoder)
        }`,
      );
    }
    if (corruption !== null && !(corruption instanceof Corruption)) {
      throw new TypeError(
        `Autoencoder: corruption must be a Corruption or null, got ${describe(corruption)}`,
      );
    }
    this.encoder = encoder as unknown as AnyModule;
    this.decoder = decoder as unknown as AnyModule;
    this.corruption = corruption;
  }

  /** The codes of `x` (never corrupted). */
  encode(x: Tensor): Tensor {
    checkTensorArg(x, "Autoencoder.encode", "x");
    return (this.encoder as unknown as Module<[Tensor], Tensor>).forward(x);
  }

  /** The reconstruction of codes `z`. */
  decode(z: Tensor): Tensor {
    checkTensorArg(z, "Autoencoder.decode", "z");
    return (this.decoder as unknown as Module<[Tensor], Tensor>).forward(z);
  }

  /** `decode(encode(corrupt(x)))` (corrupted in training mode only). */
  forward(x: Tensor): Tensor {
    checkTensorArg(x, "Autoencoder.forward", "x");
    return this.decode(this.encode(this.#corrupt(x)));
  }

  /** The reconstruction without corruption or gradients (what the trained model makes of x). */
  reconstruct(x: Tensor): Tensor {
    checkTensorArg(x, "Autoencoder.reconstruct", "x");
    return noGrad(() => this.decode(this.encode(x)));
  }

  /**
   * The training loss of a batch: the reconstruction error of `D(E(x̃))` against `x` (summed over
   * features, averaged over samples) plus the contractive and sparse penalties on the codes.
   */
  loss(x: Tensor, options: AutoencoderLossOptions = {}): AutoencoderLoss {
    const op = "Autoencoder.loss";
    checkTensorArg(x, op, "x");
    const o = checkOptions(options, op);
    const lambda = checkNumber(o.contractive ?? 0, op, "contractive", 0);
    const target = o.target ?? x;
    let input = this.#corrupt(x);
    if (lambda > 0) input = new Tensor(input.data, { requiresGrad: true });
    const codes = this.encode(input);
    const output = this.decode(codes);
    const reconstruction = errorOf(output, target, o.reconstruction ?? "l2", op);
    let penalty: Tensor | null = null;
    if (lambda > 0) penalty = contractivePenalty(codes, input).mul(lambda);
    if (o.sparsity !== undefined) {
      const s = checkOptions(o.sparsity, op);
      const rho = checkProbability(s.target, op, "sparsity.target", true);
      const w = checkNumber(s.weight, op, "sparsity.weight", 0);
      const sp = sparsityPenalty(codes, rho).mul(w);
      penalty = penalty === null ? sp : penalty.add(sp);
    }
    penalty ??= new Tensor(reconstruction.data.mul(0));
    return { loss: reconstruction.add(penalty), reconstruction, penalty, codes, output };
  }

  #corrupt(x: Tensor): Tensor {
    return this.corruption === null ? x : this.corruption.forward(x);
  }
}

/**
 * The reconstruction error of a batch: the metric summed over each sample's features and averaged
 * over the samples (a function metric is called as it is). Its signature fits `fit`'s `loss`, so
 * `fit(ae, { loss: reconstructionError, … })` trains a plain autoencoder on `(x, x)` pairs.
 *
 * @example
 * ```ts
 * import { reconstructionError } from "@nnc/models/generative";
 * import { tensor } from "@nnc/autograd";
 * const out = tensor([[1, 2], [0, 0]]), x = tensor([[1, 0], [1, 1]]);
 * console.assert(reconstructionError(out, x).item() === 3); // (4 + 2) / 2
 * console.assert(reconstructionError(out, x, "l1").item() === 2); // (2 + 2) / 2
 * ```
 */
export function reconstructionError(
  output: Tensor,
  target: Tensor,
  metric: ReconstructionMetric = "l2",
): Tensor {
  return errorOf(output, target, metric, "reconstructionError");
}

function errorOf(output: Tensor, target: Tensor, metric: ReconstructionMetric, op: string): Tensor {
  if (!(output instanceof Tensor) || !(target instanceof Tensor)) {
    throw new TypeError(
      `${op}: output and target must be Tensors, got ${describe(output)} and ${describe(target)}`,
    );
  }
  if (typeof metric === "function") return metric(output, target);
  checkOneOf(metric, op, "reconstruction", ["l2", "l1", "bce"]);
  if (output.size !== target.size || output.shape[0] !== target.shape[0]) {
    throw new RangeError(
      `${op}: the reconstruction ${fmtShape(output.shape)} must match the target ${
        fmtShape(target.shape)
      }`,
    );
  }
  const t = output.shape.join() === target.shape.join() ? target : target.reshape(output.shape);
  const n = Math.max(output.shape[0], 1);
  if (metric === "bce") return bceWithLogits(output, t, { reduction: "sum" }).div(n);
  const d = output.sub(t);
  return (metric === "l2" ? d.square() : d.abs()).sum().div(n);
}

/**
 * Options of {@link mlpAutoencoder}.
 *
 * @example
 * ```ts
 * import type { MlpAutoencoderOptions } from "@nnc/models/generative";
 * const denoising: MlpAutoencoderOptions = { corruption: { kind: "mask", level: 0.3 } };
 * ```
 */
export interface MlpAutoencoderOptions {
  /** Hidden activation (both halves). Default `"relu"`. */
  activation?: ActivationSpec;
  /** Activation of the codes: `"none"` (default), `"sigmoid"` (for a sparse AE) or `"tanh"`. */
  codeActivation?: "none" | "sigmoid" | "tanh";
  /** Activation of the reconstruction: `"none"` (default; logits for `"bce"`) or `"sigmoid"`. */
  outputActivation?: "none" | "sigmoid";
  /** Input corruption of a denoising autoencoder. Default none. */
  corruption?: { kind: CorruptionKind; level: number };
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator of the initial weights and the corruption. */
  rng?: Rng;
}

/**
 * An MLP autoencoder: encoder `sizes[0] → … → sizes[last]` (the code), decoder the reverse, each
 * a `mlp` of `@nnc/models/mlp` (`encoder.0.weight`, …).
 *
 * @example
 * ```ts
 * import { mlpAutoencoder } from "@nnc/models/generative";
 * import { Rng } from "@nnc/tensor";
 * const ae = mlpAutoencoder([784, 128, 32], { codeActivation: "sigmoid", rng: new Rng(0) });
 * console.assert(ae.numParameters() === 2 * (784 * 128 + 128 * 32) + 128 + 32 + 128 + 784);
 * ```
 */
export function mlpAutoencoder(
  sizes: readonly number[],
  options: MlpAutoencoderOptions = {},
): Autoencoder {
  return named("mlpAutoencoder", () => buildMlpAutoencoder(sizes, options));
}

function buildMlpAutoencoder(
  sizes: readonly number[],
  options: MlpAutoencoderOptions,
): Autoencoder {
  const op = "mlpAutoencoder";
  const o = checkOptions(options, op);
  if (
    !Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)
  ) {
    throw new RangeError(
      `${op}: sizes must list at least 2 positive integers (input, …, code), got ${
        describe(sizes)
      }`,
    );
  }
  const code = checkOneOf(o.codeActivation ?? "none", op, "codeActivation", [
    "none",
    "sigmoid",
    "tanh",
  ]);
  const out = checkOneOf(o.outputActivation ?? "none", op, "outputActivation", ["none", "sigmoid"]);
  const common = { activation: o.activation, dtype: o.dtype, rng: o.rng };
  const encoder = mlp(sizes, {
    ...common,
    outputActivation: code === "none" ? undefined : activationModule(code),
  });
  const decoder = mlp([...sizes].reverse(), {
    ...common,
    outputActivation: out === "none" ? undefined : activationModule(out),
  });
  const c = o.corruption === undefined
    ? null
    : new Corruption(checkOptions(o.corruption, op).kind, o.corruption.level, { rng: o.rng });
  return new Autoencoder(encoder, decoder, c);
}

function activationModule(name: "sigmoid" | "tanh"): AnyModule {
  return name === "sigmoid" ? new Sigmoid() : new Tanh();
}
