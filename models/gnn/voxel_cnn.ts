/**
 * {@link voxelCnn}: a 3-d convolutional classifier of binary voxel grids, after 3D ShapeNets.
 *
 * @module
 */
import {
  checkFloatDType,
  checkInt,
  checkIntTuple,
  checkOptions,
  checkProbability,
  describe,
  type DType,
  Rng,
} from "@nnc/tensor";
import { Conv3d, Dropout, Flatten, Linear, ReLU, Sequential } from "@nnc/layers";

/** Options of {@link voxelCnn}. */
export interface VoxelCnnOptions {
  /** Side of the input grids (`[N, 1, size, size, size]`), a multiple of 4. Default 16. */
  size?: number;
  /** Number of classes. Default 5 (the solids of `voxelShapes`). */
  numClasses?: number;
  /** Filters of the two convolutions. Default [16, 32]. */
  channels?: readonly [number, number];
  /** Width of the hidden dense layer. Default 128. */
  hidden?: number;
  /** Dropout before the last layer. Default 0.5. */
  dropout?: number;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for weights and dropout masks. */
  rng?: Rng;
}

/**
 * Volumetric CNN in the style of 3D ShapeNets (Wu et al., 2015): like theirs, strided 3-d
 * convolutions instead of pooling learn hierarchical 3-d primitives from occupancy grids.
 * `Conv3d(1→c₁, 5³, stride 2) → ReLU → Conv3d(c₁→c₂, 3³, stride 2) → ReLU → Flatten →
 * Linear → ReLU → Dropout → Linear` to one logit per class; a `size³` grid shrinks to
 * `(size/4)³` before the dense layers.
 *
 * @example
 * ```ts
 * import { voxelCnn } from "@nnc/models/gnn";
 * import { zeros } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const net = voxelCnn({ size: 8, numClasses: 3, channels: [4, 8], hidden: 16, rng: new Rng(0) });
 * console.assert(net.forward(zeros([2, 1, 8, 8, 8])).shape.join() === "2,3");
 * ```
 */
export function voxelCnn(options: VoxelCnnOptions = {}): Sequential {
  const op = "voxelCnn";
  const o = checkOptions(options, op);
  const size = checkInt(o.size ?? 16, op, "size", 4);
  if (size % 4 !== 0) throw new RangeError(`${op}: size must be a multiple of 4, got ${size}`);
  const classes = checkInt(o.numClasses ?? 5, op, "numClasses", 1);
  const [c1, c2] = checkIntTuple(o.channels ?? [16, 32], 2, op, "channels", 1);
  const hidden = checkInt(o.hidden ?? 128, op, "hidden", 1);
  const dropout = checkProbability(o.dropout ?? 0.5, op, "dropout");
  const dtype = checkFloatDType(o.dtype ?? "float32", op);
  if (o.rng !== undefined && !(o.rng instanceof Rng)) {
    throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
  }
  // Every weight is indexed by an int32 in the kernels.
  const weights = 125 * c1 + 27 * c1 * c2 + c2 * (size / 4) ** 3 * hidden + hidden * classes;
  if (weights > 2 ** 31 - 1) {
    throw new RangeError(
      `${op}: size ${size}, channels [${c1}, ${c2}] and hidden ${hidden} make ${weights} weights, ` +
        `more than 2^31 - 1`,
    );
  }
  const common = { dtype, rng: o.rng };
  return new Sequential(
    new Conv3d(1, c1, 5, { stride: 2, padding: 2, ...common }),
    new ReLU(),
    new Conv3d(c1, c2, 3, { stride: 2, padding: 1, ...common }),
    new ReLU(),
    new Flatten(),
    new Linear(c2 * (size / 4) ** 3, hidden, common),
    new ReLU(),
    new Dropout(dropout, { rng: o.rng }),
    new Linear(hidden, classes, common),
  );
}
