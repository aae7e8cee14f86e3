import assert from "node:assert/strict";
import { matmul, maximum, type NDArray, randn, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { BatchNorm1d, Dropout, Linear, ReLU, Sigmoid, Tanh } from "@nnc/layers";
import { mlp } from "./mlp.ts";

Deno.test("mlp builds Linear-activation chains with PyTorch's Sequential keys", () => {
  const net = mlp([784, 256, 128, 10], { rng: new Rng(0) });
  assert.deepEqual(
    [...net].map((m) => m.constructor.name),
    ["Linear", "ReLU", "Linear", "ReLU", "Linear"],
  );
  assert.equal(net.numParameters(), 235146);
  assert.deepEqual(Object.keys(net.stateDict()), [
    "0.weight",
    "0.bias",
    "2.weight",
    "2.bias",
    "4.weight",
    "4.bias",
  ]);
});

Deno.test("mlp forward equals the composition of its layers' affine maps and ReLUs", () => {
  const net = mlp([5, 4, 3], { rng: new Rng(1), dtype: "float64" });
  const x = randn([6, 5], { rng: new Rng(2), dtype: "float64" });
  const [l1, , l2] = [...net] as [Linear, ReLU, Linear];
  const h = maximum(matmul(x, l1.weight.data.T).add(l1.bias!.data), 0);
  const expected = matmul(h, l2.weight.data.T).add(l2.bias!.data);
  const got = noGrad(() => net.forward(new Tensor(x))).data;
  const a = got.toArray() as number[][], b = expected.toArray() as number[][];
  a.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) < 1e-12)));
});

Deno.test("mlp options: activation, batch norm, dropout, output activation", () => {
  const net = mlp([2, 3, 3, 1], {
    activation: "tanh",
    batchNorm: true,
    dropout: 0.5,
    outputActivation: new Sigmoid(),
  });
  assert.deepEqual([...net].map((m) => m.constructor.name), [
    "Linear",
    "BatchNorm1d",
    "Tanh",
    "Dropout",
    "Linear",
    "BatchNorm1d",
    "Tanh",
    "Dropout",
    "Linear",
    "Sigmoid",
  ]);
  assert.ok(
    net.at(1) instanceof BatchNorm1d && net.at(2) instanceof Tanh && net.at(3) instanceof Dropout,
  );
  const custom = mlp([2, 2, 2], { activation: () => new ReLU() });
  assert.ok(custom.at(1) instanceof ReLU);
});

Deno.test("mlp is reproducible from a seed", () => {
  const a = mlp([3, 4, 2], { rng: new Rng(7) }), b = mlp([3, 4, 2], { rng: new Rng(7) });
  for (const [k, v] of Object.entries(a.stateDict())) {
    assert.deepEqual(v.toArray(), (b.stateDict()[k] as NDArray).toArray());
  }
});

Deno.test("mlp validates", () => {
  assert.throws(() => mlp([3]), {
    name: "RangeError",
    message:
      "mlp: sizes must list at least 2 positive integers (input, …, output), got an array of length 1",
  });
  assert.throws(() => mlp([3, 0]), RangeError);
  assert.throws(
    () => mlp([3, 2], { activation: "swish" as never }),
    /mlp: activation must be one of relu, tanh/,
  );
  assert.throws(() => mlp([3, 2], { dropout: 1 }), /dropout must be in \[0, 1\), got 1/);
  assert.ok(mlp([3, 2]).at(0) instanceof Linear);
});
