/**
 * {@link VAE}: the variational autoencoder of the notes (Kingma & Welling): an encoder with two
 * heads (μ and log σ²), the reparameterisation `z = μ + σ ⊙ ε`, a Bernoulli or Gaussian decoder,
 * and the negative ELBO `−E_q[log p(x|z)] + β·KL(q(z|x) ‖ N(0, I))` with the closed-form KL (or a
 * Monte-Carlo estimate), the importance-weighted estimate of `log p(x)` for evaluation, sampling
 * and reconstruction.
 *
 * @module
 */
import {
  checkFloatDType,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  describe,
  type DType,
  fmtShape,
  NDArray,
  Rng,
  stack,
} from "@nnc/tensor";
import { markGraphOwned, noGrad, randn, type Tensor, zeros } from "@nnc/autograd";
import {
  type AnyModule,
  bceWithLogits,
  gaussianKlDivergence,
  keepsNoTensors,
  Linear,
  Module,
  Parameter,
} from "@nnc/layers";
import { checkTensorArg } from "./_named.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The decoder's likelihood `p(x|z)`: `"bernoulli"` (the decoder outputs logits; the
 * reconstruction term is the binary cross-entropy) or `"gaussian"` (the decoder outputs the mean of
 * `N(x; f(z), σ²I)`).
 *
 * @example
 * ```ts
 * import type { VaeLikelihood } from "@nnc/models/generative";
 * const l: VaeLikelihood = "gaussian";
 * ```
 */
export type VaeLikelihood = "bernoulli" | "gaussian";

/**
 * Options of {@link VAE}.
 *
 * @example
 * ```ts
 * import type { VaeOptions } from "@nnc/models/generative";
 * const o: VaeOptions = { hiddenFeatures: 400, latentDim: 20, likelihood: "bernoulli" };
 * ```
 */
export interface VaeOptions {
  /** Features of the encoder body's output (the input of the μ and log σ² heads). */
  hiddenFeatures: number;
  /** Dimension of the latent code z. */
  latentDim: number;
  /** The decoder's likelihood. Default `"bernoulli"`. */
  likelihood?: VaeLikelihood;
  /**
   * Standard deviation σ of the Gaussian decoder: a fixed number (default 1) or `"learned"` (one
   * parameter `logStd`; the loss keeps its `D·log σ` term, so σ cannot collapse to 0 — the fix of
   * the mock final's learnable-Σ flaw).
   */
  decoderStd?: number | "learned";
  /**
   * `"learned"` (default): a log σ² head. `"unit"`: the notes' Gaussian VAE `q(z|x) = N(g(x), I)`
   * with no variance head.
   */
  encoderVariance?: "learned" | "unit";
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for the heads' initial weights and for ε. Default: @nnc/tensor's default one. */
  rng?: Rng;
}

/**
 * What {@link VAE.forward} returns.
 *
 * @example
 * ```ts
 * import { mlpVae, type VaeOutput } from "@nnc/models/generative";
 * import { rand } from "@nnc/autograd";
 * const out: VaeOutput = mlpVae({ inputDim: 4, hidden: [3], latentDim: 2 }).forward(rand([5, 4]));
 * console.assert(out.z.shape.join() === "5,2" && out.output.shape.join() === "5,4");
 * ```
 */
export interface VaeOutput {
  /** The decoder's output for z: logits (Bernoulli) or the mean (Gaussian), shaped like x. */
  output: Tensor;
  /** Mean of q(z|x), `[N, latentDim]`. */
  mu: Tensor;
  /** log σ² of q(z|x) (zeros for a unit-variance encoder). */
  logvar: Tensor;
  /** The sample `z = μ + σ ⊙ ε`. */
  z: Tensor;
  /** The noise ε ~ N(0, I) that drew z. */
  eps: Tensor;
}

/**
 * Options of {@link VAE.loss}.
 *
 * @example
 * ```ts
 * import type { VaeLossOptions } from "@nnc/models/generative";
 * const betaVae: VaeLossOptions = { beta: 4 };
 * const reconstructionOnly: VaeLossOptions = { beta: 0 };
 * const klOnly: VaeLossOptions = { reconstructionWeight: 0 };
 * ```
 */
export interface VaeLossOptions {
  /** Weight of the KL term (β-VAE). Default 1 (the negative ELBO). */
  beta?: number;
  /** Weight of the reconstruction term. Default 1; 0 is the notes' "KL only" ablation. */
  reconstructionWeight?: number;
  /** `"analytic"` (default): the closed-form Gaussian KL; `"montecarlo"`: `log q(z|x) − log p(z)` at the sampled z. */
  kl?: "analytic" | "montecarlo";
  /** Over the batch: `"mean"` (default), `"sum"`, or `"none"` (one value per sample). */
  reduction?: "mean" | "sum" | "none";
  /** A forward pass of this batch to reuse (default: one is made). */
  output?: VaeOutput;
}

