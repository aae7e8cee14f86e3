import assert from "node:assert/strict";
import { array, rand, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { AdaptiveAvgPool2d, Conv2d, Flatten, Linear, ReLU, Sequential } from "@nnc/layers";
import { convNet } from "@nnc/models/cnn";
import { cam, classActivationMap, gradCam } from "./mod.ts";

function gapNet(seed: number): Sequential {
  const rng = new Rng(seed);
  return new Sequential(
    new Conv2d(1, 4, 3, { padding: 1, rng, dtype: "float64" }),
    new ReLU(),
    new Conv2d(4, 6, 3, { padding: 1, rng, dtype: "float64" }),
    new ReLU(),
    new AdaptiveAvgPool2d(1),
    new Flatten(),
    new Linear(6, 3, { rng, dtype: "float64" }),
  );
}

Deno.test("CAM identity: M_c = Σ_k w_k^c f_k and S_c = Σ M_c", () => {
  // spec: 000-003/3.16
  const f = array([[[1, 0], [0, 0]], [[0, 1], [1, 1]]], { dtype: "float64" });
  const r = classActivationMap(f, array([[2, -1]], { dtype: "float64" }), 0);
  assert.deepEqual(r.maps.toArray(), [[[2, -1], [-1, -1]]]);
  assert.deepEqual(r.pooled.toArray(), [[1, 3]]);
  assert.equal(r.scores[0], -1);
  assert.equal(r.maps.sum().item(), r.scores[0]);
  // mean pooling: S_c is the mean of M_c
  const m = classActivationMap(f, array([[2, -1]], { dtype: "float64" }), 0, { pooling: "mean" });
  assert.equal(m.scores[0], -0.25);
});

Deno.test("cam on a global-average-pooling network: class score = mean(M_c) + b_c", () => {
  const net = gapNet(1);
  const x = rand([3, 1, 6, 6], { dtype: "float64", rng: new Rng(2) });
  const logits = net.forward(new Tensor(x)).toArray() as number[][];
  const bias = net.at(6) as Linear;
  for (const c of [0, 1, 2]) {
    const r = cam(net, x, { target: c });
    assert.deepEqual(r.maps.shape, [3, 6, 6]);
    const means = r.maps.mean({ axis: [1, 2] }).toArray() as number[];
    means.forEach((m, i) => assert.ok(Math.abs(m + bias.bias!.data.get(c) - logits[i][c]) < 1e-12));
    r.scores.forEach((s, i) => assert.ok(Math.abs(s - logits[i][c]) < 1e-12));
  }
  const up = cam(net, x, { upsample: true });
  assert.deepEqual(up.upsampled!.shape, [3, 6, 6]);
});

Deno.test("Grad-CAM at the pooled features equals ReLU(CAM)/(h·w)", () => {
  const net = gapNet(3);
  const x = rand([2, 1, 6, 6], { dtype: "float64", rng: new Rng(4) });
  for (const c of [0, 2]) {
    const g = gradCam(net, x, { layer: 3, target: c });
    const m = cam(net, x, { target: c });
    const diff = g.maps.sub(m.maps.relu().div(36)).abs().max().item();
    assert.ok(diff < 1e-14, `${diff}`);
  }
});

Deno.test("gradCam on the demo's conv net: non-negative maps at the feature resolution, upsampled to 28×28", () => {
  const net = convNet({ channels: [4, 8], hidden: [16], rng: new Rng(0), dtype: "float64" });
  const x = rand([2, 1, 28, 28], { dtype: "float64", rng: new Rng(1) });
  const r = gradCam(net, x, { layer: 4, upsample: true }); // after the second conv's ReLU
  assert.deepEqual(r.maps.shape, [2, 14, 14]);
  assert.deepEqual(r.upsampled!.shape, [2, 28, 28]);
  assert.ok(r.maps.min().item() >= 0);
  const pred = net.forward(new Tensor(x)).data.argmax({ axis: 1 }).toArray() as number[];
  assert.deepEqual(Array.from(r.classes), pred);
  for (const p of net.parameters()) assert.equal(p.grad, null);
});

Deno.test("CAM: clear errors", () => {
  const f = array([[[1, 0], [0, 0]]], { dtype: "float64" });
  assert.throws(
    () => classActivationMap(f, array([[1, 2]], { dtype: "float64" }), 0),
    /weight must be \[C, 1\] for 1 feature maps/,
  );
  assert.throws(
    () => classActivationMap(f, array([[1]], { dtype: "float64" }), 3),
    /target must be a class index in \[0, 1\)/,
  );
  assert.throws(
    () => classActivationMap(f, array([[1]], { dtype: "float64" }), 0, { pooling: "max" as never }),
    /pooling must be one of "sum", "mean"/,
  );
  const net = convNet({ channels: [4], hidden: [8], rng: new Rng(0) });
  assert.throws(
    () => cam(net, rand([1, 1, 28, 28])),
    /cam: net must end with AdaptiveAvgPool2d\(1\), \[Flatten,\] Linear/,
  );
  assert.throws(
    () => gradCam(net, rand([1, 1, 28, 28]), { layer: 3 }),
    /gradCam: the output of layer 3 must be feature maps \[N, K, h, w\]/,
  );
  assert.throws(
    () => gradCam(net, rand([1, 1, 28, 28]), {} as never),
    /gradCam: layer is required/,
  );
});
