/**
 * Sparse matrices in compressed sparse row form ({@link CsrMatrix}) and the two products graph
 * networks are made of: {@link spmm} (sparse × dense, the aggregation of neighbour features) and
 * {@link sddmm} (dense × dense sampled at the stored entries, the per-edge scores of attention and
 * the gradient of `spmm` in its values). Values may carry several heads (`[nnz, H]`), each mixing
 * its own slice of the features.
 *
 * @module
 */
import { NDArray } from "./ndarray.ts";
import { allocArray } from "./_axis.ts";
import { clone, contiguous } from "./copy.ts";
import { getBackend } from "./registry.ts";
import { checkIndexList, describe } from "./check.ts";
import { fmtShape, sizeOf } from "./shape.ts";
import type { DType } from "./dtype.ts";
import { checkFloatArray } from "./_sparse_check.ts";

/** The pattern of a CSR matrix, shared by every matrix made from it with other values. */
interface Structure {
  rows: number;
  cols: number;
  rowPtr: NDArray;
  colIndex: NDArray;
  rowIndex?: NDArray;
  transpose?: { structure: Structure; order: NDArray };
}

// Set while a matrix is built from a structure that is already known to be valid.
let trusted: Structure | null = null;

function wrap(structure: Structure, values: NDArray | null): CsrMatrix {
  trusted = structure;
  try {
    return new CsrMatrix(
      [structure.rows, structure.cols],
      structure.rowPtr,
      structure.colIndex,
      values,
    );
  } finally {
    trusted = null;
  }
}

/** A CSR matrix and, for each stored entry, its position in the COO list it was built from. */
export interface CsrFromCoo {
  /** The matrix (entries of a row in the order the COO list gives them). */
  matrix: CsrMatrix;
  /** int32 `[nnz]`: `order[k]` is the COO position of stored entry `k`. */
  order: NDArray;
}

/**
 * A sparse `[rows, cols]` matrix in compressed sparse row form: the entries of row `i` are
 * `colIndex[rowPtr[i] .. rowPtr[i+1]]` with `values` at the same positions. Values are float
 * `[nnz]`, or `[nnz, H]` for H heads (each head a matrix of its own over one pattern), or null for a
 * pattern whose entries are all 1. Repeated entries are allowed and add up. The pattern's
 * transpose is computed once and shared by every matrix made from this one with
 * {@link CsrMatrix.withValues}.
 *
 * @example
 * ```ts
 * import { array, CsrMatrix } from "@nnc/tensor";
 * // [[0, 2], [1, 0]]
 * const a = CsrMatrix.fromCoo([0, 1], [1, 0], [2, 2], { values: array([2, 1]) });
 * console.assert(a.toDense().toArray().toString() === "0,2,1,0");
 * console.assert(a.matmul(array([[1], [10]])).toArray().toString() === "20,1");
 * console.assert(a.transpose().toDense().toArray().toString() === "0,1,2,0");
 * ```
 */
