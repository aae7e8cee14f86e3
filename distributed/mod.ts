/**
 * `@nnc/distributed`: data-parallel training across processes and machines over MPI (Open MPI,
 * or any MPI, reached through Deno FFI). {@link initDistributed} joins the job `mpirun` started
 * (or makes a job of one process), {@link DistributedDataParallel} keeps the replicas of a model
 * equal by averaging gradients after every backward pass, {@link DistributedSampler} gives each
 * process its shard of the data, {@link rankZeroOnly} keeps checkpoints and logs to one process,
 * and {@link relaunchWithMpirun} starts a plain script again under `mpirun`.
 *
 * @example
 * ```ts
 * // mpirun -np 2 deno run -A train.ts  (or plain `deno run -A train.ts`: one process)
 * import {
 *   DistributedDataParallel,
 *   DistributedSampler,
 *   initDistributed,
 *   rankZeroProgress,
 * } from "@nnc/distributed";
 * import { DataLoader, TensorDataset, twoMoons } from "@nnc/datasets";
 * import { crossEntropy, Linear } from "@nnc/layers";
 * import { SGD } from "@nnc/optim";
 * import { fit } from "@nnc/train";
 *
 * const world = await initDistributed();
 * const { x, y } = twoMoons({ n: 64, seed: 0 });
 * const data = new TensorDataset(x, y);
 * const model = new DistributedDataParallel(new Linear(2, 2));
 * const history = await fit(model, {
 *   train: new DataLoader(data, { batchSize: 8, sampler: new DistributedSampler(data, { seed: 1 }) }),
 *   loss: crossEntropy,
 *   optimizer: new SGD(model.parameters(), { lr: 0.1 }),
 *   epochs: 2,
 *   progress: rankZeroProgress(world), // a progress display on rank 0 only
 * });
 * console.log(history.length); // 2
 * ```
 *
 * @module
 */
export * from "./communicator.ts";
export * from "./init.ts";
export * from "./sampler.ts";
export * from "./data_parallel.ts";
export * from "./rank_zero.ts";
