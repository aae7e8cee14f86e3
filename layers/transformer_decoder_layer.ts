/**
 * {@link TransformerDecoderLayer}: PyTorch's `nn.TransformerDecoderLayer` (1.13): masked
 * self-attention, cross-attention to the encoder's output ("memory") and a feed-forward network,
 * post-LN by default, pre-LN with `normFirst`.
 *
 * @module
 */
import { checkBool, checkOptions } from "@nnc/tensor";
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
import type {
  TransformerLayerConfig,
  TransformerLayerOptions,
} from "./transformer_encoder_layer.ts";

/**
 * The caches of one decoder layer during generation: its self-attention's (growing) and its
 * cross-attention's (a static cache over the memory, filled on the first step).
 *
 * @example
 * ```ts
 * import { type DecoderLayerCache, KVCache } from "@nnc/layers";
 * const c: DecoderLayerCache = { self: new KVCache(), cross: new KVCache({ static: true }) };
 * console.assert(c.cross.static);
 * ```
 */
export interface DecoderLayerCache {
  /** Keys and values of the earlier target positions. */
  self: KVCache;
  /** The memory's keys and values (static). */
  cross: KVCache;
}

/**
 * Options of {@link TransformerDecoderLayer.forward}.
 *
 * @example
 * ```ts
 * import type { TransformerDecoderLayerForwardOptions } from "@nnc/layers";
 * const o: TransformerDecoderLayerForwardOptions = { tgtIsCausal: true };
 * console.log(o.tgtIsCausal);
 * ```
 */
export interface TransformerDecoderLayerForwardOptions {
  /** `[T, T]` or `[N·nhead, T, T]` self-attention mask (boolean int32, 1 hides, or additive). */
  tgtMask?: AttentionMask | null;
  /** `[T, S]` or `[N·nhead, T, S]` cross-attention mask. */
  memoryMask?: AttentionMask | null;
  /** `[N, T]` padding of the target. */
  tgtKeyPaddingMask?: AttentionMask | null;
  /** `[N, S]` padding of the memory. */
  memoryKeyPaddingMask?: AttentionMask | null;
  /** Causal self-attention, the diagonal included (no mask array needed). */
  tgtIsCausal?: boolean;
  /** Caches for step-by-step generation. */
  cache?: DecoderLayerCache | null;
}

/**
 * One transformer decoder block (PyTorch `nn.TransformerDecoderLayer`): self-attention over the
 * target (causal for generation: "no peeking"), cross-attention from the target to the memory,
 * and a feed-forward network, each in a residual branch; post-LN by default, pre-LN with
 * `normFirst`. Parameter names follow PyTorch (`self_attn.*`, `multihead_attn.*`, `linear1`,
 * `linear2`, `norm1`–`norm3`).
 *
 * @example
 * ```ts
 * import { TransformerDecoderLayer } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const layer = new TransformerDecoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * const y = layer.eval().forward(randn([2, 5, 16]), randn([2, 9, 16]), { tgtIsCausal: true });
 * console.assert(y.shape.join() === "2,5,16");
 * ```
 */
export class TransformerDecoderLayer extends Module<
  [Tensor, Tensor, TransformerDecoderLayerForwardOptions?],
  Tensor
