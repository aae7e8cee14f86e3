/**
 * {@link Seq2Seq}: a recurrent encoder–decoder with additive (Bahdanau), multiplicative (Luong) or
 * no attention, trained with teacher forcing or scheduled sampling, decoded greedily or by beam
 * search.
 *
 * @module
 */
import {
  checkInt,
  checkOneOf,
  checkOptions,
  defaultRng,
  describe,
  NDArray,
  type Rng,
} from "@nnc/tensor";
import { concat, noGrad, stack, Tensor } from "@nnc/autograd";
import {
  AdditiveAttention,
  Embedding,
  GRU,
  GRUCell,
  Linear,
  LSTM,
  LSTMCell,
  LuongAttention,
  Module,
} from "@nnc/layers";
import { beamSearch, type Decoder, type Hypothesis } from "../_common/sampling.ts";

/** How the decoder looks at the source. */
export type AttentionType = "bahdanau" | "luong" | "none";

/**
 * Options of {@link Seq2Seq}.
 *
 * @example
 * ```ts
 * import type { Seq2SeqOptions } from "@nnc/models/rnn";
 * const o: Seq2SeqOptions = { sourceVocab: 30, targetVocab: 32, attention: "luong", cell: "lstm" };
 * ```
 */
export interface Seq2SeqOptions {
  /** Source tokens. */
  sourceVocab: number;
  /** Target tokens. */
  targetVocab: number;
  /** Token vector size (both sides). Default 32. */
  embeddingDim?: number;
  /** State size of the encoder (per direction) and of the decoder. Default 64. */
  hiddenSize?: number;
  /** Recurrent cell of encoder and decoder. Default `"gru"`. */
  cell?: "gru" | "lstm";
  /** Attention. Default `"bahdanau"`. */
  attention?: AttentionType;
  /** Read the source in both directions. Default true. */
  bidirectional?: boolean;
  /** Padding id of both vocabularies (its embedding is zero and frozen). Default 0. */
  pad?: number;
  /** Start token of the decoder. Default 1. */
  bos?: number;
  /** End token. Default 2. */
  eos?: number;
  /** Parameter dtype. Default float32. */
  dtype?: "float32" | "float64";
  /** Generator of the initial weights. */
  rng?: Rng;
}

/**
 * Options of {@link Seq2Seq.forward}.
 *
 * @example
 * ```ts
 * import type { Seq2SeqForwardOptions } from "@nnc/models/rnn";
 * import { Rng } from "@nnc/tensor";
 * const o: Seq2SeqForwardOptions = { sourceLengths: [5, 3], teacherForcing: 0.75, rng: new Rng(0) };
 * ```
 */
export interface Seq2SeqForwardOptions {
  /** Valid source tokens per sequence (all when omitted). */
  sourceLengths?: readonly number[] | Int32Array;
  /**
   * Probability of feeding the true previous token rather than the model's own prediction at each
   * step (scheduled sampling, Bengio et al. 2015). 1 (default) is teacher forcing.
   */
  teacherForcing?: number;
  /** Generator of the scheduled-sampling coins. */
  rng?: Rng;
}

/**
 * What {@link Seq2Seq.forward} returns.
 *
 * @example
 * ```ts
 * import type { Seq2SeqOutput } from "@nnc/models/rnn";
 * const show = (o: Seq2SeqOutput) => o.logits.shape;
 * ```
 */
export interface Seq2SeqOutput {
  /** Logits `[B, T, targetVocab]` of each target position. */
  logits: Tensor;
  /** Attention weights `[B, T, S]` (null without attention). */
  attention: Tensor | null;
}

/**
 * The decoder's state between steps (rows are sequences, or beam hypotheses).
 *
 * @example
 * ```ts
 * import type { Seq2SeqState } from "@nnc/models/rnn";
 * const rows = (s: Seq2SeqState) => s.h.shape[0];
 * ```
 */
