/**
 * {@link RNNBase}: what {@link RNN}, {@link LSTM} and {@link GRU} share: PyTorch's parameter names,
 * shapes and initialisation, the argument checks, and the loop over layers and directions (each one
 * a fused `recurrence` of `@nnc/autograd`) with dropout between layers.
 *
 * @module
 */
import {
  checkBool,
  checkFloatDType,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  fmtShape,
  type NDArray,
  type Rng,
  zeros as zerosNd,
} from "@nnc/tensor";
import {
  concat,
  dropout,
  markGraphOwned,
  recurrence,
  type RecurrentMode,
  stack,
  Tensor,
  transpose,
} from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { uniform } from "./init.ts";
import { type LayerOptions, linear } from "./linear.ts";
import { asInput, checkRng } from "./_util.ts";
import { checkName } from "./_recurrent_check.ts";

/**
 * Options shared by {@link RNN}, {@link LSTM} and {@link GRU} (PyTorch's names in camelCase).
 *
 * @example
 * ```ts
 * import type { RecurrentLayerOptions } from "@nnc/layers";
 * const o: RecurrentLayerOptions = { numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.2 };
 * ```
 */
export interface RecurrentLayerOptions extends LayerOptions {
  /** Stacked layers; layer l > 0 reads the outputs of layer l − 1. Default 1. */
  numLayers?: number;
  /** Learn the biases `bias_ih` and `bias_hh`. Default true. */
  bias?: boolean;
  /** Inputs and outputs are `[B, T, features]` instead of `[T, B, features]`. Default false. */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last (in training mode). Default 0. */
  dropout?: number;
  /** Run a second set of layers from the last step to the first and concatenate. Default false. */
  bidirectional?: boolean;
}

/**
 * Options of a recurrent layer's `forward`.
 *
 * @example
 * ```ts
 * import type { RecurrentForwardOptions } from "@nnc/layers";
 * const o: RecurrentForwardOptions = { lengths: [5, 3, 2] };
 * ```
 */
export interface RecurrentForwardOptions {
  /**
   * Valid steps of each sequence of a padded batch (each in `1..T`): steps beyond a sequence's
   * length neither update its state nor receive gradient, their outputs are zero, and the final
   * state is the one after its last valid step (PyTorch's packed sequences).
   */
  lengths?: readonly number[] | Int32Array | NDArray;
}

/** Gate blocks per mode: rows of `weight_ih` are `gates · hiddenSize`. */
const GATES: Record<RecurrentMode, number> = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };
const MODES = Object.keys(GATES) as RecurrentMode[];

/**
 * The names of the weights of one layer in one direction. The parameters themselves are fields
 * of the module under these names (so that `functionalCall` can swap them), read at each forward.
 */
interface Cell {
  wih: string;
  whh: string;
  bih: string | null;
  bhh: string | null;
}

/**
 * The base of {@link RNN}, {@link LSTM} and {@link GRU} (PyTorch `nn.RNNBase`): parameters named and shaped as PyTorch's (`weight_ih_l0`,
 * `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `_reverse` for the backward direction), all drawn
 * from U(−1/√H, 1/√H) as PyTorch's `reset_parameters` does.
 */
export abstract class RNNBase<S, O> extends Module<
  [Tensor | NDArray, S?, RecurrentForwardOptions?],
  [Tensor, O]
