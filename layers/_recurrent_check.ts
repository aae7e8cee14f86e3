// The check of the name the recurrent bases (RNNBase, RecurrentCellBase) take from a subclass.
import { describe } from "@nnc/tensor";

/** Checks the name a base class's subclass passes for its messages (RNNBase, RecurrentCellBase). */
export function checkName(name: unknown, base: string): string {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`${base}: name must be a non-empty string, got ${describe(name)}`);
  }
  return name;
}
