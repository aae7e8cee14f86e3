// One process of bench/distributed_scaling.ts: trains the demo CNN (conv32-conv64-fc128) on
// Fashion-MNIST (or the synthetic shapes) for --warmup + --steps steps of --batch images in all
// (split over the ranks), Adam, the native backend, under DistributedDataParallel; rank 0 prints
// one JSON line: seconds per step after the warm-up and the time in all-reduce.
import { manualSeed, Rng, useBackend } from "@nnc/tensor";
import "@nnc/native";
import { nativeInfo } from "@nnc/native";
import { Tensor } from "@nnc/autograd";
import { convNet } from "@nnc/models/cnn";
import { crossEntropy } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { DataLoader, DatasetNotFoundError, fashionMnist, TensorDataset } from "@nnc/datasets";
import { DistributedDataParallel, DistributedSampler, initDistributed } from "@nnc/distributed";

const flag = (name: string, fallback: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
};
const steps = flag("steps", 100), warmup = flag("warmup", 10), batch = flag("batch", 64);
const overlap = Deno.args.includes("--overlap");
if (nativeInfo().available) useBackend("native");
const world = await initDistributed();
const n = (steps + warmup) * batch;
let x, y, source = "Fashion-MNIST";
try {
  const d = await fashionMnist({ split: "train" });
  x = d.images.slice({ start: 0, stop: n });
  y = d.labels.slice({ start: 0, stop: n });
} catch (e) {
  if (!(e instanceof DatasetNotFoundError)) throw e;
  const rng = new Rng(1);
  const { randn, randint } = await import("@nnc/tensor");
  x = randn([n, 1, 28, 28], { rng });
  y = randint(0, 10, [n], { rng });
  source = "random images (Fashion-MNIST not installed)";
}
manualSeed(0);
const model = new DistributedDataParallel(convNet({ rng: new Rng(0) }), {
  communicator: world,
  overlap,
});
const data = new TensorDataset(x, y);
const loader = new DataLoader(data, {
  batchSize: batch / world.size,
  sampler: new DistributedSampler(data, { communicator: world, seed: 0 }),
});
const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
let k = 0, t0 = 0;
for (const [bx, by] of loader) {
  if (k === warmup) {
    world.barrier();
    world.stats(true);
    t0 = performance.now();
  }
  optimizer.zeroGrad();
  crossEntropy(model.forward(new Tensor(bx)), new Tensor(by)).backward();
  optimizer.step();
  k++;
}
world.barrier();
const seconds = (performance.now() - t0) / 1000;
const s = world.stats();
// The all-reduce alone, both ranks arriving together: the cost of moving one step's gradients,
// without the waiting for a slower rank that the in-training figure includes.
const bucket = new Float32Array(model.bucketSizes.reduce((a, b) => a + b, 0));
let pure = 0;
if (world.size > 1) {
  const reps = 20;
  world.barrier();
  const p0 = performance.now();
  for (let i = 0; i < reps; i++) world.allReduce(bucket);
  pure = (performance.now() - p0) / 1000 / reps;
}
if (world.rank === 0) {
  console.log(JSON.stringify({
    ranks: world.size,
    threads: nativeInfo().threads,
    overlap,
    source,
    steps,
    batch,
    secondsPerStep: seconds / steps,
    imagesPerSecond: (steps * batch) / seconds,
    allReduceSecondsPerStep: s.allReduceSeconds / steps,
    waitSecondsPerStep: s.waitSeconds / steps,
    megabytesPerStep: s.allReduceBytes / steps / 1e6,
    pureAllReduceSeconds: pure,
  }));
}
