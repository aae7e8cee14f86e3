/**
 * {@link GanTrainer}: the alternating GAN training step of the notes (Goodfellow's algorithm):
 * `criticSteps` discriminator updates per generator update, any loss of the notes' table, WGAN's
 * weight clipping or WGAN-GP's gradient penalty, conditional GANs, and a stop with a clear error
 * naming the step when a loss becomes NaN or infinite (before that step's update, so the weights
 * and any checkpoint written so far stay good). Checkpoints hold both networks in one
 * safetensors file, written atomically.
 *
 * @module
 */
import {
  assign,
  checkBool,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  describe,
  loadSafetensors,
  NDArray,
  ones,
  Rng,
  saveSafetensors,
} from "@nnc/tensor";
import { detectAnomaly, noGrad, rand, randn, Tensor } from "@nnc/autograd";
import { type AnyModule, Module } from "@nnc/layers";
import { discriminatorLoss, type GanLossKind, generatorLoss } from "./gan_losses.ts";
import { gradientPenalty } from "./gradient_penalty.ts";

/**
 * What the trainer needs of an optimiser (every `@nnc/optim` optimiser has it).
 *
 * @example
 * ```ts
 * import type { StepOptimizer } from "@nnc/models/generative";
 * const noop: StepOptimizer = { zeroGrad() {}, step() {} };
 * ```
 */
export interface StepOptimizer {
  /** Clears the gradients of its parameters. */
  zeroGrad(): void;
  /** Updates its parameters from their gradients. */
  step(): void;
}

/** A generator or discriminator: one input, or an input and labels (conditional GAN). */
export type GanNetwork = Module<[Tensor], Tensor> | Module<[Tensor, Tensor | NDArray], Tensor>;

/**
 * Options of {@link GanTrainer}.
 *
 * @example
 * ```ts
 * import type { GanTrainerOptions } from "@nnc/models/generative";
 * import { mlp } from "@nnc/models/mlp";
 * import { RMSprop } from "@nnc/optim";
 * const g = mlp([8, 16, 2]), d = mlp([2, 16, 1]);
 * // WGAN with the notes' defaults: RMSProp α = 5e-5, clipping at 0.01, 5 critic steps.
 * const wgan: GanTrainerOptions = {
 *   generator: g, discriminator: d, latentDim: 8, loss: "wgan",
 *   generatorOptimizer: new RMSprop(g.parameters(), { lr: 5e-5 }),
 *   discriminatorOptimizer: new RMSprop(d.parameters(), { lr: 5e-5 }),
 * };
 * ```
 */
export interface GanTrainerOptions {
  /** Noise `[N, latentDim]` (and labels) → samples. */
  generator: GanNetwork;
  /** Samples (and labels) → scores `[N, 1]` or `[N]` (logits for the minimax losses). */
  discriminator: GanNetwork;
  /** Updates the generator's parameters. */
  generatorOptimizer: StepOptimizer;
  /** Updates the discriminator's parameters. */
  discriminatorOptimizer: StepOptimizer;
  /** Dimension of the noise. */
  latentDim: number;
  /** Row of the loss table. Default `"minimax"` (the notes' saturating generator loss). */
  loss?: GanLossKind;
  /** Discriminator (critic) updates per generator update. Default 5 for `"wgan"`, else 1. */
  criticSteps?: number;
  /**
   * Clip every discriminator weight to `[−c, c]` after each of its updates (WGAN). Default 0.01
   * for `"wgan"` without a gradient penalty, else none.
   */
  clipValue?: number | null;
  /** λ of WGAN-GP's gradient penalty added to the discriminator loss. Default 0 (none). */
  gradientPenalty?: number;
  /**
   * γ of the R1 penalty `(γ/2)·E‖∇ₓD(x)‖²` on real samples (Mescheder et al. 2018), which makes
   * the minimax and non-saturating GANs converge locally. Default 0 (none).
   */
  r1Penalty?: number;
  /** The noise: `"normal"` N(0, I) (default), `"uniform"` U[0, 1) (the mock final's 1-D GAN). */
  noise?: "normal" | "uniform";
  /** Generator of the noise (and of the penalty's α). */
  rng?: Rng;
  /** Run each step under `detectAnomaly`, so a NaN names the op that made it. Default false. */
  detectAnomaly?: boolean;
}

