/**
 * Convolutional classifiers for small images: {@link lenet5}, LeCun's LeNet-5 layout, and
 * {@link convNet}, the common "conv-ReLU-pool blocks, then dense layers" CNN (by default the
 * 32/64-channel network that reaches ≈ 92 % on Fashion-MNIST).
 *
 * @module
 */
import {
  checkBool,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  describe,
  type DType,
  type Rng,
} from "@nnc/tensor";
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  Sequential,
} from "@nnc/layers";
import { common } from "./_common.ts";
import type { ActivationSpec } from "../mlp/mlp.ts";

/**
 * Options shared by {@link lenet5} and {@link convNet}.
 *
 * @example
 * ```ts
 * import type { CnnOptions } from "@nnc/models/cnn";
 * const cifar: CnnOptions = { inChannels: 3, inputSize: 32 };
 * ```
 */
export interface CnnOptions {
  /** Channels of the input images. Default 1. */
  inChannels?: number;
  /** Height and width of the input images (one number when square). Default 28. */
  inputSize?: number | readonly [number, number];
  /** Output classes. Default 10. */
  numClasses?: number;
  /** Activation after every convolution and hidden dense layer. Default `"relu"`. */
  activation?: ActivationSpec;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for the initial weights (and dropout masks). */
  rng?: Rng;
}

/**
 * Options of {@link lenet5}.
 *
 * @example
 * ```ts
 * import type { LeNet5Options } from "@nnc/models/cnn";
 * const classic: LeNet5Options = { activation: "tanh", pooling: "avg", inputSize: 32 };
 * ```
 */
export interface LeNet5Options extends CnnOptions {
  /** Subsampling layers: `"max"` (default) or `"avg"` (the original's averaging). */
  pooling?: "max" | "avg";
}

/**
 * Options of {@link convNet}.
 *
 * @example
 * ```ts
 * import type { ConvNetOptions } from "@nnc/models/cnn";
 * const wider: ConvNetOptions = { channels: [64, 128], hidden: [256], dropout: 0.25 };
 * ```
 */
export interface ConvNetOptions extends CnnOptions {
  /** Output channels of each conv block. Default `[32, 64]`. */
  channels?: readonly number[];
  /** Kernel size of the convolutions (odd; padded to keep the size). Default 3. */
  kernelSize?: number;
  /** Sizes of the hidden dense layers. Default `[128]`. */
  hidden?: readonly number[];
  /** `BatchNorm2d` after each convolution, before the activation. Default false. */
  batchNorm?: boolean;
  /** Drop probability of a `Dropout` before each dense layer. Default 0 (none). */
  dropout?: number;
}

/**
 * LeNet-5 (LeCun et al., 1998) as a `Sequential`: conv 5×5 → 6 channels, pool 2, conv 5×5 → 16,
 * pool 2, then dense 120, 84 and `numClasses`. On 28×28 inputs the first convolution pads by 2 so
 * the geometry equals the original's 32×32 (16·5·5 = 400 features). Modern defaults: ReLU and
 * max pooling; `{ activation: "tanh", pooling: "avg" }` is closer to the original.
 *
 * @example
 * ```ts
 * import { lenet5 } from "@nnc/models/cnn";
 * import { zeros } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const net = lenet5({ rng: new Rng(0) });
 * console.assert(net.forward(zeros([2, 1, 28, 28])).shape.join() === "2,10");
 * console.assert(net.numParameters() === 61706);
 * ```
 */
