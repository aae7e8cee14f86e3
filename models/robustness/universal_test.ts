import assert from "node:assert/strict";
import { rand, Rng } from "@nnc/tensor";
import { type Tensor, tensor } from "@nnc/autograd";
import { universalPerturbation } from "./mod.ts";

// class = whether x₀ > x₁
const W = tensor([[1, -1], [-1, 1]], { dtype: "float64" });
const model = (x: Tensor) => x.matmul(W);

Deno.test("universalPerturbation: one ℓ∞ shift fools every input of one class near the boundary", () => {
  // inputs of class 0 within 0.08 of the diagonal: v = (−ξ, ξ) with ξ = 0.05 moves each by 0.1
  const rng = new Rng(1);
  const rows = Array.from({ length: 40 }, () => {
    const a = rng.uniform(0.2, 0.8), m = rng.uniform(0.005, 0.08);
    return [a + m / 2, a - m / 2];
  });
  const r = universalPerturbation(model, tensor(rows, { dtype: "float64" }), {
    xi: 0.05,
    targetFoolingRate: 1,
  });
  assert.equal(r.foolingRate, 1);
  assert.ok(r.perturbation.abs().max().item() <= 0.05 + 1e-15);
  const v = r.perturbation.toArray() as number[];
  assert.ok(v[0] < 0 && v[1] > 0);
  assert.equal(r.history[r.history.length - 1], 1);
});

Deno.test("universalPerturbation ℓ2: the perturbation stays in the ξ-ball; rate counts changed labels", () => {
  const x = rand([30, 2], { dtype: "float64", rng: new Rng(2) });
  const r = universalPerturbation(model, x, { xi: 0.1, norm: "l2", maxPasses: 2 });
  const norm = Math.hypot(...(r.perturbation.toArray() as number[]));
  assert.ok(norm <= 0.1 + 1e-12);
  const before = model(tensor(x.toArray() as number[][], { dtype: "float64" })).data.argmax({
    axis: 1,
  });
  const after = model(
    tensor(x.add(r.perturbation).clamp(0, 1).toArray() as number[][], { dtype: "float64" }),
  )
    .data.argmax({ axis: 1 });
  assert.equal(before.ne(after).astype("int32").sum().item() / 30, r.foolingRate);
  assert.ok(r.foolingRate > 0 && r.foolingRate < 1);
});

Deno.test("universalPerturbation: clear errors", () => {
  const x = tensor([[0.5, 0.4]], { dtype: "float64" });
  assert.throws(
    () => universalPerturbation(model, x, { xi: -1 }),
    /universalPerturbation: xi must be a finite number >= 0/,
  );
  assert.throws(
    () => universalPerturbation(model, x, { xi: 0.1, maxPasses: 0 }),
    /maxPasses must be an integer >= 1/,
  );
  assert.throws(
    () => universalPerturbation(model, x, { xi: 0.1, norm: "l1" as never }),
    /norm must be one of/,
  );
  assert.throws(
    () => universalPerturbation(model, x, { xi: 0.1, targetFoolingRate: 2 }),
    /targetFoolingRate must be a number in \[0, 1\]/,
  );
});
