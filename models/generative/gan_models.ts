/**
 * GAN networks for 28×28 images: {@link dcganGenerator} and {@link dcganDiscriminator} (Radford et
 * al.'s recipe scaled to Fashion-MNIST), and {@link Conditional}, which feeds a one-hot label to
 * any generator or discriminator (the notes' conditional GAN). MLP generators and
 * discriminators are plain `mlp`s of `@nnc/models/mlp`.
 *
 * @module
 */
import {
  checkBool,
  checkIndexList,
  checkInt,
  checkOptions,
  describe,
  type DType,
  fmtShape,
  NDArray,
  oneHot,
  type Rng,
} from "@nnc/tensor";
import { concat, Tensor } from "@nnc/autograd";
import {
  type AnyModule,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Flatten,
  LeakyReLU,
  Linear,
  Module,
  ReLU,
  Sequential,
  Tanh,
  Unflatten,
} from "@nnc/layers";
import { checkTensorArg, named } from "./_named.ts";

/**
 * Options of {@link dcganGenerator}.
 *
 * @example
 * ```ts
 * import type { DcganGeneratorOptions } from "@nnc/models/generative";
 * const o: DcganGeneratorOptions = { latentDim: 64, channels: [64, 32] };
 * ```
 */
export interface DcganGeneratorOptions {
  /** Dimension of the noise z. Default 100. */
  latentDim?: number;
  /** Channels at 7×7 and at 14×14. Default `[128, 64]`. */
  channels?: readonly [number, number];
  /** Channels of the images. Default 1. */
  imageChannels?: number;
  /** Batch norm after the hidden layers. Default true. */
  batchNorm?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for the initial weights. */
  rng?: Rng;
}

function pairOf(v: unknown, fallback: [number, number], op: string): [number, number] {
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((c) => Number.isInteger(c) && c > 0)) {
    throw new RangeError(`${op}: channels must be two positive integers, got ${describe(v)}`);
  }
  return [v[0], v[1]];
}

/**
 * DCGAN generator for 28×28 images: `Linear(z → c₁·7·7) → [BN] → ReLU → unflatten →
 * ConvT(c₁ → c₂, 4, stride 2, pad 1) (14×14) → [BN] → ReLU → ConvT(c₂ → C, 4, stride 2, pad 1)
 * (28×28) → tanh` (images in [−1, 1]).
 *
 * @example
 * ```ts
 * import { dcganGenerator } from "@nnc/models/generative";
 * import { randn } from "@nnc/autograd";
 * const g = dcganGenerator({ latentDim: 8, channels: [8, 4] });
 * console.assert(g.forward(randn([2, 8])).shape.join() === "2,1,28,28");
 * ```
 */
export function dcganGenerator(options: DcganGeneratorOptions = {}): Sequential {
  return named("dcganGenerator", () => buildGenerator(options));
}

function buildGenerator(options: DcganGeneratorOptions): Sequential {
  const op = "dcganGenerator";
  const o = checkOptions(options, op);
  const k = checkInt(o.latentDim ?? 100, op, "latentDim", 1);
  const [c1, c2] = pairOf(o.channels, [128, 64], op);
  const out = checkInt(o.imageChannels ?? 1, op, "imageChannels", 1);
  const bn = checkBool(o.batchNorm ?? true, op, "batchNorm");
  const common = { dtype: o.dtype, rng: o.rng };
  const up = { stride: 2, padding: 1, ...common };
  const layers: AnyModule[] = [new Linear(k, c1 * 49, { ...common, bias: !bn })];
  if (bn) layers.push(new BatchNorm1d(c1 * 49, { dtype: o.dtype }));
  layers.push(new ReLU(), new Unflatten(1, [c1, 7, 7]));
  layers.push(new ConvTranspose2d(c1, c2, 4, { ...up, bias: !bn }));
  if (bn) layers.push(new BatchNorm2d(c2, { dtype: o.dtype }));
  layers.push(new ReLU(), new ConvTranspose2d(c2, out, 4, up), new Tanh());
  return new Sequential(...layers);
}

/**
 * Options of {@link dcganDiscriminator}.
 *
 * @example
 * ```ts
 * import type { DcganDiscriminatorOptions } from "@nnc/models/generative";
 * const critic: DcganDiscriminatorOptions = { batchNorm: false }; // for WGAN-GP
 * ```
 */
export interface DcganDiscriminatorOptions {
  /** Channels at 14×14 and at 7×7. Default `[64, 128]`. */
  channels?: readonly [number, number];
  /** Channels of the images. Default 1. */
  imageChannels?: number;
  /** Batch norm after the second convolution. Default true; use false for WGAN-GP critics. */
  batchNorm?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for the initial weights. */
  rng?: Rng;
}

