/**
 * Piecewise activations of PyTorch's `torch.nn`: {@link hardtanh}, {@link relu6},
 * {@link hardsigmoid}, {@link hardswish}, {@link hardshrink}, {@link softshrink} and
 * {@link threshold}, with their modules. PyTorch 2.x's values and its gradients at the kinks:
 * every boundary point belongs to the flat side (gradient 0 at hardtanh's bounds, at ±3 for
 * hardsigmoid and hardswish, at ±λ for the shrinks, at the threshold), and NaN passes through
 * with the upstream gradient (layers/fixtures/activation_fixtures.py). Built of `where` over
 * differentiable pieces, so they differentiate to any order.
 *
 * @module
 */
import { type Tensor, where } from "@nnc/autograd";
import { checkNumber } from "@nnc/tensor";
import { Module } from "./module.ts";
import { asInput } from "./_util.ts";

/**
 * `y`, except NaN where `x` is NaN (the flat pieces' constants would hide it), with the upstream
 * gradient passed to `x` there or, as PyTorch's hardsigmoid, not.
 */
function keepNaN(x: Tensor, y: Tensor, passGradient = true): Tensor {
  return where(x.data.ne(x.data), passGradient ? x : x.data, y);
}

/** The checked `[min, max]` of a hardtanh. */
function hardtanhBounds(op: string, min: number, max: number): [number, number] {
  checkNumber(min, op, "min");
  checkNumber(max, op, "max");
  if (!(min <= max)) throw new RangeError(`${op}: min ${min} is greater than max ${max}`);
  return [min, max];
}

/**
 * `x` clamped to `[min, max]` (PyTorch `F.hardtanh`, default `[−1, 1]`); the gradient is 1
 * strictly inside and 0 at and beyond the bounds (where `clamp`'s passes at the bounds).
 *
 * @example
 * ```ts
 * import { hardtanh } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const x = tensor([-2, 1, 0.5], { requiresGrad: true });
 * const y = hardtanh(x);
 * y.sum().backward();
 * console.assert(y.toArray().toString() === "-1,1,0.5" && x.grad?.toArray().toString() === "0,0,1");
 * ```
 */
export function hardtanh(x: Tensor, min = -1, max = 1): Tensor {
  const t = asInput(x, "hardtanh");
  hardtanhBounds("hardtanh", min, max);
  return keepNaN(t, where(t.data.gt(min), where(t.data.lt(max), t, max), min));
}

/**
 * `min(max(x, 0), 6)` (PyTorch `F.relu6`: hardtanh over `[0, 6]`, gradient 0 at 0 and 6).
 *
 * @example
 * ```ts
 * import { relu6 } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(relu6(tensor([-1, 3, 8])).toArray().toString() === "0,3,6");
 * ```
 */
export function relu6(x: Tensor): Tensor {
  return hardtanh(asInput(x, "relu6"), 0, 6);
}

/**
 * `clamp(x/6 + 1/2, 0, 1)` (PyTorch `F.hardsigmoid`; gradient 1/6 strictly inside (−3, 3), else 0).
 *
 * @example
 * ```ts
 * import { hardsigmoid } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(hardsigmoid(tensor([-4, 0, 3])).toArray().toString() === "0,0.5,1");
 * ```
 */
export function hardsigmoid(x: Tensor): Tensor {
  const t = asInput(x, "hardsigmoid");
  return keepNaN(t, where(t.data.gt(-3), where(t.data.lt(3), t.div(6).add(0.5), 1), 0), false);
}

/**
 * `x · hardsigmoid(x)` (Howard et al. 2019, PyTorch `F.hardswish`): 0 up to −3, `x(x + 3)/6`
 * strictly between, `x` from 3 on, with PyTorch 2.x's gradients (0 at −3, 1 at 3). At −∞ it is 0,
 * the limit, where PyTorch computes −∞·0 = NaN.
 *
 * @example
 * ```ts
 * import { hardswish } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(hardswish(tensor([-3, 0, 1, 5])).toArray().toString() === "0,0,0.6666666865348816,5");
 * ```
 */
export function hardswish(x: Tensor): Tensor {
  const t = asInput(x, "hardswish");
  const above = t.data.gt(-3), inside = above.mul(t.data.lt(3));
  // The quadratic piece sees 0 outside (−3, 3): its gradient there, 0·(2x + 3)/6, would be NaN at
  // x = ±∞ or NaN.
  const u = where(inside, t, 0);
  return keepNaN(t, where(above, where(inside, u.mul(u.add(3)).div(6), t), 0));
}

/**
 * `x` where `|x| > λ`, else 0 (PyTorch `F.hardshrink`, default λ = 0.5).
 *
 * @example
 * ```ts
 * import { hardshrink } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(hardshrink(tensor([-1, 0.25, 0.5, 2])).toArray().toString() === "-1,0,0,2");
 * ```
 */
export function hardshrink(x: Tensor, lambda = 0.5): Tensor {
  const t = asInput(x, "hardshrink");
  checkNumber(lambda, "hardshrink", "lambda");
  return keepNaN(t, where(t.data.abs().gt(lambda), t, 0));
}

/**
 * Soft thresholding: `x − λ` above λ, `x + λ` below −λ, else 0 (PyTorch `F.softshrink`, default
 * λ = 0.5, λ ≥ 0; the proximal map of `λ|x|`).
 *
 * @example
 * ```ts
 * import { softshrink } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(softshrink(tensor([-2, 0.25, 1.5])).toArray().toString() === "-1.5,0,1");
 * ```
 */
export function softshrink(x: Tensor, lambda = 0.5): Tensor {
  const t = asInput(x, "softshrink");
  checkNumber(lambda, "softshrink", "lambda", 0);
  const inner = where(t.data.lt(-lambda), t.add(lambda), 0);
  return keepNaN(t, where(t.data.gt(lambda), t.sub(lambda), inner));
}

