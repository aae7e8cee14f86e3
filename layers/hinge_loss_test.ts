import assert from "node:assert/strict";
import { tensor } from "@nnc/autograd";
import { hingeLoss } from "./mod.ts";
import { checkLossCase } from "./_testing.ts";

Deno.test("hingeLoss matches PyTorch's MultiMarginLoss and the binary SVM hinge", () => {
  checkLossCase("multi_margin", ([x], [t], o) => hingeLoss(x, t, o));
  checkLossCase(
    "multi_margin_p2_weighted",
    ([x], [t, w], o) => hingeLoss(x, t, { ...o, weight: w }),
  );
  checkLossCase("hinge_binary", ([x], [y], o) => hingeLoss(x, y, o));
  checkLossCase("hinge_binary_cubed_sum", ([x], [y], o) => hingeLoss(x, y, o));
});

Deno.test("hingeLoss: SVM values by hand", () => {
  // Binary: max(0, 1 − y·x) for x = (2, 0.5, −1), y = (1, 1, 1) → (0, 0.5, 2).
  assert.deepEqual(
    hingeLoss(tensor([2, 0.5, -1]), tensor([1, 1, 1]), { reduction: "none" }).toArray(),
    [0, 0.5, 2],
  );
  // Multi-class, one sample, x = (1, 2, 0.5), y = 0: (max(0, 1 − 1 + 2) + max(0, 1 − 1 + 0.5)) / 3 = 2.5/3.
  const l = hingeLoss(tensor([1, 2, 0.5], { dtype: "float64" }), tensor(0, { dtype: "int32" }));
  assert.ok(Math.abs(l.item() - 2.5 / 3) < 1e-15);
});

Deno.test("hingeLoss names itself for a 1-d input whose target is neither ±1 of its shape nor one index", () => {
  assert.throws(
    () => hingeLoss(tensor([1, 2, 3, 4]), tensor([[[1], [2]]])),
    /^RangeError: hingeLoss: expected a ±1 target of the input's shape \[4\], or int32 class indices \[\] for input \[N, C\]; got target \[1, 2, 1\] \(float32\)$/,
  );
});
