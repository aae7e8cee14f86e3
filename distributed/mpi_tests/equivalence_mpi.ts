// Multi-process test (run by tools/test_mpi.ts under `deno task test:mpi`): two ranks training
// with per-rank batch b under DistributedDataParallel + DistributedSampler, through `fit`, end
// with the parameters of one process training with batch 2b on the same samples.
import assert from "node:assert/strict";
import { loadSafetensors, type NDArray } from "@nnc/tensor";
import { log, runAlone, runJob } from "./_launch.ts";

function values(a: NDArray): number[] {
  return a.reshape([a.size]).toArray() as number[];
}

/** max |a − b| / max |b| over one tensor. */
function relativeError(a: NDArray, b: NDArray): number {
  const x = values(a), y = values(b);
  let d = 0, m = 0;
  x.forEach((v, i) => {
    d = Math.max(d, Math.abs(v - y[i]));
    m = Math.max(m, Math.abs(y[i]));
  });
  return d / m;
}

const CASES = [
  { name: "MLP, SGD with momentum, buckets after backward", args: ["--model", "mlp"] },
  {
    name: "CNN, Adam, three buckets overlapping backward",
    args: ["--model", "cnn", "--optimizer", "adam", "--overlap", "1", "--bucket-mb", "0.0005"],
  },
];

for (const c of CASES) {
  Deno.test(`2 ranks × batch 8 = 1 process × batch 16 after 20 steps (float32, 1e-5): ${c.name}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "nnc-ddp-" });
    await Deno.mkdir(`${dir}/one`);
    await Deno.mkdir(`${dir}/two`);
    try {
      // 2 epochs of 10 steps: the sampler's per-epoch reshuffle is exercised too.
      const common = [
        "--global-batch",
        "16",
        "--epochs",
        "2",
        "--steps-per-epoch",
        "10",
        ...c.args,
      ];
      const one = await runAlone(["train", "--out", `${dir}/one`, ...common]);
      assert.equal(one.code, 0, `the one-process run failed${log(one)}`);
      const two = await runJob(2, ["train", "--out", `${dir}/two`, ...common]);
      assert.equal(two.code, 0, `the MPI job failed${log(two)}`);
      const reference = await loadSafetensors(`${dir}/one/rank0.safetensors`);
      const rank0 = await loadSafetensors(`${dir}/two/rank0.safetensors`);
      const rank1 = await loadSafetensors(`${dir}/two/rank1.safetensors`);
      const start = await loadSafetensors(`${dir}/two/start.safetensors`);
      const stats = JSON.parse(rank0.metadata!.stats);
      const buckets = JSON.parse(rank0.metadata!.buckets) as number[];
      assert.equal(stats.allReduceCalls, 20 * buckets.length, "one all-reduce per bucket per step");
      for (const [name, ref] of Object.entries(reference.tensors)) {
        const a = rank0.tensors[name], b = rank1.tensors[name];
        assert.deepEqual(values(a), values(b), `${name}: the replicas differ`);
        const err = relativeError(a, ref);
        assert.ok(err <= 1e-5, `${name}: relative difference ${err} from the one-process run`);
        // The comparison can fail: 20 steps moved every tensor far more than the tolerance.
        const moved = relativeError(start.tensors[name], ref);
        assert.ok(moved > 1e-3, `${name}: training moved it by only ${moved}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
