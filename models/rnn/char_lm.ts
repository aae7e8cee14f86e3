/**
 * {@link CharLM}: a character (or any token) language model: embedding (or one-hot inputs),
 * stacked RNN/LSTM/GRU layers, a linear read-out to next-token logits; with {@link detachState}
 * for truncated BPTT and a {@link Decoder} for sampling and beam search.
 *
 * @module
 */
import {
  checkBool,
  checkIndexList,
  checkInt,
  checkOptions,
  checkProbability,
  describe,
  eye,
  NDArray,
  type Rng,
} from "@nnc/tensor";
import { dropout, embedding, noGrad, Tensor } from "@nnc/autograd";
import { Embedding, GRU, Linear, LSTM, Module, RNN } from "@nnc/layers";
import type { Decoder } from "../_common/sampling.ts";
import { checkWeightSize, layerOptions } from "../_common/validate.ts";
import { beamOptions, generateOptions } from "../_common/_decode_options.ts";
import {
  beamSearch,
  type BeamSearchOptions,
  generate,
  type GenerateOptions,
  type Hypothesis,
} from "../_common/sampling.ts";

/** The recurrent cell of a model: plain tanh RNN, LSTM or GRU. */
export type CellType = "rnn" | "lstm" | "gru";

/**
 * The state a recurrent stack carries: `h` `[layers, B, H]`, or `[h, c]` for an LSTM.
 *
 * @example
 * ```ts
 * import type { RecurrentState } from "@nnc/models/rnn";
 * import { zeros } from "@nnc/autograd";
 * const s: RecurrentState = [zeros([2, 1, 8]), zeros([2, 1, 8])];
 * ```
 */
export type RecurrentState = Tensor | [Tensor, Tensor];

/**
 * Options of {@link CharLM}.
 *
 * @example
 * ```ts
 * import type { CharLMOptions } from "@nnc/models/rnn";
 * const o: CharLMOptions = { vocabSize: 96, cell: "lstm", hiddenSize: 256, numLayers: 2 };
 * ```
 */
export interface CharLMOptions {
  /** Number of tokens. */
  vocabSize: number;
  /** The recurrent cell. Default `"lstm"`. */
  cell?: CellType;
  /** State size of each layer. Default 256. */
  hiddenSize?: number;
  /** Stacked layers. Default 2. */
  numLayers?: number;
  /** Size of the learned token vectors. Default 64. Ignored with `oneHot`. */
  embeddingDim?: number;
  /** Feed one-hot vectors instead of learned embeddings (the lecture's "hello" network). Default false. */
  oneHot?: boolean;
  /** Dropout between recurrent layers and before the read-out. Default 0. */
  dropout?: number;
  /** Biases in the recurrent layers and the read-out. Default true. */
  bias?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: "float32" | "float64";
  /** Generator of the initial weights. */
  rng?: Rng;
}

/**
 * Detaches a recurrent state from the graph (truncated BPTT: the next chunk starts from these
 * values, and gradients stop here).
 *
 * @example
 * ```ts
 * import { detachState } from "@nnc/models/rnn";
 * import { zeros } from "@nnc/autograd";
 * const s = detachState(zeros([1, 2, 3]).add(zeros([1, 2, 3], { requiresGrad: true })));
 * console.assert(!(s as { requiresGrad: boolean }).requiresGrad);
 * ```
 */
export function detachState(state: RecurrentState): RecurrentState {
  if (state instanceof Tensor) return state.detach();
  if (Array.isArray(state) && state.length === 2 && state.every((s) => s instanceof Tensor)) {
    return [state[0].detach(), state[1].detach()];
  }
  throw new TypeError(
    `detachState: state must be a Tensor h or a pair [h, c] of Tensors, got ${describe(state)}`,
  );
}

function selectState(state: RecurrentState | null, indices: Int32Array): RecurrentState | null {
  if (state === null) return null;
  const rows = NDArray.fromTyped(indices);
  return Array.isArray(state)
    ? [state[0].indexSelect(1, rows), state[1].indexSelect(1, rows)]
    : state.indexSelect(1, rows);
}