export interface Seq2SeqState {
  /** Decoder hidden state `[B, H]`. */
  h: Tensor;
  /** Decoder cell state `[B, H]` (LSTM) or null. */
  c: Tensor | null;
  /** Encoder outputs `[B, S, D·H]`. */
  memory: Tensor;
  /** The memory's keys projected once for additive attention, or null. */
  keys: Tensor | null;
  /** Valid source positions per row. */
  lengths: Int32Array;
}

/**
 * An encoder–decoder for sequence transduction (the notes' "asynchronous sequence to sequence":
 * `p(y^{1:T} | x) = Π_t p(y^t | x, y^{1:t−1})`). The encoder (`GRU`/`LSTM`, bidirectional by
 * default) reads the source; a `bridge` turns its final states into the decoder's initial state.
 * Each decoder step embeds the previous target token and
 * - `bahdanau`: attends from the previous state, `s_t = cell([e; c_t], s_{t−1})`,
 *   logits `= out([s_t; c_t; e])`;
 * - `luong`: `s_t = cell(e, s_{t−1})`, attends from `s_t` (general score),
 *   `h̃_t = tanh(combine([c_t; s_t]))`, logits `= out(h̃_t)`;
 * - `none`: `s_t = cell(e, s_{t−1})`, logits `= out(s_t)` (the mock final's plain decoder).
 *
 * `forward(source [B, S], target [B, T], options?)` feeds `<s>` then the target shifted right
 * (teacher forcing), or with probability `1 − teacherForcing` per step and sequence the model's
 * own previous prediction (scheduled sampling).
 *
 * @example
 * ```ts
 * import { Seq2Seq } from "@nnc/models/rnn";
 * import { crossEntropy } from "@nnc/layers";
 * import { array, Rng } from "@nnc/tensor";
 * const model = new Seq2Seq({ sourceVocab: 6, targetVocab: 5, hiddenSize: 8, embeddingDim: 4, rng: new Rng(0) });
 * const src = array([[3, 4, 5], [4, 3, 0]], { dtype: "int32" });
 * const tgt = array([[3, 4, 2], [4, 2, 0]], { dtype: "int32" });
 * const { logits, attention } = model.forward(src, tgt, { sourceLengths: [3, 2] });
 * crossEntropy(logits.reshape(6, 5), tgt.reshape(6), { ignoreIndex: 0 }).backward();
 * console.assert(logits.shape.join() === "2,3,5" && attention?.get(1, 0, 2) === 0);
 * console.assert(model.translate(src, { sourceLengths: [3, 2], maxLength: 4 }).length === 2);
 * ```
 */
