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

/**
 * `rankZeroProgress` of a single-process world in a fresh Deno process with NNC_MPI_PARENT_TTY =
 * `parentTty` (a child process: tests run side by side in one process, which must keep its
 * environment).
 */
function progressOfRankZeroWith(parentTty: string): string {
  const code = `import { initDistributed, rankZeroProgress } from ${
    JSON.stringify(new URL("./mod.ts", import.meta.url).href)
  };
    console.log(rankZeroProgress(await initDistributed({ backend: "single" })));`;
  const out = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", new URL("../deno.json", import.meta.url).pathname, code],
    env: { NNC_MPI_PARENT_TTY: parentTty },
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("rankZeroProgress: none off rank 0; lines on rank 0 when the launching process logged to a file", () => {
  assert.equal(rankZeroProgress(new FakeCommunicator(2, 1)), "none");
  assert.equal(progressOfRankZeroWith("0"), "lines");
  assert.equal(progressOfRankZeroWith("1"), "auto");
});
