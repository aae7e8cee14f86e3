import assert from "node:assert/strict";
import { array } from "@nnc/tensor";
import { type Tensor, tensor } from "@nnc/autograd";
import { fgsm, pgd, robustAccuracy } from "./mod.ts";
import { fixtureCnn, torchFixture } from "./_testing.ts";

const W = tensor([[1, -1], [-1, 1]], { dtype: "float64" });
const model = (x: Tensor) => x.matmul(W);

Deno.test("robustAccuracy of a linear model drops at the ℓ∞ margins |x₀ − x₁|/2", () => {
  // margins 0.4 and 0.7 → an ℓ∞ step of ε moves x₀ − x₁ by 2ε: flips at ε > 0.2 and ε > 0.35
  const x = tensor([[0.7, 0.3], [0.2, 0.9]], { dtype: "float64" });
  const r = robustAccuracy(model, x, [0, 1], { epsilons: [0, 0.19, 0.21, 0.34, 0.36] });
  assert.deepEqual(r.accuracy, [1, 1, 0.5, 0.5, 0]);
  assert.deepEqual(r.epsilons, [0, 0.19, 0.21, 0.34, 0.36]);
});

Deno.test("robustAccuracy equals counting the attacks' successes by hand, in batches", () => {
  const net = fixtureCnn();
  const f = torchFixture();
  const x = array(f.x, { dtype: "float64" });
  const byHand = (adv: Tensor) => {
    const pred = net.forward(adv).data.argmax({ axis: 1 }).toArray() as number[];
    return pred.filter((p, i) => p === f.y[i]).length / 6;
  };
  const r = robustAccuracy(net, x, f.y, {
    epsilons: [0, 0.05],
    attack: "pgd",
    steps: 5,
    batchSize: 4,
  });
  assert.equal(r.accuracy[0], 1); // the labels are the model's predictions
  assert.equal(r.accuracy[1], byHand(pgd(net, x, f.y, { eps: 0.05, steps: 5 })));
  const g = robustAccuracy(net, x, f.y, { epsilons: [0.05] });
  assert.equal(g.accuracy[0], byHand(fgsm(net, x, f.y, { eps: 0.05 })));
  const custom = robustAccuracy(net, x, f.y, {
    epsilons: [0.05],
    attack: (m, a, b, eps) => fgsm(m, a, b, { eps }),
  });
  assert.deepEqual(custom.accuracy, g.accuracy);
});

Deno.test("robustAccuracy: clear errors", () => {
  const x = tensor([[0.7, 0.3]], { dtype: "float64" });
  assert.throws(
    () => robustAccuracy(model, x, [0], { epsilons: [] }),
    /robustAccuracy: epsilons must be a non-empty list/,
  );
  assert.throws(
    () => robustAccuracy(model, x, [0], { epsilons: [-0.1] }),
    /robustAccuracy: epsilons\[0\] must be a finite number >= 0/,
  );
  assert.throws(
    () => robustAccuracy(model, x, [0], { epsilons: [0.1], attack: "cw" as never }),
    /attack must be "fgsm", "pgd" or a function/,
  );
  // the attack's own error, named by robustAccuracy with the budget
  const cube = (t: Tensor) => model(t).reshape([t.shape[0], 2, 1]);
  assert.throws(
    () => robustAccuracy(cube, x, [0], { epsilons: [0.1], attack: "pgd" }),
    /^RangeError: robustAccuracy: the attack failed at ε = 0.1: pgd: the loss failed on scores of shape \[1, 2, 1\]/,
  );
  assert.throws(
    () => robustAccuracy(model, x, [0], { epsilons: [0.1], attack: () => 0 as never }),
    /^TypeError: robustAccuracy: the attack must return a Tensor of the inputs' shape \[1, 2\], got 0/,
  );
});