export class CsrMatrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** int32 `[rows + 1]`: where each row's entries start, then `nnz`. */
  readonly rowPtr: NDArray;
  /** int32 `[nnz]`: the column of each stored entry. */
  readonly colIndex: NDArray;
  /** Float `[nnz]` or `[nnz, H]`, or null when every stored entry is 1. */
  readonly values: NDArray | null;
  readonly #s: Structure;
  #transpose: CsrMatrix | null = null;

  /**
   * A matrix from its CSR arrays (checked: `rowPtr` starts at 0, never decreases and ends at
   * `nnz`; every column lies in `0..cols-1`; values are float with `nnz` rows).
   */
  constructor(
    shape: readonly [number, number],
    rowPtr: NDArray | readonly number[],
    colIndex: NDArray | readonly number[],
    values: NDArray | null = null,
  ) {
    const op = "CsrMatrix";
    let s: Structure;
    if (trusted !== null) s = trusted;
    else {
      if (!Array.isArray(shape) || shape.length !== 2) {
        throw new TypeError(`${op}: shape must be [rows, cols], got ${describe(shape)}`);
      }
      const [rows, cols] = shape;
      for (const [v, name] of [[rows, "rows"], [cols, "cols"]] as const) {
        if (!Number.isInteger(v) || v < 0 || v >= 2 ** 31) {
          throw new RangeError(`${op}: ${name} must be a non-negative int32, got ${describe(v)}`);
        }
      }
      const ptr = checkIndexList(rowPtr, 2 ** 31 - 1, op, "rowPtr", "0..2^31-2");
      if (ptr.size !== rows + 1) {
        throw new RangeError(
          `${op}: rowPtr has ${ptr.size} entries, expected rows + 1 = ${rows + 1}`,
        );
      }
      const pd = ptr.data, po = ptr.offset;
      if (pd[po] !== 0) throw new RangeError(`${op}: rowPtr[0] must be 0, got ${pd[po]}`);
      for (let i = 0; i < rows; i++) {
        if (pd[po + i + 1] < pd[po + i]) {
          throw new RangeError(
            `${op}: rowPtr decreases at row ${i} (${pd[po + i]} then ${pd[po + i + 1]})`,
          );
        }
      }
      const col = checkIndexList(colIndex, cols, op, "colIndex");
      if (col.size !== pd[po + rows]) {
        throw new RangeError(
          `${op}: colIndex has ${col.size} entries but rowPtr ends at ${pd[po + rows]}`,
        );
      }
      s = { rows, cols, rowPtr: ownArray(ptr), colIndex: ownArray(col) };
    }
    this.#s = s;
    this.rows = s.rows;
    this.cols = s.cols;
    this.rowPtr = s.rowPtr;
    this.colIndex = s.colIndex;
    this.values = checkValues(values, s.colIndex.size, op);
  }

  /**
   * A matrix from coordinates: entry `e` is `(row[e], col[e])` with value `values[e]` (1 when
   * there are no values). Entries keep their COO order within each row.
   *
   * @example
   * ```ts
   * import { CsrMatrix } from "@nnc/tensor";
   * const a = CsrMatrix.fromCoo([1, 0, 1], [0, 1, 1], [2, 2]);
   * console.assert(a.rowPtr.toArray().toString() === "0,1,3" && a.colIndex.toArray().toString() === "1,0,1");
   * ```
   */
  static fromCoo(
    row: NDArray | readonly number[],
    col: NDArray | readonly number[],
    shape: readonly [number, number],
    options: { values?: NDArray | null } = {},
  ): CsrMatrix {
    const { matrix, order } = CsrMatrix.fromCooWithOrder(row, col, shape);
    const v = options.values ?? null;
    if (v === null) return matrix;
    const values = checkValues(v, order.size, "CsrMatrix.fromCoo");
    return matrix.withValues(values === null ? null : selectRows(values, order));
  }

  /**
   * The pattern of a COO list as a CSR matrix (no values), and where each stored entry came from
   * (so that per-edge values, differentiable ones included, can be put in CSR order).
   *
   * @example
   * ```ts
   * import { CsrMatrix } from "@nnc/tensor";
   * const { matrix, order } = CsrMatrix.fromCooWithOrder([1, 0], [0, 1], [2, 2]);
   * console.assert(order.toArray().toString() === "1,0" && matrix.nnz === 2);
   * ```
   */
  static fromCooWithOrder(
    row: NDArray | readonly number[],
    col: NDArray | readonly number[],
    shape: readonly [number, number],
  ): CsrFromCoo {
    const op = "CsrMatrix.fromCoo";
    if (!Array.isArray(shape) || shape.length !== 2) {
      throw new TypeError(`${op}: shape must be [rows, cols], got ${describe(shape)}`);
    }
    const [rows, cols] = shape;
    for (const [v, name] of [[rows, "rows"], [cols, "cols"]] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= 2 ** 31) {
        throw new RangeError(`${op}: ${name} must be a non-negative int32, got ${describe(v)}`);
      }
    }
    const r = checkIndexList(row, rows, op, "row");
    const c = checkIndexList(col, cols, op, "col");
    if (r.size !== c.size) {
      throw new RangeError(`${op}: row has ${r.size} entries but col has ${c.size}`);
    }
    const { ptr, colIndex, order } = countingSort(
      r.data as Int32Array,
      r.offset,
      c.data as Int32Array,
      c.offset,
      r.size,
      rows,
    );
    const structure: Structure = {
      rows,
      cols,
      rowPtr: NDArray.fromTyped(ptr, [rows + 1]),
      colIndex: NDArray.fromTyped(colIndex, [colIndex.length]),
    };
    return { matrix: wrap(structure, null), order: NDArray.fromTyped(order, [order.length]) };
  }

  /** `[rows, cols]`. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /** Number of stored entries. */
  get nnz(): number {
    return this.colIndex.size;
  }

  /** Number of heads: the second extent of `values`, or 1. */
  get heads(): number {
    return this.values !== null && this.values.ndim === 2 ? this.values.shape[1] : 1;
  }

  /**
   * The same pattern with other values (float `[nnz]` or `[nnz, H]`, or null for ones); the
   * pattern and its cached transpose are shared, not copied.
   *
   * @example
   * ```ts
   * import { array, CsrMatrix } from "@nnc/tensor";
   * const a = CsrMatrix.fromCoo([0, 1], [1, 0], [2, 2]).withValues(array([3, 4]));
   * console.assert(a.toDense().toArray().toString() === "0,3,4,0");
   * ```
   */
  withValues(values: NDArray | null): CsrMatrix {
    return wrap(this.#s, values);
  }

  /**
   * The row of each stored entry, int32 `[nnz]` (computed once per pattern).
   *
   * @example
   * ```ts
   * import { CsrMatrix } from "@nnc/tensor";
   * console.assert(CsrMatrix.fromCoo([1, 1, 0], [0, 1, 1], [2, 2]).rowIndex().toArray().toString() === "0,1,1");
   * ```
   */
  rowIndex(): NDArray {
    const s = this.#s;
    if (s.rowIndex === undefined) {
      const out = new Int32Array(s.colIndex.size);
      const pd = s.rowPtr.data;
      for (let i = 0; i < s.rows; i++) out.fill(i, pd[i], pd[i + 1]);
      s.rowIndex = NDArray.fromTyped(out, [out.length]);
    }
    return s.rowIndex;
  }

  /**
   * For each stored entry of the transpose, the position of the same entry in this matrix,
   * int32 `[nnz]` (computed once per pattern).
   *
   * @example
   * ```ts
   * import { CsrMatrix } from "@nnc/tensor";
   * const a = CsrMatrix.fromCoo([0, 0, 1], [1, 0, 0], [2, 2]);
   * console.assert(a.transposeOrder().toArray().toString() === "1,2,0");
   * ```
   */
  transposeOrder(): NDArray {
    return this.#transposed().order;
  }

  /**
   * The transpose `[cols, rows]`, values moved along (entries of a row of the transpose keep
   * the order of this matrix's rows).
   *
   * @example
   * ```ts
   * import { array, CsrMatrix } from "@nnc/tensor";
   * const a = CsrMatrix.fromCoo([0, 0], [0, 2], [1, 3], { values: array([5, 7]) });
   * console.assert(a.transpose().toDense().toArray().toString() === "5,0,7");
   * ```
   */
  transpose(): CsrMatrix {
    if (this.#transpose === null) {
      const t = this.#transposed();
      this.#transpose = wrap(
        t.structure,
        this.values === null ? null : selectRows(this.values, t.order),
      );
      this.#transpose.#transpose = this;
    }
    return this.#transpose;
  }

  /**
   * The dense matrix, `[rows, cols]` (or `[rows, cols, H]` with heads); repeated entries add.
   * A pattern without values becomes 0/1 in `dtype` (default float32).
   *
   * @example
   * ```ts
   * import { CsrMatrix } from "@nnc/tensor";
   * console.assert(CsrMatrix.fromCoo([0, 0], [1, 1], [1, 2]).toDense().toArray().toString() === "0,2");
   * ```
   */
  toDense(dtype: DType = "float32"): NDArray {
    const h = this.heads;
    const v = this.values === null ? null : contiguous(this.values);
    const out = allocArray(
      v === null ? dtype : v.dtype,
      h === 1 && (v === null || v.ndim === 1) ? [this.rows, this.cols] : [this.rows, this.cols, h],
    );
    const od = out.data, pd = this.rowPtr.data, cd = this.colIndex.data;
    for (let i = 0; i < this.rows; i++) {
      for (let k = pd[i]; k < pd[i + 1]; k++) {
        const at = (i * this.cols + cd[k]) * h;
        for (let j = 0; j < h; j++) od[at + j] += v === null ? 1 : v.data[v.offset + k * h + j];
      }
    }
    return out;
  }

  /**
   * `this · x`, see {@link spmm}.
   *
   * @example
   * ```ts
   * import { array, CsrMatrix } from "@nnc/tensor";
   * console.assert(CsrMatrix.fromCoo([0, 0], [0, 1], [1, 2]).matmul(array([1, 2])).item() === 3);
   * ```
   */
  matmul(x: NDArray): NDArray {
    return spmm(this, x);
  }

  /** `CsrMatrix(rows×cols, nnz=…, heads=…)`. */
  toString(): string {
    const h = this.heads;
    return `CsrMatrix(${this.rows}×${this.cols}, nnz=${this.nnz}${h > 1 ? `, heads=${h}` : ""}${
      this.values === null ? ", pattern" : `, ${this.values.dtype}`
    })`;
  }

  #transposed(): { structure: Structure; order: NDArray } {
    const s = this.#s;
    if (s.transpose === undefined) {
      const nnz = s.colIndex.size;
      const rows = s.rowIndex ?? this.rowIndex();
      const { ptr, colIndex, order } = countingSort(
        s.colIndex.data as Int32Array,
        0,
        rows.data as Int32Array,
        0,
        nnz,
        s.cols,
      );
      const t: Structure = {
        rows: s.cols,
        cols: s.rows,
        rowPtr: NDArray.fromTyped(ptr, [s.cols + 1]),
        colIndex: NDArray.fromTyped(colIndex, [nnz]),
      };
      const orderArray = NDArray.fromTyped(order, [nnz]);
      const back = new Int32Array(nnz);
      for (let k = 0; k < nnz; k++) back[order[k]] = k;
      t.transpose = { structure: s, order: NDArray.fromTyped(back, [nnz]) };
      s.transpose = { structure: t, order: orderArray };
    }
    return s.transpose;
  }
}

