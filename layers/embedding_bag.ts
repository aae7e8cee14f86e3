/**
 * {@link embeddingBag} and {@link EmbeddingBag}: sums, means or maxima of bags of embedding rows
 * (PyTorch `F.embedding_bag`, `nn.EmbeddingBag`) without materialising the looked-up rows' bags.
 *
 * @module
 */
import {
  array as ndArray,
  checkBool,
  checkInt,
  checkOneOf,
  checkOptions,
  describe,
  fmtShape,
  isFloat,
  NDArray,
  ne as ndNe,
  type Rng,
  zeros as ndZeros,
} from "@nnc/tensor";
import { gather, indexSelect, segmentReduce, Tensor, where } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import type { LayerOptions } from "./linear.ts";
import { checkAllocation, checkRng } from "./_util.ts";
import { resetTable, resolvePadding } from "./_embedding_table.ts";

/** How a bag's rows combine. */
export type EmbeddingBagMode = "sum" | "mean" | "max";

/** Integer indices: an int32 Tensor or NDArray, a list, or (2-d input) a list of equal-length lists. */
export type BagIndices = Tensor | NDArray | readonly number[] | readonly (readonly number[])[];

/**
 * Options of {@link embeddingBag}.
 *
 * @example
 * ```ts
 * import type { EmbeddingBagOptions } from "@nnc/layers";
 * const o: EmbeddingBagOptions = { offsets: [0, 2], mode: "sum" };
 * ```
 */
export interface EmbeddingBagOptions {
  /** Start of each bag in a 1-d input (required for 1-d input, not allowed for 2-d input). */
  offsets?: Tensor | NDArray | readonly number[];
  /** `"sum"`, `"mean"` (default) or `"max"` (per feature). */
  mode?: EmbeddingBagMode;
  /** Weights of the entries, the input's shape; only with mode `"sum"`. Differentiable. */
  perSampleWeights?: Tensor | NDArray;
  /** `offsets` has one more entry, the input length, ending the last bag (CSR style). Default false. */
  includeLastOffset?: boolean;
  /** Entries equal to this row index are left out of their bag (negative counts from the end). */
  paddingIdx?: number;
}

/** `{ shape, values }` of integer indices, checked. */
function readInts(v: unknown, op: string, name: string): { shape: number[]; values: number[] } {
  const src = v instanceof Tensor ? v.data : v;
  if (src instanceof NDArray) {
    if (src.dtype !== "int32") {
      throw new TypeError(`${op}: ${name} must be int32, got ${src.dtype} ${fmtShape(src.shape)}`);
    }
    const c = src.contiguous();
    return {
      shape: [...src.shape],
      values: Array.from(c.data.subarray(c.offset, c.offset + c.size)),
    };
  }
  if (Array.isArray(src)) {
    const nested = src.length > 0 && src.every((r) => Array.isArray(r));
    const rows = nested ? src as unknown[][] : [src as unknown[]];
    const width = rows[0]?.length ?? 0;
    const values: number[] = [];
    for (const r of rows) {
      if (!Array.isArray(r) || r.length !== width) {
        throw new RangeError(`${op}: ${name} must be a list or a list of equal-length lists`);
      }
      for (const e of r) {
        if (typeof e !== "number" || !Number.isSafeInteger(e)) {
          throw new TypeError(`${op}: ${name} entries must be integers, got ${describe(e)}`);
        }
        values.push(e);
      }
    }
    return { shape: nested ? [rows.length, width] : [src.length], values };
  }
  throw new TypeError(
    `${op}: ${name} must be an int32 Tensor or NDArray or a list of integers, got ${describe(v)}`,
  );
}

