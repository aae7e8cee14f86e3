import assert from "node:assert/strict";
import { NDArray } from "../ndarray.ts";
import { cholesky, eigh, lu, qr, solve, svd } from "./linalg.ts";

const f64 = (data: number[], shape: number[]) => NDArray.fromTyped(Float64Array.from(data), shape);
const out64 = (shape: number[]) =>
  NDArray.fromTyped(new Float64Array(shape.reduce((p, d) => p * d, 1)), shape);
const out32 = (shape: number[]) =>
  NDArray.fromTyped(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape);
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) =>
  a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol);

Deno.test("js lu: LAPACK-style factors and pivots; every batch is factored, the first singular index returned", () => {
  const a = f64([1, 2, 3, 4, 1, 2, 2, 4, 2, 0, 0, 3], [3, 2, 2]);
  const piv = NDArray.fromTyped(new Int32Array(6), [3, 2]);
  assert.equal(lu(a, piv), 1);
  assert.deepEqual(Array.from(a.data.subarray(0, 4)), [3, 4, 1 / 3, 2 - 4 / 3]);
  assert.deepEqual(Array.from(piv.data), [1, 1, 1, 1, 0, 1]);
  assert.deepEqual(Array.from(a.data.subarray(4, 8)), [2, 4, 0.5, 0]); // singular: U[1,1] = 0
  assert.deepEqual(Array.from(a.data.subarray(8)), [2, 0, 0, 3]);
});

Deno.test("js lu: in place in float32 storage", () => {
  const a = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [2, 2]);
  const piv = NDArray.fromTyped(new Int32Array(2), [2]);
  assert.equal(lu(a, piv), -1);
  assert.deepEqual(Array.from(a.data), [3, 4, Math.fround(1 / 3), Math.fround(2 / 3)]);
});

Deno.test("js solve: stride-0 batch of a, transposed b, float32 out", () => {
  const a = f64([2, 1, 1, 3], [2, 2]).expand([3, 2, 2]);
  // Right-hand sides (3, 4), (5, 4), (5, 6) read through a transposed view: strides [1, 3, 1].
  const bb = f64([3, 5, 5, 4, 4, 6], [2, 3]).transpose().unsqueeze(-1);
  const out = out32([3, 2, 1]);
  assert.equal(solve(out, a, bb), -1);
  // [[2, 1], [1, 3]]⁻¹·(p, q) = ((3p − q)/5, (2q − p)/5).
  const want: number[] = [];
  for (const [p, q] of [[3, 4], [5, 4], [5, 6]]) want.push((3 * p - q) / 5, (2 * q - p) / 5);
  assert.ok(close(out.data, want.map(Math.fround), 0));
});

Deno.test("js solve: returns the first singular batch index", () => {
  const a = f64([1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0], [3, 2, 2]);
  assert.equal(solve(out64([3, 2, 1]), a, f64([1, 1], [2, 1]).expand([3, 2, 1])), 1);
});

Deno.test("js cholesky: lower factor, upper triangle ignored, first failing index", () => {
  const out = out64([2, 2, 2]);
  assert.equal(cholesky(out, f64([4, 7, 2, 5, 9, 0, 3, 5], [2, 2, 2])), -1);
  assert.deepEqual(Array.from(out.data), [2, 0, 1, 2, 3, 0, 1, 2]);
  assert.equal(cholesky(out64([2, 2, 2]), f64([4, 0, 2, 5, 1, 0, 2, 1], [2, 2, 2])), 1);
});

Deno.test("js qr: non-negative R diagonal, Q·R = A, for a negative-leading column", () => {
  const q = out64([2, 2]);
  const r = out64([2, 2]);
  qr(q, r, f64([-3, 1, -4, 2], [2, 2]));
  assert.ok(close(r.data, [5, -2.2, 0, 0.4], 1e-15));
  assert.ok(close(q.data, [-0.6, -0.8, -0.8, 0.6], 1e-15));
});

Deno.test("js eigh and svd: inputs are not modified, and NaN input gives NaN output", () => {
  const a = f64([2, 1, 1, 2], [2, 2]);
  const w = out64([2]);
  const v = out64([2, 2]);
  eigh(w, v, a);
  assert.deepEqual(Array.from(a.data), [2, 1, 1, 2]);
  assert.ok(close(w.data, [1, 3], 1e-15));
  const u = out64([2, 2]);
  const s = out64([2]);
  const vt = out64([2, 2]);
  svd(u, s, vt, a);
  assert.deepEqual(Array.from(a.data), [2, 1, 1, 2]);
  assert.ok(close(s.data, [3, 1], 1e-15));
  eigh(w, v, f64([NaN, 0, 0, 1], [2, 2]));
  assert.ok(Array.from(w.data).every(Number.isNaN) && Array.from(v.data).every(Number.isNaN));
  svd(u, s, vt, f64([1, Infinity, 0, 1], [2, 2]));
  assert.ok([u, s, vt].every((x) => Array.from(x.data).every(Number.isNaN)));
});

Deno.test("js eigh and svd: the sign rule resolves exact ties to the first entry", () => {
  const w = out64([2]);
  const v = out64([2, 2]);
  eigh(w, v, f64([0, 1, 1, 0], [2, 2])); // eigenvectors (1, −1)/√2 and (1, 1)/√2
  assert.ok(close(v.data, [Math.SQRT1_2, Math.SQRT1_2, -Math.SQRT1_2, Math.SQRT1_2], 2e-16));
  const u = out64([2, 2]);
  const s = out64([2]);
  const vt = out64([2, 2]);
  svd(u, s, vt, f64([1, -1, -1, 1], [2, 2])); // rank 1: u_1 ∝ (1, −1)
  assert.ok(close(s.data, [2, 0], 1e-15));
  assert.ok(u.data[0] > 0 && vt.data[0] > 0);
});

Deno.test("js svd: a rank-1 wide view at an offset into shared storage", () => {
  const base = Float64Array.from([9, 3, 0, 0, 4, 0, 0, 0]); // a [1, 2, 3] view at offset 1
  const a = new NDArray(NDArray.fromTyped(base).storage, [1, 2, 3], [6, 3, 1], 1);
  const u = out64([1, 2, 2]);
  const s = out64([1, 2]);
  const vt = out64([1, 2, 3]);
  svd(u, s, vt, a); // [[3, 0, 0], [4, 0, 0]]: σ = 5, 0
  assert.deepEqual(Array.from(s.data), [5, 0]);
  // u_2 completes the basis, its larger entry made positive; v_2 is the first free unit vector.
  assert.ok(close(u.data, [0.6, 0.8, 0.8, -0.6], 2e-16));
  assert.deepEqual(Array.from(vt.data), [1, 0, 0, 0, 1, 0]);
});
