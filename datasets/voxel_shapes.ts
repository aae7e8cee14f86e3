/**
 * Small 3-d occupancy grids of simple solids (cubes, spheres, cylinders, cones, tori) for 3-d
 * convolution, in the spirit of 3D ShapeNets' binary voxels.
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, describe, NDArray } from "@nnc/tensor";
import type { RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/** The solids {@link voxelize} can draw. */
export type VoxelShape = "cube" | "sphere" | "cylinder" | "cone" | "torus";

/** Every {@link VoxelShape}, in label order. */
export const VOXEL_SHAPES: readonly VoxelShape[] = Object.freeze([
  "cube",
  "sphere",
  "cylinder",
  "cone",
  "torus",
]);

/** Where and how large one solid is. */
export interface VoxelPlacement {
  /** Grid side (the grid is `size³`). */
  size: number;
  /** Centre in grid units (voxel `i` spans `[i, i + 1)`). Default: the grid's centre. */
  center?: readonly [number, number, number];
  /** Half-extent: half the side of a cube, the radius of a sphere, … Default `size / 4`. */
  radius?: number;
  /** Axis (0, 1 or 2) of a cylinder, cone or torus. Default 2. */
  axis?: 0 | 1 | 2;
}

/**
 * Rasterises one solid into a float32 `[size, size, size]` grid of 0/1: a voxel is 1 when its
 * centre lies inside. Cube: `|dᵢ| ≤ r` on every axis. Sphere: `|d| ≤ r`. Cylinder: radius `r`,
 * height `2r`. Cone: base radius `r` at `-r` along the axis, apex at `+r`. Torus: tube of radius
 * `0.4r` around a circle of radius `0.6r`.
 *
 * @example
 * ```ts
 * import { voxelize } from "@nnc/datasets";
 * const cube = voxelize("cube", { size: 16, center: [8, 8, 8], radius: 2 });
 * console.assert(cube.sum().item() === 64);
 * ```
 */
export function voxelize(shape: VoxelShape, placement: VoxelPlacement): NDArray {
  const op = "voxelize";
  if (!VOXEL_SHAPES.includes(shape)) {
    throw new TypeError(
      `${op}: shape must be one of ${VOXEL_SHAPES.join(", ")}, got ${describe(shape)}`,
    );
  }
  const p = checkOptions(placement, op);
  const size = checkInt(p.size, op, "size", 1, 1024);
  const center = p.center ?? [size / 2, size / 2, size / 2];
  if (!Array.isArray(center) || center.length !== 3 || !center.every(Number.isFinite)) {
    throw new TypeError(`${op}: center must be three finite numbers, got ${describe(center)}`);
  }
  const radius = checkNumber(p.radius ?? size / 4, op, "radius", 0);
  const axis = p.axis ?? 2;
  if (axis !== 0 && axis !== 1 && axis !== 2) {
    throw new RangeError(`${op}: axis must be 0, 1 or 2, got ${describe(axis)}`);
  }
  const out = new Float32Array(size * size * size);
  fill(out, size, shape, center, radius, axis);
  return NDArray.fromTyped(out, [size, size, size]);
}

function fill(
  out: Float32Array,
  size: number,
  shape: VoxelShape,
  c: readonly number[],
  r: number,
  axis: number,
): void {
  const inside = INSIDE[shape];
  const d = [0, 0, 0];
  let at = 0;
  for (let i = 0; i < size; i++) {
    d[0] = i + 0.5 - c[0];
    for (let j = 0; j < size; j++) {
      d[1] = j + 0.5 - c[1];
      for (let k = 0; k < size; k++, at++) {
        d[2] = k + 0.5 - c[2];
        const along = d[axis];
        const radial = Math.hypot(d[(axis + 1) % 3], d[(axis + 2) % 3]);
        if (inside(d, along, radial, r)) out[at] = 1;
      }
    }
  }
}

const INSIDE: Record<
  VoxelShape,
  (d: number[], along: number, radial: number, r: number) => boolean
> = {
  cube: (d, _a, _q, r) => Math.abs(d[0]) <= r && Math.abs(d[1]) <= r && Math.abs(d[2]) <= r,
  sphere: (d, _a, _q, r) => d[0] * d[0] + d[1] * d[1] + d[2] * d[2] <= r * r,
  cylinder: (_d, a, q, r) => Math.abs(a) <= r && q <= r,
  cone: (_d, a, q, r) => Math.abs(a) <= r && q <= (r - a) / 2,
  torus: (_d, a, q, r) => (q - 0.6 * r) ** 2 + a * a <= (0.4 * r) ** 2,
};

/** Options of {@link voxelShapes}. */
export interface VoxelShapesOptions extends RandomSource {
  /** Number of grids, cycling through the classes. Default 100. */
  n?: number;
  /** Grid side. Default 16; at least 8. */
  size?: number;
  /** Which solids, in label order. Default all of {@link VOXEL_SHAPES}. */
  shapes?: readonly VoxelShape[];
}

/** Voxel grids with a class each. */
export interface VoxelShapesData {
  /** float32 0/1, `[n, 1, size, size, size]` (one channel, as 3-d convolutions take). */
  voxels: NDArray;
  /** int32 `[n]`: index into `classes`. */
  labels: NDArray;
  /** The shape names. */
  classes: VoxelShape[];
}

/**
 * Random solids in voxel grids: grid `i` holds shape `i % k` with a random radius in
 * `[0.25, 0.45) × size` and a random axis, placed at a random centre where it fits in the grid.
 *
 * @example
 * ```ts
 * import { voxelShapes } from "@nnc/datasets";
 * const { voxels, labels, classes } = voxelShapes({ n: 10, size: 12, seed: 0 });
 * console.assert(voxels.shape.join() === "10,1,12,12,12" && labels.get(6) === 1 && classes[1] === "sphere");
 * ```
 */
export function voxelShapes(options?: VoxelShapesOptions): VoxelShapesData {
  const op = "voxelShapes";
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 100, op, "n", 0, MAX_INT32);
  const size = checkInt(o.size ?? 16, op, "size", 8, 256);
  const shapes = o.shapes === undefined
    ? [...VOXEL_SHAPES]
    : Array.isArray(o.shapes)
    ? [...o.shapes]
    : []; // not a list: reported below, as an empty one
  if (
    shapes.length === 0 || shapes.some((s) => !VOXEL_SHAPES.includes(s)) ||
    new Set(shapes).size !== shapes.length
  ) {
    throw new TypeError(
      `${op}: shapes must be distinct names from ${VOXEL_SHAPES.join(", ")}, got ${
        describe(o.shapes)
      }`,
    );
  }
  const rng = resolveRng(o, op);
  const cells = size ** 3;
  const voxels = new Float32Array(n * cells);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % shapes.length;
    const r = size * rng.uniform(0.25, 0.45);
    const center = [0, 1, 2].map(() => rng.uniform(r, size - r));
    const axis = rng.int(0, 3);
    fill(voxels.subarray(i * cells, (i + 1) * cells), size, shapes[label], center, r, axis);
    labels[i] = label;
  }
  return {
    voxels: NDArray.fromTyped(voxels, [n, 1, size, size, size]),
    labels: NDArray.fromTyped(labels, [n]),
    classes: shapes,
  };
}
