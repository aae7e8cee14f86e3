/**
 * {@link GPT}: a decoder-only (GPT-style) character language model: token and position embeddings,
 * pre-LN transformer blocks with causal self-attention, a final LayerNorm and an output layer tied
 * to the token embedding. {@link GPT.step} runs it one step of generation at a time with a KV cache
 * ({@link GPTState}); {@link GPT.decoder} wraps that as the `Decoder` the shared sampling helpers
 * (`generate`, `beamSearch` of `models/_common/sampling.ts`) drive, and {@link GPT.sample} and
 * {@link GPT.beamSearch} continue a prompt with them.
 *
 * @module
 */
import {
  checkBool,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkProbability,
  describe,
  type DType,
  fmtShape,
  NDArray,
  type Rng,
  sameShape,
} from "@nnc/tensor";
import { markGraphOwned, noGrad, Tensor } from "@nnc/autograd";
import {
  beamSearch,
  type BeamSearchOptions,
  type Decoder,
  generate,
  type GenerateOptions,
  type Hypothesis,
} from "../_common/sampling.ts";
import { checkWeightSize, layerOptions } from "../_common/validate.ts";
import { beamOptions, generateOptions } from "../_common/_decode_options.ts";
import {
  crossEntropy,
  type CrossEntropyOptions,
  Dropout,
  Embedding,
  init,
  KVCache,
  LayerNorm,
  LearnedPositionalEmbedding,
  Linear,
  linear,
  Module,
  ModuleList,
  RotaryEmbedding,
  SinusoidalPositionalEncoding,
  TransformerEncoderLayer,
} from "@nnc/layers";

/** How positions enter: a learned table, the fixed sinusoid, or rotary embeddings in the attention. */
export type PositionalKind = "learned" | "sinusoidal" | "rotary";

/**
 * Options of {@link GPT}.
 *
 * @example
 * ```ts
 * import type { GPTOptions } from "@nnc/models/transformer";
 * const o: GPTOptions = { vocabSize: 96, blockSize: 128, dModel: 128, numHeads: 4, numLayers: 2 };
 * console.log(o.dModel);
 * ```
 */
export interface GPTOptions {
  /** Number of tokens. */
  vocabSize: number;
  /** Longest context (positions 0 … blockSize − 1). */
  blockSize: number;
  /** Model width. Default 128. */
  dModel?: number;
  /** Attention heads. Default 4. */
  numHeads?: number;
  /** Transformer blocks. Default 2. */
  numLayers?: number;
  /** Feed-forward width. Default 4·dModel. */
  dimFeedforward?: number;
  /** Dropout (embeddings, attention, residual branches). Default 0. */
  dropout?: number;
  /** Position information. Default `"learned"`. */
  positional?: PositionalKind;
  /** Output layer shares the token embedding's weights. Default true. */
  tieWeights?: boolean;
  /** Feed-forward activation. Default `"gelu"`. */
  activation?: "relu" | "gelu";
  /** ε of the layer norms. Default 1e-5. */
  layerNormEps?: number;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator of the initial weights and dropout masks. */
  rng?: Rng;
}

/**
 * Options of {@link GPT.forward}.
 *
 * @example
 * ```ts
 * import type { GPTForwardOptions } from "@nnc/models/transformer";
 * const o: GPTForwardOptions = { caches: null };
 * console.log(o.caches);
 * ```
 */
export interface GPTForwardOptions {
  /** One KV cache per block: the input continues the cached positions (generation). */
  caches?: readonly KVCache[] | null;
}

/**
 * The generation state of a {@link GPT}: the per-block KV caches (with `useCache`) or the tokens
 * so far (without, each step re-running the whole context). {@link GPTState.select} reorders the
 * batch for beam search.
 *
 * @example
 * ```ts
 * import { GPT } from "@nnc/models/transformer";
 * import { array } from "@nnc/tensor";
 * const gpt = new GPT({ vocabSize: 5, blockSize: 8, dModel: 8, numHeads: 2, numLayers: 1 });
 * const { state } = gpt.step(array([[1, 2]], { dtype: "int32" }), null);
 * console.assert(state.length === 2 && state.caches!.length === 1);
 * ```
 */
export class GPTState {
  /** Per-block caches, or null when every step recomputes the context. */
  readonly caches: KVCache[] | null;
  #tokens: NDArray | null = null;
  #length = 0;
  #batch: number | null = null;

