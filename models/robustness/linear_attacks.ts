/**
 * The closed-form attacks on a two-class linear classifier `g(x) = wᵀx + w₀` of the notes
 * (000:L1330–1499): the minimum-ℓ2 and minimum-ℓ∞ perturbations that reach the boundary, and the
 * strongest perturbation of ℓ∞ size η (FGSM for a linear model). For a multi-class linear model,
 * attacking class i towards class t uses `w = w_i − w_t`, `w₀ = b_i − b_t`.
 *
 * @module
 */
import {
  array,
  asNDArray,
  checkNumber,
  checkOptions,
  describe,
  fmtShape,
  type NDArray,
} from "@nnc/tensor";

/**
 * Options of {@link linearMinL2Attack} and {@link linearMinLinfAttack}.
 *
 * @example
 * ```ts
 * import type { LinearAttackOptions } from "@nnc/models/robustness";
 * const crossing: LinearAttackOptions = { overshoot: 0.02 };
 * ```
 */
export interface LinearAttackOptions {
  /**
   * Go `(1 + overshoot)` times the minimal perturbation, past the boundary: the exact minimum
   * lands on it (`g = 0`, a tie). Default 0, as in the notes.
   */
  overshoot?: number;
}

/** A nested list as a float64 array; its shape errors name the attack. */
function fromList(v: unknown[], op: string, name: string): NDArray {
  try {
    return array(v as number[], { dtype: "float64" });
  } catch (e) {
    if (e instanceof TypeError) throw new TypeError(`${op}: ${name}: ${e.message}`);
    if (e instanceof RangeError) throw new RangeError(`${op}: ${name}: ${e.message}`);
    throw e;
  }
}

function vector(v: unknown, op: string, name: string): NDArray {
  const a = Array.isArray(v) ? fromList(v, op, name) : asNDArray(v, op, name);
  if (a.ndim !== 1 || a.size === 0) {
    throw new RangeError(
      `${op}: ${name} must be a non-empty vector, got shape ${fmtShape(a.shape)}`,
    );
  }
  return a.dtype === "int32" ? a.astype("float64") : a;
}

function points(x: unknown, d: number, op: string): { x: NDArray; single: boolean } {
  const a = Array.isArray(x) ? fromList(x, op, "x0") : asNDArray(x, op, "x0");
  const f = a.dtype === "int32" ? a.astype("float64") : a;
  if ((f.ndim !== 1 && f.ndim !== 2) || f.shape[f.ndim - 1] !== d) {
    throw new RangeError(
      `${op}: x0 must be [${d}] or [N, ${d}] to match w, got shape ${fmtShape(f.shape)}`,
    );
  }
  return { x: f.ndim === 1 ? f.reshape([1, d]) : f, single: f.ndim === 1 };
}

interface Prepared {
  w: NDArray;
  x: NDArray;
  /** g(x) per row, `[N, 1]`. */
  g: NDArray;
  single: boolean;
}

function prepare(w: unknown, w0: unknown, x0: unknown, op: string): Prepared {
  const wv = vector(w, op, "w");
  const b = checkNumber(w0, op, "w0");
  if (wv.abs().max().item() === 0) throw new RangeError(`${op}: w must not be zero (no boundary)`);
  const { x, single } = points(x0, wv.size, op);
  const g = x.matmul(wv.astype(x.dtype).reshape([wv.size, 1])).add(b);
  return { w: wv.astype(x.dtype), x, g, single };
}

function overshootOf(options: LinearAttackOptions | undefined, op: string): number {
  const o = checkOptions(options, op);
  return checkNumber(o.overshoot ?? 0, op, "overshoot", 0);
}

function finish(p: Prepared, x: NDArray): NDArray {
  return p.single ? x.reshape([x.shape[1]]) : x;
}

