/**
 * The attention of recurrent encoder–decoders: {@link AdditiveAttention} (Bahdanau et al. 2015,
 * `score(q, k) = vᵀ tanh(W_q q + W_k k)`) and {@link LuongAttention} (Luong et al. 2015, `dot`
 * `score(q, k) = q · k` or `general` `score(q, k) = q · W k`). Each takes one query per sequence
 * (the decoder state) and the keys and values of every source position, masks padded positions,
 * and returns the context `Σ_j α_j v_j` with the weights `α = softmax_j(score)`. The notes' gating
 * function `softmax_j(φ(ξ, x^j))` with `φ(ξ, x) = ξ·x` is `LuongAttention` with `dot`. (General
 * multi-head attention is `MultiheadAttention`.)
 *
 * @module
 */
import {
  checkFloatDType,
  checkInt,
  checkOptions,
  describe,
  fmtShape,
  type NDArray,
  zeros as zerosNd,
} from "@nnc/tensor";
import { matmul, type Tensor, where } from "@nnc/autograd";
import { Module } from "./module.ts";
import { type LayerOptions, Linear } from "./linear.ts";
import { asInput, checkAllocation, checkRng } from "./_util.ts";

/**
 * Options of an attention call.
 *
 * @example
 * ```ts
 * import type { AttentionCallOptions } from "@nnc/layers";
 * const o: AttentionCallOptions = { lengths: [5, 3] };
 * ```
 */
export interface AttentionCallOptions {
  /** Valid source positions of each sequence (each in `1..S`); later positions get weight 0. */
  lengths?: readonly number[] | Int32Array | null;
}

/** Scores `[B, S]` → weights (padded positions −∞ before the softmax) and the context `[B, Dv]`. */
function attend(
  scores: Tensor,
  values: Tensor,
  lengths: AttentionCallOptions["lengths"],
  label: string,
): [Tensor, Tensor] {
  const [B, S] = scores.shape;
  let s = scores;
  if (lengths !== undefined && lengths !== null) {
    if (lengths.length !== B) {
      throw new RangeError(`${label}: ${lengths.length} lengths for a batch of ${B}`);
    }
    const keep = zerosNd([B, S], { dtype: "float32" });
    for (let b = 0; b < B; b++) {
      const n = lengths[b];
      if (!Number.isInteger(n) || n < 1 || n > S) {
        throw new RangeError(
          `${label}: lengths[${b}] is ${n}; each must be an integer in [1, ${S}]`,
        );
      }
      keep.data.fill(1, b * S, b * S + n);
    }
    s = where(keep, s, -Infinity);
  }
  const weights = s.softmax(-1);
  const context = matmul(weights.unsqueeze(1), values).squeeze(1);
  return [context, weights];
}

function checkQKV(
  query: Tensor,
  keys: Tensor,
  values: Tensor,
  dq: number,
  dk: number,
  label: string,
): void {
  if (query.ndim !== 2 || query.shape[1] !== dq) {
    throw new RangeError(`${label}: query must be [B, ${dq}], got ${fmtShape(query.shape)}`);
  }
  const B = query.shape[0];
  if (keys.ndim !== 3 || keys.shape[0] !== B || keys.shape[2] !== dk) {
    throw new RangeError(`${label}: keys must be [${B}, S, ${dk}], got ${fmtShape(keys.shape)}`);
  }
  if (values.ndim !== 3 || values.shape[0] !== B || values.shape[1] !== keys.shape[1]) {
    throw new RangeError(
      `${label}: values must be [${B}, ${keys.shape[1]}, Dv] like the keys, got ${
        fmtShape(values.shape)
      }`,
    );
  }
}