/**
 * What {@link GanTrainer.step} did.
 *
 * @example
 * ```ts
 * import type { GanStepResult } from "@nnc/models/generative";
 * const r: GanStepResult = { step: 1, discriminatorLoss: 1.38, generatorLoss: -0.69 };
 * ```
 */
export interface GanStepResult {
  /** The step's number (1 for the first). */
  step: number;
  /** The discriminator's loss of this step (with the penalty, if any). */
  discriminatorLoss: number;
  /** The generator's loss, or null when this step only updated the discriminator. */
  generatorLoss: number | null;
  /** The gradient penalty's value (WGAN-GP and R1 together), when one is used. */
  penalty?: number;
}

function network(v: unknown, op: string, name: string): AnyModule {
  if (!(v instanceof Module)) {
    throw new TypeError(`${op}: ${name} must be a Module, got ${describe(v)}`);
  }
  return v as AnyModule;
}

function optimizer(v: unknown, op: string, name: string): StepOptimizer {
  const o = v as StepOptimizer | null;
  if (
    o === null || typeof o !== "object" || typeof o.step !== "function" ||
    typeof o.zeroGrad !== "function"
  ) {
    throw new TypeError(`${op}: ${name} must have step() and zeroGrad(), got ${describe(v)}`);
  }
  return o;
}

/**
 * Trains a GAN one batch of real samples at a time. Each {@link GanTrainer.step} updates the
 * discriminator once on the batch and fresh fakes (generated without a graph unless the generator
 * also updates in this step); every `criticSteps`-th step then updates the generator on the same
 * fakes against the updated discriminator (whose parameters are frozen for that backward pass),
 * as in PyTorch's DCGAN example.
 *
 * A loss that is NaN or ±∞ throws a `RangeError` naming the step and the network before any
 * update of that step; with `detectAnomaly` the error also names the op that produced it.
 *
 * @example
 * ```ts
 * import { GanTrainer } from "@nnc/models/generative";
 * import { mlp } from "@nnc/models/mlp";
 * import { Adam } from "@nnc/optim";
 * import { Tensor } from "@nnc/autograd";
 * import { randn, Rng } from "@nnc/tensor";
 * const rng = new Rng(0);
 * const g = mlp([4, 16, 2], { rng }), d = mlp([2, 16, 1], { rng });
 * const trainer = new GanTrainer({
 *   generator: g, discriminator: d, latentDim: 4, loss: "nonSaturating", rng,
 *   generatorOptimizer: new Adam(g.parameters(), { lr: 1e-3 }),
 *   discriminatorOptimizer: new Adam(d.parameters(), { lr: 1e-3 }),
 * });
 * const r = trainer.step(new Tensor(randn([32, 2], { rng, mean: 3 })));
 * console.assert(r.step === 1 && r.generatorLoss !== null);
 * ```
 */
export class GanTrainer {
  /** The generator. */
  readonly generator: AnyModule;
  /** The discriminator (critic). */
  readonly discriminator: AnyModule;
  /** The generator's optimiser. */
  readonly generatorOptimizer: StepOptimizer;
  /** The discriminator's optimiser. */
  readonly discriminatorOptimizer: StepOptimizer;
  /** Noise dimension. */
  readonly latentDim: number;
  /** The loss table row. */
  readonly loss: GanLossKind;
  /** Discriminator updates per generator update. */
  readonly criticSteps: number;
  /** Weight clipping bound, or null. */
  readonly clipValue: number | null;
  /** λ of the gradient penalty (0: none). */
  readonly penaltyWeight: number;
  /** γ of the R1 penalty (0: none). */
  readonly r1Weight: number;
  /** The noise distribution. */
  readonly noise: "normal" | "uniform";
  /** Whether steps run under anomaly detection. */
  readonly detectAnomaly: boolean;
  /** Generator of noise and α. */
  rng: Rng | undefined;
  /** Steps taken so far. */
  stepCount = 0;

