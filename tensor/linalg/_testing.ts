// Helpers for the linear-algebra tests: a seeded generator, matrix builders and float64 checks that
// do not go through the code under test.
import type { DType } from "../dtype.ts";
import type { NDArray } from "../ndarray.ts";
import { fromFloat64, readFloat64 } from "./_common.ts";

/** mulberry32: a tiny seeded generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A row-major m × n matrix of uniform entries in [-1, 1). */
export function randomMatrix(rand: () => number, m: number, n: number): Float64Array {
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = 2 * rand() - 1;
  return a;
}

/** An m × n matrix with orthonormal columns (m ≥ n), by modified Gram–Schmidt applied twice. */
export function randomOrthonormal(rand: () => number, m: number, n: number): Float64Array {
  const q = randomMatrix(rand, m, n);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i * n + p] * q[i * n + j];
        for (let i = 0; i < m; i++) q[i * n + j] -= dot * q[i * n + p];
      }
      let s = 0;
      for (let i = 0; i < m; i++) s += q[i * n + j] ** 2;
      const inv = 1 / Math.sqrt(s);
      for (let i = 0; i < m; i++) q[i * n + j] *= inv;
    }
  }
  return q;
}

/** U·diag(s)·Vᵀ for random orthonormal U (m × k) and V (n × k), k = s.length. */
export function withSingularValues(
  rand: () => number,
  m: number,
  n: number,
  s: readonly number[],
): Float64Array {
  const k = s.length;
  const u = randomOrthonormal(rand, m, k);
  const v = randomOrthonormal(rand, n, k);
  const us = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us[i * k + j] = u[i * k + j] * s[j];
  return matmul(us, transpose(v, n, k), m, k, n);
}

/** k values from 1 down to `smallest`, evenly spaced in log scale. */
export function logspace(k: number, smallest: number): number[] {
  return Array.from({ length: k }, (_, i) => smallest ** (k === 1 ? 0 : i / (k - 1)));
}

/** Row-major product of an m × k and a k × n matrix. */
export function matmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p];
      if (v === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += v * b[p * n + j];
    }
  }
  return c;
}

/** The transpose of a row-major m × n matrix. */
export function transpose(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

/** Frobenius norm. */
export function fro(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** Frobenius norm of a − b. */
export function froDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** ‖QᵀQ − I‖_F for a row-major m × n matrix Q. */
export function orthogonalityError(q: ArrayLike<number>, m: number, n: number): number {
  const g = matmul(transpose(q, m, n), q, n, m, n);
  for (let i = 0; i < n; i++) g[i * n + i] -= 1;
  return fro(g);
}

/** The elements of an array in row-major order, as float64. */
export function values(x: NDArray): Float64Array {
  return readFloat64(x);
}

/** A contiguous array of the given dtype from row-major values. */
export function arr(
  data: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType = "float64",
): NDArray {
  return fromFloat64(Float64Array.from(data), dtype, shape);
}

/** A 2-d float64 (or `dtype`) array from nested rows. */
export function mat(rows: readonly (readonly number[])[], dtype: DType = "float64"): NDArray {
  return arr(rows.flat(), [rows.length, rows[0]?.length ?? 0], dtype);
}

/** Largest |a_i − b_i|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Reads `fixtures/<name>.json` beside this file. */
export function loadFixture(name: string): Record<string, Record<string, unknown>> {
  return JSON.parse(Deno.readTextFileSync(new URL(`./fixtures/${name}.json`, import.meta.url)));
}

/** Flattens nested number arrays from a fixture. */
export function flat(x: unknown): number[] {
  return (x as unknown[]).flat(Infinity as 1) as number[];
}
