import assert from "node:assert/strict";
import fc from "fast-check";
import { arange, array, type NDArray, Rng } from "@nnc/tensor";
import { DataLoader } from "./data_loader.ts";
import { type Dataset, Subset, TensorDataset } from "./dataset.ts";
import { gaussianNoise, horizontalFlip } from "./transforms.ts";

function tensorSet(n: number) {
  return new TensorDataset(arange(n * 3).reshape(n, 3), arange(n).mul(10).astype("int32"));
}

Deno.test("DataLoader batches in order, with a short last batch unless dropLast", () => {
  const loader = new DataLoader(tensorSet(5), { batchSize: 2 });
  const batches = [...loader];
  assert.equal(loader.length, 3);
  assert.deepEqual(batches.map(([x]) => x.shape), [[2, 3], [2, 3], [1, 3]]);
  assert.deepEqual(batches[1][0].toArray(), [[6, 7, 8], [9, 10, 11]]);
  assert.deepEqual(batches.map(([, y]) => y.toArray()), [[0, 10], [20, 30], [40]]);
  assert.equal(batches[0][1].dtype, "int32");
  const dropped = new DataLoader(tensorSet(5), { batchSize: 2, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.equal([...dropped].length, 2);
  assert.equal([...new DataLoader(tensorSet(0), { batchSize: 4 })].length, 0);
});

Deno.test("DataLoader shuffles with a seed: a new order each epoch, the same sequence for the same seed", () => {
  const order = (loader: DataLoader<NDArray[]>) =>
    [...loader].flatMap(([, y]) => (y.toArray() as number[]).map((v) => v / 10));
  const a = new DataLoader(tensorSet(20), { batchSize: 3, shuffle: true, seed: 42 });
  const b = new DataLoader(tensorSet(20), { batchSize: 3, shuffle: true, seed: 42 });
  const e1 = order(a), e2 = order(a);
  assert.deepEqual([...e1].sort((p, q) => p - q), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(e1, e2);
  assert.deepEqual(order(b), e1);
  assert.deepEqual(order(b), e2);
  // The order is the generator's permutation.
  assert.deepEqual(e1, [...new Rng(42).permutation(20)]);
  const c = new DataLoader(tensorSet(20), { batchSize: 3, shuffle: true, rng: new Rng(42) });
  assert.deepEqual(order(c), e1);
});

Deno.test("DataLoader works with for await", async () => {
  const seen: number[] = [];
  for await (const [, y] of new DataLoader(tensorSet(7), { batchSize: 4 })) {
    seen.push(...(y.toArray() as number[]));
  }
  assert.deepEqual(seen, [0, 10, 20, 30, 40, 50, 60]);
});

Deno.test("DataLoader gathers through Subsets of a TensorDataset", () => {
  const sub = new Subset(new Subset(tensorSet(10), [9, 8, 7, 6, 5]), [4, 0, 2]);
  const [[x, y]] = [...new DataLoader(sub, { batchSize: 8 })];
  assert.deepEqual(y.toArray(), [50, 90, 70]);
  assert.deepEqual(x.toArray(), [[15, 16, 17], [27, 28, 29], [21, 22, 23]]);
  // Wide rows take the bulk-copy path.
  const wide = new TensorDataset(arange(4 * 40).reshape(4, 2, 20));
  const [[w]] = [...new DataLoader(new Subset(wide, [3, 1]), { batchSize: 2 })];
  assert.deepEqual(w.toArray(), [wide.get(3)[0].toArray(), wide.get(1)[0].toArray()]);
});

Deno.test("DataLoader collates general datasets: arrays, numbers and tuples", () => {
  const ds: Dataset<[NDArray, number]> = { length: 3, get: (i) => [array([i, -i]), i] };
  const [[x, y], [x2, y2]] = [...new DataLoader(ds, { batchSize: 2 })];
  assert.deepEqual(x.toArray(), [[0, -0], [1, -1]]);
  assert.equal(y.dtype, "int32");
  assert.deepEqual(y.toArray(), [0, 1]);
  assert.deepEqual(x2.shape, [1, 2]);
  assert.deepEqual(y2.toArray(), [2]);
  const floats: Dataset<number> = { length: 2, get: (i) => i + 0.5 };
  const [f] = [...new DataLoader(floats, { batchSize: 2 })];
  assert.equal(f.dtype, "float32");
  assert.deepEqual(f.toArray(), [0.5, 1.5]);
  const ragged: Dataset<NDArray> = { length: 2, get: (i) => arange(i + 1) };
  assert.throws(
    () => [...new DataLoader(ragged, { batchSize: 2 })],
    /sample 1 is int32 \[2\] but the first sample is int32 \[1\]/,
  );
  const bad: Dataset<string> = { length: 1, get: () => "x" };
  assert.throws(() => [...new DataLoader(bad)], /cannot batch samples of type "x"/);
});

Deno.test("DataLoader applies seeded transforms to inputs and targets", () => {
  const ds = new TensorDataset(arange(8).reshape(2, 1, 4).astype("float32"), array([0, 1]));
  const run = (
    seed: number,
  ) => [
    ...new DataLoader(ds, {
      batchSize: 2,
      seed,
      transform: horizontalFlip(0.5),
      targetTransform: gaussianNoise(1),
    }),
  ];
  const a = run(3), b = run(3);
  assert.deepEqual(a[0][0].toArray(), b[0][0].toArray());
  assert.deepEqual(a[0][1].toArray(), b[0][1].toArray());
  assert.notDeepEqual(a[0][1].toArray(), [0, 1]);
  // Each sample is either unchanged or mirrored.
  (a[0][0].toArray() as number[][][]).forEach((s, i) => {
    const orig = [0, 1, 2, 3].map((k) => 4 * i + k);
    assert.ok(
      JSON.stringify(s[0]) === JSON.stringify(orig) ||
        JSON.stringify(s[0]) === JSON.stringify([...orig].reverse()),
    );
  });
  // The dataset itself is never modified.
  assert.deepEqual(ds.arrays[0].toArray(), arange(8).reshape(2, 1, 4).toArray());
  // Shuffling order does not depend on whether transforms are used.
  const plain = [...new DataLoader(tensorSet(9), { batchSize: 9, shuffle: true, seed: 5 })][0][1]
    .toArray();
  const withT = [
    ...new DataLoader(tensorSet(9), {
      batchSize: 9,
      shuffle: true,
      seed: 5,
      transform: horizontalFlip(0.5),
    }),
  ][0][1].toArray();
  assert.deepEqual(withT, plain);
});

Deno.test("DataLoader validates its options", () => {
  const ds = tensorSet(3);
  assert.throws(
    () => new DataLoader(ds, { batchSize: 0 }),
    /batchSize must be an integer in \[1, 2147483647\]/,
  );
  assert.throws(
    () => new DataLoader(ds, { shuffle: 1 as unknown as boolean }),
    /shuffle must be a boolean/,
  );
  assert.throws(
    () => new DataLoader(ds, { transform: 3 as never }),
    /transform must be a function/,
  );
  assert.throws(() => new DataLoader({ length: -1, get: () => 0 }), /expected a Dataset/);
  const single: Dataset<NDArray> = { length: 1, get: () => arange(2) };
  assert.throws(
    () => [...new DataLoader(single, { targetTransform: gaussianNoise(1) })],
    /targetTransform needs samples/,
  );
});

Deno.test("property: an epoch visits every sample exactly once, in batches of batchSize", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 1, max: 12 }),
      fc.boolean(),
      fc.boolean(),
      fc.nat(),
      (n, bs, shuffle, dropLast, seed) => {
        const loader = new DataLoader(tensorSet(n), { batchSize: bs, shuffle, dropLast, seed });
        const batches = [...loader];
        assert.equal(batches.length, loader.length);
        const ids = batches.flatMap(([x, y]) => {
          assert.ok(dropLast ? y.size === bs : y.size <= bs && y.size > 0);
          (x.toArray() as number[][]).forEach((row, i) =>
            assert.deepEqual(row, [0, 1, 2].map((k) => y.get(i) / 10 * 3 + k))
          );
          return y.toArray() as number[];
        });
        assert.equal(new Set(ids).size, ids.length);
        assert.equal(ids.length, dropLast ? Math.floor(n / bs) * bs : n);
      },
    ),
  );
});

