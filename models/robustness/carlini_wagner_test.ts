import assert from "node:assert/strict";
import { array } from "@nnc/tensor";
import { gradcheck, type Tensor, tensor } from "@nnc/autograd";
import { carliniWagnerL2, cwMargin } from "./mod.ts";
import { fixtureCnn, torchFixture } from "./_testing.ts";

Deno.test("the C&W term on scores (0.7, 0.2, 0.1): t = 1 → 0.5, t = 0 → 0", () => {
  // spec: 002-part-b/G24
  const f = tensor([[0.7, 0.2, 0.1]], { dtype: "float64" });
  assert.ok(Math.abs(cwMargin(f, [1], { targeted: true }).item() - 0.5) < 1e-15);
  assert.equal(cwMargin(f, [0], { targeted: true }).item(), 0);
  // untargeted for the true class 0: z₀ − max_{i≠0} z_i = 0.5, zero once class 0 loses
  assert.ok(Math.abs(cwMargin(f, [0]).item() - 0.5) < 1e-15);
  assert.equal(cwMargin(f, [1]).item(), 0);
  // the confidence κ floors the hinge at −κ instead of 0
  assert.ok(Math.abs(cwMargin(f, [0], { targeted: true, kappa: 1 }).item() + 0.5) < 1e-15);
});

Deno.test("cwMargin: gradient checked against finite differences", () => {
  const z = tensor([[0.3, -1.2, 2.0, 0.5], [1.5, 0.1, -0.4, 0.9]], { dtype: "float64" });
  assert.ok(gradcheck((s: Tensor) => cwMargin(s, [2, 3], { targeted: true }).sum(), [z]));
  assert.ok(gradcheck((s: Tensor) => cwMargin(s, [2, 0]).sum(), [z]));
});

Deno.test("carliniWagnerL2 on a linear model finds a near-minimal ℓ2 perturbation", () => {
  // scores (x₀ − x₁, x₁ − x₀): the boundary x₀ = x₁ is at ℓ2 distance 0.2/√2 from (0.6, 0.4)
  const W = tensor([[1, -1], [-1, 1]], { dtype: "float64" });
  const model = (x: Tensor) => x.matmul(W);
  const r = carliniWagnerL2(model, tensor([[0.6, 0.4]], { dtype: "float64" }), [0], {
    c: 10,
    steps: 500,
    lr: 0.005,
  });
  assert.ok(r.success[0]);
  const minimal = 0.2 / Math.SQRT2;
  assert.ok(r.l2[0] >= minimal - 1e-9 && r.l2[0] < minimal * 1.05, `${r.l2[0]} vs ${minimal}`);
  const p = r.x.toArray() as number[][];
  assert.ok(p[0][1] > p[0][0]);
});

Deno.test("carliniWagnerL2 targeted on the fixture CNN: successes reach the target inside the box", () => {
  const net = fixtureCnn();
  const f = torchFixture();
  const x = array(f.x, { dtype: "float64" });
  const r = carliniWagnerL2(net, x, f.target, {
    targeted: true,
    c: 10,
    steps: 100,
    lr: 0.05,
    binarySearchSteps: 2,
  });
  assert.ok(r.success.filter(Boolean).length >= 4, `${r.success}`);
  const pred = net.forward(r.x).data.argmax({ axis: 1 }).toArray() as number[];
  r.success.forEach((ok, i) => {
    if (ok) assert.equal(pred[i], f.target[i]);
  });
  assert.ok(r.x.data.min().item() >= 0 && r.x.data.max().item() <= 1);
});

Deno.test("carliniWagnerL2 and cwMargin: clear errors", () => {
  const model = (x: Tensor) => x.matmul(tensor([[1, -1], [-1, 1]], { dtype: "float64" }));
  const x = tensor([[0.6, 0.4]], { dtype: "float64" });
  assert.throws(
    () => carliniWagnerL2(model, x, [0], { c: 0 }),
    /carliniWagnerL2: c must be a finite number > 0/,
  );
  assert.throws(
    () => carliniWagnerL2(model, x, [0], { steps: 0 }),
    /carliniWagnerL2: steps must be an integer >= 1/,
  );
  assert.throws(() => carliniWagnerL2(model, x.mul(3), [0]), /outside the box \[0, 1\]/);
  assert.throws(
    () => cwMargin(tensor([[1, 2]]), [2]),
    /cwMargin: label 2 of input 0 is not a class index in \[0, 2\)/,
  );
  assert.throws(
    () => cwMargin(tensor([1, 2]), [0]),
    /cwMargin: z must be a Tensor of scores \[N, C\]/,
  );
});
