/**
 * Stationary points of a quadratic under linear equality constraints by Lagrange multipliers, the
 * notes' tool for the SVM dual and the minimum-norm attacks: for f(x) = ½xᵀHx + gᵀx + c and Ax = b,
 * L(x, λ) = f(x) + λᵀ(Ax − b); ∇ₓL = 0 and ∇_λL = 0 give the linear (KKT) system
 * [[H, Aᵀ], [A, 0]]·[x; λ] = [−g; b].
 *
 * @module
 */
import { checkNumber, describe, fmtShape, linalg, NDArray } from "@nnc/tensor";
import {
  type MatrixLike,
  toFloat64,
  toMatrix,
  toVector,
  type VectorLike,
} from "../_common/validate.ts";

/** The problem of {@link lagrangeQuadratic}. */
export interface EqualityConstrainedQuadratic {
  /** H `[n, n]` (symmetric). */
  hessian: MatrixLike;
  /** g `[n]`. Default zeros. */
  linear?: VectorLike;
  /** c. Default 0. */
  constant?: number;
  /** A `[m, n]`. */
  constraints: MatrixLike;
  /** b `[m]`. */
  rhs: VectorLike;
}

/** The stationary point, its multipliers and the objective there. */
export interface LagrangeSolution {
  /** x* `[n]`. */
  x: NDArray;
  /** λ* `[m]` (sign convention L = f + λᵀ(Ax − b)). */
  lambda: NDArray;
  /** f(x*). */
  value: number;
}

/**
 * Solves the KKT system of a quadratic with equality constraints.
 *
 * @example
 * ```ts
 * import { lagrangeQuadratic } from "@nnc/models/classical";
 * // The notes: maximise 1 − x₁² − x₂² subject to x₁ + x₂ = 1 → x* = (½, ½), λ = 1, f* = ½.
 * const s = lagrangeQuadratic({ hessian: [[-2, 0], [0, -2]], constant: 1, constraints: [[1, 1]], rhs: [1] });
 * console.assert(Math.abs(s.x.get(0) - 0.5) < 1e-12 && Math.abs(s.lambda.get(0) - 1) < 1e-12 && Math.abs(s.value - 0.5) < 1e-12);
 * ```
 */
export function lagrangeQuadratic(problem: EqualityConstrainedQuadratic): LagrangeSolution {
  const op = "lagrangeQuadratic";
  if (typeof problem !== "object" || problem === null) {
    throw new TypeError(`${op}: problem must be an object, got ${describe(problem)}`);
  }
  const hm = toMatrix(op, problem.hessian, "hessian");
  const n = hm.shape[0];
  if (hm.shape[1] !== n) {
    throw new RangeError(`${op}: hessian must be square, got ${fmtShape(hm.shape)}`);
  }
  const am = toMatrix(op, problem.constraints, "constraints");
  const m = am.shape[0];
  if (am.shape[1] !== n) {
    throw new RangeError(
      `${op}: constraints have ${am.shape[1]} columns, expected ${n} like the hessian`,
    );
  }
  const g = problem.linear === undefined
    ? new Float64Array(n)
    : toVector(op, problem.linear, "linear", n);
  const b = toVector(op, problem.rhs, "rhs", m);
  const c = checkNumber(problem.constant ?? 0, op, "constant");
  const h = toFloat64(hm), a = toFloat64(am);
  const size = n + m;
  const kkt = new Float64Array(size * size), rhs = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) kkt[i * size + j] = h[i * n + j];
    rhs[i] = -g[i];
  }
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < n; j++) {
      kkt[(n + r) * size + j] = a[r * n + j];
      kkt[j * size + n + r] = a[r * n + j];
    }
    rhs[n + r] = b[r];
  }
  let sol: ArrayLike<number>;
  try {
    sol = linalg.solve(NDArray.fromTyped(kkt, [size, size]), NDArray.fromTyped(rhs, [size])).data;
  } catch {
    throw new RangeError(
      `${op}: the KKT matrix is singular: the constraints are dependent or f has no stationary point on the constraint set`,
    );
  }
  const x = Float64Array.from({ length: n }, (_, i) => sol[i]);
  let value = c;
  for (let i = 0; i < n; i++) {
    let hx = 0;
    for (let j = 0; j < n; j++) hx += h[i * n + j] * x[j];
    value += 0.5 * x[i] * hx + g[i] * x[i];
  }
  return {
    x: NDArray.fromTyped(x, [n]),
    lambda: NDArray.fromTyped(Float64Array.from({ length: m }, (_, r) => sol[n + r]), [m]),
    value,
  };
}
