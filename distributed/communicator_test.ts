import assert from "node:assert/strict";
import { array, zeros } from "@nnc/tensor";
import { MpiError, SingleProcessCommunicator } from "./mod.ts";

Deno.test("SingleProcessCommunicator: collectives over one rank leave the data as it is", () => {
  const world = new SingleProcessCommunicator();
  const x = array([[1, 2], [3, 4]]);
  world.allReduce(x);
  world.allReduce(x, "max");
  world.broadcast(x);
  world.startAllReduce(new Float64Array([5]));
  world.waitAll();
  world.barrier();
  assert.deepEqual(x.toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(world.stats(true), {
    allReduceSeconds: 0,
    allReduceCalls: 3,
    allReduceBytes: 16 + 16 + 8,
    broadcastSeconds: 0,
    waitSeconds: 0,
  });
  assert.equal(world.stats().allReduceCalls, 0);
  world.finalize();
  assert.throws(() => world.barrier(), /barrier: the communicator was finalized/);
});

Deno.test("collectives name bad buffers, ops and roots", () => {
  const world = new SingleProcessCommunicator();
  assert.throws(
    () => world.allReduce(zeros([2, 3]).transpose()),
    /allReduce: the array must be contiguous .* got strides \[1, 3\] for shape \[3, 2\]/,
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => world.allReduce([1, 2] as any),
    (e: unknown) =>
      e instanceof TypeError &&
      /allReduce: expected an NDArray, Float32Array, Float64Array or Int32Array, got an array of length 2/
        .test(e.message),
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => world.allReduce(new Float32Array(1), "mean" as any),
    /allReduce: op must be one of "sum", "max", "min", got "mean"/,
  );
  assert.throws(
    () => world.broadcast(new Int32Array(1), 1),
    /broadcast: root must be an integer in \[0, 0\], got 1/,
  );
  const e = new MpiError("allReduce: MPI_Allreduce failed", 15);
  assert.ok(e instanceof Error && e.name === "MpiError" && e.code === 15);
});
