/**
 * Differentiable convolutions: `conv1d`, `conv2d`, `conv3d` (cross-correlation, as PyTorch) and
 * `convTranspose1d/2d/3d`, with stride, padding, dilation and groups; plus `unfold` / `fold`
 * (differentiable im2col / col2im). A convolution is im2col followed by one matrix product, so its
 * derivatives of every order come from those of im2col, col2im and matmul.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { WindowOptions } from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { fmtShape, sizeOf } from "./_shape_util.ts";
import { COL2IM, IM2COL } from "./_prim_window.ts";
import { CONV, CONV_INPUT_GRAD } from "./_prim_conv.ts";
import { CONV_MAX_POOL } from "./_prim_conv_pool.ts";
import { maxPool } from "./pool.ts";
import { add, astype } from "./elementwise.ts";
import { matmul } from "./matmul.ts";
import { reshape, squeeze, transpose, unsqueeze } from "./shape.ts";
import { pad } from "./pad.ts";
import { checkInt, checkIntTuple } from "@nnc/tensor";

/** One number for every spatial dimension, or one per dimension. */
export type Spatial = number | readonly number[];

/** Options of the convolutions. */
export interface ConvOptions {
  /** Step between windows. Default 1. */
  stride?: Spatial;
  /** Zero padding on both sides, or `"valid"` (none) / `"same"` (output size = input size, stride 1). Default 0. */
  padding?: Spatial | "valid" | "same";
  /** Spacing between kernel taps. Default 1. */
  dilation?: Spatial;
  /** Number of channel groups; input and output channels must divide by it. Default 1. */
  groups?: number;
}

/** Options of the transposed convolutions. */
export interface ConvTransposeOptions {
  /** Stride of the convolution being transposed. Default 1. */
  stride?: Spatial;
  /** Padding of the convolution being transposed (removed from the output). Default 0. */
  padding?: Spatial;
  /** Extra size added to one side of the output (to pick among sizes that stride makes ambiguous). Default 0. */
  outputPadding?: Spatial;
  /** Spacing between kernel taps. Default 1. */
  dilation?: Spatial;
  /** Number of channel groups. Default 1. */
  groups?: number;
}

/** Adds a leading batch dimension to unbatched input; returns the batched tensor and whether it was added. */
function batched(x: Tensor, d: number, op: string, layout: string): [Tensor, boolean] {
  if (x.ndim === d + 2) return [x, false];
  if (x.ndim === d + 1) return [unsqueeze(x, 0), true];
  throw new RangeError(`${op}: expected input ${layout} (or without N), got ${fmtShape(x.shape)}`);
}

function addBias(
  out: Tensor,
  bias: Tensor | null | undefined,
  channels: number,
  op: string,
): Tensor {
  if (bias === null || bias === undefined) return out;
  checkTensor(bias, op, "bias");
  if (bias.ndim !== 1 || bias.shape[0] !== channels) {
    throw new RangeError(`${op}: bias must have shape [${channels}], got ${fmtShape(bias.shape)}`);
  }
  return add(out, reshape(bias, [1, channels, ...new Array<number>(out.ndim - 2).fill(1)]));
}

/** The output grid, with errors renamed after the calling op. */
function windowShape(spatial: readonly number[], geometry: WindowOptions, op: string): number[] {
  try {
    return nd.windowOutputShape(spatial, geometry);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new RangeError(e.message.replace(/^windowOutputShape:/, `${op}:`));
    }
    throw e;
  }
}

/** A convolution's checked arguments: the (batched, possibly pre-padded) input and the geometry. */
interface PreparedConv {
  x: Tensor;
  unbatched: boolean;
  geometry: WindowOptions;
  groups: number;
  outSpatial: number[];
  dtype: nd.DType;
}

