/**
 * Fused layer normalisation on NDArrays: {@link fusedLayerNorm} normalises over the trailing
 * dimensions in one kernel and returns the per-row statistics the backward needs;
 * {@link fusedLayerNormBackward} gives the gradients. `@nnc/autograd`'s `layerNorm` differentiates
 * through them.
 *
 * @module
 */
import { allocForOverwrite, type DType, isFloat } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { fmtShape, sameShape } from "./shape.ts";
import { astype, contiguous } from "./copy.ts";
import { checkNumber, describe } from "./check.ts";

/**
 * What {@link fusedLayerNorm} returns.
 *
 * @example
 * ```ts
 * import { fusedLayerNorm, type FusedLayerNormResult, ones } from "@nnc/tensor";
 * const r: FusedLayerNormResult = fusedLayerNorm(ones([2, 3]), [3]);
 * console.log(r.rstd.shape); // [ 2 ]
 * ```
 */
export interface FusedLayerNormResult {
  /** The normalised input, shaped as `x`. */
  output: NDArray;
  /** Mean of each normalised group, `[rows]` (rows = the product of the leading dimensions). */
  mean: NDArray;
  /** 1/√(biased variance + eps) of each group, `[rows]`. */
  rstd: NDArray;
}

/**
 * What {@link fusedLayerNormBackward} returns.
 *
 * @example
 * ```ts
 * import type { FusedLayerNormGrads } from "@nnc/tensor";
 * const f = (g: FusedLayerNormGrads) => g.dx.shape;
 * console.log(typeof f);
 * ```
 */
export interface FusedLayerNormGrads {
  /** Gradient of the input. */
  dx: NDArray;
  /** Gradient of the weight (shaped as `normalizedShape`), or null without a weight. */
  dweight: NDArray | null;
  /** Gradient of the bias, or null without a bias. */
  dbias: NDArray | null;
}

interface Prepared {
  x: NDArray;
  weight: NDArray | null;
  bias: NDArray | null;
  rows: number;
  cols: number;
  dtype: DType;
}

function prepare(
  x: NDArray,
  normalizedShape: readonly number[],
  weight: NDArray | null,
  bias: NDArray | null,
  op: string,
): Prepared {
  if (!(x instanceof NDArray)) {
    throw new TypeError(`${op}: x must be an NDArray, got ${describe(x)}`);
  }
  if (!isFloat(x.dtype)) throw new TypeError(`${op}: x must be float32 or float64, got ${x.dtype}`);
  const k = Array.isArray(normalizedShape) ? normalizedShape.length : 0;
  if (k === 0 || x.ndim < k || !sameShape(x.shape.slice(x.ndim - k), normalizedShape)) {
    throw new RangeError(
      `${op}: input ${fmtShape(x.shape)} does not end in the normalized shape ${
        Array.isArray(normalizedShape) ? fmtShape(normalizedShape) : describe(normalizedShape)
      }`,
    );
  }
  const cols = normalizedShape.reduce((a, b) => a * b, 1);
  const param = (p: NDArray | null, name: string): NDArray | null => {
    if (p === null || p === undefined) return null;
    if (!(p instanceof NDArray) || !sameShape(p.shape, normalizedShape)) {
      throw new RangeError(
        `${op}: ${name} must be an array of shape ${fmtShape(normalizedShape)}, got ${describe(p)}`,
      );
    }
    return contiguous(astype(p, x.dtype)).reshape(cols);
  };
  const xc = contiguous(x);
  const rows = cols === 0 ? 0 : x.size / cols;
  return {
    x: new NDArray(xc.storage, [rows, cols], undefined, xc.offset),
    weight: param(weight, "weight"),
    bias: param(bias, "bias"),
    rows,
    cols,
    dtype: x.dtype,
  };
}

// The kernels write every element of their outputs (as batch_norm.ts's): no clearing pass.
function alloc(dtype: DType, shape: readonly number[]): NDArray {
  return new NDArray(
    new Storage(allocForOverwrite(dtype, shape.reduce((a, b) => a * b, 1))),
    shape,
  );
}

