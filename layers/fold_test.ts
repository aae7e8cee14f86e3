import assert from "node:assert/strict";
import fc from "fast-check";
import { assertClose, Rng } from "@nnc/tensor";
import { gradcheck, randn, Tensor, zeros } from "@nnc/autograd";
import { Fold, fold, Unfold, unfold } from "./mod.ts";
import { decode, type Encoded, fixtureJson } from "./_testing.ts";

// Fixtures: layers/fixtures/spectral_fold_fixtures.py (PyTorch 2.x; the version is in the JSON).
interface WindowCase {
  inputShape: number[];
  outputSize?: number[];
  kernelSize: number | number[];
  dilation: number | number[];
  padding: number | number[];
  stride: number | number[];
  input: Encoded;
  output: Encoded;
  g: Encoded;
  gradInput: Encoded;
}

const FIXTURE = fixtureJson<{ torch: string; unfold: WindowCase[]; fold: WindowCase[] }>(
  "spectral_fold.json",
);
const f64 = { dtype: "float64" as const };
const TIGHT = { rtol: 1e-12, atol: 1e-13 };

function label(c: WindowCase): string {
  return `${JSON.stringify(c.inputShape)} k=${JSON.stringify(c.kernelSize)} d=${
    JSON.stringify(c.dilation)
  } p=${JSON.stringify(c.padding)} s=${JSON.stringify(c.stride)}`;
}

Deno.test(`unfold and Unfold: PyTorch ${FIXTURE.torch}'s values and input gradients (dilation, padding, stride, non-square, unbatched)`, () => {
  for (const c of FIXTURE.unfold) {
    const options = { dilation: c.dilation, padding: c.padding, stride: c.stride };
    const x = new Tensor(decode(c.input), { requiresGrad: true });
    const y = unfold(x, c.kernelSize, options);
    assertClose(y.data, decode(c.output), { ...TIGHT, message: `unfold ${label(c)}` });
    y.mul(new Tensor(decode(c.g))).sum().backward();
    assertClose(x.grad!.data, decode(c.gradInput), { ...TIGHT, message: `grad ${label(c)}` });
    const m = new Unfold(c.kernelSize, options);
    assert.deepEqual(m.forward(x).toArray(), y.toArray());
  }
});

Deno.test(`fold and Fold: PyTorch ${FIXTURE.torch}'s values and input gradients (dilation, padding, stride, non-square, unbatched)`, () => {
  for (const c of FIXTURE.fold) {
    const options = { dilation: c.dilation, padding: c.padding, stride: c.stride };
    const x = new Tensor(decode(c.input), { requiresGrad: true });
    const y = fold(x, c.outputSize!, c.kernelSize, options);
    assertClose(y.data, decode(c.output), { ...TIGHT, message: `fold ${label(c)}` });
    y.mul(new Tensor(decode(c.g))).sum().backward();
    assertClose(x.grad!.data, decode(c.gradInput), { ...TIGHT, message: `grad ${label(c)}` });
    const m = new Fold(c.outputSize!, c.kernelSize, options);
    assert.deepEqual(m.forward(x).toArray(), y.toArray());
  }
});

/** How many (window position, tap) pairs read index `i` of a padded axis of size n: counted by brute force. */
function coverage(n: number, k: number, d: number, p: number, s: number): number[] {
  const count = new Array<number>(n).fill(0);
  for (let start = -p; start + d * (k - 1) <= n - 1 + p; start += s) {
    for (let t = 0; t < k; t++) {
      const i = start + t * d;
      if (i >= 0 && i < n) count[i]++;
    }
  }
  return count;
}

