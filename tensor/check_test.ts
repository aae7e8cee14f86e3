import assert from "node:assert/strict";
import {
  checkBool,
  checkFloatDType,
  checkFunction,
  checkInt,
  checkIntTuple,
  checkNDArray,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkPath,
  checkPositive,
  checkProbability,
  describe,
} from "./check.ts";
import { zeros } from "./creation.ts";

Deno.test("describe names values the way error messages quote them", () => {
  assert.equal(describe(NaN), "NaN");
  assert.equal(describe(-Infinity), "-Infinity");
  assert.equal(describe("a"), '"a"');
  assert.equal(describe(null), "null");
  assert.equal(describe(undefined), "undefined");
  assert.equal(describe([1, 2]), "an array of length 2");
  assert.equal(describe([1, 2, 3, 4, 5]), "an array of length 5");
  assert.equal(describe(zeros([2, 3])), "an NDArray of shape [2, 3]");
  assert.equal(describe({}), "an object");
  assert.equal(describe(new Map()), "a Map");
  assert.equal(describe(() => 0), "a function");
  assert.equal(describe("x".repeat(50)), JSON.stringify("x".repeat(40) + "…"));
});

Deno.test("checkInt accepts integers in range and names op, argument and value otherwise", () => {
  assert.equal(checkInt(3, "op", "k", 1), 3);
  assert.equal(checkInt(-2, "op", "k"), -2);
  assert.throws(() => checkInt(0, "KMeans", "nClusters", 1), {
    name: "RangeError",
    message: "KMeans: nClusters must be an integer >= 1, got 0",
  });
  assert.throws(() => checkInt(1.5, "op", "k", 0, 3), {
    message: "op: k must be an integer in [0, 3], got 1.5",
  });
  assert.throws(() => checkInt(9, "op", "k", -Infinity, 3), {
    message: "op: k must be an integer <= 3, got 9",
  });
  assert.throws(() => checkInt("2", "op", "k"), { message: 'op: k must be an integer, got "2"' });
  assert.throws(() => checkInt(2 ** 60, "op", "k"), RangeError);
});

Deno.test("checkNumber requires finite numbers within bounds", () => {
  assert.equal(checkNumber(0.5, "op", "p", 0, 1), 0.5);
  assert.throws(() => checkNumber(NaN, "op", "p"), {
    message: "op: p must be a finite number, got NaN",
  });
  assert.throws(() => checkNumber(Infinity, "op", "p", 0), {
    message: "op: p must be a finite number >= 0, got Infinity",
  });
  assert.throws(() => checkNumber(2, "op", "p", 0, 1), {
    message: "op: p must be a number in [0, 1], got 2",
  });
  assert.throws(() => checkNumber(2, "op", "p", -Infinity, 1), {
    message: "op: p must be a finite number <= 1, got 2",
  });
});

Deno.test("checkPositive, checkProbability", () => {
  assert.equal(checkPositive(1e-3, "SGD", "lr"), 1e-3);
  assert.throws(() => checkPositive(0, "SGD", "lr"), {
    message: "SGD: lr must be a finite number > 0, got 0",
  });
  assert.equal(checkProbability(0, "op", "p"), 0);
  assert.throws(() => checkProbability(1, "op", "p"), {
    message: "op: p must be a number in [0, 1), got 1",
  });
  assert.equal(checkProbability(1, "op", "p", true), 1);
  assert.throws(() => checkProbability(NaN, "op", "p", true), RangeError);
});