/** `x` when it is contiguous from offset 0 (what the pattern's own loops index), else a copy. */
function ownArray(x: NDArray): NDArray {
  return x.isContiguous && x.offset === 0 ? x : clone(x);
}

/** Stable counting sort of COO pairs by `key`: row pointers, the other coordinate, and the order. */
function countingSort(
  key: Int32Array,
  keyOffset: number,
  other: Int32Array,
  otherOffset: number,
  n: number,
  buckets: number,
): { ptr: Int32Array; colIndex: Int32Array; order: Int32Array } {
  const ptr = new Int32Array(buckets + 1);
  for (let e = 0; e < n; e++) ptr[key[keyOffset + e] + 1]++;
  for (let i = 0; i < buckets; i++) ptr[i + 1] += ptr[i];
  const next = ptr.slice(0, buckets);
  const colIndex = new Int32Array(n), order = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    const at = next[key[keyOffset + e]]++;
    colIndex[at] = other[otherOffset + e];
    order[at] = e;
  }
  return { ptr, colIndex, order };
}

function checkValues(values: unknown, nnz: number, op: string): NDArray | null {
  if (values === null || values === undefined) return null;
  checkFloatArray(values, op, "values");
  if (
    (values.ndim !== 1 && values.ndim !== 2) || values.shape[0] !== nnz ||
    (values.ndim === 2 && values.shape[1] < 1)
  ) {
    throw new RangeError(
      `${op}: values must be [nnz] or [nnz, heads] with nnz = ${nnz}, got ${
        fmtShape(values.shape)
      }`,
    );
  }
  return values;
}