function prepareConv(
  input: Tensor,
  weight: Tensor,
  options: ConvOptions,
  d: number,
  op: string,
  layout: string,
): PreparedConv {
  checkTensor(input, op, "input");
  checkTensor(weight, op, "weight");
  let [x, unbatched] = batched(input, d, op, layout);
  if (weight.ndim !== d + 2) {
    throw new RangeError(
      `${op}: expected weight [Cout, Cin/groups, ...kernel] with ${d} kernel dimensions, got ${
        fmtShape(weight.shape)
      }`,
    );
  }
  const groups = checkInt(options.groups ?? 1, op, "groups", 1);
  const [, Cin] = x.shape;
  const [Cout, CinG] = weight.shape;
  const kernel = weight.shape.slice(2);
  if (Cin !== CinG * groups || Cout % groups !== 0) {
    throw new RangeError(
      `${op}: input ${fmtShape(x.shape)} and weight ${
        fmtShape(weight.shape)
      } do not fit groups=${groups} ` +
        `(need Cin = ${CinG}·${groups} and Cout divisible by ${groups})`,
    );
  }
  const stride = checkIntTuple(options.stride ?? 1, d, op, "stride", 1);
  const dilation = checkIntTuple(options.dilation ?? 1, d, op, "dilation", 1);
  let padding: number[];
  if (options.padding === "valid") padding = new Array<number>(d).fill(0);
  else if (options.padding === "same") {
    if (stride.some((s) => s !== 1)) {
      throw new RangeError(`${op}: padding "same" needs stride 1, got [${stride.join(", ")}]`);
    }
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    if (total.some((t) => t % 2 === 1)) {
      // Odd total: PyTorch puts the extra zero on the right.
      const widths: number[] = [];
      for (let i = d - 1; i >= 0; i--) {
        widths.push(Math.floor(total[i] / 2), total[i] - Math.floor(total[i] / 2));
      }
      x = pad(x, widths);
      padding = new Array<number>(d).fill(0);
    } else padding = total.map((t) => t / 2);
  } else {padding = checkIntTuple(
      (options.padding as Spatial | undefined) ?? 0,
      d,
      op,
      "padding",
      0,
    );}
  const geometry: WindowOptions = { kernel, stride, padding, dilation };
  const outSpatial = windowShape(x.shape.slice(2), geometry, op);
  return {
    x,
    unbatched,
    geometry,
    groups,
    outSpatial,
    dtype: nd.promoteTypes(x.dtype, weight.dtype),
  };
}

/** The inputs of the float convolution primitives: x, w and the bias, cast to `dtype`. */
function floatInputs(c: PreparedConv, weight: Tensor, b: Tensor | null): Tensor[] {
  const inputs = [astypeIf(c.x, c.dtype), astypeIf(weight, c.dtype)];
  if (b !== null) inputs.push(astypeIf(b, c.dtype));
  return inputs;
}

function convNd(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvOptions,
  d: number,
  op: string,
  layout: string,
): Tensor {
  const c = prepareConv(input, weight, options, d, op, layout);
  const { x, geometry, groups, outSpatial } = c;
  const [N] = x.shape;
  const [Cout, CinG] = weight.shape;
  let out: Tensor;
  if (nd.isFloat(c.dtype)) {
    // One kernel (libnnc unfolds image by image in cache) with the bias in the same pass.
    const b = checkBias(bias, Cout, op);
    const { stride, padding, dilation } = geometry;
    out = applyPrimitive(CONV, floatInputs(c, weight, b), {
      options: { stride, padding, dilation, groups },
    });
  } else {
    // Integer arrays: unfold and multiply (the convolution kernels are float only).
    const K = sizeOf(weight.shape.slice(2)), L = sizeOf(outSpatial);
    const cols = applyPrimitive(IM2COL, [x], { options: geometry, spatial: x.shape.slice(2) });
    if (groups === 1) out = matmul(reshape(weight, [Cout, CinG * K]), cols);
    else {
      const w = reshape(weight, [groups, Cout / groups, CinG * K]);
      out = reshape(matmul(w, reshape(cols, [N, groups, CinG * K, L])), [N, Cout, L]);
    }
    out = addBias(reshape(out, [N, Cout, ...outSpatial]), bias, Cout, op);
  }
  return c.unbatched ? squeeze(out, 0) : out;
}

