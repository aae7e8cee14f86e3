// A stand-in for Fashion-MNIST when the data set is not installed: ten classes of simple 28×28
// shapes (bars, diagonals, squares, discs, rings, crosses), jittered in position and size, with noise.
import { NDArray, Rng } from "@nnc/tensor";

/** Names of the synthetic classes, in label order. */
export const SHAPE_CLASSES: readonly string[] = [
  "horizontal bar",
  "vertical bar",
  "diagonal \\",
  "diagonal /",
  "square",
  "frame",
  "disc",
  "ring",
  "plus",
  "cross",
];

function inside(cls: number, dx: number, dy: number, r: number, t: number): boolean {
  const ax = Math.abs(dx), ay = Math.abs(dy), d = Math.hypot(dx, dy);
  switch (cls) {
    case 0:
      return ay <= t && ax <= r;
    case 1:
      return ax <= t && ay <= r;
    case 2:
      return Math.abs(dx - dy) <= t * 1.4 && ax <= r && ay <= r;
    case 3:
      return Math.abs(dx + dy) <= t * 1.4 && ax <= r && ay <= r;
    case 4:
      return ax <= r * 0.7 && ay <= r * 0.7;
    case 5:
      return Math.max(ax, ay) <= r && Math.max(ax, ay) >= r - t * 2;
    case 6:
      return d <= r * 0.75;
    case 7:
      return d <= r && d >= r - t * 2;
    case 8:
      return (ax <= t && ay <= r) || (ay <= t && ax <= r);
    default:
      return (Math.abs(dx - dy) <= t * 1.4 || Math.abs(dx + dy) <= t * 1.4) && ax <= r && ay <= r;
  }
}

/** `n` images `[n, 1, 28, 28]` in [0, 1] with int32 labels, balanced over the 10 classes. */
export function syntheticShapes(n: number, seed: number): { images: NDArray; labels: NDArray } {
  const rng = new Rng(seed);
  const px = new Float32Array(n * 784), labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const cls = k % 10;
    labels[k] = cls;
    const cx = 13.5 + rng.uniform(-3, 3), cy = 13.5 + rng.uniform(-3, 3);
    const r = rng.uniform(6, 10), t = rng.uniform(1, 2.2), level = rng.uniform(0.6, 1);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = (inside(cls, x - cx, y - cy, r, t) ? level : 0) + rng.normal(0, 0.15);
        px[k * 784 + y * 28 + x] = Math.min(1, Math.max(0, v));
      }
    }
  }
  const order = rng.permutation(n);
  const sx = new Float32Array(n * 784), sy = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    sx.set(px.subarray(order[i] * 784, order[i] * 784 + 784), i * 784);
    sy[i] = labels[order[i]];
  }
  return { images: NDArray.fromTyped(sx, [n, 1, 28, 28]), labels: NDArray.fromTyped(sy, [n]) };
}