/**
 * What {@link VAE.loss} returns: the weighted loss and its two terms (nats), reduced alike.
 *
 * @example
 * ```ts
 * import { mlpVae, type VaeLoss } from "@nnc/models/generative";
 * import { rand } from "@nnc/autograd";
 * const l: VaeLoss = mlpVae({ inputDim: 4, hidden: [3], latentDim: 2 }).loss(rand([5, 4]));
 * console.assert(Math.abs(l.loss.item() - l.reconstruction.item() - l.kl.item()) < 1e-4);
 * ```
 */
export interface VaeLoss {
  /** `reconstructionWeight · reconstruction + β · kl` (the negative ELBO by default). */
  loss: Tensor;
  /** `−log p(x|z)` at the sampled z (summed over the features of each sample). */
  reconstruction: Tensor;
  /** `KL(q(z|x) ‖ N(0, I))` (analytic or estimated). */
  kl: Tensor;
  /** The forward pass the terms were computed from. */
  output: VaeOutput;
}

/**
 * A variational autoencoder around an encoder body and a decoder:
 * `encoder: x → h [N, hiddenFeatures]`, heads `fcMu`, `fcLogvar: h → [N, latentDim]`,
 * `decoder: z → output` shaped like x (logits for the Bernoulli likelihood, the mean for the
 * Gaussian one). The prior is `N(0, I)`. Parameter names: `encoder.*`, `fcMu.*`, `fcLogvar.*`,
 * `decoder.*` (and `logStd` with a learned decoder σ). Builders: `mlpVae`, `convVae`, `hw7Vae`.
 *
 * @example
 * ```ts
 * import { VAE } from "@nnc/models/generative";
 * import { Linear, ReLU, Sequential } from "@nnc/layers";
 * import { rand } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const rng = new Rng(0);
 * const vae = new VAE(
 *   new Sequential(new Linear(6, 8, { rng }), new ReLU()),
 *   new Sequential(new Linear(2, 8, { rng }), new ReLU(), new Linear(8, 6, { rng })),
 *   { hiddenFeatures: 8, latentDim: 2, rng },
 * );
 * const { loss } = vae.loss(rand([4, 6], { rng }));
 * loss.backward();
 * console.assert(Number.isFinite(loss.item()) && vae.fcMu.weight.grad !== null);
 * ```
 */
export class VAE extends Module<[Tensor], VaeOutput> {
  /** x → h. */
  encoder: AnyModule;
  /** h → μ. */
  fcMu: Linear;
  /** h → log σ², or null for a unit-variance encoder. */
  fcLogvar: Linear | null;
  /** z → logits or mean. */
  decoder: AnyModule;
  /** log σ of a learned Gaussian decoder, `[1]`; null otherwise. */
  logStd: Parameter | null;
  /** The decoder's likelihood. */
  readonly likelihood: VaeLikelihood;
  /** Dimension of z. */
  readonly latentDim: number;
  /** Fixed σ of the Gaussian decoder (when not learned). */
  readonly decoderStd: number;
  /** Generator of ε (and of prior samples). */
  rng: Rng | undefined;

