// Batch normalisation as one primitive: the forward pass and the gradients are single kernels
// (@nnc/tensor's batchNormalize and batchNormalizeBackward). When the backward pass records a
// graph (createGraph, grad of grad) or in forward mode, the same derivatives are written in Tensor
// ops instead, so higher orders come out of the ordinary primitives. A fused activation (relu,
// leaky relu) multiplies the output gradient by its derivative at the pre-activation value t: the
// kernel recomputes t from x; the Tensor-op paths take t from a second, activation-free forward
// kernel (they are the rare paths: graphs of gradients, dual numbers).
import * as nd from "@nnc/tensor";
import type { NDArray, NormActivation } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { state } from "./_state.ts";
import { addTangents } from "./_fit.ts";
import { activationGrad, leakyReluGrad } from "./_prim_elementwise.ts";

/** Settings of one batch-norm application; `mean`/`variance` are filled by a training forward pass. */
export interface BatchNormParams {
  eps: number;
  training: boolean;
  hasWeight: boolean;
  hasBias: boolean;
  mean: NDArray | null;
  variance: NDArray | null;
  /** An activation applied in the same kernel, or null. */
  activation: NormActivation | null;
}

/**
 * `v` times the fused activation's derivative at the pre-activation value (none: `v` itself),
 * with t recomputed by the forward kernel without the activation (the statistics of a training
 * pass are the stored ones, so it is the forward pass's t).
 */
function throughActivation(
  v: Tensor,
  x: Tensor,
  w: Tensor | null,
  b: Tensor | null,
  p: BatchNormParams,
): Tensor {
  const act = p.activation;
  if (act === null) return v;
  const t = new Tensor(
    nd.batchNormalize(x.data, {
      weight: w?.data ?? null,
      bias: b?.data ?? null,
      eps: p.eps,
      training: false,
      mean: p.mean,
      variance: p.variance,
    }).output,
  );
  return act.op === "relu" ? activationGrad("relu", v, t) : leakyReluGrad(v, t, act.negativeSlope);
}

function split(
  inputs: readonly Tensor[],
  p: BatchNormParams,
): [Tensor, Tensor | null, Tensor | null] {
  const w = p.hasWeight ? inputs[1] : null;
  const b = p.hasBias ? inputs[p.hasWeight ? 2 : 1] : null;
  return [inputs[0], w, b];
}

function reduceAxes(ndim: number): number[] {
  return [0, ...Array.from({ length: ndim - 2 }, (_, i) => i + 2)];
}

function channelShape(x: Tensor): number[] {
  return x.shape.map((s, i) => (i === 1 ? s : 1));
}

/** x̂ and 1/√(var + eps) as Tensor functions of `x` (training) or of the fixed statistics. */
function normalized(x: Tensor, p: BatchNormParams): [Tensor, Tensor] {
  const axes = reduceAxes(x.ndim), bshape = channelShape(x);
  if (p.training) {
    const centred = x.sub(x.mean({ axis: axes, keepDims: true }));
    const inv = centred.square().mean({ axis: axes, keepDims: true }).add(p.eps).rsqrt();
    return [centred.mul(inv), inv];
  }
  const inv = new Tensor(p.variance as NDArray).reshape(bshape).add(p.eps).rsqrt();
  return [x.sub(new Tensor(p.mean as NDArray).reshape(bshape)).mul(inv), inv];
}

/** The vjp in Tensor ops (differentiable: used when a graph is being recorded). */
function compositeVjp(g: Tensor, x: Tensor, w: Tensor | null, p: BatchNormParams): Tensor[] {
  const axes = reduceAxes(x.ndim), bshape = channelShape(x);
  const [xhat, inv] = normalized(x, p);
  const gw = w === null ? g : g.mul(w.reshape(bshape));
  const dx = p.training
    ? inv.mul(
      gw.sub(gw.mean({ axis: axes, keepDims: true })).sub(
        xhat.mul(gw.mul(xhat).mean({ axis: axes, keepDims: true })),
      ),
    )
    : gw.mul(inv);
  return [dx, g.mul(xhat).sum({ axis: axes }), g.sum({ axis: axes })];
}

export const BATCH_NORM: Primitive<BatchNormParams> = {
  name: "batchNorm",
  forward: (inputs, p) => {
    const x = inputs[0];
    const w = p.hasWeight ? inputs[1] : null, b = p.hasBias ? inputs[p.hasWeight ? 2 : 1] : null;
    const r = nd.batchNormalize(x, {
      weight: w,
      bias: b,
      eps: p.eps,
      training: p.training,
      mean: p.mean,
      variance: p.variance,
      activation: p.activation,
    });
    if (p.training) {
      p.mean = r.mean;
      p.variance = r.variance;
    }
    return r.output;
  },
  vjp: (g, inputs, _y, p) => {
    const [x, w, b] = split(inputs, p);
    let dx: Tensor | null, dw: Tensor | null, db: Tensor | null;
    // A recorded graph or dual numbers (forward over reverse) need differentiable ops.
    const dual = state.forwardLevels > 0 || g.tangent !== null ||
      inputs.some((t) => t.tangent !== null);
    if (state.gradEnabled || dual) {
      [dx, dw, db] = compositeVjp(throughActivation(g, x, w, b, p), x, w, p);
    } else {
      const d = nd.batchNormalizeBackward(
        g.data,
        x.data,
        p.mean as NDArray,
        p.variance as NDArray,
        {
          weight: w?.data ?? null,
          bias: b?.data ?? null,
          eps: p.eps,
          training: p.training,
          inputGrad: x.requiresGrad,
          activation: p.activation,
        },
      );
      dx = new Tensor(d.dx);
      dw = d.dweight === null ? null : new Tensor(d.dweight);
      db = new Tensor(d.dbias);
    }
    const out: (Tensor | null)[] = [x.requiresGrad ? dx : null];
    if (w !== null) out.push(w.requiresGrad ? dw : null);
    if (b !== null) out.push(b.requiresGrad ? db : null);
    return out;
  },
  jvp: (tangents, inputs, y, p) => {
    const [x, w, b] = split(inputs, p);
    const [tx, tw, tb] = split(tangents as Tensor[], p) as [
      Tensor | null,
      Tensor | null,
      Tensor | null,
    ];
    const axes = reduceAxes(x.ndim), bshape = channelShape(x);
    const [xhat, inv] = normalized(x, p);
    let dxhat: Tensor | null = null;
    if (tx !== null) {
      dxhat = p.training
        ? inv.mul(
          tx.sub(tx.mean({ axis: axes, keepDims: true })).sub(
            xhat.mul(xhat.mul(tx).mean({ axis: axes, keepDims: true })),
          ),
        )
        : tx.mul(inv);
      if (w !== null) dxhat = dxhat.mul(w.reshape(bshape));
    }
    const scaled = addTangents(dxhat, tw && xhat.mul(tw.reshape(bshape)), y);
    const shifted = addTangents(scaled, tb && tb.reshape(bshape), y);
    return shifted === null ? null : throughActivation(shifted, x, w, b, p);
  },
};