/**
 * The bags of embedding rows reduced to one vector each (PyTorch `F.embedding_bag`): `input` is
 * `[B, L]` (each row a bag) or 1-d with `offsets` (bag `b` = entries `offsets[b]` up to the next
 * offset, or the end); the result is `[B, D]` for `weight` `[V, D]`. `"sum"` adds the rows (times
 * `perSampleWeights` when given), `"mean"` divides by the bag's size, `"max"` takes each feature's
 * maximum (the first on ties). Entries equal to `paddingIdx` are left out (a mean divides by the
 * others' count), and an empty bag gives zeros. Differentiable in `weight` (the gradient goes to
 * the rows used; in `"max"` to each feature's argmax) and `perSampleWeights`.
 *
 * @example
 * ```ts
 * import { embeddingBag } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const w = tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
 * const y = embeddingBag([0, 2, 1, 1], w, { offsets: [0, 2, 2], mode: "sum" });
 * console.assert(y.toArray().toString() === "6,8,0,0,6,8");
 * y.sum().backward();
 * console.assert(w.grad?.toArray().toString() === "1,1,2,2,1,1");
 * ```
 */
export function embeddingBag(
  input: BagIndices,
  weight: Tensor,
  options: EmbeddingBagOptions = {},
): Tensor {
  const op = "embeddingBag";
  const opts = checkOptions(options, op);
  if (!(weight instanceof Tensor)) {
    throw new TypeError(`${op}: weight must be a Tensor, got ${describe(weight)}`);
  }
  if (weight.ndim !== 2) {
    throw new RangeError(`${op}: weight must be [V, D], got ${fmtShape(weight.shape)}`);
  }
  if (!isFloat(weight.dtype)) {
    throw new TypeError(`${op}: weight must be float32 or float64, got ${weight.dtype}`);
  }
  const [V, D] = weight.shape;
  const mode = checkOneOf(opts.mode ?? "mean", op, "mode", ["sum", "mean", "max"] as const);
  const lastOffset = checkBool(opts.includeLastOffset ?? false, op, "includeLastOffset");
  const pad = resolvePadding(opts.paddingIdx, V, op);
  const inp = readInts(input, op, "input");
  if (inp.shape.length !== 1 && inp.shape.length !== 2) {
    throw new RangeError(
      `${op}: input must be 1-d (with offsets) or 2-d [B, L], got ${fmtShape(inp.shape)}`,
    );
  }
  for (const v of inp.values) {
    if (v < 0 || v >= V) {
      throw new RangeError(
        `${op}: index ${v} is out of range [0, ${V}) of weight ${fmtShape(weight.shape)}`,
      );
    }
  }
  const E = inp.values.length;
  // Start of each bag and one past its end.
  let starts: number[], ends: number[];
  if (inp.shape.length === 2) {
    if (opts.offsets !== undefined) {
      throw new RangeError(
        `${op}: offsets must be omitted for 2-d input ${
          fmtShape(inp.shape)
        } (its rows are the bags)`,
      );
    }
    if (lastOffset) {
      throw new RangeError(`${op}: includeLastOffset needs 1-d input with offsets, got 2-d input`);
    }
    const [B, L] = inp.shape;
    starts = Array.from({ length: B }, (_, b) => b * L);
    ends = starts.map((s) => s + L);
  } else {
    if (opts.offsets === undefined) {
      throw new RangeError(
        `${op}: 1-d input ${fmtShape(inp.shape)} needs offsets (the start of each bag)`,
      );
    }
    const off = readInts(opts.offsets, op, "offsets");
    if (off.shape.length !== 1) {
      throw new RangeError(`${op}: offsets must be 1-d, got ${fmtShape(off.shape)}`);
    }
    const o = off.values;
    if (o.length > 0 && o[0] !== 0) {
      throw new RangeError(`${op}: offsets must start at 0, got offsets[0] = ${o[0]}`);
    }
    for (let k = 1; k < o.length; k++) {
      if (o[k] < o[k - 1]) {
        throw new RangeError(
          `${op}: offsets must be non-decreasing, got offsets[${k}] = ${o[k]} after ${o[k - 1]}`,
        );
      }
    }
    if (o.length > 0 && o[o.length - 1] > E) {
      throw new RangeError(
        `${op}: offsets must be at most the input length ${E}, got offsets[${o.length - 1}] = ${
          o[o.length - 1]
        }`,
      );
    }
    if (lastOffset) {
      if (o.length === 0 || o[o.length - 1] !== E) {
        throw new RangeError(
          `${op}: with includeLastOffset the last offset must equal the input length ${E}, got ${
            o.length === 0 ? "no offsets" : o[o.length - 1]
          }`,
        );
      }
      starts = o.slice(0, -1);
      ends = o.slice(1);
    } else {
      starts = o;
      ends = [...o.slice(1), E];
    }
  }
  const B = starts.length;
  let psw: Tensor | null = null;
  if (opts.perSampleWeights !== undefined && opts.perSampleWeights !== null) {
    if (mode !== "sum") {
      throw new RangeError(
        `${op}: perSampleWeights needs mode "sum", got mode ${JSON.stringify(mode)}`,
      );
    }
    const p = opts.perSampleWeights instanceof NDArray
      ? new Tensor(opts.perSampleWeights)
      : opts.perSampleWeights;
    if (!(p instanceof Tensor)) {
      throw new TypeError(
        `${op}: perSampleWeights must be a Tensor or an NDArray, got ${describe(p)}`,
      );
    }
    if (p.shape.length !== inp.shape.length || p.shape.some((s, k) => s !== inp.shape[k])) {
      throw new RangeError(
        `${op}: perSampleWeights must have the input's shape ${fmtShape(inp.shape)}, got ${
          fmtShape(p.shape)
        }`,
      );
    }
    if (p.dtype !== weight.dtype) {
      throw new TypeError(
        `${op}: perSampleWeights must have the weight's dtype ${weight.dtype}, got ${p.dtype}`,
      );
    }
    psw = p;
  }
  // The entries that count: position in the input, row, bag.
  const pos: number[] = [], rows: number[] = [], bags: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let e = starts[b]; e < ends[b]; e++) {
      const r = inp.values[e];
      if (r === pad) continue;
      pos.push(e);
      rows.push(r);
      bags.push(b);
    }
  }
  const i32 = (v: number[]) => ndArray(v, { dtype: "int32", shape: [v.length] });
  if (mode === "max") return bagMax(weight, rows, bags, B, D);
  let picked = indexSelect(weight, 0, i32(rows));
  if (psw !== null) {
    const w = indexSelect(psw.reshape(E), 0, i32(pos)).reshape(pos.length, 1);
    picked = picked.mul(w);
  }
  return segmentReduce(picked, i32(bags), B, mode);
}

