/**
 * Stacks of transformer blocks (PyTorch `nn.TransformerEncoder`, `nn.TransformerDecoder`) and the
 * encoder–decoder {@link Transformer} (`nn.Transformer`), with PyTorch's parameter names
 * (`encoder.layers.0.self_attn.in_proj_weight`, `decoder.norm.weight`, …). The notes: "define a
 * generic transformer block, and compose it several times"; the encoder's output feeds the
 * decoder's cross-attention.
 *
 * @module
 */
import {
  checkFloatDType,
  checkInt,
  checkOptions,
  describe,
  type DType,
  type NDArray,
  type Rng,
} from "@nnc/tensor";
import { markGraphOwned, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { ModuleList } from "./module_list.ts";
import { LayerNorm } from "./layer_norm.ts";
import { xavierUniform } from "./init.ts";
import { graphOwnedMarker, isPlain } from "./_graph_owned.ts";
import {
  type TransformerActivation,
  TransformerEncoderLayer,
  type TransformerLayerConfig,
} from "./transformer_encoder_layer.ts";
import { checkSequence, transformerLayerConfig } from "./_transformer.ts";
import { type DecoderLayerCache, TransformerDecoderLayer } from "./transformer_decoder_layer.ts";
import { type AttentionMask, causalMask } from "./scaled_dot_product_attention.ts";
import type { KVCache } from "./kv_cache.ts";

function checkNorm(norm: unknown, op: string): LayerNorm | null {
  if (norm === undefined || norm === null) return null;
  if (!(norm instanceof LayerNorm)) {
    throw new TypeError(`${op}: norm must be a LayerNorm or null, got ${describe(norm)}`);
  }
  return norm;
}

function checkCaches<C>(
  caches: readonly C[] | null | undefined,
  n: number,
  op: string,
): readonly C[] | null {
  if (caches === undefined || caches === null) return null;
  if (!Array.isArray(caches) || caches.length !== n) {
    throw new RangeError(
      `${op}: caches must hold one entry per layer (${n}), got ${describe(caches)}`,
    );
  }
  return caches;
}

/**
 * Options of {@link TransformerEncoder.forward}.
 *
 * @example
 * ```ts
 * import type { TransformerEncoderForwardOptions } from "@nnc/layers";
 * const o: TransformerEncoderForwardOptions = { isCausal: true };
 * console.log(o.isCausal);
 * ```
 */
export interface TransformerEncoderForwardOptions {
  /** `[L, L]` or `[N·nhead, L, L]` attention mask (boolean int32, 1 hides, or additive). */
  mask?: AttentionMask | null;
  /** `[N, L]` padding mask. */
  srcKeyPaddingMask?: AttentionMask | null;
  /** Causal self-attention in every layer. */
  isCausal?: boolean;
  /** One cache per layer for step-by-step generation (decoder-only models). */
  caches?: readonly KVCache[] | null;
}

/**
 * `numLayers` copies of an encoder block (PyTorch `nn.TransformerEncoder`, which deep-copies the
 * block it is given), applied in turn, then an optional final LayerNorm `norm`.
 *
 * @example
 * ```ts
 * import { TransformerEncoder, TransformerEncoderLayer } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 3);
 * console.assert(enc.layers.length === 3 && enc.forward(randn([5, 2, 8])).shape.join() === "5,2,8");
 * console.assert(enc.namedParameters()[0][0] === "layers.0.self_attn.in_proj_weight");
 * ```
 */
export class TransformerEncoder
  extends Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> {
  /** The blocks (`layers.0`, `layers.1`, …). */
  layers: ModuleList<TransformerEncoderLayer>;
  /** Final LayerNorm, or null. */
  norm: LayerNorm | null;

  /** `numLayers` identical copies of `encoderLayer`, then `norm` if given. */
  constructor(
    encoderLayer: TransformerEncoderLayer,
    numLayers: number,
    options: { norm?: LayerNorm | null } = {},
  ) {
    super();
    const op = "TransformerEncoder";
    if (!(encoderLayer instanceof TransformerEncoderLayer)) {
      throw new TypeError(
        `${op}: encoderLayer must be a TransformerEncoderLayer, got ${describe(encoderLayer)}`,
      );
    }
    checkInt(numLayers, op, "numLayers", 1);
    const o = checkOptions(options, op);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone()));
    this.norm = checkNorm(o.norm, op);
  }

  /** `src` through every block (and the final norm). */
  forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    const op = "TransformerEncoder";
    const o = checkOptions(options, op);
    const caches = checkCaches(o.caches, this.layers.length, op);
    const own = graphOwnedMarker(caches === null && this.#plain(), src);
    let x = src;
    for (let i = 0; i < this.layers.length; i++) {
      if (i > 0) own(x);
      x = this.layers.at(i).forward(x, {
        srcMask: o.mask,
        srcKeyPaddingMask: o.srcKeyPaddingMask,
        isCausal: o.isCausal,
        cache: caches === null ? null : caches[i],
      });
    }
    return this.norm === null ? x : this.norm.forward(own(x));
  }

  // Built-in layers and norm: each keeps no tensor without a cache.
  #plain(): boolean {
    return (this.norm === null || isPlain(this.norm, LayerNorm)) &&
      [...this.layers].every((l) => isPlain(l, TransformerEncoderLayer));
  }
}

