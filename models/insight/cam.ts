/**
 * Class activation maps: {@link classActivationMap}, the notes' formula on given feature maps
 * (000:L1731–1756); {@link cam} for a network with a global-average-pooling head; {@link gradCam}
 * (Selvaraju et al. 2017) for any convolutional `Sequential`.
 *
 * @module
 */
import {
  asNDArray,
  checkBool,
  checkInt,
  checkOneOf,
  checkOptions,
  describe,
  fmtShape,
  NDArray,
} from "@nnc/tensor";
import { gradients, noGrad, Tensor } from "@nnc/autograd";
import {
  AdaptiveAvgPool2d,
  type AnyModule,
  Flatten,
  interpolate,
  Linear,
  type Module,
  Sequential,
} from "@nnc/layers";
import { inputBatch, valuesOf, withFrozenParameters } from "../_common/input_gradients.ts";
import { targetClasses } from "./_targets.ts";

/**
 * Options of {@link classActivationMap}.
 *
 * @example
 * ```ts
 * import type { ClassActivationMapOptions } from "@nnc/models/insight";
 * const gap: ClassActivationMapOptions = { pooling: "mean" };
 * ```
 */
export interface ClassActivationMapOptions {
  /**
   * How the head pools each feature map: `"sum"` (the notes' `F_k = Σ_{x,y} f_k(x, y)`, default)
   * or `"mean"` (global average pooling).
   */
  pooling?: "sum" | "mean";
}

/**
 * What {@link classActivationMap} returns.
 *
 * @example
 * ```ts
 * import type { ClassActivationMapResult } from "@nnc/models/insight";
 * const first = (r: ClassActivationMapResult) => r.maps.get(0, 0, 0);
 * console.assert(typeof first === "function");
 * ```
 */
export interface ClassActivationMapResult {
  /** `M_c(x, y) = Σ_k w_k^c f_k(x, y)`, `[N, H, W]`. */
  maps: NDArray;
  /** The pooled features `F_k`, `[N, K]`. */
  pooled: NDArray;
  /** `S_c = Σ_k w_k^c F_k` per input (no bias). */
  scores: Float64Array;
}

/**
 * The class activation map of class c from feature maps `f` (`[K, H, W]` or `[N, K, H, W]`) and the
 * head's weights `w` `[C, K]`: `M_c = Σ_k w_k^c f_k`, with `S_c = Σ_k w_k^c F_k`. With sum pooling
 * `S_c = Σ_{x,y} M_c(x, y)` exactly; with mean pooling `S_c` is the mean of `M_c`.
 *
 * @example
 * ```ts
 * import { classActivationMap } from "@nnc/models/insight";
 * import { array } from "@nnc/tensor";
 * const f = array([[[1, 0], [0, 0]], [[0, 1], [1, 1]]], { dtype: "float64" });
 * const r = classActivationMap(f, array([[2, -1]], { dtype: "float64" }), 0);
 * console.assert(r.maps.toArray().toString() === "2,-1,-1,-1" && r.scores[0] === -1);
 * ```
 */
export function classActivationMap(
  features: NDArray | Tensor,
  weight: NDArray | Tensor,
  target: number | readonly number[],
  options: ClassActivationMapOptions = {},
): ClassActivationMapResult {
  const op = "classActivationMap";
  const o = checkOptions(options, op);
  const pooling = checkOneOf(o.pooling ?? "sum", op, "pooling", ["sum", "mean"] as const);
  let f = asNDArray(features, op, "features");
  if (f.ndim === 3) f = f.reshape([1, ...f.shape]);
  if (f.ndim !== 4) {
    throw new RangeError(
      `${op}: features must be [K, H, W] or [N, K, H, W], got ${fmtShape(f.shape)}`,
    );
  }
  const [n, k, h, w] = f.shape;
  const wt = asNDArray(weight, op, "weight");
  if (wt.ndim !== 2 || wt.shape[1] !== k) {
    throw new RangeError(
      `${op}: weight must be [C, ${k}] for ${k} feature maps, got ${fmtShape(wt.shape)}`,
    );
  }
  const classes = typeof target === "number" ? new Array<number>(n).fill(target) : [...target];
  if (
    classes.length !== n || !classes.every((c) => Number.isInteger(c) && c >= 0 && c < wt.shape[0])
  ) {
    throw new RangeError(
      `${op}: target must be a class index in [0, ${wt.shape[0]}) or one per input (${n}), got ${
        describe(target)
      }`,
    );
  }
  const rows = wt.astype(f.dtype).indexSelect(0, classes).reshape([n, k, 1]); // [N, K, 1]
  const maps = f.reshape([n, k, h * w]).mul(rows).sum({ axis: 1 }).reshape([n, h, w]);
  const pooled = pooling === "sum"
    ? f.reshape([n, k, h * w]).sum({ axis: 2 })
    : f.reshape([n, k, h * w]).mean({ axis: 2 });
  const scores = Float64Array.from(valuesOf(pooled.mul(rows.reshape([n, k])).sum({ axis: 1 })));
  return { maps, pooled, scores };
}