  /** An empty state, caching or not (`numLayers` in [0, 65536]: one cache per block). */
  constructor(numLayers: number, useCache: boolean) {
    const op = "GPTState";
    checkInt(numLayers, op, "numLayers", 0, 65536);
    this.caches = checkBool(useCache, op, "useCache")
      ? Array.from({ length: numLayers }, () => new KVCache())
      : null;
  }

  /** Positions processed so far. */
  get length(): number {
    return this.#length;
  }

  /** The tokens so far `[N, length]` (kept only without a cache), or null. */
  get tokens(): NDArray | null {
    return this.#tokens;
  }

  /** Records `t` new positions (and, without a cache, the tokens themselves). */
  advance(tokens: NDArray): void {
    const op = "GPTState.advance";
    if (!(tokens instanceof NDArray) || tokens.ndim !== 2 || tokens.dtype !== "int32") {
      throw new TypeError(`${op}: tokens must be an int32 NDArray [N, t], got ${describe(tokens)}`);
    }
    if (this.#batch !== null && tokens.shape[0] !== this.#batch) {
      throw new RangeError(
        `${op}: tokens must have the state's batch of ${this.#batch}, got ${
          fmtShape(tokens.shape)
        }`,
      );
    }
    this.#batch = tokens.shape[0];
    this.#length += tokens.shape[1];
    if (this.caches === null) {
      this.#tokens = this.#tokens === null ? tokens : concatColumns(this.#tokens, tokens);
    }
  }

  /** Keeps the batch entries `indices` (repeats allowed), in that order; returns this. */
  select(indices: readonly number[]): this {
    const op = "GPTState.select";
    if (!Array.isArray(indices)) {
      throw new TypeError(`${op}: indices must be an array of integers, got ${describe(indices)}`);
    }
    const max = this.#batch === null ? 2 ** 31 - 2 : this.#batch - 1;
    indices.forEach((b, i) => checkInt(b, op, `indices[${i}]`, 0, max));
    if (this.#batch !== null) this.#batch = indices.length;
    if (this.caches !== null) { for (const c of this.caches) c.select(indices); }
    if (this.#tokens !== null) {
      const [, t] = this.#tokens.shape;
      const out = new Int32Array(indices.length * t);
      const src = this.#tokens.contiguous();
      indices.forEach((b, i) => out.set(src.data.subarray(b * t, (b + 1) * t), i * t));
      this.#tokens = NDArray.fromTyped(out, [indices.length, t]);
    }
    return this;
  }
}

function concatColumns(a: NDArray, b: NDArray): NDArray {
  const [n, ta] = a.shape, tb = b.shape[1];
  const out = new Int32Array(n * (ta + tb));
  const ac = a.contiguous(), bc = b.contiguous();
  for (let i = 0; i < n; i++) {
    out.set(ac.data.subarray(ac.offset + i * ta, ac.offset + (i + 1) * ta), i * (ta + tb));
    out.set(bc.data.subarray(bc.offset + i * tb, bc.offset + (i + 1) * tb), i * (ta + tb) + ta);
  }
  return NDArray.fromTyped(out, [n, ta + tb]);
}

/**
 * What {@link GPT.step} returns.
 *
 * @example
 * ```ts
 * import type { GPTStep } from "@nnc/models/transformer";
 * const last = (s: GPTStep) => s.logits.shape;
 * console.log(typeof last);
 * ```
 */
export interface GPTStep {
  /** Logits of the next token after the last position, `[N, vocabSize]`. */
  logits: NDArray;
  /** The state after these positions. */
  state: GPTState;
}

/**
 * A GPT-style decoder-only language model (as nanoGPT): `tok_emb` → + positions (`pos_emb`) →
 * dropout → `blocks` (pre-LN `TransformerEncoderLayer`s with causal self-attention and a GELU
 * feed-forward) → `ln_f` → logits through the token embedding's transposed weights (tied; a
 * separate `head` when `tieWeights` is false). Weights start as GPT-2's: N(0, 0.02), residual
 * projections N(0, 0.02/√(2·numLayers)), zero biases. Sequences `[N, T]` of int32 tokens, T ≤
 * `blockSize`; output logits `[N, T, vocabSize]`: position t predicts token t + 1.
 *
 * @example
 * ```ts
 * import { GPT } from "@nnc/models/transformer";
 * import { randint, Rng } from "@nnc/tensor";
 * const gpt = new GPT({ vocabSize: 20, blockSize: 16, dModel: 16, numHeads: 2, numLayers: 2, rng: new Rng(0) });
 * const logits = gpt.forward(randint(0, 20, [3, 10], { rng: new Rng(1) }));
 * console.assert(logits.shape.join() === "3,10,20");
 * console.assert(gpt.namedParameters()[0][0] === "tok_emb.weight");
 * ```
 */
export class GPT extends Module<[NDArray | Tensor, GPTForwardOptions?], Tensor> {
  /** Tokens in the vocabulary. */
  readonly vocabSize: number;
  /** Longest context. */
  readonly blockSize: number;
  /** Model width. */
  readonly dModel: number;
  /** Number of blocks. */
  readonly numLayers: number;
  /** How positions enter. */
  readonly positional: PositionalKind;
  /** Token embedding `tok_emb` `[vocabSize, dModel]`. */
  tokEmb: Embedding;
  /** Position table or encoding (`pos_emb`), or null with rotary embeddings. */
  posEmb: LearnedPositionalEmbedding | SinusoidalPositionalEncoding | null;
  /** Dropout after the embeddings. */
  drop: Dropout;
  /** The transformer blocks (`blocks.0`, …). */
  blocks: ModuleList<TransformerEncoderLayer>;
  /** Final LayerNorm (`ln_f`). */
  lnF: LayerNorm;
  /** Output layer (`head`) when not tied, else null. */
  head: Linear | null;

