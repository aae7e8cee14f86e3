import assert from "node:assert/strict";
import fc from "fast-check";
import { svd, svdvals } from "./svd.ts";
import {
  arr,
  flat,
  fro,
  froDiff,
  loadFixture,
  logspace,
  mat,
  matmul,
  maxAbsDiff,
  mulberry32,
  orthogonalityError,
  randomMatrix,
  transpose,
  values,
  withSingularValues,
} from "./_testing.ts";

const fx = loadFixture("linalg").svd;

/** ‖U·diag(s)·Vᵀ − A‖_F / ‖A‖_F. */
function reconstructionError(
  a: Float64Array,
  u: Float64Array,
  s: Float64Array,
  vt: Float64Array,
  m: number,
  n: number,
) {
  const k = s.length;
  const us = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us[i * k + j] = u[i * k + j] * s[j];
  return froDiff(matmul(us, vt, m, k, n), a) / fro(a);
}

Deno.test("svd: the notes' [[1,2,3],[4,5,6]] has singular values 9.5080320, 0.7728696", () => {
  const s = values(svdvals(mat([[1, 2, 3], [4, 5, 6]])));
  assert.ok(maxAbsDiff(s, [9.5080320, 0.7728696]) < 1e-7);
  // √ of the eigenvalues of AAᵀ = [[14, 32], [32, 77]]: (91 ± √(91² − 4·54))/2.
  const disc = Math.sqrt(91 * 91 - 4 * 54);
  assert.ok(maxAbsDiff(s, [Math.sqrt((91 + disc) / 2), Math.sqrt((91 - disc) / 2)]) < 1e-14);
});

Deno.test("svd: hand-checked diagonal case and the sign convention", () => {
  const { u, s, vt } = svd(mat([[3, 0], [0, -2]]));
  assert.deepEqual(Array.from(values(s)), [3, 2]);
  assert.deepEqual(Array.from(values(u)), [1, 0, 0, 1]);
  assert.deepEqual(Array.from(values(vt)), [1, 0, 0, -1]);
  const swapped = svd(mat([[0, 2], [-5, 0]]));
  assert.deepEqual(Array.from(values(swapped.s)), [5, 2]);
  assert.deepEqual(Array.from(values(swapped.u)), [0, 1, 1, 0]);
  assert.deepEqual(Array.from(values(swapped.vt)), [-1, 0, 0, 1]);
});

Deno.test("svd: matches NumPy's singular values and first left projector on a 5x3", () => {
  const { u, s } = svd(arr(flat(fx.a), [5, 3]));
  assert.ok(maxAbsDiff(values(s), flat(fx.s)) < 1e-14);
  const u0 = values(u.slice(null, 0));
  assert.ok(maxAbsDiff(matmul(u0, u0, 5, 1, 5), flat(fx.projector0)) < 1e-14);
});

Deno.test("svd: Hilbert 8x8 singular values within 1e-15·σ_max of 50-digit references", () => {
  const n = 8;
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = 1 / (i + j + 1);
  const exact = [
    1.6959389969219495,
    0.29812521131693071,
    0.026212843578119048,
    0.0014676881177418673,
    5.4369433697499424e-5,
    1.2943320918728115e-6,
    1.7988737458175767e-8,
    1.1115389663724424e-10,
  ];
  const s = values(svdvals(arr(h, [n, n])));
  assert.ok(maxAbsDiff(s, exact) < 1e-15 * exact[0], `${maxAbsDiff(s, exact)}`);
});

Deno.test("svd: graded singular values 1 .. 1e-12 are recovered within 1e-14 (σ_max = 1)", () => {
  // Building U·diag(s)·Vᵀ in float64 perturbs it by ~ε, so only normwise accuracy is checkable.
  const rand = mulberry32(61);
  const want = logspace(40, 1e-12);
  const s = values(svdvals(arr(withSingularValues(rand, 60, 40, want), [60, 40])));
  assert.ok(maxAbsDiff(s, want) < 1e-14, `${maxAbsDiff(s, want)}`);
});

Deno.test("svd: fullMatrices completes u (tall) or vt (wide) to square orthogonal matrices", () => {
  const rand = mulberry32(62);
  for (const [m, n] of [[5, 3], [3, 5]]) {
    const a0 = randomMatrix(rand, m, n);
    const { u, s, vt } = svd(arr(a0, [m, n]), { fullMatrices: true });
    assert.deepEqual(u.shape, [m, m]);
    assert.deepEqual(vt.shape, [n, n]);
    assert.ok(orthogonalityError(values(u), m, m) < 1e-15 * 4);
    assert.ok(orthogonalityError(values(vt.transpose()), n, n) < 1e-15 * 4);
    const red = svd(arr(a0, [m, n]));
    const k = Math.min(m, n);
    assert.ok(maxAbsDiff(values(u.slice(null, { stop: k })), values(red.u)) === 0);
    assert.ok(maxAbsDiff(values(vt.slice({ stop: k })), values(red.vt)) === 0);
    assert.ok(reconstructionError(a0, values(red.u), values(s), values(red.vt), m, n) < 1e-15);
  }
});

