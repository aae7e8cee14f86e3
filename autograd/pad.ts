/**
 * Differentiable padding of trailing dimensions, with PyTorch's `F.pad` conventions.
 *
 * @module
 */
import { checkOneOf, checkOptions, describe, type PadOptions } from "@nnc/tensor";

const PAD_MODES = ["constant", "reflect", "replicate", "circular"] as const;
import type { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { padTensor } from "./_prim_join.ts";

/**
 * Pads the trailing dimensions of `x`: `padding` lists `[left, right]` pairs from the last
 * dimension backwards; negative amounts crop. Modes `constant` (default, fill `value`), `reflect`,
 * `replicate`, `circular`. The gradient of an entry copied several times is the sum of its copies'.
 *
 * @example
 * ```ts
 * import { pad, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * pad(x, [2, 0], { mode: "reflect" }).sum().backward(); // [3, 2, 1, 2, 3]
 * console.assert(x.grad?.toArray().toString() === "1,2,2");
 * ```
 */
export function pad(x: Tensor, padding: readonly number[], options: PadOptions = {}): Tensor {
  checkTensor(x, "pad", "x");
  if (!Array.isArray(padding)) {
    throw new TypeError(`pad: padding must be an array of integers, got ${describe(padding)}`);
  }
  options = checkOptions(options, "pad");
  const mode = checkOneOf(options.mode ?? "constant", "pad", "mode", PAD_MODES);
  if (options.value !== undefined && mode !== "constant") {
    throw new TypeError(`pad: value applies to mode "constant" only, got mode "${mode}"`);
  }
  return padTensor(x, [...padding], mode, options.value ?? 0); // the forward validates the rest
}