/** Rows `order` of `values` (`[nnz]` or `[nnz, H]`), contiguous. */
function selectRows(values: NDArray, order: NDArray): NDArray {
  const v = contiguous(values);
  const h = v.ndim === 2 ? v.shape[1] : 1;
  const out = allocArray(v.dtype, v.shape);
  const od = out.data, vd = v.data, o = order.data;
  for (let k = 0; k < order.size; k++) {
    for (let j = 0; j < h; j++) od[k * h + j] = vd[v.offset + o[order.offset + k] * h + j];
  }
  return out;
}

/**
 * Sparse times dense: `a · x` for `a` `[rows, cols]` and `x` `[cols, ...F]` gives `[rows, ...F]`.
 * With H heads (`a.values` `[nnz, H]`), `x` is `[cols, H, C]` and head `h` of the result mixes only
 * `x[:, h, :]`. Entries of a row add up in stored order. A pattern without values counts each entry
 * as 1 (a sum over neighbours). With `bias` (broadcast to the result), the products are added to
 * it in one pass: `a · x + bias` without a second array.
 *
 * @example
 * ```ts
 * import { array, CsrMatrix, spmm } from "@nnc/tensor";
 * // Two heads over the pattern {(0,0), (0,1)}: head 0 weighs (1, 2), head 1 weighs (0, 1).
 * const a = CsrMatrix.fromCoo([0, 0], [0, 1], [1, 2], { values: array([[1, 0], [2, 1]]) });
 * const x = array([[[1], [1]], [[10], [10]]]); // [2, 2 heads, 1]
 * console.assert(spmm(a, x).toArray().toString() === "21,10");
 * console.assert(spmm(a, x, array([[100], [200]])).toArray().toString() === "121,210");
 * ```
 */