/**
 * Options of {@link TransformerDecoder.forward}.
 *
 * @example
 * ```ts
 * import type { TransformerDecoderForwardOptions } from "@nnc/layers";
 * const o: TransformerDecoderForwardOptions = { tgtIsCausal: true };
 * console.log(o.tgtIsCausal);
 * ```
 */
export interface TransformerDecoderForwardOptions {
  /** Self-attention mask `[T, T]` or `[N·nhead, T, T]`. */
  tgtMask?: AttentionMask | null;
  /** Cross-attention mask `[T, S]` or `[N·nhead, T, S]`. */
  memoryMask?: AttentionMask | null;
  /** `[N, T]` padding of the target. */
  tgtKeyPaddingMask?: AttentionMask | null;
  /** `[N, S]` padding of the memory. */
  memoryKeyPaddingMask?: AttentionMask | null;
  /** Causal self-attention in every layer. */
  tgtIsCausal?: boolean;
  /** One cache pair per layer for step-by-step generation. */
  caches?: readonly DecoderLayerCache[] | null;
}

/**
 * `numLayers` copies of a decoder block (PyTorch `nn.TransformerDecoder`), each attending to the
 * same memory, then an optional final LayerNorm.
 *
 * @example
 * ```ts
 * import { TransformerDecoder, TransformerDecoderLayer } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const dec = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 2);
 * console.assert(dec.forward(randn([4, 2, 8]), randn([6, 2, 8])).shape.join() === "4,2,8");
 * ```
 */
export class TransformerDecoder extends Module<
  [Tensor, Tensor, TransformerDecoderForwardOptions?],
  Tensor
> {
  /** The blocks. */
  layers: ModuleList<TransformerDecoderLayer>;
  /** Final LayerNorm, or null. */
  norm: LayerNorm | null;

  /** `numLayers` identical copies of `decoderLayer`, then `norm` if given. */
  constructor(
    decoderLayer: TransformerDecoderLayer,
    numLayers: number,
    options: { norm?: LayerNorm | null } = {},
  ) {
    super();
    const op = "TransformerDecoder";
    if (!(decoderLayer instanceof TransformerDecoderLayer)) {
      throw new TypeError(
        `${op}: decoderLayer must be a TransformerDecoderLayer, got ${describe(decoderLayer)}`,
      );
    }
    checkInt(numLayers, op, "numLayers", 1);
    const o = checkOptions(options, op);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => decoderLayer.clone()));
    this.norm = checkNorm(o.norm, op);
  }

  /** `tgt` through every block, each attending to `memory`. */
  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderForwardOptions = {}): Tensor {
    const op = "TransformerDecoder";
    const o = checkOptions(options, op);
    const caches = checkCaches(o.caches, this.layers.length, op);
    const own = graphOwnedMarker(caches === null && this.#plain(), tgt, memory);
    let x = tgt;
    for (let i = 0; i < this.layers.length; i++) {
      if (i > 0) own(x);
      x = this.layers.at(i).forward(x, memory, {
        tgtMask: o.tgtMask,
        memoryMask: o.memoryMask,
        tgtKeyPaddingMask: o.tgtKeyPaddingMask,
        memoryKeyPaddingMask: o.memoryKeyPaddingMask,
        tgtIsCausal: o.tgtIsCausal,
        cache: caches === null ? null : caches[i],
      });
    }
    return this.norm === null ? x : this.norm.forward(own(x));
  }

  // Built-in layers and norm: each keeps no tensor without a cache.
  #plain(): boolean {
    return (this.norm === null || isPlain(this.norm, LayerNorm)) &&
      [...this.layers].every((l) => isPlain(l, TransformerDecoderLayer));
  }
}

