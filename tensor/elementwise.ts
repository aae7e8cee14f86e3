/**
 * Elementwise maths with NumPy broadcasting: arithmetic, comparisons, unary functions, `where`, `clamp`.
 *
 * @module
 */
import { checkNDArray, describe } from "./check.ts";
import { allocOutput } from "./_axis.ts";
import { allocTyped, type DType, isFloat, promoteTypes } from "./dtype.ts";
import { type ArrayOrScalar, NDArray, Storage } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import type { BinaryOp, UnaryOp } from "./backend.ts";
import { broadcastShapes } from "./shape.ts";
import { astype } from "./copy.ts";

function checkOperand(op: string, v: unknown, which: string): void {
  if (!(v instanceof NDArray) && typeof v !== "number") {
    throw new TypeError(
      `${op}: ${which} operand must be an NDArray or a number, got ${describe(v)}`,
    );
  }
}

/** dtype of a plain number next to an array: it never widens a float, and a fraction makes ints float32. */
function scalarDType(v: number, other: DType): DType {
  return other === "int32" && !Number.isInteger(v) ? "float32" : other;
}

function scalar(v: number, dtype: DType): NDArray {
  const data = allocTyped(dtype, 1);
  data[0] = v;
  return new NDArray(new Storage(data), []);
}

/** Converts operands to arrays of one common dtype. */
function operands(op: string, a: ArrayOrScalar, b: ArrayOrScalar): [NDArray, NDArray, DType] {
  checkOperand(op, a, "first");
  checkOperand(op, b, "second");
  let dtype: DType;
  if (a instanceof NDArray && b instanceof NDArray) dtype = promoteTypes(a.dtype, b.dtype);
  else if (a instanceof NDArray) dtype = scalarDType(b as number, a.dtype);
  else if (b instanceof NDArray) dtype = scalarDType(a as number, b.dtype);
  else dtype = "float32";
  const x = a instanceof NDArray ? astype(a, dtype) : scalar(a, dtype);
  const y = b instanceof NDArray ? astype(b, dtype) : scalar(b, dtype);
  return [x, y, dtype];
}

function binaryOp(
  name: string,
  op: BinaryOp,
  a: ArrayOrScalar,
  b: ArrayOrScalar,
  trueDivision = false,
): NDArray {
  // Fast path for the most common call (same shape and dtype): tiny ops are dominated by overhead.
  if (
    a instanceof NDArray && b instanceof NDArray && a.dtype === b.dtype &&
    (!trueDivision || isFloat(a.dtype))
  ) {
    const sa = a.shape, sb = b.shape;
    let same = sa.length === sb.length;
    for (let i = 0; same && i < sa.length; i++) same = sa[i] === sb[i];
    if (same) {
      const out = allocOutput(a.dtype, sa);
      getBackend().binary(op, out, a, b);
      return out;
    }
  }
  let [x, y, dtype] = operands(name, a, b);
  if (trueDivision && !isFloat(dtype)) {
    dtype = "float32";
    x = astype(x, dtype);
    y = astype(y, dtype);
  }
  const shape = broadcastShapes(x.shape, y.shape, name);
  const out = allocOutput(dtype, shape);
  getBackend().binary(op, out, x.expand(shape), y.expand(shape));
  return out;
}

/** Ops whose result is float even for int32 input (as PyTorch). */
const FLOAT_RESULT = new Set<UnaryOp>([
  "exp",
  "expm1",
  "log",
  "log1p",
  "sqrt",
  "rsqrt",
  "reciprocal",
  "sin",
  "cos",
  "tan",
  "tanh",
  "sigmoid",
  "softplus",
  "erf",
  "gelu",
  "geluGrad",
]);

function unaryOp(name: string, op: UnaryOp, x: NDArray): NDArray {
  checkNDArray(x, name, "x");
  const input = FLOAT_RESULT.has(op) && !isFloat(x.dtype) ? astype(x, "float32") : x;
  const out = allocOutput(input.dtype, input.shape);
  getBackend().unary(op, out, input);
  return out;
}

/**
 * `a + b` with broadcasting.
 *
 * @example
 * ```ts
 * import { add, array } from "@nnc/tensor";
 * console.assert(add(array([[1], [2]]), array([10, 20])).toArray().toString() === "11,21,12,22");
 * ```
 */
export function add(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("add", "add", a, b);
}
/**
 * `a - b` with broadcasting.
 *
 * @example
 * ```ts
 * import { array, sub } from "@nnc/tensor";
 * console.assert(sub(array([5, 7]), 2).toArray().toString() === "3,5");
 * ```
 */
