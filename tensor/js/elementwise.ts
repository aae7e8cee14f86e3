// JS kernels: strided copy, unary maths, broadcast binary ops and `where`.
import type { BinaryOp, UnaryOp } from "../backend.ts";
import type { NDArray } from "../ndarray.ts";
import type { TypedArray } from "../dtype.ts";
import { forEachRow, innerStrides, planFor } from "./_strided.ts";

/** Strided copy with dtype conversion. */
export function copy(out: NDArray, x: NDArray): void {
  const o = out.data, a = x.data;
  if (out.isContiguous && x.isContiguous && o.constructor === a.constructor) {
    (o as Float32Array).set(a.subarray(x.offset, x.offset + x.size) as Float32Array, out.offset);
    return;
  }
  const plan = planFor(out, x);
  const [so, sa] = innerStrides(plan);
  forEachRow(plan, [out.offset, x.offset], (n, po, pa) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = a[pa];
  });
}

/** Unary maths, same shape and dtype. */
export function unary(op: UnaryOp, out: NDArray, x: NDArray): void {
  const o = out.data, a = x.data;
  const f = UNARY[op];
  if (out.isContiguous && x.isContiguous) {
    f(o, out.offset, 1, a, x.offset, 1, out.size);
    return;
  }
  const plan = planFor(out, x);
  const [so, sa] = innerStrides(plan);
  forEachRow(plan, [out.offset, x.offset], (n, po, pa) => f(o, po, so, a, pa, sa, n));
}

type Row1 = (
  o: TypedArray,
  po: number,
  so: number,
  a: TypedArray,
  pa: number,
  sa: number,
  n: number,
) => void;

// One loop per op so that each inner loop is monomorphic in its arithmetic.
const UNARY: Record<UnaryOp, Row1> = {
  neg: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = -a[pa];
  },
  abs: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.abs(a[pa]);
  },
  sign: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.sign(a[pa]);
  },
  exp: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.exp(a[pa]);
  },
  expm1: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.expm1(a[pa]);
  },
  log: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.log(a[pa]);
  },
  log1p: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.log1p(a[pa]);
  },
  sqrt: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.sqrt(a[pa]);
  },
  rsqrt: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = 1 / Math.sqrt(a[pa]);
  },
  square: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = a[pa] * a[pa];
  },
  reciprocal: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = 1 / a[pa];
  },
  sin: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.sin(a[pa]);
  },
  cos: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.cos(a[pa]);
  },
  tan: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.tan(a[pa]);
  },
  tanh: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.tanh(a[pa]);
  },
  sigmoid: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) {
      const v = a[pa];
      // Two forms so that exp never overflows.
      if (v >= 0) o[po] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        o[po] = e / (1 + e);
      }
    }
  },
  relu: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) {
      const v = a[pa];
      o[po] = v > 0 ? v : (v !== v ? v : 0);
    }
  },
  softplus: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) {
      const v = a[pa];
      o[po] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }
  },
  floor: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.floor(a[pa]);
  },
  ceil: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.ceil(a[pa]);
  },
  round: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = roundHalfEven(a[pa]);
  },
  trunc: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = Math.trunc(a[pa]);
  },
  erf: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) o[po] = erf(a[pa]);
  },
  gelu: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) {
      const v = a[pa];
      o[po] = v * (erf(v * Math.SQRT1_2) + 1) * 0.5;
    }
  },
  geluGrad: (o, po, so, a, pa, sa, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa) {
      const v = a[pa];
      o[po] = (erf(v * Math.SQRT1_2) + 1) * 0.5 + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
    }
  },
};

/** 1/√(2π), the standard normal density at 0. */
const INV_SQRT_2PI = 0.3989422804014327;
/** Below this |x|, GELU's derivative takes Φ(x) as 0.5 (x·Φ(x) would have lost Φ to rounding). */
const GELU_TINY_INPUT = 2 ** -60;

/** Rounds half to even, as NumPy and PyTorch do. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 ? 2 * Math.round(v / 2) : r;
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** The error function to about 1e-15: Maclaurin series near 0, continued fraction for erfc beyond. */
export function erf(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Series Σ (-1)^n x^(2n+1) / (n! (2n+1)); terms stay below e^(x²) ≈ 518, so ~13 digits survive.
    const x2 = x * x;
    let term = x, sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated backwards.
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + (k / 2) / f;
  const erfc = Math.exp(-ax * ax) / (f * 1.7724538509055159);
  return Math.sign(x) * (1 - erfc);
}