/**
 * `x` where `x > threshold`, else `value` (PyTorch `F.threshold`).
 *
 * @example
 * ```ts
 * import { threshold } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(threshold(tensor([0.1, 0.5, 2]), 0.5, -1).toArray().toString() === "-1,-1,2");
 * ```
 */
export function threshold(x: Tensor, threshold: number, value: number): Tensor {
  const t = asInput(x, "threshold");
  checkNumber(threshold, "threshold", "threshold");
  checkNumber(value, "threshold", "value");
  return keepNaN(t, where(t.data.gt(threshold), t, value));
}

/**
 * {@link hardtanh} as a module (PyTorch `nn.Hardtanh`, default `[−1, 1]`).
 *
 * @example
 * ```ts
 * import { Hardtanh } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Hardtanh(-2, 2).forward(tensor([-3, 1])).toArray().toString() === "-2,1");
 * ```
 */
export class Hardtanh extends Module<[Tensor], Tensor> {
  /** Lower bound. */
  readonly min: number;
  /** Upper bound. */
  readonly max: number;
  /** A hardtanh over `[min, max]`. */
  constructor(min = -1, max = 1) {
    super();
    [this.min, this.max] = hardtanhBounds("Hardtanh", min, max);
  }
  /** `clamp(x, min, max)`. */
  forward(x: Tensor): Tensor {
    return hardtanh(asInput(x, "Hardtanh"), this.min, this.max);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `min=${this.min}, max=${this.max}`;
  }
}

/**
 * {@link relu6} as a module (PyTorch `nn.ReLU6`).
 *
 * @example
 * ```ts
 * import { ReLU6 } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new ReLU6().forward(tensor([7])).item() === 6);
 * ```
 */
export class ReLU6 extends Module<[Tensor], Tensor> {
  /** `min(max(x, 0), 6)`. */
  forward(x: Tensor): Tensor {
    return relu6(asInput(x, "ReLU6"));
  }
}

/**
 * {@link hardsigmoid} as a module (PyTorch `nn.Hardsigmoid`).
 *
 * @example
 * ```ts
 * import { Hardsigmoid } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Hardsigmoid().forward(tensor([0])).item() === 0.5);
 * ```
 */
export class Hardsigmoid extends Module<[Tensor], Tensor> {
  /** `clamp(x/6 + 1/2, 0, 1)`. */
  forward(x: Tensor): Tensor {
    return hardsigmoid(asInput(x, "Hardsigmoid"));
  }
}

/**
 * {@link hardswish} as a module (PyTorch `nn.Hardswish`).
 *
 * @example
 * ```ts
 * import { Hardswish } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Hardswish().forward(tensor([4])).item() === 4);
 * ```
 */
export class Hardswish extends Module<[Tensor], Tensor> {
  /** `x · hardsigmoid(x)`. */
  forward(x: Tensor): Tensor {
    return hardswish(asInput(x, "Hardswish"));
  }
}

/**
 * {@link hardshrink} as a module (PyTorch `nn.Hardshrink`, default λ = 0.5).
 *
 * @example
 * ```ts
 * import { Hardshrink } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Hardshrink(1).forward(tensor([0.5, 2])).toArray().toString() === "0,2");
 * ```
 */
export class Hardshrink extends Module<[Tensor], Tensor> {
  /** The half-width λ of the zeroed band. */
  readonly lambda: number;
  /** A hard shrink with threshold λ. */
  constructor(lambda = 0.5) {
    super();
    this.lambda = checkNumber(lambda, "Hardshrink", "lambda");
  }
  /** `|x| > λ ? x : 0`. */
  forward(x: Tensor): Tensor {
    return hardshrink(asInput(x, "Hardshrink"), this.lambda);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `lambda=${this.lambda}`;
  }
}

/**
 * {@link softshrink} as a module (PyTorch `nn.Softshrink`, default λ = 0.5).
 *
 * @example
 * ```ts
 * import { Softshrink } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Softshrink(1).forward(tensor([0.5, 3])).toArray().toString() === "0,2");
 * ```
 */
export class Softshrink extends Module<[Tensor], Tensor> {
  /** The half-width λ ≥ 0 of the zeroed band. */
  readonly lambda: number;
  /** A soft shrink with threshold λ. */
  constructor(lambda = 0.5) {
    super();
    this.lambda = checkNumber(lambda, "Softshrink", "lambda", 0);
  }
  /** `sign(x) · max(|x| − λ, 0)`. */
  forward(x: Tensor): Tensor {
    return softshrink(asInput(x, "Softshrink"), this.lambda);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `lambda=${this.lambda}`;
  }
}

/**
 * {@link threshold} as a module (PyTorch `nn.Threshold(threshold, value)`).
 *
 * @example
 * ```ts
 * import { Threshold } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Threshold(1, 0).forward(tensor([1, 2])).toArray().toString() === "0,2");
 * ```
 */
export class Threshold extends Module<[Tensor], Tensor> {
  /** Inputs at or below this are replaced. */
  readonly threshold: number;
  /** The replacement. */
  readonly value: number;
  /** Replaces inputs `≤ threshold` by `value`. */
  constructor(threshold: number, value: number) {
    super();
    this.threshold = checkNumber(threshold, "Threshold", "threshold");
    this.value = checkNumber(value, "Threshold", "value");
  }
  /** `x > threshold ? x : value`. */
  forward(x: Tensor): Tensor {
    return threshold(asInput(x, "Threshold"), this.threshold, this.value);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `threshold=${this.threshold}, value=${this.value}`;
  }
}
