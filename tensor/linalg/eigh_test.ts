import assert from "node:assert/strict";
import fc from "fast-check";
import { eigh } from "./eigh.ts";
import {
  arr,
  flat,
  fro,
  froDiff,
  loadFixture,
  mat,
  matmul,
  maxAbsDiff,
  mulberry32,
  orthogonalityError,
  randomMatrix,
  transpose,
  values,
} from "./_testing.ts";

const fx = loadFixture("linalg").eigh;
const S = Math.SQRT1_2;

/** ‖V·diag(w)·Vᵀ − A‖_F / ‖A‖_F. */
function reconstructionError(a: Float64Array, w: Float64Array, v: Float64Array, n: number): number {
  const vw = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vw[i * n + j] = v[i * n + j] * w[j];
  return froDiff(matmul(vw, transpose(v, n, n), n, n, n), a) / fro(a);
}

Deno.test("eigh: the notes' PCA example: C = XXᵀ = [[10,6],[6,10]] has eigenvalues 4, 16", () => {
  // spec: 002-part-b/G19
  // Centred data points (2,2), (−2,−2), (1,−1), (−1,1) as the columns of X.
  const x = [2, -2, 1, -1, 2, -2, -1, 1];
  const c = matmul(x, transpose(x, 2, 4), 2, 4, 2);
  assert.deepEqual(Array.from(c), [10, 6, 6, 10]);
  const { values: w, vectors: v } = eigh(arr(c, [2, 2]));
  assert.ok(maxAbsDiff(values(w), [4, 16]) < 1e-14);
  // Columns: (1, −1)/√2 for 4 and (1, 1)/√2 for 16, signs fixed by the convention.
  assert.ok(maxAbsDiff(values(v), [S, S, -S, S]) < 1e-15);
  // Projections of the points onto the first principal component: [2√2, −2√2, 0, 0].
  const pc = values(v.slice(null, 1));
  const proj = [0, 1, 2, 3].map((j) => pc[0] * x[j] + pc[1] * x[4 + j]);
  assert.ok(maxAbsDiff(proj, [2.8284271, -2.8284271, 0, 0]) < 1e-7);
});

Deno.test("eigh: PCA's optimum max_{‖w‖=1} wᵀCw is the largest eigenvalue, reached at its eigenvector", () => {
  // spec: 002-part-b/G8
  // The notes' C = [[10, 6], [6, 10]]: over unit w = (cos t, sin t), wᵀCw = 10 + 6 sin 2t peaks at 16, t = π/4.
  const top = eigh(mat([[10, 6], [6, 10]]));
  let best = -Infinity, bestT = 0;
  for (let k = 0; k < 3600; k++) {
    const t = (k * Math.PI) / 3600, c = Math.cos(t), s = Math.sin(t);
    const q = 10 * c * c + 12 * c * s + 10 * s * s;
    if (q > best) [best, bestT] = [q, t];
  }
  assert.ok(
    Math.abs(best - values(top.values)[1]) < 1e-12 && Math.abs(bestT - Math.PI / 4) < 1e-12,
  );
  // Any scatter matrix C = XXᵀ: no unit vector beats the top eigenvector, which attains λ_max.
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 5 }), (seed, d) => {
      const rand = mulberry32(seed);
      const x = randomMatrix(rand, d, 7);
      const c = matmul(x, transpose(x, d, 7), d, 7, d);
      const { values: w, vectors: v } = eigh(arr(c, [d, d]));
      const lmax = values(w)[d - 1];
      const quad = (u: ArrayLike<number>) => {
        let q = 0;
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += u[i] * c[i * d + j] * u[j];
        return q;
      };
      assert.ok(Math.abs(quad(values(v.slice(null, d - 1))) - lmax) <= 1e-12 * lmax);
      for (let r = 0; r < 20; r++) {
        const u = Array.from({ length: d }, () => rand() - 0.5);
        const n = Math.hypot(...u);
        assert.ok(quad(u.map((ui) => ui / n)) <= lmax * (1 + 1e-12));
      }
    }),
    { numRuns: 50 },
  );
});

Deno.test("eigh: the notes' GCN matrices on the path graph 0–1–2", () => {
  const r6 = 1 / Math.sqrt(6);
  const q = eigh(mat([[0.5, r6, 0], [r6, 1 / 3, r6], [0, r6, 0.5]]));
  assert.ok(maxAbsDiff(values(q.values), [-1 / 6, 1 / 2, 1]) < 1e-15);
  const h = eigh(mat([[1, S, 0], [S, 1, S], [0, S, 1]])); // I + D^{-1/2} A D^{-1/2}
  assert.ok(maxAbsDiff(values(h.values), [0, 1, 2]) < 1e-15);
});

Deno.test("eigh: the notes' Hessian [[26,-10],[-10,4]] has eigenvalues 15 ± √221", () => {
  const w = values(eigh(mat([[26, -10], [-10, 4]])).values);
  assert.ok(maxAbsDiff(w, [15 - Math.sqrt(221), 15 + Math.sqrt(221)]) < 1e-14);
  assert.ok(Math.abs(w[0] - 0.133931) < 1e-6 && Math.abs(w[1] - 29.866069) < 1e-6);
});

Deno.test("eigh: Hilbert 8x8 eigenvalues within 1e-15·λ_max of 50-digit references", () => {
  const n = 8;
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = 1 / (i + j + 1);
  const exact = [
    1.1115389663724424e-10,
    1.7988737458175767e-8,
    1.2943320918728115e-6,
    5.4369433697499424e-5,
    0.0014676881177418673,
    0.026212843578119048,
    0.29812521131693071,
    1.6959389969219495,
  ];
  const w = values(eigh(arr(h, [n, n])).values);
  assert.ok(maxAbsDiff(w, exact) < 1e-15 * exact[7], `${maxAbsDiff(w, exact)}`);
});

