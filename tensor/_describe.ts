// describe() of check.ts in a module without imports, so that the modules check.ts depends on
// (dtype.ts) can name values the same way without an import cycle.

/**
 * A short description of any value for an error message: numbers as written (NaN, Infinity),
 * strings quoted, arrays by length, objects with a `shape` (NDArray, Tensor) by class and shape.
 *
 * @example
 * ```ts
 * import { describe, zeros } from "@nnc/tensor";
 * console.log(describe(NaN), describe("x"), describe(zeros([2, 3]))); // NaN "x" an NDArray of shape [2, 3]
 * ```
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = (value as object).constructor?.name;
  const shape = (value as { shape?: unknown }).shape;
  if (Array.isArray(shape) && name) {
    return `${article(name)} ${name} of shape [${shape.join(", ")}]`;
  }
  return name && name !== "Object" ? `${article(name)} ${name}` : "an object";
}

function article(word: string): string {
  // Acronyms are spelled out ("an NDArray", "a CSVLogger"); words go by their first vowel.
  return /^[AEIOU]|^[FHLMNRSX][A-Z]/.test(word) ? "an" : "a";
}
