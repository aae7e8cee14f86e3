import assert from "node:assert/strict";
import fc from "fast-check";
import * as t from "./mod.ts";
import { manualSeed, Rng } from "./mod.ts";

Deno.test("Rng: the same seed gives the same stream; the state round-trips", () => {
  const a = new Rng(123), b = new Rng(123), c = new Rng(124);
  const xs = Array.from({ length: 5 }, () => a.nextUint32());
  assert.deepEqual(Array.from({ length: 5 }, () => b.nextUint32()), xs);
  assert.notDeepEqual(Array.from({ length: 5 }, () => c.nextUint32()), xs);
  const s = a.getState();
  const next = a.random();
  a.setState(s);
  assert.equal(a.random(), next);
  assert.equal(a.clone().random(), a.clone().random());
});

Deno.test("Rng: xoshiro128** steps exactly as the published algorithm", () => {
  // From state (1, 2, 3, 4): output rotl(2·5, 7)·9 = 11520; the next state is (7, 0, 1026, 12288),
  // whose output is rotl(0·5, 7)·9 = 0 (worked by hand from Blackman & Vigna's definition).
  const r = new Rng();
  r.setState([1, 2, 3, 4]);
  assert.equal(r.nextUint32(), 11520);
  assert.deepEqual(r.getState(), [7, 0, 1026, 12288]);
  assert.equal(r.nextUint32(), 0);
});

Deno.test("Rng: moments of uniform and normal samples", () => {
  const r = new Rng(7);
  const n = 200000;
  let s = 0, s2 = 0, zs = 0, zs2 = 0, z4 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.random();
    assert.ok(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
    const z = r.normal();
    zs += z;
    zs2 += z * z;
    z4 += z ** 4;
  }
  // Standard errors at n = 2e5: mean ≈ 6.5e-4 (uniform), 2.2e-3 (normal); bounds at ~5 SE.
  assert.ok(Math.abs(s / n - 0.5) < 3.5e-3);
  assert.ok(Math.abs(s2 / n - 1 / 3) < 3.5e-3);
  assert.ok(Math.abs(zs / n) < 0.012);
  assert.ok(Math.abs(zs2 / n - 1) < 0.016);
  assert.ok(Math.abs(z4 / n - 3) < 0.1);
});

