/**
 * {@link NDArray}: an n-dimensional view (shape, strides, offset) over JS-owned storage.
 *
 * @module
 */
import { type DType, dtypeOf, type TypedArray } from "./dtype.ts";
import { contiguousStrides, fmtShape, normalizeAxis, sizeOf } from "./shape.ts";
import * as ew from "./elementwise.ts";
import * as red from "./reduce.ts";
import * as lin from "./matmul.ts";
import * as idx from "./indexing.ts";
import * as srt from "./sort.ts";
import { pad, type PadOptions } from "./pad.ts";
import { cumprod, cumsum } from "./cumulative.ts";
import { logSoftmax, softmax } from "./softmax.ts";
import { astype, clone, contiguous } from "./copy.ts";
import { formatArray } from "./format.ts";
import { displayData, type MimeBundle } from "./display.ts";
import { toNested } from "./_nested.ts";
import type { NestedArray } from "./_nested.ts";
import { releaseStorage } from "./storage_pool.ts";

/**
 * The memory behind one or more arrays: one typed array over one `ArrayBuffer`, owned by JavaScript
 * and freed by the garbage collector. Views of an array share its storage.
 *
 * @example
 * ```ts
 * import { Storage } from "@nnc/tensor";
 * const s = new Storage(new Float32Array([1, 2, 3]));
 * console.assert(s.dtype === "float32" && s.length === 3);
 * ```
 */
export class Storage {
  /** The elements. */
  readonly data: TypedArray;
  /** Wraps a typed array (not copied). */
  constructor(data: TypedArray) {
    this.data = data;
  }
  /** Element type of the storage. */
  get dtype(): DType {
    return dtypeOf(this.data);
  }
  /** Number of elements. */
  get length(): number {
    return this.data.length;
  }
}

/** Arguments accepted where an op takes a second array: an array or a plain number. */
export type ArrayOrScalar = NDArray | number;

/** Options of the reductions (`sum`, `mean`, `max`, …). */
export interface ReduceOptions {
  /** Axis or axes to reduce; all when omitted. Negative values count from the end. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size-1 dimensions. Default false. */
  keepDims?: boolean;
}

/** Options of `var` and `std`. */
export interface VarianceOptions extends ReduceOptions {
  /** Subtracted from the count in the denominator: 1 (default, PyTorch's unbiased estimate) or 0 (NumPy's default). */
  correction?: number;
}

/** Options of `argmax` and `argmin`. */
export interface ArgReduceOptions {
  /** Axis to search; the flattened array when omitted. */
  axis?: number;
  /** Keep the reduced axis as a size-1 dimension. Default false. */
  keepDims?: boolean;
}

/** One entry of a `slice` call: an index (drops the axis), a `[start, stop, step]` range, or `null` (whole axis). */
export type SliceSpec = number | null | { start?: number; stop?: number; step?: number };

/**
 * An n-dimensional array: a dtype, a shape, strides and an offset over a {@link Storage}.
 * Views (`reshape`, `transpose`, `slice`, `expand`, …) share storage and copy nothing.
 *
 * @example
 * ```ts
 * import { array } from "@nnc/tensor";
 * const a = array([[1, 2, 3], [4, 5, 6]]);
 * const t = a.transpose();
 * console.assert(t.shape.join() === "3,2" && t.storage === a.storage);
 * console.assert(a.add(1).sum().item() === 27);
 * ```
 */
export class NDArray {
  /** The memory this array views. */
  readonly storage: Storage;
  /** Extent of each dimension. */
  readonly shape: readonly number[];
  /** Step, in elements, between neighbours along each dimension (0 for broadcast, negative for reversed). */
  readonly strides: readonly number[];
  /** Index in `storage.data` of the first element. */
  readonly offset: number;

  /**
   * Wraps storage. Most code uses the creation functions (`array`, `zeros`, …) instead.
   * `strides` default to row-major and `offset` to 0. Nothing is checked: every op builds its
   * result here, so the caller vouches that shape, strides and offset stay inside the storage
   * (`array(typedArray, { shape })` checks its shape against the data).
   */
  constructor(storage: Storage, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.storage = storage;
    // Plain arrays (not frozen): freezing costs more per op than the whole kernel of a small add.
    this.shape = shape.slice();
    this.strides = strides ? strides.slice() : contiguousStrides(shape);
    this.offset = offset;
  }

