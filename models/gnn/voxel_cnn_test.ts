import assert from "node:assert/strict";
import { NDArray, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { voxelCnn } from "./voxel_cnn.ts";
import { adamSteps } from "./_testing.ts";

/** 8³ grids: even samples a solid 3³ cube, odd ones a hollow 4³ frame (edges only), at random places. */
function solids(n: number, rng: Rng): { voxels: NDArray; labels: NDArray } {
  const v = new Float32Array(n * 512), labels = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    labels[s] = s % 2;
    const side = labels[s] === 0 ? 3 : 4;
    const [a, b, c] = [0, 1, 2].map(() => rng.int(0, 9 - side));
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        for (let k = 0; k < side; k++) {
          const edge = [i, j, k].filter((t) => t === 0 || t === side - 1).length >= 2;
          if (labels[s] === 0 || edge) v[s * 512 + (a + i) * 64 + (b + j) * 8 + c + k] = 1;
        }
      }
    }
  }
  return { voxels: NDArray.fromTyped(v, [n, 1, 8, 8, 8]), labels: NDArray.fromTyped(labels, [n]) };
}

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
  const { voxels, labels } = solids(16, new Rng(1));
  const x = new Tensor(voxels);
  const { first, last } = adamSteps(
    net.parameters(),
    () => crossEntropy(net.forward(x), labels),
    40,
    0.01,
  );
  assert.ok(last < 0.1 * first, `loss ${first} → ${last}`);
});

Deno.test("voxelCnn checks its options", () => {
  assert.throws(() => voxelCnn({ size: 10 }), /voxelCnn: size must be a multiple of 4, got 10/);
  assert.throws(
    () => voxelCnn({ channels: [4, 0] }),
    /voxelCnn: channels must be an integer >= 1 or an array of 2 such integers, got \[4, 0\]/,
  );
});

Deno.test("voxelCnn names itself in its argument errors", () => {
  assert.throws(
    () => voxelCnn({ channels: new Map() as never }),
    /voxelCnn: channels must be an integer >= 1 or an array of 2 such integers, got a Map/,
  );
  assert.throws(
    () => voxelCnn({ rng: {} as never }),
    /voxelCnn: rng must be an Rng, got an object/,
  );
  assert.throws(
    () => voxelCnn({ dtype: "int32" }),
    /voxelCnn: dtype must be "float32" or "float64"/,
  );
  assert.throws(
    () => voxelCnn({ size: 2 ** 31 }),
    /voxelCnn: size 2147483648, channels \[16, 32\] and hidden 128 make .* weights, more than 2\^31 - 1/,
  );
});