export function lenet5(options: LeNet5Options = {}): Sequential {
  const op = "lenet5";
  const o = checkOptions(options, op);
  const c = common(o, op);
  const pooling = checkOneOf(o.pooling ?? "max", op, "pooling", ["max", "avg"]);
  const pool = () => (pooling === "max" ? new MaxPool2d(2) : new AvgPool2d(2));
  const pad = c.h === 28 && c.w === 28 ? 2 : 0;
  const h = Math.floor((Math.floor((c.h + 2 * pad - 4) / 2) - 4) / 2);
  const w = Math.floor((Math.floor((c.w + 2 * pad - 4) / 2) - 4) / 2);
  if (h < 1 || w < 1) {
    throw new RangeError(
      `${op}: inputs of ${c.h}×${c.w} are too small for LeNet-5 (at least 16×16)`,
    );
  }
  return new Sequential(
    new Conv2d(c.inChannels, 6, 5, { padding: pad, ...c.layer }),
    c.act(),
    pool(),
    new Conv2d(6, 16, 5, c.layer),
    c.act(),
    pool(),
    new Flatten(),
    new Linear(16 * h * w, 120, c.layer),
    c.act(),
    new Linear(120, 84, c.layer),
    c.act(),
    new Linear(84, c.numClasses, c.layer),
  );
}

/**
 * A CNN of conv blocks (convolution with "same" padding, [batch norm,] activation, 2×2 max pool)
 * followed by dense layers. The defaults give the network of the benchmarks (W3): conv(1→32, 3×3)
 * -ReLU-pool-conv(32→64, 3×3)-ReLU-pool-flatten-linear(3136→128)-ReLU-linear(128→10), whose
 * state-dict keys equal those of the same PyTorch `nn.Sequential`.
 *
 * @example
 * ```ts
 * import { convNet } from "@nnc/models/cnn";
 * import { zeros } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const net = convNet({ rng: new Rng(0) });
 * console.assert(net.forward(zeros([2, 1, 28, 28])).shape.join() === "2,10");
 * console.assert(Object.keys(net.stateDict()).join() ===
 *   "0.weight,0.bias,3.weight,3.bias,7.weight,7.bias,9.weight,9.bias");
 * ```
 */
export function convNet(options: ConvNetOptions = {}): Sequential {
  const op = "convNet";
  const o = checkOptions(options, op);
  const c = common(o, op);
  const channels = o.channels ?? [32, 64], hidden = o.hidden ?? [128];
  for (const [name, list] of [["channels", channels], ["hidden", hidden]] as const) {
    if (!Array.isArray(list) || !list.every((v) => Number.isInteger(v) && v > 0)) {
      throw new RangeError(
        `${op}: ${name} must be a list of positive integers, got ${describe(list)}`,
      );
    }
  }
  const k = checkInt(o.kernelSize ?? 3, op, "kernelSize", 1);
  if (k % 2 === 0) throw new RangeError(`${op}: kernelSize must be odd, got ${k}`);
  const bn = checkBool(o.batchNorm ?? false, op, "batchNorm");
  const drop = checkNumber(o.dropout ?? 0, op, "dropout", 0);
  if (drop >= 1) throw new RangeError(`${op}: dropout must be in [0, 1), got ${drop}`);
  const net = new Sequential();
  let inC = c.inChannels, h = c.h, w = c.w;
  for (const ch of channels) {
    if (h < 2 || w < 2) {
      throw new RangeError(
        `${op}: ${channels.length} pooling steps need larger inputs than ${c.h}×${c.w}`,
      );
    }
    net.append(new Conv2d(inC, ch, k, { padding: (k - 1) / 2, bias: !bn, ...c.layer }));
    if (bn) net.append(new BatchNorm2d(ch, { dtype: o.dtype }));
    net.append(c.act());
    net.append(new MaxPool2d(2));
    inC = ch;
    h = Math.floor(h / 2);
    w = Math.floor(w / 2);
  }
  net.append(new Flatten());
  let features = inC * h * w;
  const sizes = [...hidden, c.numClasses];
  sizes.forEach((units, i) => {
    if (drop > 0) net.append(new Dropout(drop, { rng: o.rng }));
    net.append(new Linear(features, units, c.layer));
    if (i < hidden.length) net.append(c.act());
    features = units;
  });
  return net;
}
