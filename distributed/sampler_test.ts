import assert from "node:assert/strict";
import fc from "fast-check";
import { DataLoader, TensorDataset } from "@nnc/datasets";
import { arange } from "@nnc/tensor";
import { DistributedSampler } from "./mod.ts";

const shards = (
  n: number,
  replicas: number,
  options: { seed?: number; dropLast?: boolean; shuffle?: boolean } = {},
) =>
  Array.from(
    { length: replicas },
    (_, rank) => new DistributedSampler(n, { numReplicas: replicas, rank, ...options }),
  );

Deno.test("DistributedSampler: strided shards of the order; padding repeats the order's start", () => {
  const [a, b, c] = shards(7, 3, { shuffle: false });
  assert.deepEqual([...a], [0, 3, 6]);
  assert.deepEqual([...b], [1, 4, 0]);
  assert.deepEqual([...c], [2, 5, 1]);
  assert.equal(a.length, 3);
  const dropped = shards(7, 3, { shuffle: false, dropLast: true });
  assert.deepEqual(dropped.map((s) => [...s]), [[0, 3], [1, 4], [2, 5]]);
  // More replicas than samples: the order wraps around as often as needed.
  assert.deepEqual(shards(2, 5, { shuffle: false }).map((s) => [...s]), [[0], [1], [0], [1], [0]]);
});

Deno.test("property: one epoch's shards are disjoint and cover the data set (dropLast: exactly)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 200 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.integer({ min: 0, max: 5 }),
      (n, replicas, seed, epoch) => {
        const all = shards(n, replicas, { seed });
        const seen = all.flatMap((s) => [...s.indices(epoch)]);
        assert.equal(seen.length, Math.ceil(n / replicas) * replicas);
        assert.deepEqual([...new Set(seen)].sort((x, y) => x - y), [...Array(n).keys()]);
        // Only the padding repeats: exactly totalSize − n duplicates.
        assert.equal(seen.length - new Set(seen).size, all[0].totalSize - n);
        const exact = shards(n, replicas, { seed, dropLast: true }).flatMap((
          s,
        ) => [...s.indices(epoch)]);
        assert.equal(new Set(exact).size, exact.length);
        assert.equal(exact.length, Math.floor(n / replicas) * replicas);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("DistributedSampler: a new shuffle every epoch, the same on every rank for a seed", () => {
  const [r0, r1] = shards(20, 2, { seed: 5 });
  const e0 = [...r0], e1 = [...r0];
  assert.notDeepEqual(e0, e1, "iterating advances the epoch: a new order");
  assert.equal(r0.epoch, 2);
  // Rank 1 reads the same two orders at the odd positions.
  const f0 = [...r1], f1 = [...r1];
  const order0 = e0.flatMap((v, k) => [v, f0[k]]);
  const order1 = e1.flatMap((v, k) => [v, f1[k]]);
  assert.deepEqual([...order0].sort((a, b) => a - b), [...Array(20).keys()]);
  assert.deepEqual([...order1].sort((a, b) => a - b), [...Array(20).keys()]);
  r0.setEpoch(1);
  assert.deepEqual([...r0], e1, "setEpoch replays an epoch");
  assert.notDeepEqual(shards(20, 2, { seed: 6 })[0].indices(0), e0, "another seed, another order");
});

Deno.test("DistributedSampler: rank batches of b together are the one-process batches of N·b", () => {
  const n = 48, b = 4, replicas = 3;
  const ds = new TensorDataset(arange(n));
  const one = new DataLoader(ds, {
    batchSize: replicas * b,
    sampler: new DistributedSampler(ds, { numReplicas: 1, rank: 0, seed: 9 }),
  });
  const ranks = shards(n, replicas, { seed: 9 }).map((s) =>
    new DataLoader(ds, { batchSize: b, sampler: s })
  );
  for (let epoch = 0; epoch < 2; epoch++) {
    const whole = [...one].map(([x]) => (x.toArray() as number[]).sort((p, q) => p - q));
    const parts = ranks.map((l) => [...l].map(([x]) => x.toArray() as number[]));
    assert.equal(whole.length, n / (replicas * b));
    whole.forEach((batch, k) => {
      const union = parts.flatMap((p) => p[k]).sort((p, q) => p - q);
      assert.deepEqual(union, batch, `epoch ${epoch}, batch ${k}`);
    });
  }
});

Deno.test("DistributedSampler: arguments are named", () => {
  assert.throws(
    () => new DistributedSampler(10, { numReplicas: 2, rank: 2 }),
    /DistributedSampler: rank must be an integer in \[0, 1\], got 2/,
  );
  assert.throws(
    () => new DistributedSampler(10, { numReplicas: 0, rank: 0 }),
    /DistributedSampler: numReplicas must be an integer >= 1, got 0/,
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new DistributedSampler("ten" as any, { numReplicas: 1, rank: 0 }),
    (e: unknown) => e instanceof TypeError && /dataset must be a data set/.test(e.message),
  );
  assert.throws(
    () => new DistributedSampler(10, { numReplicas: 1, rank: 0, seed: -1 }),
    /DistributedSampler: seed must be an integer in \[0, 4294967295\], got -1/,
  );
  assert.throws(
    () => new DistributedSampler(4, { numReplicas: 1, rank: 0 }).setEpoch(1.5),
    /DistributedSampler.setEpoch: epoch must be an integer >= 0, got 1.5/,
  );
});
