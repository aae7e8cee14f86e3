/**
 * Activations with a second operand: the gated linear unit {@link glu} (one half of the input
 * gates the other) and the parametric ReLU {@link prelu} (a learned slope per channel), with
 * their modules {@link GLU} and {@link PReLU}. Values and gradients are PyTorch 2.x's
 * (layers/fixtures/activation_fixtures.py).
 *
 * @module
 */
import { chunk, type Tensor, where } from "@nnc/autograd";
import { checkFloatDType, checkInt, checkNumber, checkOptions, describe, full } from "@nnc/tensor";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { asInput, checkAllocation } from "./_util.ts";

/**
 * Gated linear unit (Dauphin et al. 2017): the input split in two halves `a`, `b` along `axis`
 * (default the last, of even size), `a · σ(b)` (PyTorch `F.glu(x, dim)`).
 *
 * @example
 * ```ts
 * import { glu } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = glu(tensor([[2, 4, 0, 0]]));
 * console.assert(y.toArray().toString() === "1,2");
 * ```
 */
export function glu(x: Tensor, axis = -1): Tensor {
  const t = asInput(x, "glu");
  if (!Number.isInteger(axis)) {
    throw new TypeError(`glu: axis must be an integer, got ${describe(axis)}`);
  }
  if (axis < -t.ndim || axis >= t.ndim) {
    throw new RangeError(`glu: axis ${axis} is out of range for a ${t.ndim}-d input`);
  }
  const size = t.shape[axis < 0 ? axis + t.ndim : axis];
  if (size % 2 !== 0) {
    throw new RangeError(`glu: the size along axis ${axis} must be even, got ${size}`);
  }
  const [a, b] = chunk(t, 2, axis);
  return a.mul(b.sigmoid());
}

/**
 * Parametric ReLU (He et al. 2015): `x > 0 ? x : w·x`, `w` one slope (a 1-element `weight`) or
 * one per channel (the input's axis 1; PyTorch `F.prelu`). The gradient at 0 is `w`, as
 * PyTorch's.
 *
 * @example
 * ```ts
 * import { prelu } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = prelu(tensor([[-2, -2], [3, -4]]), tensor([0.5, 0.25]));
 * console.assert(y.toArray().toString() === "-1,-0.5,3,-1");
 * ```
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const t = asInput(x, "prelu");
  const w = asInput(weight, "prelu", "weight");
  if (w.ndim !== 1) {
    throw new RangeError(`prelu: weight must be 1-d, got shape [${w.shape}]`);
  }
  const n = w.shape[0];
  if (n !== 1 && (t.ndim < 2 || t.shape[1] !== n)) {
    throw new RangeError(
      `prelu: ${n} slopes need an input with ${n} channels on axis 1, got shape [${t.shape}]`,
    );
  }
  // One slope per channel: [C, 1, …, 1] broadcasts over axis 1 and the axes after it.
  const slopes = n === 1 ? w : w.reshape([n, ...Array(t.ndim - 2).fill(1)]);
  return where(t.data.gt(0), t, t.mul(slopes));
}

/**
 * {@link glu} as a module (PyTorch `nn.GLU(dim)`; default the last axis).
 *
 * @example
 * ```ts
 * import { GLU } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * console.assert(new GLU().forward(zeros([3, 8])).shape.join() === "3,4");
 * ```
 */
export class GLU extends Module<[Tensor], Tensor> {
  /** The axis split in halves. */
  readonly axis: number;
  /** A GLU splitting `axis`. */
  constructor(axis = -1) {
    super();
    if (!Number.isInteger(axis)) {
      throw new TypeError(`GLU: axis must be an integer, got ${describe(axis)}`);
    }
    this.axis = axis;
  }
  /** `a · σ(b)`. */
  forward(x: Tensor): Tensor {
    return glu(asInput(x, "GLU"), this.axis);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/**
 * Options of {@link PReLU}.
 *
 * @example
 * ```ts
 * import type { PReLUOptions } from "@nnc/layers";
 * const o: PReLUOptions = { init: 0.1, dtype: "float64" };
 * ```
 */
export interface PReLUOptions {
  /** The slopes' initial value (default 0.25, as PyTorch). */
  init?: number;
  /** Parameter dtype, float32 (default) or float64. */
  dtype?: "float32" | "float64";
}

/**
 * {@link prelu} with a learned `weight` of `numParameters` slopes (PyTorch `nn.PReLU`: 1, or the
 * input's channel count; each initialised to 0.25).
 *
 * @example
 * ```ts
 * import { PReLU } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const m = new PReLU();
 * console.assert(m.forward(tensor([-4, 2])).toArray().toString() === "-1,2");
 * ```
 */
export class PReLU extends Module<[Tensor], Tensor> {
  /** Number of slopes (PyTorch's `num_parameters`; `numParameters()` counts all parameters, as on every module). */
  readonly numSlopes: number;
  /** The slopes, `[numParameters]`. */
  weight: Parameter;
  /** `numParameters` slopes, each `init`. */
  constructor(numParameters = 1, options: PReLUOptions = {}) {
    super();
    checkOptions(options, "PReLU");
    this.numSlopes = checkInt(numParameters, "PReLU", "numParameters", 1);
    const init = checkNumber(options.init ?? 0.25, "PReLU", "init");
    const dtype = checkFloatDType(options.dtype ?? "float32", "PReLU");
    this.weight = new Parameter(
      full(checkAllocation([this.numSlopes], "PReLU", "weight"), init, { dtype }),
    );
  }
  /** `x > 0 ? x : w·x`. */
  forward(x: Tensor): Tensor {
    return prelu(asInput(x, "PReLU"), this.weight);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `numSlopes=${this.numSlopes}`;
  }
}
