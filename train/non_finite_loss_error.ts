/**
 * {@link NonFiniteLossError}: what {@link fit} throws when a batch's loss is NaN or infinite.
 *
 * @module
 */
import { checkInt, describe } from "@nnc/tensor";

/**
 * A batch's loss was NaN or ±Infinity during `fit` (see its `onNonFiniteLoss` option). The
 * message and the fields name the epoch and the batch (both counted from 1).
 *
 * @example
 * ```ts
 * import { NonFiniteLossError } from "@nnc/train";
 * const e = new NonFiniteLossError(NaN, 3, 17);
 * console.assert(e instanceof RangeError && e.message.includes("epoch 3, batch 17"));
 * ```
 */
export class NonFiniteLossError extends RangeError {
  /** The loss value (NaN, Infinity or -Infinity). */
  readonly value: number;
  /** The epoch, from 1. */
  readonly epoch: number;
  /** The batch within the epoch, from 1. */
  readonly batch: number;

  /** An error for the loss `value` of `batch` in `epoch`; `detail` ends the message. */
  constructor(value: number, epoch: number, batch: number, detail?: string) {
    const op = "NonFiniteLossError";
    if (typeof value !== "number") {
      throw new TypeError(`${op}: value must be a number, got ${describe(value)}`);
    }
    checkInt(epoch, op, "epoch", 0);
    checkInt(batch, op, "batch", 0);
    if (detail !== undefined && typeof detail !== "string") {
      throw new TypeError(`${op}: detail must be a string or undefined, got ${describe(detail)}`);
    }
    super(
      `fit: loss is ${value} in epoch ${epoch}, batch ${batch}; ${
        detail ??
          'nothing was written; pass onNonFiniteLoss: "skip" or "restore" to train past such batches'
      }`,
    );
    this.name = "NonFiniteLossError";
    this.value = value;
    this.epoch = epoch;
    this.batch = batch;
  }
}