/**
 * Normalises `x` over its trailing dimensions `normalizedShape` (PyTorch `F.layer_norm`):
 * `(x − μ)/√(σ² + eps) ⊙ weight + bias` with the biased variance, in one pass per row. Returns the
 * output and the statistics.
 *
 * @example
 * ```ts
 * import { array, fusedLayerNorm } from "@nnc/tensor";
 * const { output } = fusedLayerNorm(array([[1, 3], [0, 4]], { dtype: "float64" }), [2], null, null, 0);
 * console.assert(output.toArray().toString() === "-1,1,-1,1");
 * ```
 */
export function fusedLayerNorm(
  x: NDArray,
  normalizedShape: readonly number[],
  weight: NDArray | null = null,
  bias: NDArray | null = null,
  eps = 1e-5,
): FusedLayerNormResult {
  const op = "fusedLayerNorm";
  const p = prepare(x, normalizedShape, weight, bias, op);
  checkNumber(eps, op, "eps", 0);
  const out = alloc(p.dtype, [p.rows, p.cols]);
  const mean = alloc(p.dtype, [p.rows]), rstd = alloc(p.dtype, [p.rows]);
  if (out.size > 0) getBackend().layerNorm(out, mean, rstd, p.x, p.weight, p.bias, eps);
  return { output: out.reshape(x.shape), mean, rstd };
}

/**
 * Gradients of `Σ gradOutput ⊙ layerNorm(x)` with respect to `x`, `weight` and `bias`, from the
 * statistics {@link fusedLayerNorm} returned for the same `x`.
 *
 * @example
 * ```ts
 * import { fusedLayerNorm, fusedLayerNormBackward, ones, randn, Rng } from "@nnc/tensor";
 * const x = randn([4, 3], { rng: new Rng(0) });
 * const { mean, rstd } = fusedLayerNorm(x, [3]);
 * const { dx } = fusedLayerNormBackward(ones([4, 3]), x, [3], mean, rstd);
 * // The output's rows sum to zero whatever x is, so an all-ones upstream gives no gradient.
 * console.assert(dx.abs().max().item() < 1e-5);
 * ```
 */
export function fusedLayerNormBackward(
  gradOutput: NDArray,
  x: NDArray,
  normalizedShape: readonly number[],
  mean: NDArray,
  rstd: NDArray,
  weight: NDArray | null = null,
  options: { weightGrad?: boolean; biasGrad?: boolean } = {},
): FusedLayerNormGrads {
  const op = "fusedLayerNormBackward";
  const p = prepare(x, normalizedShape, weight, null, op);
  if (!(gradOutput instanceof NDArray) || !sameShape(gradOutput.shape, x.shape)) {
    throw new RangeError(
      `${op}: gradOutput must be shaped as x ${fmtShape(x.shape)}, got ${describe(gradOutput)}`,
    );
  }
  for (const [name, s] of [["mean", mean], ["rstd", rstd]] as const) {
    if (!(s instanceof NDArray) || s.size !== p.rows) {
      throw new RangeError(`${op}: ${name} must hold ${p.rows} values, got ${describe(s)}`);
    }
  }
  const flat = (a: NDArray, shape: number[]) => {
    const c = contiguous(astype(a, p.dtype));
    return new NDArray(c.storage, shape, undefined, c.offset);
  };
  const dx = alloc(p.dtype, [p.rows, p.cols]);
  const dweight = (options.weightGrad ?? weight !== null) ? alloc(p.dtype, [p.cols]) : null;
  const dbias = options.biasGrad ? alloc(p.dtype, [p.cols]) : null;
  if (dx.size > 0) {
    getBackend().layerNormBackward(
      dx,
      dweight,
      dbias,
      flat(gradOutput, [p.rows, p.cols]),
      p.x,
      flat(mean, [p.rows]),
      flat(rstd, [p.rows]),
      p.weight,
    );
  } else {
    dweight?.data.fill(0);
    dbias?.data.fill(0);
  }
  return {
    dx: dx.reshape(x.shape),
    dweight: dweight === null ? null : dweight.reshape(normalizedShape),
    dbias: dbias === null ? null : dbias.reshape(normalizedShape),
  };
}
