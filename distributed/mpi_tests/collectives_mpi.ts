// Multi-process test (run by tools/test_mpi.ts under `deno task test:mpi`): every collective of
// MpiCommunicator on 3 ranks, on float32, float64 and int32 buffers, in place.
import assert from "node:assert/strict";
import { log, runJob } from "./_launch.ts";

Deno.test("MpiCommunicator on 3 ranks: all-reduce (sum, max, min), broadcast, queued all-reduce, barrier", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nnc-mpi-" });
  try {
    const r = await runJob(3, ["collectives", "--out", `${dir}/c`]);
    assert.equal(r.code, 0, `the job failed${log(r)}`);
    for (let rank = 0; rank < 3; rank++) {
      const got = JSON.parse(await Deno.readTextFile(`${dir}/c.${rank}.json`));
      assert.equal(got.rank, rank);
      assert.equal(got.size, 3);
      assert.equal(got.backend, "mpi");
      assert.deepEqual(got.f32, [1 + 2 + 3, 0 - 1 - 2, 1.5], "float32 sum");
      assert.deepEqual(got.f64, [2, 20, 7], "float64 max");
      assert.deepEqual(got.i32, [3, -2], "int32 min");
      assert.deepEqual(got.bcast, [42, 43], "broadcast from rank 2");
      assert.deepEqual(got.q1, [6, 6], "queued float32 sum");
      assert.deepEqual(got.q2, [6, 6, 6], "queued float64 sum");
      assert.equal(got.calls, 5);
      assert.equal(got.bytes, 12 + 24 + 8 + 4000 + 24);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
