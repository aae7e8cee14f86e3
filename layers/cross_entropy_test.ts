import assert from "node:assert/strict";
import { tensor } from "@nnc/autograd";
import { crossEntropy, nllLoss } from "./mod.ts";
import { checkLossCase } from "./_testing.ts";

Deno.test("crossEntropy matches PyTorch: ignoreIndex, class weights, label smoothing, spatial and probability targets", () => {
  for (const r of ["mean", "sum", "none"]) {
    checkLossCase(`ce_${r}`, ([x], [t], o) => crossEntropy(x, t, o));
    checkLossCase(
      `ce_weighted_smoothed_${r}`,
      ([x], [t, w], o) => crossEntropy(x, t, { ...o, weight: w }),
    );
  }
  checkLossCase("ce_smoothed_mean", ([x], [t], o) => crossEntropy(x, t, o));
  checkLossCase("ce_ignore7", ([x], [t], o) => crossEntropy(x, t, o));
  checkLossCase("ce_spatial", ([x], [t], o) => crossEntropy(x, t, o));
  checkLossCase(
    "ce_probs_weighted_smoothed",
    ([x], [p, w], o) => crossEntropy(x, p, { ...o, weight: w }),
  );
  checkLossCase("ce_probs_sum", ([x], [p], o) => crossEntropy(x, p, o));
  checkLossCase("nll_weighted", ([x], [t, w], o) => nllLoss(x, t, { ...o, weight: w }));
  checkLossCase("nll_none", ([x], [t], o) => nllLoss(x, t, o));
});

Deno.test("nllLoss of log-probabilities is the information content −log p: 0 at p = 1, ∞ at p = 0", () => {
  // spec: 002-part-b/G5
  const f64 = { dtype: "float64" as const };
  const probs = tensor([[1, 0], [0.5, 0.5], [0.1, 0.9], [1e-10, 1 - 1e-10], [0, 1]], f64);
  const info = nllLoss(probs.log(), tensor([0, 0, 0, 0, 0], { dtype: "int32" }), {
    reduction: "none",
  }).toArray() as number[];
  assert.equal(info[0] + 0, 0); // −log 1 (+ 0 folds −0 into 0)
  assert.ok(Math.abs(info[1] - Math.LN2) < 1e-15);
  assert.ok(Math.abs(info[2] - Math.LN10) < 1e-15);
  assert.ok(Math.abs(info[3] - 10 * Math.LN10) < 1e-13);
  assert.equal(info[4], Infinity);
  // Rarer outcomes carry more information.
  for (let i = 1; i < info.length; i++) assert.ok(info[i] > info[i - 1]);
});
