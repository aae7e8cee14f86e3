/**
 * The batch norms of a ResNet-20 on 28×28 images at batch 128 (16 channels at 28², 32 at 14², 64
 * at 7², each followed by a ReLU in the same kernel), the active backend's `batchNorm` (training:
 * statistics, then the output) and `batchNormBackward` (all three gradients) timed on their own, in
 * ms a call and ns an element, and the time of seven of each per stage (a training step's).
 *
 * Usage: `NNC_BACKEND=native NNC_THREADS=1 deno run -A bench/batch_norm_shapes.ts [--repeats 40]`
 *
 * @module
 */
import { getBackend, type NDArray, type NormActivation, rand, Rng, zeros } from "@nnc/tensor";
import { loadNativeIfRequested } from "./_native.ts";

const ri = Deno.args.indexOf("--repeats");
const repeats = ri >= 0 ? Number(Deno.args[ri + 1]) : 40;
if (!Number.isInteger(repeats) || repeats < 1) {
  console.error(
    `batch_norm_shapes: --repeats must be a positive integer, got ${Deno.args[ri + 1]}`,
  );
  Deno.exit(2);
}
const backendName = await loadNativeIfRequested();
const backend = getBackend();
const rng = new Rng(1);
const relu: NormActivation = { op: "relu", negativeSlope: 0 };

/** Mean milliseconds of `repeats` calls after three warm-up calls. */
function time(call: () => void): number {
  for (let i = 0; i < 3; i++) call();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) call();
  return (performance.now() - t0) / repeats;
}

console.log(`${backendName} backend, ${repeats} repeats; ms per call (ns per element)`);
let stepMs = 0;
for (const [n, c, side] of [[128, 16, 28], [128, 32, 14], [128, 64, 7]]) {
  const shape = [n, c, side, side];
  const x: NDArray = rand(shape, { rng }), g = rand(shape, { rng });
  const y = zeros(shape), dx = zeros(shape);
  const mean = zeros([c]), variance = zeros([c]), dw = zeros([c]), db = zeros([c]);
  const weight = rand([c], { rng }), bias = rand([c], { rng });
  const forward = time(() =>
    backend.batchNorm(y, mean, variance, x, weight, bias, 1e-5, true, relu)
  );
  const backward = time(() =>
    backend.batchNormBackward(dx, dw, db, g, x, mean, variance, weight, 1e-5, true, bias, relu)
  );
  const rate = (ms: number) => `${ms.toFixed(3)} (${(ms * 1e6 / x.size).toFixed(2)})`;
  console.log(
    `${n}×${c}×${side}²: batchNorm ${rate(forward)}, batchNormBackward ${rate(backward)}`,
  );
  stepMs += 7 * (forward + backward);
}
console.log(`seven of each per stage: ${stepMs.toFixed(1)} ms`);