/**
 * DCGAN discriminator for 28×28 images: `Conv(C → c₁, 4, stride 2, pad 1) (14×14) → LeakyReLU(0.2)
 * → Conv(c₁ → c₂, 4, stride 2, pad 1) (7×7) → [BN] → LeakyReLU(0.2) → flatten → Linear(c₂·49 → 1)`:
 * one score (a logit, or a critic value) per image, `[N, 1]`.
 *
 * @example
 * ```ts
 * import { dcganDiscriminator } from "@nnc/models/generative";
 * import { rand } from "@nnc/autograd";
 * const d = dcganDiscriminator({ channels: [4, 8] });
 * console.assert(d.forward(rand([3, 1, 28, 28])).shape.join() === "3,1");
 * ```
 */
export function dcganDiscriminator(options: DcganDiscriminatorOptions = {}): Sequential {
  return named("dcganDiscriminator", () => buildDiscriminator(options));
}

function buildDiscriminator(options: DcganDiscriminatorOptions): Sequential {
  const op = "dcganDiscriminator";
  const o = checkOptions(options, op);
  const [c1, c2] = pairOf(o.channels, [64, 128], op);
  const inC = checkInt(o.imageChannels ?? 1, op, "imageChannels", 1);
  const bn = checkBool(o.batchNorm ?? true, op, "batchNorm");
  const down = { stride: 2, padding: 1, dtype: o.dtype, rng: o.rng };
  const layers: AnyModule[] = [new Conv2d(inC, c1, 4, down), new LeakyReLU(0.2)];
  layers.push(new Conv2d(c1, c2, 4, { ...down, bias: !bn }));
  if (bn) layers.push(new BatchNorm2d(c2, { dtype: o.dtype }));
  layers.push(
    new LeakyReLU(0.2),
    new Flatten(),
    new Linear(c2 * 49, 1, { dtype: o.dtype, rng: o.rng }),
  );
  return new Sequential(...layers);
}

/**
 * A network conditioned on a class label, as the notes' conditional GAN: the input (noise `[N, k]`
 * for a generator, images for a discriminator) is flattened and concatenated with the label's
 * one-hot code, and `body` maps `[N, features + numClasses]` onward.
 *
 * @example
 * ```ts
 * import { Conditional } from "@nnc/models/generative";
 * import { Linear } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * import { array } from "@nnc/tensor";
 * const g = new Conditional(new Linear(4 + 3, 5), 3);
 * const y = array([0, 2], { dtype: "int32" });
 * console.assert(g.forward(randn([2, 4]), y).shape.join() === "2,5");
 * ```
 */
export class Conditional extends Module<[Tensor, Tensor | NDArray], Tensor> {
  /** The network after the concatenation. */
  body: AnyModule;
  /** Number of classes of the labels. */
  readonly numClasses: number;

  /** Conditions `body` on labels in `[0, numClasses)`. */
  constructor(body: Module<[Tensor], Tensor>, numClasses: number) {
    super();
    if (!(body instanceof Module)) {
      throw new TypeError(`Conditional: body must be a Module, got ${describe(body)}`);
    }
    this.numClasses = checkInt(numClasses, "Conditional", "numClasses", 1);
    this.body = body as unknown as AnyModule;
  }

  /** `body(concat(flatten(x), oneHot(labels)))`. */
  forward(x: Tensor, labels: Tensor | NDArray): Tensor {
    checkTensorArg(x, "Conditional", "x");
    if (x.ndim === 0) {
      throw new RangeError(`Conditional: x must have a batch dimension, got ${fmtShape(x.shape)}`);
    }
    const y = labels instanceof Tensor ? labels.data : labels;
    if (y instanceof NDArray && y.dtype !== "int32") {
      throw new TypeError(`Conditional: labels must be int32 class indices, got ${y.dtype}`);
    }
    if (!(y instanceof NDArray) || y.ndim !== 1 || y.shape[0] !== x.shape[0]) {
      throw new RangeError(
        `Conditional: labels must be one class index per sample ([${x.shape[0]}]), got ${
          describe(labels)
        }`,
      );
    }
    checkIndexList(y, this.numClasses, "Conditional", "labels");
    const code = new Tensor(oneHot(y, this.numClasses, { dtype: x.dtype }));
    const flat = x.ndim === 2 ? x : x.reshape([x.shape[0], -1]);
    return (this.body as unknown as Module<[Tensor], Tensor>).forward(concat([flat, code], 1));
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `numClasses=${this.numClasses}`;
  }
}