/**
 * Options of {@link Transformer}.
 *
 * @example
 * ```ts
 * import type { TransformerOptions } from "@nnc/layers";
 * const o: TransformerOptions = { dModel: 64, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2 };
 * console.log(o.dModel);
 * ```
 */
export interface TransformerOptions {
  /** Model width. Default 512. */
  dModel?: number;
  /** Heads. Default 8. */
  nhead?: number;
  /** Encoder blocks. Default 6. */
  numEncoderLayers?: number;
  /** Decoder blocks. Default 6. */
  numDecoderLayers?: number;
  /** Feed-forward width. Default 2048. */
  dimFeedforward?: number;
  /** Dropout. Default 0.1. */
  dropout?: number;
  /** Feed-forward activation. Default `"relu"`. */
  activation?: TransformerActivation;
  /** ε of the layer norms. Default 1e-5. */
  layerNormEps?: number;
  /** `[N, L, E]` inputs. Default false. */
  batchFirst?: boolean;
  /** Pre-LN blocks. Default false. */
  normFirst?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator of the weights and dropout masks. */
  rng?: Rng;
}

/**
 * Options of {@link Transformer.forward}.
 *
 * @example
 * ```ts
 * import type { TransformerForwardOptions } from "@nnc/layers";
 * const o: TransformerForwardOptions = { tgtIsCausal: true };
 * console.log(o.tgtIsCausal);
 * ```
 */
export interface TransformerForwardOptions {
  /** Encoder self-attention mask `[S, S]`. */
  srcMask?: AttentionMask | null;
  /** Decoder self-attention mask `[T, T]` (usually {@link Transformer.generateSquareSubsequentMask}). */
  tgtMask?: AttentionMask | null;
  /** Cross-attention mask `[T, S]`. */
  memoryMask?: AttentionMask | null;
  /** `[N, S]` padding of the source. */
  srcKeyPaddingMask?: AttentionMask | null;
  /** `[N, T]` padding of the target. */
  tgtKeyPaddingMask?: AttentionMask | null;
  /** `[N, S]` padding of the memory (usually the source's). */
  memoryKeyPaddingMask?: AttentionMask | null;
  /** Causal decoder self-attention without a mask array. */
  tgtIsCausal?: boolean;
}

/**
 * The encoder–decoder transformer (PyTorch `nn.Transformer`): an encoder stack with a final
 * LayerNorm turns the source into a memory; a decoder stack with a final LayerNorm attends from
 * the target to it. Matrices are initialised Xavier-uniform, as PyTorch's `_reset_parameters`.
 * Embeddings, positions and the output layer are the model's business (see `@nnc/models/transformer`).
 *
 * @example
 * ```ts
 * import { Transformer } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const t = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
 * const y = t.forward(randn([6, 2, 8]), randn([4, 2, 8]), { tgtMask: Transformer.generateSquareSubsequentMask(4) });
 * console.assert(y.shape.join() === "4,2,8");
 * ```
 */
