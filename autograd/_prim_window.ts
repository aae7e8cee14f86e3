// Sliding-window primitives. im2col and col2im are each other's adjoints (so convolutions, built
// from them and matmul, differentiate to any order); max pooling's adjoint scatters through the
// argmax indices; average pooling's adjoint spreads each gradient over its window with col2im.
import * as nd from "@nnc/tensor";
import type { AvgPoolOptions, MaxPoolOptions, NDArray, WindowOptions } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { applyPrimitive } from "./primitive.ts";
import { GATHER } from "./_prim_index.ts";
import { expand, reshape, slice } from "./shape.ts";
import { mul } from "./elementwise.ts";

/** Geometry of im2col/col2im, plus the spatial shape of the image side. */
export interface WindowParams {
  options: WindowOptions;
  spatial: readonly number[];
}

export const IM2COL: Primitive<WindowParams> = {
  name: "im2col",
  forward: ([x], p) => nd.im2col(x, p.options),
  vjp: (g, _x, _y, p) => [applyPrimitive(COL2IM, [g], p)],
  jvp: ([t], _x, _y, p) => t && applyPrimitive(IM2COL, [t], p),
};

export const COL2IM: Primitive<WindowParams> = {
  name: "col2im",
  forward: ([cols], p) => nd.col2im(cols, p.spatial, p.options),
  vjp: (g, _c, _y, p) => [applyPrimitive(IM2COL, [g], p)],
  jvp: ([t], _c, _y, p) => t && applyPrimitive(COL2IM, [t], p),
};

/** Max pooling; `forward` saves the argmax indices for the derivatives. */
export interface MaxPoolParams {
  options: MaxPoolOptions;
  indices?: NDArray;
}

/** `[N, C, ...spatial]` → `[N, C, ∏spatial]` shape. */
export function planes(shape: readonly number[]): number[] {
  return [shape[0], shape[1], shape.slice(2).reduce((a, d) => a * d, 1)];
}

export const MAX_POOL: Primitive<MaxPoolParams> = {
  name: "maxPool",
  forward: ([x], p) => {
    const r = nd.maxPool(x, p.options);
    p.indices = r.indices.reshape(planes(r.indices.shape));
    return r.values;
  },
  vjp: (g, [x], _y, p) => [
    applyPrimitive(MAX_POOL_GRAD, [g], { shape: x.shape, indices: p.indices as NDArray }),
  ],
  jvp: ([t], _x, y, p) => {
    if (t === null) return null;
    const picked = applyPrimitive(GATHER, [reshape(t, planes(t.shape))], {
      axis: 2,
      index: p.indices as NDArray,
    });
    return reshape(picked, y.shape);
  },
};

/** Max pooling's gradient: the input's shape and the argmax indices of the forward pass. */
export interface MaxPoolGradParams {
  shape: readonly number[];
  indices: NDArray;
}

/**
 * `g` added at the argmax positions of each plane (`nd.maxPoolGrad`: each plane cleared and
 * scattered in one pass). Linear in `g`: its derivative is the gather at the same indices, max
 * pooling's jvp.
 */
export const MAX_POOL_GRAD: Primitive<MaxPoolGradParams> = {
  name: "maxPoolGrad",
  forward: ([g], p) =>
    nd.maxPoolGrad(g.reshape(planes(g.shape)), p.indices, planes(p.shape)).reshape(p.shape),
  vjp: (h, [g], _y, p) => [
    reshape(
      applyPrimitive(GATHER, [reshape(h, planes(h.shape))], { axis: 2, index: p.indices }),
      g.shape,
    ),
  ],
  jvp: ([t], _g, _y, p) => t && applyPrimitive(MAX_POOL_GRAD, [t], p),
};

/** Average pooling with its resolved geometry. */
export interface AvgPoolParams {
  options: AvgPoolOptions;
  kernel: number[];
  stride: number[];
  padding: number[];
  includePad: boolean;
}

/** 1/divisor per output position (0 where a window holds nothing), PyTorch's divisor rule. */
function inverseDivisor(
  spatial: readonly number[],
  out: readonly number[],
  p: AvgPoolParams,
  dtype: "float32" | "float64",
): NDArray {
  let inv = nd.ones([], { dtype: "float64" });
  for (let i = 0; i < spatial.length; i++) {
    const n = spatial[i], k = p.kernel[i], s = p.stride[i], pad = p.padding[i];
    const counts = new Float64Array(out[i]);
    for (let o = 0; o < out[i]; o++) {
      const start = o * s - pad;
      const end = Math.min(start + k, n + pad);
      counts[o] = p.includePad ? end - start : Math.max(0, Math.min(end, n) - Math.max(start, 0));
    }
    const axisShape = out.map((_, j) => (j === i ? out[i] : 1));
    inv = nd.mul(inv, nd.NDArray.fromTyped(counts, [out[i]]).reshape(axisShape));
  }
  inv = nd.where(nd.eq(inv, 0), 0, nd.reciprocal(inv));
  return nd.astype(inv, dtype);
}

export const AVG_POOL: Primitive<AvgPoolParams> = {
  name: "avgPool",
  forward: ([x], p) => nd.avgPool(x, p.options),
  vjp: (g, [x], y, p) => {
    const spatial = x.shape.slice(2), out = y.shape.slice(2);
    const [N, C] = x.shape;
    const K = p.kernel.reduce((a, d) => a * d, 1), L = out.reduce((a, d) => a * d, 1);
    const scaled = mul(g, inverseDivisor(spatial, out, p, g.dtype as "float32" | "float64"));
    const spread = reshape(expand(reshape(scaled, [N, C, 1, L]), [N, C, K, L]), [N, C * K, L]);
    // With ceilMode the last window may hang past the padded input: fold into a larger image, crop.
    const room = spatial.map((n, i) =>
      Math.max(n, (out[i] - 1) * p.stride[i] + p.kernel[i] - 2 * p.padding[i])
    );
    const options = { kernel: p.kernel, stride: p.stride, padding: p.padding };
    const folded = applyPrimitive(COL2IM, [spread], { options, spatial: room });
    const cropped = room.some((r, i) => r !== spatial[i]);
    return [cropped ? slice(folded, null, null, ...spatial.map((n) => ({ stop: n }))) : folded];
  },
  jvp: ([t], _x, _y, p) => t && applyPrimitive(AVG_POOL, [t], p),
};