  /** A VAE from an encoder body and a decoder. */
  constructor(
    encoder: Module<[Tensor], Tensor>,
    decoder: Module<[Tensor], Tensor>,
    options: VaeOptions,
  ) {
    super();
    const op = "VAE";
    if (!(encoder instanceof Module) || !(decoder instanceof Module)) {
      throw new TypeError(
        `${op}: encoder and decoder must be Modules, got ${describe(encoder)} and ${
          describe(decoder)
        }`,
      );
    }
    if (options === undefined) {
      throw new TypeError(`${op}: options with hiddenFeatures and latentDim are required`);
    }
    const o = checkOptions(options, op);
    const hidden = checkInt(o.hiddenFeatures, op, "hiddenFeatures", 1);
    this.latentDim = checkInt(o.latentDim, op, "latentDim", 1);
    this.likelihood = checkOneOf(o.likelihood ?? "bernoulli", op, "likelihood", [
      "bernoulli",
      "gaussian",
    ]);
    const variance = checkOneOf(o.encoderVariance ?? "learned", op, "encoderVariance", [
      "learned",
      "unit",
    ]);
    if (o.rng !== undefined && !(o.rng instanceof Rng)) {
      throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
    }
    this.rng = o.rng;
    const std = o.decoderStd ?? 1;
    if (std !== "learned") checkNumber(std, op, "decoderStd", Number.MIN_VALUE);
    if (o.decoderStd !== undefined && this.likelihood !== "gaussian") {
      throw new RangeError(`${op}: decoderStd applies to the Gaussian likelihood only`);
    }
    this.decoderStd = std === "learned" ? 1 : std;
    const dtype = checkFloatDType(o.dtype ?? "float32", op);
    if (hidden * this.latentDim > 2 ** 31 - 1) {
      throw new RangeError(
        `${op}: hiddenFeatures × latentDim = ${hidden} × ${this.latentDim} exceeds 2^31-1 weights`,
      );
    }
    this.encoder = encoder as unknown as AnyModule;
    this.fcMu = new Linear(hidden, this.latentDim, { dtype, rng: o.rng });
    this.fcLogvar = variance === "learned"
      ? new Linear(hidden, this.latentDim, { dtype, rng: o.rng })
      : null;
    this.decoder = decoder as unknown as AnyModule;
    this.logStd = std === "learned" ? new Parameter(zeros([1], { dtype }).data) : null;
  }

  /** The parameters of q(z|x): μ and log σ², each `[N, latentDim]`. */
  encode(x: Tensor): { mu: Tensor; logvar: Tensor } {
    checkTensorArg(x, "VAE.encode", "x");
    const h = (this.encoder as unknown as Module<[Tensor], Tensor>).forward(x);
    if (h.ndim !== 2 || h.shape[1] !== this.fcMu.inFeatures) {
      throw new RangeError(
        `VAE: the encoder must return [N, ${this.fcMu.inFeatures}] (hiddenFeatures), got ${
          fmtShape(h.shape)
        }`,
      );
    }
    // When the encoder and the heads keep nothing, the features are read by the graph alone:
    // graph-owned (see markGraphOwned), so backward gives their memory to the next step.
    if (h !== x && this.#partsKeepNoTensors()) markGraphOwned(h);
    const mu = this.fcMu.forward(h);
    const logvar = this.fcLogvar === null ? zeros(mu.shape, { dtype: mu.dtype }) : this.fcLogvar
      .forward(h);
    return { mu, logvar };
  }

  #partsKeepNoTensors(): boolean {
    return keepsNoTensors(this.encoder) && keepsNoTensors(this.fcMu) &&
      (this.fcLogvar === null || keepsNoTensors(this.fcLogvar));
  }

  /** `z = μ + exp(½ log σ²) ⊙ ε` with ε ~ N(0, I) from `rng` (default the model's). */
  reparameterize(mu: Tensor, logvar: Tensor, rng: Rng | undefined = this.rng): {
    z: Tensor;
    eps: Tensor;
  } {
    const op = "VAE.reparameterize";
    checkTensorArg(mu, op, "mu");
    checkTensorArg(logvar, op, "logvar");
    if (logvar.shape.join() !== mu.shape.join()) {
      throw new RangeError(
        `${op}: logvar must have mu's shape ${fmtShape(mu.shape)}, got ${fmtShape(logvar.shape)}`,
      );
    }
    if (rng !== undefined && !(rng instanceof Rng)) {
      throw new TypeError(`${op}: rng must be an Rng, got ${describe(rng)}`);
    }
    const eps = randn(mu.shape, { dtype: mu.dtype, rng });
    const z = this.fcLogvar === null ? mu.add(eps) : mu.add(eps.mul(logvar.mul(0.5).exp()));
    return { z, eps };
  }

  /** The decoder's raw output for latent codes `z` `[N, latentDim]` (logits or mean). */
  decode(z: Tensor): Tensor {
    checkTensorArg(z, "VAE.decode", "z");
    if (z.ndim !== 2 || z.shape[1] !== this.latentDim) {
      throw new RangeError(
        `VAE: latent codes must be [N, ${this.latentDim}], got ${fmtShape(z.shape)}`,
      );
    }
    return (this.decoder as unknown as Module<[Tensor], Tensor>).forward(z);
  }

  /** The mean of p(x|z): pixel probabilities (Bernoulli) or the Gaussian mean. */
  decodeMean(z: Tensor): Tensor {
    const out = this.decode(z);
    return this.likelihood === "bernoulli" ? out.sigmoid() : out;
  }

  /** Encodes, samples z and decodes. */
  forward(x: Tensor): VaeOutput {
    const { mu, logvar } = this.encode(x);
    const { z, eps } = this.reparameterize(mu, logvar);
    return { output: this.decode(z), mu, logvar, z, eps };
  }

