import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { ones, zeros } from "@nnc/autograd";
import { Dropout, Dropout2d } from "./mod.ts";
import { checkLayerCase } from "./_testing.ts";

Deno.test("Dropout and Dropout2d are the identity in eval mode (as PyTorch)", () => {
  checkLayerCase("dropout_eval", new Dropout(0.3));
  checkLayerCase("dropout2d_eval", new Dropout2d(0.4));
});

Deno.test("Dropout in training: drop rate p, kept units scaled by 1/(1 − p), gradient through the same mask", () => {
  const x = ones([20000], { requiresGrad: true });
  const y = new Dropout(0.2, { rng: new Rng(3) }).forward(x);
  const kept = y.data.gt(0).sum().item() / 20000;
  assert.ok(Math.abs(kept - 0.8) < 5 * Math.sqrt(0.16 / 20000));
  assert.deepEqual([...new Set(y.data.data)].sort(), [0, 1.25]);
  y.sum().backward();
  assert.deepEqual(Array.from(x.grad!.data.data), Array.from(y.data.data));
  // G26: h = (2, 4), w = (1, 1), keep π = 0.5. Inverted dropout keeps E[w·(m⊙h)/π] = w·h = 6, its
  // evaluation output; the notes' form (no scaling, weights times π at test) has E = π·(w·h) = 3 = its test output.
  const drop = new Dropout(0.5, { rng: new Rng(5) });
  const n = 100000;
  const inverted = drop.forward(ones([n]).mul(2)).add(drop.forward(ones([n]).mul(4)));
  assert.ok(Math.abs(inverted.mean().item() - 6) < 0.05);
  assert.ok(Math.abs(inverted.mul(0.5).mean().item() - 3) < 0.025);
  assert.equal(drop.eval().forward(ones([1]).mul(2)).add(drop.forward(ones([1]).mul(4))).item(), 6);
});

Deno.test("Dropout2d drops whole channels", () => {
  const y = new Dropout2d(0.5, { rng: new Rng(1) }).forward(ones([4, 16, 3, 3]));
  const sums = Array.from(y.sum({ axis: [2, 3] }).data.data);
  assert.ok(sums.every((s) => s === 0 || s === 18));
  assert.ok(sums.some((s) => s === 0) && sums.some((s) => s === 18));
  assert.throws(() => new Dropout2d().forward(zeros([2, 3])), {
    message: "Dropout2d(p=0.5): expected input [N, C, H, W] or [C, H, W], got [2, 3]",
  });
  assert.throws(() => new Dropout(1.5), RangeError);
  assert.throws(() => new Dropout2d(0.5, { rng: new Float32Array(1) as never }), {
    name: "TypeError",
    message: "Dropout2d: rng must be an Rng, got a Float32Array",
  });
  assert.equal(new Dropout(1).forward(ones([5])).sum().item(), 0);
});

Deno.test("Dropout on n units samples each of the 2ⁿ subnetworks", () => {
  // spec: 002-part-b/G3
  for (const n of [1, 2, 3, 4, 5]) {
    const drop = new Dropout(0.5, { rng: new Rng(40 + n) });
    const masks = new Set<string>();
    for (let k = 0; k < 60; k++) {
      // One mask per row: 20 sampled subnetworks per call.
      const y = drop.forward(ones([20, n])).data.toArray() as number[][];
      for (const row of y) masks.add(row.map((v) => (v > 0 ? 1 : 0)).join(""));
    }
    assert.equal(masks.size, 2 ** n, `n = ${n}`);
  }
});

Deno.test("Dropout's p is the drop rate: the notes' 20 % of the inputs, 50 % (the default) of the hidden units", () => {
  // spec: 002-part-b/G4
  assert.equal(new Dropout().p, 0.5);
  const n = 40000;
  const dropped = (d: Dropout) => d.forward(ones([n])).data.eq(0).sum().item() / n;
  const inputs = dropped(new Dropout(0.2, { rng: new Rng(6) }));
  const hidden = dropped(new Dropout(undefined, { rng: new Rng(7) }));
  assert.ok(Math.abs(inputs - 0.2) < 5 * Math.sqrt(0.16 / n), `inputs: ${inputs}`);
  assert.ok(Math.abs(hidden - 0.5) < 5 * Math.sqrt(0.25 / n), `hidden: ${hidden}`);
});