Deno.test("Rng.int is unbiased and in range; permutations are permutations", () => {
  const r = new Rng(5);
  const counts = new Array(3).fill(0);
  for (let i = 0; i < 30000; i++) counts[r.int(0, 3)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 500);
  assert.deepEqual([...r.permutation(10)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => r.int(3, 3), /Rng.int: expected integers low < high, got 3 and 3/);
});

Deno.test("random arrays: seeded, shaped, typed, in range", () => {
  manualSeed(42);
  const a = t.rand([2, 3]);
  manualSeed(42);
  assert.deepEqual(t.rand([2, 3]).toArray(), a.toArray());
  const u = t.rand([1000], { rng: new Rng(1), low: 2, high: 3, dtype: "float64" });
  assert.ok(u.min().item() >= 2 && u.max().item() < 3);
  const z = t.randn([4000], { rng: new Rng(2), mean: 5, std: 2, dtype: "float64" });
  assert.ok(Math.abs(z.mean().item() - 5) < 0.16);
  assert.ok(Math.abs(z.std().item() - 2) < 0.12);
  const k = t.randint(-2, 3, [1000], { rng: new Rng(3) });
  assert.equal(k.dtype, "int32");
  assert.equal(k.min().item(), -2);
  assert.equal(k.max().item(), 2);
  assert.deepEqual(Array.from(t.randperm(6, { rng: new Rng(4) }).data).sort(), [0, 1, 2, 3, 4, 5]);
  assert.throws(() => t.rand([2], { low: 1, high: 1 }), /rand: expected low < high/);
  assert.throws(() => t.randn([2], { std: -1 }), /randn: std must be a finite number >= 0, got -1/);
});

Deno.test("rand: two random points of a 10⁶-dimensional space are nearly orthogonal only when centred", () => {
  // spec: 002-part-a/3b.random-orthogonal
  // The notes' exam question: uniform in [−1, 1]^d, cos → 0; uniform in [0, 1]^d, cos → 3/4 instead.
  const d = 1_000_000, rng = new Rng(12);
  const cosine = (a: t.NDArray, b: t.NDArray) =>
    t.sum(t.mul(a, b)).item() / (t.linalg.norm(a).item() * t.linalg.norm(b).item());
  const opts = { dtype: "float64" as const, rng };
  const centred = cosine(t.rand([d], { ...opts, low: -1 }), t.rand([d], { ...opts, low: -1 }));
  assert.ok(Math.abs(centred) < 5e-3, `U[−1, 1]: cos = ${centred}`); // sd 1/√d = 0.001
  const positive = cosine(t.rand([d], opts), t.rand([d], opts));
  assert.ok(Math.abs(positive - 0.75) < 2e-3, `U[0, 1]: cos = ${positive}`);
});

Deno.test("Rng.fillNormal and randn give the numbers of normal(), in order, spare carried", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 9 }),
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.double({ min: 0, max: 3, noNaN: true }),
      fc.boolean(),
      (seed, before, n, mean, std, single) => {
        const a = new Rng(seed), b = new Rng(seed);
        for (let i = 0; i < before; i++) assert.equal(a.normal(), b.normal());
        const out = single ? new Float32Array(n) : new Float64Array(n);
        a.fillNormal(out, mean, std);
        const want = single ? new Float32Array(n) : new Float64Array(n);
        for (let i = 0; i < n; i++) want[i] = b.normal(mean, std);
        assert.deepEqual(out, want);
        // Both generators continue alike (state and carried spare).
        assert.equal(a.normal(), b.normal());
        assert.deepEqual(a.getState(), b.getState());
        const c = new Rng(seed), d = new Rng(seed);
        for (let i = 0; i < before; i++) c.normal(), d.normal();
        const drawn = t.randn([n], { rng: c, mean, std, dtype: single ? "float32" : "float64" });
        assert.deepEqual(Array.from(drawn.data), Array.from(want));
        for (let i = 0; i < n; i++) d.normal();
        assert.equal(c.normal(), d.normal());
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("Rng.fillNormal names itself for anything but a float array", () => {
  const rng = new Rng(1);
  assert.throws(() => rng.fillNormal(new Int32Array(2) as never), {
    name: "TypeError",
    message: /Rng\.fillNormal: out must be a Float32Array or Float64Array, got/,
  });
  assert.throws(() => rng.fillNormal([0, 0] as never), /Rng\.fillNormal/);
});

Deno.test("Rng.normal is Box–Muller over random(): each pair's cosine, then its sine", () => {
  // The values of seed 7, as the generator has drawn them since the first session.
  const r = new Rng(7);
  assert.deepEqual(
    [r.normal(), r.normal(), r.normal(0.5, 2), r.normal()],
    [-1.6177301980272665, 0.5378571766297454, -1.6275865985313978, -0.0885088354268399],
  );
  // The same from the uniforms by hand.
  const u = new Rng(7), byHand: number[] = [];
  for (let k = 0; k < 2; k++) {
    let a = 0;
    while (a === 0) a = u.random();
    const b = u.random(), rad = Math.sqrt(-2 * Math.log(a));
    byHand.push(rad * Math.cos(2 * Math.PI * b), rad * Math.sin(2 * Math.PI * b));
  }
  const again = new Rng(7);
  assert.deepEqual([again.normal(), again.normal(), again.normal(), again.normal()], byHand);
  // randn of int32 truncates the same draws.
  assert.deepEqual(
    Array.from(t.randn([3], { rng: new Rng(11), dtype: "int32", std: 3 }).data),
    [-7, 9, 4],
  );
});

Deno.test("Rng.shuffle and Rng.int: argument errors name the method", () => {
  const rng = new Rng(0);
  assert.throws(
    () => rng.shuffle(null as unknown as number[]),
    /^TypeError: Rng.shuffle: items must be/,
  );
  assert.throws(
    () => rng.int(0, {} as unknown as number),
    /^RangeError: Rng.int: expected integers low < high, got 0 and/,
  );
});
