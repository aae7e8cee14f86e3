/**
 * {@link LSTM}: the long short-term memory layer with PyTorch's parameters (`nn.LSTM`), and
 * {@link lstmStateDictFromConcatenated}, the conversion from the notes' `W·[h; x]` form.
 *
 * @module
 */
import { concat as concatNd, fmtShape, type NDArray, zeros } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { type RecurrentForwardOptions, type RecurrentLayerOptions, RNNBase } from "./rnn_base.ts";
import type { StateDict } from "./module.ts";

/**
 * A multi-layer LSTM (PyTorch `nn.LSTM`), gates in PyTorch's order i, f, g, o:
 * `i = σ(x W_iiᵀ + b_ii + h W_hiᵀ + b_hi)`, likewise `f`, `o`; `g = tanh(…)`;
 * `c' = f ⊙ c + i ⊙ g`; `h' = o ⊙ tanh(c')`. `weight_ih_l0` stacks `W_ii, W_if, W_ig, W_io`
 * (`[4H, inputSize]`), `weight_hh_l0` likewise (`[4H, H]`).
 *
 * The notes' two forms are this same cell: 001's concatenated
 * `f_t = σ(W_f [h_{t−1}, x_t] + b_f)` splits `W_f` by columns into its `h` part (rows of
 * `weight_hh`) and its `x` part (rows of `weight_ih`), see {@link lstmStateDictFromConcatenated};
 * 004's separate `f_t = σ(U^f x_t + W^f y_{t−1} + b^f)` has `U^f` in `weight_ih` and `W^f` in
 * `weight_hh` directly (its output `y` is `h`, its state `s` is `c`).
 *
 * `forward(x, [h0, c0]?, { lengths }?)` returns `[output, [hN, cN]]`. PyTorch's `proj_size`
 * (LSTM with projections) is not implemented.
 *
 * @example
 * ```ts
 * import { LSTM } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const lstm = new LSTM(3, 5, { batchFirst: true, rng: new Rng(0) });
 * const [out, [h, c]] = lstm.forward(randn([2, 7, 3]), null, { lengths: [7, 4] });
 * console.assert(out.shape.join() === "2,7,5" && h.shape.join() === "1,2,5" && c.shape.join() === "1,2,5");
 * console.assert(out.get(1, 6, 0) === 0); // step 6 of the second sequence is padding
 * ```
 */
export class LSTM
  extends RNNBase<readonly [Tensor | NDArray, Tensor | NDArray] | null, [Tensor, Tensor]> {
  /** An LSTM from `inputSize` features to `hiddenSize` per direction. */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super("LSTM", "lstm", inputSize, hiddenSize, options);
  }

  /** Runs the layers over `x` from `[h0, c0]` (zeros when omitted); returns `[output, [hN, cN]]`. */
  forward(
    x: Tensor | NDArray,
    state?: readonly [Tensor | NDArray, Tensor | NDArray] | null,
    options?: RecurrentForwardOptions,
  ): [Tensor, [Tensor, Tensor]] {
    if (state !== undefined && state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new TypeError(`${this.label()}: the state must be a pair [h0, c0]`);
    }
    const [out, [h, c]] = this.run(
      x,
      state ? [state[0] as Tensor, state[1] as Tensor] : [null, null],
      options,
    );
    return [out, [h, c]];
  }
}

/**
 * The notes' LSTM in concatenated form (001): for each gate `k ∈ {f, i, C, o}` a matrix `W_k`
 * `[H, H + I]` applied to `[h_{t−1}; x_t]` (the state first) and a bias `b_k` `[H]`.
 *
 * @example
 * ```ts
 * import type { ConcatenatedLstmWeights } from "@nnc/layers";
 * import { zeros } from "@nnc/tensor";
 * const w: ConcatenatedLstmWeights = {
 *   Wf: zeros([2, 5]), bf: zeros([2]), Wi: zeros([2, 5]), bi: zeros([2]),
 *   WC: zeros([2, 5]), bC: zeros([2]), Wo: zeros([2, 5]), bo: zeros([2]),
 * };
 * ```
 */
export interface ConcatenatedLstmWeights {
  /** Forget gate. */
  Wf: NDArray;
  /** Forget-gate bias. */
  bf: NDArray;
  /** Input gate. */
  Wi: NDArray;
  /** Input-gate bias. */
  bi: NDArray;
  /** Candidate cell (`C̃ = tanh(W_C[h, x] + b_C)`). */
  WC: NDArray;
  /** Candidate bias. */
  bC: NDArray;
  /** Output gate. */
  Wo: NDArray;
  /** Output-gate bias. */
  bo: NDArray;
}

/**
 * The state dict of a one-layer {@link LSTM} equal to the notes' concatenated cell:
 * `weight_ih_l0` stacks the `x` columns of `W_i, W_f, W_C, W_o` (PyTorch's gate order i, f, g, o),
 * `weight_hh_l0` their `h` columns, `bias_ih_l0` stacks the biases and `bias_hh_l0` is zero.
 *
 * @example
 * ```ts
 * import { LSTM, lstmStateDictFromConcatenated } from "@nnc/layers";
 * import { randn, Rng } from "@nnc/tensor";
 * const rng = new Rng(0), H = 2, I = 3;
 * const W = () => randn([H, H + I], { rng }), b = () => randn([H], { rng });
 * const sd = lstmStateDictFromConcatenated({ Wf: W(), bf: b(), Wi: W(), bi: b(), WC: W(), bC: b(), Wo: W(), bo: b() });
 * const lstm = new LSTM(I, H);
 * lstm.loadStateDict(sd);
 * console.assert(sd["weight_ih_l0"].shape.join() === "8,3" && sd["weight_hh_l0"].shape.join() === "8,2");
 * ```
 */
export function lstmStateDictFromConcatenated(w: ConcatenatedLstmWeights): StateDict {
  const op = "lstmStateDictFromConcatenated";
  if (w === null || typeof w !== "object") {
    throw new TypeError(`${op}: expected { Wf, bf, Wi, bi, WC, bC, Wo, bo }`);
  }
  const H = w.Wf?.shape?.[0];
  const cols = w.Wf?.shape?.[1];
  if (!Number.isInteger(H) || !Number.isInteger(cols) || cols <= H) {
    throw new RangeError(
      `${op}: Wf must be [H, H + I] with I >= 1, got ${fmtShape(w.Wf?.shape ?? [])}`,
    );
  }
  const order = [["Wi", "bi"], ["Wf", "bf"], ["WC", "bC"], ["Wo", "bo"]] as const;
  for (const [m, v] of order) {
    const W = w[m], b = w[v];
    if (W?.ndim !== 2 || W.shape[0] !== H || W.shape[1] !== cols) {
      throw new RangeError(
        `${op}: ${m} must be [${H}, ${cols}] like Wf, got ${fmtShape(W?.shape ?? [])}`,
      );
    }
    if (b?.ndim !== 1 || b.shape[0] !== H) {
      throw new RangeError(`${op}: ${v} must be [${H}], got ${fmtShape(b?.shape ?? [])}`);
    }
  }
  const hPart = order.map(([m]) => w[m].slice(null, { stop: H }));
  const xPart = order.map(([m]) => w[m].slice(null, { start: H }));
  return {
    weight_ih_l0: concatNd(xPart, 0),
    weight_hh_l0: concatNd(hPart, 0),
    bias_ih_l0: concatNd(order.map(([, v]) => w[v]), 0),
    bias_hh_l0: zeros([4 * H], { dtype: w.bf.dtype }),
  };
}