Deno.test("checkBool, checkOneOf, checkFunction, checkFloatDType, checkOptions", () => {
  assert.equal(checkBool(false, "op", "b"), false);
  assert.throws(() => checkBool(1, "op", "b"), {
    name: "TypeError",
    message: "op: b must be a boolean, got 1",
  });
  assert.equal(checkOneOf("sum", "op", "reduction", ["mean", "sum"] as const), "sum");
  assert.throws(() => checkOneOf("avg", "op", "reduction", ["mean", "sum"]), {
    name: "RangeError",
    message: 'op: reduction must be one of "mean", "sum", got "avg"',
  });
  assert.equal(checkOneOf(2, "op", "n", [1, 2]), 2);
  assert.equal(checkFunction<() => number>(() => 1, "op", "f")(), 1);
  assert.throws(() => checkFunction(3, "op", "f"), { name: "TypeError" });
  assert.equal(checkFloatDType("float32", "op"), "float32");
  assert.throws(() => checkFloatDType("int32", "op"), {
    name: "TypeError",
    message: 'op: dtype must be "float32" or "float64", got "int32"',
  });
  assert.deepEqual(checkOptions(undefined, "op"), {});
  assert.throws(() => checkOptions([] as unknown as object, "op"), {
    name: "TypeError",
    message: "op: options must be an object, got an array of length 0",
  });
  assert.deepEqual(checkOptions({ k: 1 }, "op", "k"), { k: 1 });
  assert.throws(() => checkOptions(undefined, "KMeans", "nClusters"), {
    name: "TypeError",
    message: "KMeans: options must be an object with nClusters, got undefined",
  });
  assert.throws(() => checkOptions(3 as unknown as object, "StepLR", "stepSize"), {
    name: "TypeError",
    message: "StepLR: options must be an object with stepSize, got 3",
  });
});

Deno.test("checkNDArray accepts NDArrays and names anything else", () => {
  const x: unknown = zeros([2]);
  checkNDArray(x, "op", "x");
  assert.deepEqual(x.shape, [2]);
  assert.throws(() => checkNDArray([1, 2], "sum", "x"), {
    name: "TypeError",
    message: "sum: x must be an NDArray, got an array of length 2",
  });
  assert.throws(() => checkNDArray(null, "sum", "x"), {
    name: "TypeError",
    message: "sum: x must be an NDArray, got null",
  });
});

Deno.test("checkIntTuple repeats one integer or checks a list of exactly `length`", () => {
  assert.deepEqual(checkIntTuple(2, 3, "op", "k", 1), [2, 2, 2]);
  assert.deepEqual(checkIntTuple([1, 0], 2, "op", "padding", 0), [1, 0]);
  assert.throws(() => checkIntTuple([1, 0], 2, "Conv2d", "stride", 1), {
    name: "RangeError",
    message: "Conv2d: stride must be an integer >= 1 or an array of 2 such integers, got [1, 0]",
  });
  assert.throws(() => checkIntTuple([1, 2, 3], 2, "op", "k", 1), {
    name: "RangeError",
    message: "op: k must be an integer >= 1 or an array of 2 such integers, got [1, 2, 3]",
  });
  assert.throws(() => checkIntTuple(1.5, 1, "op", "k", 0, 3), {
    name: "RangeError",
    message: "op: k must be an integer in [0, 3] or an array of 1 such integers, got 1.5",
  });
  assert.throws(() => checkIntTuple("3", 2, "op", "k"), {
    name: "TypeError",
    message: 'op: k must be an integer or an array of 2 such integers, got "3"',
  });
});

Deno.test("checkPath takes non-empty strings and file: URLs and returns a path string", () => {
  assert.equal(checkPath("a.csv", "op"), "a.csv");
  assert.equal(checkPath(new URL("file:///tmp/a%20b.csv"), "op"), "/tmp/a b.csv");
  assert.throws(() => checkPath("", "readCsv"), {
    name: "TypeError",
    message: 'readCsv: path must be a file path (a non-empty string or a file: URL), got ""',
  });
  assert.throws(() => checkPath(new URL("https://x.org/a"), "readCsv", "file"), {
    name: "TypeError",
    message:
      "readCsv: file must be a file path (a non-empty string or a file: URL), got https://x.org/a",
  });
  assert.throws(() => checkPath(3, "op"), {
    name: "TypeError",
    message: "op: path must be a file path (a non-empty string or a file: URL), got 3",
  });
});

Deno.test("checkIntTuple names the op even when the caller's length is not a tuple length", () => {
  assert.throws(() => checkIntTuple(2, NaN, "op", "k"), /^TypeError: op: k must be/);
  assert.throws(() => checkIntTuple(2, 1e12, "op", "k"), /^TypeError: op: k must be/);
});

Deno.test("checkOneOf names itself when its choices are not an array", () => {
  assert.throws(
    () => checkOneOf(3, "sum", "a", "1" as never),
    /^TypeError: checkOneOf: choices must be an array, got "1"$/,
  );
});
