// Sliding-window kernels at the sizes a small CNN uses (LeNet / CIFAR-style layers).
// Run: deno bench -A tensor/window_bench.ts
import { NDArray } from "./ndarray.ts";
import { sizeOf } from "./shape.ts";
import { avgPool2d, col2im, im2col, maxPool2d } from "./window.ts";

function filled(shape: number[]): NDArray {
  const data = new Float32Array(sizeOf(shape));
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return NDArray.fromTyped(data, shape);
}

const x32 = filled([64, 32, 14, 14]);
const x1 = filled([64, 1, 28, 28]);
const big = filled([64, 32, 28, 28]);
const cols32 = im2col(x32, { kernel: 3, padding: 1 });
const cols1 = im2col(x1, { kernel: 5 });
const x32t = x32.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2); // channels-last memory

Deno.bench("im2col [64,32,14,14] 3x3 pad 1", { group: "im2col 3x3", baseline: true }, () => {
  im2col(x32, { kernel: 3, padding: 1 });
});
Deno.bench("im2col [64,32,14,14] 3x3 pad 1, channels-last input", { group: "im2col 3x3" }, () => {
  im2col(x32t, { kernel: 3, padding: 1 });
});
Deno.bench("im2col [64,1,28,28] 5x5 (LeNet conv1)", () => {
  im2col(x1, { kernel: 5 });
});
Deno.bench("im2col [64,1,28,28] 3x3 pad 1", () => {
  im2col(x1, { kernel: 3, padding: 1 });
});
Deno.bench("col2im [64,288,196] -> [64,32,14,14] 3x3 pad 1", () => {
  col2im(cols32, [14, 14], { kernel: 3, padding: 1 });
});
Deno.bench("col2im [64,25,576] -> [64,1,28,28] 5x5", () => {
  col2im(cols1, [28, 28], { kernel: 5 });
});
Deno.bench("maxPool2d [64,32,28,28] 2x2", () => {
  maxPool2d(big, { kernel: 2 });
});
Deno.bench("maxPool2d [64,32,28,28] 3x3 stride 2 pad 1", () => {
  maxPool2d(big, { kernel: 3, stride: 2, padding: 1 });
});
Deno.bench("avgPool2d [64,32,28,28] 2x2", () => {
  avgPool2d(big, { kernel: 2 });
});