/**
 * A convolution (as {@link conv1d}, {@link conv2d} or {@link conv3d}, by the weight's rank)
 * followed by max pooling (as `maxPool`): the same values and gradients as the two ops in turn,
 * but one graph node whose forward pass never stores the convolution's output (the native backend
 * pools each image's planes while they are in cache) and whose backward pass scatters the
 * gradient through the argmax indices straight into the convolution's gradients. `Sequential`
 * runs a `Conv2d` followed by a `MaxPool2d` through it.
 *
 * @example
 * ```ts
 * import { conv2d, convMaxPool, maxPool2d, tensor } from "@nnc/autograd";
 * const x = tensor([[[[1, 2, 0], [4, 3, 1], [0, 5, 2]]]], { requiresGrad: true });
 * const w = tensor([[[[1, -1], [0, 2]]]]);
 * const fused = convMaxPool(x, w, tensor([0.5]), { padding: 1 }, { kernel: 2 });
 * const apart = maxPool2d(conv2d(x, w, tensor([0.5]), { padding: 1 }), { kernel: 2 });
 * console.assert(fused.toArray().toString() === apart.toArray().toString());
 * fused.sum().backward();
 * console.assert(x.grad?.toArray().toString() === "-1,1,-1,3,0,1,0,2,2");
 * ```
 */
export function convMaxPool(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  convOptions: ConvOptions,
  poolOptions: nd.MaxPoolOptions,
): Tensor {
  const op = "convMaxPool";
  checkTensor(weight, op, "weight");
  const d = weight.ndim - 2;
  if (d < 1 || d > 3) {
    throw new RangeError(
      `${op}: expected weight [Cout, Cin/groups, ...kernel] with 1 to 3 kernel dimensions, got ${
        fmtShape(weight.shape)
      }`,
    );
  }
  const layout = ["[N, C, L]", "[N, C, H, W]", "[N, C, D, H, W]"][d - 1];
  const c = prepareConv(input, weight, convOptions, d, op, layout);
  if (!nd.isFloat(c.dtype)) {
    const y = convNd(input, weight, bias, convOptions, d, op, layout);
    return maxPool(y, nd.checkOptions(poolOptions, op));
  }
  const b = checkBias(bias, weight.shape[0], op);
  const { stride, padding, dilation } = c.geometry;
  let out: Tensor;
  try {
    out = applyPrimitive(CONV_MAX_POOL, floatInputs(c, weight, b), {
      conv: { options: { stride, padding, dilation, groups: c.groups } },
      pool: nd.checkOptions(poolOptions, op),
    });
  } catch (e) {
    // The array op's checks of the pooling options, under this function's name.
    if (e instanceof RangeError || e instanceof TypeError) {
      e.message = e.message.replace(/^convolutionMaxPool:/, `${op}:`);
    }
    throw e;
  }
  return c.unbatched ? squeeze(out, 0) : out;
}

/** The bias checked against `channels`, or null. */
function checkBias(bias: Tensor | null | undefined, channels: number, op: string): Tensor | null {
  if (bias === null || bias === undefined) return null;
  checkTensor(bias, op, "bias");
  if (bias.ndim !== 1 || bias.shape[0] !== channels) {
    throw new RangeError(`${op}: bias must have shape [${channels}], got ${fmtShape(bias.shape)}`);
  }
  return bias;
}

function astypeIf(t: Tensor, dtype: nd.DType): Tensor {
  return t.dtype === dtype ? t : astype(t, dtype);
}

/**
 * 1-d convolution (cross-correlation) of `[N, Cin, L]` input with `[Cout, Cin/groups, k]` weights.
 *
 * @example
 * ```ts
 * import { conv1d, tensor } from "@nnc/autograd";
 * const x = tensor([[[1, 2, 3, 4]]], { requiresGrad: true });
 * const w = tensor([[[1, -1]]], { requiresGrad: true });
 * const y = conv1d(x, w);
 * y.sum().backward();
 * console.assert(y.toArray().toString() === "-1,-1,-1");
 * console.assert(w.grad?.toArray().toString() === "6,9");
 * ```
 */
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvOptions = {},
): Tensor {
  return convNd(input, weight, bias, options, 1, "conv1d", "[N, C, L]");
}

