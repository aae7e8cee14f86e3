import assert from "node:assert/strict";
import { tensor } from "@nnc/autograd";
import { klDiv } from "./mod.ts";
import { checkLossCase } from "./_testing.ts";

Deno.test("klDiv matches PyTorch (batchmean, mean, log targets; zero target entries)", () => {
  checkLossCase("kl_batchmean", ([q], [p], o) => klDiv(q, p, o));
  checkLossCase("kl_mean", ([q], [p], o) => klDiv(q, p, o));
  checkLossCase("kl_logtarget_sum", ([q], [p], o) => klDiv(q, p, o));
});

Deno.test("klDiv: 0·log 0 = 0 and KL(p‖p) = 0", () => {
  const f64 = { dtype: "float64" as const };
  const p = tensor([[0, 0.25, 0.75]], f64);
  const q = tensor([[0.5, 0.25, 0.25]], f64).log();
  assert.ok(Math.abs(klDiv(q, p, { reduction: "sum" }).item() - 0.75 * Math.log(3)) < 1e-15);
  assert.equal(
    klDiv(tensor([[0.5, 0.5]], f64).log(), tensor([[0.5, 0.5]], f64), { reduction: "batchmean" })
      .item(),
    0,
  );
});
