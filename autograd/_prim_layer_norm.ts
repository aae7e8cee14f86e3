// The fused layer-norm primitive: forward and plain backward run @nnc/tensor's one-pass kernels;
// recorded backward passes and forward mode use the derivatives written in Tensor ops.
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { isGradEnabled } from "./no_grad.ts";
import { mean } from "./reduce.ts";
import * as ew from "./elementwise.ts";

/** Options and saved statistics of the layer-norm primitive. */
export interface LayerNormParams {
  shape: readonly number[];
  eps: number;
  hasWeight: boolean;
  hasBias: boolean;
  /** Saved by the forward. */
  mean?: NDArray;
  rstd?: NDArray;
}

/** x̂ = (x − μ)/√(σ² + eps) over the trailing axes, in Tensor ops (differentiable again). */
function normalized(x: Tensor, p: LayerNormParams): Tensor {
  const axes = p.shape.map((_, i) => x.ndim - p.shape.length + i);
  const centred = ew.sub(x, mean(x, { axis: axes, keepDims: true }));
  const variance = mean(ew.square(centred), { axis: axes, keepDims: true });
  return ew.mul(centred, ew.rsqrt(ew.add(variance, p.eps)));
}

/** x̂'s linearisation: `(t − mean(t) − x̂·mean(t ⊙ x̂)) / σ` (σ = √(var + eps)). */
function normalizedLin(t: Tensor, x: Tensor, xh: Tensor, p: LayerNormParams): Tensor {
  const axes = p.shape.map((_, i) => x.ndim - p.shape.length + i);
  const m = (a: Tensor) => mean(a, { axis: axes, keepDims: true });
  const centred = ew.sub(x, m(x));
  const rstd = ew.rsqrt(ew.add(m(ew.square(centred)), p.eps));
  return ew.mul(ew.sub(ew.sub(t, m(t)), ew.mul(xh, m(ew.mul(t, xh)))), rstd);
}

/** Sums a `[..., *shape]` tensor down to `shape`. */
function sumLeading(a: Tensor, shape: readonly number[]): Tensor {
  const lead = a.ndim - shape.length;
  return lead === 0 ? a : a.sum({ axis: [...Array(lead).keys()] });
}

export const LAYER_NORM: Primitive<LayerNormParams> = {
  name: "layerNorm",
  forward: (inputs, p) => {
    const [x] = inputs;
    const w = p.hasWeight ? inputs[1] : null, b = p.hasBias ? inputs[p.hasWeight ? 2 : 1] : null;
    const r = nd.fusedLayerNorm(x, p.shape, w, b, p.eps);
    p.mean = r.mean;
    p.rstd = r.rstd;
    return r.output;
  },
  vjp: (g, inputs, _y, p) => {
    const [x] = inputs;
    const w = p.hasWeight ? inputs[1] : null;
    const plain = !isGradEnabled() && p.mean !== undefined &&
      [g, ...inputs].every((t) => t.tangent === null);
    if (plain) {
      const r = nd.fusedLayerNormBackward(
        g.data,
        x.data,
        p.shape,
        p.mean!,
        p.rstd!,
        w?.data ?? null,
        {
          weightGrad: p.hasWeight,
          biasGrad: p.hasBias,
        },
      );
      const out: (Tensor | null)[] = [new Tensor(r.dx)];
      if (p.hasWeight) out.push(new Tensor(r.dweight!));
      if (p.hasBias) out.push(new Tensor(r.dbias!));
      return out;
    }
    const xh = normalized(x, p);
    const gh = w === null ? g : ew.mul(g, w);
    const out: (Tensor | null)[] = [normalizedLin(gh, x, xh, p)];
    if (p.hasWeight) out.push(sumLeading(ew.mul(g, xh), p.shape));
    if (p.hasBias) out.push(sumLeading(g, p.shape));
    return out;
  },
  jvp: (tangents, inputs, _y, p) => {
    const [x] = inputs;
    const [tx] = tangents;
    const w = p.hasWeight ? inputs[1] : null;
    const tw = p.hasWeight ? tangents[1] : null,
      tb = p.hasBias ? tangents[p.hasWeight ? 2 : 1] : null;
    if (tx === null && tw === null && tb === null) return null;
    const xh = normalized(x, p);
    let t: Tensor | null = null;
    if (tx !== null) {
      const d = normalizedLin(tx, x, xh, p);
      t = w === null ? d : ew.mul(d, w);
    }
    if (tw !== null) t = t === null ? ew.mul(xh, tw) : ew.add(t, ew.mul(xh, tw));
    if (tb !== null) t = t === null ? ew.add(ew.mul(xh, 0), tb) : ew.add(t, tb);
    return t;
  },
};
