// One rank of the multi-process tests (run by mpirun from the *_mpi.ts tests, or as one plain
// process for the reference run). Modes:
//   collectives --out F          every collective on every dtype; writes F.<rank>.json
//   train --out DIR [...]        fit under DistributedDataParallel; writes DIR/rank<r>.safetensors
//   die | kill | hang --out DIR  like train, but at batch 3 rank 1 exits with status 3 (die), is
//                                killed by SIGKILL (kill) or stops calling collectives (hang);
//                                rank 0 checkpoints after every batch
import { getBackend, manualSeed, NDArray, randint, randn, Rng, Storage } from "@nnc/tensor";
import { DataLoader, TensorDataset } from "@nnc/datasets";
import {
  Conv2d,
  crossEntropy,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  saveModel,
  Sequential,
  Tanh,
} from "@nnc/layers";
import { Adam, SGD } from "@nnc/optim";
import { type Callback, fit } from "@nnc/train";
import {
  DistributedDataParallel,
  DistributedSampler,
  initDistributed,
  rankZeroOnly,
} from "../mod.ts";

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
}

const mode = Deno.args[0];
const out = flag("out", "");
const world = await initDistributed({ timeout: Number(flag("timeout", "120")) });

if (mode === "collectives") {
  const r = world.rank, n = world.size;
  const f32 = new Float32Array([r + 1, -r, 0.5]);
  world.allReduce(f32);
  const f64 = new NDArray(new Storage(new Float64Array([r, 10 * r, 7])), [3]);
  world.allReduce(f64, "max");
  const i32 = new Int32Array([r + 3, -r]);
  world.allReduce(i32, "min");
  const b = new Float64Array([r === n - 1 ? 42 : -1, r === n - 1 ? 43 : -1]);
  world.broadcast(b, n - 1);
  // Queued reductions on two buffers, then a blocking one: results in order.
  const q1 = new Float32Array(1000).fill(r + 1), q2 = new Float64Array(3).fill(2 * r);
  world.startAllReduce(q1);
  world.startAllReduce(q2);
  world.waitAll();
  world.barrier();
  const stats = world.stats();
  await Deno.writeTextFile(
    `${out}.${r}.json`,
    JSON.stringify({
      rank: r,
      size: n,
      backend: world.backend,
      f32: [...f32],
      f64: f64.toArray(),
      i32: [...i32],
      bcast: [...b],
      q1: [q1[0], q1[999]],
      q2: [...q2],
      calls: stats.allReduceCalls,
      bytes: stats.allReduceBytes,
    }),
  );
} else {
  const model = flag("model", "mlp");
  const globalBatch = Number(flag("global-batch", "16"));
  const epochs = Number(flag("epochs", "2"));
  const stepsPerEpoch = Number(flag("steps-per-epoch", "10"));
  const optimizer = flag("optimizer", "sgd");
  const overlap = flag("overlap", "0") === "1";
  const bucketMb = Number(flag("bucket-mb", "25"));
  if (globalBatch % world.size !== 0) throw new Error("global batch must divide among the ranks");
  const n = globalBatch * stepsPerEpoch;
  const rng = new Rng(11);
  const x = model === "cnn" ? randn([n, 1, 8, 8], { rng }) : randn([n, 10], { rng });
  const y = randint(0, 3, [n], { rng });
  const data = new TensorDataset(x, y);
  // Different initial weights on each rank: the start broadcast must make them equal.
  manualSeed(100 + world.rank);
  const net = model === "cnn"
    ? new Sequential(
      new Conv2d(1, 4, 3, { padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(4 * 4 * 4, 3),
    )
    : new Sequential(new Linear(10, 16), new Tanh(), new Linear(16, 3));
  if (world.size === 1) {
    // The one-process reference starts from rank 0's weights.
    manualSeed(100);
    const fresh = model === "cnn"
      ? new Sequential(
        new Conv2d(1, 4, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(4 * 4 * 4, 3),
      )
      : new Sequential(new Linear(10, 16), new Tanh(), new Linear(16, 3));
    net.loadStateDict(fresh.stateDict());
  }
  const ddp = new DistributedDataParallel(net, {
    communicator: world,
    overlap,
    bucketCapMb: bucketMb,
  });
  // The weights every rank starts from (rank 0's, after the broadcast).
  if (world.rank === 0) await saveModel(`${out}/start.safetensors`, ddp.module);
  const sampler = new DistributedSampler(data, { communicator: world, seed: 3 });
  const loader = new DataLoader(data, { batchSize: globalBatch / world.size, sampler });
  const opt = optimizer === "adam"
    ? new Adam(ddp.parameters(), { lr: 0.01 })
    : new SGD(ddp.parameters(), { lr: 0.1, momentum: 0.9 });
  const callbacks: Callback[] = [];
  if (mode === "die" || mode === "kill" || mode === "hang") {
    callbacks.push(rankZeroOnly({
      onBatchEnd: async (batch) => {
        await saveModel(`${out}/checkpoint.safetensors`, ddp.module, {
          metadata: { batch: String(batch) },
        });
      },
    }, world));
    if (world.rank === 1) {
      callbacks.push({
        onBatchEnd: async (batch) => {
          if (batch !== 3) return;
          if (mode === "die") {
            console.error("rank 1: exiting with status 3 at batch 3");
            Deno.exit(3);
          }
          if (mode === "kill") {
            console.error("rank 1: killed by SIGKILL at batch 3");
            Deno.kill(Deno.pid, "SIGKILL");
          }
          console.error("rank 1: hanging at batch 3");
          await new Promise((resolve) => setTimeout(resolve, 600_000));
        },
      });
    }
  }
  await fit(ddp, {
    train: loader,
    loss: crossEntropy,
    optimizer: opt,
    epochs: mode === "train" ? epochs : 1000,
    callbacks,
    progress: "none",
  });
  await saveModel(`${out}/rank${world.rank}.safetensors`, ddp.module, {
    metadata: {
      backend: getBackend().name,
      stats: JSON.stringify(world.stats()),
      buckets: JSON.stringify(ddp.bucketSizes),
    },
  });
}
