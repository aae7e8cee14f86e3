/**
 * The regularisers of the notes' autoencoder variants: {@link contractivePenalty} (the squared
 * Frobenius norm of the encoder's Jacobian, through autograd) and {@link sparsityPenalty} (the KL
 * divergence of the mean code activations from a target).
 *
 * @module
 */
import { checkProbability, describe, fmtShape } from "@nnc/tensor";
import { gradients, Tensor } from "@nnc/autograd";
import { bernoulliKlDivergence } from "@nnc/layers";

/**
 * `(1/N) Σₙ ‖∂h(xₙ)/∂xₙ‖²_F` for codes `codes = h(input)` `[N, k]` computed from `input` (which
 * must require grad): one backward pass per code unit, with `createGraph`, so the result trains
 * the encoder. Samples must not interact (no batch norm in the encoder).
 *
 * @example
 * ```ts
 * import { contractivePenalty } from "@nnc/models/generative";
 * import { tensor } from "@nnc/autograd";
 * const x = tensor([[1, 2]], { dtype: "float64", requiresGrad: true });
 * const h = x.mul(tensor([3, 4], { dtype: "float64" })); // J = diag(3, 4)
 * console.assert(contractivePenalty(h, x).item() === 25);
 * ```
 */
export function contractivePenalty(codes: Tensor, input: Tensor): Tensor {
  const op = "contractivePenalty";
  if (!(codes instanceof Tensor) || !(input instanceof Tensor)) {
    throw new TypeError(`${op}: codes and input must be Tensors, got ${describe(codes)}`);
  }
  if (!input.requiresGrad) {
    throw new RangeError(`${op}: input must require grad (compute the codes from it)`);
  }
  if (codes.ndim !== 2 || codes.shape[0] !== input.shape[0]) {
    throw new RangeError(
      `${op}: codes must be [N, k] with N = ${input.shape[0]} samples, got ${
        fmtShape(codes.shape)
      }`,
    );
  }
  const [n, k] = codes.shape;
  let total: Tensor | null = null;
  for (let j = 0; j < k; j++) {
    // Row j of every sample's Jacobian at once: the samples are independent.
    const [g] = gradients(codes.slice(null, j).sum(), input, {
      createGraph: true,
      retainGraph: true,
      allowUnused: true,
    });
    if (g === null) continue;
    const s = g.square().sum();
    total = total === null ? s : total.add(s);
  }
  return total === null ? codes.sum().mul(0) : total.div(n);
}

/**
 * `Σⱼ KL(ρ ‖ ρ̂ⱼ)` with `ρ̂ⱼ` the mean activation of code unit j over the batch (codes in (0, 1),
 * e.g. after a sigmoid) and ρ the target activation (the sparse autoencoder's penalty).
 *
 * @example
 * ```ts
 * import { sparsityPenalty } from "@nnc/models/generative";
 * import { tensor } from "@nnc/autograd";
 * const h = tensor([[0.1, 0.5], [0.1, 0.3]], { dtype: "float64" }); // means 0.1 and 0.4
 * const p = sparsityPenalty(h, 0.1).item();
 * console.assert(Math.abs(p - (0.1 * Math.log(0.25) + 0.9 * Math.log(1.5))) < 1e-12);
 * ```
 */
export function sparsityPenalty(codes: Tensor, target: number): Tensor {
  const op = "sparsityPenalty";
  if (!(codes instanceof Tensor) || codes.ndim !== 2) {
    throw new RangeError(`${op}: codes must be a [N, k] Tensor, got ${describe(codes)}`);
  }
  checkProbability(target, op, "target", true);
  return bernoulliKlDivergence(target, codes.mean({ axis: 0 })).sum();
}
