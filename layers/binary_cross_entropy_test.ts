import assert from "node:assert/strict";
import { Tensor, tensor } from "@nnc/autograd";
import { assertClose, astype, rand, randn, Rng, sigmoid, storagePoolStats, sub } from "@nnc/tensor";
import { bceLoss, bceWithLogits } from "./mod.ts";
import { checkLossCase } from "./_testing.ts";

Deno.test("bceLoss and bceWithLogits match PyTorch (weights, posWeight, reductions)", () => {
  checkLossCase("bce", ([p], [y], o) => bceLoss(p, y, o));
  checkLossCase("bce_weighted_sum", ([p], [y, w], o) => bceLoss(p, y, { ...o, weight: w }));
  checkLossCase("bce_logits", ([x], [y], o) => bceWithLogits(x, y, o));
  checkLossCase(
    "bce_logits_posweight",
    ([x], [y, w, pw], o) => bceWithLogits(x, y, { ...o, weight: w, posWeight: pw }),
  );
});

Deno.test("BCE stays finite at p ∈ {0, 1} (log clamped at −100) and with huge logits", () => {
  const f64 = { dtype: "float64" as const };
  assert.deepEqual(
    bceLoss(tensor([0, 1], f64), tensor([1, 0], f64), { reduction: "none" }).toArray(),
    [100, 100],
  );
  assert.deepEqual(
    bceWithLogits(tensor([-800, 800], f64), tensor([1, 0], f64), { reduction: "none" }).toArray(),
    [800, 800],
  );
});

Deno.test("the notes' log-loss limits: 0 when σ = y, unbounded as σ goes to the wrong end", () => {
  // spec: 002-part-a/3a.L2127
  const f64 = { dtype: "float64" as const };
  const none = { reduction: "none" as const };
  // σ = 1, y = 1 and σ = 0, y = 0 cost log 1 = 0.
  const exact = bceLoss(tensor([1, 0], f64), tensor([1, 0], f64), none).toArray() as number[];
  assert.deepEqual(exact.map((v) => v + 0), [0, 0]); // + 0 folds −0 into 0
  // In logits z (σ = σ(z)): y = 1 costs softplus(−z) and y = 0 costs softplus(z).
  const z = tensor([40, 800, -10, -100, -1000], f64);
  const pos = bceWithLogits(z, tensor([1, 1, 1, 1, 1], f64), none).toArray() as number[];
  const neg = bceWithLogits(z.neg(), tensor([0, 0, 0, 0, 0], f64), none).toArray() as number[];
  for (const loss of [pos, neg]) {
    assert.ok(loss[0] < 5e-18 && loss[1] === 0, "σ → y: the loss goes to 0");
    assert.ok(Math.abs(loss[2] - (10 + Math.log1p(Math.exp(-10)))) < 1e-14);
    assert.deepEqual(
      loss.slice(3),
      [100, 1000],
      "σ → 1 − y: the loss grows like |z|, without bound",
    );
  }
  // The probability form follows −log p up to PyTorch's clamp of log at −100.
  const p = tensor([1e-5, 1e-20, 1e-50, 0], f64);
  const fromP = bceLoss(p, tensor([1, 1, 1, 1], f64), none).toArray() as number[];
  [1e-5, 1e-20].forEach((v, i) => assert.ok(Math.abs(fromP[i] + Math.log(v)) < 1e-12));
  assert.deepEqual(fromP.slice(2), [100, 100]);
});

Deno.test("bceLoss of empty input: no range to check; the mean of nothing is NaN, the sum 0", () => {
  assert.equal(bceLoss(tensor([]), tensor([]), { reduction: "sum" }).item(), 0);
  assert.ok(Number.isNaN(bceLoss(tensor([]), tensor([])).item()));
  assert.throws(() => bceLoss(tensor([2]), tensor([1])), /^RangeError: bceLoss: input must hold/);
  assert.throws(
    () => bceWithLogits(tensor([[0, 1]]), tensor([[1, 0]]), { weight: tensor([1, 2, 3]) }),
    /^RangeError: bceWithLogits: weight \[3\] does not broadcast to the input's shape \[1, 2\]/,
  );
});

Deno.test("bceWithLogits reduced: backward gives its elementwise losses to the pool", () => {
  // 256 KiB arrays, above the pool's threshold. Reduced, the elementwise losses are read by the
  // sum alone: they go back. σ(x) − y, made by the forward beside them, goes back once multiplied
  // into x's gradient, which is handed out and stays.
  const rng = new Rng(3);
  const x = new Tensor(randn([256, 256], { rng }), { requiresGrad: true });
  const y = rand([256, 256], { rng });
  const released = (f: () => void) => {
    const before = storagePoolStats().releases;
    f();
    return storagePoolStats().releases - before;
  };
  assert.equal(released(() => bceWithLogits(x, y, { reduction: "sum" }).backward()), 2);
  // d/dx = σ(x) − y, here from float64 (the kernel rounds once, not after σ).
  const want = sub(sigmoid(astype(x.data, "float64")), astype(y, "float64"));
  assertClose(x.grad?.data ?? NaN, want, { rtol: 1e-6, atol: 1e-7 });
  x.grad = null;
  // Unreduced, the losses belong to the caller (who may read them after backward): kept; only
  // the slope goes back.
  const losses = bceWithLogits(x, y, { reduction: "none" });
  assert.equal(released(() => losses.sum().backward()), 1);
  assert.equal(losses.data.disposed, false);
  assertClose((x.grad as Tensor | null)?.data ?? NaN, want, { rtol: 1e-6, atol: 1e-7 });
});
