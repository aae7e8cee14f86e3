/**
 * Differentiable elementwise maths with NumPy broadcasting: arithmetic, unary functions, `where`,
 * `clamp`, `astype`, and comparisons (which return constants).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { checkDType, describe, type DType, isFloat, NDArray } from "@nnc/tensor";
import { applyPrimitive, type Primitive } from "./primitive.ts";
import { Tensor, type TensorLike } from "./tensor.ts";
import { checkTensor, operands } from "./_convert.ts";
import * as P from "./_prim_elementwise.ts";
import { state } from "./_state.ts";

function binary(prim: Primitive<void>, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(prim.name, a, b);
  return applyPrimitive(prim, [x, y], undefined);
}

function unary(prim: Primitive<void>, x: Tensor): Tensor {
  checkTensor(x, prim.name);
  return applyPrimitive(prim, [x], undefined);
}

function compare(
  name: string,
  f: (a: NDArray, b: NDArray) => NDArray,
  a: TensorLike,
  b: TensorLike,
): Tensor {
  const [x, y] = operands(name, a, b);
  return new Tensor(f(x.data, y.data));
}

/**
 * `a + b` with broadcasting.
 *
 * @example
 * ```ts
 * import { add, tensor } from "@nnc/autograd";
 * const a = tensor([[1], [2]], { requiresGrad: true });
 * add(a, tensor([10, 20, 30])).sum().backward();
 * console.assert(a.grad?.toArray().toString() === "3,3"); // summed over the broadcast axis
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary(P.ADD, a, b);
}
/**
 * `a - b` with broadcasting.
 *
 * @example
 * ```ts
 * import { sub, tensor } from "@nnc/autograd";
 * const b = tensor([1, 2], { requiresGrad: true });
 * sub(5, b).sum().backward();
 * console.assert(b.grad?.toArray().toString() === "-1,-1");
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary(P.SUB, a, b);
}
/**
 * `a * b` with broadcasting.
 *
 * @example
 * ```ts
 * import { mul, tensor } from "@nnc/autograd";
 * const a = tensor([1, 2], { requiresGrad: true });
 * mul(a, tensor([3, 4])).sum().backward();
 * console.assert(a.grad?.toArray().toString() === "3,4");
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary(P.MUL, a, b);
}
/**
 * `a / b` with broadcasting.
 *
 * @example
 * ```ts
 * import { div, tensor } from "@nnc/autograd";
 * const b = tensor([2], { requiresGrad: true });
 * div(1, b).sum().backward();
 * console.assert(b.grad?.item() === -0.25);
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binary(P.DIV, a, b);
}
/**
 * `a ** b` with broadcasting; differentiable in both.
 *
 * @example
 * ```ts
 * import { pow, tensor } from "@nnc/autograd";
 * const x = tensor([3], { requiresGrad: true });
 * pow(x, 2).sum().backward();
 * console.assert(x.grad?.item() === 6);
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binary(P.POW, a, b);
}
/**
 * Remainder with the sign of the divisor (gradient 1 for `a`, `-floor(a / b)` for `b`).
 *
 * @example
 * ```ts
 * import { mod, tensor } from "@nnc/autograd";
 * console.assert(mod(tensor([-3, 3]), 2).toArray().toString() === "1,1");
 * ```
 */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  return binary(P.MOD, a, b);
}
/**
 * Elementwise minimum; on ties each operand gets half the gradient (as PyTorch).
 *
 * @example
 * ```ts
 * import { minimum, tensor } from "@nnc/autograd";
 * const a = tensor([1, 5], { requiresGrad: true });
 * minimum(a, 3).sum().backward();
 * console.assert(a.grad?.toArray().toString() === "1,0");
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binary(P.MINIMUM, a, b);
}
/**
 * Elementwise maximum; on ties each operand gets half the gradient (as PyTorch).
 *
 * @example
 * ```ts
 * import { maximum, tensor } from "@nnc/autograd";
 * const a = tensor([1, 3, 5], { requiresGrad: true });
 * maximum(a, 3).sum().backward();
 * console.assert(a.grad?.toArray().toString() === "0,0.5,1");
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary(P.MAXIMUM, a, b);
}
/**
 * Four-quadrant arctangent of `a / b`.
 *
 * @example
 * ```ts
 * import { atan2, tensor } from "@nnc/autograd";
 * console.assert(Math.abs(atan2(tensor([1]), tensor([1])).item() - Math.PI / 4) < 1e-7);
 * ```
 */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  return binary(P.ATAN2, a, b);
}
/**
 * The binary cross-entropy of logits `x` against targets `y`, elementwise and unreduced:
 * `(1 − y)·x + softplus(−x)`, one kernel pass forward and one back (`σ(x) − y`); differentiable in
 * both arguments, to any order. `bceWithLogits` of `@nnc/layers` reduces it.
 *
 * @example
 * ```ts
 * import { sigmoidCrossEntropy, tensor } from "@nnc/autograd";
 * const x = tensor([0, 2], { requiresGrad: true });
 * sigmoidCrossEntropy(x, tensor([1, 0])).sum().backward();
 * console.assert(Math.abs(x.grad!.get(0) + 0.5) < 1e-7); // σ(0) − 1
 * ```
 */
