// Shared plumbing of the generative examples: Fashion-MNIST in [0, 1] (or the synthetic shapes
// when the Debian package is missing, with a note saying so), shuffled mini-batches, and a few
// images per class for the pictures.
import { indexSelect, type NDArray, randperm, type Rng } from "@nnc/tensor";
import type { ExampleReport } from "../_lib/report.ts";
import { type ImageData, loadPixels, type Split } from "../_lib/data.ts";

/** Images in [0, 1] and int32 labels of one split. */
export type Images = Split;

/**
 * Fashion-MNIST pixels in [0, 1] (the first `train` and `test` images of each split; the
 * synthetic shapes when the data set is missing), noted in the report.
 */
export async function loadFashion(
  report: ExampleReport,
  options: { train: number; test: number; flat: boolean },
): Promise<ImageData> {
  const data = await loadPixels({
    flat: options.flat,
    limit: options.train,
    testLimit: options.test,
  });
  report.note(`data: ${data.source}, ${data.train.x.shape[0]} training images`);
  return data;
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
