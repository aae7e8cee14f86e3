import assert from "node:assert/strict";
import {
  activationGrad,
  array,
  batchNormalize,
  batchNormalizeBackward,
  type NDArray,
  randn,
  relu,
  Rng,
} from "./mod.ts";

// PyTorch 1.13: F.batch_norm(x, None, None, w, b, training=True, eps=1e-5) on x [3, 2, 2] (float64),
// then y.backward(g).
const X = [[[1, 2], [0.5, -1]], [[3, -2], [4, 0]], [[0, 1], [2, 2]]];
const G = [[[1, -1], [2, 0]], [[0.5, 0.5], [-1, 3]], [[2, 1], [0, -2]]];
const W = [1.5, -0.5], B = [0.25, 1];
const Y = [
  0.4089993604295389,
  1.3629955230067727,
  1.2305415481416961,
  1.6916246444250889,
  2.3169916855840063,
  -2.4529891273021622,
  0.15468099014711356,
  1.3842359135694937,
  -0.5449968021476949,
  0.4089993604295389,
  0.7694584518583036,
  0.7694584518583036,
];
const DX = [
  0.3483692623636535,
  -1.3773998137633612,
  -0.3743532015258267,
  0.5163469599856936,
  0.23581767912994267,
  -0.6752985660073226,
  -0.09600664182647853,
  -0.589767699114645,
  1.1201421759134345,
  0.3483692623636535,
  -0.03549843961496672,
  0.5792790220962234,
];

function near(got: NDArray, want: readonly number[], tol = 1e-12): void {
  const g = [...got.contiguous().data];
  assert.equal(g.length, want.length);
  g.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= tol, `[${i}] ${v} vs ${want[i]}`));
}

Deno.test("batchNormalize and its backward give PyTorch's values (training, float64)", () => {
  const f64 = { dtype: "float64" } as const;
  const x = array(X, f64), w = array(W, f64), b = array(B, f64);
  const r = batchNormalize(x, { weight: w, bias: b, training: true });
  near(r.output, Y);
  near(r.mean, [5 / 6, 1.25]);
  const d = batchNormalizeBackward(array(G, f64), x, r.mean, r.variance, {
    weight: w,
    training: true,
  });
  near(d.dx, DX);
  near(d.dweight as NDArray, [-1.8019927515347751, -5.840385886256306]);
  near(d.dbias, [4, 2]);
});

Deno.test("batchNormalize: evaluation uses the given statistics; 2-d and 4-d inputs; float32", () => {
  const x = array([[1, 2], [3, 4]]);
  const { output } = batchNormalize(x, {
    mean: array([1, 2]),
    variance: array([4, 0]),
    eps: 0.25,
    bias: array([0, 1]),
  });
  // (x − mean)/√(var + eps) + β: column 0 /√4.25, column 1 /0.5 + 1.
  near(output, [0, 1, 2 / Math.sqrt(4.25), 5], 1e-6);
  const y4 = batchNormalize(randn([4, 3, 5, 5], { rng: new Rng(1) }), { training: true });
  const m = y4.output.mean({ axis: [0, 2, 3] }),
    v = y4.output.var({ axis: [0, 2, 3], correction: 0 });
  near(m, [0, 0, 0], 1e-6);
  near(v, [1, 1, 1], 1e-4);
  // Evaluation backward: dx = γ·g/√(var + eps), no dependence through the statistics.
  const d = batchNormalizeBackward(array([[1, 1], [1, 1]]), x, array([1, 2]), array([3, 0]), {
    weight: array([2, 1]),
    eps: 1,
  });
  near(d.dx, [1, 1, 1, 1], 1e-7);
});

