/**
 * Gradient attributions: {@link saliencyMap} (Simonyan et al. 2014) and {@link smoothGrad}
 * (Smilkov et al. 2017).
 *
 * @module
 */
import {
  checkBool,
  checkInt,
  checkNumber,
  checkOptions,
  describe,
  NDArray,
  Rng,
} from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import type { Classifier } from "../robustness/classifier.ts";
import {
  classScoreGradient,
  forwardOf,
  inputBatch,
  withFrozenParameters,
} from "../_common/input_gradients.ts";
import { targetClasses } from "./_targets.ts";

/**
 * Options of {@link saliencyMap}.
 *
 * @example
 * ```ts
 * import type { SaliencyOptions } from "@nnc/models/insight";
 * const signed: SaliencyOptions = { target: 3, absolute: false };
 * ```
 */
export interface SaliencyOptions {
  /** The class to explain: one index, one per input, or (default) the predicted class. */
  target?: number | readonly number[] | NDArray;
  /** Return `|∂f_c/∂x|` (default) instead of the signed gradient. */
  absolute?: boolean;
}

/**
 * The saliency map: the gradient of the explained class score with respect to each input element,
 * `∂f_c(x)/∂x` (its absolute value by default), shaped like `x`. For images, the map of a
 * multi-channel input is usually its maximum over the channels.
 *
 * @example
 * ```ts
 * import { saliencyMap } from "@nnc/models/insight";
 * import { tensor } from "@nnc/autograd";
 * // scores (2x₀ − x₁, x₁): the gradient of class 0 is (2, −1)
 * const model = (x: ReturnType<typeof tensor>) => x.matmul(tensor([[2, 0], [-1, 1]], { dtype: "float64" }));
 * const s = saliencyMap(model, tensor([[1, 1]], { dtype: "float64" }), { target: 0, absolute: false });
 * console.assert(s.toArray().toString() === "2,-1");
 * ```
 */
export function saliencyMap(
  model: Classifier,
  x: Tensor | NDArray,
  options: SaliencyOptions = {},
): NDArray {
  const op = "saliencyMap";
  const o = checkOptions(options, op);
  const absolute = checkBool(o.absolute ?? true, op, "absolute");
  const forward = forwardOf(model, op);
  const xs = inputBatch(x, op);
  const classes = targetClasses(o.target, forward, xs, op);
  const { grad } = withFrozenParameters(model, () => classScoreGradient(forward, xs, classes, op));
  return absolute ? grad.abs() : grad;
}

/**
 * Options of {@link smoothGrad}.
 *
 * @example
 * ```ts
 * import type { SmoothGradOptions } from "@nnc/models/insight";
 * const o: SmoothGradOptions = { samples: 50, noise: 0.2 };
 * ```
 */
export interface SmoothGradOptions extends SaliencyOptions {
  /** Noisy copies averaged. Default 25. */
  samples?: number;
  /** Noise level: σ = noise·(max − min) of each input. Default 0.15 (the paper's 10–20 %). */
  noise?: number;
  /** Generator of the noise. Default `Rng(0)`. */
  rng?: Rng;
}

/**
 * SmoothGrad: the gradient of the explained class score averaged over `samples` copies of each
 * input with Gaussian noise of deviation `noise·(max − min)` added (then its absolute value by
 * default). Averaging removes the gradient's high-frequency noise and sharpens the map.
 *
 * @example
 * ```ts
 * import { smoothGrad } from "@nnc/models/insight";
 * import { tensor } from "@nnc/autograd";
 * // a linear model's gradient does not depend on the input: SmoothGrad equals it
 * const model = (x: ReturnType<typeof tensor>) => x.matmul(tensor([[2, 0], [-1, 1]], { dtype: "float64" }));
 * const s = smoothGrad(model, tensor([[1, 0]], { dtype: "float64" }), { target: 0, absolute: false, samples: 5 });
 * console.assert(s.toArray().toString() === "2,-1");
 * ```
 */
export function smoothGrad(
  model: Classifier,
  x: Tensor | NDArray,
  options: SmoothGradOptions = {},
): NDArray {
  const op = "smoothGrad";
  const o = checkOptions(options, op);
  const absolute = checkBool(o.absolute ?? true, op, "absolute");
  const samples = checkInt(o.samples ?? 25, op, "samples", 1);
  const noise = checkNumber(o.noise ?? 0.15, op, "noise", 0);
  if (o.rng !== undefined && !(o.rng instanceof Rng)) {
    throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
  }
  const rng = o.rng ?? new Rng(0);
  const forward = forwardOf(model, op);
  const xs = inputBatch(x, op);
  const classes = targetClasses(o.target, forward, xs, op);
  const n = xs.shape[0], d = xs.size / n;
  const flat = xs.reshape([n, d]);
  const sigma = flat.max({ axis: 1 }).sub(flat.min({ axis: 1 })).mul(noise).reshape([n, 1]);
  let sum = xs.mul(0);
  withFrozenParameters(model, () => {
    for (let s = 0; s < samples; s++) {
      const z = new Float64Array(xs.size);
      for (let i = 0; i < z.length; i++) z[i] = rng.normal();
      const noisy = flat.add(NDArray.fromTyped(z, [n, d]).astype(xs.dtype).mul(sigma)).reshape(
        xs.shape,
      );
      sum = sum.add(classScoreGradient(forward, noisy, classes, op).grad);
    }
  });
  const mean = sum.div(samples);
  return absolute ? mean.abs() : mean;
}
