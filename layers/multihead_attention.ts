/**
 * {@link MultiheadAttention}: PyTorch's `nn.MultiheadAttention` (1.13), with its parameter names
 * and layouts so that state dicts move both ways.
 *
 * @module
 */
import {
  add,
  checkBool,
  checkFloatDType,
  checkInt,
  checkOptions,
  checkProbability,
  describe,
  type DType,
  fmtShape,
  type NDArray,
  pad,
  type Rng,
  zeros,
} from "@nnc/tensor";
import { concat, markGraphOwned, packedAttention, Tensor, zeros as zerosT } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { Linear, linear } from "./linear.ts";
import { constant, xavierNormal, xavierUniform } from "./init.ts";
import { checkMaskShape, toAdditive } from "./_attention.ts";
import { type AttentionMask, scaledDotProductAttention } from "./scaled_dot_product_attention.ts";
import type { KVCache } from "./kv_cache.ts";
import { RotaryEmbedding } from "./positional_encoding.ts";
import { checkAllocation, checkRng } from "./_util.ts";

/**
 * Options of {@link MultiheadAttention}.
 *
 * @example
 * ```ts
 * import type { MultiheadAttentionOptions } from "@nnc/layers";
 * const o: MultiheadAttentionOptions = { batchFirst: true, dropout: 0.1 };
 * console.log(o.batchFirst);
 * ```
 */
export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights (training only). Default 0. */
  dropout?: number;
  /** Biases in the input and output projections. Default true. */
  bias?: boolean;
  /** Learn a key and a value appended to every sequence (`bias_k`, `bias_v`). Default false. */
  addBiasKV?: boolean;
  /** Append an all-zero key and value to every sequence. Default false. */
  addZeroAttn?: boolean;
  /** Width of the keys (default `embedDim`). */
  kdim?: number;
  /** Width of the values (default `embedDim`). */
  vdim?: number;
  /** Inputs and outputs are `[N, L, E]` (true) or `[L, N, E]` (false, the default, as PyTorch). */
  batchFirst?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator of the initial weights and the dropout masks. */
  rng?: Rng;
  /**
   * Rotary position embedding applied to each head's queries and keys (its `dim` must be the head
   * width); positions continue after the cached ones during generation.
   */
  rotary?: RotaryEmbedding | null;
}

/**
 * Options of {@link MultiheadAttention.forward}.
 *
 * @example
 * ```ts
 * import type { MultiheadAttentionForwardOptions } from "@nnc/layers";
 * const o: MultiheadAttentionForwardOptions = { needWeights: false, isCausal: true };
 * console.log(o.isCausal);
 * ```
 */
export interface MultiheadAttentionForwardOptions {
  /** Keys to ignore per sequence: `[N, S]` (`[S]` unbatched), boolean (int32, 1 = padding) or additive. */
  keyPaddingMask?: AttentionMask | null;
  /** Return the attention weights. Default true (as PyTorch). */
  needWeights?: boolean;
  /** `[L, S]` or `[N·numHeads, L, S]`, boolean (int32, 1 hides) or additive. */
  attnMask?: AttentionMask | null;
  /** Average the weights over the heads (`[N, L, S]`) rather than per head (`[N, H, L, S]`). Default true. */
  averageAttnWeights?: boolean;
  /** Hide the keys after each query's position, the diagonal included (no mask array needed). Default false. */
  isCausal?: boolean;
  /**
   * Keys and values of earlier positions (generation): the new keys and values are appended and the
   * queries are the last positions; a static cache holds a cross-attention memory computed once.
   */
  cache?: KVCache | null;
}

/**
 * Multi-head attention (PyTorch `nn.MultiheadAttention`): queries, keys and values are projected
 * (`in_proj_weight` `[3E, E]` and `in_proj_bias` `[3E]`, or `q_proj_weight`, `k_proj_weight`,
 * `v_proj_weight` when `kdim`/`vdim` differ from E), split into `numHeads` heads of width E/H, each
 * attends with `softmax(QKᵀ/√(E/H) + mask)·V`, and the heads are concatenated and projected by
 * `out_proj`. `forward` returns the output and the weights (averaged over heads by default; null
 * when `needWeights` is false, in which case the fused attention kernel runs). The notes'
 * "q = Qx + b (and similarly for k and v)" is the single-head case.
 *
 * @example
 * ```ts
 * import { MultiheadAttention } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const mha = new MultiheadAttention(8, 2, { batchFirst: true, rng: new Rng(0) });
 * const x = randn([3, 5, 8]);
 * const [y, w] = mha.forward(x, x, x, { isCausal: true });
 * console.assert(y.shape.join() === "3,5,8" && w!.shape.join() === "3,5,5");
 * console.assert(Object.keys(mha.stateDict()).join() === "in_proj_weight,in_proj_bias,out_proj.weight,out_proj.bias");
 * ```
 */
