/**
 * Position information for attention, which by itself treats a sequence as a set (the notes'
 * three options): a fixed rule ({@link sinusoidalPositionalEncoding},
 * {@link SinusoidalPositionalEncoding}), a learned vector per position
 * ({@link LearnedPositionalEmbedding}), and relative positions by rotation
 * ({@link RotaryEmbedding}).
 *
 * The sinusoid is Vaswani et al.'s: `PE[t, 2i] = sin(t·ω_i)`, `PE[t, 2i+1] = cos(t·ω_i)` with
 * `ω_i = base^(−2i/d)`, so each sin/cos pair shares one frequency and the frequencies fall from 1
 * to 1/base. The notes print `ω_k = C^{k/n}`, which grows up to 10000 rad per step and aliases; that
 * formula is an erratum and is not offered.
 *
 * @module
 */
import {
  checkBool,
  checkFloatDType,
  checkInt,
  checkNumber,
  checkOptions,
  checkProbability,
  type DType,
  fmtShape,
  NDArray,
  type Rng,
  Storage,
  zeros,
} from "@nnc/tensor";
import { dropout, stack, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { normal } from "./init.ts";
import { asInput, checkAllocation, checkRng } from "./_util.ts";

/**
 * The sinusoidal table `[length, dModel]`: `sin(t·ω_i)` in column 2i and `cos(t·ω_i)` in column
 * 2i+1, `ω_i = base^(−2i/dModel)` (an odd last column holds the sine only).
 *
 * @example
 * ```ts
 * import { sinusoidalPositionalEncoding } from "@nnc/layers";
 * const pe = sinusoidalPositionalEncoding(2, 4, { dtype: "float64" });
 * // t = 1: [sin 1, cos 1, sin 0.01, cos 0.01]
 * console.assert(Math.abs(pe.get(1, 2) - 0.0099998) < 1e-7 && pe.get(0, 1) === 1);
 * ```
 */
export function sinusoidalPositionalEncoding(
  length: number,
  dModel: number,
  options: { base?: number; dtype?: DType } = {},
): NDArray {
  const op = "sinusoidalPositionalEncoding";
  checkInt(length, op, "length", 0);
  checkInt(dModel, op, "dModel", 1);
  if (length * dModel > 2 ** 31 - 1) {
    throw new RangeError(`${op}: a [${length}, ${dModel}] table has more than 2^31-1 elements`);
  }
  const o = checkOptions(options, op);
  const base = o.base === undefined ? 10000 : checkNumber(o.base, op, "base", 1);
  const dtype = o.dtype === undefined ? "float32" : checkFloatDType(o.dtype ?? "float32", op);
  const pe = zeros([length, dModel], { dtype });
  const d = pe.data;
  for (let i = 0; 2 * i < dModel; i++) {
    const w = Math.pow(base, (-2 * i) / dModel);
    for (let t = 0; t < length; t++) {
      d[t * dModel + 2 * i] = Math.sin(t * w);
      if (2 * i + 1 < dModel) d[t * dModel + 2 * i + 1] = Math.cos(t * w);
    }
  }
  return pe;
}

/**
 * Options of {@link SinusoidalPositionalEncoding} and {@link LearnedPositionalEmbedding}.
 *
 * @example
 * ```ts
 * import type { PositionalOptions } from "@nnc/layers";
 * const o: PositionalOptions = { maxLen: 512, batchFirst: true };
 * console.log(o.maxLen);
 * ```
 */
export interface PositionalOptions {
  /** Longest sequence (offset included). Default 5000 for the sinusoid; required for the learned table. */
  maxLen?: number;
  /** Dropout after adding the positions (training only). Default 0. */
  dropout?: number;
  /** Input `[N, L, d]` (true) or `[L, N, d]` (false, the default, as PyTorch's transformer layers). */
  batchFirst?: boolean;
  /** Dtype of the table. Default float32. */
  dtype?: DType;
  /** Generator of the learned table's initial values and of the dropout masks. */
  rng?: Rng;
}

/** Checks `x` and the positions it covers; returns the rows `[offset, offset + L)` to add, shaped to broadcast. */
function positionsFor(
  x: Tensor,
  table: Tensor | NDArray,
  offset: number,
  batchFirst: boolean,
  label: string,
): [number, number] {
  const [maxLen, d] = table.shape;
  checkInt(offset, label, "offset", 0);
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== d) {
    throw new RangeError(
      `${label}: expected input ${
        batchFirst ? "[N, L, d]" : "[L, N, d]"
      } or [L, d] with d = ${d}, got ${fmtShape(x.shape)}`,
    );
  }
  const l = x.ndim === 2 ? x.shape[0] : x.shape[batchFirst ? 1 : 0];
  if (offset + l > maxLen) {
    throw new RangeError(
      `${label}: positions ${offset}..${offset + l - 1} of an input ${
        fmtShape(x.shape)
      } exceed the table of maxLen = ${maxLen}`,
    );
  }
  return [l, d];
}

