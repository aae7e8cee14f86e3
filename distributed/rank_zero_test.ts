import assert from "node:assert/strict";
import type { Callback } from "@nnc/train";
import { rankZeroOnly } from "./mod.ts";
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
