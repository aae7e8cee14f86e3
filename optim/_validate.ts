/**
 * Checks specific to the optimisers and schedules (Adam's betas, numbers read back from a state
 * dict), built on @nnc/tensor's check functions. Every error names the operation, the offending
 * value and what was expected.
 *
 * @module
 */
import { checkProbability, describe } from "@nnc/tensor";

/** Throws unless `v` is a pair of decay rates in `[0, 1)`. */
export function checkBetas(op: string, v: unknown): void {
  if (!Array.isArray(v) || v.length !== 2) {
    throw new TypeError(`${op}: betas must be a pair [beta1, beta2], got ${describe(v)}`);
  }
  checkProbability(v[0], op, "betas[0]");
  checkProbability(v[1], op, "betas[1]");
}

/** Checks a list of `n` numbers from a state dict. */
export function numberList(v: unknown, n: number, what: string): number[] {
  if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== "number")) {
    throw new TypeError(
      `${what} must be a list of ${n} numbers (one per param group), got ${describe(v)}`,
    );
  }
  return v.slice();
}

/** Reads a number saved under `key` in a schedule's state dict. */
export function stateNumber(
  state: Readonly<Record<string, unknown>>,
  key: string,
  op: string,
): number {
  const v = state[key];
  if (typeof v !== "number") {
    throw new TypeError(`${op}: ${key} must be a number, got ${describe(v)}`);
  }
  return v;
}