  /** A model with the given sizes (see {@link GPTOptions}). */
  constructor(options: GPTOptions) {
    super();
    const op = "GPT";
    const o = checkOptions(options, op);
    this.vocabSize = checkInt(o.vocabSize, op, "vocabSize", 1);
    this.blockSize = checkInt(o.blockSize, op, "blockSize", 1);
    const d = this.dModel = o.dModel === undefined ? 128 : checkInt(o.dModel, op, "dModel", 1);
    const heads = o.numHeads === undefined ? 4 : checkInt(o.numHeads, op, "numHeads", 1);
    if (d % heads !== 0) {
      throw new RangeError(`${op}: dModel ${d} must be divisible by numHeads ${heads}`);
    }
    this.numLayers = o.numLayers === undefined ? 2 : checkInt(o.numLayers, op, "numLayers", 1);
    const ff = o.dimFeedforward === undefined
      ? 4 * d
      : checkInt(o.dimFeedforward, op, "dimFeedforward", 1);
    const dropout = o.dropout === undefined ? 0 : checkProbability(o.dropout, op, "dropout", true);
    this.positional = o.positional === undefined
      ? "learned"
      : checkOneOf(o.positional, op, "positional", ["learned", "sinusoidal", "rotary"]);
    const tie = o.tieWeights === undefined ? true : checkBool(o.tieWeights, op, "tieWeights");
    const activation = o.activation === undefined
      ? "gelu"
      : checkOneOf(o.activation, op, "activation", ["relu", "gelu"]);
    const eps = o.layerNormEps === undefined
      ? 1e-5
      : checkNumber(o.layerNormEps, op, "layerNormEps", 0);
    const { dtype, rng } = layerOptions(o, op);
    checkWeightSize(op, "vocabSize × dModel", this.vocabSize, d);
    checkWeightSize(op, "blockSize × dModel", this.blockSize, d);
    checkWeightSize(op, "the attention's 3·dModel × dModel", 3 * d, d);
    checkWeightSize(op, "dModel × dimFeedforward", d, ff);
    checkWeightSize(
      op,
      "numLayers × dModel × (4·dModel + 2·dimFeedforward)",
      this.numLayers,
      d,
      4 * d + 2 * ff,
    );
    this.tokEmb = this.registerModule("tok_emb", new Embedding(this.vocabSize, d, { dtype, rng }));
    this.posEmb = this.registerModule(
      "pos_emb",
      this.positional === "learned"
        ? new LearnedPositionalEmbedding(this.blockSize, d, {
          batchFirst: true,
          dtype,
          rng,
          std: 0.02,
        })
        : this.positional === "sinusoidal"
        ? new SinusoidalPositionalEncoding(d, { maxLen: this.blockSize, batchFirst: true, dtype })
        : null,
    );
    this.drop = this.registerModule("drop", new Dropout(dropout, { rng }));
    const rotary = this.positional === "rotary"
      ? new RotaryEmbedding(d / heads, { maxLen: this.blockSize })
      : null;
    this.blocks = this.registerModule(
      "blocks",
      new ModuleList(
        Array.from({ length: this.numLayers }, () =>
          new TransformerEncoderLayer(d, heads, {
            dimFeedforward: ff,
            dropout,
            activation,
            layerNormEps: eps,
            batchFirst: true,
            normFirst: true,
            dtype,
            rng,
            rotary,
          })),
      ),
    );
    this.lnF = this.registerModule("ln_f", new LayerNorm(d, { eps, dtype }));
    this.head = tie
      ? null
      : this.registerModule("head", new Linear(d, this.vocabSize, { bias: false, dtype, rng }));
    this.resetParameters(rng);
  }