  /** Wraps a typed array (not copied) as a contiguous array of the given shape (1-d when omitted). */
  static fromTyped(data: TypedArray, shape?: readonly number[]): NDArray {
    const s = shape ?? [data.length];
    if (sizeOf(s) !== data.length) {
      throw new RangeError(
        `NDArray.fromTyped: shape ${fmtShape(s)} needs ${sizeOf(s)} elements, got ${data.length}`,
      );
    }
    return new NDArray(new Storage(data), s);
  }

  /**
   * The storage's typed array (all of it, not just this view's elements). Throws a `TypeError`
   * once the storage's memory has been given back ({@link NDArray.dispose}, `releaseStorage`):
   * every op reads its operands through here, so none computes with memory that is no longer
   * this array's.
   */
  get data(): TypedArray {
    const d = this.storage.data;
    // Only an empty typed array can be a released (detached) one: one comparison on the hot path.
    if (d.length === 0 && this.disposed) throw releasedError(this);
    return d;
  }
  /**
   * Whether this array's memory has been given back ({@link NDArray.dispose} on it or on any
   * array sharing its storage, or `releaseStorage`): it can no longer be read.
   *
   * @example
   * ```ts
   * import { zeros } from "@nnc/tensor";
   * const a = zeros([512, 512]);
   * console.assert(!a.disposed);
   * a.dispose();
   * console.assert(a.disposed);
   * ```
   */
  get disposed(): boolean {
    // A released buffer is detached (length 0); an empty array legitimately has length 0 too.
    return this.storage.data.length === 0 && this.size !== 0;
  }
  /**
   * Gives this array's memory back for reuse (to the storage pool, where the next allocation of
   * the same size takes it without asking the system for fresh pages), instead of leaving it to
   * the garbage collector — JavaScript's counterpart of PyTorch freeing a tensor when its last
   * reference goes, like TF.js's `dispose`. Also runs at the end of a `using` declaration's block.
   *
   * The memory is its storage's, which every view of it shares (`reshape`, `transpose`, …): after
   * `dispose` none of them can be read (ops on them throw a `TypeError`). Returns whether the
   * memory was taken back: not when this array spans only part of its storage (a slice: its
   * parent lives on), when the storage is below the pool's `STORAGE_POOL_MIN_BYTES`, past its
   * limit, or already given back — such arrays are left, readable, to the garbage collector.
   *
   * @example
   * ```ts
   * import { matmul, ones } from "@nnc/tensor";
   * const a = ones([256, 256]), b = ones([256, 256]);
   * for (let i = 0; i < 3; i++) {
   *   using c = matmul(a, b); // its memory is reused by the next iteration's product
   *   console.assert(c.get(0, 0) === 256);
   * }
   * const d = matmul(a, b);
   * console.assert(d.dispose() && d.disposed);
   * console.assert(!a.slice(0).dispose()); // a row of a: a keeps its memory
   * ```
   */
  dispose(): boolean {
    const d = this.storage.data;
    if (d.length === 0 || this.offset !== 0 || this.size !== d.length) return false;
    return releaseStorage(d);
  }
  /** {@link NDArray.dispose}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Element type. */
  get dtype(): DType {
    return this.storage.dtype;
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }
  /** True when the elements lie in row-major order without gaps, starting at `offset`. */
  get isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }
  /** Transpose of a 2-d array (reverses all axes otherwise), as a view. */
  get T(): NDArray {
    return this.transpose();
  }

  // ----- views -----

  /**
   * A view with a new shape of the same size; one dimension may be -1 (inferred). Copies only when the
   * array is not contiguous (like PyTorch's `reshape`).
   */
  reshape(...shape: number[] | [readonly number[]]): NDArray {
    const target = resolveShape(flatArgs(shape), this.size, "reshape");
    const src = this.isContiguous ? this : this.contiguous();
    return new NDArray(src.storage, target, undefined, src.offset);
  }
  /** Flattens dimensions `startDim..endDim` (inclusive; all by default) into one. */
  flatten(startDim = 0, endDim = -1): NDArray {
    if (this.ndim === 0) return this.reshape(1);
    const s = normalizeAxis(startDim, this.ndim, "flatten");
    const e = normalizeAxis(endDim, this.ndim, "flatten");
    if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
    const merged = this.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
    return this.reshape([...this.shape.slice(0, s), merged, ...this.shape.slice(e + 1)]);
  }
  /** Reorders dimensions: `axes` is a permutation of `0..ndim-1`. A view. */
  permute(...axes: number[] | [readonly number[]]): NDArray {
    const perm = flatArgs(axes).map((a) => normalizeAxis(a, this.ndim, "permute"));
    if (perm.length !== this.ndim || new Set(perm).size !== perm.length) {
      throw new RangeError(
        `permute: [${flatArgs(axes).join(", ")}] is not a permutation of the ${this.ndim} axes of ${
          fmtShape(this.shape)
        }`,
      );
    }
    return new NDArray(
      this.storage,
      perm.map((a) => this.shape[a]),
      perm.map((a) => this.strides[a]),
      this.offset,
    );
  }
  /** Swaps two axes (the last two when omitted). A view. */
  transpose(axis0?: number, axis1?: number): NDArray {
    if (axis0 === undefined && axis1 === undefined) {
      return this.permute([...Array(this.ndim).keys()].reverse());
    }
    const a = normalizeAxis(axis0 ?? -2, this.ndim, "transpose");
    const b = normalizeAxis(axis1 ?? -1, this.ndim, "transpose");
    if (this.ndim === 0) return this.permute([]); // axis 0 or -1 of a 0-d array: nothing to swap
    const perm = [...Array(this.ndim).keys()];
    perm[a] = b;
    perm[b] = a;
    return this.permute(perm);
  }
  /** Broadcasts to a larger shape with stride-0 views (-1 keeps a dimension). Not writable in place. */
  expand(...shape: number[] | [readonly number[]]): NDArray {
    const target = flatArgs(shape);
    if (target.length < this.ndim) {
      throw new RangeError(
        `expand: cannot expand ${fmtShape(this.shape)} to fewer dimensions ${fmtShape(target)}`,
      );
    }
    const lead = target.length - this.ndim;
    const outShape: number[] = [];
    const outStrides: number[] = [];
    for (let i = 0; i < target.length; i++) {
      const src = i - lead;
      const d = src >= 0 ? this.shape[src] : 1;
      const t = target[i] === -1 ? d : target[i];
      if (!Number.isInteger(t) || t < 0 || (d !== t && d !== 1) || (src < 0 && target[i] === -1)) {
        throw new RangeError(
          `expand: cannot expand ${fmtShape(this.shape)} to ${fmtShape(target)}`,
        );
      }
      outShape.push(t);
      outStrides.push(src >= 0 && d === t ? this.strides[src] : 0);
    }
    return new NDArray(this.storage, outShape, outStrides, this.offset);
  }
  /** Removes size-1 dimensions (all, or those listed). A view. */
  squeeze(axis?: number | readonly number[]): NDArray {
    const drop = axis === undefined
      ? this.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
      : (typeof axis === "number" ? [axis] : [...axis]).map((a) =>
        normalizeAxis(a, this.ndim, "squeeze")
      );
    for (const a of drop) {
      if (this.shape[a] !== 1) {
        throw new RangeError(
          `squeeze: axis ${a} of ${fmtShape(this.shape)} has size ${this.shape[a]}, expected 1`,
        );
      }
    }
    const keep = (_: number, i: number) => !drop.includes(i);
    return new NDArray(
      this.storage,
      this.shape.filter(keep),
      this.strides.filter(keep),
      this.offset,
    );
  }
  /** Inserts a size-1 dimension at `axis` (which may equal `ndim`). A view. */
  unsqueeze(axis: number): NDArray {
    const a = normalizeAxis(axis, this.ndim + 1, "unsqueeze");
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape.splice(a, 0, 1);
    strides.splice(a, 0, a < this.ndim ? this.strides[a] * this.shape[a] : 1);
    return new NDArray(this.storage, shape, strides, this.offset);
  }
  /**
   * Basic indexing as a view, one spec per leading axis: a number picks an index (and drops the axis),
   * `{ start, stop, step }` takes a range (negative values count from the end, a negative step reverses),
   * `null` keeps the axis whole.
   *
   * ```ts
   * import { arange } from "@nnc/tensor";
   * const a = arange(12).reshape(3, 4);
   * console.assert(a.slice(null, { start: 1, step: 2 }).toArray().toString() === "1,3,5,7,9,11");
   * ```
   */
  slice(...specs: SliceSpec[]): NDArray {
    if (specs.length > this.ndim) {
      throw new RangeError(`slice: ${specs.length} indices for an array of rank ${this.ndim}`);
    }
    let offset = this.offset;
    const shape: number[] = [];
    const strides: number[] = [];
    for (let i = 0; i < this.ndim; i++) {
      const spec = i < specs.length ? specs[i] : null;
      const n = this.shape[i];
      if (typeof spec === "number") {
        if (!Number.isInteger(spec) || spec < -n || spec >= n) {
          throw new RangeError(`slice: index ${spec} is out of range for axis ${i} of size ${n}`);
        }
        offset += (spec < 0 ? spec + n : spec) * this.strides[i];
        continue;
      }
      const [start, len, step] = resolveRange(spec, n, i);
      offset += len > 0 ? start * this.strides[i] : 0;
      shape.push(len);
      strides.push(this.strides[i] * step);
    }
    return new NDArray(this.storage, shape, strides, offset);
  }
  /** Reverses the order along the given axes (all by default). A view with negative strides. */
  flip(axis?: number | readonly number[]): NDArray {
    const axes = axis === undefined
      ? [...this.shape.keys()]
      : (typeof axis === "number" ? [axis] : [...axis])
        .map((a) => normalizeAxis(a, this.ndim, "flip"));
    const specs: SliceSpec[] = this.shape.map((_, i) => (axes.includes(i) ? { step: -1 } : null));
    return this.slice(...specs);
  }

  // ----- copies and conversion -----

  /** This array if contiguous, otherwise a contiguous copy. */
  contiguous(): NDArray {
    return contiguous(this);
  }
  /** A contiguous copy with its own storage. */
  clone(): NDArray {
    return clone(this);
  }
  /** A copy converted to another dtype (this array when the dtype already matches and `copy` is false). */
  astype(dtype: DType, copy = false): NDArray {
    return astype(this, dtype, copy);
  }
  /** The elements as nested JavaScript arrays (a number for a scalar). */
  toArray(): NestedArray {
    return toNested(this);
  }
  /** The single element of a one-element array as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(
        `item: expected an array with one element, got shape ${fmtShape(this.shape)}`,
      );
    }
    return this.data[this.offset];
  }
  /** Element at a full index (negative entries count from the end). */
  get(...index: number[]): number {
    return this.slice(...index).item();
  }
  /** Prints like NumPy/PyTorch: `array([[1, 2], [3, 4]], dtype=float32)`, summarised when large. */
  toString(): string {
    return formatArray(this);
  }
  /**
   * Rich display in Jupyter (Deno's kernel calls this): the values under a header with dtype and
   * shape, or a PNG when the array looks like an image. See {@link displayData}.
   */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return displayData(this);
  }

  // ----- elementwise -----

  /** `this + other`, broadcasting. */
  add(other: ArrayOrScalar): NDArray {
    return ew.add(this, other);
  }
  /** `this - other`, broadcasting. */
  sub(other: ArrayOrScalar): NDArray {
    return ew.sub(this, other);
  }
  /** `this * other`, broadcasting. */
  mul(other: ArrayOrScalar): NDArray {
    return ew.mul(this, other);
  }
  /** `this / other`, broadcasting (true division: int32 inputs give float32). */
  div(other: ArrayOrScalar): NDArray {
    return ew.div(this, other);
  }
  /** `this ** other`, broadcasting. */
  pow(other: ArrayOrScalar): NDArray {
    return ew.pow(this, other);
  }
  /** Elementwise minimum, broadcasting. */
  minimum(other: ArrayOrScalar): NDArray {
    return ew.minimum(this, other);
  }
  /** Elementwise maximum, broadcasting. */
  maximum(other: ArrayOrScalar): NDArray {
    return ew.maximum(this, other);
  }
  /** `this == other` as 1/0. */
  eq(other: ArrayOrScalar): NDArray {
    return ew.eq(this, other);
  }
  /** `this != other` as 1/0. */
  ne(other: ArrayOrScalar): NDArray {
    return ew.ne(this, other);
  }
  /** `this < other` as 1/0. */
  lt(other: ArrayOrScalar): NDArray {
    return ew.lt(this, other);
  }
  /** `this <= other` as 1/0. */
  le(other: ArrayOrScalar): NDArray {
    return ew.le(this, other);
  }
  /** `this > other` as 1/0. */
  gt(other: ArrayOrScalar): NDArray {
    return ew.gt(this, other);
  }
  /** `this >= other` as 1/0. */
  ge(other: ArrayOrScalar): NDArray {
    return ew.ge(this, other);
  }
  /** `-this`. */
  neg(): NDArray {
    return ew.neg(this);
  }
  /** `|this|`. */
  abs(): NDArray {
    return ew.abs(this);
  }
  /** -1, 0 or 1. */
  sign(): NDArray {
    return ew.sign(this);
  }
  /** `e^this`. */
  exp(): NDArray {
    return ew.exp(this);
  }
  /** Natural logarithm. */
  log(): NDArray {
    return ew.log(this);
  }
  /** `log(1 + this)`, accurate near 0. */
  log1p(): NDArray {
    return ew.log1p(this);
  }
  /** Square root. */
  sqrt(): NDArray {
    return ew.sqrt(this);
  }
  /** `1 / sqrt(this)`. */
  rsqrt(): NDArray {
    return ew.rsqrt(this);
  }
  /** `this²`. */
  square(): NDArray {
    return ew.square(this);
  }
  /** Sine. */
  sin(): NDArray {
    return ew.sin(this);
  }
  /** Cosine. */
  cos(): NDArray {
    return ew.cos(this);
  }
  /** Hyperbolic tangent. */
  tanh(): NDArray {
    return ew.tanh(this);
  }
  /** Logistic sigmoid `1 / (1 + e^-x)`. */
  sigmoid(): NDArray {
    return ew.sigmoid(this);
  }
  /** `max(this, 0)`. */
  relu(): NDArray {
    return ew.relu(this);
  }
  /** Round down. */
  floor(): NDArray {
    return ew.floor(this);
  }
  /** Round up. */
  ceil(): NDArray {
    return ew.ceil(this);
  }
  /** Round half to even (as NumPy and PyTorch). */
  round(): NDArray {
    return ew.round(this);
  }
  /** Limits values to `[min, max]` (either bound may be omitted). */
  clamp(min?: number, max?: number): NDArray {
    return ew.clamp(this, min, max);
  }

  // ----- reductions -----

  /** Sum over axes. */
  sum(options?: ReduceOptions): NDArray {
    return red.sum(this, options);
  }
  /** Mean over axes. */
  mean(options?: ReduceOptions): NDArray {
    return red.mean(this, options);
  }
  /** Product over axes. */
  prod(options?: ReduceOptions): NDArray {
    return red.prod(this, options);
  }
  /** Maximum over axes. */
  max(options?: ReduceOptions): NDArray {
    return red.max(this, options);
  }
  /** Minimum over axes. */
  min(options?: ReduceOptions): NDArray {
    return red.min(this, options);
  }
  /** Index of the maximum (int32). */
  argmax(options?: ArgReduceOptions): NDArray {
    return red.argmax(this, options);
  }
  /** Index of the minimum (int32). */
  argmin(options?: ArgReduceOptions): NDArray {
    return red.argmin(this, options);
  }
  /** Variance (unbiased by default, `correction: 1`). */
  var(options?: VarianceOptions): NDArray {
    return red.variance(this, options);
  }
  /** Standard deviation (unbiased by default, `correction: 1`). */
  std(options?: VarianceOptions): NDArray {
    return red.std(this, options);
  }
  /** `log(sum(exp(this)))`, computed stably. */
  logsumexp(options?: ReduceOptions): NDArray {
    return red.logsumexp(this, options);
  }
  /** Softmax along an axis (the last by default). */
  softmax(axis = -1): NDArray {
    return softmax(this, axis);
  }
  /** Log-softmax along an axis (the last by default). */
  logSoftmax(axis = -1): NDArray {
    return logSoftmax(this, axis);
  }
  /** Inclusive cumulative sum along an axis. */
  cumsum(axis: number): NDArray {
    return cumsum(this, axis);
  }
  /** Inclusive cumulative product along an axis. */
  cumprod(axis: number): NDArray {
    return cumprod(this, axis);
  }

  // ----- products, indexing, ordering -----

  /** Matrix product with NumPy semantics (1-d operands, broadcast batch dimensions). */
  matmul(other: NDArray): NDArray {
    return lin.matmul(this, other);
  }
  /** Inner product of two 1-d arrays. */
  dot(other: NDArray): NDArray {
    return lin.dot(this, other);
  }
  /** Gathers values along an axis (PyTorch `gather`). */
  gather(axis: number, index: NDArray): NDArray {
    return idx.gather(this, axis, index);
  }
  /** Copy of this array with `src` added at `index` along `axis` (PyTorch `scatter_add`). */
  scatterAdd(axis: number, index: NDArray, src: NDArray): NDArray {
    return idx.scatterAdd(this, axis, index, src);
  }
  /** Entries `index` along `axis`. */
  indexSelect(axis: number, index: NDArray | readonly number[]): NDArray {
    return idx.indexSelect(this, axis, index);
  }
  /** Sorted values and their indices along an axis (the last by default). */
  sort(axis = -1, descending = false): { values: NDArray; indices: NDArray } {
    return srt.sort(this, { axis, descending });
  }
  /** The `k` largest (or smallest) values along an axis and their indices. */
  topk(k: number, axis = -1, largest = true): { values: NDArray; indices: NDArray } {
    return srt.topk(this, k, { axis, largest });
  }
  /** Pads the trailing dimensions (see {@link pad}). */
  pad(padding: readonly number[], options?: PadOptions): NDArray {
    return pad(this, padding, options);
  }
}