/** Rows of a `[maxLen, d]` table as `[L, d]` (2-d or batch-first input) or `[L, 1, d]`. */
function rowsShaped(x: Tensor, rows: Tensor, batchFirst: boolean): Tensor {
  return x.ndim === 3 && !batchFirst ? rows.unsqueeze(1) : rows;
}

/**
 * Adds the fixed sinusoidal encoding to its input (`x + PE[offset : offset + L]`), then dropout:
 * the notes' "position encoding defined by a mathematical rule". The table is a non-persistent
 * buffer (it is a rule, not a weight, so it is not in the state dict).
 *
 * @example
 * ```ts
 * import { SinusoidalPositionalEncoding } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * const pe = new SinusoidalPositionalEncoding(4, { maxLen: 10, batchFirst: true });
 * const y = pe.forward(zeros([2, 3, 4]));
 * console.assert(Math.abs(y.get(0, 1, 0) - Math.sin(1)) < 1e-6);
 * ```
 */
export class SinusoidalPositionalEncoding extends Module<[Tensor, { offset?: number }?], Tensor> {
  /** Width d. */
  readonly dModel: number;
  /** Positions in the table. */
  readonly maxLen: number;
  /** Dropout probability. */
  readonly dropout: number;
  /** `[N, L, d]` inputs. */
  readonly batchFirst: boolean;
  /** The table `[maxLen, dModel]` (buffer `pe`, not persistent). */
  readonly pe: Tensor;
  #rng: Rng | undefined;

  /** The encoding of width `dModel`. */
  constructor(dModel: number, options: PositionalOptions = {}) {
    super();
    const op = "SinusoidalPositionalEncoding";
    const o = checkOptions(options, op);
    this.dModel = checkInt(dModel, op, "dModel", 1);
    this.maxLen = o.maxLen === undefined ? 5000 : checkInt(o.maxLen, op, "maxLen", 1);
    this.dropout = o.dropout === undefined ? 0 : checkProbability(o.dropout, op, "dropout", true);
    this.batchFirst = o.batchFirst === undefined
      ? false
      : checkBool(o.batchFirst, op, "batchFirst");
    this.#rng = o.rng;
    const table = sinusoidalPositionalEncoding(this.maxLen, dModel, { dtype: o.dtype });
    this.pe = this.registerBuffer("pe", table, { persistent: false });
  }

