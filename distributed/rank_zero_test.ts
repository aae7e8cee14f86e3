import assert from "node:assert/strict";
import type { Callback } from "@nnc/train";
import { rankZeroOnly, rankZeroProgress } from "./mod.ts";
import { FakeCommunicator } from "./_testing.ts";

Deno.test("rankZeroOnly: rank 0 runs the callback, the other ranks run nothing", async () => {
  const calls: string[] = [];
  const cb: Callback = {
    onEpochEnd: (epoch) => void calls.push(`epoch ${epoch}`),
    onTrainEnd: () => void calls.push("end"),
  };
  const zero = rankZeroOnly(cb, new FakeCommunicator(2, 0));
  const one = rankZeroOnly(cb, new FakeCommunicator(2, 1));
  assert.equal(zero, cb);
  // deno-lint-ignore no-explicit-any
  await one.onEpochEnd!(1, { epoch: 1 } as any, {} as any);
  // deno-lint-ignore no-explicit-any
  await one.onTrainEnd!({} as any);
  assert.deepEqual(calls, []);
  assert.deepEqual(Object.keys(one).sort(), ["onEpochEnd", "onTrainEnd"]);
  // deno-lint-ignore no-explicit-any
  await zero.onEpochEnd!(3, { epoch: 3 } as any, {} as any);
  assert.deepEqual(calls, ["epoch 3"]);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => rankZeroOnly(null as any, new FakeCommunicator(1)),
    (e: unknown) =>
      e instanceof TypeError &&
      /rankZeroOnly: callback must be an object of hooks, got null/.test(e.message),
  );
});

Deno.test("rankZeroProgress: none off rank 0; lines on rank 0 when the launching process logged to a file", () => {
  assert.equal(rankZeroProgress(new FakeCommunicator(2, 1)), "none");
  const saved = Deno.env.get("NNC_MPI_PARENT_TTY");
  try {
    Deno.env.set("NNC_MPI_PARENT_TTY", "0");
    assert.equal(rankZeroProgress(new FakeCommunicator(2, 0)), "lines");
    Deno.env.set("NNC_MPI_PARENT_TTY", "1");
    assert.equal(rankZeroProgress(new FakeCommunicator(2, 0)), "auto");
  } finally {
    if (saved === undefined) Deno.env.delete("NNC_MPI_PARENT_TTY");
    else Deno.env.set("NNC_MPI_PARENT_TTY", saved);
  }
});
