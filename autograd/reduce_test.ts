import assert from "node:assert/strict";
import type { ReduceOptions } from "@nnc/tensor";
import * as ag from "./mod.ts";
import { type Tensor, tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

const AXES = [undefined, 0, 1, [0, 2], -1] as const;

Deno.test("sum, mean, max, min, prod: gradcheck over axes, keepDims, strided input", () => {
  const ops: Record<string, (x: Tensor, o: ReduceOptions) => Tensor> = {
    sum: (x, o) => ag.sum(x, o),
    mean: (x, o) => ag.mean(x, o),
    max: (x, o) => ag.max(x, o),
    min: (x, o) => ag.min(x, o),
    prod: (x, o) => ag.prod(x, o),
  };
  for (const [name, f] of Object.entries(ops)) {
    for (const axis of AXES) {
      for (const keepDims of [false, true]) {
        const x = name === "prod" ? S([2, 3, 2], 1, { offset: 0.1 }) : S([2, 3, 2], 2);
        check((t) => f(t, { axis: axis as number | number[] | undefined, keepDims }), [x]);
      }
    }
  }
});

Deno.test("variance, std, logsumexp: gradcheck", () => {
  for (const axis of AXES) {
    check((t) => ag.variance(t, { axis: axis as number | number[] | undefined }), [
      S([2, 3, 2], 3),
    ]);
    check(
      (t) =>
        ag.std(t, { axis: axis as number | number[] | undefined, correction: 0, keepDims: true }),
      [R([2, 3, 2], 4)],
    );
    check((t) => ag.logsumexp(t, { axis: axis as number | number[] | undefined }), [
      S([2, 3, 2], 5),
    ]);
  }
});

Deno.test("reductions: gradgradcheck", () => {
  check2((t) => t.sum({ axis: 1 }).square(), [R([2, 3], 6)]);
  check2((t) => t.mean({ axis: 0 }).exp(), [R([2, 3], 6)]);
  check2((t) => t.var({ axis: 1 }), [R([2, 3], 7)]);
  check2((t) => t.logsumexp({ axis: 1 }), [R([2, 3], 8)]);
  check2((t) => t.prod({ axis: 1 }), [R([2, 3], 9, { offset: 0.2 })]);
  check2((t) => t.max({ axis: 1 }).square(), [R([2, 3], 10)]);
});

Deno.test("prod with zeros: the gradient is the product of the others", () => {
  const x = tensor([[1, 0, 2], [0, 0, 3], [2, 3, 4]], { dtype: "float64", requiresGrad: true });
  x.prod({ axis: 1 }).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [[0, 2, 0], [0, 0, 0], [12, 8, 6]]);
  check((t) => t.prod({ axis: 1 }), [
    tensor([[1, 0, 2], [0, 0, 3]], { dtype: "float64", requiresGrad: true }),
  ]);
});

Deno.test("max and min share the gradient among ties (amax/amin)", () => {
  const x = tensor([[3, 1, 3], [2, 2, 2]], { dtype: "float64", requiresGrad: true });
  x.max({ axis: 1 }).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [[0.5, 0, 0.5], [1 / 3, 1 / 3, 1 / 3]]);
});

Deno.test("logsumexp stays finite for huge and -inf entries; argmax/argmin are constants", () => {
  const x = tensor([1000, 1000, -Infinity], { dtype: "float64", requiresGrad: true });
  const y = ag.logsumexp(x);
  assert.ok(Math.abs(y.item() - (1000 + Math.LN2)) < 1e-9);
  y.backward();
  assert.deepEqual(x.grad?.toArray(), [0.5, 0.5, 0]);
  const i = ag.argmax(tensor([[1, 9], [8, 2]]), { axis: 1 });
  assert.equal(i.dtype, "int32");
  assert.equal(i.requiresGrad, false);
  assert.deepEqual(ag.argmin(tensor([3, 1, 2])).item(), 1);
});

Deno.test("variance gradient: 2(x − mean)/(n − correction)", () => {
  const x = tensor([1, 2, 3, 4], { dtype: "float64", requiresGrad: true });
  x.var().backward();
  assert.deepEqual(x.grad?.toArray(), [-1, -1 / 3, 1 / 3, 1]);
});

Deno.test("reduction errors name the op", () => {
  assert.throws(() => ag.sum(tensor([1, 2]), { axis: 2 }), /sum: axis 2 is out of range/);
  assert.throws(() => ag.mean(tensor([[1]]), { axis: [0, 0] }), /mean: repeated axis/);
  assert.throws(
    () => ag.variance(tensor([1, 2]), { correction: -1 }),
    /variance: correction must be a non-negative number/,
  );
});

Deno.test("reductions reject a keepDims that is not a boolean (found by the API fuzzer)", () => {
  const x = tensor([[1, 2]]);
  // An object used to be taken as true: a silently wrong shape.
  assert.throws(
    () => ag.sum(x, { axis: 1, keepDims: {} as never }),
    /^TypeError: sum: keepDims must be a boolean/,
  );
  assert.throws(() => ag.std(x, { axis: 4 }), /^RangeError: std: axis 4 is out of range/);
  assert.throws(
    () => ag.mean(x, { axis: {} as never }),
    /^TypeError: mean: axis must be an integer/,
  );
});
