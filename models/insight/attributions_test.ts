import assert from "node:assert/strict";
import { rand, Rng } from "@nnc/tensor";
import { concat, type Tensor, tensor } from "@nnc/autograd";
import { mlp } from "@nnc/models/mlp";
import { convNet } from "@nnc/models/cnn";
import { integratedGradients, saliencyMap, smoothGrad } from "./mod.ts";

Deno.test("saliencyMap is |∂f_c/∂x| per input, for the predicted class by default", () => {
  // f(x) = (x₀x₁, x₀ + 3x₁): ∇f₀ = (x₁, x₀), ∇f₁ = (1, 3)
  const model = (x: Tensor) => {
    const [a, b] = x.split(1, 1);
    return concat([a.mul(b), a.add(b.mul(3))], 1);
  };
  const x = tensor([[2, -5], [0.5, 0.5]], { dtype: "float64" }); // scores (−10, −13) and (0.25, 2)
  assert.deepEqual(saliencyMap(model, x, { target: 0, absolute: false }).toArray(), [[-5, 2], [
    0.5,
    0.5,
  ]]);
  assert.deepEqual(saliencyMap(model, x, { target: [0, 1] }).toArray(), [[5, 2], [1, 3]]);
  assert.deepEqual(saliencyMap(model, x).toArray(), [[5, 2], [1, 3]]); // predicted: 0 then 1
});

Deno.test("smoothGrad averages gradients at noisy copies (checked against a direct loop)", () => {
  const net = mlp([3, 8, 2], { activation: "tanh", rng: new Rng(1), dtype: "float64" });
  const x = rand([2, 3], { dtype: "float64", rng: new Rng(2) });
  const sg = smoothGrad(net, x, {
    target: 1,
    samples: 4,
    noise: 0.2,
    rng: new Rng(5),
    absolute: false,
  });
  // the same noise by hand
  const rng = new Rng(5);
  const range = x.max({ axis: 1 }).sub(x.min({ axis: 1 })).mul(0.2).reshape([2, 1]);
  let sum = x.mul(0);
  for (let s = 0; s < 4; s++) {
    const z = Float64Array.from({ length: 6 }, () => rng.normal());
    const noisy = x.add(
      tensor(Array.from(z), { dtype: "float64" }).data.reshape([2, 3]).mul(range),
    );
    sum = sum.add(saliencyMap(net, noisy, { target: 1, absolute: false }));
  }
  const diff = sg.sub(sum.div(4)).abs().max().item();
  assert.ok(diff < 1e-15, `${diff}`);
  // no noise: SmoothGrad is the gradient
  const plain = smoothGrad(net, x, { target: 1, noise: 0, samples: 2 });
  assert.ok(plain.sub(saliencyMap(net, x, { target: 1 })).abs().max().item() < 1e-15);
});

Deno.test("integrated gradients satisfy completeness to 1e-3 (tanh MLP, ReLU CNN)", () => {
  const net = mlp([5, 16, 16, 3], { activation: "tanh", rng: new Rng(3), dtype: "float64" });
  const x = rand([4, 5], { dtype: "float64", rng: new Rng(4) });
  const r = integratedGradients(net, x, { steps: 50 });
  for (const d of r.delta) assert.ok(Math.abs(d) < 1e-3, `delta ${d}`);
  // the reported delta is Σ attributions − (f(x) − f(0))
  const sums = r.attributions.sum({ axis: 1 }).toArray() as number[];
  sums.forEach((s, i) => assert.ok(Math.abs(s - r.scoreDifference[i] - r.delta[i]) < 1e-12));
  const cnn = convNet({ channels: [4, 8], hidden: [16], rng: new Rng(5), dtype: "float64" });
  const img = rand([2, 1, 28, 28], { dtype: "float64", rng: new Rng(6) });
  const c = integratedGradients(cnn, img, { steps: 64, baseline: 0 });
  for (let i = 0; i < 2; i++) {
    const rel = Math.abs(c.delta[i]) / Math.max(1e-3, Math.abs(c.scoreDifference[i]));
    assert.ok(
      Math.abs(c.delta[i]) < 1e-3 || rel < 1e-3,
      `CNN delta ${c.delta[i]} of ${c.scoreDifference[i]}`,
    );
  }
});

Deno.test("attributions: clear errors", () => {
  const net = mlp([2, 3, 2], { rng: new Rng(0), dtype: "float64" });
  const x = tensor([[0.1, 0.2]], { dtype: "float64" });
  assert.throws(
    () => saliencyMap(net, x, { target: 2 }),
    /saliencyMap: class 2 of input 0 is not in \[0, 2\)/,
  );
  assert.throws(
    () => saliencyMap(net, x, { target: [0, 1] }),
    /saliencyMap: target must be a class index or one class index per input \(1\)/,
  );
  assert.throws(
    () => smoothGrad(net, x, { samples: 0 }),
    /smoothGrad: samples must be an integer >= 1/,
  );
  assert.throws(
    () => integratedGradients(net, x, { steps: 0 }),
    /integratedGradients: steps must be an integer >= 1/,
  );
  assert.throws(
    () => integratedGradients(net, x, { baseline: tensor([1, 2, 3]).data }),
    /baseline must be a number, one input \[2\] or one per input \[1, 2\]/,
  );
});