  /** GPT-2's initialisation (see the class description). */
  resetParameters(rng?: Rng): void {
    const std = 0.02, residual = 0.02 / Math.sqrt(2 * this.numLayers);
    init.normal(this.tokEmb.weight, 0, std, { rng });
    if (this.head !== null) init.normal(this.head.weight, 0, std, { rng });
    for (let i = 0; i < this.blocks.length; i++) {
      const b = this.blocks.at(i);
      init.normal(b.selfAttn.inProjWeight!, 0, std, { rng });
      init.normal(b.selfAttn.outProj.weight, 0, residual, { rng });
      init.normal(b.linear1.weight, 0, std, { rng });
      init.normal(b.linear2.weight, 0, residual, { rng });
      for (
        const bias of [
          b.selfAttn.inProjBias,
          b.selfAttn.outProj.bias,
          b.linear1.bias,
          b.linear2.bias,
        ]
      ) {
        if (bias !== null) init.zeros(bias);
      }
    }
  }

  /**
   * Logits `[N, T, vocabSize]` for int32 tokens `[N, T]`; with `caches`, the tokens continue the
   * cached positions.
   */
  forward(tokens: NDArray | Tensor, options: GPTForwardOptions = {}): Tensor {
    const label = `GPT(vocabSize=${this.vocabSize}, blockSize=${this.blockSize})`;
    const o = checkOptions(options, label);
    const idx = tokens instanceof Tensor ? tokens.data : tokens;
    if (!(idx instanceof NDArray) || idx.dtype !== "int32" || idx.ndim !== 2) {
      throw new TypeError(
        `${label}: tokens must be int32 [N, T], got ${
          idx instanceof NDArray ? `${idx.dtype} ${fmtShape(idx.shape)}` : describe(tokens)
        }`,
      );
    }
    const caches = o.caches ?? null;
    if (caches !== null && (!Array.isArray(caches) || caches.length !== this.numLayers)) {
      throw new RangeError(`${label}: caches must hold one KVCache per block (${this.numLayers})`);
    }
    const past = caches === null ? 0 : caches[0].length;
    const t = idx.shape[1];
    if (past + t > this.blockSize) {
      throw new RangeError(
        `${label}: positions ${past}..${past + t - 1} (tokens ${fmtShape(idx.shape)}${
          past ? ` after ${past} cached` : ""
        }) exceed blockSize ${this.blockSize}`,
      );
    }
    // Without caches every value before the logits is read by the graph alone when the parts are
    // the built-in ones: graph-owned (see markGraphOwned), so backward gives their memory to the
    // next step (each block marks its own intermediates).
    const owns = caches === null && this.#partsKeepNoTensors();
    const own = (t: Tensor) => (owns ? markGraphOwned(t) : t);
    let x = own(this.tokEmb.forward(idx));
    if (this.posEmb !== null) x = own(this.posEmb.forward(x, { offset: past }));
    x = own(this.drop.forward(x));
    for (let i = 0; i < this.blocks.length; i++) {
      x = own(
        this.blocks.at(i).forward(x, {
          isCausal: true,
          cache: caches === null ? null : caches[i],
        }),
      );
    }
    x = own(this.lnF.forward(x));
    return this.head === null ? linear(x, this.tokEmb.weight) : this.head.forward(x);
  }

