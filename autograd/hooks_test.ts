import assert from "node:assert/strict";
import fc from "fast-check";
import { gradients, queueBackwardCallback, type Tensor, tensor } from "./mod.ts";

Deno.test("post-accumulate hook: fires once per pass, with the complete gradient of every use", () => {
  const x = tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
  const seen: number[][] = [];
  x.registerPostAccumulateGradHook((t) => seen.push(t.grad!.toArray() as number[]));
  // y = Σ (x·x + 3x + x): three uses of x, gradient 2x + 4.
  x.mul(x).add(x.mul(3)).add(x).sum().backward();
  assert.deepEqual(seen, [[6, 8, 10]]);
  // A second pass accumulates into grad: the hook sees the sum of both passes.
  x.mul(x).sum().backward();
  assert.deepEqual(seen[1], [8, 12, 16]);
});

Deno.test("post-accumulate hooks fire as backward completes each leaf: last layer first", () => {
  const w1 = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const w2 = tensor([[1], [-1]], { requiresGrad: true });
  const order: string[] = [];
  w1.registerPostAccumulateGradHook(() => order.push("w1"));
  w2.registerPostAccumulateGradHook(() => order.push("w2"));
  const x = tensor([[1, 1]]);
  x.matmul(w1).relu().matmul(w2).sum().backward();
  assert.deepEqual(order, ["w2", "w1"]);
  // w2 is complete before backward reaches w1: its hook saw a finished gradient.
  assert.deepEqual(w2.grad!.toArray(), [[4], [6]]);
});

Deno.test("post-accumulate hooks: none for unused leaves, none for gradients(), leaf roots fire", () => {
  const used = tensor([2], { requiresGrad: true });
  const unused = tensor([5], { requiresGrad: true });
  let calls = 0;
  used.registerPostAccumulateGradHook(() => calls++);
  unused.registerPostAccumulateGradHook(() => {
    throw new Error("an unused leaf received no gradient: its hook must not run");
  });
  used.mul(3).sum().backward();
  assert.equal(calls, 1);
  assert.equal(unused.grad, null);
  gradients(used.mul(used).sum(), used);
  assert.equal(calls, 1, "gradients() leaves grad alone and fires no hook");
  used.backward(tensor([1]));
  assert.equal(calls, 2, "backward on the leaf itself completes its gradient");
});

Deno.test("post-accumulate hook: remove() unregisters, misuse is named", () => {
  const w = tensor([1], { requiresGrad: true });
  let calls = 0;
  const handle = w.registerPostAccumulateGradHook(() => calls++);
  handle.remove();
  handle.remove();
  w.mul(2).sum().backward();
  assert.equal(calls, 0);
  assert.throws(
    () => w.mul(2).registerPostAccumulateGradHook(() => {}),
    /registerPostAccumulateGradHook: only leaf tensors .* made by 'mul'/,
  );
  assert.throws(
    () => tensor([1]).registerPostAccumulateGradHook(() => {}),
    /registerPostAccumulateGradHook: .*a leaf that does not require grad/,
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => w.registerPostAccumulateGradHook(1 as any),
    (e: unknown) => e instanceof TypeError && /expected a function/.test(e.message),
  );
});

Deno.test("queueBackwardCallback: runs once after every hook of the pass, in order", () => {
  const a = tensor([1], { requiresGrad: true });
  const b = tensor([2], { requiresGrad: true });
  const log: string[] = [];
  let queued = false;
  const hook = (name: string) => () => {
    log.push(name);
    if (!queued) {
      queued = true;
      queueBackwardCallback(() => {
        log.push(`end: a ${a.grad!.item()}, b ${b.grad!.item()}`);
        queueBackwardCallback(() => log.push("queued by a callback"));
      });
    }
  };
  a.registerPostAccumulateGradHook(hook("a"));
  b.registerPostAccumulateGradHook(hook("b"));
  a.mul(b).mul(b).sum().backward(); // d/da = b² = 4, d/db = 2ab = 4
  assert.deepEqual(log.slice(-2), ["end: a 4, b 4", "queued by a callback"]);
  assert.deepEqual(log.slice(0, 2).sort(), ["a", "b"]);
  assert.throws(() => queueBackwardCallback(() => {}), /no backward pass is running/);
});

Deno.test("property: each hooked leaf fires exactly once with the gradient backward stores", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }),
      (uses) => {
        // A chain that uses leaves in the given order: y = Σ_k leaf[uses[k]] · (k + 1)·acc_k
        const leaves = [0, 1, 2, 3].map((i) => tensor([i + 1], { requiresGrad: true }));
        const fired = new Map<Tensor, number[]>();
        for (const l of leaves) {
          l.registerPostAccumulateGradHook((t) => {
            fired.set(t, [...(fired.get(t) ?? []), t.grad!.item()]);
          });
        }
        let y: Tensor = tensor([1]);
        uses.forEach((u, k) => {
          y = y.mul(leaves[u]).add(k);
        });
        y.sum().backward();
        for (const l of leaves) {
          const got = fired.get(l);
          if (uses.includes(leaves.indexOf(l))) {
            assert.equal(got?.length, 1);
            assert.equal(got[0], l.grad!.item());
          } else assert.equal(got, undefined);
        }
      },
    ),
    { numRuns: 50 },
  );
});
