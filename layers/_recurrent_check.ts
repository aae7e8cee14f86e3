// Argument checks shared by the recurrent bases (RNNBase, RecurrentCellBase).
import { describe, Rng } from "@nnc/tensor";

/** Checks the name a base class's subclass passes for its messages (RNNBase, RecurrentCellBase). */
export function checkName(name: unknown, base: string): string {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`${base}: name must be a non-empty string, got ${describe(name)}`);
  }
  return name;
}

/** The `rng` option: undefined or an Rng. */
export function checkRng(rng: unknown, op: string): Rng | undefined {
  if (rng !== undefined && !(rng instanceof Rng)) {
    throw new TypeError(`${op}: rng must be an Rng, got ${describe(rng)}`);
  }
  return rng;
}