/**
 * The smallest ℓ2 perturbation that puts `x0` on the boundary of `g(x) = wᵀx + w₀`
 * (000:L1336–1340): `x* = x0 − (wᵀx0 + w₀)/‖w‖₂ · w/‖w‖₂`, at distance `|g(x0)|/‖w‖₂`. Works on one
 * point `[d]` or a batch `[N, d]`.
 *
 * @example
 * ```ts
 * import { linearMinL2Attack } from "@nnc/models/robustness";
 * const x = linearMinL2Attack([3, -4], 1, [2, 1]); // g(x0) = 3, ‖w‖ = 5
 * console.assert(Math.abs(x.get(0) - 1.64) < 1e-12 && Math.abs(x.get(1) - 1.48) < 1e-12);
 * ```
 */
export function linearMinL2Attack(
  w: NDArray | readonly number[],
  w0: number,
  x0: NDArray | readonly number[] | readonly number[][],
  options?: LinearAttackOptions,
): NDArray {
  const op = "linearMinL2Attack";
  const p = prepare(w, w0, x0, op);
  const k = 1 + overshootOf(options, op);
  const ww = p.w.square().sum().item();
  return finish(p, p.x.sub(p.g.mul(k / ww).mul(p.w.reshape([1, p.w.size]))));
}

/**
 * The smallest ℓ∞ perturbation that puts `x0` on the boundary (000:L1465–1469):
 * `x = x0 − (wᵀx0 + w₀)/‖w‖₁ · sign(w)`, at ℓ∞ distance `|g(x0)|/‖w‖₁` (Hölder's dual norm).
 *
 * @example
 * ```ts
 * import { linearMinLinfAttack } from "@nnc/models/robustness";
 * const x = linearMinLinfAttack([3, -4], 1, [2, 1]); // distance 3/7
 * console.assert(Math.abs(x.get(0) - 11 / 7) < 1e-12 && Math.abs(x.get(1) - 10 / 7) < 1e-12);
 * ```
 */
export function linearMinLinfAttack(
  w: NDArray | readonly number[],
  w0: number,
  x0: NDArray | readonly number[] | readonly number[][],
  options?: LinearAttackOptions,
): NDArray {
  const op = "linearMinLinfAttack";
  const p = prepare(w, w0, x0, op);
  const k = 1 + overshootOf(options, op);
  const l1 = p.w.abs().sum().item();
  return finish(p, p.x.sub(p.g.mul(k / l1).mul(p.w.sign().reshape([1, p.w.size]))));
}

/**
 * The strongest perturbation of ℓ∞ size `eta` (000:L1475–1499): the minimiser of `wᵀx + w₀` over
 * `‖x − x0‖∞ ≤ η` is `x0 − η·sign(w)`, which lowers g by `η‖w‖₁` — FGSM for a linear model. The
 * notes assume `x0` on the positive side; a point with `g(x0) < 0` is pushed the other way
 * (`x0 + η·sign(w)`), so the attack always moves towards the boundary.
 *
 * @example
 * ```ts
 * import { linearMaxLinfAttack } from "@nnc/models/robustness";
 * const x = linearMaxLinfAttack([3, -4], 1, [2, 1], 0.5); // g: 3 → −0.5, the label flips
 * console.assert(x.get(0) === 1.5 && x.get(1) === 1.5);
 * ```
 */
export function linearMaxLinfAttack(
  w: NDArray | readonly number[],
  w0: number,
  x0: NDArray | readonly number[] | readonly number[][],
  eta: number,
): NDArray {
  const op = "linearMaxLinfAttack";
  const p = prepare(w, w0, x0, op);
  if (typeof eta !== "number" || !(eta >= 0) || !Number.isFinite(eta)) {
    throw new RangeError(`${op}: eta must be a finite number >= 0, got ${describe(eta)}`);
  }
  const side = p.g.ge(0).astype(p.x.dtype).mul(2).sub(1); // +1 above the boundary, −1 below
  return finish(p, p.x.sub(side.mul(eta).mul(p.w.sign().reshape([1, p.w.size]))));
}
