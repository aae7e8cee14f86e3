import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, randTensor as R } from "./_testing.ts";

Deno.test("dropout: inverted scaling, seeded mask, gradient through kept entries", () => {
  const x = ag.ones([2000], { dtype: "float64", requiresGrad: true });
  const y = ag.dropout(x, { p: 0.3, rng: new Rng(5) });
  const vals = y.toArray() as number[];
  const kept = vals.filter((v) => v !== 0);
  assert.ok(kept.every((v) => v === 1 / 0.7));
  assert.ok(Math.abs(kept.length / 2000 - 0.7) < 0.04);
  y.sum().backward();
  assert.deepEqual(x.grad?.toArray(), vals); // ∂y/∂x = mask / (1 − p) = y for x = 1
  const again = ag.dropout(x, { p: 0.3, rng: new Rng(5) });
  assert.deepEqual(again.toArray(), vals);
});

Deno.test("dropout: identity when not training or p = 0, zeros when p = 1", () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  assert.equal(ag.dropout(x, { training: false }), x);
  assert.equal(ag.dropout(x, { p: 0 }), x);
  assert.deepEqual(ag.dropout(x, { p: 1 }).toArray(), [0, 0, 0]);
});

Deno.test("dropout: gradcheck with a fixed mask", () => {
  check((x) => ag.dropout(x, { p: 0.5, rng: new Rng(3) }), [R([4, 3], 1)]);
});

Deno.test("dropout errors name the op", () => {
  assert.throws(
    () => ag.dropout(tensor([1]), { p: 1.5 }),
    /dropout: p must be a probability in \[0, 1\], got 1.5/,
  );
});
