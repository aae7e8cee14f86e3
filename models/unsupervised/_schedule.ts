// Learning-rate schedules and random starts shared by the Hebbian-family learners.
import type { Rng } from "@nnc/tensor";
import { describe } from "@nnc/tensor";

/** Checks a learning-rate option and returns it as a schedule. */
export function learningRateSchedule(op: string, lr: unknown): (step: number) => number {
  if (typeof lr === "function") {
    return (t: number) => {
      const v = (lr as (step: number) => number)(t);
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new RangeError(
          `${op}: lr schedule returned ${describe(v)} at step ${t}, expected a finite number`,
        );
      }
      return v;
    };
  }
  if (typeof lr !== "number" || !Number.isFinite(lr) || lr <= 0) {
    throw new RangeError(
      `${op}: lr must be a positive number or a function of the step, got ${describe(lr)}`,
    );
  }
  return () => lr;
}

/** A random unit vector of length d. */
export function randomUnit(rng: Rng, d: number): Float64Array {
  const w = new Float64Array(d);
  let s = 0;
  for (let t = 0; t < d; t++) {
    w[t] = rng.normal();
    s += w[t] * w[t];
  }
  const inv = 1 / Math.sqrt(s);
  for (let t = 0; t < d; t++) w[t] *= inv;
  return w;
}