/**
 * Options of {@link cam} and {@link gradCam}.
 *
 * @example
 * ```ts
 * import type { CamOptions } from "@nnc/models/insight";
 * const o: CamOptions = { target: 2, upsample: true };
 * ```
 */
export interface CamOptions {
  /** The class to explain: one index, one per input, or (default) the predicted class. */
  target?: number | readonly number[] | NDArray;
  /** Also return the maps resized (bilinear) to the input's height and width. Default false. */
  upsample?: boolean;
}

/**
 * Options of {@link gradCam}.
 *
 * @example
 * ```ts
 * import type { GradCamOptions } from "@nnc/models/insight";
 * const secondConvBlock: GradCamOptions = { layer: 4 };
 * ```
 */
export interface GradCamOptions extends CamOptions {
  /** Index of the child of the `Sequential` whose output `[N, K, h, w]` is explained. Required. */
  layer: number;
}

/**
 * What {@link cam} and {@link gradCam} return.
 *
 * @example
 * ```ts
 * import type { CamResult } from "@nnc/models/insight";
 * const size = (r: CamResult) => r.maps.shape.slice(1);
 * console.assert(typeof size === "function");
 * ```
 */
export interface CamResult {
  /** The maps at the resolution of the feature maps, `[N, h, w]`. */
  maps: NDArray;
  /** With `upsample`: the maps at the input's resolution, `[N, H, W]`. */
  upsampled?: NDArray;
  /** The explained class of each input. */
  classes: Int32Array;
  /** The network's score of that class for each input. */
  scores: Float64Array;
}

function children(net: unknown, op: string): AnyModule[] {
  if (!(net instanceof Sequential)) {
    throw new TypeError(`${op}: net must be a Sequential, got ${describe(net)}`);
  }
  return net.children();
}

function run(mods: readonly AnyModule[], x: Tensor): Tensor {
  let y = x;
  for (const m of mods) y = (m as unknown as Module<[Tensor], Tensor>).forward(y);
  return y;
}

function finish(
  maps: NDArray,
  x: NDArray,
  classes: Int32Array,
  scores: Float64Array,
  upsample: boolean,
): CamResult {
  const r: CamResult = { maps, classes, scores };
  if (upsample) {
    const size = x.shape.slice(-2);
    r.upsampled = interpolate(
      new Tensor(maps.reshape([maps.shape[0], 1, ...maps.shape.slice(1)])),
      {
        size,
        mode: "bilinear",
        alignCorners: false,
      },
    ).data.reshape([maps.shape[0], ...size]);
  }
  return r;
}

function scoresFor(logits: NDArray, classes: Int32Array): Float64Array {
  const v = valuesOf(logits), c = logits.shape[1];
  return Float64Array.from(classes, (k, i) => v[i * c + k]);
}

/**
 * The class activation maps of a network whose head is global average pooling then one linear
 * layer: a `Sequential` ending with `AdaptiveAvgPool2d(1)`, an optional `Flatten` and a `Linear`.
 * The maps are `M_c = Σ_k w_k^c f_k` over the feature maps f entering the pooling, so that the
 * class score is `mean(M_c) + b_c`.
 *
 * @example
 * ```ts
 * import { cam } from "@nnc/models/insight";
 * import { AdaptiveAvgPool2d, Conv2d, Flatten, Linear, ReLU, Sequential } from "@nnc/layers";
 * import { rand, Rng } from "@nnc/tensor";
 * const rng = new Rng(0);
 * const net = new Sequential(new Conv2d(1, 4, 3, { rng }), new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(4, 3, { rng }));
 * const r = cam(net, rand([2, 1, 8, 8], { rng }), { upsample: true });
 * console.assert(r.maps.shape.join() === "2,6,6" && r.upsampled!.shape.join() === "2,8,8");
 * ```
 */