/**
 * 2-d convolution (cross-correlation, as PyTorch) of `[N, Cin, H, W]` input with
 * `[Cout, Cin/groups, kh, kw]` weights and an optional `[Cout]` bias.
 *
 * @example
 * ```ts
 * import { conv2d, ones, tensor } from "@nnc/autograd";
 * const x = ones([1, 1, 3, 3], { requiresGrad: true });
 * const w = tensor([[[[1, 2], [3, 4]]]], { requiresGrad: true });
 * const y = conv2d(x, w, tensor([1]), { padding: 1 });
 * console.assert(y.shape.join() === "1,1,4,4" && y.get(0, 0, 1, 1) === 11);
 * y.sum().backward();
 * console.assert(x.grad?.toArray().toString() === "10,10,10,10,10,10,10,10,10");
 * ```
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvOptions = {},
): Tensor {
  return convNd(input, weight, bias, options, 2, "conv2d", "[N, C, H, W]");
}

/**
 * 3-d convolution of `[N, Cin, D, H, W]` input with `[Cout, Cin/groups, kd, kh, kw]` weights.
 *
 * @example
 * ```ts
 * import { conv3d, ones } from "@nnc/autograd";
 * const y = conv3d(ones([1, 1, 2, 2, 2]), ones([1, 1, 2, 2, 2]));
 * console.assert(y.item() === 8);
 * ```
 */
export function conv3d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvOptions = {},
): Tensor {
  return convNd(input, weight, bias, options, 3, "conv3d", "[N, C, D, H, W]");
}

function convTransposeNd(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvTransposeOptions,
  d: number,
  op: string,
  layout: string,
): Tensor {
  checkTensor(input, op, "input");
  checkTensor(weight, op, "weight");
  const [x, unbatched] = batched(input, d, op, layout);
  if (weight.ndim !== d + 2) {
    throw new RangeError(
      `${op}: expected weight [Cin, Cout/groups, ...kernel] with ${d} kernel dimensions, got ${
        fmtShape(weight.shape)
      }`,
    );
  }
  const groups = checkInt(options.groups ?? 1, op, "groups", 1);
  const [N, Cin] = x.shape;
  const [CinW, CoutG] = weight.shape;
  const kernel = weight.shape.slice(2);
  if (Cin !== CinW || Cin % groups !== 0) {
    throw new RangeError(
      `${op}: input ${fmtShape(x.shape)} and weight ${
        fmtShape(weight.shape)
      } do not fit groups=${groups} ` +
        `(need weight [Cin, Cout/groups, ...] with Cin = ${Cin} divisible by ${groups})`,
    );
  }
  const stride = checkIntTuple(options.stride ?? 1, d, op, "stride", 1);
  const padding = checkIntTuple(options.padding ?? 0, d, op, "padding", 0);
  const dilation = checkIntTuple(options.dilation ?? 1, d, op, "dilation", 1);
  const outputPadding = checkIntTuple(options.outputPadding ?? 0, d, op, "outputPadding", 0);
  outputPadding.forEach((o, i) => {
    if (o >= Math.max(stride[i], dilation[i])) {
      throw new RangeError(
        `${op}: outputPadding ${o} must be smaller than stride or dilation (${stride[i]}, ${
          dilation[i]
        })`,
      );
    }
  });
  const inSpatial = x.shape.slice(2);
  const base = inSpatial.map((n, i) =>
    (n - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + 1
  );
  if (base.some((b) => b < 1)) {
    throw new RangeError(
      `${op}: padding [${padding.join(", ")}] leaves no output for input ${fmtShape(x.shape)}`,
    );
  }
  const K = sizeOf(kernel), L = sizeOf(inSpatial), Cout = CoutG * groups, CinG = Cin / groups;
  const dtype = nd.promoteTypes(x.dtype, weight.dtype);
  if (nd.isFloat(dtype) && outputPadding.every((o, i) => o < stride[i])) {
    // The gradient of the convolution with this geometry for an input of the output's size.
    const b = checkBias(bias, Cout, op);
    const size = base.map((n, i) => n + outputPadding[i]);
    let out = applyPrimitive(CONV_INPUT_GRAD, [astypeIf(x, dtype), astypeIf(weight, dtype)], {
      options: { stride, padding, dilation, groups },
      shape: [N, Cout, ...size],
    });
    if (b !== null) out = add(out, reshape(astypeIf(b, dtype), [1, Cout, ...size.map(() => 1)]));
    return unbatched ? squeeze(out, 0) : out;
  }
  let cols: Tensor;
  if (groups === 1) {
    cols = matmul(transpose(reshape(weight, [Cin, CoutG * K]), 0, 1), reshape(x, [N, Cin, L]));
  } else {
    const w = transpose(reshape(weight, [groups, CinG, CoutG * K]), -2, -1);
    cols = reshape(matmul(w, reshape(x, [N, groups, CinG, L])), [N, Cout * K, L]);
  }
  // Fold into the uncropped output, then crop `padding` on the left and `padding − outputPadding`
  // on the right (output padding keeps real contributions; beyond the full size it is zeros).
  const full = base.map((b, i) => b + 2 * padding[i]);
  const geometry: WindowOptions = { kernel, stride, padding: 0, dilation };
  let out = applyPrimitive(COL2IM, [cols], { options: geometry, spatial: full });
  const cropped = padding.some((p, i) => p > 0 || outputPadding[i] > 0);
  if (cropped) {
    const widths: number[] = [];
    for (let i = d - 1; i >= 0; i--) widths.push(-padding[i], outputPadding[i] - padding[i]);
    out = pad(out, widths);
  }
  out = addBias(out, bias, Cout, op);
  return unbatched ? squeeze(out, 0) : out;
}

/**
 * 1-d transposed convolution (the gradient of `conv1d` with respect to its input, as a layer):
 * `[N, Cin, L]` input, `[Cin, Cout/groups, k]` weights; output length
 * `(L − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1`.
 *
 * @example
 * ```ts
 * import { convTranspose1d, tensor } from "@nnc/autograd";
 * const y = convTranspose1d(tensor([[[1, 2]]]), tensor([[[1, 1, 1]]]), null, { stride: 2 });
 * console.assert(y.toArray().toString() === "1,1,3,2,2");
 * ```
 */
export function convTranspose1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd(input, weight, bias, options, 1, "convTranspose1d", "[N, C, L]");
}