  /**
   * `log p(x|z)` per sample `[N]` for the decoder output `output` (summed over the features),
   * including the Gaussian's normalising constant `−D(log σ + ½ log 2π)`.
   */
  logLikelihood(x: Tensor, output: Tensor): Tensor {
    return this.#reconstruction(x, output, "none").neg();
  }

  /**
   * The loss of a batch: `reconstructionWeight · (−log p(x|z)) + β · KL(q(z|x) ‖ N(0, I))`, the
   * negative ELBO by default, with one z per sample. The terms are summed over features and latent
   * dimensions and reduced over the batch by `reduction` (default the mean).
   *
   * The forward pass comes back in `output`, so the backward pass leaves its values alone; a
   * training loop that does not read the decoder's output can `dispose()` `output.output` after
   * `backward()`, and the next step reuses that memory at once instead of after a garbage
   * collection (bench/ W8: 4 % a step at two threads).
   */
  loss(x: Tensor, options: VaeLossOptions = {}): VaeLoss {
    const op = "VAE.loss";
    const o = checkOptions(options, op);
    const beta = checkNumber(o.beta ?? 1, op, "beta", 0);
    const wRec = checkNumber(o.reconstructionWeight ?? 1, op, "reconstructionWeight", 0);
    const klMode = checkOneOf(o.kl ?? "analytic", op, "kl", ["analytic", "montecarlo"]);
    const reduction = checkOneOf(o.reduction ?? "mean", op, "reduction", ["mean", "sum", "none"]);
    const out = o.output ?? this.forward(x);
    const n = x.shape[0];
    const perSample = reduction === "none";
    const reconstruction = this.#reconstruction(x, out.output, perSample ? "none" : "sum");
    let kl: Tensor;
    if (klMode === "analytic") {
      kl = gaussianKlDivergence(out.mu, out.logvar, { axis: perSample ? -1 : null });
      if (!perSample) kl = kl.sum();
    } else {
      // log q(z|x) − log p(z) = Σ ½(z² − ε² − log σ²): the ½ log 2π terms cancel.
      const terms = out.z.square().sub(out.eps.square()).sub(out.logvar).mul(0.5);
      kl = perSample ? terms.sum({ axis: 1 }) : terms.sum();
    }
    const scale = reduction === "mean" ? 1 / n : 1;
    const rec = scale === 1 ? reconstruction : reconstruction.mul(scale);
    const k = scale === 1 ? kl : kl.mul(scale);
    let loss: Tensor;
    if (wRec === 0) loss = k.mul(beta);
    else {
      const r = wRec === 1 ? rec : rec.mul(wRec);
      loss = beta === 0 ? r : r.add(beta === 1 ? k : k.mul(beta));
    }
    return { loss, reconstruction: rec, kl: k, output: out };
  }

  /**
   * The importance-weighted estimate of `log p(x)` per sample (Burda et al.):
   * `log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x)` with `z_k ~ q(z|x)`; a lower bound that rises to
   * `log p(x)` as K grows (K = 1 is the ELBO). Computed without gradients; returns `[N]`.
   */
  importanceWeightedLogLikelihood(
    x: Tensor,
    samples = 64,
    rng: Rng | undefined = this.rng,
  ): NDArray {
    const k = checkInt(samples, "VAE.importanceWeightedLogLikelihood", "samples", 1);
    return noGrad(() => {
      const { mu, logvar } = this.encode(x);
      const logWeights: NDArray[] = [];
      for (let i = 0; i < k; i++) {
        const { z, eps } = this.reparameterize(mu, logvar, rng);
        // log p(z) − log q(z|x) = Σ ½(ε² + log σ² − z²)
        const prior = eps.square().add(logvar).sub(z.square()).mul(0.5).sum({ axis: 1 });
        logWeights.push(this.logLikelihood(x, this.decode(z)).add(prior).data);
      }
      return stack(logWeights, 0).logsumexp({ axis: 0 }).sub(Math.log(k));
    });
  }

  /** `n` samples of the decoder's mean at z ~ N(0, I) (no gradients). */
  sample(n: number, rng: Rng | undefined = this.rng): Tensor {
    checkInt(n, "VAE.sample", "n", 1);
    return noGrad(() =>
      this.decodeMean(randn([n, this.latentDim], { dtype: this.fcMu.weight.dtype, rng }))
    );
  }

