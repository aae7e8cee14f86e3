import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { voxelShapes } from "@nnc/datasets";
import { voxelCnn } from "./voxel_cnn.ts";

Deno.test("voxelCnn: 3D ShapeNets-style layers, and it fits a small set of voxel solids", () => {
  const net = voxelCnn({
    size: 8,
    numClasses: 2,
    channels: [4, 8],
    hidden: 16,
    dropout: 0,
    rng: new Rng(0),
  });
  assert.deepEqual(net.namedParameters().map(([k, p]) => `${k} ${p.shape.join("×")}`), [
    "0.weight 4×1×5×5×5",
    "0.bias 4",
    "2.weight 8×4×3×3×3",
    "2.bias 8",
    "5.weight 16×64",
    "5.bias 16",
    "8.weight 2×16",
    "8.bias 2",
  ]);
  const { voxels, labels } = voxelShapes({ n: 16, size: 8, shapes: ["cube", "torus"], seed: 1 });
  const opt = new Adam(net.parameters(), { lr: 0.01 });
  const x = new Tensor(voxels);
  let first = 0, last = 0;
  for (let i = 0; i < 40; i++) {
    opt.zeroGrad();
    const loss = crossEntropy(net.forward(x), labels);
    loss.backward();
    opt.step();
    if (i === 0) first = loss.item();
    last = loss.item();
  }
  assert.ok(last < 0.1 * first, `loss ${first} → ${last}`);
});

Deno.test("voxelCnn checks its options", () => {
  assert.throws(() => voxelCnn({ size: 10 }), /voxelCnn: size must be a multiple of 4, got 10/);
  assert.throws(
    () => voxelCnn({ channels: [4, 0] }),
    /voxelCnn: channels\[1\] must be an integer >= 1, got 0/,
  );
});