export function spmm(a: CsrMatrix, x: NDArray, bias: NDArray | null = null): NDArray {
  const op = "spmm";
  if (!(a instanceof CsrMatrix)) {
    throw new TypeError(`${op}: a must be a CsrMatrix, got ${describe(a)}`);
  }
  checkFloatArray(x, op, "x");
  if (x.ndim < 1 || x.shape[0] !== a.cols) {
    throw new RangeError(
      `${op}: x must have a.cols = ${a.cols} rows, got shape ${fmtShape(x.shape)}`,
    );
  }
  const values = a.values;
  if (values !== null && values.dtype !== x.dtype) {
    throw new TypeError(`${op}: values are ${values.dtype} but x is ${x.dtype}`);
  }
  const rest = x.shape.slice(1);
  let heads = 1, width = sizeOf(rest);
  if (values !== null && values.ndim === 2) {
    heads = values.shape[1];
    if (x.ndim !== 3 || x.shape[1] !== heads) {
      throw new RangeError(
        `${op}: with ${heads} heads x must be [${a.cols}, ${heads}, C], got ${fmtShape(x.shape)}`,
      );
    }
    width = x.shape[2];
  }
  const xc = contiguous(x).reshape([a.cols, heads, width]);
  const shape = [a.rows, ...rest];
  const out = allocArray(x.dtype, shape);
  if (bias !== null) {
    if (!(bias instanceof NDArray) || bias.dtype !== x.dtype) {
      throw new TypeError(`${op}: bias must be a ${x.dtype} NDArray, got ${describe(bias)}`);
    }
    let view: NDArray;
    try {
      view = bias.expand(shape);
    } catch {
      throw new RangeError(
        `${op}: bias ${fmtShape(bias.shape)} does not broadcast to the result ${fmtShape(shape)}`,
      );
    }
    getBackend().copy(out, view);
  }
  const v = values === null ? null : contiguous(values).reshape([a.nnz, heads]);
  getBackend().spmm(
    out.reshape([a.rows, heads, width]),
    a.rowPtr,
    a.colIndex,
    v,
    xc,
    bias !== null,
  );
  return out;
}

/**
 * The product `left · rightᵀ` sampled at the stored entries of `a` (whose values are ignored):
 * `out[k] = left[i] · right[j]` for stored entry `k` at `(i, j)`. `left` `[rows, ...F]` and `right`
 * `[cols, ...F]` give `[nnz]`; with 3-d operands `[rows, H, C]`, `[cols, H, C]` one dot product per
 * head, `[nnz, H]`. This is the gradient of {@link spmm} in its values, and the per-edge score of
 * dot-product attention.
 *
 * @example
 * ```ts
 * import { array, CsrMatrix, sddmm } from "@nnc/tensor";
 * const a = CsrMatrix.fromCoo([0, 1], [1, 1], [2, 2]);
 * const out = sddmm(a, array([[1, 0], [0, 1]]), array([[5, 5], [2, 3]]));
 * console.assert(out.toArray().toString() === "2,3");
 * ```
 */
export function sddmm(a: CsrMatrix, left: NDArray, right: NDArray): NDArray {
  const op = "sddmm";
  if (!(a instanceof CsrMatrix)) {
    throw new TypeError(`${op}: a must be a CsrMatrix, got ${describe(a)}`);
  }
  checkFloatArray(left, op, "left");
  checkFloatArray(right, op, "right");
  if (left.dtype !== right.dtype) {
    throw new TypeError(`${op}: left is ${left.dtype} but right is ${right.dtype}`);
  }
  if (left.ndim < 1 || left.shape[0] !== a.rows || right.ndim < 1 || right.shape[0] !== a.cols) {
    throw new RangeError(
      `${op}: left must have ${a.rows} rows and right ${a.cols}, got ${fmtShape(left.shape)} and ${
        fmtShape(right.shape)
      }`,
    );
  }
  if (left.ndim !== right.ndim || left.shape.some((d, i) => i > 0 && d !== right.shape[i])) {
    throw new RangeError(
      `${op}: left ${fmtShape(left.shape)} and right ${
        fmtShape(right.shape)
      } differ past the first axis`,
    );
  }
  const heads = left.ndim === 3 ? left.shape[1] : 1;
  const width = left.ndim === 3 ? left.shape[2] : sizeOf(left.shape.slice(1));
  const out = allocArray(left.dtype, [a.nnz, heads]);
  getBackend().sddmm(
    out,
    a.rowPtr,
    a.colIndex,
    contiguous(left).reshape([a.rows, heads, width]),
    contiguous(right).reshape([a.cols, heads, width]),
  );
  return left.ndim === 3 ? out : out.reshape([a.nnz]);
}
