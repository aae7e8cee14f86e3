import assert from "node:assert/strict";
import { tensor } from "@nnc/autograd";
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
