// The notes' dropout expectation (002-part-b G26) with @nnc/layers' Dropout, as the dropout
// experiment uses it.
import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { noGrad, tensor } from "@nnc/autograd";
import { Dropout } from "@nnc/layers";

Deno.test("dropout expectation: h = (2, 4), w = (1, 1), retain p = 0.5", () => {
  // spec: 002-part-b/G26
  const h = [2, 4], w = [1, 1], keep = 0.5;
  // the notes' non-inverted form: train-time output w·(m ⊙ h), test-time output p·(w·h)
  const masks = [[0, 0], [0, 1], [1, 0], [1, 1]]; // each with probability ¼ when p = 0.5
  const outputs = masks.map((m) => m.reduce((s, mi, i) => s + w[i] * mi * h[i], 0));
  const expectation = outputs.reduce((s, v) => s + v, 0) / masks.length;
  assert.equal(expectation, 3);
  assert.equal(keep * (w[0] * h[0] + w[1] * h[1]), 3);
  // nnc's inverted dropout (drop probability 1 − p): kept units are scaled by 1/p = 2 in training,
  // so its mask average equals the unscaled test-time output w·h = 6 = 3/p
  const drop = new Dropout(1 - keep, { rng: new Rng(0) });
  const x = tensor([h], { dtype: "float64" });
  drop.train();
  const seen = new Set<string>();
  let sum = 0;
  const runs = 4000;
  for (let i = 0; i < runs; i++) {
    const out = noGrad(() => drop.forward(x)).toArray() as number[][];
    seen.add(out[0].join());
    sum += w[0] * out[0][0] + w[1] * out[0][1];
  }
  assert.deepEqual([...seen].sort(), ["0,0", "0,8", "4,0", "4,8"]);
  assert.ok(Math.abs(sum / runs - 6) < 0.15, `mean ${sum / runs}`);
  drop.eval();
  assert.deepEqual(drop.forward(x).toArray(), [h]);
  assert.equal(keep * 6, expectation);
});
