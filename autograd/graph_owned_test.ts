import assert from "node:assert/strict";
import { emptyStoragePool, Rng, storagePoolStats } from "@nnc/tensor";
import { backward, gradients, isGraphOwned, markGraphOwned, randn, type Tensor } from "./mod.ts";

// 2^18 float32 = 1 MiB, well above the storage pool's smallest array.
const N = 1 << 18;

function leaf(seed: number): Tensor {
  return randn([N], { rng: new Rng(seed), requiresGrad: true });
}

/** Runs `f(w)` forward and backward, returning w's gradient and the pool's new releases. */
function run(f: (w: Tensor) => Tensor, options: { retainGraph?: boolean } = {}) {
  emptyStoragePool();
  const w = leaf(1);
  const before = storagePoolStats().releases;
  backward(f(w).sum(), undefined, options);
  return { grad: Array.from(w.grad!.data.data), releases: storagePoolStats().releases - before };
}

Deno.test("a marked intermediate goes to the pool after backward, detached, the gradient unchanged", () => {
  let hidden: Tensor | null = null;
  const f = (mark: boolean) => (w: Tensor) => {
    const h = w.mul(3);
    if (mark) markGraphOwned(h);
    hidden = h;
    return h.tanh().mul(w);
  };
  const plain = run(f(false));
  assert.equal(hidden!.data.data.length, N); // unmarked: still readable
  const marked = run(f(true));
  assert.equal(marked.releases - plain.releases, 1);
  assert.ok(hidden!.data.disposed); // released: detached, never someone else's values
  assert.throws(() => hidden!.data.sum(), /given back/);
  assert.deepEqual(marked.grad, plain.grad);
});

Deno.test("nothing marked is released when the graph is kept or recorded", () => {
  let h: Tensor | null = null;
  const f = (w: Tensor) => (h = markGraphOwned(w.mul(2))).exp();
  run(f, { retainGraph: true });
  assert.equal(h!.data.data.length, N);
  const w = leaf(2);
  const [g] = gradients(f(w).sum(), [w], { createGraph: true });
  assert.equal(h!.data.data.length, N);
  assert.equal(g?.shape[0], N);
});

Deno.test("an array shared with a tensor that is not marked stays (views, leaves, constants)", () => {
  // The marked tensor's array is also seen through an unmarked view used by the graph.
  let h: Tensor | null = null;
  run((w) => {
    h = markGraphOwned(w.mul(2));
    return h.reshape([2, N / 2]).exp().sum({ axis: 0 }).mul(h.slice({ stop: N / 2 }).exp());
  });
  assert.equal(h!.data.data.length, N);
  // A marked view of a leaf: the leaf's own array must never go.
  const w = leaf(3);
  backward(markGraphOwned(w.reshape([N / 2, 2])).exp().sum());
  assert.equal(w.data.data.length, N);
  // A marked view of a constant (no graph node of its own) read by a recorded op.
  const c = randn([N], { rng: new Rng(4) });
  const v = markGraphOwned(c.reshape([N]));
  backward(v.mul(leaf(5)).sum());
  assert.equal(c.data.data.length, N);
});

Deno.test("markGraphOwned marks, unmarks and rejects what is not a Tensor", () => {
  const t = randn([3], { rng: new Rng(6) });
  assert.equal(isGraphOwned(t), false);
  assert.equal(markGraphOwned(t), t);
  assert.equal(isGraphOwned(t), true);
  markGraphOwned(t, false);
  assert.equal(isGraphOwned(t), false);
  assert.throws(
    () => markGraphOwned([1, 2] as unknown as Tensor),
    /markGraphOwned: expected a Tensor, got/,
  );
});

Deno.test("a marked value goes back as soon as the last node that reads it has run", () => {
  emptyStoragePool();
  const w = leaf(6);
  const h1 = markGraphOwned(w.mul(3));
  const h2 = markGraphOwned(h1.tanh());
  const seen: boolean[] = [];
  // w's gradient is complete once mul (h1's node) has run: tanh and sum, the only readers of h2,
  // ran before it, so h2's array is back in the pool while h1's is still mul's.
  w.registerPostAccumulateGradHook(() => seen.push(h2.data.disposed, h1.data.disposed));
  backward(h2.sum());
  assert.deepEqual(seen, [true, false]);
  assert.ok(h1.data.disposed);
  const expected = Array.from(randn([N], { rng: new Rng(6) }).data.data, (x) => {
    const t = Math.tanh(Math.fround(3 * x));
    return Math.fround(3 * Math.fround(1 - Math.fround(t * t)));
  });
  const got = Array.from(w.grad!.data.data);
  const worst = got.reduce((m, g, i) => Math.max(m, Math.abs(g - expected[i])), 0);
  assert.ok(worst < 1e-5, `largest difference from 3·(1 − tanh²(3w)) ${worst}`);
});
