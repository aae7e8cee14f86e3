/**
 * {@link rankZeroOnly}: run a training callback (checkpoints, logs, plots) in one process of the
 * job only.
 *
 * @module
 */
import { describe } from "@nnc/tensor";
import type { Callback, ProgressMode } from "@nnc/train";
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

/**
 * The `progress` option of `fit` for this rank: `"none"` on every rank but 0; on rank 0 `"auto"`,
 * or `"lines"` when `relaunchWithMpirun` started the job from a process whose output was
 * not a terminal (`mpirun` gives the ranks a pseudo-terminal, so the rank cannot tell by itself
 * that a bar would end up in a log file).
 *
 * @example
 * ```ts
 * import { initDistributed, rankZeroProgress } from "@nnc/distributed";
 * const world = await initDistributed({ backend: "single" });
 * console.log(["auto", "lines"].includes(rankZeroProgress(world))); // true
 * ```
 */
export function rankZeroProgress(communicator?: Communicator): ProgressMode {
  const comm = communicator ?? requireWorld("rankZeroProgress");
  if (comm === null || typeof comm !== "object" || typeof comm.rank !== "number") {
    throw new TypeError(
      `rankZeroProgress: communicator must be a Communicator, got ${describe(comm)}`,
    );
  }
  if (comm.rank !== 0) return "none";
  let parentTerminal: string | undefined;
  try {
    parentTerminal = Deno.env.get("NNC_MPI_PARENT_TTY");
  } catch {
    parentTerminal = undefined;
  }
  return parentTerminal === "0" ? "lines" : "auto";
}
