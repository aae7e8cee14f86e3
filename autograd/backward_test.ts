import assert from "node:assert/strict";
import * as ag from "./mod.ts";
import { backward, gradients, type Tensor, tensor } from "./mod.ts";

Deno.test("a chain of 100,000 ops backpropagates without recursion", () => {
  const x = tensor([1], { dtype: "float64", requiresGrad: true });
  let y: Tensor = x;
  for (let i = 0; i < 100_000; i++) y = y.add(1);
  y.sum().backward();
  assert.equal(y.item(), 100_001);
  assert.deepEqual(x.grad?.toArray(), [1]);
});

Deno.test("a 10,000-step recurrence: reverse mode equals forward mode", () => {
  const step = (w: Tensor): Tensor => {
    let h: Tensor = ag.zeros([1], { dtype: "float64" });
    for (let t = 0; t < 10_000; t++) h = h.mul(w).add(0.1).tanh();
    return h.sum();
  };
  const w = tensor([0.5], { dtype: "float64", requiresGrad: true });
  step(w).backward();
  const { tangent } = ag.jvp(
    step,
    tensor([0.5], { dtype: "float64" }),
    tensor([1], { dtype: "float64" }),
  );
  assert.ok(Math.abs((w.grad as Tensor).item() - (tangent as Tensor).item()) < 1e-12);
  assert.ok((w.grad as Tensor).item() > 0);
});

Deno.test("a tensor used 1,000 times gets the summed gradient", () => {
  const x = tensor([2], { dtype: "float64", requiresGrad: true });
  const uses: Tensor[] = [];
  for (let i = 0; i < 1000; i++) uses.push(x.mul(i));
  ag.stack(uses).sum().backward();
  assert.equal(x.grad?.item(), 499_500);
  const y = tensor([3], { dtype: "float64", requiresGrad: true });
  let s: Tensor = y;
  for (let i = 1; i < 1000; i++) s = s.add(y);
  s.sum().backward();
  assert.equal(y.grad?.item(), 1000);
});

Deno.test("the graph is freed after backward unless retainGraph (createGraph implies it)", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(x).sum();
  y.backward();
  assert.ok(y.gradFn?.freed);
  assert.throws(
    () => y.backward(),
    /backward: the graph through 'sum' was already freed.*retainGraph: true/,
  );
  const z = x.exp().sum();
  z.backward(undefined, { retainGraph: true });
  z.backward();
  assert.deepEqual(
    x.grad?.toArray(),
    [2 + 2 * Math.fround(Math.E), 4 + 2 * Math.fround(Math.exp(2))].map(Math.fround),
  );
  const w = x.sin().sum();
  w.backward(undefined, { createGraph: true });
  assert.doesNotThrow(() => w.backward());
});

Deno.test("leaf gradients accumulate across backward calls and own their storage", () => {
  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3, 4], { requiresGrad: true });
  a.add(b).sum().backward();
  a.add(b).sum().backward();
  assert.deepEqual(a.grad?.toArray(), [2, 2]);
  assert.notEqual(a.grad?.data.storage, b.grad?.data.storage);
  a.grad = null;
  a.mul(3).sum().backward();
  const g = a.grad as Tensor | null;
  assert.deepEqual(g?.toArray(), [3, 3]);
  assert.equal(g?.requiresGrad, false);
});

Deno.test("retainGrad keeps a non-leaf gradient; gradients() returns without touching grad", () => {
  const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const h = x.mul(3).retainGrad();
  h.square().sum().backward();
  assert.deepEqual(h.grad?.toArray(), [6, 12]);
  assert.deepEqual(x.grad?.toArray(), [18, 36]);
  const u = tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const m = u.mul(u);
  const [gm, gu] = gradients([m.sum(), m.mul(2)], [m, u], {
    gradOutputs: [1, tensor([1, 0], { dtype: "float64" })],
  });
  assert.deepEqual(gm?.toArray(), [3, 1]);
  assert.deepEqual(gu?.toArray(), [6, 4]);
  assert.equal(u.grad, null);
});

Deno.test("createGraph gives higher derivatives: (x³)' = 3x², '' = 6x, ''' = 6", () => {
  const x = tensor([2], { dtype: "float64", requiresGrad: true });
  const [d1] = gradients(x.pow(3).sum(), x, { createGraph: true });
  const [d2] = gradients((d1 as Tensor).sum(), x, { createGraph: true });
  const [d3] = gradients((d2 as Tensor).sum(), x);
  assert.deepEqual([d1?.item(), d2?.item(), d3?.item()], [12, 12, 6]);
});

Deno.test("backward errors name the problem", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  assert.throws(
    () => x.mul(2).backward(),
    /backward: a gradient can be implied only for one-element outputs, got shape \[2\]/,
  );
  assert.throws(
    () => backward(x.mul(2), tensor([1, 2, 3])),
    /backward: gradient shape \[3\] differs from output shape \[2\]/,
  );
  assert.throws(() => tensor([1]).backward(), /backward: the tensor does not require grad/);
  const y = tensor([1], { requiresGrad: true });
  assert.throws(() => gradients(x.sum(), y), /gradients: inputs\[0\] of shape \[1\] was not used/);
  assert.deepEqual(gradients(x.sum(), [y], { allowUnused: true }), [null]);
  assert.throws(
    () => gradients(x.sum(), tensor([1])),
    /gradients: inputs\[0\] of shape \[1\] does not require grad/,
  );
});

Deno.test("grads taken over from vjps never share storage", () => {
  // add's vjp hands the same gradient to both inputs; a reshape's vjp passes a view of it on.
  const a = tensor([1, 2, 3], { requiresGrad: true });
  const b = tensor([4, 5, 6], { requiresGrad: true });
  const c = tensor([[7, 8, 9]], { requiresGrad: true });
  const seed = tensor([1, 1, 1]);
  a.add(b).add(c.reshape([3])).backward(seed);
  const grads = [a.grad!, b.grad!, c.grad!];
  const storages = new Set(grads.map((g) => g.data.storage));
  assert.equal(storages.size, 3);
  assert.ok(!storages.has(seed.data.storage), "the caller's seed is never adopted");
  a.grad!.data.data[0] = 100;
  assert.deepEqual(b.grad!.toArray(), [1, 1, 1]);
  assert.deepEqual(c.grad!.toArray(), [[1, 1, 1]]);
  assert.deepEqual(seed.toArray(), [1, 1, 1]);
  // A fresh product gradient is adopted without a copy and is right.
  const w = tensor([2, 3], { requiresGrad: true });
  w.mul(tensor([5, 7])).sum().backward();
  assert.deepEqual(w.grad!.toArray(), [5, 7]);
});