export function sub(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("sub", "sub", a, b);
}
/**
 * `a * b` with broadcasting.
 *
 * @example
 * ```ts
 * import { array, mul } from "@nnc/tensor";
 * console.assert(mul(array([1, 2]), array([3, 4])).toArray().toString() === "3,8");
 * ```
 */
export function mul(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("mul", "mul", a, b);
}
/**
 * `a / b` with broadcasting; true division (int32 operands give float32).
 *
 * @example
 * ```ts
 * import { array, div } from "@nnc/tensor";
 * console.assert(div(array([1, 3], { dtype: "int32" }), 2).toArray().toString() === "0.5,1.5");
 * ```
 */
export function div(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("div", "div", a, b, true);
}
/**
 * `a ** b` with broadcasting.
 *
 * @example
 * ```ts
 * import { array, pow } from "@nnc/tensor";
 * console.assert(pow(array([2, 3]), 2).toArray().toString() === "4,9");
 * ```
 */
export function pow(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("pow", "pow", a, b);
}
/**
 * Remainder with the sign of the divisor (Python's `%`, PyTorch's `remainder`).
 *
 * @example
 * ```ts
 * import { array, mod } from "@nnc/tensor";
 * console.assert(mod(array([-3, 3]), 2).toArray().toString() === "1,1");
 * ```
 */
export function mod(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("mod", "mod", a, b);
}
/**
 * Elementwise minimum (NaN propagates).
 *
 * @example
 * ```ts
 * import { array, minimum } from "@nnc/tensor";
 * console.assert(minimum(array([1, 5]), 3).toArray().toString() === "1,3");
 * ```
 */
export function minimum(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("minimum", "minimum", a, b);
}
/**
 * Elementwise maximum (NaN propagates).
 *
 * @example
 * ```ts
 * import { array, maximum } from "@nnc/tensor";
 * console.assert(maximum(array([1, 5]), 3).toArray().toString() === "3,5");
 * ```
 */
export function maximum(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("maximum", "maximum", a, b);
}
/**
 * Four-quadrant arctangent of `a / b`.
 *
 * @example
 * ```ts
 * import { array, atan2 } from "@nnc/tensor";
 * console.assert(Math.abs(atan2(array([1]), array([1])).item() - Math.PI / 4) < 1e-7);
 * ```
 */
export function atan2(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("atan2", "atan2", a, b);
}
/**
 * The binary cross-entropy of logits `x` against targets `y`, elementwise and unreduced:
 * `(1 − y)·x + softplus(−x)` (= `−y·log σ(x) − (1 − y)·log(1 − σ(x))`, stable for every `x`), in
 * one pass computed in double (TensorFlow's `sigmoid_cross_entropy_with_logits`; `bceWithLogits` of
 * `@nnc/layers` reduces it).
 *
 * @example
 * ```ts
 * import { array, sigmoidCrossEntropy } from "@nnc/tensor";
 * const l = sigmoidCrossEntropy(array([0, 1000, -1000]), array([1, 1, 1]));
 * console.assert(Math.abs(l.get(0) - Math.LN2) < 1e-7 && l.get(1) === 0 && l.get(2) === 1000);
 * ```
 */
export function sigmoidCrossEntropy(x: ArrayOrScalar, y: ArrayOrScalar): NDArray {
  return binaryOp("sigmoidCrossEntropy", "sigmoidCrossEntropy", x, y);
}
/**
 * The derivative of {@link sigmoidCrossEntropy} in the logits: `σ(x) − y`, in one pass.
 *
 * @example
 * ```ts
 * import { array, sigmoidCrossEntropyGrad } from "@nnc/tensor";
 * const d = sigmoidCrossEntropyGrad(array([0, 0]), array([1, 0]));
 * console.assert(d.get(0) === -0.5 && d.get(1) === 0.5);
 * ```
 */
