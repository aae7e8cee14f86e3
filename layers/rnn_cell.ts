/**
 * One step of a recurrent layer: {@link RNNCell}, {@link LSTMCell} and {@link GRUCell} (PyTorch's
 * `nn.RNNCell`, `nn.LSTMCell`, `nn.GRUCell`), for loops the caller writes (decoders with attention,
 * scheduled sampling). Same equations, parameter names and initialisation as the layers.
 *
 * @module
 */
import {
  checkBool,
  checkFloatDType,
  checkInt,
  checkOneOf,
  checkOptions,
  fmtShape,
  type NDArray,
  type Rng,
  zeros,
} from "@nnc/tensor";
import { recurrence, type RecurrentMode, Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { uniform } from "./init.ts";
import { type LayerOptions, linear } from "./linear.ts";
import { asInput, checkAllocation, checkRng } from "./_util.ts";
import { checkName } from "./_recurrent_check.ts";

const MODES: readonly RecurrentMode[] = ["rnnTanh", "rnnRelu", "lstm", "gru"];

/**
 * Options of the cells.
 *
 * @example
 * ```ts
 * import type { RecurrentCellOptions } from "@nnc/layers";
 * const o: RecurrentCellOptions = { bias: false, dtype: "float64" };
 * ```
 */
export interface RecurrentCellOptions extends LayerOptions {
  /** Learn `bias_ih` and `bias_hh`. Default true. */
  bias?: boolean;
}

/**
 * The base of {@link RNNCell}, {@link LSTMCell} and {@link GRUCell}: the parameters (PyTorch's
 * names and layouts), their initialisation and the checks of one step that every cell shares.
 *
 * @example
 * ```ts
 * import { GRUCell, RecurrentCellBase } from "@nnc/layers";
 * const cell = new GRUCell(3, 4);
 * console.assert(cell instanceof RecurrentCellBase && cell.weight_ih.shape.join() === "12,3");
 * ```
 */
export abstract class RecurrentCellBase<I extends unknown[], O> extends Module<I, O> {
  /** Features of the input. */
  readonly inputSize: number;
  /** Features of the state. */
  readonly hiddenSize: number;
  /** `[gates·H, inputSize]`. */
  weight_ih: Parameter;
  /** `[gates·H, H]`. */
  weight_hh: Parameter;
  /** `[gates·H]` or null. */
  bias_ih: Parameter | null;
  /** `[gates·H]` or null. */
  bias_hh: Parameter | null;
  readonly #mode: RecurrentMode;
  readonly #name: string;

  /** A cell named `name` (in messages) of `mode` with `gates` gate blocks. */
  constructor(
    name: string,
    mode: RecurrentMode,
    gates: number,
    inputSize: number,
    hiddenSize: number,
    options: RecurrentCellOptions,
  ) {
    super();
    checkName(name, "RecurrentCellBase");
    options = checkOptions(options, name);
    this.#name = name;
    this.#mode = checkOneOf(mode, name, "mode", MODES);
    checkInt(gates, name, "gates", 1, 4);
    this.inputSize = checkInt(inputSize, name, "inputSize", 1);
    this.hiddenSize = checkInt(hiddenSize, name, "hiddenSize", 1);
    const dtype = checkFloatDType(options.dtype ?? "float32", name);
    const G = gates * hiddenSize;
    const bias = checkBool(options.bias ?? true, name, "bias");
    const rng = checkRng(options.rng, name);
    this.weight_ih = new Parameter(
      zeros(checkAllocation([G, inputSize], name, "weight_ih"), { dtype }),
    );
    this.weight_hh = new Parameter(
      zeros(checkAllocation([G, hiddenSize], name, "weight_hh"), { dtype }),
    );
    this.bias_ih = bias ? new Parameter(zeros([G], { dtype })) : null;
    this.bias_hh = bias ? new Parameter(zeros([G], { dtype })) : null;
    this.resetParameters(rng);
  }

  /** Re-draws every weight and bias from U(−1/√H, 1/√H), as PyTorch. */
  resetParameters(rng?: Rng): void {
    checkRng(rng, `${this.constructor.name}.resetParameters`);
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform(p, -k, k, { rng });
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih === null ? ", bias=false" : ""}`;
  }

  /** How messages name this cell: `GRUCell(3→4)`. */
  protected label(): string {
    return `${this.#name}(${this.inputSize}→${this.hiddenSize})`;
  }

  /** One step from `states` (h, and c for an LSTM; null for zeros); returns the new states. */
  protected step(input: Tensor | NDArray, states: (Tensor | NDArray | null)[]): Tensor[] {
    const label = this.label();
    let x = asInput(input, label);
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new RangeError(
        `${label}: input must be [batch, ${this.inputSize}] (or [${this.inputSize}] unbatched), got ${
          fmtShape(x.shape)
        }`,
      );
    }
    const unbatched = x.ndim === 1;
    if (unbatched) x = x.unsqueeze(0);
    const B = x.shape[0], H = this.hiddenSize, dtype = this.weight_ih.dtype;
    if (x.dtype !== dtype) {
      throw new TypeError(`${label}: input is ${x.dtype} but the cell's weights are ${dtype}`);
    }
    const s = states.map((v, k) => {
      const name = k === 0 ? "h" : "c";
      if (v === null) return new Tensor(zeros([B, H], { dtype }));
      let t = asInput(v, label, name);
      const want = unbatched ? [H] : [B, H];
      if (t.ndim !== want.length || t.shape.some((d, i) => d !== want[i])) {
        throw new RangeError(
          `${label}: ${name} must be ${fmtShape(want)}, got ${fmtShape(t.shape)}`,
        );
      }
      if (t.dtype !== dtype) {
        throw new TypeError(`${label}: ${name} is ${t.dtype} but the cell's weights are ${dtype}`);
      }
      if (unbatched) t = t.unsqueeze(0);
      return t;
    });
    const gru = this.#mode === "gru";
    let b: Tensor | null = this.bias_ih;
    if (!gru && this.bias_ih !== null && this.bias_hh !== null) b = this.bias_ih.add(this.bias_hh);
    const xg = linear(x, this.weight_ih, b).unsqueeze(0);
    const r = recurrence(this.#mode, xg, this.weight_hh, s[0], {
      c0: this.#mode === "lstm" ? s[1] : null,
      bhh: gru ? this.bias_hh : null,
    });
    const out = r.c === null ? [r.h] : [r.h, r.c];
    return unbatched ? out.map((t) => t.squeeze(0)) : out;
  }
}