Deno.test("svd: rank-deficient and zero matrices keep orthonormal u and v", () => {
  const r1 = svd(mat([[1, 2], [2, 4], [3, 6]]));
  const s = values(r1.s);
  assert.ok(Math.abs(s[0] - Math.sqrt(70)) < 1e-14 && s[1] < 1e-15);
  assert.ok(orthogonalityError(values(r1.u), 3, 2) < 1e-15);
  assert.ok(orthogonalityError(values(r1.vt.transpose()), 2, 2) < 1e-15);
  const z = svd(arr(new Float64Array(12), [4, 3]));
  assert.deepEqual(Array.from(values(z.s)), [0, 0, 0]);
  assert.equal(orthogonalityError(values(z.u), 4, 3), 0);
  assert.equal(orthogonalityError(values(z.vt.transpose()), 3, 3), 0);
});

for (const dtype of ["float64", "float32"] as const) {
  // Measured at 256x256: 4.9e-14 / 7.7e-13 in float64, 4.4e-8 / 5.8e-7 in float32 (the Jacobi
  // rotations accumulate ~ n·sweeps rounding errors in V).
  const [recBound, orthBound] = dtype === "float64" ? [2e-13, 2e-12] : [2e-7, 2e-6];
  Deno.test(`svd: ${dtype} ‖USVᵀ − A‖/‖A‖ < ${recBound}, ‖UᵀU − I‖, ‖VᵀV − I‖ < ${orthBound}`, () => {
    const rand = mulberry32(dtype === "float64" ? 63 : 64);
    for (
      const [m, n, a0] of [
        [256, 256, randomMatrix(rand, 256, 256)],
        [150, 60, withSingularValues(rand, 150, 60, logspace(60, 1e-6))],
        [40, 90, randomMatrix(rand, 40, 90)],
      ] as const
    ) {
      const a = arr(a0, [m, n], dtype);
      const { u, s, vt } = svd(a);
      assert.equal(s.dtype, dtype);
      const k = Math.min(m, n);
      const sv = values(s);
      for (let i = 1; i < k; i++) assert.ok(sv[i] <= sv[i - 1]);
      const rec = reconstructionError(values(a), values(u), sv, values(vt), m, n);
      const ou = orthogonalityError(values(u), m, k);
      const ov = orthogonalityError(transpose(values(vt), k, n), n, k);
      assert.ok(
        rec < recBound && ou < orthBound && ov < orthBound,
        `${m}x${n}: ${rec} ${ou} ${ov}`,
      );
    }
  });
}

Deno.test("svd: batched with a strided (transposed) input equals one-by-one", () => {
  const rand = mulberry32(65);
  const a = arr(randomMatrix(rand, 3 * 4 * 6, 1), [3, 4, 6]).transpose(-1, -2); // [3, 6, 4]
  const { s } = svd(a);
  assert.deepEqual(s.shape, [3, 4]);
  for (let b = 0; b < 3; b++) {
    const one = svd(arr(values(a.slice(b)), [6, 4]));
    assert.ok(maxAbsDiff(values(s.slice(b)), values(one.s)) === 0);
  }
});

Deno.test("svd: property: singular values of A and Aᵀ agree, and σ_max ≥ |a_ij|", () => {
  const entry = fc.double({ min: -100, max: 100, noNaN: true });
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 6 }),
      fc.array(entry, { minLength: 36, maxLength: 36 }),
      (m, n, r) => {
        const a = arr(r.slice(0, m * n), [m, n]);
        const s1 = values(svdvals(a));
        const s2 = values(svdvals(a.transpose()));
        const big = Math.max(...r.slice(0, m * n).map(Math.abs));
        return maxAbsDiff(s1, s2) <= 1e-13 * Math.max(1, s1[0]) && s1[0] >= big * (1 - 1e-15);
      },
    ),
  );
});

Deno.test("svd: bad input", () => {
  assert.throws(() => svd(arr([1, 2, 3], [3])), {
    name: "RangeError",
    message: "linalg.svd: a must have at least 2 dimensions [..., m, n], got [3]",
  });
  assert.throws(() => svd(mat([[1, Infinity]])), {
    name: "RangeError",
    message: "linalg.svd: a [1, 2] contains Infinity; expected finite values",
  });
  assert.throws(() => svd(mat([[1]], "int32")), { name: "TypeError" });
});
