import assert from "node:assert/strict";
import { array, rand, Rng } from "@nnc/tensor";
import { type Tensor, tensor } from "@nnc/autograd";
import { mlp } from "@nnc/models/mlp";
import { deepFool } from "./mod.ts";
import { fixtureCnn, torchFixture } from "./_testing.ts";

const circle = (x: Tensor) => x.square().sum({ axis: 1 }).sub(1); // g(x) = ‖x‖² − 1

Deno.test("DeepFool iterates on the unit circle from (2, 1)", () => {
  // spec: 000-003/3.9
  const r = deepFool(circle, tensor([[2, 1]], { dtype: "float64" }), {
    box: null,
    recordPath: true,
  });
  const path = r.path!.map((p) => p.toArray() as number[][]).map((p) => p[0]);
  const expected = [[1.2, 0.6], [0.9333333, 0.4666667], [0.8952381, 0.4476190], [
    0.8944276,
    0.4472138,
  ]];
  expected.forEach((e, k) => {
    assert.ok(
      Math.abs(path[k][0] - e[0]) < 5e-8 && Math.abs(path[k][1] - e[1]) < 5e-8,
      `iterate ${k + 1}: ${path[k]}`,
    );
  });
  // converged to (2, 1)/√5 with |g| < 1e-12 after 5 iterations
  assert.equal(r.iterations[0], 5);
  assert.ok(
    Math.abs(path[4][0] - 2 / Math.sqrt(5)) < 1e-12 &&
      Math.abs(path[4][1] - 1 / Math.sqrt(5)) < 1e-12,
  );
  assert.ok(Math.abs(circle(r.x).item()) < 1e-12);
  assert.equal(r.fooled[0], false); // landed on the boundary, not across (overshoot 0)
});

Deno.test("DeepFool binary with overshoot crosses; a point inside moves out", () => {
  const r = deepFool(circle, tensor([[2, 1], [0.3, 0.1]], { dtype: "float64" }), {
    box: null,
    overshoot: 0.02,
  });
  assert.deepEqual(r.fooled, [true, true]);
  const g = circle(r.x).toArray() as number[];
  assert.ok(g[0] < 0 && g[1] > 0);
});

Deno.test("DeepFool on a linear model is the minimum-ℓ2 attack in one step", () => {
  const model = (x: Tensor) => x.matmul(tensor([3, -4], { dtype: "float64" })).add(1);
  const r = deepFool(model, tensor([[2, 1]], { dtype: "float64" }), { box: null });
  const p = r.x.toArray() as number[][];
  assert.ok(Math.abs(p[0][0] - 1.64) < 1e-12 && Math.abs(p[0][1] - 1.48) < 1e-12);
  assert.equal(r.iterations[0], 1);
  const inf = deepFool(model, tensor([[2, 1]], { dtype: "float64" }), { box: null, norm: "linf" });
  const q = inf.x.toArray() as number[][];
  assert.ok(Math.abs(q[0][0] - 11 / 7) < 1e-12 && Math.abs(q[0][1] - 10 / 7) < 1e-12);
});

Deno.test("DeepFool multi-class on a linear 3-class model reaches the nearest boundary", () => {
  // scores z = W x: the nearest boundary from x0 is that of class 1 at ℓ2 distance 0.3/√2
  const W = tensor([[1, 0], [0, 1], [-1, -1]], { dtype: "float64" });
  const model = (x: Tensor) => x.matmul(W.T);
  const r = deepFool(model, tensor([[0.6, 0.3]], { dtype: "float64" }), {
    box: null,
    overshoot: 0.02,
  });
  assert.ok(r.fooled[0]);
  const p = r.x.toArray() as number[][];
  const dist = Math.hypot(p[0][0] - 0.6, p[0][1] - 0.3);
  assert.ok(Math.abs(dist - 1.02 * 0.3 / Math.SQRT2) < 1e-12, `${dist}`);
  assert.ok(p[0][1] > p[0][0]);
});

Deno.test("DeepFool fools an MLP and the fixture CNN with small perturbations, inside the box", () => {
  const net = mlp([4, 16, 3], { rng: new Rng(3), dtype: "float64" }).eval();
  const x = rand([8, 4], { dtype: "float64", rng: new Rng(4) });
  const r = deepFool(net, x, { overshoot: 0.02, box: null });
  assert.ok(r.fooled.every(Boolean));
  const before = net.forward(tensor(x.toArray() as number[][], { dtype: "float64" })).data.argmax({
    axis: 1,
  });
  const after = net.forward(r.x).data.argmax({ axis: 1 });
  assert.ok(before.ne(after).astype("int32").sum().item() === 8);
  const cnn = fixtureCnn();
  const xs = array(torchFixture().x, { dtype: "float64" });
  const c = deepFool(cnn, xs, { overshoot: 0.02, minStep: 1e-4 });
  assert.ok(c.x.data.min().item() >= 0 && c.x.data.max().item() <= 1);
  assert.ok(c.fooled.filter(Boolean).length >= 5, `${c.fooled}`);
});

Deno.test("DeepFool: clear errors", () => {
  const x = tensor([[2, 1]], { dtype: "float64" });
  assert.throws(
    () => deepFool(circle, x),
    /deepFool: x has values in \[1, 2\], outside the box \[0, 1\]/,
  );
  assert.throws(
    () => deepFool(circle, x, { box: null, maxIter: 0 }),
    /deepFool: maxIter must be an integer >= 1/,
  );
  assert.throws(
    () => deepFool(circle, x, { box: null, overshoot: -0.1 }),
    /deepFool: overshoot must be/,
  );
  assert.throws(
    () => deepFool(circle, x, { box: null, norm: "l1" as never }),
    /deepFool: norm must be one of/,
  );
});
