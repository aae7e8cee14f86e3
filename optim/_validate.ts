/**
 * Argument checks shared by the optimisers and schedules. Every error names the operation, the
 * offending value and what was expected.
 *
 * @module
 */
import { NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

/** A short description of any value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(", ")}]`;
  if (v instanceof NDArray) return `an NDArray of shape [${v.shape.join(", ")}]`;
  if (Array.isArray(v)) {
    return v.length <= 4 ? `[${v.map(describe).join(", ")}]` : `an array of ${v.length}`;
  }
  if (typeof v === "function") return "a function";
  const name = (v as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

/** Throws unless `v` is a finite number `>= 0`. */
export function checkNonNegative(op: string, name: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new RangeError(`${op}: ${name} must be a finite number >= 0, got ${describe(v)}`);
  }
}

/** Throws unless `v` is a finite number `> 0`. */
export function checkPositive(op: string, name: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`${op}: ${name} must be a finite number > 0, got ${describe(v)}`);
  }
}

/** Throws unless `v` is a number in `[0, 1)` (a decay rate). */
export function checkUnitInterval(op: string, name: string, v: unknown, closed = false): void {
  if (typeof v !== "number" || !(v >= 0) || (closed ? v > 1 : v >= 1)) {
    throw new RangeError(
      `${op}: ${name} must be in [0, 1${closed ? "]" : ")"}, got ${describe(v)}`,
    );
  }
}

/** Throws unless `v` is a finite number. */
export function checkFinite(op: string, name: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new RangeError(`${op}: ${name} must be a finite number, got ${describe(v)}`);
  }
}

/** Throws unless `v` is an integer `>= min`. */
export function checkInteger(op: string, name: string, v: unknown, min: number): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${describe(v)}`);
  }
}

/** Throws unless `v` is a boolean. */
export function checkBoolean(op: string, name: string, v: unknown): void {
  if (typeof v !== "boolean") {
    throw new TypeError(`${op}: ${name} must be a boolean, got ${describe(v)}`);
  }
}

/** Throws unless `v` is one of `choices`. */
export function checkChoice(
  op: string,
  name: string,
  v: unknown,
  choices: readonly string[],
): void {
  if (typeof v !== "string" || !choices.includes(v)) {
    throw new RangeError(
      `${op}: ${name} must be one of ${choices.map((c) => JSON.stringify(c)).join(", ")}, got ${
        describe(v)
      }`,
    );
  }
}

/** Throws unless `v` is a pair of decay rates in `[0, 1)`. */
export function checkBetas(op: string, v: unknown): void {
  if (!Array.isArray(v) || v.length !== 2) {
    throw new TypeError(`${op}: betas must be a pair [beta1, beta2], got ${describe(v)}`);
  }
  checkUnitInterval(op, "betas[0]", v[0]);
  checkUnitInterval(op, "betas[1]", v[1]);
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
