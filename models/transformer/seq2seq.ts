/**
 * {@link Seq2SeqTransformer}: an encoder–decoder transformer for sequence-to-sequence tasks
 * (PyTorch's translation tutorial model): token embeddings scaled by √d, sinusoidal positions, an
 * `nn.Transformer`-style encoder and decoder, and a `generator` layer to target-token logits.
 * Training uses teacher forcing (the decoder reads the target shifted right); decoding goes step by
 * step through {@link Seq2SeqTransformer.step} with cached keys and values, wrapped as the
 * `Decoder` of the shared sampling helpers ({@link Seq2SeqTransformer.decoder},
 * {@link Seq2SeqTransformer.translate}).
 *
 * @module
 */
import {
  checkBool,
  checkInt,
  checkOptions,
  checkProbability,
  describe,
  type DType,
  eq,
  fmtShape,
  NDArray,
  type Rng,
} from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { beamSearch, type Decoder, generate } from "../_common/sampling.ts";
import { checkWeightSize, layerOptions } from "../_common/validate.ts";
import {
  type DecoderLayerCache,
  Embedding,
  KVCache,
  Linear,
  Module,
  SinusoidalPositionalEncoding,
  Transformer,
} from "@nnc/layers";

/**
 * Options of {@link Seq2SeqTransformer}.
 *
 * @example
 * ```ts
 * import type { Seq2SeqTransformerOptions } from "@nnc/models/transformer";
 * const o: Seq2SeqTransformerOptions = { srcVocabSize: 13, tgtVocabSize: 13, padIdx: 0 };
 * console.log(o.padIdx);
 * ```
 */
export interface Seq2SeqTransformerOptions {
  /** Source tokens. */
  srcVocabSize: number;
  /** Target tokens. */
  tgtVocabSize: number;
  /** Model width. Default 128. */
  dModel?: number;
  /** Heads. Default 4. */
  nhead?: number;
  /** Encoder blocks. Default 2. */
  numEncoderLayers?: number;
  /** Decoder blocks. Default 2. */
  numDecoderLayers?: number;
  /** Feed-forward width. Default 4·dModel. */
  dimFeedforward?: number;
  /** Dropout. Default 0.1. */
  dropout?: number;
  /** Longest source or target sequence. Default 512. */
  maxLen?: number;
  /** Padding token (same id in source and target): padded keys are masked out. Default none. */
  padIdx?: number;
  /** Pre-LN blocks. Default false (post-LN, as PyTorch and the notes). */
  normFirst?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator of the weights and dropout masks. */
  rng?: Rng;
}

/**
 * The decoding state of a {@link Seq2SeqTransformer}: the encoded source, its padding mask, the
 * per-layer caches, and the number of target positions fed so far. {@link Seq2SeqTransformerState.select}
 * reorders the batch for beam search.
 *
 * @example
 * ```ts
 * import { Seq2SeqTransformer } from "@nnc/models/transformer";
 * import { array } from "@nnc/tensor";
 * const m = new Seq2SeqTransformer({ srcVocabSize: 6, tgtVocabSize: 6, dModel: 8, nhead: 2 }).eval();
 * const s = m.initState(array([[3, 4, 5]], { dtype: "int32" }));
 * console.assert(s.memory.shape.join() === "1,3,8" && s.length === 0);
 * ```
 */
export class Seq2SeqTransformerState {
  /** The encoder's output `[N, S, dModel]`. */
  memory: Tensor;
  /** `[N, S]` boolean (int32) padding of the source, or null. */
  memoryKeyPaddingMask: NDArray | null;
  /** Per decoder layer: self-attention and cross-attention caches. */
  readonly caches: DecoderLayerCache[];
  #length = 0;

