/**
 * {@link RNN}: the plain (Elman) recurrent layer, `h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)`
 * (or ReLU), multi-layer and bidirectional, with PyTorch's parameters (`nn.RNN`).
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { type RecurrentForwardOptions, type RecurrentLayerOptions, RNNBase } from "./rnn_base.ts";
import { checkOptions } from "@nnc/tensor";

/**
 * Options of {@link RNN}.
 *
 * @example
 * ```ts
 * import type { RNNOptions } from "@nnc/layers";
 * const o: RNNOptions = { nonlinearity: "relu", numLayers: 2 };
 * ```
 */
export interface RNNOptions extends RecurrentLayerOptions {
  /** The activation: `"tanh"` (default) or `"relu"`. */
  nonlinearity?: "tanh" | "relu";
}

/**
 * A multi-layer Elman RNN (PyTorch `nn.RNN`): for each layer and step
 * `h_t = act(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)`. The notes write
 * `h^t = σ(W h^{t−1} + U x^t + b)`: their `U` is `weight_ih_l0`, their `W` is `weight_hh_l0`, and
 * their `b` is `bias_ih_l0 + bias_hh_l0` (the lecture's bias-free variant is `bias: false`).
 *
 * `forward(x, h0?, { lengths }?)` takes `x` `[T, B, inputSize]` (`[B, T, inputSize]` with
 * `batchFirst`, or `[T, inputSize]` unbatched) and the initial state `h0`
 * `[numLayers·directions, B, hiddenSize]` (zeros when omitted), and returns `[output, hN]`: the
 * last layer's states at every step `[T, B, directions·hiddenSize]` and the final state of every
 * layer and direction.
 *
 * @example
 * ```ts
 * import { RNN } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const rnn = new RNN(4, 8, { numLayers: 2, bidirectional: true, rng: new Rng(0) });
 * const [out, hN] = rnn.forward(randn([5, 3, 4]));
 * console.assert(out.shape.join() === "5,3,16" && hN.shape.join() === "4,3,8");
 * console.assert(rnn.stateDict()["weight_hh_l1_reverse"].shape.join() === "8,8");
 * ```
 */
export class RNN extends RNNBase<Tensor | NDArray | null, Tensor> {
  /** The activation. */
  readonly nonlinearity: "tanh" | "relu";

  /** An RNN from `inputSize` features to `hiddenSize` per direction. */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    checkOptions(options, "RNN");
    const nl = options.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") {
      throw new TypeError(`RNN: nonlinearity must be "tanh" or "relu", got ${String(nl)}`);
    }
    super("RNN", nl === "tanh" ? "rnnTanh" : "rnnRelu", inputSize, hiddenSize, options);
    this.nonlinearity = nl;
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

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    const base = super.extraRepr();
    return this.nonlinearity === "relu" ? `${base}, nonlinearity="relu"` : base;
  }
}
