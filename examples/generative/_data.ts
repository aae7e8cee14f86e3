// Shared plumbing of the generative examples: Fashion-MNIST in [0, 1] (or the synthetic shapes
// when the Debian package is missing, with a note saying so) and mini-batch index lists.
import { indexSelect, type NDArray, randperm, type Rng } from "@nnc/tensor";
import { DatasetNotFoundError, fashionMnist } from "@nnc/datasets";
import type { ExampleReport } from "../_lib/report.ts";
import { SHAPE_CLASSES, syntheticShapes } from "../_synthetic_images.ts";

/** Pixels in [0, 1] (`[N, 784]` or `[N, 1, 28, 28]`) and int32 labels. */
export interface Images {
  x: NDArray;
  y: NDArray;
}

/** The two splits, the class names and where the images came from. */
export interface ImageSets {
  train: Images;
  test: Images;
  classes: readonly string[];
  source: string;
}

function head(s: Images, n: number, flat: boolean): Images {
  const k = Math.min(n, s.x.shape[0]);
  const x = s.x.slice({ stop: k });
  return { x: flat ? x.reshape([k, 784]) : x.reshape([k, 1, 28, 28]), y: s.y.slice({ stop: k }) };
}

/** Fashion-MNIST (first `train` and `test` images of each split), or the synthetic shapes. */
export async function loadFashion(
  report: ExampleReport,
  options: { train: number; test: number; flat: boolean },
): Promise<ImageSets> {
  try {
    const [tr, te] = await Promise.all([
      fashionMnist({ split: "train" }),
      fashionMnist({ split: "test" }),
    ]);
    report.note(`data: Fashion-MNIST, ${Math.min(options.train, 60000)} training images`);
    return {
      train: head({ x: tr.images, y: tr.labels }, options.train, options.flat),
      test: head({ x: te.images, y: te.labels }, options.test, options.flat),
      classes: tr.classes,
      source: "Fashion-MNIST",
    };
  } catch (e) {
    if (!(e instanceof DatasetNotFoundError)) throw e;
    report.note(`Fashion-MNIST is not installed (${e.message}); using synthetic 28×28 shapes`);
    const tr = syntheticShapes(Math.min(options.train, 6000), 1);
    const te = syntheticShapes(Math.min(options.test, 1000), 2);
    return {
      train: head({ x: tr.images, y: tr.labels }, options.train, options.flat),
      test: head({ x: te.images, y: te.labels }, options.test, options.flat),
      classes: SHAPE_CLASSES,
      source: "synthetic shapes",
    };
  }
}

/** The mini-batches of one epoch: shuffled rows of `x` (and the same rows of `y`), the last one possibly smaller. */
export function* batches(data: Images, size: number, rng: Rng): Generator<Images> {
  const n = data.x.shape[0];
  const order = randperm(n, { rng });
  for (let i = 0; i < n; i += size) {
    const idx = order.slice({ start: i, stop: Math.min(i + size, n) });
    yield { x: indexSelect(data.x, 0, idx), y: indexSelect(data.y, 0, idx) };
  }
}

/** The first `n` images of each class, in class order (for image grids). */
export function firstOfEachClass(data: Images, perClass: number, classes = 10): NDArray {
  const labels = data.y.toArray() as number[];
  const picked: number[] = [];
  for (let c = 0; c < classes; c++) {
    let found = 0;
    for (let i = 0; i < labels.length && found < perClass; i++) {
      if (labels[i] === c) {
        picked.push(i);
        found++;
      }
    }
  }
  return indexSelect(data.x, 0, picked);
}