  /** A trainer for `generator` against `discriminator`. */
  constructor(options: GanTrainerOptions) {
    const op = "GanTrainer";
    if (options === undefined) throw new TypeError(`${op}: options are required`);
    const o = checkOptions(options, op);
    this.generator = network(o.generator, op, "generator");
    this.discriminator = network(o.discriminator, op, "discriminator");
    this.generatorOptimizer = optimizer(o.generatorOptimizer, op, "generatorOptimizer");
    this.discriminatorOptimizer = optimizer(o.discriminatorOptimizer, op, "discriminatorOptimizer");
    this.latentDim = checkInt(o.latentDim, op, "latentDim", 1);
    this.loss = checkOneOf(o.loss ?? "minimax", op, "loss", [
      "minimax",
      "nonSaturating",
      "lsgan",
      "wgan",
    ]);
    const wgan = this.loss === "wgan";
    this.penaltyWeight = checkNumber(o.gradientPenalty ?? 0, op, "gradientPenalty", 0);
    this.r1Weight = checkNumber(o.r1Penalty ?? 0, op, "r1Penalty", 0);
    this.criticSteps = checkInt(o.criticSteps ?? (wgan ? 5 : 1), op, "criticSteps", 1);
    const clip = o.clipValue === undefined
      ? (wgan && this.penaltyWeight === 0 ? 0.01 : null)
      : o.clipValue;
    this.clipValue = clip === null ? null : checkNumber(clip, op, "clipValue", Number.MIN_VALUE);
    this.noise = checkOneOf(o.noise ?? "normal", op, "noise", ["normal", "uniform"]);
    if (o.rng !== undefined && !(o.rng instanceof Rng)) {
      throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
    }
    this.rng = o.rng;
    this.detectAnomaly = checkBool(o.detectAnomaly ?? false, op, "detectAnomaly");
  }

  /** `n` noise vectors `[n, latentDim]` in the generator's dtype. */
  sampleNoise(n: number): Tensor {
    checkInt(n, "GanTrainer.sampleNoise", "n", 1);
    const dtype = this.generator.parameters()[0]?.dtype ?? "float32";
    const shape = [n, this.latentDim];
    return this.noise === "uniform"
      ? rand(shape, { dtype, rng: this.rng })
      : randn(shape, { dtype, rng: this.rng });
  }

  /** `n` samples of the generator (no gradients; labels for a conditional generator). */
  sample(n: number, labels?: Tensor | NDArray): Tensor {
    return noGrad(() => this.#generate(this.sampleNoise(n), labels));
  }

  /**
   * One training step on a batch of real samples (and their labels for a conditional GAN): a
   * discriminator update and, every `criticSteps`-th step, a generator update.
   */
  step(real: Tensor | NDArray, labels?: Tensor | NDArray): GanStepResult {
    const x = real instanceof Tensor
      ? real.detach()
      : real instanceof NDArray
      ? new Tensor(real)
      : null;
    if (x === null || x.ndim < 1 || x.shape[0] < 1) {
      throw new TypeError(`GanTrainer.step: real must be a non-empty batch, got ${describe(real)}`);
    }
    const step = this.stepCount + 1;
    const withGenerator = step % this.criticSteps === 0;
    const run = () => this.#step(step, x, labels, withGenerator);
    let result: GanStepResult;
    if (this.detectAnomaly) {
      try {
        result = detectAnomaly(run);
      } catch (e) {
        if (e instanceof RangeError && !e.message.startsWith("GanTrainer")) {
          throw new RangeError(`GanTrainer: step ${step} stopped: ${e.message}`, { cause: e });
        }
        throw e;
      }
    } else result = run();
    this.stepCount = step;
    return result;
  }

  /**
   * Writes both networks to one safetensors file (`generator.*` and `discriminator.*`, with the
   * step count in the metadata), through a temporary file renamed over `path`.
   */
  async saveCheckpoint(path: string | URL): Promise<void> {
    const tensors: Record<string, NDArray> = {};
    for (const [k, v] of Object.entries(this.generator.stateDict())) tensors[`generator.${k}`] = v;
    for (const [k, v] of Object.entries(this.discriminator.stateDict())) {
      tensors[`discriminator.${k}`] = v;
    }
    await saveSafetensors(path, tensors, { format: "pt", step: String(this.stepCount) });
  }

  /** Loads a checkpoint written by {@link GanTrainer.saveCheckpoint}; returns its step count. */
  async loadCheckpoint(path: string | URL): Promise<number> {
    const file = await loadSafetensors(path);
    const parts: Record<string, Record<string, NDArray>> = { generator: {}, discriminator: {} };
    for (const [k, v] of Object.entries(file.tensors)) {
      const dot = k.indexOf(".");
      const part = parts[k.slice(0, dot)];
      if (dot < 0 || part === undefined) {
        throw new RangeError(`GanTrainer.loadCheckpoint: unexpected tensor '${k}' in ${path}`);
      }
      part[k.slice(dot + 1)] = v;
    }
    this.generator.loadStateDict(parts.generator);
    this.discriminator.loadStateDict(parts.discriminator);
    const step = Number(file.metadata?.step ?? 0);
    this.stepCount = Number.isFinite(step) ? step : 0;
    return this.stepCount;
  }

  #generate(z: Tensor, labels: Tensor | NDArray | undefined): Tensor {
    const g = this.generator as unknown as Module<[Tensor, (Tensor | NDArray)?], Tensor>;
    return labels === undefined ? g.forward(z) : g.forward(z, labels);
  }