function flatArgs(args: number[] | [readonly number[]]): number[] {
  return args.length === 1 && Array.isArray(args[0])
    ? [...(args[0] as readonly number[])]
    : (args as number[]);
}

function resolveShape(shape: readonly number[], size: number, op: string): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.some((d, i) => (d === -1 ? i !== unknown : !Number.isInteger(d) || d < 0))) {
    throw new RangeError(`${op}: invalid shape ${fmtShape(shape)}`);
  }
  if (unknown >= 0) {
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || size % known !== 0) {
      throw new RangeError(
        `${op}: cannot reshape array of size ${size} into shape ${fmtShape(shape)}`,
      );
    }
    out[unknown] = size / known;
  }
  if (sizeOf(out) !== size) {
    throw new RangeError(
      `${op}: cannot reshape array of size ${size} into shape ${fmtShape(shape)}`,
    );
  }
  return out;
}

/** [start, length, step] of a range over an axis of size n, Python slice semantics. */
function resolveRange(
  spec: null | { start?: number; stop?: number; step?: number },
  n: number,
  axis: number,
): [number, number, number] {
  const step = spec?.step ?? 1;
  if (!Number.isInteger(step) || step === 0) {
    throw new RangeError(`slice: step must be a non-zero integer, got ${step} for axis ${axis}`);
  }
  const clampIdx = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const norm = (v: number | undefined, dflt: number, lo: number, hi: number) => {
    if (v === undefined) return dflt;
    if (!Number.isInteger(v)) {
      throw new RangeError(`slice: bound ${v} for axis ${axis} is not an integer`);
    }
    return clampIdx(v < 0 ? v + n : v, lo, hi);
  };
  let start: number, stop: number;
  if (step > 0) {
    start = norm(spec?.start, 0, 0, n);
    stop = norm(spec?.stop, n, 0, n);
  } else {
    start = norm(spec?.start, n - 1, -1, n - 1);
    stop = norm(spec?.stop, -1, -1, n - 1);
    if (spec?.stop !== undefined && spec.stop < -n) stop = -1;
  }
  const len = step > 0
    ? Math.max(0, Math.ceil((stop - start) / step))
    : Math.max(0, Math.ceil((start - stop) / -step));
  return [start, len, step];
}

function releasedError(a: NDArray): TypeError {
  return new TypeError(
    `NDArray: the memory of this ${a.dtype} ${fmtShape(a.shape)} array was given back ` +
      "(dispose() on it or on an array sharing its storage, or releaseStorage) and cannot be read",
  );
}
