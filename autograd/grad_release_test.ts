import assert from "node:assert/strict";
import { emptyStoragePool, Rng, storagePoolStats } from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import {
  applyPrimitive,
  backward,
  peekGrad,
  type Primitive,
  randn,
  releaseGrad,
  Tensor,
  tensor,
} from "./mod.ts";

// 2^18 float32 = 1 MiB, well above the storage pool's smallest array.
const N = 1 << 18;

function leaf(seed = 1, n = N): Tensor {
  return randn([n], { rng: new Rng(seed), requiresGrad: true });
}

/** w's gradient of Σ tanh(3w)·w: a fresh array made by the pass. */
function fill(w: Tensor): void {
  w.mul(3).tanh().mul(w).sum().backward();
}

function releases(): number {
  return storagePoolStats().releases;
}

Deno.test("releaseGrad: a gradient nobody read goes to the pool, detached; one read stays", () => {
  emptyStoragePool();
  const w = leaf();
  fill(w);
  const peeked = peekGrad(w)!;
  const want = Array.from(peeked.data.data); // a copy: peekGrad does not hand the gradient over
  let before = releases();
  assert.equal(releaseGrad(w), true);
  assert.equal(releases() - before, 1);
  assert.equal(w.grad, null);
  assert.ok(peeked.data.disposed); // detached: never another tensor's values
  assert.throws(() => peeked.data.data, /given back/);
  assert.equal(releaseGrad(w), false); // nothing left to clear

  fill(w);
  const kept = w.grad!; // read through `grad`: the caller may keep it
  before = releases();
  assert.equal(releaseGrad(w), false);
  assert.equal(releases(), before);
  assert.equal(w.grad, null);
  assert.deepEqual(Array.from(kept.data.data), want);
});

Deno.test("releaseGrad: the next backward pass reuses the released array, values unchanged", () => {
  emptyStoragePool();
  const a = leaf(), b = leaf();
  fill(a);
  fill(b);
  const want = Array.from(b.grad!.data.data);
  const hits = storagePoolStats().hits;
  for (let k = 0; k < 3; k++) {
    releaseGrad(a);
    fill(a);
  }
  assert.ok(storagePoolStats().hits - hits >= 3);
  assert.deepEqual(Array.from(a.grad!.data.data), want);
});

Deno.test("releaseGrad: nothing recycled for a caller's gradient, createGraph, a hook's read, a small array", () => {
  emptyStoragePool();
  /** releaseGrad(t)'s answer, checked against the pool's count. */
  const release = (t: Tensor) => {
    const before = releases();
    const done = releaseGrad(t);
    assert.equal(releases() - before, done ? 1 : 0);
    return done;
  };
  const w = leaf();
  w.grad = tensor(new Float32Array(N)); // set by the caller
  assert.equal(release(w), false);

  backward(w.mul(w).sum(), undefined, { createGraph: true }); // a graph value
  assert.equal(release(w), false);

  const hooked = leaf(2);
  let seen: Tensor | null = null;
  hooked.registerPostAccumulateGradHook((t) => {
    seen = t.grad; // a hook reading `grad` takes it over
  });
  fill(hooked);
  assert.equal(release(hooked), false);
  assert.equal(seen!.data.data.length, N);

  const small = leaf(3, 1024);
  fill(small);
  assert.equal(release(small), false); // below STORAGE_POOL_MIN_BYTES
});

Deno.test("releaseGrad: an accumulated gradient is recyclable; a seed's array is not", () => {
  emptyStoragePool();
  const w = leaf();
  fill(w);
  fill(w); // grad = previous + new: a fresh array made by the second pass
  let before = releases();
  assert.equal(releaseGrad(w), true);
  assert.equal(releases() - before, 1);

  // A leaf as the root: its gradient is the caller's seed, copied, and the copy was made by the pass.
  const seed = new Tensor(randn([N], { rng: new Rng(4) }).data);
  const x = leaf(5);
  backward(x, seed);
  before = releases();
  assert.equal(releaseGrad(x), true);
  assert.equal(seed.data.data.length, N); // the caller's seed is untouched
  assert.equal(releases() - before, 1);
});

Deno.test("releaseGrad: a gradient array the pass did not allocate (a primitive's kept tensor) stays", () => {
  emptyStoragePool();
  // A custom primitive whose vjp returns a tensor it made before the pass and still holds.
  const slope = randn([N], { rng: new Rng(6) });
  const scaled: Primitive = {
    name: "scaled",
    forward: ([x]: readonly NDArray[]) => x,
    vjp: () => [slope],
    jvp: () => null,
  };
  const w = leaf();
  applyPrimitive(scaled, [w], undefined).sum().backward();
  assert.equal(peekGrad(w)!.data.data, slope.data.data); // taken over as PyTorch does, not copied
  assert.equal(releaseGrad(w), false);
  assert.equal(slope.data.data.length, N);
});

Deno.test("peekGrad and releaseGrad: a clear error for a non-tensor", () => {
  assert.throws(() => peekGrad(3 as unknown as Tensor), /peekGrad: expected a Tensor, got 3/);
  assert.throws(() => releaseGrad(null as unknown as Tensor), /releaseGrad: expected a Tensor/);
});
