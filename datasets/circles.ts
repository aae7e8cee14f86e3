/**
 * Concentric circles: scikit-learn's `make_circles`, or the "circle" set of the TensorFlow Playground.
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, NDArray } from "@nnc/tensor";
import type { LabeledData, RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/** Options of {@link circles}. */
export interface CirclesOptions extends RandomSource {
  /** Number of points, half on each circle (the inner one gets the odd point). Default 100. */
  n?: number;
  /** `"rings"` (default): two circles, evenly spaced; `"playground"`: the TensorFlow Playground's filled disc and ring. */
  layout?: "rings" | "playground";
  /** Rings: radius of the inner circle relative to the outer one (which has radius 1), in [0, 1). Default 0.8. */
  factor?: number;
  /**
   * Rings: standard deviation of Gaussian noise per coordinate. Playground: noise level in [0, 0.5],
   * each coordinate moved by up to `noise × 5`, with the label following the moved point. Default 0.
   */
  noise?: number;
}

/**
 * Points on two concentric circles (label 0 outer, 1 inner). `x` float32 `[n, 2]`, `y` int32 `[n]`.
 *
 * `layout: "rings"` follows `make_circles`: the outer circle of radius 1 and the inner of radius
 * `factor`, angles evenly spaced in [0, 2π), outer circle first. `layout: "playground"` follows the
 * TensorFlow Playground: half the points uniform in radius in [0, 2.5] (label 1), half in [3.5, 5]
 * (label 0), uniform angles.
 *
 * @example
 * ```ts
 * import { circles } from "@nnc/datasets";
 * const { x, y } = circles({ n: 8, factor: 0.5 });
 * console.assert(Math.abs(x.get(0, 0) - 1) < 1e-7 && Math.abs(x.get(4, 0) - 0.5) < 1e-7);
 * console.assert(y.toArray().toString() === "0,0,0,0,1,1,1,1");
 * const p = circles({ n: 100, layout: "playground", seed: 1 });
 * console.assert(p.x.abs().max().item() <= 5);
 * ```
 */
export function circles(options?: CirclesOptions): LabeledData {
  const op = "circles";
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 100, op, "n", 0, MAX_INT32);
  const layout = o.layout ?? "rings";
  if (layout !== "rings" && layout !== "playground") {
    throw new TypeError(
      `${op}: layout must be "rings" or "playground", got ${JSON.stringify(layout)}`,
    );
  }
  const rng = resolveRng(o, op);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  if (layout === "rings") {
    const factor = checkNumber(o.factor ?? 0.8, op, "factor", 0, 1);
    if (factor === 1) throw new RangeError(`${op}: factor must be below 1, got 1`);
    const noise = checkNumber(o.noise ?? 0, op, "noise", 0);
    const nOut = Math.floor(n / 2), nIn = n - nOut;
    for (let i = 0; i < n; i++) {
      const inner = i >= nOut;
      const k = inner ? i - nOut : i, m = inner ? nIn : nOut;
      const t = (2 * Math.PI * k) / m, r = inner ? factor : 1;
      x[2 * i] = r * Math.cos(t);
      x[2 * i + 1] = r * Math.sin(t);
      y[i] = inner ? 1 : 0;
    }
    if (noise > 0) { for (let i = 0; i < x.length; i++) x[i] += rng.normal(0, noise); }
  } else {
    const noise = checkNumber(o.noise ?? 0, op, "noise", 0, 0.5);
    playground(n, noise, rng, x, y);
  }
  return { x: NDArray.fromTyped(x, [n, 2]), y: NDArray.fromTyped(y, [n]) };
}

// The Playground draws radius (not area) uniformly, then labels by the distance after noise.
function playground(
  n: number,
  noise: number,
  rng: { uniform(a: number, b: number): number },
  x: Float32Array,
  y: Int32Array,
): void {
  const radius = 5;
  const nIn = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    const inside = i < nIn;
    const r = inside ? rng.uniform(0, radius * 0.5) : rng.uniform(radius * 0.7, radius);
    const angle = rng.uniform(0, 2 * Math.PI);
    const px = r * Math.sin(angle), py = r * Math.cos(angle);
    const nx = px + rng.uniform(-radius, radius) * noise,
      ny = py + rng.uniform(-radius, radius) * noise;
    x[2 * i] = px;
    x[2 * i + 1] = py;
    y[i] = Math.hypot(nx, ny) < radius * 0.5 ? 1 : 0;
  }
}