> {
  /** Features of each input step. */
  readonly inputSize: number;
  /** Features of the state. */
  readonly hiddenSize: number;
  /** Stacked layers. */
  readonly numLayers: number;
  /** Whether biases are learned. */
  readonly bias: boolean;
  /** Whether inputs and outputs are batch-major. */
  readonly batchFirst: boolean;
  /** Dropout between layers. */
  readonly dropout: number;
  /** Whether there is a backward direction. */
  readonly bidirectional: boolean;
  /** The cell. */
  readonly mode: RecurrentMode;
  readonly #cells: Cell[][] = [];
  readonly #rng: Rng | undefined;

  /** Builds the parameters of `numLayers` layers (two directions each when bidirectional). */
  constructor(
    name: string,
    mode: RecurrentMode,
    inputSize: number,
    hiddenSize: number,
    options: RecurrentLayerOptions,
  ) {
    super();
    checkName(name, "RNNBase");
    options = checkOptions(options, name);
    this.mode = checkOneOf(mode, name, "mode", MODES);
    this.inputSize = checkInt(inputSize, name, "inputSize", 1);
    this.hiddenSize = checkInt(hiddenSize, name, "hiddenSize", 1);
    this.numLayers = checkInt(options.numLayers ?? 1, name, "numLayers", 1);
    this.bias = checkBool(options.bias ?? true, name, "bias");
    this.batchFirst = checkBool(options.batchFirst ?? false, name, "batchFirst");
    this.dropout = checkNumber(options.dropout ?? 0, name, "dropout", 0, 1);
    this.bidirectional = checkBool(options.bidirectional ?? false, name, "bidirectional");
    const dtype = checkFloatDType(options.dtype ?? "float32", name);
    this.#rng = checkRng(options.rng, name);
    const G = GATES[mode] * hiddenSize, D = this.bidirectional ? 2 : 1;
    // Checked before allocating: a huge numLayers would otherwise fill memory layer by layer.
    const total = D * this.numLayers * G * (hiddenSize + (this.bias ? 2 : 0)) +
      D * G * (inputSize + (this.numLayers - 1) * hiddenSize * D);
    if (total > 2 ** 31 - 1) {
      throw new RangeError(
        `${name}: ${this.numLayers} layer(s) of hidden size ${hiddenSize} over ${inputSize} inputs would hold ${total} parameters, more than 2^31-1`,
      );
    }
    for (let l = 0; l < this.numLayers; l++) {
      const layer: Cell[] = [];
      const inFeatures = l === 0 ? inputSize : hiddenSize * D;
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? "_reverse" : ""}`;
        const fields = this as unknown as Record<string, Parameter>;
        const add = (name: string, shape: number[]): string => {
          fields[name] = new Parameter(zerosNd(shape, { dtype }));
          return name;
        };
        layer.push({
          wih: add(`weight_ih${sfx}`, [G, inFeatures]),
          whh: add(`weight_hh${sfx}`, [G, hiddenSize]),
          bih: this.bias ? add(`bias_ih${sfx}`, [G]) : null,
          bhh: this.bias ? add(`bias_hh${sfx}`, [G]) : null,
        });
      }
      this.#cells.push(layer);
    }
    this.resetParameters(options.rng);
  }

  /** Re-draws every weight and bias from U(−1/√H, 1/√H), as PyTorch's `reset_parameters`. */
  resetParameters(rng?: Rng): void {
    checkRng(rng, `${this.constructor.name}.resetParameters`);
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform(p, -k, k, { rng });
  }

  /** Number of directions (2 when bidirectional). */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** `LSTM(10→20, layers=2, bidirectional)`: how errors name the layer. */
  protected label(): string {
    const parts = [`${this.inputSize}→${this.hiddenSize}`];
    if (this.numLayers > 1) parts.push(`layers=${this.numLayers}`);
    if (this.bidirectional) parts.push("bidirectional");
    return `${this.constructor.name}(${parts.join(", ")})`;
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (!this.bias) parts.push("bias=false");
    if (this.batchFirst) parts.push("batchFirst=true");
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push("bidirectional=true");
    return parts.join(", ");
  }

  /**
   * Runs every layer and direction. `x` is `[T, B, I]` (`[B, T, I]` with `batchFirst`, `[T, I]`
   * unbatched); `states` the initial `[L·D, B, H]` states (h, and c for an LSTM) or null for zeros.
   * Returns the output (same layout as `x`) and the final states.
   */
  protected run(
    input: Tensor | NDArray,
    states: (Tensor | null)[],
    options: RecurrentForwardOptions | undefined,
  ): [Tensor, Tensor[]] {
    const label = this.label();
    let x = asInput(input, label);
    if (x.ndim !== 2 && x.ndim !== 3) {
      throw new RangeError(
        `${label}: input must be 3-d ${
          this.batchFirst ? "[batch, seq, feature]" : "[seq, batch, feature]"
        } (or 2-d [seq, feature] unbatched), got ${fmtShape(x.shape)}`,
      );
    }
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      throw new RangeError(
        `${label}: input has ${
          x.shape[x.ndim - 1]
        } features per step, expected inputSize ${this.inputSize} (input ${fmtShape(x.shape)})`,
      );
    }
    const unbatched = x.ndim === 2;
    if (unbatched) x = x.unsqueeze(1);
    else if (this.batchFirst) x = transpose(x, 0, 1);
    const [T, B] = x.shape;
    if (T === 0 || B === 0) throw new RangeError(`${label}: empty input ${fmtShape(input.shape)}`);
    const dtype = this.parameters()[0].dtype;
    if (x.dtype !== dtype) {
      throw new TypeError(`${label}: input is ${x.dtype} but the layer's weights are ${dtype}`);
    }
    const L = this.numLayers, D = this.numDirections;
    const initial = states.map((s, k) => this.#checkState(s, k, unbatched, B, dtype, label));
    if (options !== undefined) checkOptions(options, label);
    const lengths = options?.lengths;
    if (lengths !== undefined && unbatched) {
      throw new TypeError(`${label}: lengths need a batch; the input is unbatched`);
    }
    const finals: Tensor[][] = states.map(() => []);
    for (let l = 0; l < L; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const cell = this.#cells[l][d];
        const k = l * D + d;
        const r = this.#direction(x, cell, initial.map((s) => s.slice(k)), d === 1, lengths, label);
        outs.push(r.output);
        finals[0].push(r.h);
        if (r.c !== null) finals[1].push(r.c);
      }
      x = D === 1 ? outs[0] : concat(outs, 2);
      if (l < L - 1 && this.dropout > 0 && this.training) {
        x = dropout(x, { p: this.dropout, training: true, rng: this.#rng });
      }
    }
    let out = x;
    if (unbatched) out = out.squeeze(1);
    else if (this.batchFirst) out = transpose(out, 0, 1);
    const hN = finals.map((f) => {
      const s = stack(f, 0);
      return unbatched ? s.squeeze(1) : s;
    });
    return [out, hN];
  }

  #direction(
    x: Tensor,
    cell: Cell,
    state: Tensor[],
    reverse: boolean,
    lengths: RecurrentForwardOptions["lengths"],
    label: string,
  ) {
    const [T, B, F] = x.shape;
    const gru = this.mode === "gru";
    const fields = this as unknown as Record<string, Tensor>;
    const wih = fields[cell.wih], whh = fields[cell.whh];
    const bih = cell.bih === null ? null : fields[cell.bih];
    const bhh = cell.bhh === null ? null : fields[cell.bhh];
    // Input projections of all steps in one matrix product; both biases folded in, except GRU's
    // b_hh, which the reset gate scales.
    let b: Tensor | null = bih;
    if (!gru && bih !== null && bhh !== null) b = bih.add(bhh);
    // Read by the recurrence alone (its output is a copy): graph-owned, so backward recycles it.
    const xg = markGraphOwned(
      markGraphOwned(linear(x.reshape(T * B, F), wih, b)).reshape(T, B, wih.shape[0]),
    );
    try {
      return recurrence(this.mode, xg, whh, state[0], {
        reverse,
        lengths: lengths ?? null,
        c0: this.mode === "lstm" ? state[1] : null,
        bhh: gru ? bhh : null,
      });
    } catch (e) {
      if (e instanceof RangeError && e.message.includes("length")) {
        throw new RangeError(`${label}: ${e.message.replace(/^recurrence: /, "")}`);
      }
      throw e;
    }
  }

  #checkState(
    s: Tensor | null,
    k: number,
    unbatched: boolean,
    B: number,
    dtype: string,
    label: string,
  ): Tensor {
    const LD = this.numLayers * this.numDirections, H = this.hiddenSize;
    const name = k === 0 ? "h0" : "c0";
    const shape = unbatched ? [LD, H] : [LD, B, H];
    if (s === null) return new Tensor(zerosNd([LD, B, H], { dtype: dtype as "float32" }));
    const t = asInput(s, label, name);
    if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new RangeError(
        `${label}: ${name} must be ${fmtShape(shape)} (layers·directions, ${
          unbatched ? "" : "batch, "
        }hidden), got ${fmtShape(t.shape)}`,
      );
    }
    if (t.dtype !== dtype) {
      throw new TypeError(`${label}: ${name} is ${t.dtype} but the layer's weights are ${dtype}`);
    }
    return unbatched ? t.unsqueeze(1) : t;
  }
}
