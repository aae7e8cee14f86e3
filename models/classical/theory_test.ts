import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import {
  countSeparableDichotomies,
  coverCount,
  halfSpaceVcDimension,
  isLinearlySeparable,
  shatters,
} from "./cover.ts";
import {
  ballToCubeVolumeRatio,
  neighborhoodEdge,
  samplesForDensity,
} from "./curse_of_dimensionality.ts";
import { lagrangeQuadratic } from "./lagrange.ts";

Deno.test("coverCount: the corrected counting function's values", () => {
  // spec: 001-004/A3.cover
  assert.equal(coverCount(1, 3), 2n);
  assert.equal(coverCount(2, 1), 2n);
  assert.equal(coverCount(3, 2), 6n);
  assert.equal(coverCount(4, 2), 8n);
  assert.equal(coverCount(4, 3), 14n);
  assert.equal(coverCount(6, 3), 32n);
  assert.equal(coverCount(10, 5), 512n);
  for (let n = 1; n <= 6; n++) {
    assert.equal(coverCount(2 * n, n), 2n ** BigInt(2 * n - 1)); // half of all labellings at s = 2n
    for (let s = 1; s <= n; s++) assert.equal(coverCount(s, n), 2n ** BigInt(s)); // s ≤ n: all
    for (let s = 1; s <= 8; s++) {
      assert.equal(coverCount(s + 1, n + 1), coverCount(s, n + 1) + coverCount(s, n));
    }
  }
  assert.throws(() => coverCount(0, 2), /coverCount: s must be an integer in \[1, 10000\], got 0/);
});

Deno.test("Cover's theorem: separable dichotomies of random points equal C(s, n)", () => {
  const rng = new Rng(7);
  for (const [s, n] of [[4, 2], [5, 2], [5, 3], [6, 3], [3, 2]]) {
    const pts = Array.from({ length: s }, () => Array.from({ length: n }, () => rng.normal()));
    assert.equal(
      countSeparableDichotomies(pts, { bias: false }),
      Number(coverCount(s, n)),
      `s ${s}, n ${n}`,
    );
    // With a bias the points live in ℝⁿ⁺¹ after appending 1.
    assert.equal(
      countSeparableDichotomies(pts),
      Number(coverCount(s, n + 1)),
      `s ${s}, n ${n} + bias`,
    );
  }
});

Deno.test("shattering and VC dimension of half-planes", () => {
  assert.ok(shatters([[0, 0], [1, 0], [0, 1]]));
  assert.ok(
    !shatters([[0, 0], [1, 0], [2, 0]]),
    "collinear points: the middle one cannot be alone",
  );
  assert.ok(!shatters([[0, 0], [1, 0], [0, 1], [1, 1]]), "four points: XOR is not separable");
  assert.ok(!isLinearlySeparable([[0, 0], [1, 1], [0, 1], [1, 0]], [1, 1, -1, -1]));
  const rng = new Rng(2);
  for (const d of [1, 2, 3]) {
    const vc = halfSpaceVcDimension(d);
    const pts = (k: number) =>
      Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal()));
    assert.ok(shatters(pts(vc)), `d = ${d}: d + 1 points are shattered`);
    assert.ok(!shatters(pts(vc + 1)), `d = ${d}: d + 2 points are not`);
    assert.ok(shatters(pts(d), { bias: false }) && !shatters(pts(d + 1), { bias: false }));
  }
  assert.throws(
    () => isLinearlySeparable([[0], [1]], [1, 0]),
    /labels\[1\] = 0, expected \+1 or -1/,
  );
});

Deno.test("curse of dimensionality: the corrected neighbourhood edges", () => {
  // spec: 000-003/3.5
  assert.ok(Math.abs(neighborhoodEdge(0.1, 10) - 0.7943282347) < 1e-9);
  assert.ok(Math.abs(neighborhoodEdge(0.01, 10) - 0.6309573445) < 1e-9);
  assert.equal(samplesForDensity(10, 3), 1000);
  assert.ok(Math.abs(ballToCubeVolumeRatio(1) - 1) < 1e-12);
  assert.ok(Math.abs(ballToCubeVolumeRatio(3) - Math.PI / 6) < 1e-12);
  assert.ok(ballToCubeVolumeRatio(10) < 0.0025 && ballToCubeVolumeRatio(20) < 3e-8);
});

Deno.test("lagrangeQuadratic: the notes' Lagrange example and a minimum-norm solution", () => {
  // spec: 000-003/3.4
  const s = lagrangeQuadratic({
    hessian: [[-2, 0], [0, -2]],
    constant: 1,
    constraints: [[1, 1]],
    rhs: [1],
  });
  assert.ok(Math.abs(s.x.get(0) - 0.5) < 1e-12 && Math.abs(s.x.get(1) - 0.5) < 1e-12);
  assert.ok(Math.abs(s.lambda.get(0) - 1) < 1e-12);
  assert.ok(Math.abs(s.value - 0.5) < 1e-12);
  // min ½‖x‖² s.t. Ax = y is x = Aᵀ(AAᵀ)⁻¹y: (−1/18, 1/9, 5/18) for the notes' A.
  const mn = lagrangeQuadratic({
    hessian: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    constraints: [[1, 2, 3], [4, 5, 6]],
    rhs: [1, 2],
  });
  const want = [-1 / 18, 1 / 9, 5 / 18];
  want.forEach((v, i) => assert.ok(Math.abs(mn.x.get(i) - v) < 1e-12));
  assert.throws(
    () =>
      lagrangeQuadratic({ hessian: [[1, 0], [0, 1]], constraints: [[1, 1], [2, 2]], rhs: [1, 2] }),
    /lagrangeQuadratic: the KKT matrix is singular/,
  );
});

Deno.test("coverCount stops after s terms and rejects huge s (found by the API fuzzer)", () => {
  // coverCount(1, 1e300) used to loop 1e300 times adding zeros.
  assert.equal(coverCount(1, 1e300), 2n);
  assert.equal(coverCount(3, 1e9), coverCount(3, 3));
  assert.throws(
    () => coverCount(1e5, 2),
    /^RangeError: coverCount: s must be an integer in \[1, 10000\], got 100000/,
  );
});

Deno.test("samplesForDensity: n samples covering one dimension become nᵈ in d dimensions", () => {
  // spec: 002-part-a/3a.L598
  for (const n of [2, 5, 10]) {
    for (let d = 1; d <= 6; d++) assert.equal(samplesForDensity(n, d), n ** d);
    // One more dimension multiplies the count by n.
    assert.equal(samplesForDensity(n, 4) / samplesForDensity(n, 3), n);
  }
  // A grid with n points per axis: counting its points gives the same number.
  const grid = (n: number, d: number): number[][] =>
    d === 0 ? [[]] : grid(n, d - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p, i]));
  assert.equal(grid(4, 3).length, samplesForDensity(4, 3));
  assert.equal(samplesForDensity(10, 400), Infinity);
});

Deno.test("isLinearlySeparable and countSeparableDichotomies name themselves for null options", () => {
  assert.throws(
    () => isLinearlySeparable([[0, 0], [1, 1]], [1, -1], null as never),
    /^TypeError: isLinearlySeparable: options must be an object, got null$/,
  );
  assert.throws(
    () => countSeparableDichotomies([[0, 0], [1, 1]], null as never),
    /^TypeError: countSeparableDichotomies: options must be an object, got null$/,
  );
  assert.throws(
    () => shatters([[0, 0], [1, 1]], false as never),
    /^TypeError: shatters: options must be an object, got false$/,
  );
});