Deno.test("batchNormalize checks its arguments", () => {
  const x = randn([2, 3, 4]);
  assert.throws(
    () => batchNormalize(randn([3])),
    /^RangeError: batchNormalize: expected x \[N, C, \.\.\.\], got \[3\]/,
  );
  assert.throws(
    () => batchNormalize(x),
    /^TypeError: batchNormalize: without training, mean and variance are required/,
  );
  assert.throws(
    () => batchNormalize(x, { training: true, weight: randn([2]) }),
    /^RangeError: batchNormalize: weight must have shape \[3\], got \[2\]/,
  );
  assert.throws(
    () => batchNormalize(x, { training: true, eps: -1 }),
    /^RangeError: batchNormalize: eps must be a finite number >= 0/,
  );
  assert.throws(
    () => batchNormalize(x.astype("int32"), { training: true }),
    /^TypeError: batchNormalize: x must be float/,
  );
  assert.throws(
    () => batchNormalizeBackward(randn([2, 3, 5]), x, randn([3]), randn([3])),
    /^RangeError: batchNormalizeBackward: g \[2, 3, 5\] and x \[2, 3, 4\] must have one shape/,
  );
});

Deno.test("batchNormalize with a fused activation equals batch norm then the activation, bit for bit", () => {
  const rng = new Rng(21);
  for (const dtype of ["float32", "float64"] as const) {
    for (const training of [true, false]) {
      const x = randn([6, 5, 7, 3], { dtype, rng });
      const weight = randn([5], { dtype, rng }), bias = randn([5], { dtype, rng });
      const g = randn([6, 5, 7, 3], { dtype, rng });
      const stats = training ? {} : {
        mean: randn([5], { dtype, rng }),
        variance: randn([5], { dtype, rng }).abs(),
      };
      const base = { weight, bias, eps: 1e-5, training, ...stats };
      const plain = batchNormalize(x, base);
      for (const slope of [null, 0.2, -0.5]) {
        const activation = slope === null
          ? { op: "relu" as const, negativeSlope: 0 }
          : { op: "leakyRelu" as const, negativeSlope: slope };
        const fused = batchNormalize(x, { ...base, activation });
        const t = plain.output;
        // The separate ops: relu, or leaky relu as activationGrad computes it with g = y = t.
        const want = slope === null ? relu(t) : activationGrad("leakyRelu", t, t, slope);
        const name = `${dtype} training ${training} ${JSON.stringify(activation)}`;
        assert.deepEqual(Array.from(fused.output.data), Array.from(want.data), name);
        assert.deepEqual(Array.from(fused.mean.data), Array.from(plain.mean.data), name);
        // Backward: the activation's gradient (its mask from t) then batch norm's.
        const through = activationGrad(slope === null ? "relu" : "leakyRelu", g, t, slope ?? 0);
        const opts = { weight, eps: 1e-5, training };
        const d1 = batchNormalizeBackward(g, x, fused.mean, fused.variance, {
          ...opts,
          bias,
          activation,
        });
        const d2 = batchNormalizeBackward(through, x, plain.mean, plain.variance, opts);
        for (const k of ["dx", "dweight", "dbias"] as const) {
          assert.deepEqual(Array.from(d1[k]!.data), Array.from(d2[k]!.data), `${name} ${k}`);
        }
      }
    }
  }
});

Deno.test("batchNormalize normalises with its statistics as stored (rounded to float32)", () => {
  // x = 0.1·k: the float32 mean differs from the double one, and the output uses the stored one.
  const x = array([[0.1], [0.2], [0.7]], { dtype: "float32" });
  const r = batchNormalize(x, { training: true, eps: 0 });
  const mu = r.mean.data[0], inv = 1 / Math.sqrt(r.variance.data[0]);
  for (let i = 0; i < 3; i++) {
    assert.equal(r.output.data[i], Math.fround((x.data[i] - mu) * inv));
  }
});

Deno.test("batchNormalize rejects a malformed activation by name", () => {
  const x = randn([2, 3], { rng: new Rng(1) });
  assert.throws(
    // @ts-expect-error: not an activation
    () => batchNormalize(x, { training: true, activation: { op: "tanh" } }),
    /batchNormalize: activation must be \{ op: "relu" \| "leakyRelu", negativeSlope \} or null/,
  );
  assert.throws(
    () =>
      batchNormalize(x, { training: true, activation: { op: "leakyRelu", negativeSlope: NaN } }),
    /batchNormalize: activation.negativeSlope must be a finite number, got NaN/,
  );
});
