/**
 * `@nnc/train`: the training loop. {@link fit} trains any `Module` with an optimiser and a loss
 * over a data set (batches, validation, metrics, learning-rate schedules, gradient clipping,
 * callbacks, a progress bar on a terminal) and returns a {@link History}; {@link evaluate} and
 * {@link predict} run a trained model; callbacks stop early, keep checkpoints, log to CSV or
 * JSON lines and follow the learning rate, and {@link TimeBudget} trains for a wall-clock budget
 * with the schedule spread over the time; {@link WeightAverage} keeps a moving (or equal-weight)
 * average of the weights to validate, evaluate or save in their place, and {@link updateBatchNorm}
 * recomputes batch norm's statistics for them; metrics (accuracy, top-k, confusion matrix,
 * precision/recall/F1) read plain `NDArray`s.
 *
 * @example
 * ```ts
 * import { fit } from "@nnc/train";
 * import { Linear, mseLoss } from "@nnc/layers";
 * import { SGD } from "@nnc/optim";
 * import { array, manualSeed } from "@nnc/tensor";
 *
 * manualSeed(0);
 * const x = array([[0], [1], [2], [3]]);
 * const y = array([[1], [3], [5], [7]]); // y = 2x + 1
 * const model = new Linear(1, 1);
 * const history = await fit(model, {
 *   train: [[x, y]],
 *   loss: mseLoss,
 *   optimizer: new SGD(model.parameters(), { lr: 0.05 }),
 *   epochs: 200,
 *   progress: "none",
 * });
 * console.log(history.last()!.loss < 1e-3); // true
 * ```
 *
 * ## See also
 *
 * In Jupyter (Deno's kernel) a `History` shows its learning curves as SVG ({@link historySvg}).
 *
 * The nnc packages: [@nnc/tensor](https://jsr.io/@nnc/tensor), [@nnc/native](https://jsr.io/@nnc/native), [@nnc/autograd](https://jsr.io/@nnc/autograd), [@nnc/layers](https://jsr.io/@nnc/layers), [@nnc/optim](https://jsr.io/@nnc/optim), [@nnc/datasets](https://jsr.io/@nnc/datasets), [@nnc/plot](https://jsr.io/@nnc/plot), [@nnc/train](https://jsr.io/@nnc/train), [@nnc/models](https://jsr.io/@nnc/models).
 * Examples and notebooks: the repository's `examples/` and `examples/notebooks/` folders.
 *
 * @module
 */
export * from "./metrics.ts";
export * from "./history.ts";
export * from "./history_svg.ts";
export * from "./progress.ts";
export * from "./callbacks.ts";
export * from "./time_budget.ts";
export * from "./weight_average.ts";
export * from "./update_batch_norm.ts";
export * from "./evaluate.ts";
export * from "./fit.ts";
export * from "./non_finite_loss_error.ts";