  /** The decoder's mean at z = μ(x) (no gradients). */
  reconstruct(x: Tensor): Tensor {
    return noGrad(() => this.decodeMean(this.encode(x).mu));
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    const std = this.likelihood === "gaussian"
      ? `, decoderStd=${this.logStd === null ? this.decoderStd : "learned"}`
      : "";
    return `latentDim=${this.latentDim}, likelihood=${this.likelihood}${std}${
      this.fcLogvar === null ? ", encoderVariance=unit" : ""
    }`;
  }

  #reconstruction(x: Tensor, output: Tensor, reduction: "sum" | "none"): Tensor {
    if (output.size !== x.size || output.shape[0] !== x.shape[0]) {
      throw new RangeError(
        `VAE: the decoder output ${fmtShape(output.shape)} must match the input ${
          fmtShape(x.shape)
        }`,
      );
    }
    const target = x.shape.length === output.shape.length ? x : x.reshape(output.shape);
    const n = x.shape[0], d = x.size / Math.max(n, 1);
    if (this.likelihood === "bernoulli") {
      const bce = bceWithLogits(output, target, { reduction });
      return reduction === "sum" ? bce : bce.reshape([n, d]).sum({ axis: 1 });
    }
    const diff = output.sub(target);
    const sq = reduction === "sum" ? diff.square().sum() : diff.square().reshape([n, d]).sum({
      axis: 1,
    });
    const count = reduction === "sum" ? n * d : d;
    if (this.logStd === null) {
      const s = this.decoderStd;
      return sq.mul(0.5 / (s * s)).add(count * (Math.log(s) + 0.5 * LOG_2PI));
    }
    // −log N(x; f, σ²I) = ½‖x − f‖²/σ² + D log σ + ½ D log 2π, σ = exp(logStd)
    return sq.mul(this.logStd.mul(-2).exp().mul(0.5)).add(this.logStd.mul(count)).add(
      0.5 * count * LOG_2PI,
    ).reshape(reduction === "sum" ? [] : [n]);
  }
}

/**
 * Straight-line paths between latent codes: `steps` points from `a` to `b` (both ends included),
 * `[steps, k]` — decode them to see the notes' interpolation experiment.
 *
 * @example
 * ```ts
 * import { interpolateLatents } from "@nnc/models/generative";
 * const path = interpolateLatents([0, 0], [1, 2], 3);
 * console.assert(path.toArray().toString() === "0,0,0.5,1,1,2");
 * ```
 */
export function interpolateLatents(
  a: readonly number[] | NDArray,
  b: readonly number[] | NDArray,
  steps: number,
): NDArray {
  const op = "interpolateLatents";
  const values = (v: unknown, name: string): number[] => {
    const list = v instanceof NDArray
      ? (v.reshape([-1]).toArray() as number[])
      : Array.isArray(v)
      ? [...v]
      : null;
    if (list === null || list.length === 0 || !list.every((x) => Number.isFinite(x))) {
      throw new TypeError(
        `${op}: ${name} must be a non-empty list or NDArray of finite numbers, got ${describe(v)}`,
      );
    }
    return list;
  };
  const va = values(a, "a"), vb = values(b, "b");
  if (va.length !== vb.length) {
    throw new RangeError(
      `${op}: a and b must have the same length, got ${va.length} and ${vb.length}`,
    );
  }
  checkInt(steps, op, "steps", 2, Math.floor(2 ** 26 / va.length));
  const out = new Float32Array(steps * va.length);
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    for (let j = 0; j < va.length; j++) out[s * va.length + j] = (1 - t) * va[j] + t * vb[j];
  }
  return NDArray.fromTyped(out, [steps, va.length]);
}

/**
 * A `n × n` grid of 2-d latent codes `[n², 2]`, row by row from the top left (y decreasing, x
 * increasing), spanning `[−extent, extent]²` — decoded, the 2-d latent map of the notes.
 *
 * @example
 * ```ts
 * import { latentGrid } from "@nnc/models/generative";
 * const g = latentGrid(2, 1);
 * console.assert(g.toArray().toString() === "-1,1,1,1,-1,-1,1,-1");
 * ```
 */
export function latentGrid(n: number, extent = 3): NDArray {
  const op = "latentGrid";
  checkInt(n, op, "n", 2, 4096);
  checkNumber(extent, op, "extent", Number.MIN_VALUE);
  const out = new Float32Array(n * n * 2);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      out[2 * (r * n + c)] = -extent + (2 * extent * c) / (n - 1);
      out[2 * (r * n + c) + 1] = extent - (2 * extent * r) / (n - 1);
    }
  }
  return NDArray.fromTyped(out, [n * n, 2]);
}
