// Argument checks of the callbacks' hooks (called by fit, but public): the epoch's log and the
// training state must be objects, so that a wrong call names the callback and the argument.
import { describe } from "@nnc/tensor";

/** Throws a TypeError naming `op` unless `value` is a (non-array) object. */
export function checkRecord(value: unknown, op: string, name: string): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${op}: ${name} must be an object, got ${describe(value)}`);
  }
}
