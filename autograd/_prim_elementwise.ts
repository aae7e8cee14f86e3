// Elementwise primitives. For a pointwise f the Jacobian is diagonal, so vjp and jvp are the same
// map v ↦ f'(x)·v; each unary primitive states it once (`lin`), in Tensor ops.
import * as nd from "@nnc/tensor";
import type { DType, NDArray } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { applyPrimitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { addTangents, fitTangent } from "./_fit.ts";
import * as ew from "./elementwise.ts";
import { state } from "./_state.ts";

type Lin = (v: Tensor, x: Tensor, y: Tensor) => Tensor;

function unary(name: string, f: (x: NDArray) => NDArray, lin: Lin | null): Primitive<void> {
  return {
    name,
    forward: (inputs) => f(inputs[0]),
    vjp: (g, inputs, y) => [lin === null ? null : lin(g, inputs[0], y)],
    jvp: (t, inputs, y) => (t[0] === null || lin === null ? null : lin(t[0], inputs[0], y)),
  };
}

const c = (x: NDArray): Tensor => new Tensor(x);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export const NEG: Primitive<void> = unary("neg", nd.neg, (v) => ew.neg(v));
// Where the derivative is a fresh array (sign, 2x, cos, sigmoid), the product goes into it in place
// when nothing records (scaledBySlope): one array a backward instead of two (MSE's square: 2 MiB
// a step in W4).
export const ABS: Primitive<void> = unary(
  "abs",
  nd.abs,
  (v, x) => scaledBySlope(v, c(nd.sign(x.data))),
);
export const EXP: Primitive<void> = unary("exp", nd.exp, (v, _x, y) => ew.mul(v, y));
export const EXPM1: Primitive<void> = unary(
  "expm1",
  nd.expm1,
  (v, _x, y) => ew.mul(v, ew.add(y, 1)),
);
export const LOG: Primitive<void> = unary("log", nd.log, (v, x) => ew.div(v, x));
export const LOG1P: Primitive<void> = unary("log1p", nd.log1p, (v, x) => ew.div(v, ew.add(x, 1)));
export const SQRT: Primitive<void> = unary("sqrt", nd.sqrt, (v, _x, y) => ew.div(v, ew.mul(y, 2)));
export const RSQRT: Primitive<void> = unary(
  "rsqrt",
  nd.rsqrt,
  (v, _x, y) => ew.mul(v, ew.mul(ew.mul(y, ew.square(y)), -0.5)),
);
export const SQUARE: Primitive<void> = unary(
  "square",
  nd.square,
  (v, x) => scaledBySlope(v, ew.mul(x, 2)),
);
export const RECIPROCAL: Primitive<void> = unary(
  "reciprocal",
  nd.reciprocal,
  (v, _x, y) => ew.neg(ew.mul(v, ew.square(y))),
);
export const SIN: Primitive<void> = unary("sin", nd.sin, (v, x) => scaledBySlope(v, ew.cos(x)));
export const COS: Primitive<void> = unary("cos", nd.cos, (v, x) => ew.neg(ew.mul(v, ew.sin(x))));
export const TAN: Primitive<void> = unary(
  "tan",
  nd.tan,
  (v, _x, y) => ew.mul(v, ew.add(ew.square(y), 1)),
);
/**
 * `v · f′` of relu, sigmoid or tanh from the activation's output `y`, one kernel and one array.
 * Linear in `v`; for `y` the derivative of `v·y·(1−y)` is `v·(1 − 2y)`, of `v·(1 − y²)` it is
 * `−2·v·y`, and relu's mask has none (piecewise constant).
 */
export const ACTIVATION_GRAD: Primitive<nd.ActivationGradOp> = {
  name: "activationGrad",
  forward: ([v, y], op) => nd.activationGrad(op, v, y),
  vjp: (h, [v, y], _out, op) => [
    v.requiresGrad ? activationGrad(op, h, y) : null,
    y.requiresGrad && op !== "relu" ? ew.mul(h, activationGradDy(op, v, y)) : null,
  ],
  jvp: ([tv, ty], [v, y], out, op) =>
    addTangents(
      tv && activationGrad(op, tv, y),
      ty && op !== "relu" ? ew.mul(ty, activationGradDy(op, v, y)) : null,
      out,
    ),
};

/** `v · f′` from the activation's output `y`, differentiable (see ACTIVATION_GRAD). */
export function activationGrad(op: nd.ActivationGradOp, v: Tensor, y: Tensor): Tensor {
  return applyPrimitive(ACTIVATION_GRAD, [v, y], op);
}

/** ∂(v·f′(y))/∂y for sigmoid and tanh. */
function activationGradDy(op: nd.ActivationGradOp, v: Tensor, y: Tensor): Tensor {
  return op === "sigmoid" ? ew.mul(v, ew.sub(1, ew.mul(y, 2))) : ew.mul(v, ew.mul(y, -2));
}

export const TANH: Primitive<void> = unary(
  "tanh",
  nd.tanh,
  (v, _x, y) => activationGrad("tanh", v, y),
);
export const SIGMOID: Primitive<void> = unary(
  "sigmoid",
  nd.sigmoid,
  (v, _x, y) => activationGrad("sigmoid", v, y),
);
export const RELU: Primitive<void> = unary(
  "relu",
  nd.relu,
  (v, _x, y) => activationGrad("relu", v, y),
);
/**
 * `v · (x > 0 ? 1 : slope)`, the leaky ReLU's derivative applied to `v` (one kernel). Linear in
 * `v`; piecewise constant in `x`, so `x` receives no gradient.
 */
export const LEAKY_RELU_GRAD: Primitive<number> = {
  name: "leakyReluGrad",
  forward: ([v, x], slope) => nd.activationGrad("leakyRelu", v, x, slope),
  vjp: (h, [v, x], _out, slope) => [v.requiresGrad ? leakyReluGrad(h, x, slope) : null, null],
  jvp: ([tv], [_v, x], _out, slope) => (tv === null ? null : leakyReluGrad(tv, x, slope)),
};

/** `v · (x > 0 ? 1 : slope)`, differentiable in `v` (see LEAKY_RELU_GRAD). */
export function leakyReluGrad(v: Tensor, x: Tensor, slope: number): Tensor {
  return applyPrimitive(LEAKY_RELU_GRAD, [v, x], slope);
}

/** `x > 0 ? x : slope·x` in one kernel (a mask, a product and a `where` before). */
export const LEAKY_RELU: Primitive<number> = {
  name: "leakyRelu",
  forward: ([x], slope) => nd.activationGrad("leakyRelu", x, x, slope),
  vjp: (g, [x], _out, slope) => [leakyReluGrad(g, x, slope)],
  jvp: ([t], [x], _out, slope) => (t === null ? null : leakyReluGrad(t, x, slope)),
};

export const SOFTPLUS: Primitive<void> = unary(
  "softplus",
  nd.softplus,
  (v, x) => scaledBySlope(v, ew.sigmoid(x)),
);
export const ERF: Primitive<void> = unary(
  "erf",
  nd.erf,
  (v, x) => ew.mul(v, ew.mul(ew.exp(ew.neg(ew.square(x))), TWO_OVER_SQRT_PI)),
);
// GELU in one kernel each way: forward x·Φ(x), backward v·(Φ(x) + x·φ(x)); the second derivative
// φ(x)·(2 − x²) is composed (needed only for higher orders).
export const GELU_GRAD: Primitive<void> = unary(
  "geluGrad",
  nd.geluGrad,
  (v, x) =>
    ew.mul(
      v,
      ew.mul(ew.exp(ew.mul(ew.square(x), -0.5)), ew.mul(ew.sub(2, ew.square(x)), INV_SQRT_2PI)),
    ),
);
export const GELU: Primitive<void> = unary(
  "gelu",
  nd.gelu,
  (v, x, y) => scaledBySlope(v, geluSlope(x, y)),
);

/**
 * GELU's derivative at `x`: in a pass that records nothing (no graph for a higher order, no
 * tangents), from the kept output `y` in one exponential an element (`geluGradFromOutput`: Φ(x) =
 * y/x; W5's backward 2.6 → 2.0 ms a GELU at one thread); else `geluGrad(x)`, whose own derivative
 * the graph needs.
 */
function geluSlope(x: Tensor, y: Tensor): Tensor {
  const recorded = (t: Tensor) => (state.gradEnabled && t.requiresGrad) || t.tangent !== null;
  if (recorded(x) || recorded(y) || y.data.disposed) return ew.geluGrad(x);
  return c(nd.geluGradFromOutput(x.data, y.data));
}

/**
 * `g · slope` for a vjp that made `slope` itself. Unrecorded (no createGraph, no tangent), the
 * slope is referred to by nothing but the vjp: the product goes into its memory in place (one
 * array instead of two), or, when the product needs another shape or dtype, the slope's memory
 * goes to the storage pool for the next array of its size.
 */
function scaledBySlope(g: Tensor, slope: Tensor): Tensor {
  const unrecorded = (t: Tensor) => !t.requiresGrad && t.tangent === null;
  if (!unrecorded(slope)) return ew.mul(g, slope);
  if (unrecorded(g) && g.dtype === slope.dtype && nd.sameShape(g.shape, slope.shape)) {
    nd.getBackend().binary("mul", slope.data, slope.data, g.data);
    return slope;
  }
  const out = ew.mul(g, slope);
  nd.releaseStorage(slope.data.data);
  return out;
}
// Piecewise constant: zero derivative.
export const SIGN: Primitive<void> = unary("sign", nd.sign, null);
export const FLOOR: Primitive<void> = unary("floor", nd.floor, null);
export const CEIL: Primitive<void> = unary("ceil", nd.ceil, null);
export const ROUND: Primitive<void> = unary("round", nd.round, null);
export const TRUNC: Primitive<void> = unary("trunc", nd.trunc, null);

export const ADD: Primitive<void> = {
  name: "add",
  forward: ([a, b]) => nd.add(a, b),
  vjp: (g) => [g, g],
  jvp: ([ta, tb], _i, y) => addTangents(ta, tb, y),
};

export const SUB: Primitive<void> = {
  name: "sub",
  forward: ([a, b]) => nd.sub(a, b),
  vjp: (g, [, b]) => [g, b.requiresGrad ? ew.neg(g) : null],
  jvp: ([ta, tb], _i, y) => addTangents(ta, tb, y, true),
};

export const MUL: Primitive<void> = {
  name: "mul",
  forward: ([a, b]) => nd.mul(a, b),
  vjp: (g, [a, b]) => [a.requiresGrad ? ew.mul(g, b) : null, b.requiresGrad ? ew.mul(g, a) : null],
  jvp: ([ta, tb], [a, b], y) => addTangents(ta && ew.mul(ta, b), tb && ew.mul(a, tb), y),
};

export const DIV: Primitive<void> = {
  name: "div",
  forward: ([a, b]) => nd.div(a, b),
  vjp: (g, [a, b], y) => [
    a.requiresGrad ? ew.div(g, b) : null,
    b.requiresGrad ? ew.neg(ew.div(ew.mul(g, y), b)) : null,
  ],
  jvp: ([ta, tb], [, b], y) => {
    const num = addTangents(ta, tb && ew.mul(y, tb), y, true);
    return num && ew.div(num, b);
  },
};

function any(x: NDArray): boolean {
  return x.size > 0 && nd.max(x).item() !== 0;
}

/** d(a^b)/da = b·a^(b−1), zero where b = 0 (so that 0^0 has no 0·∞). */
function powDa(a: Tensor, b: Tensor): Tensor {
  const d = ew.mul(b, ew.pow(a, ew.sub(b, 1)));
  const bz = nd.eq(b.data, 0);
  return any(bz) ? ew.where(bz, 0, d) : d;
}

/** d(a^b)/db = a^b·log a, zero where a = 0 and b ≥ 0 (PyTorch's convention). */
function powDb(a: Tensor, y: Tensor): Tensor {
  const d = ew.mul(y, ew.log(a));
  const az = nd.eq(a.data, 0);
  return any(az) ? ew.where(nd.mul(az, nd.ge(y.data, 0)), 0, d) : d;
}

export const POW: Primitive<void> = {
  name: "pow",
  forward: ([a, b]) => nd.pow(a, b),
  vjp: (g, [a, b], y) => [
    a.requiresGrad ? ew.mul(g, powDa(a, b)) : null,
    b.requiresGrad ? ew.mul(g, powDb(a, y)) : null,
  ],
  jvp: ([ta, tb], [a, b], y) =>
    addTangents(ta && ew.mul(ta, powDa(a, b)), tb && ew.mul(tb, powDb(a, y)), y),
};

/** Weight of the first operand in `maximum`/`minimum`: 1 where it wins, ½ on ties (PyTorch). */
function winWeight(a: Tensor, b: Tensor, y: Tensor, max: boolean): NDArray {
  const wins = max ? nd.gt(a.data, b.data) : nd.lt(a.data, b.data);
  const w = nd.add(wins, nd.mul(nd.eq(a.data, b.data), 0.5));
  return nd.astype(w.expand(y.shape), y.dtype);
}

function extremum(
  name: string,
  f: (a: NDArray, b: NDArray) => NDArray,
  max: boolean,
): Primitive<void> {
  return {
    name,
    forward: ([a, b]) => f(a, b),
    vjp: (g, [a, b], y) => {
      const w = winWeight(a, b, y, max);
      return [
        a.requiresGrad ? ew.mul(g, w) : null,
        b.requiresGrad ? ew.mul(g, nd.sub(1, w)) : null,
      ];
    },
    jvp: ([ta, tb], [a, b], y) => {
      const w = winWeight(a, b, y, max);
      return addTangents(ta && ew.mul(ta, w), tb && ew.mul(tb, nd.sub(1, w)), y);
    },
  };
}

export const MAXIMUM: Primitive<void> = extremum("maximum", nd.maximum, true);
export const MINIMUM: Primitive<void> = extremum("minimum", nd.minimum, false);

export const ATAN2: Primitive<void> = {
  name: "atan2",
  forward: ([a, b]) => nd.atan2(a, b),
  vjp: (g, [a, b]) => {
    const r2 = ew.add(ew.square(a), ew.square(b));
    return [
      a.requiresGrad ? ew.div(ew.mul(g, b), r2) : null,
      b.requiresGrad ? ew.neg(ew.div(ew.mul(g, a), r2)) : null,
    ];
  },
  jvp: ([ta, tb], [a, b], y) => {
    const num = addTangents(ta && ew.mul(ta, b), tb && ew.mul(tb, a), y, true);
    return num && ew.div(num, ew.add(ew.square(a), ew.square(b)));
  },
};

/**
 * The state of one {@link SIGMOID_CROSS_ENTROPY} node: with `keepSlope` (the logits need a
 * gradient) the forward computes `σ(x) − y` beside the loss around the same exponentials
 * (`sigmoidCrossEntropyWithGrad`) and keeps it in `slope` for the backward pass.
 */
export interface SigmoidCrossEntropyParams {
  keepSlope: boolean;
  slope: NDArray | null;
}

/** The loss of logits `(1 − y)·x + softplus(−x)`: d/dx = σ(x) − y, d/dy = −x. */
export const SIGMOID_CROSS_ENTROPY: Primitive<SigmoidCrossEntropyParams> = {
  name: "sigmoidCrossEntropy",
  forward: ([x, y], p) => {
    if (!p.keepSlope || !nd.isFloat(x.dtype) || !nd.isFloat(y.dtype)) {
      return nd.sigmoidCrossEntropy(x, y);
    }
    const { loss, grad } = nd.sigmoidCrossEntropyWithGrad(x, y);
    p.slope = grad;
    return loss;
  },
  vjp: (g, [x, y], _out, p) => [
    x.requiresGrad ? sigmoidCrossEntropyVjp(g, x, y, p) : null,
    y.requiresGrad ? ew.neg(ew.mul(g, x)) : null,
  ],
  jvp: ([tx, ty], [x, y], out) =>
    addTangents(
      tx && ew.mul(tx, ew.sigmoidCrossEntropyGrad(x, y)),
      ty && ew.neg(ew.mul(ty, x)),
      out,
    ),
  // A node freed before a vjp took its slope (the logits' gradient was not asked for).
  release: (p) => {
    if (p.slope !== null) nd.releaseStorage(p.slope.data);
    p.slope = null;
  },
};

/**
 * `g · (σ(x) − y)`: in a pass that records nothing, from the slope the forward kept, taken out of
 * the node (a second pass through a retained graph computes it again) and given to the storage pool
 * once multiplied: the product goes into an array of this pass, which the pass recycles when it is
 * consumed, where the kept one (a forward value) it would not. Recorded, the slope is computed
 * again, since a higher order needs its own derivative.
 */
function sigmoidCrossEntropyVjp(
  g: Tensor,
  x: Tensor,
  y: Tensor,
  p: SigmoidCrossEntropyParams,
): Tensor {
  const kept = p.slope;
  p.slope = null;
  const recorded = (t: Tensor) => (state.gradEnabled && t.requiresGrad) || t.tangent !== null;
  if (kept === null || recorded(x) || recorded(y) || recorded(g)) {
    if (kept !== null) nd.releaseStorage(kept.data);
    return scaledBySlope(g, ew.sigmoidCrossEntropyGrad(x, y));
  }
  const out = ew.mul(g, c(kept));
  nd.releaseStorage(kept.data);
  return out;
}

/** `σ(x) − y`: d/dx = σ(x)(1 − σ(x)), d/dy = −1. */
export const SIGMOID_CROSS_ENTROPY_GRAD: Primitive<void> = {
  name: "sigmoidCrossEntropyGrad",
  forward: ([x, y]) => nd.sigmoidCrossEntropyGrad(x, y),
  // d/dx is g·σ(x)(1 − σ(x)): the sigmoid's own gradient kernel, from σ(x) broadcast to g's shape.
  vjp: (g, [x, y]) => [
    x.requiresGrad ? activationGrad("sigmoid", g, fitTangent(ew.sigmoid(x), g)) : null,
    y.requiresGrad ? ew.neg(g) : null,
  ],
  jvp: ([tx, ty], [x], out) => {
    const dx = tx && fitTangent(tx, out);
    return addTangents(
      dx && activationGrad("sigmoid", dx, fitTangent(ew.sigmoid(x), out)),
      ty,
      out,
      true,
    );
  },
};

export const MOD: Primitive<void> = {
  name: "mod",
  forward: ([a, b]) => nd.mod(a, b),
  vjp: (
    g,
    [a, b],
  ) => [g, b.requiresGrad ? ew.neg(ew.mul(g, nd.floor(nd.div(a.data, b.data)))) : null],
  jvp: ([ta, tb], [a, b], y) =>
    addTangents(ta, tb && ew.mul(tb, nd.floor(nd.div(a.data, b.data))), y, true),
};

/** `where(cond, a, b)` with a constant condition. */
export const WHERE: Primitive<{ cond: NDArray }> = {
  name: "where",
  forward: ([a, b], p) => nd.where(p.cond, a, b),
  vjp: (g, [a, b], _y, p) => [
    a.requiresGrad ? ew.where(p.cond, g, 0) : null,
    b.requiresGrad ? ew.where(p.cond, 0, g) : null,
  ],
  jvp: ([ta, tb], _i, y, p) => {
    if (ta === null && tb === null) return null;
    return fitTangent(ew.where(p.cond, ta ?? 0, tb ?? 0), y);
  },
};

/** `clamp(x, min, max)`: the gradient passes where `min <= x <= max` (PyTorch). */
export const CLAMP: Primitive<{ min?: number; max?: number }> = {
  name: "clamp",
  forward: ([x], p) => nd.clamp(x, p.min, p.max),
  vjp: (g, [x], _y, p) => [ew.where(inside(x.data, p), g, 0)],
  jvp: ([t], [x], _y, p) => t && ew.where(inside(x.data, p), t, 0),
};

function inside(x: NDArray, p: { min?: number; max?: number }): NDArray {
  let m = nd.eq(x, x); // false at NaN
  if (p.min !== undefined) m = nd.mul(m, nd.ge(x, p.min));
  if (p.max !== undefined) m = nd.mul(m, nd.le(x, p.max));
  return m;
}

/** Conversion between float dtypes: the derivative converts back. */
export const ASTYPE: Primitive<{ dtype: DType }> = {
  name: "astype",
  forward: ([x], p) => nd.astype(x, p.dtype, true),
  vjp: (g, [x]) => [ew.astype(g, x.dtype)],
  jvp: ([t], _i, _y, p) => t && ew.astype(t, p.dtype),
};