export function sigmoidCrossEntropy(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(P.SIGMOID_CROSS_ENTROPY.name, x, y);
  // With the logits' gradient to come, the forward computes it too (one exponential, not two).
  const keepSlope = a.requiresGrad && state.gradEnabled;
  return applyPrimitive(P.SIGMOID_CROSS_ENTROPY, [a, b], { keepSlope, slope: null });
}
/**
 * `σ(x) − y`, the derivative of {@link sigmoidCrossEntropy} in the logits, in one pass.
 *
 * @example
 * ```ts
 * import { sigmoidCrossEntropyGrad, tensor } from "@nnc/autograd";
 * console.assert(sigmoidCrossEntropyGrad(tensor([0]), tensor([1])).item() === -0.5);
 * ```
 */
export function sigmoidCrossEntropyGrad(x: TensorLike, y: TensorLike): Tensor {
  return binary(P.SIGMOID_CROSS_ENTROPY_GRAD, x, y);
}

/**
 * `a == b` as 1/0 (a constant: comparisons have no gradient).
 *
 * @example
 * ```ts
 * import { eq, tensor } from "@nnc/autograd";
 * console.assert(eq(tensor([1, 2]), 2).toArray().toString() === "0,1");
 * ```
 */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return compare("eq", nd.eq, a, b);
}
/**
 * `a != b` as 1/0 (constant).
 *
 * @example
 * ```ts
 * import { ne, tensor } from "@nnc/autograd";
 * console.assert(ne(tensor([1, 2]), 2).toArray().toString() === "1,0");
 * ```
 */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return compare("ne", nd.ne, a, b);
}
/**
 * `a < b` as 1/0 (constant).
 *
 * @example
 * ```ts
 * import { lt, tensor } from "@nnc/autograd";
 * console.assert(lt(tensor([1, 2]), 2).toArray().toString() === "1,0");
 * ```
 */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return compare("lt", nd.lt, a, b);
}
/**
 * `a <= b` as 1/0 (constant).
 *
 * @example
 * ```ts
 * import { le, tensor } from "@nnc/autograd";
 * console.assert(le(tensor([1, 3]), 2).toArray().toString() === "1,0");
 * ```
 */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return compare("le", nd.le, a, b);
}
/**
 * `a > b` as 1/0 (constant).
 *
 * @example
 * ```ts
 * import { gt, tensor } from "@nnc/autograd";
 * console.assert(gt(tensor([1, 3]), 2).toArray().toString() === "0,1");
 * ```
 */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return compare("gt", nd.gt, a, b);
}
/**
 * `a >= b` as 1/0 (constant).
 *
 * @example
 * ```ts
 * import { ge, tensor } from "@nnc/autograd";
 * console.assert(ge(tensor([1, 2]), 2).toArray().toString() === "0,1");
 * ```
 */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return compare("ge", nd.ge, a, b);
}