export class MultiheadAttention extends Module<
  [Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?],
  [Tensor, Tensor | null]
> {
  /** Model width E. */
  readonly embedDim: number;
  /** Key width. */
  readonly kdim: number;
  /** Value width. */
  readonly vdim: number;
  /** Number of heads H. */
  readonly numHeads: number;
  /** E / H. */
  readonly headDim: number;
  /** Dropout probability on the weights. */
  readonly dropout: number;
  /** `[N, L, E]` inputs and outputs. */
  readonly batchFirst: boolean;
  /** Whether an all-zero key and value are appended. */
  readonly addZeroAttn: boolean;
  /** `[3E, E]` (`in_proj_weight`), or null with separate projections. */
  inProjWeight: Parameter | null;
  /** `[E, E]` (`q_proj_weight`) when kdim or vdim differ from E, else null. */
  qProjWeight: Parameter | null;
  /** `[E, kdim]` (`k_proj_weight`) or null. */
  kProjWeight: Parameter | null;
  /** `[E, vdim]` (`v_proj_weight`) or null. */
  vProjWeight: Parameter | null;
  /** `[3E]` (`in_proj_bias`) or null. */
  inProjBias: Parameter | null;
  /** `[1, 1, E]` (`bias_k`) or null. */
  biasK: Parameter | null;
  /** `[1, 1, E]` (`bias_v`) or null. */
  biasV: Parameter | null;
  /** The output projection (`out_proj`). */
  outProj: Linear;
  /** Rotary embedding of the queries and keys, or null. */
  rotary: RotaryEmbedding | null;
  #rng: Rng | undefined;

  /** Attention of width `embedDim` over `numHeads` heads (`embedDim` must divide evenly). */
  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    const op = "MultiheadAttention";
    const o = checkOptions(options, op);
    this.embedDim = checkInt(embedDim, op, "embedDim", 1);
    this.numHeads = checkInt(numHeads, op, "numHeads", 1);
    if (embedDim % numHeads !== 0) {
      throw new RangeError(
        `${op}: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`,
      );
    }
    this.headDim = embedDim / numHeads;
    this.kdim = o.kdim === undefined ? embedDim : checkInt(o.kdim, op, "kdim", 1);
    this.vdim = o.vdim === undefined ? embedDim : checkInt(o.vdim, op, "vdim", 1);
    this.dropout = o.dropout === undefined ? 0 : checkProbability(o.dropout, op, "dropout", true);
    this.batchFirst = o.batchFirst === undefined
      ? false
      : checkBool(o.batchFirst, op, "batchFirst");
    const bias = o.bias === undefined ? true : checkBool(o.bias, op, "bias");
    const biasKV = o.addBiasKV === undefined ? false : checkBool(o.addBiasKV, op, "addBiasKV");
    this.addZeroAttn = o.addZeroAttn === undefined
      ? false
      : checkBool(o.addZeroAttn, op, "addZeroAttn");
    const dtype = o.dtype === undefined ? "float32" : checkFloatDType(o.dtype ?? "float32", op);
    const rng = this.#rng = checkRng(o.rng, op);
    const E = embedDim;
    const param = (shape: number[], name = "in_proj_weight") =>
      new Parameter(zeros(checkAllocation(shape, op, name), { dtype }));
    // PyTorch's registration order, which is also the state dict's.
    if (this.kdim === E && this.vdim === E) {
      this.inProjWeight = this.registerParameter("in_proj_weight", param([3 * E, E]));
      this.qProjWeight = this.kProjWeight = this.vProjWeight = null;
    } else {
      this.qProjWeight = this.registerParameter("q_proj_weight", param([E, E], "q_proj_weight"));
      this.kProjWeight = this.registerParameter(
        "k_proj_weight",
        param([E, this.kdim], "k_proj_weight"),
      );
      this.vProjWeight = this.registerParameter(
        "v_proj_weight",
        param([E, this.vdim], "v_proj_weight"),
      );
      this.inProjWeight = null;
    }
    this.inProjBias = bias ? this.registerParameter("in_proj_bias", param([3 * E])) : null;
    this.outProj = this.registerModule("out_proj", new Linear(E, E, { bias, dtype, rng }));
    this.biasK = biasKV ? this.registerParameter("bias_k", param([1, 1, E])) : null;
    this.biasV = biasKV ? this.registerParameter("bias_v", param([1, 1, E])) : null;
    const rotary = o.rotary ?? null;
    if (rotary !== null && (!(rotary instanceof RotaryEmbedding) || rotary.dim !== this.headDim)) {
      throw new RangeError(
        `${op}: rotary must be a RotaryEmbedding of dim ${this.headDim} (the head width), got ${
          rotary instanceof RotaryEmbedding ? `dim ${rotary.dim}` : describe(rotary)
        }`,
      );
    }
    this.rotary = rotary;
    this.resetParameters(rng);
  }

  /** PyTorch's `_reset_parameters`: Xavier-uniform projections, zero biases, Xavier-normal `bias_k/v`. */
  resetParameters(rng?: Rng): void {
    for (const w of [this.inProjWeight, this.qProjWeight, this.kProjWeight, this.vProjWeight]) {
      if (w !== null) xavierUniform(w, { rng });
    }
    if (this.inProjBias !== null) constant(this.inProjBias, 0);
    if (this.outProj.bias !== null) constant(this.outProj.bias, 0);
    if (this.biasK !== null) xavierNormal(this.biasK, { rng });
    if (this.biasV !== null) xavierNormal(this.biasV, { rng });
  }

  /**
   * Attends `query` `[L, N, E]` to `key` `[S, N, kdim]` and `value` `[S, N, vdim]` (`[N, ·, ·]` with
   * `batchFirst`; `[L, E]` unbatched). Returns `[output, weights]`: the output shaped as the query,
   * and the weights `[N, L, S]` (`[N, H, L, S]` unaveraged) or null.
   */
  forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: MultiheadAttentionForwardOptions = {},
  ): [Tensor, Tensor | null] {
    const label = this.#label();
    const o = checkOptions(options, label);
    const batched = this.#checkInputs(query, key, value, label);
    const needWeights = o.needWeights === undefined
      ? true
      : checkBool(o.needWeights, label, "needWeights");
    const average = o.averageAttnWeights === undefined
      ? true
      : checkBool(o.averageAttnWeights, label, "averageAttnWeights");
    const causal = o.isCausal === undefined ? false : checkBool(o.isCausal, label, "isCausal");
    const cache = o.cache ?? null;
    const extra = (this.biasK !== null ? 1 : 0) + (this.addZeroAttn ? 1 : 0);
    if (extra > 0 && (causal || cache !== null)) {
      throw new RangeError(
        `${label}: isCausal and cache cannot be combined with addBiasKV or addZeroAttn; pass a causal attnMask instead`,
      );
    }
    // Everything below works on [N, L, E] (a batch of one when unbatched).
    // A view made here is read by the ops below alone: graph-owned (see markGraphOwned), so that
    // it never keeps a caller's marked array from its release.
    const own = <T>(t: T): T => (t instanceof Tensor ? markGraphOwned(t) as T : t);
    const asNLE = (x: Tensor) =>
      !batched ? own(x.unsqueeze(0)) : this.batchFirst ? x : own(x.transpose(0, 1));
    const [q0, k0, v0] = [asNLE(query), asNLE(key), asNLE(value)];
    const n = q0.shape[0], l = q0.shape[1];
    const selfAttention = query === key && key === value;
    const dropping = this.training && this.dropout > 0;
    if (
      selfAttention && this.inProjWeight !== null && !needWeights && !dropping && cache === null &&
      this.rotary === null && extra === 0
    ) {
      // One packed projection [N, L, 3, H, Dh] that the fused kernels read in place. The
      // projection and the heads are read by the graph alone: graph-owned (see markGraphOwned),
      // so a backward pass gives their memory to the next step.
      const projected = markGraphOwned(linear(q0, this.inProjWeight, this.inProjBias));
      const qkv = markGraphOwned(projected.reshape(n, l, 3, this.numHeads, this.headDim));
      const mask = this.#mask(o, n, l, l, 0, batched, qkv.dtype, label);
      const heads = markGraphOwned(packedAttention(qkv, { mask, causal }));
      const merged = markGraphOwned(heads.reshape(n, l, this.embedDim));
      return [this.#output(merged, batched), null];
    }
    let [q, kNew, vNew] = this.#project(
      q0,
      k0,
      v0,
      selfAttention,
      key === value,
      cache,
    );
    let k = kNew, v = vNew;
    if (this.rotary !== null) {
      const past = cache === null || cache.static ? 0 : cache.length;
      q = this.rotary.forward(q, { offset: past });
      if (cache === null || !cache.static || cache.empty) {
        k = this.rotary.forward(k, { offset: past });
      }
    }
    if (cache !== null) {
      [k, v] = cache.static && !cache.empty ? [cache.keys!, cache.values!] : cache.update(k, v);
    }
    if (this.biasK !== null && this.biasV !== null) {
      k = concat([k, this.#heads(this.biasK.expand(n, 1, this.embedDim))], 2);
      v = concat([v, this.#heads(this.biasV.expand(n, 1, this.embedDim))], 2);
    }
    if (this.addZeroAttn) {
      const z = zerosT([n, this.numHeads, 1, this.headDim], { dtype: q.dtype });
      k = concat([k, z], 2);
      v = concat([v, z], 2);
    }
    const s = k.shape[2];
    const mask = this.#mask(o, n, l, s - extra, extra, batched, q.dtype, label);
    const { output, weights } = scaledDotProductAttention(q, k, v, {
      attnMask: mask,
      isCausal: causal,
      dropoutP: this.dropout,
      training: this.training,
      rng: this.#rng,
      needWeights,
    });
    // [N, H, L, Dh] → [N, L, E] → out_proj → the input layout.
    const y = this.#output(output.permute(0, 2, 1, 3).reshape(n, l, this.embedDim), batched);
    if (weights === null) return [y, null];
    let w = average ? weights.mean({ axis: 1 }) : weights;
    if (!batched) w = w.squeeze(0);
    return [y, w];
  }

  /** `out_proj` of the concatenated heads `[N, L, E]`, in the input's layout. */
  #output(heads: Tensor, batched: boolean): Tensor {
    const y = this.outProj.forward(heads);
    if (batched && this.batchFirst) return y;
    // Handed out as a view: the projection itself is graph-owned, so the view's mark decides.
    return !batched ? markGraphOwned(y).squeeze(0) : markGraphOwned(y).transpose(0, 1);
  }

  /** Projections in [N, H, L, Dh]; one product for self-attention, two when key is value. */
  #project(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    selfAttention: boolean,
    sharedKV: boolean,
    cache: KVCache | null,
  ): [Tensor, Tensor, Tensor] {
    const E = this.embedDim;
    const b = this.inProjBias;
    const bias = (i: number) => (b === null ? null : b.slice({ start: i * E, stop: (i + 1) * E }));
    const skipKV = cache !== null && cache.static && !cache.empty;
    if (this.inProjWeight !== null) {
      const w = this.inProjWeight;
      if (selfAttention && !skipKV) {
        const qkv = linear(q, w, b); // [N, L, 3E]
        const [n, l] = q.shape;
        const heads = qkv.reshape(n, l, 3, this.numHeads, this.headDim).permute(2, 0, 3, 1, 4);
        return [heads.slice(0), heads.slice(1), heads.slice(2)];
      }
      const wq = w.slice({ start: 0, stop: E });
      const qh = this.#heads(linear(q, wq, bias(0)));
      if (skipKV) return [qh, qh, qh];
      if (sharedKV) {
        const bkv = b === null ? null : b.slice({ start: E, stop: 3 * E });
        const kv = linear(k, w.slice({ start: E, stop: 3 * E }), bkv);
        const [n, s] = k.shape;
        const heads = kv.reshape(n, s, 2, this.numHeads, this.headDim).permute(2, 0, 3, 1, 4);
        return [qh, heads.slice(0), heads.slice(1)];
      }
      return [
        qh,
        this.#heads(linear(k, w.slice({ start: E, stop: 2 * E }), bias(1))),
        this.#heads(linear(v, w.slice({ start: 2 * E, stop: 3 * E }), bias(2))),
      ];
    }
    const qh = this.#heads(linear(q, this.qProjWeight!, bias(0)));
    if (skipKV) return [qh, qh, qh];
    return [
      qh,
      this.#heads(linear(k, this.kProjWeight!, bias(1))),
      this.#heads(linear(v, this.vProjWeight!, bias(2))),
    ];
  }

  /** `[N, L, E]` → `[N, H, L, Dh]`. */
  #heads(x: Tensor): Tensor {
    const [n, l] = x.shape;
    return x.reshape(n, l, this.numHeads, this.headDim).permute(0, 2, 1, 3);
  }

  /** The attention and key-padding masks merged into one additive mask for `[N, H, L, S + extra]`. */
  #mask(
    o: MultiheadAttentionForwardOptions,
    n: number,
    l: number,
    s: number,
    extra: number,
    batched: boolean,
    dtype: DType,
    label: string,
  ): NDArray | null {
    const h = this.numHeads;
    let mask: NDArray | null = null;
    if (o.attnMask !== undefined && o.attnMask !== null) {
      const m = toAdditive(o.attnMask, dtype, label, "attnMask");
      if (m.ndim === 2 && m.shape[0] === l && m.shape[1] === s) mask = m;
      else if (m.ndim === 3 && m.shape[0] === n * h && m.shape[1] === l && m.shape[2] === s) {
        mask = m.reshape(n, h, l, s);
      } else {
        throw new RangeError(
          `${label}: attnMask must be [L, S] = [${l}, ${s}] or [N·numHeads, L, S] = [${
            n * h
          }, ${l}, ${s}], got ${fmtShape(m.shape)}`,
        );
      }
    }
    if (o.keyPaddingMask !== undefined && o.keyPaddingMask !== null) {
      const m = toAdditive(o.keyPaddingMask, dtype, label, "keyPaddingMask");
      const want = batched ? [n, s] : [s];
      if (m.ndim !== want.length || m.shape.some((d, i) => d !== want[i])) {
        throw new RangeError(
          `${label}: keyPaddingMask must be ${fmtShape(want)}, got ${fmtShape(m.shape)}`,
        );
      }
      const kpm = m.reshape(n, 1, 1, s);
      mask = mask === null ? kpm : add(mask, kpm);
    }
    // The appended keys are visible to every query (PyTorch pads the masks with zeros).
    if (mask !== null && extra > 0) mask = pad(mask, [0, extra]);
    if (mask !== null) checkMaskShape(mask, [n, h, l, s + extra], label, "mask");
    return mask;
  }

  #checkInputs(query: Tensor, key: Tensor, value: Tensor, label: string): boolean {
    const rank = query?.ndim;
    const ok = (x: Tensor, width: number) =>
      x !== null && typeof x === "object" && "ndim" in x && x.ndim === rank &&
      x.shape[rank - 1] === width;
    if (
      (rank !== 2 && rank !== 3) || !ok(query, this.embedDim) || !ok(key, this.kdim) ||
      !ok(value, this.vdim)
    ) {
      const layout = this.batchFirst ? "[N, L, E]" : "[L, N, E]";
      throw new RangeError(
        `${label}: expected query ${layout} or [L, E] with E = ${this.embedDim}, key and value of the same rank ending in kdim = ${this.kdim} and vdim = ${this.vdim}, got query ${
          fmtShape(query?.shape ?? [])
        }, key ${fmtShape(key?.shape ?? [])}, value ${fmtShape(value?.shape ?? [])}`,
      );
    }
    if (query.dtype !== key.dtype || key.dtype !== value.dtype) {
      throw new TypeError(
        `${label}: query, key and value must share one dtype, got ${query.dtype}, ${key.dtype}, ${value.dtype}`,
      );
    }
    const batched = rank === 3;
    const nAxis = this.batchFirst ? 0 : 1, lAxis = this.batchFirst ? 1 : 0;
    if (
      batched &&
      (key.shape[nAxis] !== query.shape[nAxis] || value.shape[nAxis] !== query.shape[nAxis] ||
        key.shape[lAxis] !== value.shape[lAxis])
    ) {
      throw new RangeError(
        `${label}: batch sizes or key/value lengths differ: query ${fmtShape(query.shape)}, key ${
          fmtShape(key.shape)
        }, value ${fmtShape(value.shape)}`,
      );
    }
    if (!batched && key.shape[0] !== value.shape[0]) {
      throw new RangeError(
        `${label}: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} differ in length`,
      );
    }
    return batched;
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.dropout}, batchFirst=${this.batchFirst}`;
  }

  #label(): string {
    return `MultiheadAttention(embedDim=${this.embedDim}, numHeads=${this.numHeads})`;
  }
}
