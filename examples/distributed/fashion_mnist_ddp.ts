// The demo's CNN (conv32-conv64-fc128) on Fashion-MNIST, trained data-parallel by 2 processes ×
// 1 thread over MPI: DistributedDataParallel averages the gradients after every backward pass,
// DistributedSampler gives each process half of every batch of 64, rank 0 alone evaluates on the
// test set, logs and writes the outputs. Reports the test accuracy and the time spent in
// all-reduce.
//
// Run it plainly: when Open MPI is installed the script starts itself again under
// `mpirun -np 2` with one thread per rank (relaunchWithMpirun); without MPI it trains as one
// process and says so. Launching by hand works too (then no relaunch happens):
//
//   deno run -A examples/distributed/fashion_mnist_ddp.ts              (2 ranks, 3 epochs ≈ 0.91)
//   deno run -A examples/distributed/fashion_mnist_ddp.ts --quick      (seconds: 1,000 images, 1 epoch)
//   mpirun -np 2 --oversubscribe -x NNC_THREADS=1 deno run -A examples/distributed/fashion_mnist_ddp.ts
//   flags: --ranks N (2), --epochs N (3), --batch-size N (64, split over the ranks), --lr X (0.001),
//          --seed N (0), --limit N (first N images of each split), --overlap (reduce buckets
//          during backward), --synthetic
// → out/distributed/fashion_mnist_ddp.txt, fashion_mnist_ddp_curves.svg,
//   fashion_mnist_ddp_history.csv, fashion_mnist_ddp.safetensors, fashion_mnist_ddp.summary.json
import {
  DistributedDataParallel,
  DistributedSampler,
  initDistributed,
  rankZeroOnly,
  rankZeroProgress,
  relaunchWithMpirun,
} from "@nnc/distributed";
import { isQuick, numberFlag } from "../_lib/report.ts";

const ranks = numberFlag("ranks", 2);
const status = await relaunchWithMpirun({ np: ranks, threadsPerRank: 1 });
if (status !== null) Deno.exit(status);

const { manualSeed, Rng } = await import("@nnc/tensor");
const { convNet } = await import("@nnc/models/cnn");
const { DataLoader, TensorDataset } = await import("@nnc/datasets");
const { crossEntropy, saveModel } = await import("@nnc/layers");
const { Adam, CosineAnnealingLR } = await import("@nnc/optim");
const { CsvLogger, fit } = await import("@nnc/train");
const { historyChart, saveSvg } = await import("@nnc/plot");
const { ExampleReport } = await import("../_lib/report.ts");
const { preferNative } = await import("../_lib/backend.ts");
const { loadImages } = await import("../_lib/data.ts");

const world = await initDistributed();
const main = world.rank === 0;
const quick = isQuick();
const seed = numberFlag("seed", 0);
const epochs = numberFlag("epochs", quick ? 1 : 3);
const batchSize = numberFlag("batch-size", 64);
const lr = numberFlag("lr", 1e-3);
if (batchSize % world.size !== 0) {
  throw new RangeError(`--batch-size ${batchSize} must be a multiple of the ${world.size} ranks`);
}
const backend = await preferNative();
const limit = numberFlag("limit", quick ? 1000 : Infinity);
const data = await loadImages({
  flat: false,
  limit,
  testLimit: quick ? 500 : limit,
  synthetic: Deno.args.includes("--synthetic"),
});
// Every rank builds the model from the same seed; DistributedDataParallel broadcasts rank 0's
// weights anyway, so that the replicas start equal whatever the ranks did before.
manualSeed(seed);
const model = new DistributedDataParallel(convNet({ rng: new Rng(seed) }), {
  communicator: world,
  overlap: Deno.args.includes("--overlap"),
});
const train = new TensorDataset(data.train.x, data.train.y);
const sampler = new DistributedSampler(train, { communicator: world, seed });
const optimizer = new Adam(model.parameters(), { lr });
// Only rank 0 makes files: construct the report (it creates the output folder) there.
const report = main ? new ExampleReport("distributed", "fashion_mnist_ddp") : null;
const callbacks = report
  ? [rankZeroOnly(new CsvLogger(report.path("fashion_mnist_ddp_history.csv")), world)]
  : [];
world.stats(true);
const history = await fit(model, {
  train: new DataLoader(train, { batchSize: batchSize / world.size, sampler }),
  // The test set on rank 0 only: the other ranks go on to the next epoch and wait for it there.
  validation: main
    ? new DataLoader(new TensorDataset(data.test.x, data.test.y), { batchSize: 128 })
    : undefined,
  loss: crossEntropy,
  optimizer,
  scheduler: new CosineAnnealingLR(optimizer, { tMax: epochs }),
  epochs,
  metrics: ["accuracy"],
  callbacks,
  progress: rankZeroProgress(world),
});
const stats = world.stats();
if (report !== null) {
  const last = history.last()!;
  const seconds = history.get("seconds").reduce((a, b) => a + b, 0);
  const lines = [
    `${data.source}: ${data.train.y.size} training / ${data.test.y.size} test images; backend ${backend}`,
    `${world.size} process${world.size > 1 ? "es" : ""} (${world.backend}${
      world.backend === "mpi" ? "" : ": MPI not used"
    }) × 1 thread; batch ${batchSize} = ${world.size} × ${
      batchSize / world.size
    }; Adam lr ${lr} (cosine), seed ${seed}, ${epochs} epochs`,
    `gradient buckets: [${model.bucketSizes.join(", ")}] elements; overlap ${model.overlap}`,
    ...history.epochs.map((r) =>
      `epoch ${r.epoch}: ${r.seconds.toFixed(1)} s, loss ${r.loss.toFixed(4)}, test accuracy ${
        r.valAccuracy.toFixed(4)
      }`
    ),
    `rank 0: ${stats.allReduceCalls} all-reduces of ${
      (stats.allReduceBytes / stats.allReduceCalls / 1e6 || 0).toFixed(2)
    } MB, ${stats.allReduceSeconds.toFixed(2)} s in all-reduce of ${
      seconds.toFixed(1)
    } s training + rank-0 test evaluation (${
      (100 * stats.allReduceSeconds / seconds).toFixed(1)
    } %)`,
  ];
  for (const l of lines) report.note(l);
  await Deno.writeTextFile(report.path("fashion_mnist_ddp.txt"), lines.join("\n") + "\n");
  await saveSvg(
    report.path("fashion_mnist_ddp_curves.svg"),
    await historyChart(history, { title: `CNN on ${data.source}, ${world.size} ranks (DDP)` }),
  );
  await saveModel(report.path("fashion_mnist_ddp.safetensors"), model.module);
  report.metric("ranks", world.size, { min: 1 });
  report.metric("test accuracy", last.valAccuracy, { min: quick ? 0.3 : 0.88, max: 1 });
  report.metric("final training loss", last.loss, { min: 0, max: Math.log(10) });
  report.metric("all-reduce share of the training time", stats.allReduceSeconds / seconds, {
    min: 0,
    max: 1,
  });
  await report.write();
}
