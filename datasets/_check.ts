// Checks and helpers specific to the data sets (the generic checks are @nnc/tensor's).
import { describe } from "@nnc/tensor";
import type { Dataset } from "./dataset.ts";

/** The largest count or size a data set option takes: anything larger is a mistake, not a request. */
export const MAX_INT32: number = 2 ** 31 - 1;

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