export class Transformer extends Module<[Tensor, Tensor, TransformerForwardOptions?], Tensor> {
  /** Encoder stack with its final norm. */
  encoder: TransformerEncoder;
  /** Decoder stack with its final norm. */
  decoder: TransformerDecoder;
  /** Model width. */
  readonly dModel: number;
  /** Heads. */
  readonly nhead: number;
  /** `[N, L, E]` inputs. */
  readonly batchFirst: boolean;
  readonly #config: TransformerLayerConfig;

  /** A transformer with PyTorch's defaults unless given. */
  constructor(options: TransformerOptions = {}) {
    super();
    const op = "Transformer";
    const o = checkOptions(options, op);
    this.dModel = o.dModel === undefined ? 512 : checkInt(o.dModel, op, "dModel", 1);
    this.nhead = o.nhead === undefined ? 8 : checkInt(o.nhead, op, "nhead", 1);
    const ne = o.numEncoderLayers === undefined
      ? 6
      : checkInt(o.numEncoderLayers, op, "numEncoderLayers", 1);
    const nd = o.numDecoderLayers === undefined
      ? 6
      : checkInt(o.numDecoderLayers, op, "numDecoderLayers", 1);
    const layer = {
      dimFeedforward: o.dimFeedforward,
      dropout: o.dropout,
      activation: o.activation,
      layerNormEps: o.layerNormEps,
      batchFirst: o.batchFirst,
      normFirst: o.normFirst,
      dtype: o.dtype,
      rng: o.rng,
    };
    // The layers' settings checked here first, so that their errors name the Transformer.
    this.#config = transformerLayerConfig(this.dModel, this.nhead, layer, op);
    const eps = o.layerNormEps ?? 1e-5;
    const norm = () => new LayerNorm(this.dModel, { eps, dtype: o.dtype });
    this.encoder = new TransformerEncoder(
      new TransformerEncoderLayer(this.dModel, this.nhead, layer),
      ne,
      { norm: norm() },
    );
    this.decoder = new TransformerDecoder(
      new TransformerDecoderLayer(this.dModel, this.nhead, layer),
      nd,
      { norm: norm() },
    );
    this.batchFirst = this.encoder.layers.at(0).config.batchFirst;
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform(p, { rng: o.rng });
  }

  /**
   * `src` `[S, N, E]` and `tgt` `[T, N, E]` (batch first with `batchFirst`) → `[T, N, E]`.
   */
  forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    const op = "Transformer";
    const o = checkOptions(options, op);
    src = checkSequence(src, this.#config, op, "src");
    tgt = checkSequence(tgt, this.#config, op, "tgt", src);
    let memory = this.encode(src, { mask: o.srcMask, srcKeyPaddingMask: o.srcKeyPaddingMask });
    // The memory is read by the decoder alone when both halves are the built-in stacks (and
    // encode was not replaced): graph-owned, so backward gives its memory to the next step.
    if (
      memory !== src && this.constructor === Transformer && !Object.hasOwn(this, "encode") &&
      isPlain(this.encoder, TransformerEncoder) && isPlain(this.decoder, TransformerDecoder)
    ) memory = markGraphOwned(memory);
    return this.decoder.forward(tgt, memory, {
      tgtMask: o.tgtMask,
      memoryMask: o.memoryMask,
      tgtKeyPaddingMask: o.tgtKeyPaddingMask,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask,
      tgtIsCausal: o.tgtIsCausal,
    });
  }

  /** The encoder's output (the memory) for `src`. */
  encode(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    return this.encoder.forward(src, options);
  }

  /** PyTorch's `generate_square_subsequent_mask`: float `[sz, sz]`, −∞ above the diagonal. */
  static generateSquareSubsequentMask(sz: number, options: { dtype?: DType } = {}): NDArray {
    const op = "Transformer.generateSquareSubsequentMask";
    // At most 2^31-1 elements: sz ≤ 46340.
    checkInt(sz, op, "sz", 0, 46340);
    const o = checkOptions(options, op);
    if (o.dtype !== undefined) checkFloatDType(o.dtype, op);
    return causalMask(sz, sz, options);
  }
}
