// Options shared by the CNN builders (input geometry, classes, activation, dtype, generator).
import { checkInt, describe, Rng } from "@nnc/tensor";
import { activationFactory } from "../_common/activation.ts";
import type { CnnOptions } from "./lenet5.ts";

/** The options every CNN builder takes, checked, with defaults filled in. */
export function common(o: CnnOptions, op: string): {
  inChannels: number;
  numClasses: number;
  h: number;
  w: number;
  act: ReturnType<typeof activationFactory>;
  layer: { dtype: CnnOptions["dtype"]; rng: Rng | undefined };
} {
  const size = o.inputSize ?? 28;
  const hw = typeof size === "number" ? [size, size] : size;
  if (!Array.isArray(hw) || hw.length !== 2 || !hw.every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(
      `${op}: inputSize must be a positive integer or [height, width], got ${describe(size)}`,
    );
  }
  if (o.rng !== undefined && !(o.rng instanceof Rng)) {
    throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
  }
  return {
    inChannels: checkInt(o.inChannels ?? 1, op, "inChannels", 1),
    numClasses: checkInt(o.numClasses ?? 10, op, "numClasses", 1),
    h: hw[0],
    w: hw[1],
    act: activationFactory(o.activation, op),
    layer: { dtype: o.dtype, rng: o.rng },
  };
}
