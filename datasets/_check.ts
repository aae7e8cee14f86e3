// Argument checks shared by the generators: each throws a TypeError/RangeError naming the op.
import { describe } from "./_io.ts";
import type { Dataset } from "./dataset.ts";

/** Checks that options is an object (or undefined, giving `{}`). */
export function checkOptions<T extends object>(options: T | undefined, op: string): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
  }
  return options;
}

/** An integer option in [min, max], or its default. */
export function checkInt(
  value: unknown,
  fallback: number,
  op: string,
  name: string,
  min = 0,
  max = 2 ** 31 - 1,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === 2 ** 31 - 1 ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new RangeError(`${op}: ${name} must be ${range}, got ${describe(value)}`);
  }
  return value;
}

/** A finite number option in [min, max], or its default. */
export function checkNumber(
  value: unknown,
  fallback: number,
  op: string,
  name: string,
  min = -Infinity,
  max = Infinity,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    const range = min === -Infinity && max === Infinity
      ? "a finite number"
      : max === Infinity
      ? `a finite number >= ${min}`
      : `a number in [${min}, ${max}]`;
    throw new RangeError(`${op}: ${name} must be ${range}, got ${describe(value)}`);
  }
  return value;
}

/** Splits `n` items into `k` groups as evenly as possible, the first groups one larger. */
export function evenCounts(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, j) => Math.floor(n / k) + (j < n % k ? 1 : 0));
}

/** Checks that a value looks like a Dataset. */
export function checkDataset(dataset: unknown, op: string): void {
  const d = dataset as Dataset<unknown>;
  if (
    d === null || typeof d !== "object" || typeof d.get !== "function" ||
    !Number.isInteger(d.length) || d.length < 0
  ) {
    throw new TypeError(
      `${op}: expected a Dataset (an object with an integer length and get(index)), got ${
        describe(dataset)
      }`,
    );
  }
}
