/**
 * Information measures of the notes, in nats, differentiable in both arguments:
 * {@link entropy}, {@link klDivergence} and {@link jsDivergence} of discrete distributions,
 * {@link bernoulliKlDivergence} (the sparse autoencoder's penalty) and
 * {@link gaussianKlDivergence} (the VAE's closed-form KL of diagonal Gaussians).
 *
 * `klDiv` (PyTorch's loss on log-probabilities) is the loss form; these take probabilities.
 *
 * @module
 */
import {
  checkOptions,
  checkProbability,
  describe,
  fmtShape,
  type NDArray,
  sameShape,
} from "@nnc/tensor";
import { fullLike, type Tensor, where } from "@nnc/autograd";
import { asInput } from "./_util.ts";

/**
 * Options of the discrete divergences.
 *
 * @example
 * ```ts
 * import type { DivergenceOptions } from "@nnc/layers";
 * const perElement: DivergenceOptions = { axis: null };
 * ```
 */
export interface DivergenceOptions {
  /** Axis holding the outcomes, summed over (default −1, the last); `null` keeps every term. */
  axis?: number | null;
}

function axisOf(options: DivergenceOptions, x: Tensor, op: string): number | null {
  checkOptions(options, op);
  const a = options.axis === undefined ? -1 : options.axis;
  if (a === null) return null;
  if (!Number.isInteger(a) || a < -Math.max(x.ndim, 1) || a >= Math.max(x.ndim, 1)) {
    throw new RangeError(
      `${op}: axis must be an integer in [-${x.ndim}, ${x.ndim - 1}] or null, got ${describe(a)}`,
    );
  }
  return a;
}

function reduce(terms: Tensor, axis: number | null): Tensor {
  return axis === null || terms.ndim === 0 ? terms : terms.sum({ axis });
}

function same(p: Tensor | NDArray, q: Tensor | NDArray, op: string): [Tensor, Tensor] {
  const a = asInput(p, op, "p"), b = asInput(q, op, "q");
  if (!sameShape(a.shape, b.shape)) {
    throw new RangeError(
      `${op}: p ${fmtShape(a.shape)} and q ${fmtShape(b.shape)} must have the same shape`,
    );
  }
  return [a, b];
}

/** `p log(p/q)` per element with `0 log(0/q) = 0`; `q = 0 < p` gives +∞. */
function klTerms(p: Tensor, q: Tensor): Tensor {
  const pos = p.data.gt(0);
  // Where p = 0 both logs see 1, so neither the value nor the gradient of the unused branch is NaN.
  const ratio = where(pos, p, 1).log().sub(where(pos, q, 1).log());
  return where(pos, p.mul(ratio), 0);
}

/**
 * Shannon entropy `H(p) = −Σ p log p` (nats, `0 log 0 = 0`) along `axis`.
 *
 * @example
 * ```ts
 * import { entropy } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const h = entropy(tensor([0.5, 0.5], { dtype: "float64" })).item();
 * console.assert(Math.abs(h - Math.LN2) < 1e-15);
 * ```
 */
export function entropy(p: Tensor | NDArray, options: DivergenceOptions = {}): Tensor {
  const op = "entropy";
  const a = asInput(p, op, "p");
  const pos = a.data.gt(0);
  return reduce(where(pos, a.mul(where(pos, a, 1).log()), 0).neg(), axisOf(options, a, op));
}

/**
 * Kullback–Leibler divergence `KL(p ‖ q) = Σ p log(p/q)` of probability vectors along `axis`
 * (nats). Terms with `p = 0` are 0; `q = 0` where `p > 0` gives +∞. Not symmetric.
 *
 * @example
 * ```ts
 * import { klDivergence } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const p = tensor([0.5, 0.5], { dtype: "float64" }), q = tensor([0.9, 0.1], { dtype: "float64" });
 * console.assert(Math.abs(klDivergence(p, q).item() - 0.5108256238) < 1e-9);
 * console.assert(Math.abs(klDivergence(q, p).item() - 0.3680642071) < 1e-9);
 * ```
 */
export function klDivergence(
  p: Tensor | NDArray,
  q: Tensor | NDArray,
  options: DivergenceOptions = {},
): Tensor {
  const op = "klDivergence";
  const [a, b] = same(p, q, op);
  return reduce(klTerms(a, b), axisOf(options, a, op));
}

/**
 * Jensen–Shannon divergence `JS(p ‖ q) = ½KL(p ‖ m) + ½KL(q ‖ m)`, `m = ½(p + q)`, along
 * `axis` (nats): symmetric, 0 exactly when `p = q`, at most `log 2`.
 *
 * @example
 * ```ts
 * import { jsDivergence } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const js = jsDivergence(tensor([1, 0], { dtype: "float64" }), tensor([0, 1], { dtype: "float64" }));
 * console.assert(Math.abs(js.item() - Math.LN2) < 1e-15);
 * ```
 */
