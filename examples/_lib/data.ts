// The image data of the examples: Fashion-MNIST from the Debian package dataset-fashion-mnist, or,
// when it is not installed (or with --synthetic), a stand-in of ten classes of synthetic 28×28
// shapes, so that every example still runs (and says so).
import type { NDArray } from "@nnc/tensor";
import { DatasetNotFoundError, fashionMnist } from "@nnc/datasets";
import { SHAPE_CLASSES, syntheticShapes } from "./synthetic_images.ts";

/** Images and labels of one split. */
export interface Split {
  /** Images. */
  x: NDArray;
  /** int32 class labels. */
  y: NDArray;
}

/** Training and test data, with class names and where they came from. */
export interface ImageData {
  train: Split;
  test: Split;
  classes: readonly string[];
  source: string;
  synthetic: boolean;
}

const MEAN = 0.2860, STD = 0.3530; // Fashion-MNIST training-set pixel statistics

function firstRows(a: NDArray, limit: number): NDArray {
  return limit < a.shape[0] ? a.slice({ start: 0, stop: limit }) : a;
}

/**
 * Pixels in [0, 1] of both splits (`[N, 784]` when `flat`, else `[N, 1, 28, 28]`), the first
 * `limit` training and `testLimit` test images. Without Fashion-MNIST (or with `synthetic`) it
 * says so and returns the synthetic shapes instead.
 */
export async function loadPixels(
  options: { flat: boolean; limit?: number; testLimit?: number; synthetic?: boolean },
): Promise<ImageData> {
  const limit = options.limit ?? Infinity, testLimit = options.testLimit ?? limit;
  const shape = (x: NDArray) =>
    x.reshape(options.flat ? [x.shape[0], 784] : [x.shape[0], 1, 28, 28]);
  try {
    if (options.synthetic) throw new DatasetNotFoundError("synthetic data requested (--synthetic)");
    const [tr, te] = await Promise.all([
      fashionMnist({ split: "train" }),
      fashionMnist({ split: "test" }),
    ]);
    return {
      train: { x: shape(firstRows(tr.images, limit)), y: firstRows(tr.labels, limit) },
      test: { x: shape(firstRows(te.images, testLimit)), y: firstRows(te.labels, testLimit) },
      classes: tr.classes,
      source: "Fashion-MNIST",
      synthetic: false,
    };
  } catch (e) {
    if (!(e instanceof DatasetNotFoundError)) throw e;
    if (!options.synthetic) {
      console.error(
        `Fashion-MNIST is not installed (${e.message}); Debian: apt-get install dataset-fashion-mnist.`,
      );
      console.error("Using a synthetic set of 28×28 shapes instead.\n");
    }
    const tr = syntheticShapes(Math.min(limit, 6000), 1),
      te = syntheticShapes(Math.min(testLimit, 1000), 2);
    return {
      train: { x: shape(tr.images), y: tr.labels },
      test: { x: shape(te.images), y: te.labels },
      classes: SHAPE_CLASSES,
      source: options.synthetic
        ? "synthetic shapes"
        : "synthetic shapes (Fashion-MNIST not installed)",
      synthetic: true,
    };
  }
}

/** {@link loadPixels} standardised with Fashion-MNIST's pixel mean and deviation, as float32. */
export async function loadImages(
  options: { flat: boolean; limit?: number; testLimit?: number; synthetic?: boolean },
): Promise<ImageData> {
  const d = await loadPixels(options);
  const z = (x: NDArray) => x.sub(MEAN).div(STD).astype("float32");
  return { ...d, train: { ...d.train, x: z(d.train.x) }, test: { ...d.test, x: z(d.test.x) } };
}
