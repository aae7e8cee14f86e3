// Convolution followed by max pooling as one primitive: forward, `nd.convolutionMaxPool` (libnnc
// pools each image's planes from cache and never stores the convolution's output). Backward, when
// nothing records the pass, the convolution's gradients straight from the pooled gradient and the
// argmax indices (libnnc unpools image by image in cache) and the bias's as the pooled gradient's
// sum; otherwise the derivatives of CONV followed by MAX_POOL composed of those primitives
// (MAX_POOL_GRAD, then the convolution's three gradients), so they differentiate again.
import * as nd from "@nnc/tensor";
import type { MaxPoolOptions, NDArray } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { applyPrimitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { state } from "./_state.ts";
import {
  biasGrad,
  biasShaped,
  CONV_INPUT_GRAD,
  CONV_WEIGHT_GRAD,
  convOf,
  type ConvParams,
} from "./_prim_conv.ts";
import { MAX_POOL_GRAD, planes } from "./_prim_window.ts";
import { GATHER } from "./_prim_index.ts";
import { expand, reshape } from "./shape.ts";

/** The convolution's and the pooling's options; `forward` adds the argmax indices and the shape. */
export interface ConvMaxPoolParams {
  conv: ConvParams;
  pool: MaxPoolOptions;
  /** `[N, C, ∏pooled]` flat argmax indices within each plane of the convolution's output. */
  indices?: NDArray;
  /** The convolution's output shape. */
  convShape?: readonly number[];
  /** Whether the pooling windows do not overlap (each argmax index occurs once in its plane). */
  distinct?: boolean;
}

/** `[x, w]` or `[x, w, bias]` → the pooled `[N, Cout, ...pooledSpatial]`. */
export const CONV_MAX_POOL: Primitive<ConvMaxPoolParams> = {
  name: "convMaxPool",
  forward: ([x, w, b], p) => {
    const r = nd.convolutionMaxPool(x, w, b ?? null, p.conv.options, p.pool);
    p.indices = r.indices.reshape(planes(r.indices.shape));
    const spatial = nd.windowOutputShape(x.shape.slice(2), {
      kernel: w.shape.slice(2),
      stride: p.conv.options.stride,
      padding: p.conv.options.padding,
      dilation: p.conv.options.dilation,
    });
    p.convShape = [x.shape[0], w.shape[0], ...spatial];
    p.distinct = disjointWindows(p.pool, spatial.length);
    return r.values;
  },
  vjp: (g, [x, w, b], _y, p) => {
    if (!state.gradEnabled && g.tangent === null && x.tangent === null && w.tangent === null) {
      // Nothing records this pass: the convolution's gradients straight from the pooled gradient
      // (libnnc unpools each image in cache), and the bias's as the sum of the pooled gradient,
      // the same terms as the convolution's output gradient holds, without its zeros (summed in
      // another order, so equal to rounding).
      const pooled = { indices: (p.indices as NDArray).reshape(g.shape), distinct: p.distinct };
      const { options } = p.conv;
      return [
        x.requiresGrad
          ? new Tensor(nd.convolutionInputGrad(g.data, w.data, x.shape, options, pooled))
          : null,
        w.requiresGrad
          ? new Tensor(nd.convolutionWeightGrad(g.data, x.data, w.shape, options, pooled))
          : null,
        ...(b === undefined ? [] : [b.requiresGrad ? biasGrad(g) : null]),
      ];
    }
    const gc = applyPrimitive(MAX_POOL_GRAD, [g], {
      shape: p.convShape as number[],
      indices: p.indices as NDArray,
    });
    const grads = [
      x.requiresGrad
        ? applyPrimitive(CONV_INPUT_GRAD, [gc, w], { ...p.conv, shape: x.shape })
        : null,
      w.requiresGrad
        ? applyPrimitive(CONV_WEIGHT_GRAD, [gc, x], { ...p.conv, shape: w.shape })
        : null,
      ...(b === undefined ? [] : [b.requiresGrad ? biasGrad(gc) : null]),
    ];
    // Without a recorded backward, nothing but this function refers to the convolution's gradient.
    if (!gc.requiresGrad && gc.tangent === null) nd.releaseStorage(gc.data.data);
    return grads;
  },
  jvp: ([tx, tw, tb], [x, w], y, p) => {
    let t: Tensor | null = null;
    if (tx !== null) t = convOf(tx, w, p.conv);
    if (tw !== null) t = t === null ? convOf(x, tw, p.conv) : t.add(convOf(x, tw, p.conv));
    if (tb) {
      const shaped = biasShaped(tb, x.ndim);
      t = t === null ? expand(shaped, p.convShape as number[]) : t.add(shaped);
    }
    if (t === null) return null;
    const picked = applyPrimitive(GATHER, [reshape(t, planes(t.shape))], {
      axis: 2,
      index: p.indices as NDArray,
    });
    return reshape(picked, y.shape);
  },
  release: (p) => {
    if (p.indices !== undefined) nd.releaseStorage(p.indices.data);
  },
};

/** Whether max pooling's windows never overlap: the stride covers each window's span. */
function disjointWindows(pool: MaxPoolOptions, d: number): boolean {
  const at = (v: number | readonly number[] | undefined, i: number, dflt: number): number =>
    v === undefined ? dflt : typeof v === "number" ? v : v[i];
  for (let i = 0; i < d; i++) {
    const k = at(pool.kernel, i, 1), dil = at(pool.dilation, i, 1);
    if (at(pool.stride, i, k) < dil * (k - 1) + 1) return false;
  }
  return true;
}
