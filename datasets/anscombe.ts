/**
 * Anscombe's quartet (F. J. Anscombe, "Graphs in Statistical Analysis", The American Statistician
 * 27(1), 1973): four sets of eleven points with nearly equal means, variances, correlations and
 * regression lines, and very different shapes.
 *
 * @module
 */
import { NDArray } from "@nnc/tensor";

/** One of the four sets. */
export interface AnscombeSet {
  /** "I", "II", "III" or "IV". */
  name: string;
  /** float64 `[11]`. */
  x: NDArray;
  /** float64 `[11]`. */
  y: NDArray;
}

const X123 = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
const DATA: readonly [string, number[], number[]][] = [
  ["I", X123, [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]],
  ["II", X123, [9.14, 8.14, 8.74, 8.77, 9.26, 8.1, 6.13, 3.1, 9.13, 7.26, 4.74]],
  ["III", X123, [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73]],
  ["IV", [8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8], [
    6.58,
    5.76,
    7.71,
    8.84,
    8.47,
    7.04,
    5.25,
    12.5,
    5.56,
    7.91,
    6.89,
  ]],
];

/**
 * The four sets of Anscombe's quartet, with the published values. In each, the mean of `x` is 9,
 * its sample variance 11, the mean of `y` about 7.50, its variance about 4.12, the correlation
 * about 0.816 and the least-squares line about `y = 3.00 + 0.500 x`.
 *
 * @example
 * ```ts
 * import { anscombe } from "@nnc/datasets";
 * const sets = anscombe();
 * console.assert(sets.length === 4 && sets[3].name === "IV");
 * console.assert(sets.every((s) => s.x.mean().item() === 9 && s.x.var().item() === 11));
 * ```
 */
export function anscombe(): AnscombeSet[] {
  return DATA.map(([name, x, y]) => ({
    name,
    x: NDArray.fromTyped(Float64Array.from(x), [11]),
    y: NDArray.fromTyped(Float64Array.from(y), [11]),
  }));
}