/**
 * `cond != 0 ? a : b`, broadcasting all three; the condition is a constant, the gradient goes to
 * whichever operand was chosen.
 *
 * @example
 * ```ts
 * import { tensor, where } from "@nnc/autograd";
 * const a = tensor([5, 6], { requiresGrad: true });
 * where(tensor([1, 0]), a, -1).sum().backward();
 * console.assert(a.grad?.toArray().toString() === "1,0");
 * ```
 */
export function where(cond: Tensor | NDArray, a: TensorLike, b: TensorLike): Tensor {
  const c = cond instanceof Tensor ? cond.data : cond;
  if (!(c instanceof NDArray)) {
    throw new TypeError(`where: cond must be a Tensor or an NDArray, got ${describe(cond)}`);
  }
  const [x, y] = operands("where", a, b);
  return applyPrimitive(P.WHERE, [x, y], { cond: c });
}

/**
 * Limits values to `[min, max]` (either bound may be omitted); the gradient passes where
 * `min <= x <= max`, bounds included (as PyTorch).
 *
 * @example
 * ```ts
 * import { clamp, tensor } from "@nnc/autograd";
 * const x = tensor([-2, 0.5, 3], { requiresGrad: true });
 * clamp(x, 0, 1).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "0,1,0");
 * ```
 */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  checkTensor(x, "clamp");
  for (const [name, v] of [["min", min], ["max", max]] as const) {
    if (v !== undefined && typeof v !== "number") {
      throw new TypeError(`clamp: ${name} must be a number or undefined, got ${nd.describe(v)}`);
    }
  }
  if (min !== undefined && max !== undefined && min > max) {
    throw new RangeError(`clamp: min ${min} is greater than max ${max}`);
  }
  return applyPrimitive(P.CLAMP, [x], { min, max });
}

/**
 * Converts to another dtype; the gradient converts back to the input's dtype. Returns `x` itself
 * when the dtype already matches. Converting a tensor that requires grad to int32 is an error.
 *
 * @example
 * ```ts
 * import { astype, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2], { requiresGrad: true });
 * const y = astype(x, "float64");
 * y.sum().backward();
 * console.assert(y.dtype === "float64" && x.grad?.dtype === "float32");
 * ```
 */
export function astype(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, "astype");
  checkDType(dtype, "astype");
  if (x.dtype === dtype) return x;
  if (!isFloat(dtype)) return new Tensor(nd.astype(x.data, dtype));
  return applyPrimitive(P.ASTYPE, [x], { dtype });
}

/**
 * `-x`.
 *
 * @example
 * ```ts
 * import { neg, tensor } from "@nnc/autograd";
 * console.assert(neg(tensor([1, -2])).toArray().toString() === "-1,2");
 * ```
 */
export function neg(x: Tensor): Tensor {
  return unary(P.NEG, x);
}
/**
 * `|x|` (gradient `sign(x)`, 0 at 0).
 *
 * @example
 * ```ts
 * import { abs, tensor } from "@nnc/autograd";
 * const x = tensor([-2, 3], { requiresGrad: true });
 * abs(x).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "-1,1");
 * ```
 */
export function abs(x: Tensor): Tensor {
  return unary(P.ABS, x);
}
/**
 * -1, 0 or 1 (zero gradient).
 *
 * @example
 * ```ts
 * import { sign, tensor } from "@nnc/autograd";
 * console.assert(sign(tensor([-3, 0, 2])).toArray().toString() === "-1,0,1");
 * ```
 */
export function sign(x: Tensor): Tensor {
  return unary(P.SIGN, x);
}
/**
 * `e^x`.
 *
 * @example
 * ```ts
 * import { exp, tensor } from "@nnc/autograd";
 * const x = tensor([0], { requiresGrad: true });
 * exp(x).sum().backward();
 * console.assert(x.grad?.item() === 1);
 * ```
 */
export function exp(x: Tensor): Tensor {
  return unary(P.EXP, x);
}
/**
 * `e^x - 1`, accurate near 0.
 *
 * @example
 * ```ts
 * import { expm1, tensor } from "@nnc/autograd";
 * console.assert(expm1(tensor([0])).item() === 0);
 * ```
 */
