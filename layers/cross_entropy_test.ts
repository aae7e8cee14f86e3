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