  /** `x` `[L, N, d]` (or `[N, L, d]`, `[L, d]`) plus the encodings of positions `offset …`. */
  forward(x: Tensor, options: { offset?: number } = {}): Tensor {
    const label = `SinusoidalPositionalEncoding(${this.dModel}, maxLen=${this.maxLen})`;
    const t = asInput(x, label);
    const offset = checkOptions(options, label).offset ?? 0;
    const [l] = positionsFor(t, this.pe, offset, this.batchFirst, label);
    const rows = this.pe.slice({ start: offset, stop: offset + l });
    const y = t.add(rowsShaped(t, rows, this.batchFirst));
    return dropout(y, { p: this.dropout, training: this.training, rng: this.#rng });
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.dModel}, maxLen=${this.maxLen}, dropout=${this.dropout}`;
  }
}

/**
 * Adds a learned vector per position (`weight` `[maxLen, d]`, drawn from N(0, std²), PyTorch
 * `nn.Embedding`'s default std 1; GPT-2 uses 0.02): the notes' "position embedding, summed with the
 * token". Sequences longer than `maxLen` are an error.
 *
 * @example
 * ```ts
 * import { LearnedPositionalEmbedding } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * const pos = new LearnedPositionalEmbedding(16, 8, { batchFirst: true });
 * const y = pos.forward(zeros([2, 5, 8]), { offset: 3 });
 * console.assert(y.get(1, 0, 0) === pos.weight.get(3, 0));
 * ```
 */
export class LearnedPositionalEmbedding extends Module<[Tensor, { offset?: number }?], Tensor> {
  /** Positions in the table. */
  readonly maxLen: number;
  /** Width d. */
  readonly embeddingDim: number;
  /** Dropout probability. */
  readonly dropout: number;
  /** `[N, L, d]` inputs. */
  readonly batchFirst: boolean;
  /** `[maxLen, d]`. */
  weight: Parameter;
  #rng: Rng | undefined;

  /** A table of `maxLen` positions of width `embeddingDim`; `std` of its initial values (default 1). */
  constructor(
    maxLen: number,
    embeddingDim: number,
    options: Omit<PositionalOptions, "maxLen"> & { std?: number } = {},
  ) {
    super();
    const op = "LearnedPositionalEmbedding";
    const o = checkOptions(options, op);
    this.maxLen = checkInt(maxLen, op, "maxLen", 1);
    this.embeddingDim = checkInt(embeddingDim, op, "embeddingDim", 1);
    this.dropout = o.dropout === undefined ? 0 : checkProbability(o.dropout, op, "dropout", true);
    this.batchFirst = o.batchFirst === undefined
      ? false
      : checkBool(o.batchFirst, op, "batchFirst");
    const dtype = o.dtype === undefined ? "float32" : checkFloatDType(o.dtype ?? "float32", op);
    const std = o.std === undefined ? 1 : checkNumber(o.std, op, "std", 0);
    this.#rng = checkRng(o.rng, op);
    const shape = checkAllocation([maxLen, embeddingDim], op, "weight");
    this.weight = new Parameter(zeros(shape, { dtype }));
    normal(this.weight, 0, std, { rng: this.#rng });
  }

  /** `x` `[L, N, d]` (or `[N, L, d]`, `[L, d]`) plus the vectors of positions `offset …`. */
  forward(x: Tensor, options: { offset?: number } = {}): Tensor {
    const label = `LearnedPositionalEmbedding(${this.maxLen}, ${this.embeddingDim})`;
    const t = asInput(x, label);
    const offset = checkOptions(options, label).offset ?? 0;
    const [l] = positionsFor(t, this.weight, offset, this.batchFirst, label);
    const rows = this.weight.slice({ start: offset, stop: offset + l });
    const y = t.add(rowsShaped(t, rows, this.batchFirst));
    return dropout(y, { p: this.dropout, training: this.training, rng: this.#rng });
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.maxLen}, ${this.embeddingDim}`;
  }
}

/**
 * Rotary position embedding (RoPE, Su et al.): rotates each pair of features (2i, 2i+1) of a query
 * or key at position t by the angle `t·ω_i`, `ω_i = base^(−2i/dim)` (the sinusoid's frequencies),
 * so that `⟨rot(q, m), rot(k, n)⟩` depends on the positions only through `m − n`: relative
 * positions, the notes' third option. Applied to the queries and keys of each head (see
 * `MultiheadAttention`'s `rotary` option), it adds no parameters. Input `[..., L, dim]`.
 *
 * @example
 * ```ts
 * import { RotaryEmbedding } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const rope = new RotaryEmbedding(2, { maxLen: 8 });
 * const x = tensor([[1, 0], [1, 0]], { dtype: "float64" });
 * const y = rope.forward(x); // position 1 turns (1, 0) by 1 radian
 * console.assert(Math.abs(y.get(1, 0) - Math.cos(1)) < 1e-12 && Math.abs(y.get(1, 1) - Math.sin(1)) < 1e-12);
 * ```
 */
export class RotaryEmbedding extends Module<[Tensor, { offset?: number }?], Tensor> {
  /** Rotated width (even). */
  readonly dim: number;
  /** Positions covered. */
  readonly maxLen: number;
  #cos = new Map<DType, NDArray>();
  #sin = new Map<DType, NDArray>();
  readonly #base: number;