> {
  /** The validated settings. */
  readonly config: TransformerLayerConfig;
  /** Self-attention over the target (`self_attn`). */
  selfAttn: MultiheadAttention;
  /** Cross-attention to the memory (`multihead_attn`). */
  multiheadAttn: MultiheadAttention;
  /** First feed-forward layer. */
  linear1: Linear;
  /** Dropout inside the feed-forward block. */
  dropout: Dropout;
  /** Second feed-forward layer. */
  linear2: Linear;
  /** Norm of the self-attention branch. */
  norm1: LayerNorm;
  /** Norm of the cross-attention branch. */
  norm2: LayerNorm;
  /** Norm of the feed-forward branch. */
  norm3: LayerNorm;
  /** Dropout of the self-attention branch. */
  dropout1: Dropout;
  /** Dropout of the cross-attention branch. */
  dropout2: Dropout;
  /** Dropout of the feed-forward branch. */
  dropout3: Dropout;

  /** A block of width `dModel` with `nhead` heads. */
  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const c = this.config = transformerLayerConfig(
      dModel,
      nhead,
      options,
      "TransformerDecoderLayer",
    );
    const { dtype, rng } = c;
    const attention = (rotary: boolean) =>
      new MultiheadAttention(dModel, nhead, {
        dropout: c.dropout,
        batchFirst: c.batchFirst,
        dtype,
        rng,
        rotary: rotary ? c.rotary : null,
      });
    this.selfAttn = this.registerModule("self_attn", attention(true));
    this.multiheadAttn = this.registerModule("multihead_attn", attention(false));
    this.linear1 = new Linear(dModel, c.dimFeedforward, { dtype, rng });
    this.dropout = new Dropout(c.dropout, { rng });
    this.linear2 = new Linear(c.dimFeedforward, dModel, { dtype, rng });
    this.norm1 = new LayerNorm(dModel, { eps: c.layerNormEps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: c.layerNormEps, dtype });
    this.norm3 = new LayerNorm(dModel, { eps: c.layerNormEps, dtype });
    this.dropout1 = new Dropout(c.dropout, { rng });
    this.dropout2 = new Dropout(c.dropout, { rng });
    this.dropout3 = new Dropout(c.dropout, { rng });
  }

  /** `tgt` `[T, N, E]` and `memory` `[S, N, E]` (batch first with `batchFirst`) → `[T, N, E]`. */
  forward(
    tgt: Tensor,
    memory: Tensor,
    options: TransformerDecoderLayerForwardOptions = {},
  ): Tensor {
    const op = "TransformerDecoderLayer";
    const o = checkOptions(options, op);
    tgt = checkSequence(tgt, this.config, op, "tgt");
    memory = checkSequence(memory, this.config, op, "memory", tgt);
    const causal = o.tgtIsCausal === undefined
      ? false
      : checkBool(o.tgtIsCausal, op, "tgtIsCausal");
    const selfAttend = (x: Tensor) =>
      this.dropout1.forward(
        this.selfAttn.forward(x, x, x, {
          attnMask: o.tgtMask,
          keyPaddingMask: o.tgtKeyPaddingMask,
          isCausal: causal,
          cache: o.cache?.self ?? null,
          needWeights: false,
        })[0],
      );
    const crossAttend = (x: Tensor) =>
      this.dropout2.forward(
        this.multiheadAttn.forward(x, memory, memory, {
          attnMask: o.memoryMask,
          keyPaddingMask: o.memoryKeyPaddingMask,
          cache: o.cache?.cross ?? null,
          needWeights: false,
        })[0],
      );
    // Every value made between tgt and the result is read by the graph alone when the parts keep
    // no tensor: graph-owned (see markGraphOwned), as in TransformerEncoderLayer. Never tgt or
    // memory themselves (a dropout that passes its input through returns it).
    const owns = o.cache === undefined || o.cache === null ? this.#partsKeepNoTensors() : false;
    const own = graphOwnedMarker(owns, tgt, memory);
    let x = tgt;
    if (this.config.normFirst) {
      x = own(x.add(own(selfAttend(own(this.norm1.forward(x))))));
      x = own(x.add(own(crossAttend(own(this.norm2.forward(x))))));
      return x.add(own(this.#feedForward(own(this.norm3.forward(x)), own)));
    }
    x = own(this.norm1.forward(own(x.add(own(selfAttend(x))))));
    x = own(this.norm2.forward(own(x.add(own(crossAttend(x))))));
    return this.norm3.forward(own(x.add(own(this.#feedForward(x, own)))));
  }

  #feedForward(x: Tensor, own: (t: Tensor) => Tensor): Tensor {
    const h = own(applyActivation(own(this.linear1.forward(x)), this.config.activation));
    return this.dropout3.forward(own(this.linear2.forward(own(this.dropout.forward(h)))));
  }

  // Both attentions are the built-in one, whose forward without a cache keeps nothing; a callable
  // activation might keep what it is given.
  #partsKeepNoTensors(): boolean {
    return typeof this.config.activation === "string" &&
      isPlain(this.selfAttn, MultiheadAttention) &&
      isPlain(this.multiheadAttn, MultiheadAttention) &&
      [
        this.norm1,
        this.norm2,
        this.norm3,
        this.linear1,
        this.linear2,
        this.dropout,
        this.dropout1,
        this.dropout2,
        this.dropout3,
      ].every(keepsNoTensors);
  }

  /** A new layer with the same settings and a copy of the weights (PyTorch's `deepcopy`). */
  clone(): TransformerDecoderLayer {
    const c = this.config;
    const copy = new TransformerDecoderLayer(c.dModel, c.nhead, { ...c });
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    const c = this.config;
    return `dModel=${c.dModel}, nhead=${c.nhead}, dimFeedforward=${c.dimFeedforward}, normFirst=${c.normFirst}`;
  }
}
