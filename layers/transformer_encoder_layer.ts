/**
 * {@link TransformerEncoderLayer}: PyTorch's `nn.TransformerEncoderLayer` (1.13), post-LN by
 * default as in the notes and in PyTorch, pre-LN with `normFirst`.
 *
 * The notes do not describe the block's contents (the transformer block is an image); this is the
 * standard block of Vaswani et al., as the notes' companion (001-004, L25) writes it:
 * `S' = LN(X + MHSA(X))`, `X'' = LN(S' + W² act(W¹ S' + b¹) + b²)`; with `normFirst`,
 * `S' = X + MHSA(LN(X))`, `X'' = S' + FF(LN(S'))`. Multi-head attention, the feed-forward width and
 * dropout are our additions, with PyTorch's defaults.
 *
 * @module
 */
import { checkOptions, type DType, type Rng } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Linear } from "./linear.ts";
import { Dropout } from "./dropout.ts";
import { LayerNorm } from "./layer_norm.ts";
import { applyActivation, checkSequence, transformerLayerConfig } from "./_transformer.ts";
import { graphOwnedMarker, isPlain, keepsNoTensors } from "./_graph_owned.ts";
import { MultiheadAttention } from "./multihead_attention.ts";
import type { AttentionMask } from "./scaled_dot_product_attention.ts";
import type { KVCache } from "./kv_cache.ts";
import type { RotaryEmbedding } from "./positional_encoding.ts";

/** The feed-forward activation: `"relu"`, `"gelu"` (exact, erf) or a function. */
export type TransformerActivation = "relu" | "gelu" | ((x: Tensor) => Tensor);

/**
 * Options of {@link TransformerEncoderLayer} and {@link TransformerDecoderLayer}.
 *
 * @example
 * ```ts
 * import type { TransformerLayerOptions } from "@nnc/layers";
 * const o: TransformerLayerOptions = { dimFeedforward: 512, normFirst: true, activation: "gelu" };
 * console.log(o.normFirst);
 * ```
 */
export interface TransformerLayerOptions {
  /** Hidden width of the feed-forward block. Default 2048 (PyTorch's). */
  dimFeedforward?: number;
  /** Dropout probability (attention weights, residual branches, feed-forward). Default 0.1. */
  dropout?: number;
  /** Feed-forward activation. Default `"relu"`. */
  activation?: TransformerActivation;
  /** ε of the layer norms. Default 1e-5. */
  layerNormEps?: number;
  /** Inputs `[N, L, E]` (true) or `[L, N, E]` (false, the default). */
  batchFirst?: boolean;
  /** Pre-LN (norm inside each residual branch) instead of the default post-LN. */
  normFirst?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator of the initial weights and the dropout masks. */
  rng?: Rng;
  /** Rotary position embedding for the self-attention's queries and keys. Default none. */
  rotary?: RotaryEmbedding | null;
}

/**
 * The validated settings of a transformer layer (its `config`), from which identical clones are built.
 *
 * @example
 * ```ts
 * import { TransformerEncoderLayer, type TransformerLayerConfig } from "@nnc/layers";
 * const c: TransformerLayerConfig = new TransformerEncoderLayer(8, 2).config;
 * console.assert(c.dimFeedforward === 2048 && !c.normFirst);
 * ```
 */
export interface TransformerLayerConfig {
  /** Model width. */
  dModel: number;
  /** Number of heads. */
  nhead: number;
  /** Feed-forward width. */
  dimFeedforward: number;
  /** Dropout probability. */
  dropout: number;
  /** Feed-forward activation. */
  activation: TransformerActivation;
  /** ε of the layer norms. */
  layerNormEps: number;
  /** `[N, L, E]` inputs. */
  batchFirst: boolean;
  /** Pre-LN. */
  normFirst: boolean;
  /** Parameter dtype. */
  dtype: DType;
  /** Generator of weights and dropout masks. */
  rng: Rng | undefined;
  /** Rotary embedding of the self-attention, or null. */
  rotary: RotaryEmbedding | null;
}

/**
 * Options of {@link TransformerEncoderLayer.forward}.
 *
 * @example
 * ```ts
 * import type { TransformerEncoderLayerForwardOptions } from "@nnc/layers";
 * const o: TransformerEncoderLayerForwardOptions = { isCausal: true };
 * console.log(o.isCausal);
 * ```
 */
export interface TransformerEncoderLayerForwardOptions {
  /** `[L, L]` or `[N·nhead, L, L]` attention mask (boolean int32, 1 hides, or additive). */
  srcMask?: AttentionMask | null;
  /** `[N, L]` padding mask (boolean int32, 1 = padding, or additive). */
  srcKeyPaddingMask?: AttentionMask | null;
  /** Causal self-attention, the diagonal included (no mask array needed). */
  isCausal?: boolean;
  /** Keys and values of earlier positions (autoregressive generation with a decoder-only stack). */
  cache?: KVCache | null;
}