Deno.test("eigh: matches NumPy's eigenvalues and first eigenprojector on a 5x5", () => {
  const { values: w, vectors: v } = eigh(arr(flat(fx.a), [5, 5]));
  assert.ok(maxAbsDiff(values(w), flat(fx.values)) < 1e-14);
  const v0 = values(v.slice(null, 0));
  const proj = matmul(v0, v0, 5, 1, 5);
  assert.ok(maxAbsDiff(proj, flat(fx.projector0)) < 1e-14);
});

Deno.test("eigh: reads only the lower triangle", () => {
  const w = values(eigh(mat([[10, 999], [6, 10]])).values);
  assert.ok(maxAbsDiff(w, [4, 16]) < 1e-14);
});

Deno.test("eigh: repeated eigenvalues still give an orthonormal basis", () => {
  const id = eigh(mat([[1, 0, 0], [0, 1, 0], [0, 0, 1]]));
  assert.deepEqual(Array.from(values(id.values)), [1, 1, 1]);
  assert.deepEqual(Array.from(values(id.vectors)), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  // All-ones 4x4: eigenvalues 0, 0, 0, 4.
  const ones = eigh(arr(new Float64Array(16).fill(1), [4, 4]));
  assert.ok(maxAbsDiff(values(ones.values), [0, 0, 0, 4]) < 1e-14);
  assert.ok(orthogonalityError(values(ones.vectors), 4, 4) < 1e-15);
  assert.ok(maxAbsDiff(values(ones.vectors.slice(null, 3)), [0.5, 0.5, 0.5, 0.5]) < 1e-15);
});

Deno.test("eigh: sign convention: the first largest-magnitude entry of each eigenvector is positive", () => {
  const n = 40;
  const m = randomMatrix(mulberry32(51), n, n);
  const v = values(eigh(arr(matmul(m, transpose(m, n, n), n, n, n), [n, n])).vectors);
  for (let j = 0; j < n; j++) {
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(v[i * n + j]) > Math.abs(v[best * n + j])) best = i;
    assert.ok(v[best * n + j] > 0, `column ${j}`);
  }
});

for (const dtype of ["float64", "float32"] as const) {
  // Frobenius norms: ‖VᵀV − I‖ grows like n·ε (measured 7.5e-14 and 5.7e-7 at n = 256).
  const [recBound, orthBound] = dtype === "float64" ? [2e-14, 2e-13] : [2e-7, 2e-6];
  Deno.test(`eigh: ${dtype} at 256x256: ‖VΛVᵀ − A‖/‖A‖ < ${recBound}, ‖VᵀV − I‖ < ${orthBound}`, () => {
    const n = 256;
    const m = randomMatrix(mulberry32(dtype === "float64" ? 52 : 53), n, n);
    const a0 = matmul(m, transpose(m, n, n), n, n, n);
    for (let i = 0; i < n; i++) a0[i * n + i] -= 40; // indefinite
    const a = arr(a0, [n, n], dtype);
    const { values: w, vectors: v } = eigh(a);
    assert.equal(w.dtype, dtype);
    const wv = values(w);
    for (let i = 1; i < n; i++) assert.ok(wv[i] >= wv[i - 1]);
    assert.ok(wv[0] < 0 && wv[n - 1] > 0);
    const rec = reconstructionError(values(a), wv, values(v), n);
    const orth = orthogonalityError(values(v), n, n);
    assert.ok(rec < recBound && orth < orthBound, `rec ${rec}, orth ${orth}`);
  });
}

Deno.test("eigh: batched, stride-0 batch dimensions", () => {
  const a = mat([[2, 1], [1, 2]]).expand([3, 2, 2]);
  const { values: w, vectors: v } = eigh(a);
  assert.deepEqual(w.shape, [3, 2]);
  assert.deepEqual(v.shape, [3, 2, 2]);
  assert.ok(maxAbsDiff(values(w), [1, 3, 1, 3, 1, 3]) < 1e-15);
});

Deno.test("eigh: property: A·v_j = w_j·v_j for random symmetric matrices", () => {
  const entry = fc.double({ min: -10, max: 10, noNaN: true });
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 7 }),
      fc.array(entry, { minLength: 49, maxLength: 49 }),
      (n, r) => {
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) {
            a[i * n + j] = a[j * n + i] = r[i * n + j];
          }
        }
        const { values: w, vectors: v } = eigh(arr(a, [n, n]));
        const wv = values(w);
        const vv = values(v);
        const av = matmul(a, vv, n, n, n);
        const scale = Math.max(1, Math.abs(wv[0]), Math.abs(wv[n - 1]));
        for (let i = 0; i < n; i++) {
          for (
            let j = 0;
            j < n;
            j++
          ) if (Math.abs(av[i * n + j] - wv[j] * vv[i * n + j]) > 1e-13 * scale) return false;
        }
        return orthogonalityError(vv, n, n) < 1e-14;
      },
    ),
  );
});

Deno.test("eigh: bad input", () => {
  assert.throws(() => eigh(arr([1, 2, 3, 4, 5, 6], [2, 3])), {
    name: "RangeError",
    message: "linalg.eigh: a must be square, got [2, 3]",
  });
  assert.throws(() => eigh(mat([[NaN, 0], [0, 1]])), {
    name: "RangeError",
    message: "linalg.eigh: a [2, 2] contains NaN; expected finite values",
  });
  assert.throws(() => eigh(mat([[1]], "int32")), { name: "TypeError" });
});
