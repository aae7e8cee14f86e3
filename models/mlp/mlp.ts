/**
 * {@link mlp}: a multilayer perceptron as a `Sequential` of `Linear` layers and activations.
 *
 * @module
 */
import { checkBool, checkNumber, checkOptions, describe, type DType, Rng } from "@nnc/tensor";
import { type AnyModule, BatchNorm1d, Dropout, Linear, Sequential } from "@nnc/layers";
import { activationFactory } from "../_common/activation.ts";

/**
 * A hidden activation of the model builders: `"relu"`, `"tanh"`, `"sigmoid"`, `"gelu"`, `"elu"`,
 * `"leakyRelu"`, or a function returning a fresh activation module for each place it is used.
 *
 * @example
 * ```ts
 * import type { ActivationSpec } from "@nnc/models/mlp";
 * import { LeakyReLU } from "@nnc/layers";
 * const steep: ActivationSpec = () => new LeakyReLU(0.2);
 * ```
 */
export type ActivationSpec =
  | "relu"
  | "tanh"
  | "sigmoid"
  | "gelu"
  | "elu"
  | "leakyRelu"
  | (() => AnyModule);

/**
 * Options of {@link mlp}.
 *
 * @example
 * ```ts
 * import type { MlpOptions } from "@nnc/models/mlp";
 * const o: MlpOptions = { activation: "tanh", dropout: 0.2 };
 * ```
 */
export interface MlpOptions {
  /**
   * Hidden activation: `"relu"` (default), `"tanh"`, `"sigmoid"`, `"gelu"`, `"elu"`,
   * `"leakyRelu"`, or a function returning a fresh activation module.
   */
  activation?: ActivationSpec;
  /** A module applied to the output (e.g. `new Sigmoid()`); default none (logits). */
  outputActivation?: AnyModule;
  /** Drop probability of a `Dropout` after each hidden activation. Default 0 (none). */
  dropout?: number;
  /** `BatchNorm1d` after each hidden `Linear`, before the activation. Default false. */
  batchNorm?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for the initial weights (and dropout masks). */
  rng?: Rng;
}

/**
 * A multilayer perceptron with layer sizes `sizes` (input, hidden…, output): `Linear` layers with
 * PyTorch's default initialisation, each hidden one followed by [batch norm,] the activation
 * [and dropout]. The result is a `Sequential`, so its state dict matches PyTorch's
 * `nn.Sequential` of the same layers (`0.weight`, `0.bias`, `2.weight`, …).
 *
 * @example
 * ```ts
 * import { mlp } from "@nnc/models/mlp";
 * import { Rng } from "@nnc/tensor";
 * const net = mlp([784, 256, 128, 10], { rng: new Rng(0) });
 * console.assert(net.numParameters() === 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
 * console.assert(Object.keys(net.stateDict()).join() === "0.weight,0.bias,2.weight,2.bias,4.weight,4.bias");
 * ```
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Sequential {
  const op = "mlp";
  const o = checkOptions(options, op);
  if (
    !Array.isArray(sizes) || sizes.length < 2 ||
    !sizes.every((s) => Number.isInteger(s) && s > 0)
  ) {
    throw new RangeError(
      `${op}: sizes must list at least 2 positive integers (input, …, output), got ${
        describe(sizes)
      }`,
    );
  }
  const act = activationFactory(o.activation, op);
  const drop = checkNumber(o.dropout ?? 0, op, "dropout", 0);
  if (drop >= 1) throw new RangeError(`${op}: dropout must be in [0, 1), got ${drop}`);
  const bn = checkBool(o.batchNorm ?? false, op, "batchNorm");
  if (o.rng !== undefined && !(o.rng instanceof Rng)) {
    throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
  }
  const net = new Sequential();
  for (let i = 0; i + 1 < sizes.length; i++) {
    net.append(new Linear(sizes[i], sizes[i + 1], { dtype: o.dtype, rng: o.rng }));
    if (i + 2 === sizes.length) break;
    if (bn) net.append(new BatchNorm1d(sizes[i + 1], { dtype: o.dtype }));
    net.append(act());
    if (drop > 0) net.append(new Dropout(drop, { rng: o.rng }));
  }
  if (o.outputActivation !== undefined) net.append(o.outputActivation);
  return net;
}
