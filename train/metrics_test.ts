import assert from "node:assert/strict";
import fc from "fast-check";
import { array, NDArray } from "@nnc/tensor";
import { tensor } from "@nnc/autograd";
import {
  Accuracy,
  accuracy,
  confusionMatrix,
  formatConfusionMatrix,
  precisionRecall,
  predictedClasses,
  resolveMetrics,
  TopKAccuracy,
  topKAccuracy,
} from "./metrics.ts";

const i32 = (xs: number[]) => array(xs, { dtype: "int32" });

// Fixed predictions over 3 classes, worked by hand:
// truth 0 0 0 0 1 1 1 2 2 2
// pred  0 0 1 2 1 1 0 2 2 1
const truth = i32([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
const pred = i32([0, 0, 1, 2, 1, 1, 0, 2, 2, 1]);

Deno.test("confusionMatrix counts truths by rows and predictions by columns", () => {
  const cm = confusionMatrix(pred, truth);
  assert.equal(cm.dtype, "int32");
  assert.deepEqual(cm.toArray(), [[2, 1, 1], [1, 2, 0], [0, 1, 2]]);
  assert.deepEqual(confusionMatrix(pred, truth, { numClasses: 4 }).toArray(), [
    [2, 1, 1, 0],
    [1, 2, 0, 0],
    [0, 1, 2, 0],
    [0, 0, 0, 0],
  ]);
});

Deno.test("precisionRecall on the fixed predictions", () => {
  const r = precisionRecall(confusionMatrix(pred, truth));
  // class 0: tp 2, predicted 3, actual 4; class 1: tp 2, predicted 4, actual 3; class 2: tp 2, predicted 3, actual 3
  assert.deepEqual(r.precision, [2 / 3, 2 / 4, 2 / 3]);
  assert.deepEqual(r.recall, [2 / 4, 2 / 3, 2 / 3]);
  const f1 = (p: number, q: number) => (2 * p * q) / (p + q);
  assert.deepEqual(r.f1, [f1(2 / 3, 0.5), f1(0.5, 2 / 3), f1(2 / 3, 2 / 3)]);
  assert.deepEqual(r.support, [4, 3, 3]);
  assert.equal(r.accuracy, 0.6);
  assert.equal(r.macroPrecision, (2 / 3 + 0.5 + 2 / 3) / 3);
  assert.equal(r.macroRecall, (0.5 + 2 / 3 + 2 / 3) / 3);
});

Deno.test("precisionRecall gives 0 for classes never predicted or never present", () => {
  const r = precisionRecall([[1, 0], [1, 0]]);
  assert.deepEqual(r.precision, [0.5, 0]);
  assert.deepEqual(r.recall, [1, 0]);
  assert.deepEqual(r.f1, [2 / 3, 0]);
  assert.throws(() => precisionRecall([[1, 2]]), /precisionRecall: expected a square matrix/);
  assert.throws(() => precisionRecall([[1, -1], [0, 0]]), /entry \[0, 1\] = -1 is not a count/);
});

Deno.test("accuracy reads scores by arg-max, [N, 1] by threshold and [N] as indices", () => {
  const scores = array([[0.1, 0.7, 0.2], [0.5, 0.4, 0.1], [0.3, 0.3, 0.4], [2, 2, 1]]);
  assert.deepEqual([...predictedClasses(scores)], [1, 0, 2, 0]); // first maximum on ties
  assert.equal(accuracy(scores, i32([1, 0, 0, 1])), 0.5);
  assert.equal(accuracy(tensor([[0.2], [0.6], [0.51]]), i32([0, 1, 0])), 2 / 3);
  assert.equal(accuracy(array([[-0.5], [0.2]]), i32([0, 1]), { threshold: 0 }), 1);
  assert.equal(accuracy(i32([3, 1]), array([3, 2])), 0.5);
  // one-hot targets are read by arg-max
  assert.equal(accuracy(scores, array([[0, 1, 0], [1, 0, 0], [1, 0, 0], [0, 1, 0]])), 0.5);
});

Deno.test("accuracy validates its inputs", () => {
  assert.throws(() => accuracy(array([[1, 0]]), i32([0, 1])), {
    name: "RangeError",
    message: "accuracy: target [2] must have 1 rows, one per output row",
  });
  assert.throws(
    () => accuracy(array([0.5, 1]), i32([0, 1])),
    /output\[0\] = 0.5 is not a class index/,
  );
  assert.throws(() => accuracy([1, 2] as unknown as NDArray, i32([0])), TypeError);
  assert.throws(
    () => accuracy(array([[[1]]]), i32([0])),
    /must be \[N\] class indices or \[N, C\] scores, got \[1, 1, 1\]/,
  );
});

Deno.test("topKAccuracy counts the target among the k highest (ties count)", () => {
  const s = array([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.4, 0.4, 0.2]]);
  const y = i32([1, 0, 1]);
  assert.equal(topKAccuracy(s, y, 1), 1 / 3); // row 2: 0.4 tied with the max counts
  assert.equal(topKAccuracy(s, y, 2), 2 / 3);
  assert.equal(topKAccuracy(s, y, 3), 1);
  assert.throws(() => topKAccuracy(s, y, 0), /k must be an integer >= 1, got 0/);
  assert.throws(
    () => topKAccuracy(s, i32([0, 0, 3]), 1),
    /target\[2\] = 3 is not below the 3 classes/,
  );
});

Deno.test("topKAccuracy with k = 1 equals accuracy when scores have no ties (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 2, max: 6 }),
      fc.integer({ min: 0, max: 1e6 }),
      (n, c, seed) => {
        let s = seed;
        const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
        const scores = Float64Array.from({ length: n * c }, () => next());
        const labels = Int32Array.from({ length: n }, () => Math.floor(next() * c));
        const x = NDArray.fromTyped(scores, [n, c]), y = NDArray.fromTyped(labels, [n]);
        return topKAccuracy(x, y, 1) === accuracy(x, y) && topKAccuracy(x, y, c) === 1;
      },
    ),
  );
});

