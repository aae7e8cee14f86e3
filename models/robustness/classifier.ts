/**
 * The types every attack takes: the model under attack ({@link Classifier}), the loss it ascends
 * ({@link AttackLoss}) and the box of valid inputs ({@link Box}).
 *
 * @module
 */
import type { Module } from "@nnc/layers";
import type { Tensor } from "@nnc/autograd";

/**
 * A differentiable model under attack: a `Module` mapping a batch of inputs `[N, …]` to scores
 * `[N, C]` (logits), or a plain function doing the same. The attacks run it as it is (training or
 * evaluation mode: call `model.eval()` first for dropout and batch-norm models) and compute
 * gradients with respect to the input only, so the parameters' `grad` is never touched.
 *
 * @example
 * ```ts
 * import type { Classifier } from "@nnc/models/robustness";
 * import { Linear } from "@nnc/layers";
 * const a: Classifier = new Linear(2, 3);
 * const b: Classifier = (x) => x.matmul(x.T);
 * console.assert(typeof b === "function" && a !== undefined);
 * ```
 */
export type Classifier = Module<[Tensor], Tensor> | ((x: Tensor) => Tensor);

/**
 * The loss an attack ascends (untargeted) or descends (targeted), of the scores of a batch and its
 * labels. It should sum over the batch (`reduction: "sum"`), so that each input's gradient is the
 * gradient of its own loss; the default is `crossEntropy(scores, y, { reduction: "sum" })`.
 *
 * @example
 * ```ts
 * import type { AttackLoss } from "@nnc/models/robustness";
 * import { bceWithLogits } from "@nnc/layers";
 * // a binary classifier with one logit per input
 * const loss: AttackLoss = (z, y) => bceWithLogits(z.reshape([-1]), y, { reduction: "sum" });
 * console.assert(typeof loss === "function");
 * ```
 */
export type AttackLoss = (scores: Tensor, target: Tensor) => Tensor;

/**
 * The valid range `[low, high]` of every input element (`[0, 1]` for images); attacked inputs are
 * clipped to it. `null` means unbounded.
 *
 * @example
 * ```ts
 * import type { Box } from "@nnc/models/robustness";
 * const pixels: Box = [0, 1];
 * console.assert(pixels[1] === 1);
 * ```
 */
export type Box = readonly [number, number];
