import assert from "node:assert/strict";
import fc from "fast-check";
import { arange, array } from "@nnc/tensor";
import { type Dataset, randomSplit, Subset, TensorDataset } from "./dataset.ts";

Deno.test("TensorDataset returns row views of every array", () => {
  const x = arange(12).reshape(4, 3);
  const ds = new TensorDataset(x, array([1, 0, 1, 0], { dtype: "int32" }));
  assert.equal(ds.length, 4);
  const [row, label] = ds.get(2);
  assert.deepEqual(row.toArray(), [6, 7, 8]);
  assert.equal(row.storage, x.storage);
  assert.equal(label.item(), 1);
  // Non-contiguous arrays are made contiguous once.
  const t = new TensorDataset(arange(6).reshape(2, 3).transpose());
  assert.ok(t.arrays[0].isContiguous);
  assert.deepEqual(t.get(1)[0].toArray(), [1, 4]);
});

Deno.test("TensorDataset validates its arrays and indices", () => {
  assert.throws(() => new TensorDataset(), /at least one array/);
  assert.throws(
    () => new TensorDataset(arange(3), arange(4)),
    /array 1 has 4 rows but array 0 has 3/,
  );
  assert.throws(() => new TensorDataset(array(1)), /0-d/);
  assert.throws(
    () => new TensorDataset([1, 2] as never),
    /argument 0 is an array of length 2, expected an NDArray/,
  );
  assert.throws(
    () => new TensorDataset(arange(3)).get(3),
    /index 3 is out of range for length 3/,
  );
  assert.throws(() => new TensorDataset(arange(3)).get(-1), RangeError);
});

Deno.test("Subset maps indices; randomSplit partitions by counts or fractions", () => {
  const base: Dataset<number> = { length: 10, get: (i) => i * 10 };
  const sub = new Subset(base, [3, 3, 9]);
  assert.deepEqual([0, 1, 2].map((i) => sub.get(i)), [30, 30, 90]);
  assert.throws(() => new Subset(base, [10]), /index 10 at position 0 is out of range/);
  assert.throws(() => new Subset({} as Dataset<number>, []), /expected a Dataset/);

  const parts = randomSplit(base, [0.5, 0.3, 0.2], { seed: 1 });
  assert.deepEqual(parts.map((p) => p.length), [5, 3, 2]);
  const all = parts.flatMap((p) => Array.from({ length: p.length }, (_, i) => p.get(i)));
  assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i * 10));
  assert.deepEqual(randomSplit(base, [4, 6], { seed: 1 }).map((p) => p.length), [4, 6]);
  // PyTorch gives the rounding remainder to the first parts, round-robin.
  assert.deepEqual(
    randomSplit({ length: 7, get: (i) => i }, [1 / 3, 1 / 3, 1 / 3], { seed: 0 }).map((p) =>
      p.length
    ),
    [3, 2, 2],
  );
  assert.throws(
    () => randomSplit(base, [3, 3]),
    /neither sum to the data set's length 10 nor are fractions summing to 1/,
  );
});

Deno.test("property: randomSplit is a seeded partition", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 50 }),
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      (n, weights, seed) => {
        const total = weights.reduce((a, b) => a + b);
        const ds: Dataset<number> = { length: n, get: (i) => i };
        const parts = randomSplit(ds, weights.map((w) => w / total), { seed });
        const seen = parts.flatMap((p) => [...p.indices]);
        assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
        assert.deepEqual(
          parts.map((p) => [...p.indices]),
          randomSplit(ds, weights.map((w) => w / total), { seed }).map((p) => [...p.indices]),
        );
      },
    ),
  );
});

Deno.test("randomSplit names itself for null options", () => {
  assert.throws(
    () => randomSplit(new TensorDataset(arange(4)), [4], null as never),
    /^TypeError: randomSplit: options must be an object, got null$/,
  );
});