/**
 * One step of an Elman RNN (PyTorch `nn.RNNCell`):
 * `h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)` with act tanh (default) or ReLU.
 *
 * @example
 * ```ts
 * import { RNNCell } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const cell = new RNNCell(3, 4);
 * let h = cell.forward(randn([2, 3]));
 * h = cell.forward(randn([2, 3]), h);
 * console.assert(h.shape.join() === "2,4");
 * ```
 */
export class RNNCell
  extends RecurrentCellBase<[Tensor | NDArray, (Tensor | NDArray | null)?], Tensor> {
  /** The activation. */
  readonly nonlinearity: "tanh" | "relu";

  /** A cell from `inputSize` to `hiddenSize` features. */
  constructor(
    inputSize: number,
    hiddenSize: number,
    options: RecurrentCellOptions & { nonlinearity?: "tanh" | "relu" } = {},
  ) {
    const nl = options?.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") {
      throw new TypeError(`RNNCell: nonlinearity must be "tanh" or "relu", got ${String(nl)}`);
    }
    super("RNNCell", nl === "tanh" ? "rnnTanh" : "rnnRelu", 1, inputSize, hiddenSize, options);
    this.nonlinearity = nl;
  }

  /** The next state from input `x` `[B, I]` and state `h` `[B, H]` (zeros when omitted). */
  forward(x: Tensor | NDArray, h?: Tensor | NDArray | null): Tensor {
    return this.step(x, [h ?? null])[0];
  }
}

/**
 * One LSTM step (PyTorch `nn.LSTMCell`), gates i, f, g, o as in {@link LSTM}.
 *
 * @example
 * ```ts
 * import { LSTMCell } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const cell = new LSTMCell(3, 4);
 * const [h, c] = cell.forward(randn([2, 3]));
 * const [h2] = cell.forward(randn([2, 3]), [h, c]);
 * console.assert(h2.shape.join() === "2,4");
 * ```
 */
export class LSTMCell extends RecurrentCellBase<
  [Tensor | NDArray, (readonly [Tensor | NDArray, Tensor | NDArray] | null)?],
  [Tensor, Tensor]
> {
  /** A cell from `inputSize` to `hiddenSize` features. */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentCellOptions = {}) {
    super("LSTMCell", "lstm", 4, inputSize, hiddenSize, options);
  }

  /** The next `[h, c]` from input `x` `[B, I]` and `[h, c]` `[B, H]` each (zeros when omitted). */
  forward(
    x: Tensor | NDArray,
    state?: readonly [Tensor | NDArray, Tensor | NDArray] | null,
  ): [Tensor, Tensor] {
    if (state !== undefined && state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new TypeError(`${this.label()}: the state must be a pair [h, c]`);
    }
    const [h, c] = this.step(x, state ? [state[0], state[1]] : [null, null]);
    return [h, c];
  }
}

/**
 * One GRU step (PyTorch `nn.GRUCell`), gates r, z, n as in {@link GRU}.
 *
 * @example
 * ```ts
 * import { GRUCell } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const cell = new GRUCell(3, 4);
 * const h = cell.forward(randn([2, 3]));
 * console.assert(cell.forward(randn([2, 3]), h).shape.join() === "2,4");
 * ```
 */
export class GRUCell
  extends RecurrentCellBase<[Tensor | NDArray, (Tensor | NDArray | null)?], Tensor> {
  /** A cell from `inputSize` to `hiddenSize` features. */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentCellOptions = {}) {
    super("GRUCell", "gru", 3, inputSize, hiddenSize, options);
  }

  /** The next state from input `x` `[B, I]` and state `h` `[B, H]` (zeros when omitted). */
  forward(x: Tensor | NDArray, h?: Tensor | NDArray | null): Tensor {
    return this.step(x, [h ?? null])[0];
  }
}