Deno.test("DataLoader: MNIST's 60000 images in mini-batches of 10 give 6000 updates per epoch, each on 1/6000 of the data", () => {
  // spec: 002-part-a/3a.L2804
  // spec: 002-part-b/G14
  const mnistSized = new TensorDataset(arange(60000).reshape(60000, 1));
  const full = new DataLoader(mnistSized, { batchSize: 60000 });
  const mini = new DataLoader(mnistSized, { batchSize: 10, shuffle: true, seed: 1 });
  assert.equal(full.length, 1);
  assert.equal(mini.length, 6000);
  // Each update reads 10 examples instead of 60000: 6000× less work per step.
  let batches = 0, seen = 0;
  for (const [x] of mini) {
    assert.equal(x.shape[0], 10);
    batches++;
    seen += x.shape[0];
  }
  assert.equal(batches, 6000);
  assert.equal(seen, 60000);
  assert.equal(60000 / 10, 6000);
});

Deno.test("DataLoader with a sampler: visits the sampler's indices of each epoch, in order", () => {
  let epoch = 0;
  const sampler = {
    length: 5,
    *[Symbol.iterator]() {
      // A new order every epoch: rotated by the epoch number.
      const e = epoch++;
      for (let k = 0; k < 5; k++) yield (2 * k + e) % 7;
    },
  };
  const ds = new TensorDataset(arange(7).mul(10), arange(7));
  const loader = new DataLoader(ds, { batchSize: 2, sampler });
  assert.equal(loader.length, 3);
  const epochOne = [...loader].map(([x]) => x.toArray());
  assert.deepEqual(epochOne, [[0, 20], [40, 60], [10]]);
  const epochTwo = [...loader].map(([, y]) => y.toArray());
  assert.deepEqual(epochTwo, [[1, 3], [5, 0], [2]]);
  const dropped = new DataLoader(ds, { batchSize: 2, sampler, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.equal([...dropped].length, 2);
});

Deno.test("DataLoader with a sampler: bad samplers and indices are named", () => {
  const ds = new TensorDataset(arange(3));
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new DataLoader(ds, { sampler: { length: 2 } as any }),
    /DataLoader: sampler must be an iterable of indices with a length, got an object/,
  );
  // A plain array of indices is a sampler (the same order every epoch).
  assert.deepEqual([...new DataLoader(ds, { batchSize: 2, sampler: [2, 0] })][0][0].toArray(), [
    2,
    0,
  ]);
  assert.throws(
    () => new DataLoader(ds, { sampler: { length: 1, *[Symbol.iterator]() {} }, shuffle: true }),
    (e: unknown) =>
      e instanceof TypeError && /sampler and shuffle exclude each other/.test(e.message),
  );
  const outside = {
    length: 2,
    *[Symbol.iterator]() {
      yield* [0, 3];
    },
  };
  assert.throws(
    () => [...new DataLoader(ds, { sampler: outside })],
    /DataLoader: sampler index 1 is 3, not a sample of a data set of 3/,
  );
});
