/**
 * {@link GroupNorm} and its functional form {@link groupNorm}.
 *
 * @module
 */
import {
  checkBool,
  checkFloatDType,
  checkInt,
  checkNumber,
  checkOptions,
  type DType,
  fmtShape,
  ones,
  zeros,
} from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { asInput } from "./_util.ts";

/**
 * Options of {@link GroupNorm}.
 *
 * @example
 * ```ts
 * import type { GroupNormOptions } from "@nnc/layers";
 * const o: GroupNormOptions = { eps: 1e-5, affine: true };
 * ```
 */
export interface GroupNormOptions {
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Learn a per-channel scale (`weight`) and shift (`bias`). Default true. */
  affine?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * Group normalisation (PyTorch `F.group_norm`): the channels of `x` `[N, C, ...]` are split into
 * `numGroups` groups, each normalised per sample over its channels and positions (biased
 * variance), then scaled and shifted per channel.
 *
 * @example
 * ```ts
 * import { groupNorm } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = groupNorm(tensor([[1, 3, 4, 8]], { dtype: "float64" }), 2, null, null, 0);
 * console.assert(y.toArray().toString() === "-1,1,-1,1");
 * ```
 */
export function groupNorm(
  x: Tensor,
  numGroups: number,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const op = "groupNorm";
  const t = asInput(x, op);
  checkInt(numGroups, op, "numGroups", 1);
  const w = weight === null ? null : asInput(weight, op, "weight");
  const b = bias === null ? null : asInput(bias, op, "bias");
  checkNumber(eps, op, "eps", 0);
  if (t.ndim < 2 || t.shape[1] % numGroups !== 0) {
    throw new RangeError(
      `${op}: expected input [N, C, ...] with C divisible by ${numGroups} groups, got ${
        fmtShape(t.shape)
      }`,
    );
  }
  const [N, C] = t.shape;
  for (const [name, p] of [["weight", w], ["bias", b]] as const) {
    if (p !== null && p.size !== C) {
      throw new RangeError(
        `${op}: ${name} must have one entry per channel (C = ${C}), got shape ${fmtShape(p.shape)}`,
      );
    }
  }
  // Explicit group size: -1 cannot be inferred from an empty batch.
  const perGroup = (C / numGroups) * t.shape.slice(2).reduce((a, d) => a * d, 1);
  const g = t.reshape(N, numGroups, perGroup);
  const centred = g.sub(g.mean({ axis: 2, keepDims: true }));
  let y = centred.mul(centred.square().mean({ axis: 2, keepDims: true }).add(eps).rsqrt()).reshape(
    t.shape,
  );
  const bshape = [1, C, ...new Array<number>(t.ndim - 2).fill(1)];
  if (w !== null) y = y.mul(w.reshape(bshape));
  if (b !== null) y = y.add(b.reshape(bshape));
  return y;
}

/**
 * Group normalisation layer (PyTorch `nn.GroupNorm`); `weight` ones and `bias` zeros, `[C]`.
 *
 * @example
 * ```ts
 * import { GroupNorm } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const gn = new GroupNorm(2, 6);
 * console.assert(gn.forward(randn([3, 6, 4, 4])).shape.join() === "3,6,4,4");
 * ```
 */
export class GroupNorm extends Module<[Tensor], Tensor> {
  /** Number of groups. */
  readonly numGroups: number;
  /** Channels C. */
  readonly numChannels: number;
  /** Added to the variance. */
  readonly eps: number;
  /** Scale `[C]`, or null. */
  weight: Parameter | null;
  /** Shift `[C]`, or null. */
  bias: Parameter | null;

  /** `numChannels` channels in `numGroups` groups. */
  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    const op = "GroupNorm";
    checkOptions(options, op);
    this.numGroups = checkInt(numGroups, op, "numGroups", 1);
    this.numChannels = checkInt(numChannels, op, "numChannels", 1, 2 ** 31 - 1);
    if (numChannels % numGroups !== 0) {
      throw new RangeError(
        `${op}: numChannels ${numChannels} must be divisible by numGroups ${numGroups}`,
      );
    }
    this.eps = checkNumber(options.eps ?? 1e-5, op, "eps", 0);
    const dtype = checkFloatDType(options.dtype ?? "float32", op);
    const affine = checkBool(options.affine ?? true, op, "affine");
    this.weight = affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  /** Normalises `x` `[N, C, ...]`. */
  forward(x: Tensor): Tensor {
    const label = `GroupNorm(${this.numGroups}, ${this.numChannels})`;
    const t = asInput(x, label);
    if (t.ndim < 2 || t.shape[1] !== this.numChannels) {
      throw new RangeError(
        `${label}: expected input [N, ${this.numChannels}, *], got ${fmtShape(t.shape)}`,
      );
    }
    return groupNorm(t, this.numGroups, this.weight, this.bias, this.eps);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${
      this.weight !== null
    }`;
  }
}