export function jsDivergence(
  p: Tensor | NDArray,
  q: Tensor | NDArray,
  options: DivergenceOptions = {},
): Tensor {
  const op = "jsDivergence";
  const [a, b] = same(p, q, op);
  const m = a.add(b).mul(0.5);
  return reduce(klTerms(a, m).add(klTerms(b, m)).mul(0.5), axisOf(options, a, op));
}

/**
 * KL divergence of Bernoulli distributions, elementwise:
 * `ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂))` (the sparse autoencoder's penalty with target
 * activation `rho` and mean activations `rhoHat`). `rho` may be a number.
 *
 * @example
 * ```ts
 * import { bernoulliKlDivergence } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const kl = bernoulliKlDivergence(0.5, tensor([0.5, 0.9], { dtype: "float64" }));
 * console.assert(kl.get(0) === 0 && Math.abs(kl.get(1) - 0.5108256238) < 1e-9);
 * ```
 */
export function bernoulliKlDivergence(rho: number | Tensor | NDArray, rhoHat: Tensor): Tensor {
  const op = "bernoulliKlDivergence";
  const q = asInput(rhoHat, op, "rhoHat");
  let p: Tensor;
  if (typeof rho === "number") {
    p = fullLike(q, checkProbability(rho, op, "rho", true));
  } else p = asInput(rho, op, "rho");
  if (!sameShape(p.shape, q.shape)) {
    const fits = p.ndim <= q.ndim &&
      p.shape.every((d, i) => d === 1 || d === q.shape[q.ndim - p.ndim + i]);
    if (!fits) {
      throw new RangeError(
        `${op}: rho ${fmtShape(p.shape)} does not broadcast to rhoHat ${fmtShape(q.shape)}`,
      );
    }
    p = p.expand(q.shape);
  }
  return klTerms(p, q).add(klTerms(p.neg().add(1), q.neg().add(1)));
}

/**
 * Options of {@link gaussianKlDivergence}.
 *
 * @example
 * ```ts
 * import type { GaussianKlOptions } from "@nnc/layers";
 * const o: GaussianKlOptions = { axis: null };
 * ```
 */
export interface GaussianKlOptions {
  /** Mean of the second Gaussian (default 0). */
  priorMu?: Tensor | NDArray | number;
  /** Log-variance of the second Gaussian (default 0, unit variance). */
  priorLogvar?: Tensor | NDArray | number;
  /** Axis of the latent dimensions, summed over (default −1); `null` keeps every term. */
  axis?: number | null;
}

/**
 * Closed-form `KL(N(μ, diag e^{logvar}) ‖ N(μ₀, diag e^{logvar₀}))`, by default to the standard
 * normal: `½ Σ (μ² + σ² − log σ² − 1)` summed over `axis` (the VAE's regulariser).
 *
 * @example
 * ```ts
 * import { gaussianKlDivergence } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const kl = gaussianKlDivergence(tensor([1], { dtype: "float64" }), tensor([0], { dtype: "float64" }));
 * console.assert(kl.item() === 0.5);
 * ```
 */
export function gaussianKlDivergence(
  mu: Tensor | NDArray,
  logvar: Tensor | NDArray,
  options: GaussianKlOptions = {},
): Tensor {
  const op = "gaussianKlDivergence";
  checkOptions(options, op);
  const m = asInput(mu, op, "mu"), lv = asInput(logvar, op, "logvar");
  if (!sameShape(m.shape, lv.shape)) {
    throw new RangeError(
      `${op}: mu ${fmtShape(m.shape)} and logvar ${fmtShape(lv.shape)} must have the same shape`,
    );
  }
  const axis = axisOf({ axis: options.axis }, m, op);
  const m0 = options.priorMu ?? 0, lv0 = options.priorLogvar ?? 0;
  let terms: Tensor;
  if (m0 === 0 && lv0 === 0) {
    terms = m.square().add(lv.exp()).sub(lv).sub(1).mul(0.5);
  } else {
    const mu0 = typeof m0 === "number" ? m0 : asInput(m0, op, "priorMu");
    const logv0 = typeof lv0 === "number" ? lv0 : asInput(lv0, op, "priorLogvar");
    // ½[(σ² + (μ − μ₀)²)/σ₀² − 1 + log σ₀² − log σ²]
    const invVar0 = typeof logv0 === "number" ? Math.exp(-logv0) : logv0.neg().exp();
    terms = lv.exp().add(m.sub(mu0).square()).mul(invVar0).sub(1).add(logv0).sub(lv).mul(0.5);
  }
  return reduce(terms, axis);
}