/** Each bag's per-feature maximum of its rows, as PyTorch picks it (first maximum; zero if empty). */
function bagMax(weight: Tensor, rows: number[], bags: number[], B: number, D: number): Tensor {
  const w = weight.data.contiguous(), wd = w.data, wo = w.offset;
  const arg = ndZeros([B, D], { dtype: "int32" });
  const count = ndZeros([B, 1], { dtype: "int32" });
  const best = new Float64Array(B * D);
  for (let k = 0; k < rows.length; k++) {
    const b = bags[k], r = rows[k], first = count.data[b] === 0;
    count.data[b] = (count.data[b] as number) + 1;
    for (let d = 0; d < D; d++) {
      const v = wd[wo + r * D + d] as number;
      if (first || v > best[b * D + d]) {
        best[b * D + d] = v;
        arg.data[b * D + d] = r;
      }
    }
  }
  const out = gather(weight, 0, arg);
  return where(ndNe(count, 0), out, 0);
}

/**
 * Options of {@link EmbeddingBag}.
 *
 * @example
 * ```ts
 * import type { EmbeddingBagLayerOptions } from "@nnc/layers";
 * const o: EmbeddingBagLayerOptions = { mode: "max", paddingIdx: 0 };
 * ```
 */
export interface EmbeddingBagLayerOptions extends LayerOptions {
  /** `"sum"`, `"mean"` (default) or `"max"`. */
  mode?: EmbeddingBagMode;
  /** This row starts at zero and its entries are left out of the bags (negative counts from the end). */
  paddingIdx?: number;
  /** `offsets` passed to `forward` end with the input length (CSR style). Default false. */
  includeLastOffset?: boolean;
}

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim` whose bags are summed, averaged or
 * max-pooled (PyTorch `nn.EmbeddingBag`); `weight` is drawn from N(0, 1) as PyTorch, the
 * `paddingIdx` row zero. `forward(input, offsets?, perSampleWeights?)` as {@link embeddingBag}.
 *
 * @example
 * ```ts
 * import { EmbeddingBag } from "@nnc/layers";
 * const bag = new EmbeddingBag(10, 4, { mode: "sum" });
 * const y = bag.forward([1, 2, 4, 5, 4, 3, 2, 9], [0, 4]);
 * console.assert(y.shape.join() === "2,4");
 * ```
 */
export class EmbeddingBag extends Module<
  [
    BagIndices,
    (Tensor | NDArray | readonly number[] | undefined)?,
    (Tensor | NDArray | undefined)?,
  ],
  Tensor
> {
  /** Rows of the table. */
  readonly numEmbeddings: number;
  /** Size of each vector. */
  readonly embeddingDim: number;
  /** How a bag's rows combine. */
  readonly mode: EmbeddingBagMode;
  /** The left-out row (resolved to a non-negative index), or null. */
  readonly paddingIdx: number | null;
  /** Offsets end with the input length. */
  readonly includeLastOffset: boolean;
  /** `[numEmbeddings, embeddingDim]`. */
  weight: Parameter;

  /** A table of `numEmbeddings` × `embeddingDim`. */
  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingBagLayerOptions = {}) {
    super();
    const op = "EmbeddingBag";
    const opts = checkOptions(options, op);
    this.numEmbeddings = checkInt(numEmbeddings, op, "numEmbeddings", 1);
    this.embeddingDim = checkInt(embeddingDim, op, "embeddingDim", 1);
    this.mode = checkOneOf(opts.mode ?? "mean", op, "mode", ["sum", "mean", "max"] as const);
    this.paddingIdx = resolvePadding(opts.paddingIdx, this.numEmbeddings, op);
    this.includeLastOffset = checkBool(opts.includeLastOffset ?? false, op, "includeLastOffset");
    const dtype = opts.dtype === "float64" ? "float64" : "float32";
    const shape = checkAllocation([this.numEmbeddings, this.embeddingDim], op, "weight");
    this.weight = new Parameter(ndZeros(shape, { dtype }));
    this.resetParameters(checkRng(opts.rng, op));
  }

  /** Re-draws the table from N(0, 1) and zeroes the padding row. */
  resetParameters(rng?: Rng): void {
    resetTable(this.weight, this.paddingIdx, rng);
  }

  /** Bags of indices → `[B, embeddingDim]`. */
  forward(
    input: BagIndices,
    offsets?: Tensor | NDArray | readonly number[],
    perSampleWeights?: Tensor | NDArray,
  ): Tensor {
    const label = `EmbeddingBag(${this.numEmbeddings}, ${this.embeddingDim})`;
    const options: EmbeddingBagOptions = {
      mode: this.mode,
      includeLastOffset: this.includeLastOffset,
    };
    if (offsets !== undefined) options.offsets = offsets;
    if (perSampleWeights !== undefined) options.perSampleWeights = perSampleWeights;
    if (this.paddingIdx !== null) options.paddingIdx = this.paddingIdx;
    try {
      return embeddingBag(input, this.weight, options);
    } catch (e) {
      if (e instanceof RangeError) throw new RangeError(`${label}: ${e.message}`, { cause: e });
      if (e instanceof TypeError) throw new TypeError(`${label}: ${e.message}`, { cause: e });
      throw e;
    }
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}, mode=${this.mode}${
      this.paddingIdx === null ? "" : `, paddingIdx=${this.paddingIdx}`
    }`;
  }
}