export function expm1(x: Tensor): Tensor {
  return unary(P.EXPM1, x);
}
/**
 * Natural logarithm (gradient `1/x`).
 *
 * @example
 * ```ts
 * import { log, tensor } from "@nnc/autograd";
 * const x = tensor([4], { requiresGrad: true });
 * log(x).sum().backward();
 * console.assert(x.grad?.item() === 0.25);
 * ```
 */
export function log(x: Tensor): Tensor {
  return unary(P.LOG, x);
}
/**
 * `log(1 + x)`, accurate near 0.
 *
 * @example
 * ```ts
 * import { log1p, tensor } from "@nnc/autograd";
 * console.assert(log1p(tensor([0])).item() === 0);
 * ```
 */
export function log1p(x: Tensor): Tensor {
  return unary(P.LOG1P, x);
}
/**
 * Square root (gradient `1/(2√x)`).
 *
 * @example
 * ```ts
 * import { sqrt, tensor } from "@nnc/autograd";
 * const x = tensor([4], { requiresGrad: true });
 * sqrt(x).sum().backward();
 * console.assert(x.grad?.item() === 0.25);
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  return unary(P.SQRT, x);
}
/**
 * `1 / √x`.
 *
 * @example
 * ```ts
 * import { rsqrt, tensor } from "@nnc/autograd";
 * console.assert(rsqrt(tensor([4])).item() === 0.5);
 * ```
 */
export function rsqrt(x: Tensor): Tensor {
  return unary(P.RSQRT, x);
}
/**
 * `x²`.
 *
 * @example
 * ```ts
 * import { square, tensor } from "@nnc/autograd";
 * const x = tensor([3], { requiresGrad: true });
 * square(x).sum().backward();
 * console.assert(x.grad?.item() === 6);
 * ```
 */
export function square(x: Tensor): Tensor {
  return unary(P.SQUARE, x);
}
/**
 * `1 / x`.
 *
 * @example
 * ```ts
 * import { reciprocal, tensor } from "@nnc/autograd";
 * console.assert(reciprocal(tensor([4])).item() === 0.25);
 * ```
 */
export function reciprocal(x: Tensor): Tensor {
  return unary(P.RECIPROCAL, x);
}
/**
 * Sine.
 *
 * @example
 * ```ts
 * import { sin, tensor } from "@nnc/autograd";
 * const x = tensor([0], { requiresGrad: true });
 * sin(x).sum().backward();
 * console.assert(x.grad?.item() === 1);
 * ```
 */
export function sin(x: Tensor): Tensor {
  return unary(P.SIN, x);
}
/**
 * Cosine.
 *
 * @example
 * ```ts
 * import { cos, tensor } from "@nnc/autograd";
 * console.assert(cos(tensor([0])).item() === 1);
 * ```
 */
export function cos(x: Tensor): Tensor {
  return unary(P.COS, x);
}
/**
 * Tangent.
 *
 * @example
 * ```ts
 * import { tan, tensor } from "@nnc/autograd";
 * console.assert(tan(tensor([0])).item() === 0);
 * ```
 */
export function tan(x: Tensor): Tensor {
  return unary(P.TAN, x);
}
/**
 * Hyperbolic tangent (gradient `1 - tanh²`).
 *
 * @example
 * ```ts
 * import { tanh, tensor } from "@nnc/autograd";
 * const x = tensor([0], { requiresGrad: true });
 * tanh(x).sum().backward();
 * console.assert(x.grad?.item() === 1);
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return unary(P.TANH, x);
}
/**
 * Logistic sigmoid (gradient `σ(1 − σ)`).
 *
 * @example
 * ```ts
 * import { sigmoid, tensor } from "@nnc/autograd";
 * const x = tensor([0], { requiresGrad: true });
 * sigmoid(x).sum().backward();
 * console.assert(x.grad?.item() === 0.25);
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  return unary(P.SIGMOID, x);
}
/**
 * `max(x, 0)`; the gradient at 0 is 0 (PyTorch's choice of one-sided derivative).
 *
 * @example
 * ```ts
 * import { relu, tensor } from "@nnc/autograd";
 * const x = tensor([-1, 0, 2], { requiresGrad: true });
 * relu(x).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "0,0,1");
 * ```
 */