export function sigmoidCrossEntropyGrad(x: ArrayOrScalar, y: ArrayOrScalar): NDArray {
  return binaryOp("sigmoidCrossEntropyGrad", "sigmoidCrossEntropyGrad", x, y);
}
/**
 * GELU's derivative `Φ(x) + x·φ(x)` at `x` from GELU's output there, `y = gelu(x) = x·Φ(x)`: `Φ(x)`
 * is read off as `y/x` (0.5 where |x| < 2⁻⁶⁰), so one pass with one exponential an element instead
 * of {@link geluGrad}'s erf and exponential (what a backward pass uses when it has kept the output).
 * In float32 `y` carries its rounding into Φ: the result is within a float32 ulp of its terms'
 * magnitude (Φ(x) ≤ 1, |x·φ(x)| ≤ 0.25, so an absolute error below 1.2e-7·(1 + |x|)) of
 * {@link geluGrad}, whose double-precision erf is exact to the last bit; where the terms cancel, near
 * GELU's minimum at x ≈ −0.75, the relative error grows (as in PyTorch's float32 `gelu_backward`),
 * and where the output underflows (float32 x below about −12) Φ is lost, with the derivative below
 * 1e-30.
 *
 * @example
 * ```ts
 * import { array, gelu, geluGrad, geluGradFromOutput } from "@nnc/tensor";
 * const x = array([-2, -0.5, 0, 1.5], { dtype: "float64" });
 * const d = geluGradFromOutput(x, gelu(x)), e = geluGrad(x);
 * for (let i = 0; i < 4; i++) console.assert(Math.abs(d.get(i) - e.get(i)) < 1e-15);
 * ```
 */
export function geluGradFromOutput(x: ArrayOrScalar, y: ArrayOrScalar): NDArray {
  return binaryOp("geluGradFromOutput", "geluGradFromOutput", x, y);
}
/**
 * `a == b` as 1/0 in the operands' common dtype.
 *
 * @example
 * ```ts
 * import { array, eq } from "@nnc/tensor";
 * console.assert(eq(array([1, 2]), 2).toArray().toString() === "0,1");
 * ```
 */
export function eq(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("eq", "eq", a, b);
}
/**
 * `a != b` as 1/0.
 *
 * @example
 * ```ts
 * import { array, ne } from "@nnc/tensor";
 * console.assert(ne(array([1, 2]), 2).toArray().toString() === "1,0");
 * ```
 */
export function ne(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("ne", "ne", a, b);
}
/**
 * `a < b` as 1/0.
 *
 * @example
 * ```ts
 * import { array, lt } from "@nnc/tensor";
 * console.assert(lt(array([1, 2]), 2).toArray().toString() === "1,0");
 * ```
 */
export function lt(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("lt", "lt", a, b);
}
/**
 * `a <= b` as 1/0.
 *
 * @example
 * ```ts
 * import { array, le } from "@nnc/tensor";
 * console.assert(le(array([1, 3]), 2).toArray().toString() === "1,0");
 * ```
 */
export function le(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("le", "le", a, b);
}
/**
 * `a > b` as 1/0.
 *
 * @example
 * ```ts
 * import { array, gt } from "@nnc/tensor";
 * console.assert(gt(array([1, 3]), 2).toArray().toString() === "0,1");
 * ```
 */
export function gt(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("gt", "gt", a, b);
}
/**
 * `a >= b` as 1/0.
 *
 * @example
 * ```ts
 * import { array, ge } from "@nnc/tensor";
 * console.assert(ge(array([1, 2]), 2).toArray().toString() === "0,1");
 * ```
 */
export function ge(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return binaryOp("ge", "ge", a, b);
}

/**
 * `cond != 0 ? a : b`, all three broadcast together.
 *
 * @example
 * ```ts
 * import { array, where } from "@nnc/tensor";
 * console.assert(where(array([1, 0]), array([5, 6]), -1).toArray().toString() === "5,-1");
 * ```
 */
export function where(cond: NDArray, a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  checkNDArray(cond, "where", "cond");
  const [x, y, dtype] = operands("where", a, b);
  const shape = broadcastShapes(broadcastShapes(cond.shape, x.shape, "where"), y.shape, "where");
  const out = allocOutput(dtype, shape);
  getBackend().where(out, cond.expand(shape), x.expand(shape), y.expand(shape));
  return out;
}

/**
 * Limits values to `[min, max]`; either bound may be omitted. NaN stays NaN.
 *
 * @example
 * ```ts
 * import { array, clamp } from "@nnc/tensor";
 * console.assert(clamp(array([-2, 0.5, 3]), 0, 1).toArray().toString() === "0,0.5,1");
 * ```
 */
export function clamp(x: NDArray, min?: number, max?: number): NDArray {
  if (!(x instanceof NDArray)) {
    throw new TypeError(`clamp: expected an NDArray, got ${describe(x)}`);
  }
  checkBound(min, "min");
  checkBound(max, "max");
  if (min !== undefined && max !== undefined && min > max) {
    throw new RangeError(`clamp: min ${min} is greater than max ${max}`);
  }
  let out = x;
  if (min !== undefined) out = maximum(out, min);
  if (max !== undefined) out = minimum(out, max);
  return out === x ? x.clone() : out;
}

