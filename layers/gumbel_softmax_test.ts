import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { softmax, tensor, zeros } from "@nnc/autograd";
import { gumbelSoftmax } from "./mod.ts";

const f64 = { dtype: "float64" as const };

Deno.test("gumbelSoftmax draws category k with probability softmax(logits)ₖ (Gumbel-max, 40,000 rows)", () => {
  const logits = [0.5, -1, 2, 1];
  const n = 40_000;
  const rows = tensor(Array.from({ length: n }, () => logits), f64);
  const y = gumbelSoftmax(rows, { hard: true, rng: new Rng(11) });
  const counts = [0, 0, 0, 0];
  const values = y.data.data;
  for (let i = 0; i < n; i++) for (let k = 0; k < 4; k++) counts[k] += values[i * 4 + k];
  const p = [...softmax(tensor(logits, f64)).data.data];
  counts.forEach((c, k) => {
    const sigma = Math.sqrt(n * p[k] * (1 - p[k]));
    assert.ok(
      Math.abs(c - n * p[k]) < 4 * sigma,
      `category ${k}: ${c} of ${n}, expected ${n * p[k]}`,
    );
  });
});

Deno.test("gumbelSoftmax: soft samples sum to 1, sharpen as τ falls; the same generator, the same sample", () => {
  const logits = tensor([[1, 2, 3], [0, 0, 0], [-5, 5, 0]], f64);
  const soft = gumbelSoftmax(logits, { rng: new Rng(3) });
  for (const s of soft.sum({ axis: -1 }).data.data) assert.ok(Math.abs(s - 1) < 1e-15);
  assert.deepEqual(gumbelSoftmax(logits, { rng: new Rng(3) }).toArray(), soft.toArray());
  const cold = gumbelSoftmax(logits, { tau: 1e-3, rng: new Rng(3) });
  const hot = gumbelSoftmax(logits, { tau: 100, rng: new Rng(3) });
  for (let i = 0; i < 3; i++) {
    const c = [0, 1, 2].map((k) => cold.data.get(i, k)),
      h = [0, 1, 2].map((k) => hot.data.get(i, k));
    assert.ok(Math.max(...c) > 1 - 1e-9, `row ${i}: ${c}`);
    assert.ok(Math.max(...h) - Math.min(...h) < 0.2, `row ${i}: ${h}`);
    // The same noise: the cold sample's one-hot sits where the soft sample is largest.
    assert.equal(
      c.indexOf(Math.max(...c)),
      [0, 1, 2].reduce((a, k) => soft.data.get(i, k) > soft.data.get(i, a) ? k : a, 0),
    );
  }
  // Along another dimension.
  const byColumn = gumbelSoftmax(logits, { dim: 0, rng: new Rng(1) });
  for (const s of byColumn.sum({ axis: 0 }).data.data) assert.ok(Math.abs(s - 1) < 1e-15);
});

Deno.test("gumbelSoftmax hard: exact one-hot values, the soft sample's gradient (straight-through)", () => {
  const weights = tensor([[1, -2, 3], [0.5, 4, -1]], f64);
  const a = tensor([[1, 2, 3], [0.3, -0.2, 0.1]], { ...f64, requiresGrad: true });
  const b = tensor([[1, 2, 3], [0.3, -0.2, 0.1]], { ...f64, requiresGrad: true });
  const hard = gumbelSoftmax(a, { hard: true, tau: 0.7, rng: new Rng(5) });
  const soft = gumbelSoftmax(b, { tau: 0.7, rng: new Rng(5) });
  for (let i = 0; i < 2; i++) {
    const row = [0, 1, 2].map((k) => hard.data.get(i, k));
    assert.deepEqual([...row].sort(), [0, 0, 1]);
    const s = [0, 1, 2].map((k) => soft.data.get(i, k));
    assert.equal(row.indexOf(1), s.indexOf(Math.max(...s)));
  }
  hard.mul(weights).sum().backward();
  soft.mul(weights).sum().backward();
  assert.deepEqual(a.grad!.toArray(), b.grad!.toArray());
  assert.ok([...a.grad!.data.data].some((g) => g !== 0));
});

Deno.test("gumbelSoftmax: errors name the op, the option and the value", () => {
  const x = zeros([2, 3]);
  assert.throws(() => gumbelSoftmax(x, { tau: 0 }), /^RangeError: gumbelSoftmax: tau/);
  assert.throws(() => gumbelSoftmax(x, { hard: 1 as never }), /^TypeError: gumbelSoftmax: hard/);
  assert.throws(() => gumbelSoftmax(x, { dim: 2 }), /^RangeError: gumbelSoftmax: axis/);
  assert.throws(
    () => gumbelSoftmax(x, { rng: 3 as never }),
    /^TypeError: gumbelSoftmax: rng must be an Rng, got 3$/,
  );
  assert.throws(
    () => gumbelSoftmax(tensor(1)),
    /^RangeError: gumbelSoftmax: logits must have at least one dimension$/,
  );
  assert.throws(
    () => gumbelSoftmax(tensor([1, 2], { dtype: "int32" })),
    /^TypeError: gumbelSoftmax: logits must be float32 or float64, got int32$/,
  );
  assert.throws(
    () => gumbelSoftmax("x" as never),
    /^TypeError: gumbelSoftmax: logits must be a Tensor/,
  );
});
