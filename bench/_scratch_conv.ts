import { convolution, convolutionInputGrad, convolutionWeightGrad, rand, Rng } from "@nnc/tensor";
import { loadNativeIfRequested } from "./_native.ts";
await loadNativeIfRequested();
const rng = new Rng(0);
function time(name: string, f: () => unknown) {
  for (let i = 0; i < 20; i++) f();
  const ts: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) f();
    ts.push((performance.now() - t0) / 20);
  }
  ts.sort((a, b) => a - b);
  console.log(name.padEnd(24), ts[3].toFixed(3), "ms");
}
const x1 = rand([64, 1, 28, 28], { rng }), w1 = rand([32, 1, 3, 3], { rng }), b1 = rand([32], { rng });
const dy1 = rand([64, 32, 28, 28], { rng });
const x2 = rand([64, 32, 14, 14], { rng }), w2 = rand([64, 32, 3, 3], { rng }), b2 = rand([64], { rng });
const dy2 = rand([64, 64, 14, 14], { rng });
const o = { padding: 1 };
time("conv1 fwd", () => convolution(x1, w1, b1, o));
time("conv1 wgrad", () => convolutionWeightGrad(dy1, x1, w1.shape, o));
time("conv2 fwd", () => convolution(x2, w2, b2, o));
time("conv2 wgrad", () => convolutionWeightGrad(dy2, x2, w2.shape, o));
time("conv2 igrad", () => convolutionInputGrad(dy2, w2, x2.shape, o));
