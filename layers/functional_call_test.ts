import assert from "node:assert/strict";
import { randn, tensor } from "@nnc/autograd";
import { functionalCall, Linear, ReLU, Sequential, weightNorm } from "./mod.ts";

Deno.test("functionalCall substitutes nested parameters, routes gradients to them and restores the module", () => {
  const net = new Sequential(new Linear(2, 2), new ReLU(), new Linear(2, 1));
  const names = net.namedParameters().map(([n]) => n);
  const w = tensor([[1, 0], [0, 1]], { requiresGrad: true });
  const x = tensor([[3, 4]]);
  const y = functionalCall(net, {
    "0.weight": w,
    "0.bias": tensor([0, 0]),
    "2.weight": tensor([[1, 1]]),
    "2.bias": tensor([0]),
  }, x);
  assert.equal(y.item(), 7);
  y.backward();
  assert.deepEqual(w.grad!.toArray(), [[3, 4], [3, 4]]);
  // The module is untouched: same parameter objects, same names and order, no gradients.
  assert.deepEqual(net.namedParameters().map(([n]) => n), names);
  assert.ok(net.parameters().every((p) => p.grad === null));
  assert.notEqual(net.forward(x).item(), 7);
});

Deno.test("functionalCall works through weight norm and checks its arguments", () => {
  const fc = weightNorm(new Linear(2, 1));
  const g = tensor([[2]], { requiresGrad: true });
  const y = functionalCall(
    fc,
    { weight_g: g, weight_v: tensor([[3, 4]]), bias: tensor([0]) },
    tensor([[1, 1]]),
  );
  assert.ok(Math.abs(y.item() - 2.8) < 1e-6); // 2·(3, 4)/5 · (1, 1)
  assert.throws(
    () => functionalCall(fc, { nope: tensor([1]) }, randn([1, 2])),
    /has no parameter 'nope'/,
  );
  assert.throws(
    () => functionalCall(fc, { bias: tensor([1, 2]) }, randn([1, 2])),
    /'bias' has shape \[1\] in the module, got \[2\]/,
  );
});