Deno.test("confusion matrix sums to N and its trace over N is the accuracy (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { minLength: 1, maxLength: 50 }),
      (rows) => {
        const p = i32(rows.map((r) => r[0])), t = i32(rows.map((r) => r[1]));
        const cm = confusionMatrix(p, t, { numClasses: 5 }).toArray() as number[][];
        const total = cm.flat().reduce((a, b) => a + b, 0);
        const trace = cm.reduce((a, r, i) => a + r[i], 0);
        return total === rows.length && trace / total === accuracy(p, t);
      },
    ),
  );
});

Deno.test("confusionMatrix rejects a numClasses below the classes seen", () => {
  assert.throws(() => confusionMatrix(pred, truth, { numClasses: 2 }), {
    name: "RangeError",
    message: "confusionMatrix: numClasses is 2, but the outputs or targets need at least 3 classes",
  });
});

Deno.test("streaming Accuracy and TopKAccuracy equal the one-shot values over all batches", () => {
  const scores = array([[0.1, 0.7, 0.2], [0.5, 0.4, 0.1], [0.3, 0.3, 0.4], [2, 2, 1], [0, 1, 3]]);
  const y = i32([1, 1, 0, 1, 2]);
  const acc = new Accuracy(), top2 = new TopKAccuracy(2);
  assert.ok(Number.isNaN(acc.compute()));
  for (const [a, b] of [[0, 2], [2, 5]]) {
    acc.update(scores.slice({ start: a, stop: b }), y.slice({ start: a, stop: b }));
    top2.update(scores.slice({ start: a, stop: b }), y.slice({ start: a, stop: b }));
  }
  assert.equal(acc.compute(), accuracy(scores, y));
  assert.equal(acc.compute(), 2 / 5);
  assert.equal(top2.compute(), topKAccuracy(scores, y, 2));
  assert.equal(top2.name, "top2Accuracy");
  acc.reset();
  assert.ok(Number.isNaN(acc.compute()));
});

Deno.test("formatConfusionMatrix aligns counts under class names with precision and recall", () => {
  const text = formatConfusionMatrix(confusionMatrix(pred, truth), ["cat", "dog", "bird"]);
  assert.equal(
    text,
    [
      "true \\ predicted    cat   dog  bird  precision  recall",
      "cat                   2     1     1      0.667   0.500",
      "dog                   1     2     0      0.500   0.667",
      "bird                  0     1     2      0.667   0.667",
      "accuracy 0.6000",
    ].join("\n"),
  );
  assert.throws(() => formatConfusionMatrix([[1]], ["a", "b"]), /classNames must list 1 names/);
});

Deno.test("resolveMetrics accepts 'accuracy' and Metric objects, rejects duplicates", () => {
  const [a, t] = resolveMetrics(["accuracy", new TopKAccuracy(3)]);
  assert.ok(a instanceof Accuracy);
  assert.equal(t.name, "top3Accuracy");
  assert.throws(() => resolveMetrics(["accuracy", new Accuracy()]), /"accuracy" is used twice/);
  assert.throws(
    () => resolveMetrics(["f1" as "accuracy"]),
    /metrics\[0\] must be "accuracy" or a Metric/,
  );
});
