/**
 * The convolutions of a ResNet-20 on 28×28 images at batch 128 (3×3, padding 1, the same channels in
 * and out: 16 at 28², 32 at 14², 64 at 7²), each kernel of the active backend timed on its own:
 * `conv`, `convInputGrad` and `convWeightGrad`, with their rates in GFLOP/s, and the time of six
 * of each per stage (a stage's 3×3 convolutions of one training step, minus the first block's
 * downsampling ones).
 *
 * Usage: `NNC_BACKEND=native NNC_THREADS=1 deno run -A bench/conv_shapes.ts [--repeats 20]
 * [--rounds 1]`: each figure the mean of `repeats` calls, the best of `rounds` rounds (on a noisy
 * machine several rounds keep the quiet ones).
 *
 * @module
 */
import { getBackend, type NDArray, rand, Rng, zeros } from "@nnc/tensor";
import { loadNativeIfRequested } from "./_native.ts";

/** The positive integer after `--name`, or `fallback`; exits with a message otherwise. */
function countFlag(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) {
    console.error(`conv_shapes: --${name} must be a positive integer, got ${Deno.args[i + 1]}`);
    Deno.exit(2);
  }
  return v;
}
const repeats = countFlag("repeats", 20);
const rounds = countFlag("rounds", 1);
const backendName = await loadNativeIfRequested();
const backend = getBackend();
const geometry = { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
const rng = new Rng(1);

/** Mean milliseconds of `repeats` calls after three warm-up calls, the best of `rounds` rounds. */
function time(call: () => void): number {
  for (let i = 0; i < 3; i++) call();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < repeats; i++) call();
    best = Math.min(best, (performance.now() - t0) / repeats);
  }
  return best;
}

console.log(
  `${backendName} backend, ${repeats} repeats, best of ${rounds} round${
    rounds > 1 ? "s" : ""
  }; ms per call (GFLOP/s)`,
);
let stepMs = 0;
for (const [n, c, side] of [[128, 16, 28], [128, 32, 14], [128, 64, 7]]) {
  const x: NDArray = rand([n, c, side, side], { rng });
  const w = rand([c, c, 3, 3], { rng });
  const y = zeros([n, c, side, side]), dx = zeros([n, c, side, side]), dw = zeros([c, c, 3, 3]);
  const flops = 2 * n * c * c * 9 * side * side;
  const forward = time(() => backend.conv(y, x, w, null, geometry, 1));
  const input = time(() => backend.convInputGrad(dx, y, w, geometry, 1));
  const weight = time(() => backend.convWeightGrad(dw, y, x, geometry, 1));
  const rate = (ms: number) => `${ms.toFixed(2)} (${(flops / ms / 1e6).toFixed(0)})`;
  console.log(
    `${n}×${c}×${side}²: conv ${rate(forward)}, convInputGrad ${rate(input)}, convWeightGrad ${
      rate(weight)
    }`,
  );
  stepMs += 6 * (forward + input + weight);
}
console.log(`six of each per stage: ${stepMs.toFixed(1)} ms`);

// A ResNet's stage transitions: 3×3 stride-2 convolutions with padding 1 and the 1×1 stride-2
// shortcuts (libnnc's 3×3 ones over phase planes, their input gradient over the input's phases;
// the 1×1 shortcuts' unfolded).
for (const [n, c, side] of [[128, 16, 28], [128, 32, 14]]) {
  for (const k of [3, 1]) {
    const g = { kernel: [k, k], stride: [2, 2], padding: [k >> 1, k >> 1], dilation: [1, 1] };
    const o = side / 2;
    const x: NDArray = rand([n, c, side, side], { rng });
    const w = rand([2 * c, c, k, k], { rng });
    const y = zeros([n, 2 * c, o, o]), dx = zeros([n, c, side, side]), dw = zeros([2 * c, c, k, k]);
    const flops = 2 * n * 2 * c * c * k * k * o * o;
    const forward = time(() => backend.conv(y, x, w, null, g, 1));
    const input = time(() => backend.convInputGrad(dx, y, w, g, 1));
    const weight = time(() => backend.convWeightGrad(dw, y, x, g, 1));
    const rate = (ms: number) => `${ms.toFixed(2)} (${(flops / ms / 1e6).toFixed(0)})`;
    console.log(
      `${n}×${c}→${2 * c}×${side}² ${k}×${k} stride 2: conv ${rate(forward)}, convInputGrad ${
        rate(input)
      }, convWeightGrad ${rate(weight)}`,
    );
  }
}
