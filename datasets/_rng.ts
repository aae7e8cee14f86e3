// Resolving the `rng` / `seed` options every random generator in this package accepts.
import { defaultRng, describe, Rng } from "@nnc/tensor";
import type { RandomSource } from "./types.ts";

/** The generator an options object asks for. */
export function resolveRng(options: RandomSource, op: string): Rng {
  const { rng, seed } = options;
  if (rng !== undefined) {
    if (!(rng instanceof Rng)) {
      throw new TypeError(`${op}: rng must be an Rng from @nnc/tensor, got ${describe(rng)}`);
    }
    return rng;
  }
  if (seed !== undefined) {
    if (typeof seed !== "number" || !Number.isFinite(seed)) {
      throw new RangeError(`${op}: seed must be a finite number, got ${describe(seed)}`);
    }
    return new Rng(seed);
  }
  return defaultRng();
}