/**
 * `-x`.
 *
 * @example
 * ```ts
 * import { array, neg } from "@nnc/tensor";
 * console.assert(neg(array([1, -2])).toArray().toString() === "-1,2");
 * ```
 */
export function neg(x: NDArray): NDArray {
  return unaryOp("neg", "neg", x);
}
/**
 * `|x|`.
 *
 * @example
 * ```ts
 * import { abs, array } from "@nnc/tensor";
 * console.assert(abs(array([-1, 2])).toArray().toString() === "1,2");
 * ```
 */
export function abs(x: NDArray): NDArray {
  return unaryOp("abs", "abs", x);
}
/**
 * -1, 0 or 1 by the sign of each element.
 *
 * @example
 * ```ts
 * import { array, sign } from "@nnc/tensor";
 * console.assert(sign(array([-3, 0, 2])).toArray().toString() === "-1,0,1");
 * ```
 */
export function sign(x: NDArray): NDArray {
  return unaryOp("sign", "sign", x);
}
/**
 * `e^x`.
 *
 * @example
 * ```ts
 * import { array, exp } from "@nnc/tensor";
 * console.assert(exp(array([0])).item() === 1);
 * ```
 */
export function exp(x: NDArray): NDArray {
  return unaryOp("exp", "exp", x);
}
/**
 * `e^x - 1`, accurate near 0.
 *
 * @example
 * ```ts
 * import { array, expm1 } from "@nnc/tensor";
 * console.assert(expm1(array([0], { dtype: "float64" })).item() === 0);
 * ```
 */
export function expm1(x: NDArray): NDArray {
  return unaryOp("expm1", "expm1", x);
}
/**
 * Natural logarithm.
 *
 * @example
 * ```ts
 * import { array, log } from "@nnc/tensor";
 * console.assert(log(array([1])).item() === 0);
 * ```
 */
export function log(x: NDArray): NDArray {
  return unaryOp("log", "log", x);
}
/**
 * `log(1 + x)`, accurate near 0.
 *
 * @example
 * ```ts
 * import { array, log1p } from "@nnc/tensor";
 * console.assert(log1p(array([0])).item() === 0);
 * ```
 */
export function log1p(x: NDArray): NDArray {
  return unaryOp("log1p", "log1p", x);
}
/**
 * Square root.
 *
 * @example
 * ```ts
 * import { array, sqrt } from "@nnc/tensor";
 * console.assert(sqrt(array([9])).item() === 3);
 * ```
 */
export function sqrt(x: NDArray): NDArray {
  return unaryOp("sqrt", "sqrt", x);
}
/**
 * `1 / sqrt(x)`.
 *
 * @example
 * ```ts
 * import { array, rsqrt } from "@nnc/tensor";
 * console.assert(rsqrt(array([4])).item() === 0.5);
 * ```
 */
export function rsqrt(x: NDArray): NDArray {
  return unaryOp("rsqrt", "rsqrt", x);
}
/**
 * `x²`.
 *
 * @example
 * ```ts
 * import { array, square } from "@nnc/tensor";
 * console.assert(square(array([3])).item() === 9);
 * ```
 */
export function square(x: NDArray): NDArray {
  return unaryOp("square", "square", x);
}
/**
 * `1 / x`.
 *
 * @example
 * ```ts
 * import { array, reciprocal } from "@nnc/tensor";
 * console.assert(reciprocal(array([4])).item() === 0.25);
 * ```
 */
export function reciprocal(x: NDArray): NDArray {
  return unaryOp("reciprocal", "reciprocal", x);
}
/**
 * Sine.
 *
 * @example
 * ```ts
 * import { array, sin } from "@nnc/tensor";
 * console.assert(sin(array([0])).item() === 0);
 * ```
 */
export function sin(x: NDArray): NDArray {
  return unaryOp("sin", "sin", x);
}
/**
 * Cosine.
 *
 * @example
 * ```ts
 * import { array, cos } from "@nnc/tensor";
 * console.assert(cos(array([0])).item() === 1);
 * ```
 */
export function cos(x: NDArray): NDArray {
  return unaryOp("cos", "cos", x);
}
/**
 * Tangent.
 *
 * @example
 * ```ts
 * import { array, tan } from "@nnc/tensor";
 * console.assert(tan(array([0])).item() === 0);
 * ```
 */
