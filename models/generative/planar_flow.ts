/**
 * Planar normalising flows (Rezende & Mohamed): {@link PlanarFlow}, one layer
 * `f(z) = z + û·tanh(wᵀz + b)` with `log|det ∂f| = log|1 + tanh'(wᵀz + b)·ûᵀw|` (the matrix
 * determinant lemma), and {@link NormalizingFlow}, a stack of them over a standard normal base,
 * trained by maximum likelihood.
 *
 * The flow runs in the normalising direction: data x → base z = g(x), and
 * `log p(x) = log N(g(x); 0, I) + Σ log|det ∂gₖ|` — the notes' change of variables
 * `p_X(x) = p_Z(F⁻¹(x))·|det ∂F|⁻¹` for the generator `F = g⁻¹`, with the `log p_Z` term the notes'
 * printed log-likelihood omits. Sampling inverts each layer (a monotone scalar equation along w).
 *
 * @module
 */
import {
  checkFloatDType,
  checkInt,
  checkOptions,
  describe,
  type DType,
  fmtShape,
  NDArray,
  randn,
  Rng,
  zeros,
} from "@nnc/tensor";
import { matmul, noGrad, Tensor } from "@nnc/autograd";
import { init, Module, ModuleList, Parameter } from "@nnc/layers";
import { named } from "./_named.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Options of {@link PlanarFlow} and {@link planarFlow}.
 *
 * @example
 * ```ts
 * import type { PlanarFlowOptions } from "@nnc/models/generative";
 * import { Rng } from "@nnc/tensor";
 * const o: PlanarFlowOptions = { dtype: "float64", rng: new Rng(0) };
 * ```
 */
export interface PlanarFlowOptions {
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator of the initial parameters (u, w ~ N(0, 0.1²), b = 0). */
  rng?: Rng;
}

/**
 * One planar layer on `[N, d]`: `f(z) = z + û tanh(wᵀz + b)` with parameters `u`, `w` `[d]` and
 * `b` `[1]`, where `û = u + (m(wᵀu) − wᵀu)·w/‖w‖²`, `m(a) = −1 + softplus(a)`, keeps `ûᵀw > −1`
 * so that f is invertible. `forward` returns `[f(z), log|det ∂f/∂z|]` (`[N, d]` and `[N]`).
 *
 * @example
 * ```ts
 * import { PlanarFlow } from "@nnc/models/generative";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const f = new PlanarFlow(2, { rng: new Rng(0), dtype: "float64" });
 * const z = randn([5, 2], { dtype: "float64" });
 * const [y, logDet] = f.forward(z);
 * console.assert(logDet.shape.join() === "5" && f.inverse(y.data).sub(z.data).abs().max().item() < 1e-9);
 * ```
 */
export class PlanarFlow extends Module<[Tensor], [Tensor, Tensor]> {
  /** Dimension d. */
  readonly features: number;
  /** u `[d]` (before the invertibility correction). */
  u: Parameter;
  /** w `[d]`. */
  w: Parameter;
  /** b `[1]`. */
  b: Parameter;

  /** A planar layer on `features` dimensions. */
  constructor(features: number, options: PlanarFlowOptions = {}) {
    super();
    const o = checkOptions(options, "PlanarFlow");
    this.features = checkInt(features, "PlanarFlow", "features", 1, 1 << 24);
    const dtype = checkFloatDType(o.dtype ?? "float32", "PlanarFlow");
    if (o.rng !== undefined && !(o.rng instanceof Rng)) {
      throw new TypeError(`PlanarFlow: rng must be an Rng, got ${describe(o.rng)}`);
    }
    this.u = new Parameter(zeros([features], { dtype }));
    this.w = new Parameter(zeros([features], { dtype }));
    this.b = new Parameter(zeros([1], { dtype }));
    init.normal(this.u, 0, 0.1, { rng: o.rng });
    init.normal(this.w, 0, 0.1, { rng: o.rng });
  }

  /** û, the u that keeps the layer invertible (`ûᵀw = m(wᵀu) > −1`). */
  uHat(): Tensor {
    const wu = this.w.mul(this.u).sum();
    const m = wu.softplus().sub(1);
    return this.u.add(this.w.mul(m.sub(wu).div(this.w.square().sum().add(1e-12))));
  }

  /** `[f(z), log|det ∂f/∂z|]`. */
  forward(z: Tensor): [Tensor, Tensor] {
    if (!(z instanceof Tensor) || z.ndim !== 2 || z.shape[1] !== this.features) {
      throw new RangeError(
        `PlanarFlow: input must be [N, ${this.features}], got ${
          z instanceof Tensor ? fmtShape(z.shape) : describe(z)
        }`,
      );
    }
    const uh = this.uHat();
    const a = matmul(z, this.w.reshape([this.features, 1])).add(this.b); // [N, 1]
    const h = a.tanh();
    const out = z.add(h.mul(uh));
    const psiU = h.square().neg().add(1).mul(this.w.mul(uh).sum()); // tanh'(a) ûᵀw, [N, 1]
    return [out, psiU.add(1).abs().log().reshape([z.shape[0]])];
  }

