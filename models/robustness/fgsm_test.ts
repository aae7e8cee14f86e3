import assert from "node:assert/strict";
import { array } from "@nnc/tensor";
import { type Tensor, tensor } from "@nnc/autograd";
import { Linear } from "@nnc/layers";
import { fgsm, pgd } from "./mod.ts";
import { assertClose, fixtureCnn, torchFixture } from "./_testing.ts";

Deno.test("fgsm equals PyTorch's FGSM on the same CNN (float64)", () => {
  const f = torchFixture();
  const net = fixtureCnn();
  const x = array(f.x, { dtype: "float64" }), y = array(f.y, { dtype: "int32" });
  const adv = fgsm(net, x, y, { eps: f.fgsm.eps });
  assertClose(adv.data, f.fgsm.adv, 0, "fgsm");
  // the sign step moves every element by ε unless the box clips it
  assert.ok(adv.data.sub(x).abs().max().item() <= f.fgsm.eps + 1e-15);
});

Deno.test("fgsm: one sign step; sign(0) = 0 leaves an element the loss ignores unmoved", () => {
  // spec: 002-part-b/G12
  const model = new Linear(3, 2, { dtype: "float64" });
  model.weight.data.data.set([1, -2, 0, -1, 2, 0]); // the third input is ignored
  model.bias!.data.data.set([0, 0]);
  const x = tensor([[0.5, 0.5, 0.5]], { dtype: "float64" });
  const adv = fgsm(model, x, [0], { eps: 0.001 });
  const r = adv.data.sub(x.data).toArray() as number[][];
  assert.ok(
    Math.abs(Math.abs(r[0][0]) - 0.001) < 1e-15 && Math.abs(Math.abs(r[0][1]) - 0.001) < 1e-15,
  );
  assert.equal(r[0][2], 0);
  // moving away from class 0 lowers w₀ᵀx − w₁ᵀx: first input down, second up
  assert.ok(r[0][0] < 0 && r[0][1] > 0);
});

Deno.test("fgsm targeted descends the target's loss; the parameters' gradients stay untouched", () => {
  const net = fixtureCnn();
  const f = torchFixture();
  const x = array(f.x, { dtype: "float64" });
  const adv = fgsm(net, x, f.target, { eps: 0.05, targeted: true });
  const step = pgd(net, x, f.target, { eps: 0.05, alpha: 0.05, steps: 1, targeted: true });
  assert.deepEqual(adv.toArray(), step.toArray()); // one ℓ∞ PGD step of size ε is FGSM
  for (const p of net.parameters()) {
    assert.equal(p.grad, null);
    assert.ok(p.requiresGrad);
  }
});

Deno.test("fgsm: clear errors for bad options and inputs outside the box", () => {
  const net = fixtureCnn();
  const x = array(torchFixture().x, { dtype: "float64" });
  const y = torchFixture().y;
  assert.throws(
    () => fgsm(net, x, y, { eps: -0.1 }),
    /fgsm: eps must be a finite number >= 0, got -0.1/,
  );
  assert.throws(() => fgsm(net, x, y, {} as never), /fgsm: eps is required/);
  assert.throws(
    () => fgsm(net, x.mul(2), y, { eps: 0.1 }),
    /fgsm: x has values in \[.*\], outside the box \[0, 1\]/,
  );
  assert.throws(
    () => fgsm(net, x, y, { eps: 0.1, box: [1, 0] }),
    /fgsm: box must be \[low, high\]/,
  );
  assert.throws(
    () => fgsm(net, x, [1, 2], { eps: 0.1 }),
    /fgsm: y must have one row per input \(6\)/,
  );
  assert.throws(
    () => fgsm("net" as never, x, y, { eps: 0.1 }),
    /fgsm: model must be a Module or a function/,
  );
  // box: null lifts the check
  assert.equal(fgsm(net, x.mul(2), y, { eps: 0.1, box: null }).shape[0], 6);
  // scores the loss cannot take: the attack names itself and the shapes
  const cube = (t: Tensor) => t.reshape([t.shape[0], -1, 1]);
  assert.throws(
    () => fgsm(cube, x, y, { eps: 0.1 }),
    (e: Error) =>
      e instanceof RangeError &&
      /^fgsm: the loss failed on scores of shape \[6, \d+, 1\] and targets of shape \[6\]: crossEntropy/
        .test(e.message),
  );
  assert.throws(() => pgd(cube, x, y, { eps: 0.1 }), /^RangeError: pgd: the loss failed/);
});