export function cam(net: Sequential, x: Tensor | NDArray, options: CamOptions = {}): CamResult {
  const op = "cam";
  const o = checkOptions(options, op);
  const upsample = checkBool(o.upsample ?? false, op, "upsample");
  const mods = children(net, op);
  const head = mods[mods.length - 1];
  let p = mods.length - 2;
  if (p >= 0 && mods[p] instanceof Flatten) p--;
  const pool = mods[p];
  if (
    !(head instanceof Linear) || !(pool instanceof AdaptiveAvgPool2d) ||
    pool.outputSize.some((s) => s !== 1)
  ) {
    throw new TypeError(
      `${op}: net must end with AdaptiveAvgPool2d(1), [Flatten,] Linear (a global-average-pooling head); use gradCam for other networks`,
    );
  }
  const xs = inputBatch(x, op);
  const feats = noGrad(() => run(mods.slice(0, p), new Tensor(xs))).data;
  const logits = noGrad(() => run(mods.slice(p), new Tensor(feats))).data;
  const forward = (t: Tensor) => run(mods, t);
  const classes = targetClasses(o.target, forward, xs, op);
  const { maps } = classActivationMap(feats, head.weight.data, Array.from(classes), {
    pooling: "mean",
  });
  return finish(maps, xs, classes, scoresFor(logits, classes), upsample);
}

/**
 * Grad-CAM: with A the output `[N, K, h, w]` of child `layer` of the `Sequential` and y_c the
 * class score, the weights `α_k = mean_{i,j} ∂y_c/∂A_k(i, j)` give the map
 * `ReLU(Σ_k α_k A_k)`. For a global-average-pooling head and the features entering the pooling,
 * this is `ReLU(M_c)/(h·w)` of {@link cam}.
 *
 * @example
 * ```ts
 * import { gradCam } from "@nnc/models/insight";
 * import { convNet } from "@nnc/models/cnn";
 * import { rand, Rng } from "@nnc/tensor";
 * const net = convNet({ channels: [4, 8], hidden: [16], rng: new Rng(0) });
 * const r = gradCam(net, rand([2, 1, 28, 28], { rng: new Rng(1) }), { layer: 4, upsample: true });
 * console.assert(r.maps.shape.join() === "2,14,14" && r.maps.min().item() >= 0);
 * ```
 */
export function gradCam(net: Sequential, x: Tensor | NDArray, options: GradCamOptions): CamResult {
  const op = "gradCam";
  const o = checkOptions(options, op);
  const upsample = checkBool(o.upsample ?? false, op, "upsample");
  const mods = children(net, op);
  if (o.layer === undefined) throw new TypeError(`${op}: layer is required`);
  let layer = checkInt(o.layer, op, "layer", -mods.length, mods.length - 2);
  if (layer < 0) layer += mods.length;
  const xs = inputBatch(x, op);
  const forward = (t: Tensor) => run(mods, t);
  const classes = targetClasses(o.target, forward, xs, op);
  return withFrozenParameters(net, () => {
    const a = noGrad(() => run(mods.slice(0, layer + 1), new Tensor(xs))).data;
    if (a.ndim !== 4) {
      throw new RangeError(
        `${op}: the output of layer ${layer} must be feature maps [N, K, h, w], got ${
          fmtShape(a.shape)
        }`,
      );
    }
    const at = new Tensor(a, { requiresGrad: true });
    const logits = run(mods.slice(layer + 1), at);
    const n = xs.shape[0], c = logits.shape[1];
    const seed = new Float64Array(n * c);
    classes.forEach((k, i) => (seed[i * c + k] = 1));
    const [g] = gradients(logits, at, {
      gradOutputs: new Tensor(NDArray.fromTyped(seed, [n, c]).astype(logits.dtype)),
      allowUnused: true,
    });
    const [, k, h, w] = a.shape;
    const grad = g === null ? a.mul(0) : g.data;
    const alpha = grad.reshape([n, k, h * w]).mean({ axis: 2, keepDims: true }); // [N, K, 1]
    const maps = a.reshape([n, k, h * w]).mul(alpha).sum({ axis: 1 }).relu().reshape([n, h, w]);
    return finish(maps, xs, classes, scoresFor(logits.data, classes), upsample);
  });
}
