// Multi-process test (run by tools/test_mpi.ts under `deno task test:mpi`): a rank that dies or
// hangs makes the job end with an error within a bounded time instead of hanging, and rank 0's
// checkpoint (written after every batch, atomically, by rank 0 only) is whole.
import assert from "node:assert/strict";
import { isAtomicTempName, loadSafetensors } from "@nnc/tensor";
import { log, runJob } from "./_launch.ts";

const BOUND_MS = 90_000; // a liveness bound, far above the seconds these jobs take

const CASES = [
  {
    mode: "die",
    how: "exits with status 3",
    expect: /exit code:\s*3|exited with non-zero status/i,
  },
  { mode: "kill", how: "is killed by SIGKILL", expect: /signal 9|killed/i },
  {
    mode: "hang",
    how: "stops calling collectives (rank 0's watchdog, 3 s)",
    expect: /MPI_Allreduce did not complete within 3 s/,
  },
];

for (const c of CASES) {
  Deno.test(`a rank that ${c.how} ends the job with an error; the checkpoint is whole`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "nnc-dead-" });
    try {
      const r = await runJob(2, [c.mode, "--out", dir, "--timeout", "3"], BOUND_MS);
      assert.equal(r.hung, false, `the job was still running after ${BOUND_MS / 1000} s${log(r)}`);
      assert.notEqual(r.code, 0, `the job must fail${log(r)}`);
      assert.match(r.stdout + r.stderr, c.expect, log(r));
      const files = [...Deno.readDirSync(dir)].map((e) => e.name)
        .filter((n) => !isAtomicTempName(n)).sort();
      // Rank 0's files only: its checkpoint and the weights it started from.
      assert.deepEqual(files, ["checkpoint.safetensors", "start.safetensors"]);
      const ckpt = await loadSafetensors(`${dir}/checkpoint.safetensors`);
      assert.ok(Number(ckpt.metadata!.batch) >= 3, "written after batch 3 or later");
      assert.deepEqual(Object.keys(ckpt.tensors).sort(), [
        "0.bias",
        "0.weight",
        "2.bias",
        "2.weight",
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