/**
 * 2-d transposed convolution of `[N, Cin, H, W]` input with `[Cin, Cout/groups, kh, kw]` weights;
 * output size per dimension `(n − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1`.
 *
 * @example
 * ```ts
 * import { convTranspose2d, ones } from "@nnc/autograd";
 * const y = convTranspose2d(ones([1, 20, 12, 12]), ones([20, 20, 4, 4]), null, { stride: 2, outputPadding: 1 });
 * console.assert(y.shape.join() === "1,20,27,27");
 * ```
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd(input, weight, bias, options, 2, "convTranspose2d", "[N, C, H, W]");
}

/**
 * 3-d transposed convolution of `[N, Cin, D, H, W]` input with `[Cin, Cout/groups, kd, kh, kw]` weights.
 *
 * @example
 * ```ts
 * import { convTranspose3d, ones } from "@nnc/autograd";
 * console.assert(convTranspose3d(ones([1, 1, 1, 1, 1]), ones([1, 2, 2, 2, 2])).shape.join() === "1,2,2,2,2");
 * ```
 */
export function convTranspose3d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd(input, weight, bias, options, 3, "convTranspose3d", "[N, C, D, H, W]");
}

/**
 * Differentiable im2col (PyTorch `F.unfold`, 1–3 spatial dimensions): `[N, C, ...spatial]` →
 * `[N, C·∏kernel, L]`. Its gradient is {@link fold}.
 *
 * @example
 * ```ts
 * import { ones, unfold } from "@nnc/autograd";
 * const x = ones([1, 1, 3, 3], { requiresGrad: true });
 * unfold(x, { kernel: 2 }).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "1,2,1,2,4,2,1,2,1");
 * ```
 */
export function unfold(x: Tensor, options: WindowOptions): Tensor {
  checkTensor(x, "unfold");
  return applyPrimitive(IM2COL, [x], { options, spatial: x.shape.slice(2) });
}

/**
 * Differentiable col2im (PyTorch `F.fold`): sums `[N, C·∏kernel, L]` columns into
 * `[N, C, ...outputSpatialShape]`. Its gradient is {@link unfold}.
 *
 * @example
 * ```ts
 * import { fold, ones } from "@nnc/autograd";
 * console.assert(fold(ones([1, 4, 4]), [3, 3], { kernel: 2 }).toArray().toString() === "1,2,1,2,4,2,1,2,1");
 * ```
 */
export function fold(
  cols: Tensor,
  outputSpatialShape: readonly number[],
  options: WindowOptions,
): Tensor {
  checkTensor(cols, "fold", "cols");
  if (!Array.isArray(outputSpatialShape)) {
    throw new TypeError(
      `fold: outputSpatialShape must be an array of 1 to 3 sizes, got ${
        nd.describe(outputSpatialShape)
      }`,
    );
  }
  return applyPrimitive(COL2IM, [cols], { options, spatial: [...outputSpatialShape] });
}