export class Seq2Seq
  extends Module<[Tensor | NDArray, Tensor | NDArray, Seq2SeqForwardOptions?], Seq2SeqOutput> {
  /** Source tokens. */
  readonly sourceVocab: number;
  /** Target tokens. */
  readonly targetVocab: number;
  /** Attention type. */
  readonly attentionType: AttentionType;
  /** Padding id. */
  readonly pad: number;
  /** Start token. */
  readonly bos: number;
  /** End token. */
  readonly eos: number;
  /** Source token vectors. */
  sourceEmbedding: Embedding;
  /** The encoder. */
  encoder: GRU | LSTM;
  /** Encoder final states → decoder initial hidden state. */
  bridge: Linear;
  /** Encoder final cell states → decoder initial cell state (LSTM). */
  bridgeCell: Linear | null;
  /** Target token vectors. */
  targetEmbedding: Embedding;
  /** The decoder's cell. */
  decoderCell: GRUCell | LSTMCell;
  /** The attention (null for none). */
  attention: AdditiveAttention | LuongAttention | null;
  /** Luong's `[c; s] → h̃` layer. */
  combine: Linear | null;
  /** Read-out to target logits. */
  out: Linear;

  /** A model from `sourceVocab` to `targetVocab` tokens. */
  constructor(options: Seq2SeqOptions) {
    super();
    const op = "Seq2Seq";
    options = checkOptions(options, op, "sourceVocab and targetVocab");
    this.sourceVocab = checkInt(options.sourceVocab, op, "sourceVocab", 1);
    this.targetVocab = checkInt(options.targetVocab, op, "targetVocab", 1);
    const attention = checkOneOf(options.attention ?? "bahdanau", op, "attention", [
      "bahdanau",
      "luong",
      "none",
    ]);
    const cell = checkOneOf(options.cell ?? "gru", op, "cell", ["gru", "lstm"]);
    this.attentionType = attention;
    this.pad = options.pad ?? 0;
    this.bos = options.bos ?? 1;
    this.eos = options.eos ?? 2;
    for (const [name, id] of [["pad", this.pad], ["bos", this.bos], ["eos", this.eos]] as const) {
      checkInt(id, op, `${name} (a target token id)`, 0, this.targetVocab - 1);
    }
    const E = options.embeddingDim ?? 32, H = options.hiddenSize ?? 64;
    const D = (options.bidirectional ?? true) ? 2 : 1;
    const common = { dtype: options.dtype, rng: options.rng };
    this.sourceEmbedding = new Embedding(this.sourceVocab, E, {
      ...common,
      paddingIdx: this.pad < this.sourceVocab ? this.pad : undefined,
    });
    const encOptions = { ...common, batchFirst: true, bidirectional: D === 2 };
    this.encoder = cell === "gru" ? new GRU(E, H, encOptions) : new LSTM(E, H, encOptions);
    this.bridge = new Linear(D * H, H, common);
    this.bridgeCell = cell === "lstm" ? new Linear(D * H, H, common) : null;
    this.targetEmbedding = new Embedding(this.targetVocab, E, { ...common, paddingIdx: this.pad });
    const input = attention === "bahdanau" ? E + D * H : E;
    this.decoderCell = cell === "gru"
      ? new GRUCell(input, H, common)
      : new LSTMCell(input, H, common);
    this.attention = attention === "bahdanau"
      ? new AdditiveAttention(H, D * H, H, common)
      : attention === "luong"
      ? new LuongAttention(H, { ...common, score: "general", keyDim: D * H })
      : null;
    this.combine = attention === "luong" ? new Linear(D * H + H, H, common) : null;
    const readout = attention === "bahdanau" ? H + D * H + E : H;
    this.out = new Linear(readout, this.targetVocab, common);
  }

  /** Runs the encoder; returns the decoder's initial state for the batch. */
  encode(source: Tensor | NDArray, sourceLengths?: readonly number[] | Int32Array): Seq2SeqState {
    const src = this.#tokens(source, "source", this.sourceVocab);
    const [B, S] = src.shape;
    const lengths = sourceLengths === undefined
      ? new Int32Array(B).fill(S)
      : Int32Array.from(sourceLengths);
    if (lengths.length !== B) {
      throw new RangeError(`Seq2Seq: ${lengths.length} source lengths for a batch of ${B}`);
    }
    const x = this.sourceEmbedding.forward(src);
    const opts = { lengths };
    let memory: Tensor, h: Tensor, c: Tensor | null = null;
    if (this.encoder instanceof LSTM) {
      const [out, [hN, cN]] = this.encoder.forward(x, null, opts);
      memory = out;
      h = hN;
      c = cN;
    } else {
      [memory, h] = this.encoder.forward(x, null, opts);
    }
    // [D, B, H] → [B, D·H]: both directions' final states side by side.
    const flat = (s: Tensor) => s.permute(1, 0, 2).reshape(B, -1);
    const h0 = this.bridge.forward(flat(h)).tanh();
    const c0 = c === null ? null : this.bridgeCell!.forward(flat(c)).tanh();
    const keys = this.attention instanceof AdditiveAttention
      ? this.attention.projectKeys(memory)
      : null;
    return { h: h0, c: c0, memory, keys, lengths };
  }

  /** One decoder step from the previous tokens `[B]`: next-token logits `[B, V]`, attention weights `[B, S]` (or null) and the new state. */
  step(
    previous: Tensor | NDArray,
    state: Seq2SeqState,
  ): { logits: Tensor; weights: Tensor | null; state: Seq2SeqState } {
    const prev = previous instanceof Tensor ? previous.data : previous;
    const e = this.targetEmbedding.forward(prev);
    const { memory, lengths } = state;
    let h: Tensor, c: Tensor | null = null, logits: Tensor, weights: Tensor | null = null;
    const advance = (input: Tensor): void => {
      if (this.decoderCell instanceof LSTMCell) {
        [h, c] = this.decoderCell.forward(input, [state.h, state.c!]);
      } else h = this.decoderCell.forward(input, state.h);
    };
    if (this.attention instanceof AdditiveAttention) {
      const [context, w] = this.attention.forward(state.h, memory, memory, {
        lengths,
        projected: state.keys!,
      });
      weights = w;
      advance(concat([e, context], 1));
      logits = this.out.forward(concat([h!, context, e], 1));
    } else if (this.attention instanceof LuongAttention) {
      advance(e);
      const [context, w] = this.attention.forward(h!, memory, memory, { lengths });
      weights = w;
      logits = this.out.forward(this.combine!.forward(concat([context, h!], 1)).tanh());
    } else {
      advance(e);
      logits = this.out.forward(h!);
    }
    return { logits, weights, state: { ...state, h: h!, c } };
  }

  /** Logits of every target position (teacher forcing or scheduled sampling), and the attention weights. */
  forward(
    source: Tensor | NDArray,
    target: Tensor | NDArray,
    options: Seq2SeqForwardOptions = {},
  ): Seq2SeqOutput {
    const tgt = this.#tokens(target, "target", this.targetVocab);
    const [B, T] = tgt.shape;
    let state = this.encode(source, options.sourceLengths);
    if (state.h.shape[0] !== B) {
      throw new RangeError(`Seq2Seq: source has ${state.h.shape[0]} sequences but target has ${B}`);
    }
    const p = options.teacherForcing ?? 1;
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new RangeError(
        `Seq2Seq: teacherForcing must be a probability in [0, 1], got ${describe(p)}`,
      );
    }
    const rng = options.rng ?? defaultRng();
    const data = tgt.contiguous().data as Int32Array;
    const logits: Tensor[] = [], weights: Tensor[] = [];
    let prev: Int32Array = new Int32Array(B).fill(this.bos);
    for (let t = 0; t < T; t++) {
      const r = this.step(NDArray.fromTyped(prev), state);
      state = r.state;
      logits.push(r.logits);
      if (r.weights !== null) weights.push(r.weights);
      const guess = p < 1 ? argmaxRows(r.logits.data) : null;
      const next = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const truth = data[b * T + t];
        next[b] = guess === null || rng.random() < p ? truth : guess[b];
      }
      prev = next;
    }
    return {
      logits: stack(logits, 1),
      attention: weights.length > 0 ? stack(weights, 1) : null,
    };
  }

  /** The model as a {@link Decoder} over its decoder state (for `generate` and `beamSearch`), without gradients. */
  decoder(): Decoder<Seq2SeqState> {
    return {
      step: (tokens, state) =>
        noGrad(() => {
          const r = this.step(NDArray.fromTyped(Int32Array.from(tokens)), state);
          return { logits: r.logits.data, state: r.state };
        }),
      select: (s, rows) =>
        noGrad(() => {
          const idx = NDArray.fromTyped(Int32Array.from(rows));
          return {
            h: s.h.indexSelect(0, idx),
            c: s.c === null ? null : s.c.indexSelect(0, idx),
            memory: s.memory.indexSelect(0, idx),
            keys: s.keys === null ? null : s.keys.indexSelect(0, idx),
            lengths: Int32Array.from(rows, (r) => s.lengths[r]),
          };
        }),
    };
  }

  /**
   * Translates each source sequence: greedily (one batch), or by beam search of width
   * `beamWidth` (> 1) with length normalisation `lengthPenalty`. Runs in evaluation mode.
   * Returns the target ids of each sequence without the final `</s>`.
   */
  translate(
    source: Tensor | NDArray,
    options: {
      sourceLengths?: readonly number[] | Int32Array;
      maxLength: number;
      beamWidth?: number;
      lengthPenalty?: number;
    },
  ): number[][] {
    const was = this.training;
    this.eval();
    try {
      const init = noGrad(() => this.encode(source, options.sourceLengths));
      const B = init.h.shape[0];
      const dec = this.decoder();
      const width = options.beamWidth ?? 1;
      const strip = (t: number[]) => (t[t.length - 1] === this.eos ? t.slice(0, -1) : t);
      if (width <= 1) {
        return this.#greedy(dec, init, options.maxLength).map(strip);
      }
      const out: number[][] = [];
      for (let b = 0; b < B; b++) {
        const one = dec.select(init, Int32Array.of(b));
        const [best] = beamSearch(dec, this.bos, one, {
          beamWidth: width,
          maxLength: options.maxLength,
          eos: this.eos,
          lengthPenalty: options.lengthPenalty,
        });
        out.push(strip(best.tokens));
      }
      return out;
    } finally {
      this.train(was);
    }
  }

  /** Beam search for one source sequence; hypotheses best first. */
  beamSearch(
    source: Tensor | NDArray,
    options: {
      sourceLength?: number;
      maxLength: number;
      beamWidth?: number;
      lengthPenalty?: number;
      keepGreedy?: boolean;
    },
  ): Hypothesis[] {
    const was = this.training;
    this.eval();
    try {
      const src = this.#tokens(source, "source", this.sourceVocab);
      if (src.shape[0] !== 1) {
        throw new RangeError(
          `Seq2Seq.beamSearch: expected one source sequence, got ${src.shape[0]}`,
        );
      }
      const init = noGrad(() =>
        this.encode(src, options.sourceLength === undefined ? undefined : [options.sourceLength])
      );
      return beamSearch(this.decoder(), this.bos, init, { ...options, eos: this.eos });
    } finally {
      this.train(was);
    }
  }

  #greedy(dec: Decoder<Seq2SeqState>, init: Seq2SeqState, maxLength: number): number[][] {
    const B = init.h.shape[0];
    const out: number[][] = Array.from({ length: B }, () => []);
    const done = new Uint8Array(B);
    let state = init;
    let prev: Int32Array = new Int32Array(B).fill(this.bos);
    for (let t = 0; t < maxLength; t++) {
      const r = dec.step(prev, state);
      state = r.state;
      prev = argmaxRows(r.logits as NDArray);
      let alive = 0;
      for (let b = 0; b < B; b++) {
        if (done[b]) continue;
        out[b].push(prev[b]);
        if (prev[b] === this.eos) done[b] = 1;
        else alive++;
      }
      if (alive === 0) break;
    }
    return out;
  }

  #tokens(x: Tensor | NDArray, name: string, vocab: number): NDArray {
    const a = x instanceof Tensor ? x.data : x;
    if (!(a instanceof NDArray) || a.ndim !== 2 || a.dtype !== "int32") {
      throw new RangeError(`Seq2Seq: ${name} must be int32 [batch, steps], got ${describe(x)}`);
    }
    const c = a.contiguous();
    for (let i = 0; i < c.size; i++) {
      const v = c.data[c.offset + i];
      if (v < 0 || v >= vocab) {
        throw new RangeError(`Seq2Seq: ${name} token ${v} is outside the vocabulary of ${vocab}`);
      }
    }
    return c;
  }
}

/** The index of the largest entry of each row of `[B, V]` logits (ties: the lowest). */
function argmaxRows(logits: NDArray): Int32Array {
  const c = logits.contiguous();
  const [B, V] = c.shape;
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let best = 0, bv = c.data[c.offset + b * V];
    for (let j = 1; j < V; j++) {
      const v = c.data[c.offset + b * V + j];
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[b] = best;
  }
  return out;
}
