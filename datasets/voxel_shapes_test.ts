import assert from "node:assert/strict";
import type { NDArray } from "@nnc/tensor";
import { VOXEL_SHAPES, voxelize, voxelShapes } from "./voxel_shapes.ts";

function count(a: NDArray): number {
  return a.sum().item();
}

Deno.test("voxelize draws exact cubes and symmetric spheres", () => {
  assert.equal(count(voxelize("cube", { size: 16, center: [8, 8, 8], radius: 2 })), 64);
  assert.equal(count(voxelize("cube", { size: 8, center: [4.5, 4.5, 4.5], radius: 1 })), 27);
  // Voxels whose centre is exactly on the surface count as inside.
  assert.equal(count(voxelize("cube", { size: 8, center: [4, 4, 4], radius: 1.5 })), 64);
  const s = voxelize("sphere", { size: 10, radius: 3 });
  // Voxel centres (i + 0.5) within 3 of (5, 5, 5): the lattice points of a radius-3 ball around a half-integer centre.
  let expected = 0;
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10; j++) {
      for (let k = 0; k < 10; k++) {
        if ((i - 4.5) ** 2 + (j - 4.5) ** 2 + (k - 4.5) ** 2 <= 9) expected++;
      }
    }
  }
  assert.equal(count(s), expected);
  assert.deepEqual(s.toArray(), s.flip(0).toArray());
  assert.deepEqual(s.toArray(), s.permute(2, 0, 1).toArray());
});

Deno.test("voxelize cylinders, cones and tori follow their axis", () => {
  const cyl = voxelize("cylinder", { size: 12, radius: 3, axis: 0 });
  // Every slice across the axis inside the height holds the same disc.
  const slices = Array.from({ length: 12 }, (_, i) => count(cyl.slice(i)));
  assert.deepEqual(slices, [0, 0, 0, 32, 32, 32, 32, 32, 32, 0, 0, 0]);
  const cone = voxelize("cone", { size: 12, radius: 4, axis: 2 });
  const cs = Array.from({ length: 12 }, (_, k) => count(cone.slice(null, null, k)));
  for (let k = 3; k < 10; k++) assert.ok(cs[k] >= cs[k + 1], `cone slices must shrink: ${cs}`);
  assert.ok(cs[2] > cs[9]);
  const torus = voxelize("torus", { size: 16, radius: 6, axis: 1 });
  assert.equal(torus.get(8, 8, 8), 0); // the hole
  assert.equal(torus.get(8 + 3, 8, 8), 1); // the tube, 0.6 r from the centre
  assert.deepEqual(torus.toArray(), torus.flip(0).toArray());
  assert.throws(
    () => voxelize("pyramid" as "cube", { size: 4 }),
    /shape must be one of cube, sphere, cylinder, cone, torus/,
  );
  assert.throws(() => voxelize("cube", { size: 4, axis: 3 as 0 }), /axis must be 0, 1 or 2/);
});

Deno.test("voxelShapes cycles the classes, fills every grid, and is seeded", () => {
  const { voxels, labels, classes } = voxelShapes({ n: 50, size: 12, seed: 3 });
  assert.deepEqual(classes, [...VOXEL_SHAPES]);
  assert.deepEqual(voxels.shape, [50, 1, 12, 12, 12]);
  assert.deepEqual(labels.toArray(), Array.from({ length: 50 }, (_, i) => i % 5));
  for (let i = 0; i < 50; i++) {
    const c = count(voxels.slice(i));
    assert.ok(c > 0 && c < 12 ** 3, `grid ${i} has ${c} voxels`);
  }
  assert.ok([...voxels.data].every((v) => v === 0 || v === 1));
  assert.deepEqual([...voxels.data], [...voxelShapes({ n: 50, size: 12, seed: 3 }).voxels.data]);
  const two = voxelShapes({ n: 4, size: 8, shapes: ["sphere", "cube"], seed: 0 });
  assert.deepEqual(two.classes, ["sphere", "cube"]);
  assert.throws(() => voxelShapes({ shapes: ["cube", "cube"] }), /distinct names/);
  assert.throws(() => voxelShapes({ size: 4 }), /size must be an integer in \[8, 256\]/);
});

Deno.test("voxelShapes names itself for shapes that are not a list of names", () => {
  for (const shapes of [0.5, -1, "cube"]) {
    assert.throws(
      () => voxelShapes({ shapes: shapes as never }),
      /^TypeError: voxelShapes: shapes must be distinct names from/,
    );
  }
});
