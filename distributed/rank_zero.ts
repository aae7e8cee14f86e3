/**
 * {@link rankZeroOnly}: run a training callback (checkpoints, logs, plots) in one process of the
 * job only.
 *
 * @module
 */
import { describe } from "@nnc/tensor";
import type { Callback } from "@nnc/train";
import type { Communicator } from "./communicator.ts";
import { requireWorld } from "./_world.ts";

const HOOKS = ["onTrainBegin", "onEpochBegin", "onBatchEnd", "onEpochEnd", "onTrainEnd"] as const;

/**
 * A callback that forwards every hook to `callback` on rank 0 and does nothing on the other
 * ranks: one checkpoint file, one CSV log, one progress line per job instead of one per process.
 * Checkpoints stay whole when a rank dies: `ModelCheckpoint` writes a temporary file and renames
 * it. Callbacks that change training (`EarlyStopping`, learning-rate schedules) must run on every
 * rank instead, so that the replicas stay the same.
 *
 * @example
 * ```ts
 * import { initDistributed, rankZeroOnly } from "@nnc/distributed";
 * import { CsvLogger } from "@nnc/train";
 * const world = await initDistributed({ backend: "single" });
 * const log = rankZeroOnly(new CsvLogger(await Deno.makeTempFile({ suffix: ".csv" })), world);
 * console.log(typeof log.onEpochEnd); // function
 * ```
 */
export function rankZeroOnly(callback: Callback, communicator?: Communicator): Callback {
  const op = "rankZeroOnly";
  if (callback === null || typeof callback !== "object") {
    throw new TypeError(`${op}: callback must be an object of hooks, got ${describe(callback)}`);
  }
  const comm = communicator ?? requireWorld(op);
  if (comm === null || typeof comm !== "object" || typeof comm.rank !== "number") {
    throw new TypeError(`${op}: communicator must be a Communicator, got ${describe(comm)}`);
  }
  if (comm.rank === 0) return callback;
  const silent: Callback = {};
  for (const hook of HOOKS) {
    if (typeof callback[hook] === "function") silent[hook] = () => {};
  }
  return silent;
}
