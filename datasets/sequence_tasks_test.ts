import assert from "node:assert/strict";
import { copyTask, reverseTask } from "./sequence_tasks.ts";

Deno.test("copyTask targets equal the inputs; tokens are uniform over the vocabulary", () => {
  const { x, y } = copyTask({ n: 2000, length: 5, vocabSize: 4, seed: 0 });
  assert.deepEqual(x.shape, [2000, 5]);
  assert.equal(x.dtype, "int32");
  assert.deepEqual([...y.data], [...x.data]);
  assert.notEqual(x.data, y.data);
  const counts = [0, 0, 0, 0];
  for (const t of x.data) counts[t]++;
  assert.ok(counts.every((c) => Math.abs(c - 2500) < 150), String(counts));
});

Deno.test("reverseTask targets are the reversed inputs, and both are seeded", () => {
  const { x, y } = reverseTask({ n: 50, length: 7, vocabSize: 20, seed: 3 });
  const xs = x.toArray() as number[][], ys = y.toArray() as number[][];
  xs.forEach((row, i) => assert.deepEqual(ys[i], [...row].reverse()));
  assert.deepEqual(
    x.toArray(),
    reverseTask({ n: 50, length: 7, vocabSize: 20, seed: 3 }).x.toArray(),
  );
  assert.deepEqual(copyTask({ n: 50, length: 7, vocabSize: 20, seed: 3 }).x.toArray(), x.toArray());
  assert.throws(() => copyTask({ length: 0 }), /length must be an integer in \[1, 2147483647\]/);
  assert.throws(
    () => reverseTask({ vocabSize: 0 }),
    /vocabSize must be an integer in \[1, 2147483647\]/,
  );
});
