/**
 * {@link GRU}: the gated recurrent unit layer with PyTorch's parameters and equations (`nn.GRU`).
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { type RecurrentForwardOptions, type RecurrentLayerOptions, RNNBase } from "./rnn_base.ts";

/**
 * A multi-layer GRU (PyTorch `nn.GRU`), gates in PyTorch's order r, z, n:
 * `r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)`, `z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)`,
 * `n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))`, `h' = (1 − z) ⊙ n + z ⊙ h`. The notes
 * describe the GRU in prose only ("an update gate and a reset gate; h is both state and content, a
 * convex combination of old and new"); these are PyTorch's equations, not the notes'.
 *
 * `forward(x, h0?, { lengths }?)` returns `[output, hN]`.
 *
 * @example
 * ```ts
 * import { GRU } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const gru = new GRU(3, 4, { numLayers: 2 });
 * const [out, hN] = gru.forward(randn([6, 2, 3]));
 * console.assert(out.shape.join() === "6,2,4" && hN.shape.join() === "2,2,4");
 * console.assert(gru.stateDict()["weight_ih_l0"].shape.join() === "12,3");
 * ```
 */
export class GRU extends RNNBase<Tensor | NDArray | null, Tensor> {
  /** A GRU from `inputSize` features to `hiddenSize` per direction. */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super("GRU", "gru", inputSize, hiddenSize, options);
  }

  /** Runs the layers over `x` from `h0` (zeros when omitted); returns `[output, hN]`. */
  forward(
    x: Tensor | NDArray,
    h0?: Tensor | NDArray | null,
    options?: RecurrentForwardOptions,
  ): [Tensor, Tensor] {
    const [out, [h]] = this.run(x, [(h0 ?? null) as Tensor | null], options);
    return [out, h];
  }
}
