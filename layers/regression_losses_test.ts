import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from "./mod.ts";
import { checkLossCase } from "./_testing.ts";

Deno.test("regression losses match PyTorch (mean, sum, none; Huber; smooth L1; the notes' ½‖·‖² batch mean)", () => {
  for (const r of ["mean", "sum", "none"]) {
    checkLossCase(`mse_${r}`, ([x], [y], o) => mseLoss(x, y, o));
    checkLossCase(`l1_${r}`, ([x], [y], o) => l1Loss(x, y, o));
  }
  checkLossCase("mse_half_batchmean", ([x], [y], o) => mseLoss(x, y, o));
  checkLossCase("huber", ([x], [y], o) => huberLoss(x, y, o));
  checkLossCase("smooth_l1", ([x], [y], o) => smoothL1Loss(x, y, o));
});
