// The sparse cases of backendConformanceTests (conformance.ts): spmm, sddmm and segmentReduce
// against the JS oracle on random CSR patterns, heads, widths, dtypes and buffer offsets, small and
// large, bit for bit, and their rejection of bad indices.
import * as assert from "./_conformance_assert.ts";
import {
  type Backend,
  type DType,
  NDArray,
  referenceBackend,
  type SegmentOp,
  Storage,
} from "./mod.ts";
import { diff, EXACT, fillRandom, Rand } from "./backend_fuzz.ts";

/** Registers the cases on `nb` (see backendConformanceTests). */
export function registerSparseCases(nb: Backend, label: string, ignore: boolean): void {
  const ref = referenceBackend();

  /** A contiguous array whose elements start at a random offset into a larger buffer. */
  function offsetArray(r: Rand, dtype: DType, shape: readonly number[], fill = true): NDArray {
    const size = shape.reduce((a, b) => a * b, 1);
    const offset = r.int(0, 3);
    const data = dtype === "float32"
      ? new Float32Array(size + offset + r.int(0, 2))
      : dtype === "float64"
      ? new Float64Array(size + offset + r.int(0, 2))
      : new Int32Array(size + offset + r.int(0, 2));
    if (fill) fillRandom(r, data, { special: dtype === "int32" ? 0 : 0.01 });
    return new NDArray(new Storage(data), shape, undefined, offset);
  }

  function twin(a: NDArray): NDArray {
    return new NDArray(new Storage(a.data.slice()), a.shape, a.strides, a.offset);
  }

  /** A random CSR pattern: rows with skewed lengths (some empty, some long). */
  function pattern(
    r: Rand,
    n: number,
    m: number,
    large: boolean,
  ): { rowPtr: NDArray; col: NDArray } {
    const lengths = Array.from(
      { length: n },
      () =>
        m === 0
          ? 0
          : r.chance(0.2)
          ? 0
          : r.int(1, r.chance(0.1) ? (large ? 60 : 12) : (large ? 12 : 4)),
    );
    const nnz = lengths.reduce((a, b) => a + b, 0);
    const rowPtr = offsetArray(r, "int32", [n + 1], false);
    const col = offsetArray(r, "int32", [nnz], false);
    let at = 0;
    rowPtr.data[rowPtr.offset] = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < lengths[i]; k++) col.data[col.offset + at++] = r.int(0, m - 1);
      rowPtr.data[rowPtr.offset + i + 1] = at;
    }
    return { rowPtr, col };
  }

  function check(what: string, got: NDArray, want: NDArray, context: () => string): void {
    const d = diff(got.data, want.data, EXACT);
    if (d !== null) assert.fail(`${what}: ${d}\n${context()}`);
  }

  function fuzz(
    name: string,
    cases: number,
    seed: number,
    body: (r: Rand, i: number) => void,
  ): void {
    Deno.test({ name: `${label} matches JS: ${name} (${cases} cases)`, ignore }, () => {
      const r = new Rand(seed);
      for (let i = 0; i < cases; i++) body(r, i);
    });
  }

  fuzz("spmm", 400, 31, (r, i) => {
    const large = i % 20 === 0;
    const dtype: DType = r.pick(["float32", "float64"]);
    const n = large ? r.int(2000, 6000) : r.int(0, 12), m = large ? r.int(500, 3000) : r.int(0, 12);
    const heads = r.chance(0.3) ? r.int(2, 3) : 1, width = r.int(1, large ? 40 : 9);
    const { rowPtr, col } = pattern(r, n, m, large);
    const values = r.chance(0.25) ? null : offsetArray(r, dtype, [col.size, heads]);
    const x = offsetArray(r, dtype, [m, heads, width]);
    const out = offsetArray(r, dtype, [n, heads, width]), out2 = twin(out);
    nb.spmm(out, rowPtr, col, values, x);
    ref.spmm(out2, rowPtr, col, values, x);
    check(
      "spmm",
      out,
      out2,
      () =>
        `${dtype} n ${n} m ${m} heads ${heads} width ${width} nnz ${col.size} values ${
          values !== null
        }`,
    );
  });

  fuzz("sddmm", 400, 32, (r, i) => {
    const large = i % 20 === 0;
    const dtype: DType = r.pick(["float32", "float64"]);
    const n = large ? r.int(2000, 6000) : r.int(0, 12), m = large ? r.int(500, 3000) : r.int(0, 12);
    const heads = r.chance(0.3) ? r.int(2, 3) : 1, width = r.int(1, large ? 40 : 9);
    const { rowPtr, col } = pattern(r, n, m, large);
    const a = offsetArray(r, dtype, [n, heads, width]),
      b = offsetArray(r, dtype, [m, heads, width]);
    const out = offsetArray(r, dtype, [col.size, heads]), out2 = twin(out);
    nb.sddmm(out, rowPtr, col, a, b);
    ref.sddmm(out2, rowPtr, col, a, b);
    check(
      "sddmm",
      out,
      out2,
      () => `${dtype} n ${n} m ${m} heads ${heads} width ${width} nnz ${col.size}`,
    );
  });

  fuzz("segmentReduce", 600, 33, (r, i) => {
    const large = i % 20 === 0;
    const dtype: DType = r.pick(["float32", "float64", "int32"]);
    const op: SegmentOp = r.pick(["sum", "max", "min"]);
    const n = large ? r.int(500, 3000) : r.int(1, 10),
      rows = large ? r.int(20000, 80000) : r.int(0, 30);
    const width = r.int(1, large ? 8 : 5);
    const index = offsetArray(r, "int32", [rows], false);
    // Skewed segments: a few hold most rows, some none.
    for (let e = 0; e < rows; e++) {
      index.data[index.offset + e] = r.chance(0.3) ? r.int(0, Math.min(2, n - 1)) : r.int(0, n - 1);
    }
    const src = offsetArray(r, dtype, [rows, width]);
    const out = offsetArray(r, dtype, [n, width]), out2 = twin(out);
    const arg = op === "sum" ? null : offsetArray(r, "int32", [n, width]);
    const arg2 = arg === null ? null : twin(arg);
    nb.segmentReduce(op, out, arg, src, index);
    ref.segmentReduce(op, out2, arg2, src, index);
    const ctx = () => `${op} ${dtype} n ${n} rows ${rows} width ${width}`;
    check("segmentReduce out", out, out2, ctx);
    if (arg && arg2) check("segmentReduce arg", arg, arg2, ctx);
  });

  Deno.test(
    { name: `${label} sparse kernels reject bad indices with an error, not a crash`, ignore },
    () => {
      const rowPtr = NDArray.fromTyped(new Int32Array([0, 1]), [2]);
      const col = NDArray.fromTyped(new Int32Array([5]), [1]);
      const x = NDArray.fromTyped(new Float32Array(4), [2, 1, 2]);
      const out = NDArray.fromTyped(new Float32Array(2), [1, 1, 2]);
      assert.throws(
        () => nb.spmm(out, rowPtr, col, null, x),
        new RegExp(`${label} spmm: .*column 5 is out of range for 2 columns`),
      );
      const outK = NDArray.fromTyped(new Float32Array(1), [1, 1]);
      assert.throws(
        () => nb.sddmm(outK, rowPtr, col, out, x),
        new RegExp(`${label} sddmm: .*column 5 is out of range`),
      );
      const badPtr = NDArray.fromTyped(new Int32Array([0, 2]), [2]);
      assert.throws(
        () => nb.spmm(out, badPtr, col, null, x),
        new RegExp(`${label} spmm: .*rowPtr ends at 2, expected nnz = 1`),
      );
      const src = NDArray.fromTyped(new Float64Array(2), [2, 1]);
      const index = NDArray.fromTyped(new Int32Array([0, 3]), [2]);
      const seg = NDArray.fromTyped(new Float64Array(2), [2, 1]);
      assert.throws(
        () => nb.segmentReduce("sum", seg, null, src, index),
        new RegExp(`${label} segmentReduce: .*index\\[1\\] = 3 is out of range for 2 segments`),
      );
    },
  );
}