Deno.test("fold(unfold(x)) is x times the number of windows covering each pixel (fast-check, float64)", () => {
  const axis = fc.record({
    n: fc.integer({ min: 1, max: 7 }),
    k: fc.integer({ min: 1, max: 3 }),
    d: fc.integer({ min: 1, max: 3 }),
    p: fc.integer({ min: 0, max: 2 }),
    s: fc.integer({ min: 1, max: 3 }),
  }).filter((a) => a.n + 2 * a.p >= a.d * (a.k - 1) + 1);
  fc.assert(
    fc.property(
      axis,
      axis,
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 1 << 30 }),
      (ah, aw, n, c, seed) => {
        const x = randn([n, c, ah.n, aw.n], { ...f64, rng: new Rng(seed) });
        const geometry = { dilation: [ah.d, aw.d], padding: [ah.p, aw.p], stride: [ah.s, aw.s] };
        const cols = unfold(x, [ah.k, aw.k], geometry);
        const back = fold(cols, [ah.n, aw.n], [ah.k, aw.k], geometry);
        const ch = coverage(ah.n, ah.k, ah.d, ah.p, ah.s);
        const cw = coverage(aw.n, aw.k, aw.d, aw.p, aw.s);
        const xs = x.toArray() as number[][][][], ys = back.toArray() as number[][][][];
        for (let b = 0; b < n; b++) {
          for (let ci = 0; ci < c; ci++) {
            for (let i = 0; i < ah.n; i++) {
              for (let j = 0; j < aw.n; j++) {
                const want = xs[b][ci][i][j] * ch[i] * cw[j];
                const got = ys[b][ci][i][j];
                assert.ok(
                  Math.abs(got - want) <= 1e-12 * (1 + Math.abs(want)),
                  `at ${[b, ci, i, j]}: ${got} vs ${want}`,
                );
              }
            }
          }
        }
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("unfold and fold pass gradcheck (reverse and forward mode), batched and unbatched", () => {
  const rng = new Rng(11);
  const geometry = { dilation: [1, 2], padding: [1, 0], stride: [2, 1] };
  const x = new Tensor(randn([2, 2, 4, 5], { ...f64, rng }).data, { requiresGrad: true });
  assert.ok(gradcheck((t) => unfold(t, [2, 2], geometry), [x], { mode: "both" }).ok);
  const xu = new Tensor(randn([2, 4, 5], { ...f64, rng }).data, { requiresGrad: true });
  assert.ok(gradcheck((t) => unfold(t, [2, 2], geometry), [xu], { mode: "both" }).ok);
  const L = unfold(zeros([1, 1, 4, 5], f64), [2, 2], geometry).shape[2];
  const cols = new Tensor(randn([2, 8, L], { ...f64, rng }).data, { requiresGrad: true });
  assert.ok(gradcheck((t) => fold(t, [4, 5], [2, 2], geometry), [cols], { mode: "both" }).ok);
  const colsU = new Tensor(randn([8, L], { ...f64, rng }).data, { requiresGrad: true });
  assert.ok(gradcheck((t) => fold(t, [4, 5], [2, 2], geometry), [colsU], { mode: "both" }).ok);
});

Deno.test("unfold and fold: argument errors name the op, the argument, the value and the expectation", () => {
  const x = zeros([1, 2, 4, 4]);
  const throwsWith = (fn: () => unknown, name: string, message: string) =>
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.equal(e.name, name);
      assert.equal(e.message, message);
      return true;
    });
  throwsWith(
    () => unfold(x, 0),
    "RangeError",
    "unfold: kernelSize must be an integer in [1, 2147483647] or an array of 2 such integers, got 0",
  );
  throwsWith(
    () => unfold(x, [2, 2, 2]),
    "RangeError",
    "unfold: kernelSize must be an integer in [1, 2147483647] or an array of 2 such integers, got [2, 2, 2]",
  );
  throwsWith(
    () => unfold(x, "3" as unknown as number),
    "TypeError",
    'unfold: kernelSize must be an integer in [1, 2147483647] or an array of 2 such integers, got "3"',
  );
  throwsWith(
    () => unfold(x, 2, { stride: 0 }),
    "RangeError",
    "unfold: stride must be an integer in [1, 2147483647] or an array of 2 such integers, got 0",
  );
  throwsWith(
    () => unfold(x, 2, { padding: -1 }),
    "RangeError",
    "unfold: padding must be an integer in [0, 2147483647] or an array of 2 such integers, got -1",
  );
  throwsWith(
    () => unfold(zeros([1, 1, 1]), 1, { stride: 1e12 }),
    "RangeError",
    "unfold: stride must be an integer in [1, 2147483647] or an array of 2 such integers, got 1000000000000",
  );
  throwsWith(
    () => unfold(zeros([2, 3, 1, 1]), 1, { padding: 30000 }),
    "RangeError",
    "unfold: the output [2, 3, 3600120001] would hold 21600720006 elements, more than 2147483647",
  );
  throwsWith(
    () => fold(zeros([1, 1, 1]), [2 ** 30, 2 ** 30], 1, { stride: 2 ** 30 }),
    "RangeError",
    "fold: the output [1, 1, 1073741824, 1073741824] would hold 1152921504606847000 elements, more than 2147483647",
  );
  throwsWith(
    () => unfold(zeros([2, 4, 4, 4, 4]), 2),
    "RangeError",
    "unfold: expected input [N, C, H, W] or [C, H, W], got [2, 4, 4, 4, 4]",
  );
  throwsWith(
    () => unfold(x, [2, 5]),
    "RangeError",
    "unfold: kernelSize [2, 5] with dilation [1, 1] spans 5 along the width, more than the padded input 4 (size 4, padding 0)",
  );
  throwsWith(
    () => unfold([1, 2] as unknown as Tensor, 2),
    "TypeError",
    "unfold: input must be a Tensor or an NDArray, got an array of length 2",
  );
  const cols = zeros([1, 8, 9]);
  throwsWith(
    () => fold(zeros([1, 10, 9]), [4, 4], 2),
    "RangeError",
    "fold: input [1, 10, 9] has 10 rows (C·kh·kw), not divisible by kh·kw = 4 of kernelSize [2, 2]",
  );
  throwsWith(
    () => fold(cols, [4, 5], 2),
    "RangeError",
    "fold: input [1, 8, 9] has L = 9 columns, but outputSize [4, 5] with kernelSize [2, 2], dilation [1, 1], padding [0, 0] and stride [1, 1] has 3 × 4 = 12 window positions",
  );
  throwsWith(
    () => fold(cols, [4, 0], 2),
    "RangeError",
    "fold: outputSize must be an integer in [1, 2147483647] or an array of 2 such integers, got [4, 0]",
  );
  throwsWith(
    () => fold(zeros([1, 9, 4]), [2, 4], 3),
    "RangeError",
    "fold: kernelSize [3, 3] with dilation [1, 1] spans 3 along the height, more than the padded outputSize 2 (size 2, padding 0)",
  );
  throwsWith(
    () => fold(zeros([2, 1, 8, 9]), [4, 4], 2),
    "RangeError",
    "fold: expected input [N, C·kh·kw, L] or [C·kh·kw, L], got [2, 1, 8, 9]",
  );
  throwsWith(
    () => new Fold([3, 3], 2, { dilation: 3 }),
    "RangeError",
    "Fold: kernelSize [2, 2] with dilation [3, 3] spans 4 along the height, more than the padded outputSize 3 (size 3, padding 0)",
  );
  throwsWith(
    () => new Unfold(2, { dilation: [1] }),
    "RangeError",
    "Unfold: dilation must be an integer in [1, 2147483647] or an array of 2 such integers, got [1]",
  );
  assert.equal(
    new Fold([4, 5], [2, 3], { stride: 1 }).toString(),
    "Fold(outputSize=[4, 5], kernelSize=[2, 3], dilation=[1, 1], padding=[0, 0], stride=[1, 1])",
  );
});
