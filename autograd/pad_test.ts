import assert from "node:assert/strict";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

Deno.test("pad: gradcheck in every mode, with cropping and strided input", () => {
  check((x) => ag.pad(x, [1, 2, -1, 1], { value: 3 }), [S([3, 4], 1)]);
  for (const mode of ["reflect", "replicate", "circular"] as const) {
    check((x) => ag.pad(x, [2, 1, 1, 1], { mode }), [R([3, 4], 2)]);
    check((x) => ag.pad(x, [1, -1], { mode }), [S([2, 4], 3)]);
  }
});

Deno.test("pad: gradgradcheck", () => {
  check2((x) => ag.pad(x, [2, 1], { mode: "reflect" }).square(), [R([2, 4], 4)]);
  check2((x) => ag.pad(x, [1, 1]).exp(), [R([3], 5)]);
});

Deno.test("pad gradients add up over copies", () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  ag.pad(x, [2, 2], { mode: "replicate" }).sum().backward(); // [1, 1, 1, 2, 3, 3, 3]
  assert.deepEqual(x.grad?.toArray(), [3, 1, 3]);
  const y = tensor([1, 2, 3], { requiresGrad: true });
  ag.pad(y, [1, 1], { mode: "circular" }).sum().backward(); // [3, 1, 2, 3, 1]
  assert.deepEqual(y.grad?.toArray(), [2, 1, 2]);
});

Deno.test("pad errors name the op", () => {
  assert.throws(() => ag.pad(tensor([1, 2]), [1]), /pad: padding \[1\] must have an even length/);
  assert.throws(() => ag.pad(tensor([1, 2]), [2, 0], { mode: "reflect" }), /pad: reflect padding/);
  assert.throws(
    () => ag.pad(tensor([1, 2]), [1, 0], { mode: "reflect", value: 1 }),
    /pad: value applies to mode "constant" only/,
  );
});

Deno.test("pad names itself for an unknown mode, whatever its type", () => {
  assert.throws(
    () => ag.pad(tensor([1, 2]), [1, 1], { mode: {} as never, value: 1 }),
    /^RangeError: pad: mode must be one of "constant", "reflect", "replicate", "circular", got an object$/,
  );
});