/**
 * A recurrent language model (PyTorch's `word_language_model` layout): `embedding` → `rnn`
 * (`RNN`, `LSTM` or `GRU`, batch-first, `numLayers` deep) → dropout → `head` (`Linear` to
 * `vocabSize` logits). `forward(tokens [B, T], state?)` returns the logits `[B, T, V]` of the
 * token after each position, and the final state to carry into the next chunk.
 *
 * @example
 * ```ts
 * import { CharLM } from "@nnc/models/rnn";
 * import { crossEntropy } from "@nnc/layers";
 * import { array, Rng } from "@nnc/tensor";
 * const lm = new CharLM({ vocabSize: 5, hiddenSize: 16, numLayers: 1, rng: new Rng(0) });
 * const x = array([[0, 1, 2, 2]], { dtype: "int32" }), y = array([[1, 2, 2, 3]], { dtype: "int32" });
 * const [logits] = lm.forward(x);
 * crossEntropy(logits.reshape(4, 5), y.reshape(4)).backward();
 * const text = lm.sample([0, 1], { maxNewTokens: 3, seed: 1 });
 * console.assert(logits.shape.join() === "1,4,5" && text.length === 3);
 * ```
 */
export class CharLM
  extends Module<[Tensor | NDArray, (RecurrentState | null)?], [Tensor, RecurrentState]> {
  /** Number of tokens. */
  readonly vocabSize: number;
  /** The cell type. */
  readonly cell: CellType;
  /** Learned token vectors (null with one-hot inputs). */
  embedding: Embedding | null;
  /** The recurrent stack. */
  rnn: RNN | LSTM | GRU;
  /** The read-out to logits. */
  head: Linear;
  readonly #dropout: number;
  readonly #oneHot: Tensor | null;
  readonly #rng: Rng | undefined;

  /** A model over `vocabSize` tokens. */
  constructor(options: CharLMOptions) {
    super();
    const op = "CharLM";
    checkOptions(options, op, "vocabSize");
    const V = options.vocabSize;
    if (!Number.isInteger(V) || V < 1) {
      throw new RangeError(`${op}: vocabSize must be an integer >= 1, got ${describe(V)}`);
    }
    const cell = options.cell ?? "lstm";
    if (cell !== "rnn" && cell !== "lstm" && cell !== "gru") {
      throw new TypeError(`${op}: cell must be "rnn", "lstm" or "gru", got ${describe(cell)}`);
    }
    const H = checkInt(options.hiddenSize ?? 256, op, "hiddenSize", 1);
    const { dtype: dt, rng } = layerOptions(options, op);
    const dtype = dt ?? "float32";
    const oneHot = checkBool(options.oneHot ?? false, op, "oneHot");
    const E = oneHot ? V : checkInt(options.embeddingDim ?? 64, op, "embeddingDim", 1);
    const dropout = checkProbability(options.dropout ?? 0, op, "dropout");
    const numLayers = checkInt(options.numLayers ?? 2, op, "numLayers", 1);
    const bias = checkBool(options.bias ?? true, op, "bias");
    const gates = cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
    checkWeightSize(op, oneHot ? "vocabSize × vocabSize" : "vocabSize × embeddingDim", V, E);
    checkWeightSize(op, "gates × hiddenSize × embeddingDim", gates, H, E);
    checkWeightSize(op, "gates × hiddenSize × hiddenSize", gates, H, H);
    checkWeightSize(op, "vocabSize × hiddenSize", V, H);
    checkWeightSize(
      op,
      "numLayers × gates × hiddenSize × (max(embeddingDim, hiddenSize) + hiddenSize)",
      numLayers,
      gates,
      H,
      Math.max(E, H) + H,
    );
    this.vocabSize = V;
    this.cell = cell;
    this.embedding = oneHot ? null : new Embedding(V, E, { dtype, rng });
    this.#oneHot = oneHot ? new Tensor(eye(V, V, { dtype })) : null;
    const rnnOptions = {
      numLayers,
      dropout,
      bias,
      batchFirst: true,
      dtype,
      rng,
    };
    this.rnn = cell === "lstm"
      ? new LSTM(E, H, rnnOptions)
      : cell === "gru"
      ? new GRU(E, H, rnnOptions)
      : new RNN(E, H, rnnOptions);
    this.head = new Linear(H, V, { dtype, rng, bias });
    this.#dropout = dropout;
    this.#rng = rng;
  }

  /** Logits `[B, T, V]` of the next token at each position of `tokens` (int32 `[B, T]`), and the final state. */
  forward(tokens: Tensor | NDArray, state?: RecurrentState | null): [Tensor, RecurrentState] {
    const t = tokens instanceof Tensor ? tokens.data : tokens;
    if (t?.ndim !== 2 || t.dtype !== "int32") {
      throw new RangeError(
        `CharLM: tokens must be int32 [batch, steps], got ${describe(tokens)}${
          t?.dtype ? ` (${t.dtype})` : ""
        }`,
      );
    }
    checkIndexList(t.reshape([t.size]), this.vocabSize, "CharLM", "tokens");
    const x = this.embedding !== null
      ? this.embedding.forward(t)
      : embedding(t, this.#oneHot as Tensor);
    let out: Tensor, next: RecurrentState;
    if (this.rnn instanceof LSTM) {
      [out, next] = this.rnn.forward(x, state ? (state as [Tensor, Tensor]) : null);
    } else {
      [out, next] = this.rnn.forward(x, state ? (state as Tensor) : null);
    }
    if (this.#dropout > 0 && this.training) {
      out = dropout(out, { p: this.#dropout, training: true, rng: this.#rng });
    }
    return [this.head.forward(out), next];
  }

  /**
   * The model as a {@link Decoder} for `generate`/`beamSearch`: each step feeds one token per
   * sequence (without recording a graph) and returns the next token's logits; the state is the
   * recurrent state (null before the first token).
   */
  decoder(): Decoder<RecurrentState | null> {
    return {
      step: (tokens, state) =>
        noGrad(() => {
          const [logits, next] = this.forward(new Tensor(int32Column(tokens)), state);
          return { logits: logits.data.reshape(tokens.length, this.vocabSize), state: next };
        }),
      select: (state, rows) => noGrad(() => selectState(state, rows)),
    };
  }

  /** The state after reading `prompt` except its last token (null for a one-token prompt), and that token. */
  #prime(prompt: readonly number[] | Int32Array, op: string): [number, RecurrentState | null] {
    const p = Array.from(prompt);
    if (p.length === 0) throw new RangeError(`${op}: the prompt must hold at least one token`);
    for (const v of p) {
      if (!Number.isInteger(v) || v < 0 || v >= this.vocabSize) {
        throw new RangeError(
          `${op}: prompt token ${v} is outside the vocabulary of ${this.vocabSize}`,
        );
      }
    }
    if (p.length === 1) return [p[0], null];
    const [, state] = noGrad(() => this.forward(new Tensor(int32Row(p.slice(0, -1)))));
    return [p[p.length - 1], state];
  }

  /**
   * Continues a prompt (token ids) by `maxNewTokens` tokens, chosen by the sampling options
   * (greedy, temperature, top-k, top-p). Runs in evaluation mode. Returns the new tokens.
   */
  sample(prompt: readonly number[] | Int32Array, options: GenerateOptions): number[] {
    generateOptions(options, "CharLM.sample");
    return this.#evaluating(() => {
      const [last, state] = this.#prime(prompt, "CharLM.sample");
      return generate(this.decoder(), Int32Array.of(last), state, options)[0];
    });
  }

  /** Beam search continuing a prompt; hypotheses best first (see `beamSearch`). */
  beamSearch(prompt: readonly number[] | Int32Array, options: BeamSearchOptions): Hypothesis[] {
    beamOptions(options, "CharLM.beamSearch");
    return this.#evaluating(() => {
      const [last, state] = this.#prime(prompt, "CharLM.beamSearch");
      return beamSearch(this.decoder(), last, state, options);
    });
  }

  #evaluating<T>(fn: () => T): T {
    const was = this.training;
    this.eval();
    try {
      return fn();
    } finally {
      this.train(was);
    }
  }
}

function int32Column(tokens: Int32Array): NDArray {
  return NDArray.fromTyped(Int32Array.from(tokens), [tokens.length, 1]);
}

function int32Row(values: readonly number[]): NDArray {
  return NDArray.fromTyped(Int32Array.from(values), [1, values.length]);
}