  /**
   * The language-modelling loss of `tokens` `[N, T]` against `targets` (int32, `[N, T]` or `[N·T]`:
   * the next token at each position): `crossEntropy(forward(tokens).reshape(N·T, vocabSize),
   * targets)` with crossEntropy's `options` (mean over the positions by default), as nanoGPT's
   * `model(idx, targets)`. The logits stay inside: when the parts are the built-in ones they are
   * graph-owned (see markGraphOwned), so a backward pass gives their memory to the next step
   * instead of leaving a fresh `[N·T, vocabSize]` array a step to the garbage collector.
   *
   * @example
   * ```ts
   * import { GPT } from "@nnc/models/transformer";
   * import { crossEntropy } from "@nnc/layers";
   * import { array, Rng } from "@nnc/tensor";
   * const gpt = new GPT({ vocabSize: 8, blockSize: 4, dModel: 16, numHeads: 2, numLayers: 1, rng: new Rng(0) });
   * const x = array([[1, 2, 3, 4]], { dtype: "int32" }), y = array([[2, 3, 4, 5]], { dtype: "int32" });
   * const loss = gpt.loss(x, y);
   * console.assert(loss.item() === crossEntropy(gpt.forward(x).reshape(4, 8), y.reshape(4)).item());
   * loss.backward();
   * ```
   */
  loss(
    tokens: NDArray | Tensor,
    targets: NDArray | Tensor,
    options: CrossEntropyOptions = {},
  ): Tensor {
    const label = `GPT(vocabSize=${this.vocabSize}, blockSize=${this.blockSize}).loss`;
    const t = targets instanceof Tensor ? targets.data : targets;
    const idx = tokens instanceof Tensor ? tokens.data : tokens;
    if (!(t instanceof NDArray) || t.dtype !== "int32") {
      throw new TypeError(`${label}: targets must be int32, got ${describe(targets)}`);
    }
    const logits = this.forward(tokens);
    const rows = logits.shape[0] * logits.shape[1];
    if (t.size !== rows || (t.ndim === 2 && !sameShape(t.shape, idx.shape)) || t.ndim > 2) {
      throw new RangeError(
        `${label}: targets ${fmtShape(t.shape)} must be [N, T] or [N·T] for tokens ${
          fmtShape(idx.shape)
        }`,
      );
    }
    const own = this.#partsKeepNoTensors() && this.#headKeepsNoTensors();
    const flat = logits.reshape(rows, this.vocabSize);
    if (own) {
      markGraphOwned(logits);
      markGraphOwned(flat);
    }
    return crossEntropy(flat, t.ndim === 1 ? t : t.reshape(rows), options);
  }

  // The output layer is the built-in Linear (or the tied embedding), its forward not replaced.
  #headKeepsNoTensors(): boolean {
    const h = this.head;
    return h === null || (h.constructor === Linear && !Object.hasOwn(h, "forward"));
  }