  #score(x: Tensor, labels: Tensor | NDArray | undefined): Tensor {
    const d = this.discriminator as unknown as Module<[Tensor, (Tensor | NDArray)?], Tensor>;
    return labels === undefined ? d.forward(x) : d.forward(x, labels);
  }

  #checkFinite(value: number, step: number, who: string): void {
    if (!Number.isFinite(value)) {
      throw new RangeError(
        `GanTrainer: the ${who} loss is ${value} at step ${step}; training stopped before the ${who}'s update of that step`,
      );
    }
  }

  #step(
    step: number,
    real: Tensor,
    labels: Tensor | NDArray | undefined,
    withGenerator: boolean,
  ): GanStepResult {
    const z = this.sampleNoise(real.shape[0]);
    const fake = withGenerator
      ? this.#generate(z, labels)
      : noGrad(() => this.#generate(z, labels));
    const fakeD = fake.detach();
    let dLoss = discriminatorLoss(this.#score(real, labels), this.#score(fakeD, labels), this.loss);
    let penalty: number | undefined;
    if (this.penaltyWeight > 0) {
      const gp = gradientPenalty(
        (t: Tensor) => this.#score(t, labels),
        real,
        fakeD,
        { weight: this.penaltyWeight, rng: this.rng },
      );
      penalty = gp.item();
      dLoss = dLoss.add(gp);
    }
    if (this.r1Weight > 0) {
      const r1 = gradientPenalty((t: Tensor) => this.#score(t, labels), real, real, {
        weight: this.r1Weight / 2,
        target: 0,
        alpha: ones([real.shape[0]]),
      });
      penalty = (penalty ?? 0) + r1.item();
      dLoss = dLoss.add(r1);
    }
    const dValue = dLoss.item();
    this.#checkFinite(dValue, step, "discriminator");
    this.discriminatorOptimizer.zeroGrad();
    dLoss.backward();
    this.discriminatorOptimizer.step();
    if (this.clipValue !== null) this.#clip(this.clipValue);
    let gValue: number | null = null;
    if (withGenerator) {
      const params = this.discriminator.parameters();
      const flags = params.map((p) => p.requiresGrad);
      for (const p of params) p.requiresGrad = false;
      try {
        const gLoss = generatorLoss(this.#score(fake, labels), this.loss);
        gValue = gLoss.item();
        this.#checkFinite(gValue, step, "generator");
        this.generatorOptimizer.zeroGrad();
        gLoss.backward();
      } finally {
        params.forEach((p, i) => (p.requiresGrad = flags[i]));
      }
      this.generatorOptimizer.step();
    }
    return penalty === undefined
      ? { step, discriminatorLoss: dValue, generatorLoss: gValue }
      : { step, discriminatorLoss: dValue, generatorLoss: gValue, penalty };
  }

  #clip(c: number): void {
    for (const p of this.discriminator.parameters()) assign(p.data, p.data.clamp(-c, c));
  }
}