  /** A state over an encoded source. */
  constructor(memory: Tensor, memoryKeyPaddingMask: NDArray | null, numLayers: number) {
    const op = "Seq2SeqTransformerState";
    if (!(memory instanceof Tensor) || memory.ndim !== 3) {
      throw new TypeError(`${op}: memory must be a Tensor [N, S, dModel], got ${describe(memory)}`);
    }
    if (
      memoryKeyPaddingMask !== null &&
      (!(memoryKeyPaddingMask instanceof NDArray) ||
        memoryKeyPaddingMask.ndim !== 2 ||
        memoryKeyPaddingMask.shape[0] !== memory.shape[0] ||
        memoryKeyPaddingMask.shape[1] !== memory.shape[1])
    ) {
      throw new TypeError(
        `${op}: memoryKeyPaddingMask must be null or an NDArray [${memory.shape[0]}, ${
          memory.shape[1]
        }], got ${describe(memoryKeyPaddingMask)}`,
      );
    }
    checkInt(numLayers, op, "numLayers", 0, 65536);
    this.memory = memory;
    this.memoryKeyPaddingMask = memoryKeyPaddingMask;
    this.caches = Array.from({ length: numLayers }, () => ({
      self: new KVCache(),
      cross: new KVCache({ static: true }),
    }));
  }

  /** Target positions fed so far. */
  get length(): number {
    return this.#length;
  }

  /** Records `t` more target positions. */
  advance(t: number): void {
    this.#length += checkInt(t, "Seq2SeqTransformerState.advance", "t", 0);
  }

  /** Keeps the batch entries `indices` (repeats allowed), in that order; returns this. */
  select(indices: readonly number[]): this {
    const op = "Seq2SeqTransformerState.select";
    if (!Array.isArray(indices)) {
      throw new TypeError(`${op}: indices must be an array of integers, got ${describe(indices)}`);
    }
    const n = this.memory.shape[0];
    indices.forEach((b, i) => checkInt(b, op, `indices[${i}]`, 0, n - 1));
    this.memory = this.memory.indexSelect(0, indices);
    if (this.memoryKeyPaddingMask !== null) {
      this.memoryKeyPaddingMask = this.memoryKeyPaddingMask.indexSelect(0, indices);
    }
    for (const c of this.caches) {
      c.self.select(indices);
      c.cross.select(indices);
    }
    return this;
  }
}

/**
 * What {@link Seq2SeqTransformer.step} returns.
 *
 * @example
 * ```ts
 * import type { Seq2SeqTransformerStep } from "@nnc/models/transformer";
 * const f = (s: Seq2SeqTransformerStep) => s.logits.shape;
 * console.log(typeof f);
 * ```
 */
export interface Seq2SeqTransformerStep {
  /** Logits of the next target token `[N, tgtVocabSize]`. */
  logits: NDArray;
  /** The state after these positions. */
  state: Seq2SeqTransformerState;
}

function tokenArray(x: NDArray | Tensor, label: string, name: string): NDArray {
  const a = x instanceof Tensor ? x.data : x;
  if (!(a instanceof NDArray) || a.dtype !== "int32" || a.ndim !== 2) {
    throw new TypeError(
      `${label}: ${name} must be int32 tokens [N, L], got ${
        a instanceof NDArray ? `${a.dtype} ${fmtShape(a.shape)}` : describe(x)
      }`,
    );
  }
  return a;
}

/**
 * An encoder–decoder transformer for sequence-to-sequence tasks: `src_tok_emb` and `tgt_tok_emb`
 * (scaled by √dModel) plus sinusoidal positions (`positional_encoding`), a `transformer`
 * (`Transformer`, batch first, post-LN by default) and a `generator` `Linear(dModel, tgtVocabSize)`.
 * `forward(src, tgtIn)` gives logits `[N, T, tgtVocabSize]` with a causal decoder (teacher
 * forcing); `initState` + `step` decode token by token.
 *
 * @example
 * ```ts
 * import { Seq2SeqTransformer } from "@nnc/models/transformer";
 * import { randint, Rng } from "@nnc/tensor";
 * const m = new Seq2SeqTransformer({ srcVocabSize: 12, tgtVocabSize: 12, dModel: 16, nhead: 2, rng: new Rng(0) });
 * const logits = m.forward(randint(0, 12, [4, 7]), randint(0, 12, [4, 5]));
 * console.assert(logits.shape.join() === "4,5,12");
 * ```
 */