type Row2 = (
  o: TypedArray,
  po: number,
  so: number,
  a: TypedArray,
  pa: number,
  sa: number,
  b: TypedArray,
  pb: number,
  sb: number,
  n: number,
) => void;

/** Broadcast binary op; `a` and `b` already have `out`'s shape. */
export function binary(op: BinaryOp, out: NDArray, a: NDArray, b: NDArray): void {
  const o = out.data, x = a.data, y = b.data;
  const f = BINARY[op];
  if (out.isContiguous && a.isContiguous && b.isContiguous) {
    f(o, out.offset, 1, x, a.offset, 1, y, b.offset, 1, out.size);
    return;
  }
  const plan = planFor(out, a, b);
  const [so, sa, sb] = innerStrides(plan);
  forEachRow(
    plan,
    [out.offset, a.offset, b.offset],
    (n, po, pa, pb) => f(o, po, so, x, pa, sa, y, pb, sb, n),
  );
}

const BINARY: Record<BinaryOp, Row2> = {
  add: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = a[pa] + b[pb];
  },
  sub: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = a[pa] - b[pb];
  },
  mul: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = a[pa] * b[pb];
  },
  div: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = a[pa] / b[pb];
  },
  pow: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = Math.pow(a[pa], b[pb]);
  },
  mod: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    // Python/PyTorch remainder: the result takes the sign of the divisor.
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) {
      const u = a[pa], v = b[pb];
      o[po] = u - Math.floor(u / v) * v;
    }
  },
  minimum: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = Math.min(a[pa], b[pb]);
  },
  maximum: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = Math.max(a[pa], b[pb]);
  },
  atan2: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = Math.atan2(a[pa], b[pb]);
  },
  eq: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = a[pa] === b[pb] ? 1 : 0;
  },
  ne: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = a[pa] !== b[pb] ? 1 : 0;
  },
  lt: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = a[pa] < b[pb] ? 1 : 0;
  },
  le: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = a[pa] <= b[pb] ? 1 : 0;
  },
  gt: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = a[pa] > b[pb] ? 1 : 0;
  },
  ge: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) o[po] = a[pa] >= b[pb] ? 1 : 0;
  },
  sigmoidCrossEntropy: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    // (1 − y)·x + softplus(−x), softplus(v) = max(v, 0) + log1p(e^−|v|): libnnc's expression.
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) {
      const x = a[pa], y = b[pb];
      o[po] = (1 - y) * x + ((-x > 0 ? -x : 0) + Math.log1p(Math.exp(-Math.abs(x))));
    }
  },
  sigmoidCrossEntropyGrad: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    // sigmoid(x) − y, sigmoid in the JS backend's two forms around one e^−|x|.
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) {
      const x = a[pa], e = Math.exp(-Math.abs(x));
      o[po] = (x >= 0 ? 1 / (1 + e) : e / (1 + e)) - b[pb];
    }
  },
  geluGradFromOutput: (o, po, so, a, pa, sa, b, pb, sb, n) => {
    // Φ(x) = y/x from the output y = x·Φ(x) (0.5 where |x| < 2⁻⁶⁰), plus x·φ(x): libnnc's expression.
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) {
      const x = a[pa];
      o[po] = (Math.abs(x) < GELU_TINY_INPUT ? 0.5 : b[pb] / x) +
        x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
    }
  },
};

/** `out = cond != 0 ? a : b`, all of `out`'s shape. */
export function where(out: NDArray, cond: NDArray, a: NDArray, b: NDArray): void {
  const o = out.data, c = cond.data, x = a.data, y = b.data;
  const plan = planFor(out, cond, a, b);
  const [so, sc, sa, sb] = innerStrides(plan);
  forEachRow(plan, [out.offset, cond.offset, a.offset, b.offset], (n, po, pc, pa, pb) => {
    for (let i = 0; i < n; i++, po += so, pc += sc, pa += sa, pb += sb) {
      o[po] = c[pc] !== 0 ? x[pa] : y[pb];
    }
  });
}
