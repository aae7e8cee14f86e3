import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { type Tensor, tensor } from "@nnc/autograd";
import { crossEntropy, Dropout, Linear, Sequential } from "@nnc/layers";
import { DataLoader, TensorDataset, twoMoons } from "@nnc/datasets";
import { AdversarialTraining, fgsm } from "./mod.ts";

const x = tensor([[0.2, 0.8], [0.6, 0.3]], { dtype: "float64" });
const y = tensor([1, 0], { dtype: "int32" });

function linear(): Linear {
  const m = new Linear(2, 2, { dtype: "float64" });
  m.weight.data.data.set([1, -1, -1, 1]);
  m.bias!.data.data.set([0, 0]);
  return m;
}

Deno.test("AdversarialTraining: clean rows then FGSM rows; loss α·L(x) + (1 − α)·L(x_adv)", () => {
  // 003: αL(θ, x, y) + (1 − α)L(θ, x + ε sign ∇ₓL(θ, x, y), y), the FGSM example a constant
  const model = linear();
  const adv = new AdversarialTraining(model, {
    attack: (m, a, b) => fgsm(m, a, b, { eps: 0.1 }),
    alpha: 0.3,
  });
  const [x2, y2] = adv.transform(x, y);
  const rows = x2.toArray() as number[][];
  assert.deepEqual(rows.slice(0, 2), x.toArray());
  const expected = fgsm(model, x, y, { eps: 0.1 }).toArray() as number[][];
  assert.deepEqual(rows.slice(2), expected);
  assert.deepEqual(y2.toArray(), [1, 0, 1, 0]);
  assert.equal(x2.requiresGrad, false);
  const out = model.forward(x2);
  const l = adv.loss(crossEntropy)(out, y2).item();
  const clean = crossEntropy(model.forward(x), y).item();
  const attacked = crossEntropy(model.forward(tensor(expected, { dtype: "float64" })), y).item();
  assert.ok(Math.abs(l - (0.3 * clean + 0.7 * attacked)) < 1e-12);
  assert.ok(attacked > clean);
});

Deno.test("AdversarialTraining: α = 0 trains on adversarial rows only; α = 1 on clean rows", () => {
  const model = linear();
  const attack = (m: Parameters<typeof fgsm>[0], a: Tensor, b: Tensor) =>
    fgsm(m, a, b, { eps: 0.1 });
  const [xa] = new AdversarialTraining(model, { attack, alpha: 0 }).transform(x, y);
  assert.deepEqual(xa.toArray(), fgsm(model, x, y, { eps: 0.1 }).toArray());
  const [xc] = new AdversarialTraining(model, { attack, alpha: 1 }).transform(x, y);
  assert.deepEqual(xc.toArray(), x.toArray());
  assert.equal(
    new AdversarialTraining(model, { attack, alpha: 0 }).loss(crossEntropy),
    crossEntropy,
  );
});

Deno.test("AdversarialTraining attacks in evaluation mode and restores training mode", () => {
  const net = new Sequential(new Dropout(0.9, { rng: new Rng(0) }), linear());
  let modeSeen: boolean | null = null;
  const adv = new AdversarialTraining(net, {
    attack: (m, a, b) => {
      modeSeen = (m as Sequential).training;
      return fgsm(m, a, b, { eps: 0.1 });
    },
  });
  net.train();
  adv.transform(x, y);
  assert.equal(modeSeen, false);
  assert.equal(net.training, true);
});

Deno.test("AdversarialTraining.batches transforms every batch of a DataLoader, each epoch", async () => {
  const { x: xs, y: ys } = twoMoons({ n: 40, seed: 0 });
  const loader = new DataLoader(new TensorDataset(xs.astype("float64").sub(xs.min()).div(4), ys), {
    batchSize: 16,
  });
  const model = linear();
  const adv = new AdversarialTraining(model, { attack: (m, a, b) => fgsm(m, a, b, { eps: 0.05 }) });
  const batches = adv.batches(loader);
  for (let epoch = 0; epoch < 2; epoch++) {
    const sizes: number[] = [];
    for await (const [bx, by] of batches as AsyncIterable<readonly unknown[]>) {
      sizes.push((bx as Tensor).shape[0]);
      assert.equal((by as Tensor).shape[0], (bx as Tensor).shape[0]);
    }
    assert.deepEqual(sizes, [32, 32, 16]);
  }
});

Deno.test("AdversarialTraining: clear errors", () => {
  const model = linear();
  assert.throws(
    () => new AdversarialTraining(model, {} as never),
    /AdversarialTraining: attack must be a function/,
  );
  assert.throws(
    () => new AdversarialTraining(model, { attack: (_m, a) => a, alpha: 1.5 }),
    /AdversarialTraining: alpha must be a number in \[0, 1\], got 1.5/,
  );
  const bad = new AdversarialTraining(model, { attack: (_m, a) => a.reshape([-1]) });
  assert.throws(
    () => bad.transform(x, y),
    /the attack must return a Tensor shaped like x \[2, 2\]/,
  );
  const adv = new AdversarialTraining(model, { attack: (m, a, b) => fgsm(m, a, b, { eps: 0.1 }) });
  assert.throws(
    () =>
      adv.loss(crossEntropy)(
        model.forward(tensor([[0, 0]], { dtype: "float64" })),
        tensor([0], { dtype: "int32" }),
      ),
    /an even number of rows/,
  );
  assert.throws(() => adv.batches(3 as never), /source must be an iterable of \[x, y\] batches/);
});
