// Regression tests for argument errors found by the public-API fuzzer (faults/fuzz_fault.ts): each
// of these calls used to fail with an engine error naming no function ("w is not iterable",
// "Cannot read properties of null", "prim.forward is not a function"), or with the name of the
// @nnc/tensor function doing the work; now each is a named TypeError or RangeError.
import assert from "node:assert/strict";
import * as ag from "./mod.ts";

const x = ag.tensor([[1, 2], [3, 4]]);

Deno.test("creation functions check their options under their own names", () => {
  assert.throws(
    () => ag.zeros([2], { dtype: "int64" as never }),
    /^TypeError: zeros: unknown dtype "int64"/,
  );
  assert.throws(
    () => ag.eye(3, 1, { dtype: "float16" as never }),
    /^TypeError: eye: unknown dtype/,
  );
  assert.throws(() => ag.rand([3], null as never), /^TypeError: rand: options must be an object/);
  assert.throws(
    () => ag.tensor([1], null as never),
    /^TypeError: tensor: options must be an object/,
  );
  assert.throws(
    () => ag.zerosLike(undefined as never),
    /^TypeError: zerosLike: expected a Tensor, got undefined/,
  );
  assert.throws(
    () => ag.fullLike(Symbol() as never, 5),
    /^TypeError: fullLike: expected a Tensor, got a symbol/,
  );
  assert.throws(() => ag.ones({} as never), /^TypeError: ones: shape must be an array of integers/);
  assert.throws(
    () => ag.arange(1, 2, 1, { requiresGrad: "yes" as never }),
    /^TypeError: arange: requiresGrad must be a boolean/,
  );
});

Deno.test("shape, window and random ops reject what they cannot use, by name", () => {
  assert.throws(
    () => ag.squeeze(x, {} as never),
    /^TypeError: squeeze: axis must be an integer or an array/,
  );
  assert.throws(() => ag.flip(x, ag.tensor([0]).data as never), /^TypeError: flip: axis must be/);
  assert.throws(
    () => ag.expand(x, undefined as never),
    /^TypeError: expand: shape must be an array/,
  );
  const img = ag.zeros([1, 1, 4]);
  assert.throws(() => ag.avgPool1d(img, { kernel: new Map() as never }), /^TypeError: avgPool/);
  assert.throws(
    () => ag.conv1d(img, ag.zeros([1, 1, 1]), undefined, { stride: {} as never }),
    /^TypeError: conv1d: stride must be an integer >= 1 or an array of 1 such integers, got an object/,
  );
  assert.throws(
    () => ag.dropout(x, { rng: 0.5 as never }),
    /^TypeError: dropout: rng must be an Rng, got 0.5/,
  );
  assert.throws(
    () => ag.pad(x, [1, 1], null as never),
    /^TypeError: pad: options must be an object/,
  );
  assert.throws(
    () => ag.applyPrimitive({ name: "relu" } as never, [x], {}),
    /^TypeError: applyPrimitive: expected a Primitive/,
  );
});

Deno.test("clamp, logsumexp, embedding and tensor name themselves (found by the API fuzzer)", () => {
  assert.throws(
    () => ag.clamp(x, {} as never),
    /^TypeError: clamp: min must be a number or undefined/,
  );
  assert.throws(
    () => ag.logsumexp(ag.zeros([0, 3])),
    /^RangeError: logsumexp: cannot reduce an empty axis/,
  );
  assert.throws(
    () => ag.embedding([5], ag.zeros([1, 3])),
    /^RangeError: embedding: index 5 is out of range for 1 embeddings/,
  );
  assert.throws(
    () => ag.tensor([() => 0] as never),
    /^TypeError: tensor: element at \[0\] is a function, expected a number/,
  );
});
