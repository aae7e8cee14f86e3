import assert from "node:assert/strict";
import { randn, tensor, zeros } from "@nnc/autograd";
import { GroupNorm, groupNorm } from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

Deno.test("GroupNorm matches PyTorch", () => {
  checkLayerCase("groupnorm", new GroupNorm(2, 4, f64));
});

Deno.test("GroupNorm: hand-computed groups, gradcheck, shape errors", () => {
  // Groups {1, 3} and {4, 8}: each becomes (−1, 1) (eps 0).
  assert.deepEqual(groupNorm(tensor([[1, 3, 4, 8]], f64), 2, null, null, 0).toArray(), [[
    -1,
    1,
    -1,
    1,
  ]]);
  const gn = new GroupNorm(2, 4, f64);
  assert.deepEqual(gn.weight!.toArray(), [1, 1, 1, 1]);
  assert.deepEqual(gn.bias!.toArray(), [0, 0, 0, 0]);
  assert.ok(gradcheckModule(gn, [randn([2, 4, 2], f64)]).ok);
  assert.throws(() => new GroupNorm(2, 4).forward(zeros([2, 6])), {
    message: "GroupNorm(2, 4): expected input [N, 4, *], got [2, 6]",
  });
  assert.throws(() => new GroupNorm(3, 4), /divisible by numGroups 3/);
});

Deno.test("groupNorm names itself for affine parameters of the wrong size, and takes an empty batch", () => {
  assert.throws(
    () => groupNorm(zeros([2, 3]), 1, zeros([2, 3]), null),
    /^RangeError: groupNorm: weight must have one entry per channel \(C = 3\), got shape \[2, 3\]$/,
  );
  assert.throws(
    () => groupNorm(zeros([2, 4, 2]), 2, null, zeros([3])),
    /^RangeError: groupNorm: bias must have one entry per channel \(C = 4\), got shape \[3\]$/,
  );
  assert.deepEqual(groupNorm(zeros([0, 4, 2]), 2).shape, [0, 4, 2]);
});