/**
 * One transformer encoder block (PyTorch `nn.TransformerEncoderLayer`): self-attention and a
 * feed-forward network, each in a residual branch with dropout, with LayerNorm after the sum
 * (post-LN, the default) or at the start of the branch (`normFirst`). Parameter names follow
 * PyTorch (`self_attn.in_proj_weight`, `linear1.weight`, `norm1.weight`, …).
 *
 * @example
 * ```ts
 * import { TransformerEncoderLayer } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * const y = layer.eval().forward(randn([2, 7, 16]), { isCausal: true });
 * console.assert(y.shape.join() === "2,7,16");
 * ```
 */
export class TransformerEncoderLayer extends Module<
  [Tensor, TransformerEncoderLayerForwardOptions?],
  Tensor
> {
  /** The validated settings. */
  readonly config: TransformerLayerConfig;
  /** Self-attention (`self_attn`). */
  selfAttn: MultiheadAttention;
  /** First feed-forward layer `[dimFeedforward, dModel]`. */
  linear1: Linear;
  /** Dropout inside the feed-forward block. */
  dropout: Dropout;
  /** Second feed-forward layer `[dModel, dimFeedforward]`. */
  linear2: Linear;
  /** Norm of the attention branch. */
  norm1: LayerNorm;
  /** Norm of the feed-forward branch. */
  norm2: LayerNorm;
  /** Dropout of the attention branch. */
  dropout1: Dropout;
  /** Dropout of the feed-forward branch. */
  dropout2: Dropout;

  /** A block of width `dModel` with `nhead` heads. */
  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const c = this.config = transformerLayerConfig(
      dModel,
      nhead,
      options,
      "TransformerEncoderLayer",
    );
    const { dtype, rng } = c;
    this.selfAttn = this.registerModule(
      "self_attn",
      new MultiheadAttention(dModel, nhead, {
        dropout: c.dropout,
        batchFirst: c.batchFirst,
        dtype,
        rng,
        rotary: c.rotary,
      }),
    );
    this.linear1 = new Linear(dModel, c.dimFeedforward, { dtype, rng });
    this.dropout = new Dropout(c.dropout, { rng });
    this.linear2 = new Linear(c.dimFeedforward, dModel, { dtype, rng });
    this.norm1 = new LayerNorm(dModel, { eps: c.layerNormEps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: c.layerNormEps, dtype });
    this.dropout1 = new Dropout(c.dropout, { rng });
    this.dropout2 = new Dropout(c.dropout, { rng });
  }

  /** `src` `[L, N, E]` (`[N, L, E]` with `batchFirst`, `[L, E]` unbatched) → same shape. */
  forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const o = checkOptions(options, "TransformerEncoderLayer");
    src = checkSequence(src, this.config, "TransformerEncoderLayer", "src");
    const attend = (x: Tensor) =>
      this.dropout1.forward(
        this.selfAttn.forward(x, x, x, {
          attnMask: o.srcMask,
          keyPaddingMask: o.srcKeyPaddingMask,
          isCausal: o.isCausal,
          cache: o.cache,
          needWeights: false,
        })[0],
      );
    // Every value made between src and the result is read by the graph alone when the parts keep
    // no tensor: graph-owned (see markGraphOwned), so a backward pass gives their memory to the
    // next step instead of leaving it to the garbage collector. Never src itself (a dropout that
    // passes its input through returns it).
    const owns = o.cache === undefined || o.cache === null ? this.#partsKeepNoTensors() : false;
    const own = graphOwnedMarker(owns, src);
    let x = src;
    if (this.config.normFirst) {
      x = own(x.add(own(attend(own(this.norm1.forward(x))))));
      return x.add(own(this.#feedForward(own(this.norm2.forward(x)), own)));
    }
    x = own(this.norm1.forward(own(x.add(own(attend(x))))));
    return this.norm2.forward(own(x.add(own(this.#feedForward(x, own)))));
  }

  #feedForward(x: Tensor, own: (t: Tensor) => Tensor): Tensor {
    const h = own(applyActivation(own(this.linear1.forward(x)), this.config.activation));
    return this.dropout2.forward(own(this.linear2.forward(own(this.dropout.forward(h)))));
  }

  // The attention is the built-in one, whose forward without a cache keeps nothing; a callable
  // activation might keep what it is given.
  #partsKeepNoTensors(): boolean {
    return typeof this.config.activation === "string" &&
      isPlain(this.selfAttn, MultiheadAttention) &&
      [
        this.norm1,
        this.norm2,
        this.linear1,
        this.linear2,
        this.dropout,
        this.dropout1,
        this.dropout2,
      ]
        .every(keepsNoTensors);
  }

  /** A new layer with the same settings and a copy of the weights (PyTorch's `deepcopy`). */
  clone(): TransformerEncoderLayer {
    const c = this.config;
    const copy = new TransformerEncoderLayer(c.dModel, c.nhead, { ...c });
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    const c = this.config;
    return `dModel=${c.dModel}, nhead=${c.nhead}, dimFeedforward=${c.dimFeedforward}, normFirst=${c.normFirst}`;
  }
}