export class Seq2SeqTransformer extends Module<[NDArray | Tensor, NDArray | Tensor], Tensor> {
  /** Model width. */
  readonly dModel: number;
  /** Padding token, or null. */
  readonly padIdx: number | null;
  /** Source embedding (`src_tok_emb`). */
  srcTokEmb: Embedding;
  /** Target embedding (`tgt_tok_emb`). */
  tgtTokEmb: Embedding;
  /** Sinusoidal positions with dropout (`positional_encoding`). */
  positionalEncoding: SinusoidalPositionalEncoding;
  /** Encoder and decoder stacks. */
  transformer: Transformer;
  /** Output layer to target logits. */
  generator: Linear;

  /** A model with the given sizes (see {@link Seq2SeqTransformerOptions}). */
  constructor(options: Seq2SeqTransformerOptions) {
    super();
    const op = "Seq2SeqTransformer";
    const o = checkOptions(options, op);
    const src = checkInt(o.srcVocabSize, op, "srcVocabSize", 1);
    const tgt = checkInt(o.tgtVocabSize, op, "tgtVocabSize", 1);
    const d = this.dModel = o.dModel === undefined ? 128 : checkInt(o.dModel, op, "dModel", 1);
    const dropout = o.dropout === undefined
      ? 0.1
      : checkProbability(o.dropout, op, "dropout", true);
    const maxLen = o.maxLen === undefined ? 512 : checkInt(o.maxLen, op, "maxLen", 1);
    this.padIdx = o.padIdx === undefined
      ? null
      : checkInt(o.padIdx, op, "padIdx", 0, Math.min(src, tgt) - 1);
    const { dtype, rng } = layerOptions(o, op);
    const nhead = o.nhead === undefined ? 4 : checkInt(o.nhead, op, "nhead", 1);
    const numEncoderLayers = o.numEncoderLayers === undefined
      ? 2
      : checkInt(o.numEncoderLayers, op, "numEncoderLayers", 1);
    const numDecoderLayers = o.numDecoderLayers === undefined
      ? 2
      : checkInt(o.numDecoderLayers, op, "numDecoderLayers", 1);
    const ff = o.dimFeedforward === undefined
      ? 4 * d
      : checkInt(o.dimFeedforward, op, "dimFeedforward", 1);
    if (d % nhead !== 0) {
      throw new RangeError(`${op}: dModel ${d} must be divisible by nhead ${nhead}`);
    }
    checkWeightSize(op, "max(srcVocabSize, tgtVocabSize) × dModel", Math.max(src, tgt), d);
    checkWeightSize(op, "maxLen × dModel", maxLen, d);
    checkWeightSize(op, "the attention's 3·dModel × dModel", 3 * d, d);
    checkWeightSize(op, "dModel × dimFeedforward", d, ff);
    checkWeightSize(
      op,
      "(numEncoderLayers + 2·numDecoderLayers) × dModel × (4·dModel + 2·dimFeedforward)",
      numEncoderLayers + 2 * numDecoderLayers,
      d,
      4 * d + 2 * ff,
    );
    this.srcTokEmb = this.registerModule("src_tok_emb", new Embedding(src, d, { dtype, rng }));
    this.tgtTokEmb = this.registerModule("tgt_tok_emb", new Embedding(tgt, d, { dtype, rng }));
    this.positionalEncoding = this.registerModule(
      "positional_encoding",
      new SinusoidalPositionalEncoding(d, { maxLen, dropout, batchFirst: true, dtype, rng }),
    );
    this.transformer = new Transformer({
      dModel: d,
      nhead,
      numEncoderLayers,
      numDecoderLayers,
      dimFeedforward: ff,
      dropout,
      batchFirst: true,
      normFirst: o.normFirst === undefined ? false : checkBool(o.normFirst, op, "normFirst"),
      dtype,
      rng,
    });
    this.generator = new Linear(d, tgt, { dtype, rng });
  }