  /**
   * The inverse `f⁻¹(y)` `[N, d]` (no gradients): `α = wᵀz` solves the increasing equation
   * `α + (ûᵀw) tanh(α + b) = wᵀy` (bisection to float64 precision), then `z = y − û tanh(α + b)`.
   */
  inverse(y: NDArray): NDArray {
    if (!(y instanceof NDArray) || y.ndim !== 2 || y.shape[1] !== this.features) {
      throw new RangeError(
        `PlanarFlow.inverse: input must be an NDArray [N, ${this.features}], got ${describe(y)}`,
      );
    }
    const d = this.features, n = y.shape[0];
    const uh = noGrad(() => this.uHat()).data.astype("float64").toArray() as number[];
    const w = this.w.data.astype("float64").toArray() as number[];
    const b = this.b.data.item();
    const c = uh.reduce((s, v, i) => s + v * w[i], 0);
    const ys = y.astype("float64").toArray() as number[][];
    const out = new Float64Array(n * d);
    for (let r = 0; r < n; r++) {
      const row = ys[r];
      const t = row.reduce((s, v, i) => s + v * w[i], 0);
      // s(α) = α + c tanh(α + b) is non-decreasing (c > −1) and |s(α) − α| ≤ |c|.
      let lo = t - Math.abs(c) - 1e-12, hi = t + Math.abs(c) + 1e-12;
      for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(t)); it++) {
        const mid = 0.5 * (lo + hi);
        if (mid + c * Math.tanh(mid + b) < t) lo = mid;
        else hi = mid;
      }
      const th = Math.tanh(0.5 * (lo + hi) + b);
      for (let i = 0; i < d; i++) out[r * d + i] = row[i] - uh[i] * th;
    }
    return NDArray.fromTyped(out, [n, d]).astype(y.dtype);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `features=${this.features}`;
  }
}

/**
 * A normalising flow: planar layers `g = f_K ∘ … ∘ f_1` from data to a standard normal base.
 * `forward(x)` is `log p(x)` `[N]`; train by minimising its negative mean. `sample` draws from
 * the base and inverts the layers.
 *
 * @example
 * ```ts
 * import { planarFlow } from "@nnc/models/generative";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const flow = planarFlow(2, 4, { rng: new Rng(0) });
 * const nll = flow.forward(randn([8, 2])).mean().neg();
 * nll.backward();
 * console.assert(flow.sample(3).shape.join() === "3,2");
 * ```
 */
export class NormalizingFlow extends Module<[Tensor], Tensor> {
  /** The layers, applied in order from data to base. */
  flows: ModuleList<PlanarFlow>;
  /** Dimension of the data. */
  readonly features: number;

  /** A flow through `layers` (all of the same dimension). */
  constructor(layers: readonly PlanarFlow[]) {
    super();
    if (
      !Array.isArray(layers) || layers.length === 0 || !layers.every((l) => l instanceof PlanarFlow)
    ) {
      throw new TypeError(
        `NormalizingFlow: layers must be a non-empty list of PlanarFlow, got ${describe(layers)}`,
      );
    }
    this.features = layers[0].features;
    if (layers.some((l) => l.features !== this.features)) {
      throw new RangeError("NormalizingFlow: every layer must have the same number of features");
    }
    this.flows = new ModuleList<PlanarFlow>(layers);
  }

  /** `[g(x), Σ log|det ∂gₖ|]`: the base point and the log-determinant, `[N, d]` and `[N]`. */
  transform(x: Tensor): [Tensor, Tensor] {
    let z = x;
    let logDet: Tensor | null = null;
    for (const f of this.flows) {
      const [next, ld] = f.forward(z);
      z = next;
      logDet = logDet === null ? ld : logDet.add(ld);
    }
    return [z, logDet!];
  }

  /** `log p(x) = log N(g(x); 0, I) + Σ log|det ∂gₖ|`, `[N]`. */
  forward(x: Tensor): Tensor {
    const [z, logDet] = this.transform(x);
    const base = z.square().sum({ axis: 1 }).add(this.features * LOG_2PI).mul(-0.5);
    return base.add(logDet);
  }

  /** `n` samples `g⁻¹(z)`, z ~ N(0, I) (no gradients). */
  sample(n: number, rng?: Rng): NDArray {
    checkInt(n, "NormalizingFlow.sample", "n", 1);
    let x = randn([n, this.features], { dtype: this.flows.at(0).w.dtype, rng });
    const layers = [...this.flows];
    for (let k = layers.length - 1; k >= 0; k--) x = layers[k].inverse(x);
    return x;
  }
}

/**
 * A {@link NormalizingFlow} of `layers` planar layers on `features` dimensions.
 *
 * @example
 * ```ts
 * import { planarFlow } from "@nnc/models/generative";
 * const flow = planarFlow(2, 16);
 * console.assert(flow.numParameters() === 16 * (2 + 2 + 1));
 * ```
 */
export function planarFlow(
  features: number,
  layers: number,
  options: PlanarFlowOptions = {},
): NormalizingFlow {
  return named("planarFlow", () => {
    const k = checkInt(layers, "planarFlow", "layers", 1, 100_000);
    return new NormalizingFlow(Array.from({ length: k }, () => new PlanarFlow(features, options)));
  });
}
