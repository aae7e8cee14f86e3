/**
 * The notes' table of GAN losses, on the discriminator's raw scores: {@link discriminatorLoss} and
 * {@link generatorLoss} for the minimax GAN (the notes' saturating generator loss), the
 * non-saturating variant, LSGAN (with the table's signs corrected) and WGAN; and the Bayes-optimal
 * discriminator {@link optimalDiscriminator}. The gradient penalty of WGAN-GP is
 * `gradientPenalty`.
 *
 * Naming: the notes call the generator "decoder D" and the discriminator "△"; here `generator`
 * and `discriminator` (or critic) have their usual meanings.
 *
 * @module
 */
import { asNDArray, checkOneOf, describe, type NDArray, type NDArrayLike } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

function scores(v: unknown, op: string, name: string): Tensor {
  if (!(v instanceof Tensor)) {
    throw new TypeError(`${op}: ${name} must be a Tensor of scores, got ${describe(v)}`);
  }
  return v;
}

/**
 * A row of the notes' loss table:
 * - `"minimax"`: `L_D = −E log D(x) − E log(1 − D(x̂))`, `L_G = E log(1 − D(x̂))` (saturating);
 * - `"nonSaturating"`: the same `L_D`, `L_G = −E log D(x̂)`;
 * - `"lsgan"`: `L_D = E(D(x) − 1)² + E D(x̂)²`, `L_G = E(D(x̂) − 1)²` (the notes print the signs wrong);
 * - `"wgan"`: `L_D = −E D(x) + E D(x̂)`, `L_G = −E D(x̂)` (add `gradientPenalty` for WGAN-GP).
 *
 * For the first two the scores are logits, `D = σ(score)`, and the logs are computed stably
 * (`log D = −softplus(−s)`, `log(1 − D) = −softplus(s)`); LSGAN and WGAN use the scores as they are.
 *
 * @example
 * ```ts
 * import type { GanLossKind } from "@nnc/models/generative";
 * const kind: GanLossKind = "nonSaturating";
 * ```
 */
export type GanLossKind = "minimax" | "nonSaturating" | "lsgan" | "wgan";

const KINDS: readonly GanLossKind[] = ["minimax", "nonSaturating", "lsgan", "wgan"];

/**
 * The discriminator's (critic's) loss of a batch from its scores on real and generated samples,
 * averaged over each batch. Minimising it is the notes' "maximise V over △".
 *
 * @example
 * ```ts
 * import { discriminatorLoss } from "@nnc/models/generative";
 * import { zeros } from "@nnc/autograd";
 * // D ≡ ½ (logits 0): the value is 2 log 2 = log 4, i.e. V = −log 4.
 * const l = discriminatorLoss(zeros([8, 1], { dtype: "float64" }), zeros([8, 1], { dtype: "float64" }));
 * console.assert(Math.abs(l.item() - Math.log(4)) < 1e-15);
 * ```
 */
export function discriminatorLoss(
  realScores: Tensor,
  fakeScores: Tensor,
  kind: GanLossKind = "minimax",
): Tensor {
  checkOneOf(kind, "discriminatorLoss", "kind", KINDS);
  scores(realScores, "discriminatorLoss", "realScores");
  scores(fakeScores, "discriminatorLoss", "fakeScores");
  switch (kind) {
    case "lsgan":
      return realScores.sub(1).square().mean().add(fakeScores.square().mean());
    case "wgan":
      return fakeScores.mean().sub(realScores.mean());
    default:
      return realScores.neg().softplus().mean().add(fakeScores.softplus().mean());
  }
}

/**
 * The generator's loss of a batch from the discriminator's scores on its samples.
 *
 * @example
 * ```ts
 * import { generatorLoss } from "@nnc/models/generative";
 * import { tensor } from "@nnc/autograd";
 * const s = tensor([-4], { dtype: "float64" }); // D(x̂) = σ(−4) ≈ 0.018: the generator is losing
 * const g = generatorLoss(s, "minimax").item(), ns = generatorLoss(s, "nonSaturating").item();
 * console.assert(Math.abs(g - Math.log(1 - 1 / (1 + Math.exp(4)))) < 1e-12 && ns > 4);
 * ```
 */
export function generatorLoss(fakeScores: Tensor, kind: GanLossKind = "minimax"): Tensor {
  checkOneOf(kind, "generatorLoss", "kind", KINDS);
  scores(fakeScores, "generatorLoss", "fakeScores");
  switch (kind) {
    case "minimax":
      return fakeScores.softplus().mean().neg();
    case "nonSaturating":
      return fakeScores.neg().softplus().mean();
    case "lsgan":
      return fakeScores.sub(1).square().mean();
    default:
      return fakeScores.mean().neg();
  }
}

/**
 * The Bayes-optimal discriminator `D*(x) = p_data(x) / (p_data(x) + p_model(x))` from the two
 * densities at the same points (NaN where both vanish).
 *
 * @example
 * ```ts
 * import { optimalDiscriminator } from "@nnc/models/generative";
 * console.assert(Math.abs(optimalDiscriminator(0.3, 0.1) - 0.75) < 1e-15);
 * console.assert(optimalDiscriminator(2, 2) === 0.5);
 * ```
 */
export function optimalDiscriminator(pData: number, pModel: number): number;
/** Elementwise over arrays of densities. */
export function optimalDiscriminator(pData: NDArrayLike, pModel: NDArrayLike): NDArray;
export function optimalDiscriminator(
  pData: number | NDArrayLike,
  pModel: number | NDArrayLike,
): number | NDArray {
  const op = "optimalDiscriminator";
  if (typeof pData === "number" && typeof pModel === "number") {
    if (!(pData >= 0) || !(pModel >= 0)) {
      throw new RangeError(`${op}: densities must be >= 0, got ${pData} and ${pModel}`);
    }
    return pData / (pData + pModel);
  }
  const p = asNDArray(pData, op, "pData"), q = asNDArray(pModel, op, "pModel");
  if (p.min().item() < 0 || q.min().item() < 0) {
    throw new RangeError(`${op}: densities must be >= 0`);
  }
  return p.div(p.add(q));
}