export function relu(x: Tensor): Tensor {
  return unary(P.RELU, x);
}
/**
 * Leaky ReLU `x > 0 ? x : negativeSlope·x` (PyTorch `F.leaky_relu`, default slope 0.01), one fused
 * kernel forward and one backward; the gradient at 0 is `negativeSlope`, as PyTorch's. Integer
 * tensors are computed as `where(x > 0, x, negativeSlope·x)`.
 *
 * @example
 * ```ts
 * import { leakyRelu, tensor } from "@nnc/autograd";
 * const x = tensor([-2, 0, 3], { requiresGrad: true });
 * const y = leakyRelu(x, 0.5);
 * console.assert(y.toArray().toString() === "-1,0,3");
 * y.sum().backward();
 * console.assert(x.grad?.toArray().toString() === "0.5,0.5,1");
 * ```
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor(x, "leakyRelu");
  nd.checkNumber(negativeSlope, "leakyRelu", "negativeSlope");
  if (!isFloat(x.dtype)) return where(x.data.gt(0), x, mul(x, negativeSlope));
  return applyPrimitive(P.LEAKY_RELU, [x], negativeSlope);
}
/**
 * `log(1 + e^x)` (gradient `σ(x)`).
 *
 * @example
 * ```ts
 * import { softplus, tensor } from "@nnc/autograd";
 * const x = tensor([0], { requiresGrad: true });
 * softplus(x).sum().backward();
 * console.assert(x.grad?.item() === 0.5);
 * ```
 */
export function softplus(x: Tensor): Tensor {
  return unary(P.SOFTPLUS, x);
}
/**
 * The error function (gradient `2/√π · e^(−x²)`).
 *
 * @example
 * ```ts
 * import { erf, tensor } from "@nnc/autograd";
 * console.assert(erf(tensor([0])).item() === 0);
 * ```
 */
export function erf(x: Tensor): Tensor {
  return unary(P.ERF, x);
}
/**
 * GELU `x·Φ(x)` (exact, with erf), one fused kernel forward and one backward (gradient
 * `Φ(x) + x·φ(x)`).
 *
 * @example
 * ```ts
 * import { gelu, tensor } from "@nnc/autograd";
 * const x = tensor([0], { requiresGrad: true });
 * gelu(x).sum().backward();
 * console.assert(x.grad?.item() === 0.5);
 * ```
 */
export function gelu(x: Tensor): Tensor {
  return unary(P.GELU, x);
}
/**
 * The derivative of {@link gelu}, `Φ(x) + x·φ(x)`, itself differentiable.
 *
 * @example
 * ```ts
 * import { geluGrad, tensor } from "@nnc/autograd";
 * console.assert(geluGrad(tensor([0])).item() === 0.5);
 * ```
 */
export function geluGrad(x: Tensor): Tensor {
  return unary(P.GELU_GRAD, x);
}
/**
 * Round down (zero gradient).
 *
 * @example
 * ```ts
 * import { floor, tensor } from "@nnc/autograd";
 * console.assert(floor(tensor([-1.5, 1.5])).toArray().toString() === "-2,1");
 * ```
 */
export function floor(x: Tensor): Tensor {
  return unary(P.FLOOR, x);
}
/**
 * Round up (zero gradient).
 *
 * @example
 * ```ts
 * import { ceil, tensor } from "@nnc/autograd";
 * console.assert(ceil(tensor([-1.5, 1.5])).toArray().toString() === "-1,2");
 * ```
 */
export function ceil(x: Tensor): Tensor {
  return unary(P.CEIL, x);
}
/**
 * Round half to even (zero gradient).
 *
 * @example
 * ```ts
 * import { round, tensor } from "@nnc/autograd";
 * console.assert(round(tensor([0.5, 1.5])).toArray().toString() === "0,2");
 * ```
 */
export function round(x: Tensor): Tensor {
  return unary(P.ROUND, x);
}
/**
 * Round toward zero (zero gradient).
 *
 * @example
 * ```ts
 * import { trunc, tensor } from "@nnc/autograd";
 * console.assert(trunc(tensor([-1.5, 1.5])).toArray().toString() === "-1,1");
 * ```
 */
export function trunc(x: Tensor): Tensor {
  return unary(P.TRUNC, x);
}
