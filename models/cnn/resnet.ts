/**
 * A small ResNet (He et al., 2016) for small images: a 3×3 stem, stages of basic residual blocks
 * (two 3×3 convolutions with batch norm, `relu(F(x) + x)`), global average pooling and a linear
 * classifier.
 *
 * @module
 */
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  Flatten,
  Linear,
  ResidualBlock,
  Sequential,
} from "@nnc/layers";
import { checkBool, checkOptions, describe, zeros } from "@nnc/tensor";
import type { CnnOptions } from "./lenet5.ts";
import { common } from "./_common.ts";

/** Options of {@link resnet}. */
export interface ResNetOptions extends CnnOptions {
  /**
   * Channels of each stage; every stage after the first halves the resolution.
   * Default `[32, 64, 128]`.
   */
  channels?: readonly number[];
  /** Residual blocks per stage: one number for every stage, or one per stage. Default 2. */
  blocks?: number | readonly number[];
  /**
   * Start the last batch norm of every block at γ = 0, so each block begins as the identity
   * (Goyal et al., 2017; torchvision's `zero_init_residual`). Default false.
   */
  zeroInitResidual?: boolean;
}

/**
 * A ResNet for `inputSize` images (28×28 by default): conv 3×3 → `channels[0]`, batch norm,
 * activation; then for each stage its residual blocks, the first of every stage after the first
 * with stride 2 and a 1×1 projection (conv + batch norm) on the skip path; then global average
 * pooling, flatten and a linear layer. Convolutions have no bias (batch norm follows each).
 * The default `{ channels: [32, 64, 128], blocks: 2 }` has 14 weight layers (plus two 1×1
 * projections) and 696,042 parameters.
 *
 * @example
 * ```ts
 * import { resnet } from "@nnc/models/cnn";
 * import { zeros } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const net = resnet({ channels: [8, 16], blocks: 1, rng: new Rng(0) });
 * console.assert(net.forward(zeros([2, 1, 28, 28])).shape.join() === "2,10");
 * console.assert(net.numParameters() === 5122);
 * ```
 */
export function resnet(options: ResNetOptions = {}): Sequential {
  const op = "resnet";
  const o = checkOptions(options, op);
  const c = common(o, op);
  const channels = o.channels ?? [32, 64, 128];
  if (
    !Array.isArray(channels) || channels.length === 0 ||
    !channels.every((v) => Number.isInteger(v) && v > 0)
  ) {
    throw new RangeError(
      `${op}: channels must be a non-empty list of positive integers, got ${describe(channels)}`,
    );
  }
  const spec = o.blocks ?? 2;
  const blocks = typeof spec === "number" ? channels.map(() => spec) : spec;
  if (
    !Array.isArray(blocks) || blocks.length !== channels.length ||
    !blocks.every((v) => Number.isInteger(v) && v > 0)
  ) {
    throw new RangeError(
      `${op}: blocks must be a positive integer or one per stage (${channels.length}), got ${
        describe(spec)
      }`,
    );
  }
  const zeroInit = checkBool(o.zeroInitResidual ?? false, op, "zeroInitResidual");
  let h = c.h, w = c.w;
  for (let s = 1; s < channels.length; s++) h = Math.ceil(h / 2), w = Math.ceil(w / 2);
  if (
    channels.length > 1 && (c.h < 2 ** (channels.length - 1) || c.w < 2 ** (channels.length - 1))
  ) {
    throw new RangeError(
      `${op}: ${channels.length} stages halve ${c.h}×${c.w} inputs ${
        channels.length - 1
      } times; use fewer stages or larger inputs`,
    );
  }
  const bn = (ch: number) => new BatchNorm2d(ch, { dtype: o.dtype });
  const conv = (inC: number, outC: number, k: number, stride: number) =>
    new Conv2d(inC, outC, k, { stride, padding: (k - 1) / 2, bias: false, ...c.layer });
  const net = new Sequential(conv(c.inChannels, channels[0], 3, 1), bn(channels[0]), c.act());
  let inC = channels[0];
  channels.forEach((outC, s) => {
    for (let b = 0; b < blocks[s]; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      const last = bn(outC);
      if (zeroInit && last.weight) last.weight.data = zeros([outC], { dtype: last.weight.dtype });
      const body = new Sequential(
        conv(inC, outC, 3, stride),
        bn(outC),
        c.act(),
        conv(outC, outC, 3, 1),
        last,
      );
      const shortcut = stride !== 1 || inC !== outC
        ? new Sequential(conv(inC, outC, 1, stride), bn(outC))
        : undefined;
      net.append(new ResidualBlock(body, { shortcut, activation: c.act() }));
      inC = outC;
    }
  });
  net.append(new AdaptiveAvgPool2d(1));
  net.append(new Flatten());
  net.append(new Linear(inC, c.numClasses, c.layer));
  return net;
}