  /** Int32 `[N, L]` padding mask (1 at `padIdx`), or null without a padding token. */
  paddingMask(tokens: NDArray): NDArray | null {
    return this.padIdx === null ? null : eq(tokens, this.padIdx);
  }

  #embed(emb: Embedding, tokens: NDArray, offset: number): Tensor {
    const x = emb.forward(tokens).mul(Math.sqrt(this.dModel));
    return this.positionalEncoding.forward(x, { offset });
  }

  /** The encoder's output `[N, S, dModel]` for source tokens `[N, S]`. */
  encode(src: NDArray | Tensor): Tensor {
    const s = tokenArray(src, "Seq2SeqTransformer.encode", "src");
    return this.transformer.encode(this.#embed(this.srcTokEmb, s, 0), {
      srcKeyPaddingMask: this.paddingMask(s),
    });
  }

  /**
   * Teacher-forced logits `[N, T, tgtVocabSize]`: `src` `[N, S]` is encoded and the decoder reads
   * `tgtIn` `[N, T]` (the target shifted right, starting with a begin token) causally.
   */
  forward(src: NDArray | Tensor, tgtIn: NDArray | Tensor): Tensor {
    const label = "Seq2SeqTransformer";
    const s = tokenArray(src, label, "src"), t = tokenArray(tgtIn, label, "tgtIn");
    if (s.shape[0] !== t.shape[0]) {
      throw new RangeError(
        `${label}: src ${fmtShape(s.shape)} and tgtIn ${fmtShape(t.shape)} differ in batch size`,
      );
    }
    const memory = this.encode(s);
    const y = this.transformer.decoder.forward(this.#embed(this.tgtTokEmb, t, 0), memory, {
      tgtIsCausal: true,
      tgtKeyPaddingMask: this.paddingMask(t),
      memoryKeyPaddingMask: this.paddingMask(s),
    });
    return this.generator.forward(y);
  }

  /**
   * The cross-attention weights of every decoder layer for teacher-forced `tgtIn`, without
   * gradients: one `[N, heads, T, S]` array per layer (row t: where the decoder looks in the
   * source while predicting target token t).
   */
  crossAttentionMaps(src: NDArray | Tensor, tgtIn: NDArray | Tensor): NDArray[] {
    const label = "Seq2SeqTransformer.crossAttentionMaps";
    const s = tokenArray(src, label, "src"), t = tokenArray(tgtIn, label, "tgtIn");
    return noGrad(() => {
      const memory = this.encode(s);
      const memoryMask = this.paddingMask(s), tgtMask = this.paddingMask(t);
      let x = this.#embed(this.tgtTokEmb, t, 0);
      const maps: NDArray[] = [];
      const layers = this.transformer.decoder.layers;
      for (let i = 0; i < layers.length; i++) {
        const layer = layers.at(i);
        const first = layer.config.normFirst;
        // The input of the cross-attention, as the layer computes it.
        const selfIn = first ? layer.norm1.forward(x) : x;
        const sa = layer.selfAttn.forward(selfIn, selfIn, selfIn, {
          isCausal: true,
          keyPaddingMask: tgtMask,
          needWeights: false,
        })[0];
        const h = first ? layer.norm2.forward(x.add(sa)) : layer.norm1.forward(x.add(sa));
        const [, w] = layer.multiheadAttn.forward(h, memory, memory, {
          keyPaddingMask: memoryMask,
          needWeights: true,
          averageAttnWeights: false,
        });
        maps.push(w!.data);
        x = layer.forward(x, memory, {
          tgtIsCausal: true,
          tgtKeyPaddingMask: tgtMask,
          memoryKeyPaddingMask: memoryMask,
        });
      }
      return maps;
    });
  }

  /** Encodes `src` `[N, S]` (without gradients) and returns the state to decode from. */
  initState(src: NDArray | Tensor): Seq2SeqTransformerState {
    const s = tokenArray(src, "Seq2SeqTransformer.initState", "src");
    const memory = noGrad(() => this.encode(s));
    return new Seq2SeqTransformerState(
      memory,
      this.paddingMask(s),
      this.transformer.decoder.layers.length,
    );
  }

  /**
   * One decoding step without gradients: feeds target tokens `[N, t]` (the begin token, then one
   * new token per step) after the positions in `state` and returns the logits of the next target
   * token `[N, tgtVocabSize]`. Put the model in `eval()` mode first.
   */
  step(
    tokens: NDArray | readonly (readonly number[])[],
    state: Seq2SeqTransformerState,
  ): Seq2SeqTransformerStep {
    const idx = tokens instanceof NDArray
      ? tokenArray(tokens, "Seq2SeqTransformer.step", "tokens")
      : NDArray.fromTyped(Int32Array.from(tokens.flat()), [tokens.length, tokens[0]?.length ?? 0]);
    if (!(state instanceof Seq2SeqTransformerState)) {
      throw new TypeError(
        `Seq2SeqTransformer.step: state must come from initState, got ${describe(state)}`,
      );
    }
    const logits = noGrad(() => {
      const x = this.#embed(this.tgtTokEmb, idx, state.length);
      const y = this.transformer.decoder.forward(x, state.memory, {
        tgtIsCausal: true,
        memoryKeyPaddingMask: state.memoryKeyPaddingMask,
        caches: state.caches,
      });
      return this.generator.forward(y.slice(null, y.shape[1] - 1));
    });
    state.advance(idx.shape[1]);
    return { logits: logits.data, state };
  }

  /**
   * The model as a `Decoder` for the sampling helpers (`generate`, `beamSearch`): each step feeds
   * one target token per sequence; the state comes from {@link Seq2SeqTransformer.initState}.
   */
  decoder(): Decoder<Seq2SeqTransformerState> {
    return {
      step: (tokens, state) => {
        const column = NDArray.fromTyped(Int32Array.from(tokens), [tokens.length, 1]);
        return { logits: this.step(column, state).logits, state };
      },
      select: (state, rows) => state.select(Array.from(rows)),
    };
  }

  /**
   * Decodes every source sequence `[N, S]` from the begin token `bos`: greedily for the whole batch
   * (default), or by beam search of width `beamWidth` (> 1) per sequence with length
   * normalisation `lengthPenalty`. Stops at `eos` (dropped from the result) or after `maxLength`
   * tokens. Runs in evaluation mode.
   */
  translate(
    src: NDArray | Tensor,
    options: {
      bos: number;
      maxLength: number;
      eos?: number;
      beamWidth?: number;
      lengthPenalty?: number;
    },
  ): number[][] {
    const op = "Seq2SeqTransformer.translate";
    const s = tokenArray(src, op, "src");
    const o = checkOptions(options, op);
    const bos = checkInt(o.bos, op, "bos", 0), eos = o.eos;
    const strip = (
      t: number[],
    ) => (eos !== undefined && t[t.length - 1] === eos ? t.slice(0, -1) : t);
    const was = this.training;
    this.eval();
    try {
      const width = o.beamWidth ?? 1;
      if (width <= 1) {
        const state = this.initState(s);
        const start = new Int32Array(s.shape[0]).fill(bos);
        return generate(this.decoder(), start, state, {
          maxNewTokens: o.maxLength,
          eos,
          greedy: true,
        })
          .map(strip);
      }
      return Array.from({ length: s.shape[0] }, (_, b) => {
        const [best] = beamSearch(
          this.decoder(),
          bos,
          this.initState(s.slice({ start: b, stop: b + 1 })),
          {
            beamWidth: width,
            maxLength: o.maxLength,
            eos,
            lengthPenalty: o.lengthPenalty,
          },
        );
        return strip(best.tokens);
      });
    } finally {
      this.train(was);
    }
  }
}