  /** Rotations of `dim` features (even) for positions `0 … maxLen − 1` (default 4096). */
  constructor(dim: number, options: { maxLen?: number; base?: number } = {}) {
    super();
    const op = "RotaryEmbedding";
    const o = checkOptions(options, op);
    this.dim = checkInt(dim, op, "dim", 2);
    if (dim % 2 !== 0) throw new RangeError(`${op}: dim must be even, got ${dim}`);
    this.maxLen = o.maxLen === undefined ? 4096 : checkInt(o.maxLen, op, "maxLen", 1);
    this.#base = o.base === undefined ? 10000 : checkNumber(o.base, op, "base", 1);
  }

  /** cos and sin tables `[maxLen, dim]` (each value repeated for both features of a pair). */
  #tables(dtype: DType): [NDArray, NDArray] {
    let c = this.#cos.get(dtype), s = this.#sin.get(dtype);
    if (c === undefined || s === undefined) {
      const n = this.maxLen * this.dim;
      const cd = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
      const sd = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
      for (let i = 0; 2 * i < this.dim; i++) {
        const w = Math.pow(this.#base, (-2 * i) / this.dim);
        for (let t = 0; t < this.maxLen; t++) {
          const a = t * w, at = t * this.dim + 2 * i;
          cd[at] = cd[at + 1] = Math.cos(a);
          sd[at] = sd[at + 1] = Math.sin(a);
        }
      }
      c = new NDArray(new Storage(cd), [this.maxLen, this.dim]);
      s = new NDArray(new Storage(sd), [this.maxLen, this.dim]);
      this.#cos.set(dtype, c);
      this.#sin.set(dtype, s);
    }
    return [c, s];
  }

  /** Rotates `x` `[..., L, dim]` whose rows are positions `offset …`. */
  forward(x: Tensor, options: { offset?: number } = {}): Tensor {
    const label = `RotaryEmbedding(${this.dim}, maxLen=${this.maxLen})`;
    const t = asInput(x, label);
    const offset = checkOptions(options, label).offset ?? 0;
    checkInt(offset, label, "offset", 0);
    if (t.ndim < 2 || t.shape[t.ndim - 1] !== this.dim) {
      throw new RangeError(
        `${label}: expected input [..., L, ${this.dim}], got ${fmtShape(t.shape)}`,
      );
    }
    const l = t.shape[t.ndim - 2];
    if (offset + l > this.maxLen) {
      throw new RangeError(
        `${label}: positions ${offset}..${offset + l - 1} exceed maxLen = ${this.maxLen}`,
      );
    }
    const [c, s] = this.#tables(t.dtype === "float64" ? "float64" : "float32");
    const rows = { start: offset, stop: offset + l };
    // rot(x)[2i] = x[2i]·cos − x[2i+1]·sin, rot(x)[2i+1] = x[2i+1]·cos + x[2i]·sin.
    const pairs = t.reshape([...t.shape.slice(0, -1), this.dim / 2, 2]);
    const even = pairs.slice(...pairs.shape.slice(0, -1).map(() => null), 0);
    const odd = pairs.slice(...pairs.shape.slice(0, -1).map(() => null), 1);
    const swapped = stack([odd.neg(), even], -1);
    return t.mul(c.slice(rows)).add(swapped.reshape(t.shape).mul(s.slice(rows)));
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.dim}, maxLen=${this.maxLen}`;
  }
}
