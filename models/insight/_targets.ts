// The class whose score an attribution explains: given per input, one for all, or the prediction.
import { describe, NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { predict, scoresOf, valuesOf } from "../_common/input_gradients.ts";

/** Which class to explain: one index for every input, one per input, or the predicted class. */
export function targetClasses(
  target: unknown,
  forward: (x: Tensor) => Tensor,
  x: NDArray,
  op: string,
): Int32Array {
  const n = x.shape[0];
  if (target === undefined) {
    const scores = scoresOf(forward, x);
    // one score per input: explain that score (class 0), whatever its sign
    return scores.size === n ? new Int32Array(n) : predict(scores);
  }
  if (typeof target === "number") {
    if (!Number.isInteger(target) || target < 0) {
      throw new RangeError(`${op}: target must be a class index >= 0, got ${describe(target)}`);
    }
    return new Int32Array(n).fill(target);
  }
  let list: unknown[];
  if (Array.isArray(target)) list = target;
  else if (target instanceof NDArray) list = Array.from(valuesOf(target));
  else if (target instanceof Tensor) list = Array.from(valuesOf(target.data));
  else {
    throw new TypeError(
      `${op}: target must be a class index, a list or an NDArray of them, got ${describe(target)}`,
    );
  }
  if (list.length !== n || !list.every((v) => Number.isInteger(v) && (v as number) >= 0)) {
    throw new RangeError(
      `${op}: target must be a class index or one class index per input (${n}), got ${
        describe(target)
      }`,
    );
  }
  return Int32Array.from(list as number[]);
}