  // Each part is of the class the constructor made, its forward not replaced: none keeps a tensor.
  #partsKeepNoTensors(): boolean {
    const plain = (m: object | null, c: abstract new (...args: never[]) => unknown) =>
      m !== null && m.constructor === c && !Object.hasOwn(m, "forward");
    const pos = this.posEmb;
    return plain(this.tokEmb, Embedding) && plain(this.drop, Dropout) &&
      plain(this.lnF, LayerNorm) &&
      (pos === null || plain(pos, LearnedPositionalEmbedding) ||
        plain(pos, SinusoidalPositionalEncoding)) &&
      [...this.blocks].every((b) => plain(b, TransformerEncoderLayer));
  }

  /**
   * The self-attention weights of every block for `tokens` `[N, T]`, without gradients: one
   * `[N, heads, T, T]` array per block (row t: how much position t attends to each position ≤ t).
   */
  attentionMaps(tokens: NDArray | Tensor): NDArray[] {
    const idx = tokens instanceof Tensor ? tokens.data : tokens;
    return noGrad(() => {
      this.forward(idx); // validates the tokens
      let x = this.tokEmb.forward(idx);
      if (this.posEmb !== null) x = this.posEmb.forward(x);
      x = this.drop.forward(x);
      const maps: NDArray[] = [];
      for (let i = 0; i < this.blocks.length; i++) {
        const b = this.blocks.at(i);
        const h = b.norm1.forward(x); // pre-LN: the attention reads the normalised input
        const [, w] = b.selfAttn.forward(h, h, h, {
          isCausal: true,
          needWeights: true,
          averageAttnWeights: false,
        });
        maps.push(w!.data);
        x = b.forward(x, { isCausal: true });
      }
      return maps;
    });
  }

  /** A fresh generation state (with per-block KV caches unless `useCache` is false). */
  initState(options: { useCache?: boolean } = {}): GPTState {
    const o = checkOptions(options, "GPT.initState");
    const useCache = o.useCache === undefined
      ? true
      : checkBool(o.useCache, "GPT.initState", "useCache");
    return new GPTState(this.numLayers, useCache);
  }

  /**
   * One step of generation, without gradients: feeds `tokens` `[N, t]` (the prompt, then one new
   * token per step) after the positions in `state` (a fresh caching state when null) and returns
   * the logits of the next token `[N, vocabSize]` with the updated state. With a cache each step
   * costs one position; without, the whole context is run again (the same logits, slower).
   * Put the model in `eval()` mode first for deterministic output.
   */
  step(tokens: NDArray | readonly (readonly number[])[], state: GPTState | null): GPTStep {
    const s = state ?? this.initState();
    const idx = tokens instanceof NDArray
      ? tokens
      : NDArray.fromTyped(Int32Array.from(tokens.flat()), [tokens.length, tokens[0]?.length ?? 0]);
    const logits = noGrad(() => {
      if (s.caches !== null) return this.forward(idx, { caches: s.caches });
      s.advance(idx);
      return this.forward(s.tokens!);
    });
    if (s.caches !== null) s.advance(idx);
    const [n, t, v] = logits.shape;
    return { logits: logits.data.slice(null, t - 1).contiguous().reshape(n, v), state: s };
  }

  /**
   * The model as a `Decoder` for the sampling helpers (`generate`, `beamSearch`): each step feeds
   * one token per sequence after the positions in the state (with the KV cache unless `useCache`
   * is false) and returns the next token's logits; `select` reorders the batch in place.
   */
  decoder(options: { useCache?: boolean } = {}): Decoder<GPTState | null> {
    const useCache = checkOptions(options, "GPT.decoder").useCache ?? true;
    return {
      step: (tokens, state) => {
        const s = state ?? this.initState({ useCache });
        const column = NDArray.fromTyped(Int32Array.from(tokens), [tokens.length, 1]);
        return { logits: this.step(column, s).logits, state: s };
      },
      select: (state, rows) => state === null ? null : state.select(Array.from(rows)),
    };
  }

  /** The state after a prompt without its last token (null for one token), and that token. */
  #prime(
    prompt: readonly number[] | Int32Array,
    useCache: boolean,
    op: string,
  ): [number, GPTState | null] {
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
    const state = this.initState({ useCache });
    this.step([p.slice(0, -1)], state);
    return [p[p.length - 1], state];
  }

  /**
   * Continues a prompt (token ids) by `maxNewTokens` tokens chosen by the sampling options (greedy,
   * temperature, top-k, top-p; see `generate`), with the KV cache unless `useCache` is false. Runs
   * in evaluation mode. Returns the new tokens. Prompt and continuation must fit in `blockSize`.
   */
  sample(
    prompt: readonly number[] | Int32Array,
    options: GenerateOptions & { useCache?: boolean },
  ): number[] {
    generateOptions(options, "GPT.sample");
    return this.#evaluating(() => {
      const useCache = options?.useCache ?? true;
      const [last, state] = this.#prime(prompt, useCache, "GPT.sample");
      return generate(this.decoder({ useCache }), Int32Array.of(last), state, options)[0];
    });
  }

  /** Beam search continuing a prompt (see `beamSearch`); hypotheses best first. */
  beamSearch(prompt: readonly number[] | Int32Array, options: BeamSearchOptions): Hypothesis[] {
    beamOptions(options, "GPT.beamSearch");
    return this.#evaluating(() => {
      const [last, state] = this.#prime(prompt, true, "GPT.beamSearch");
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

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `vocabSize=${this.vocabSize}, blockSize=${this.blockSize}, dModel=${this.dModel}, numLayers=${this.numLayers}, positional=${this.positional}`;
  }
}
