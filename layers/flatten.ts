/**
 * {@link Flatten} and {@link Unflatten}: reshaping layers.
 *
 * @module
 */
import type { Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { asInput, shapeError } from "./_util.ts";
import { describe, fmtShape } from "@nnc/tensor";

function resolveDim(dim: number, ndim: number, label: string, shape: readonly number[]): number {
  const d = dim < 0 ? dim + ndim : dim;
  if (d < 0 || d >= ndim) {
    throw shapeError(label, `at least ${dim < 0 ? -dim : dim + 1} dimensions`, shape);
  }
  return d;
}

/**
 * Flattens dimensions `startDim..endDim` into one (PyTorch `nn.Flatten`; defaults 1 and −1, which
 * keeps the batch dimension).
 *
 * @example
 * ```ts
 * import { Flatten } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * console.assert(new Flatten().forward(zeros([8, 3, 4, 4])).shape.join() === "8,48");
 * ```
 */
export class Flatten extends Module<[Tensor], Tensor> {
  /** First dimension flattened. */
  readonly startDim: number;
  /** Last dimension flattened (inclusive). */
  readonly endDim: number;

  /** Flattens `startDim..endDim`. */
  constructor(startDim = 1, endDim = -1) {
    super();
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) {
      throw new TypeError(
        `Flatten: startDim and endDim must be integers, got ${describe(startDim)} and ${
          describe(endDim)
        }`,
      );
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /** Reshapes `x` (a view when contiguous). */
  forward(x: Tensor): Tensor {
    const label = `Flatten(${this.startDim}, ${this.endDim})`;
    const t = asInput(x, label);
    if (t.ndim === 0) return t.reshape(1);
    const s = resolveDim(this.startDim, t.ndim, label, t.shape),
      e = resolveDim(this.endDim, t.ndim, label, t.shape);
    if (s > e) {
      throw new RangeError(`${label}: startDim comes after endDim for input ${fmtShape(t.shape)}`);
    }
    return t.flatten(s, e);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/**
 * Splits dimension `dim` into `sizes` (PyTorch `nn.Unflatten`); one size may be −1.
 *
 * @example
 * ```ts
 * import { Unflatten } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * console.assert(new Unflatten(1, [1, 28, 28]).forward(zeros([8, 784])).shape.join() === "8,1,28,28");
 * ```
 */
export class Unflatten extends Module<[Tensor], Tensor> {
  /** The dimension split. */
  readonly dim: number;
  /** Its new sizes. */
  readonly sizes: readonly number[];

  /** Splits `dim` into `sizes`. */
  constructor(dim: number, sizes: readonly number[]) {
    super();
    if (!Number.isInteger(dim)) {
      throw new TypeError(`Unflatten: dim must be an integer, got ${describe(dim)}`);
    }
    if (
      !Array.isArray(sizes) || sizes.length === 0 ||
      sizes.some((s) => !Number.isInteger(s) || (s < 1 && s !== -1)) ||
      sizes.filter((s) => s === -1).length > 1
    ) {
      throw new RangeError(
        `Unflatten: sizes must be positive integers (at most one -1), got ${describe(sizes)}`,
      );
    }
    this.dim = dim;
    this.sizes = [...sizes];
  }

  /** Reshapes `x`. */
  forward(x: Tensor): Tensor {
    const label = `Unflatten(${this.dim}, ${fmtShape(this.sizes)})`;
    const t = asInput(x, label);
    const d = resolveDim(this.dim, t.ndim, label, t.shape);
    const known = this.sizes.filter((s) => s !== -1).reduce((p, s) => p * s, 1);
    const n = t.shape[d];
    if (this.sizes.includes(-1) ? n % known !== 0 : n !== known) {
      throw shapeError(
        label,
        `a dimension ${d} of size ${this.sizes.includes(-1) ? `divisible by ${known}` : known}`,
        t.shape,
      );
    }
    const sizes = this.sizes.map((s) => (s === -1 ? n / known : s));
    return t.reshape([...t.shape.slice(0, d), ...sizes, ...t.shape.slice(d + 1)]);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `dim=${this.dim}, sizes=${fmtShape(this.sizes)}`;
  }
}
