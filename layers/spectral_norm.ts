/**
 * Spectral normalisation (Miyato et al., 2018): {@link spectralNorm} divides a layer's weight by its
 * largest singular value, estimated by power iteration; {@link removeSpectralNorm} undoes it.
 *
 * @module
 */
import { noGrad, Tensor } from "@nnc/autograd";
import {
  assign,
  checkInt,
  checkNumber,
  checkOptions,
  describe,
  fmtShape,
  type NDArray,
  randn,
  type Rng,
} from "@nnc/tensor";
import { type AnyModule, Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { ConvTransposeNd } from "./conv_transpose.ts";
import { wrapForward } from "./_forward_wrap.ts";

/**
 * Options of {@link spectralNorm}.
 *
 * @example
 * ```ts
 * import type { SpectralNormOptions } from "@nnc/layers";
 * import { Rng } from "@nnc/tensor";
 * const o: SpectralNormOptions = { nPowerIterations: 2, rng: new Rng(0) };
 * ```
 */
export interface SpectralNormOptions {
  /** The parameter to normalise. Default `"weight"`. */
  name?: string;
  /** Power-iteration steps per training-mode `forward`, an integer ≥ 1. Default 1. */
  nPowerIterations?: number;
  /** Lower bound of the norms `u` and `v` are divided by, a number ≥ 0. Default 1e-12. */
  eps?: number;
  /**
   * The dimension of the weight that becomes the rows of the matrix whose spectral norm is taken.
   * Default 0, and 1 for the transposed convolutions (whose weight is `[in, out, ...]`). Negative
   * values count from the end.
   */
  dim?: number;
  /** Generator of the normal draws that initialise `u` and `v`; the default one when omitted. */
  rng?: Rng;
}

interface SpectralNormState {
  name: string;
  dim: number;
  nPowerIterations: number;
  eps: number;
  /** Puts the module's `forward` back as it was (another reparameterisation's wrapper, if any). */
  restore: () => void;
}

const STATES = new WeakMap<AnyModule, SpectralNormState>();

type Fields = Record<string, unknown>;

/** The weight as a matrix `[shape[dim], rest]` (PyTorch's `reshape_weight_to_matrix`). */
function weightMatrix(w: Tensor, dim: number): Tensor {
  const moved = dim === 0
    ? w
    : w.permute([dim, ...w.shape.map((_, i) => i).filter((i) => i !== dim)]);
  return moved.reshape([w.shape[dim], -1]);
}

/** `x / max(‖x‖, eps)` of a vector, without gradient (PyTorch's `F.normalize(x, dim=0)`). */
function normalize(x: Tensor, eps: number): Tensor {
  return x.div(x.square().sum().sqrt().maximum(eps));
}

/**
 * Reparameterises parameter `name` (default `weight`) of `module` as PyTorch's
 * `torch.nn.utils.spectral_norm`: the parameter becomes `name_orig`, two buffers `name_u` and
 * `name_v` hold the power iteration's singular vectors (initialised from normal draws, normalised),
 * and before every `forward` the module's `name` is recomputed as `name_orig / σ` with
 * `σ = uᵀ W v`, `W` the weight reshaped to a matrix with `dim` as its rows. In training mode each
 * `forward` first runs `nPowerIterations` steps `v ← normalize(Wᵀu)`, `u ← normalize(W v)` (no
 * gradient through `u` and `v`; the gradient flows through σ); in evaluation mode `u` and `v` stay.
 * The state dict holds `weight_orig`, `weight_u` and `weight_v` under PyTorch's names, so
 * checkpoints load both ways. One spectral norm per module. Returns the module.
 *
 * @example
 * ```ts
 * import { Linear, spectralNorm } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const fc = spectralNorm(new Linear(3, 2), { rng: new Rng(0) });
 * console.assert(Object.keys(fc.stateDict()).join() === "bias,weight_orig,weight_u,weight_v");
 * console.assert(fc.forward(ones([1, 3])).shape.join() === "1,2");
 * ```
 */
export function spectralNorm<M extends AnyModule>(module: M, options: SpectralNormOptions = {}): M {
  const op = "spectralNorm";
  if (!(module instanceof Module)) {
    throw new TypeError(`${op}: expected a Module, got ${describe(module)}`);
  }
  options = checkOptions(options, op);
  const name = options.name ?? "weight";
  if (typeof name !== "string") {
    throw new TypeError(`${op}: name must be a string, got ${describe(name)}`);
  }
  const nPowerIterations = checkInt(options.nPowerIterations ?? 1, op, "nPowerIterations", 1);
  const eps = checkNumber(options.eps ?? 1e-12, op, "eps", 0);
  const fields = module as unknown as Fields;
  if (STATES.has(module)) {
    throw new RangeError(`${op}: ${module.constructor.name} already has spectral norm`);
  }
  const w = fields[name];
  if (!(w instanceof Parameter)) {
    throw new RangeError(`${op}: ${module.constructor.name} has no parameter field '${name}'`);
  }
  const dimOption = options.dim ?? (module instanceof ConvTransposeNd ? 1 : 0);
  if (typeof dimOption !== "number") {
    throw new TypeError(`${op}: dim must be an integer, got ${describe(dimOption)}`);
  }
  const dim = dimOption < 0 ? dimOption + w.ndim : dimOption;
  if (!Number.isInteger(dim) || dim < 0 || dim >= w.ndim) {
    throw new RangeError(
      `${op}: dim ${describe(dimOption)} is out of range for '${name}' of shape ${
        fmtShape(w.shape)
      }`,
    );
  }
  if (w.size === 0) {
    throw new RangeError(`${op}: '${name}' of shape ${fmtShape(w.shape)} is empty`);
  }
  for (const suffix of ["_orig", "_u", "_v"]) {
    const key = `${name}${suffix}`;
    if (key in fields || module.getBuffer(key) !== undefined) {
      throw new RangeError(`${op}: ${module.constructor.name} already has a member '${key}'`);
    }
  }
  const h = w.shape[dim], cols = w.size / h;
  const draw = (n: number): NDArray =>
    normalize(new Tensor(randn([n], { dtype: w.dtype, rng: options.rng })), eps).data;
  const u = draw(h), v = draw(cols);
  // The computed weight is a plain tensor, which the registry ignores; then the old entry goes.
  fields[name] = w.detach();
  (module as AnyModule).registerParameter(name, null);
  fields[`${name}_orig`] = w;
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const state: SpectralNormState = { name, dim, nPowerIterations, eps, restore: () => {} };
  state.restore = wrapForward(module, () => {
    fields[name] = recompute(module, state, module.training);
  });
  STATES.set(module, state);
  return module;
}

/**
 * Undoes {@link spectralNorm}: `name` becomes a plain parameter again holding `name_orig / σ` with
 * the current `u` and `v` (no power iteration), and `name_orig`, `name_u`, `name_v` go.
 *
 * @example
 * ```ts
 * import { Linear, removeSpectralNorm, spectralNorm } from "@nnc/layers";
 * const fc = removeSpectralNorm(spectralNorm(new Linear(3, 2)));
 * console.assert(Object.keys(fc.stateDict()).join() === "bias,weight"); // PyTorch order too
 * ```
 */
export function removeSpectralNorm<M extends AnyModule>(module: M): M {
  const state = module instanceof Module ? STATES.get(module) : undefined;
  if (state === undefined) {
    throw new RangeError(`removeSpectralNorm: ${describe(module)} has no spectral norm`);
  }
  const fields = module as unknown as Fields;
  const { name } = state;
  const w = noGrad(() => recompute(module, state, false));
  fields[`${name}_orig`] = null;
  delete fields[`${name}_orig`];
  (module as AnyModule).registerParameter(`${name}_orig`, null);
  module.registerBuffer(`${name}_u`, null);
  module.registerBuffer(`${name}_v`, null);
  // Re-registering under the old field name puts the weight after the other parameters, as PyTorch does.
  fields[name] = new Parameter(w.data.clone());
  state.restore();
  STATES.delete(module);
  return module;
}

/** Power iteration (in training mode) on the buffers, then `name_orig / (uᵀ W v)`. */
function recompute(module: AnyModule, state: SpectralNormState, iterate: boolean): Tensor {
  const fields = module as unknown as Fields;
  const { name, dim, eps } = state;
  const w = fields[`${name}_orig`] as Tensor;
  const uBuf = module.getBuffer(`${name}_u`)!, vBuf = module.getBuffer(`${name}_v`)!;
  const wm = weightMatrix(w, dim);
  const [h, cols] = wm.shape;
  if (iterate) {
    noGrad(() => {
      const m = wm.detach();
      let u = uBuf.detach(), v = vBuf.detach();
      const mt = m.transpose(0, 1);
      for (let i = 0; i < state.nPowerIterations; i++) {
        v = normalize(mt.matmul(u.reshape([h, 1])).reshape([cols]), eps);
        u = normalize(m.matmul(v.reshape([cols, 1])).reshape([h]), eps);
      }
      // In place, as PyTorch's `out=`: arrays taken from stateDict() see the update.
      assign(uBuf.data, u.data);
      assign(vBuf.data, v.data);
    });
  }
  const u = uBuf.detach(), v = vBuf.detach();
  const sigma = u.reshape([1, h]).matmul(wm.matmul(v.reshape([cols, 1]))).reshape([]);
  return w.div(sigma);
}
