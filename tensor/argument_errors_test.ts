// Regression tests for argument errors found by the public-API fuzzer (faults/fuzz_fault.ts): each
// of these calls used to fail with an engine error that named no function ("Cannot read
// properties of undefined", "Cannot convert a Symbol value to a string", "Invalid typed array
// length"), name another function, or return a wrong result; now each is a named TypeError or
// RangeError.
import assert from "node:assert/strict";
import * as t from "./mod.ts";

const junk = Object.create(null);

Deno.test("random: seeds, counts, bounds and generators are checked", () => {
  assert.throws(
    () => t.manualSeed(Symbol() as never),
    /^RangeError: manualSeed: seed must be a finite number, got a symbol/,
  );
  assert.throws(() => t.randperm(Symbol() as never), /^RangeError: randperm: n must be/);
  assert.throws(
    () => t.randperm(3, { rng: 0.5 as never }),
    /^TypeError: randperm: rng must be an Rng, got 0.5/,
  );
  assert.throws(() => t.randint(1, 1e300, [2]), /^RangeError: randint: high must be/);
  assert.throws(() => t.randint(Symbol() as never, 5, [1]), /^RangeError: randint: low must be/);
  assert.throws(() => t.rand([2], { low: Symbol() as never }), /^RangeError: rand: low must be/);
  assert.throws(() => t.rand([2], null as never), /^TypeError: rand: options must be an object/);
  assert.throws(() => t.randn([2], { rng: {} as never }), /^TypeError: randn: rng must be an Rng/);
});

Deno.test("copies, products and norms check their arrays and options", () => {
  assert.throws(
    () => t.clone(undefined as never),
    /^TypeError: clone: x must be an NDArray, got undefined/,
  );
  assert.throws(
    () => t.contiguous(undefined as never),
    /^TypeError: contiguous: x must be an NDArray/,
  );
  assert.throws(
    () => t.astype(undefined as never, "float32"),
    /^TypeError: astype: x must be an NDArray/,
  );
  assert.throws(() => t.assign(t.zeros([2]), "1" as never), /^TypeError: assign: source/);
  assert.throws(
    () => t.dot(t.zeros([2]), undefined as never),
    /^TypeError: dot: b must be an NDArray/,
  );
  assert.throws(
    () => t.outer(undefined as never, t.zeros([2])),
    /^TypeError: outer: a must be an NDArray/,
  );
  assert.throws(
    () => t.linalg.norm(t.zeros([2]), null as never),
    /^TypeError: linalg.norm: options must be an object/,
  );
  assert.throws(
    () => t.sort(t.zeros([2]), null as never),
    /^TypeError: sort: options must be an object/,
  );
  assert.throws(() => t.argsort(t.zeros([2]), { axis: 2 }), /^RangeError: argsort: axis 2/);
  assert.throws(() => t.split(t.zeros([4]), junk), /^TypeError: split: /);
  assert.throws(
    () => t.chunk(t.zeros([4]), junk),
    /^RangeError: chunk: chunks must be an integer >= 1, got an object/,
  );
});

Deno.test("shape and dtype helpers check what they are given", () => {
  assert.throws(() => t.sizeOf(undefined as never), /^TypeError: sizeOf: shape must be an array/);
  assert.throws(() => t.fmtShape(3 as never), /^TypeError: fmtShape: shape must be an array/);
  assert.equal(t.fmtShape([2, Symbol() as never]), "[2, a symbol]");
  assert.throws(
    () => t.sameShape([1], undefined as never),
    /^TypeError: sameShape: b must be an array/,
  );
  assert.throws(() => t.contiguousStrides(null as never), /^TypeError: contiguousStrides: shape/);
  assert.throws(
    () => t.broadcastShapes({ length: 2 ** 53 } as never, [1], "add"),
    /^TypeError: add: shape a must be an array/,
  );
  assert.throws(() => t.dtypeOf(undefined as never), /^TypeError: dtypeOf: unsupported undefined/);
  assert.throws(
    () => t.allocTyped("float32", 2 ** 53),
    /^RangeError: allocTyped: length must be an integer in \[0, 2\^31-1\]/,
  );
  // An unknown dtype used to return undefined instead of an array.
  assert.throws(
    () => t.allocTyped("float16" as never, 2),
    /^TypeError: allocTyped: unknown dtype "float16"/,
  );
  assert.throws(
    () => t.col2im(t.zeros([1, 2, 3]), [junk] as never, { kernel: 1 }),
    /^(TypeError|RangeError): col2im: /,
  );
});

Deno.test("array, safetensors saving and temp names check their arguments", async () => {
  assert.throws(
    () => t.array([0], { shape: 0.5 as never }),
    /^TypeError: array: shape must be an array/,
  );
  assert.throws(() => t.array([0], null as never), /^TypeError: array: options must be an object/);
  assert.throws(
    () => t.isAtomicTempName(Symbol() as never),
    /^TypeError: isAtomicTempName: expected file names/,
  );
  await assert.rejects(
    () => t.saveSafetensors("/tmp/never-written.safetensors", {}, null as never),
    /^TypeError: saveSafetensors: metadata must be an object of strings/,
  );
});

Deno.test("clamp checks its bounds by name", () => {
  assert.throws(
    () => t.clamp(t.zeros([2]), {} as never),
    /^TypeError: clamp: min must be a number or undefined/,
  );
  assert.throws(
    () => t.clamp(Symbol() as never, 0),
    /^TypeError: clamp: expected an NDArray, got a symbol/,
  );
});