export function tan(x: NDArray): NDArray {
  return unaryOp("tan", "tan", x);
}
/**
 * Hyperbolic tangent.
 *
 * @example
 * ```ts
 * import { array, tanh } from "@nnc/tensor";
 * console.assert(tanh(array([0])).item() === 0);
 * ```
 */
export function tanh(x: NDArray): NDArray {
  return unaryOp("tanh", "tanh", x);
}
/**
 * Logistic sigmoid `1 / (1 + e^-x)`, stable for large |x|.
 *
 * @example
 * ```ts
 * import { array, sigmoid } from "@nnc/tensor";
 * console.assert(sigmoid(array([0])).item() === 0.5);
 * ```
 */
export function sigmoid(x: NDArray): NDArray {
  return unaryOp("sigmoid", "sigmoid", x);
}
/**
 * `max(x, 0)`.
 *
 * @example
 * ```ts
 * import { array, relu } from "@nnc/tensor";
 * console.assert(relu(array([-1, 2])).toArray().toString() === "0,2");
 * ```
 */
export function relu(x: NDArray): NDArray {
  return unaryOp("relu", "relu", x);
}
/**
 * `log(1 + e^x)`, stable for large |x|.
 *
 * @example
 * ```ts
 * import { array, softplus } from "@nnc/tensor";
 * console.assert(Math.abs(softplus(array([0])).item() - Math.LN2) < 1e-7);
 * ```
 */
export function softplus(x: NDArray): NDArray {
  return unaryOp("softplus", "softplus", x);
}
/**
 * Round down.
 *
 * @example
 * ```ts
 * import { array, floor } from "@nnc/tensor";
 * console.assert(floor(array([-1.5, 1.5])).toArray().toString() === "-2,1");
 * ```
 */
export function floor(x: NDArray): NDArray {
  return unaryOp("floor", "floor", x);
}
/**
 * Round up.
 *
 * @example
 * ```ts
 * import { array, ceil } from "@nnc/tensor";
 * console.assert(ceil(array([-1.5, 1.5])).toArray().toString() === "-1,2");
 * ```
 */
export function ceil(x: NDArray): NDArray {
  return unaryOp("ceil", "ceil", x);
}
/**
 * Round half to even (as NumPy and PyTorch): 0.5 → 0, 1.5 → 2, 2.5 → 2.
 *
 * @example
 * ```ts
 * import { array, round } from "@nnc/tensor";
 * console.assert(round(array([0.5, 1.5, 2.5, -0.5])).toArray().toString() === "0,2,2,0");
 * ```
 */
export function round(x: NDArray): NDArray {
  return unaryOp("round", "round", x);
}
/**
 * Round toward zero.
 *
 * @example
 * ```ts
 * import { array, trunc } from "@nnc/tensor";
 * console.assert(trunc(array([-1.5, 1.5])).toArray().toString() === "-1,1");
 * ```
 */
export function trunc(x: NDArray): NDArray {
  return unaryOp("trunc", "trunc", x);
}
/**
 * The error function.
 *
 * @example
 * ```ts
 * import { array, erf } from "@nnc/tensor";
 * console.assert(erf(array([0])).item() === 0);
 * ```
 */
export function erf(x: NDArray): NDArray {
  return unaryOp("erf", "erf", x);
}
/**
 * GELU, `x·Φ(x) = x·(1 + erf(x/√2))/2` (the exact form, PyTorch's default), in one kernel.
 *
 * @example
 * ```ts
 * import { array, gelu } from "@nnc/tensor";
 * console.assert(Math.abs(gelu(array([1], { dtype: "float64" })).item() - 0.8413447460685429) < 1e-15);
 * ```
 */
export function gelu(x: NDArray): NDArray {
  return unaryOp("gelu", "gelu", x);
}
/**
 * The derivative of {@link gelu}: `Φ(x) + x·φ(x)`.
 *
 * @example
 * ```ts
 * import { array, geluGrad } from "@nnc/tensor";
 * console.assert(geluGrad(array([0])).item() === 0.5);
 * ```
 */
export function geluGrad(x: NDArray): NDArray {
  return unaryOp("geluGrad", "geluGrad", x);
}

function checkBound(v: unknown, name: string): void {
  if (v !== undefined && typeof v !== "number") {
    throw new TypeError(`clamp: ${name} must be a number or undefined, got ${describe(v)}`);
  }
}