/**
 * Additive (Bahdanau) attention: `α_j = softmax_j(vᵀ tanh(W_q q + W_k k_j))`, context
 * `Σ_j α_j v_j`. Parameters `query.weight` `[H, Dq]`, `key.weight` `[H, Dk]` and `key.bias`
 * `[H]`, `v.weight` `[1, H]`. When one source is attended to many times (every step of a decoder),
 * project its keys once with {@link AdditiveAttention.projectKeys} and pass them as `projected`.
 *
 * `forward(query [B, Dq], keys [B, S, Dk], values [B, S, Dv], options?)` returns
 * `[context [B, Dv], weights [B, S]]`.
 *
 * @example
 * ```ts
 * import { AdditiveAttention } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const att = new AdditiveAttention(4, 6, 8);
 * const enc = randn([2, 5, 6]);
 * const [context, weights] = att.forward(randn([2, 4]), enc, enc, { lengths: [5, 2] });
 * console.assert(context.shape.join() === "2,6" && weights.get(1, 3) === 0);
 * console.assert(Math.abs(weights.sum({ axis: 1 }).get(1) - 1) < 1e-6);
 * ```
 */
export class AdditiveAttention
  extends Module<[Tensor, Tensor, Tensor, (AttentionCallOptions & { projected?: Tensor })?], [
    Tensor,
    Tensor,
  ]> {
  /** Query features. */
  readonly queryDim: number;
  /** Key features. */
  readonly keyDim: number;
  /** Features of the hidden layer of the score. */
  readonly hiddenDim: number;
  /** `W_q`. */
  query: Linear;
  /** `W_k` and the score's bias. */
  key: Linear;
  /** `v`. */
  v: Linear;

  /** Scores from queries of `queryDim` and keys of `keyDim` through `hiddenDim` units. */
  constructor(queryDim: number, keyDim: number, hiddenDim: number, options: LayerOptions = {}) {
    super();
    const op = "AdditiveAttention";
    checkOptions(options, op);
    this.queryDim = checkInt(queryDim, op, "queryDim", 1);
    this.keyDim = checkInt(keyDim, op, "keyDim", 1);
    this.hiddenDim = checkInt(hiddenDim, op, "hiddenDim", 1);
    checkFloatDType(options.dtype ?? "float32", op);
    checkRng(options.rng, op);
    checkAllocation([hiddenDim, queryDim], op, "query.weight");
    checkAllocation([hiddenDim, keyDim], op, "key.weight");
    this.query = new Linear(queryDim, hiddenDim, { ...options, bias: false });
    this.key = new Linear(keyDim, hiddenDim, options);
    this.v = new Linear(hiddenDim, 1, { ...options, bias: false });
  }

  /** `W_k k_j + b` for every key: `[B, S, Dk]` → `[B, S, H]`. */
  projectKeys(keys: Tensor | NDArray): Tensor {
    return this.key.forward(asInput(keys, this.#label()));
  }

  /** The context and the weights; `projected` (from {@link AdditiveAttention.projectKeys}) saves recomputing the keys' projection. */
  forward(
    query: Tensor,
    keys: Tensor,
    values: Tensor,
    options: AttentionCallOptions & { projected?: Tensor } = {},
  ): [Tensor, Tensor] {
    const label = this.#label();
    const q = asInput(query, label, "query"), k = asInput(keys, label, "keys");
    const val = asInput(values, label, "values");
    checkQKV(q, k, val, this.queryDim, this.keyDim, label);
    const pk = options.projected ?? this.projectKeys(k);
    const hidden = this.query.forward(q).unsqueeze(1).add(pk).tanh();
    const scores = this.v.forward(hidden).squeeze(2);
    return attend(scores, val, options.lengths, label);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `queryDim=${this.queryDim}, keyDim=${this.keyDim}, hiddenDim=${this.hiddenDim}`;
  }

  #label(): string {
    return `AdditiveAttention(${this.queryDim}, ${this.keyDim}→${this.hiddenDim})`;
  }
}

/**
 * Options of {@link LuongAttention}.
 *
 * @example
 * ```ts
 * import type { LuongAttentionOptions } from "@nnc/layers";
 * const o: LuongAttentionOptions = { score: "general", keyDim: 16 };
 * ```
 */
export interface LuongAttentionOptions extends LayerOptions {
  /** `dot` (`q · k`, needs keys of the query's size) or `general` (`q · W k`). Default `dot`. */
  score?: "dot" | "general";
  /** Key features for `general` (default: the query's). */
  keyDim?: number;
}

/**
 * Multiplicative (Luong) attention: `α_j = softmax_j(q · k_j)` (`dot`) or `softmax_j(q · W k_j)`
 * (`general`, parameter `weight` `[Dq, Dk]`), context `Σ_j α_j v_j`. With `dot` this is the notes'
 * gating `softmax_j(ξ · x^j)` and transfer `[x^1 … x^s] f` (001, L771–793).
 *
 * `forward(query [B, Dq], keys [B, S, Dk], values [B, S, Dv], options?)` returns
 * `[context [B, Dv], weights [B, S]]`.
 *
 * @example
 * ```ts
 * import { LuongAttention } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const att = new LuongAttention(2);
 * const x = tensor([[[1, 0], [0, 1]]]);
 * const [context, weights] = att.forward(tensor([[1, 0]]), x, x);
 * // softmax(1, 0) = (0.731, 0.269): a convex combination of the inputs.
 * console.assert(Math.abs(weights.get(0, 0) - 0.7310586) < 1e-6 && Math.abs(context.get(0, 1) - 0.2689414) < 1e-6);
 * ```
 */
export class LuongAttention
  extends Module<[Tensor, Tensor, Tensor, AttentionCallOptions?], [Tensor, Tensor]> {
  /** Query features. */
  readonly queryDim: number;
  /** Key features. */
  readonly keyDim: number;
  /** The score function. */
  readonly score: "dot" | "general";
  /** `W` (`general` only). */
  weight: Linear | null;

  /** Attention for queries of `queryDim` features. */
  constructor(queryDim: number, options: LuongAttentionOptions = {}) {
    super();
    const op = "LuongAttention";
    checkOptions(options, op);
    this.queryDim = checkInt(queryDim, op, "queryDim", 1);
    const score = options.score ?? "dot";
    if (score !== "dot" && score !== "general") {
      throw new TypeError(`${op}: score must be "dot" or "general", got ${describe(score)}`);
    }
    this.score = score;
    this.keyDim = checkInt(options.keyDim ?? queryDim, op, "keyDim", 1);
    if (score === "dot" && this.keyDim !== queryDim) {
      throw new RangeError(
        `${op}: the dot score needs keys of the query's ${queryDim} features, got keyDim ${this.keyDim} (use score "general")`,
      );
    }
    checkFloatDType(options.dtype ?? "float32", op);
    checkRng(options.rng, op);
    if (score === "general") checkAllocation([queryDim, this.keyDim], op, "weight.weight");
    this.weight = score === "general"
      ? new Linear(this.keyDim, queryDim, { dtype: options.dtype, rng: options.rng, bias: false })
      : null;
  }

  /** The context and the weights. */
  forward(
    query: Tensor,
    keys: Tensor,
    values: Tensor,
    options: AttentionCallOptions = {},
  ): [Tensor, Tensor] {
    const label = `LuongAttention(${this.score}, ${this.queryDim})`;
    const q = asInput(query, label, "query"), k = asInput(keys, label, "keys");
    const val = asInput(values, label, "values");
    checkQKV(q, k, val, this.queryDim, this.keyDim, label);
    const kk = this.weight === null ? k : this.weight.forward(k);
    const scores = matmul(kk, q.unsqueeze(2)).squeeze(2);
    return attend(scores, val, options.lengths, label);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.queryDim}, score="${this.score}"${
      this.keyDim !== this.queryDim ? `, keyDim=${this.keyDim}` : ""
    }`;
  }
}
