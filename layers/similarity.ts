/**
 * Similarities and distances between vectors: {@link cosineSimilarity} and
 * {@link pairwiseDistance}, and their modules {@link CosineSimilarity} and
 * {@link PairwiseDistance} (PyTorch's `F.cosine_similarity`, `F.pairwise_distance`).
 *
 * @module
 */
import {
  broadcastShapes,
  checkBool,
  checkNumber,
  checkOptions,
  describe,
  normalizeAxis,
} from "@nnc/tensor";
import { expand, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { asInput } from "./_util.ts";

/**
 * Options of {@link cosineSimilarity} and {@link CosineSimilarity}.
 *
 * @example
 * ```ts
 * import type { CosineSimilarityOptions } from "@nnc/layers";
 * const o: CosineSimilarityOptions = { dim: -1, eps: 1e-6 };
 * ```
 */
export interface CosineSimilarityOptions {
  /** The dimension the vectors lie along, in the broadcast shape. Default 1. */
  dim?: number;
  /** Smallest norm divided by: shorter vectors count as having this norm. Default 1e-8. */
  eps?: number;
}

/** Both inputs broadcast to their common shape. */
function broadcastPair(x1: Tensor, x2: Tensor, op: string): [Tensor, Tensor] {
  const a = asInput(x1, op, "x1"), b = asInput(x2, op, "x2");
  const shape = broadcastShapes(a.shape, b.shape, op);
  return [expand(a, shape), expand(b, shape)];
}

/** `x` divided by its norm along `axis`, the norm held at least `eps` (no infinite gradient at 0). */
function unit(x: Tensor, axis: number, eps: number): Tensor {
  return x.div(x.square().sum({ axis, keepDims: true }).clamp(eps * eps).sqrt());
}

/**
 * Cosine of the angle between `x1` and `x2` along `dim` (PyTorch 2.x's `F.cosine_similarity`):
 * `Σ (x1 / max(‖x1‖, eps)) (x2 / max(‖x2‖, eps))`. The inputs broadcast; `dim` is dropped.
 *
 * @example
 * ```ts
 * import { cosineSimilarity } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const a = tensor([[1, 0], [1, 1]]), b = tensor([[0, 2], [2, 2]]);
 * const [orthogonal, parallel] = cosineSimilarity(a, b).toArray() as number[];
 * console.assert(orthogonal === 0 && Math.abs(parallel - 1) < 1e-6);
 * ```
 */
export function cosineSimilarity(
  x1: Tensor,
  x2: Tensor,
  options: CosineSimilarityOptions = {},
): Tensor {
  const op = "cosineSimilarity";
  checkOptions(options, op);
  const [a, b] = broadcastPair(x1, x2, op);
  const axis = normalizeAxis(options.dim ?? 1, a.ndim, op);
  const eps = checkNumber(options.eps ?? 1e-8, op, "eps", 0);
  return unit(a, axis, eps).mul(unit(b, axis, eps)).sum({ axis });
}

/**
 * Options of {@link pairwiseDistance} and {@link PairwiseDistance}.
 *
 * @example
 * ```ts
 * import type { PairwiseDistanceOptions } from "@nnc/layers";
 * const o: PairwiseDistanceOptions = { p: 1, keepDim: true };
 * ```
 */
export interface PairwiseDistanceOptions {
  /** The norm's order p > 0 (`Infinity`: the largest absolute difference). Default 2. */
  p?: number;
  /** Added to every difference (keeps the gradient finite where two vectors agree). Default 1e-6. */
  eps?: number;
  /** Keep the last dimension, of size 1. Default false. */
  keepDim?: boolean;
}

/**
 * The p-norm distance between corresponding vectors of `x1` and `x2` along the last dimension
 * (PyTorch's `F.pairwise_distance`): `‖x1 − x2 + eps‖_p`. The inputs broadcast.
 *
 * @example
 * ```ts
 * import { pairwiseDistance } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const d = pairwiseDistance(tensor([[0, 0], [1, 1]]), tensor([[3, 4], [1, 1]]), { eps: 0 });
 * console.assert(d.toArray().toString() === "5,0");
 * ```
 */
export function pairwiseDistance(
  x1: Tensor,
  x2: Tensor,
  options: PairwiseDistanceOptions = {},
): Tensor {
  const op = "pairwiseDistance";
  checkOptions(options, op);
  const [a, b] = broadcastPair(x1, x2, op);
  if (a.ndim === 0) {
    throw new RangeError(`${op}: x1 and x2 must have at least one dimension, got scalars`);
  }
  const p = options.p ?? 2;
  if (typeof p !== "number" || !(p > 0)) {
    throw new RangeError(`${op}: p must be a number > 0 (or Infinity), got ${describe(p)}`);
  }
  const eps = checkNumber(options.eps ?? 1e-6, op, "eps");
  const keepDims = checkBool(options.keepDim ?? false, op, "keepDim");
  const axis = a.ndim - 1;
  const d = a.sub(b).add(eps).abs();
  if (p === Infinity) return d.max({ axis, keepDims });
  if (p === 2) return d.square().sum({ axis, keepDims }).sqrt();
  if (p === 1) return d.sum({ axis, keepDims });
  return d.pow(p).sum({ axis, keepDims }).pow(1 / p);
}

/**
 * {@link cosineSimilarity} as a module (PyTorch `nn.CosineSimilarity`).
 *
 * @example
 * ```ts
 * import { CosineSimilarity } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const cos = new CosineSimilarity({ dim: -1 });
 * console.assert(cos.forward(tensor([3, 4]), tensor([6, 8])).item() === 1);
 * ```
 */
export class CosineSimilarity extends Module<[Tensor, Tensor], Tensor> {
  /** The dimension the vectors lie along. */
  readonly dim: number;
  /** Smallest norm divided by. */
  readonly eps: number;

  /** Checks the options. */
  constructor(options: CosineSimilarityOptions = {}) {
    super();
    checkOptions(options, "CosineSimilarity");
    const dim = options.dim ?? 1;
    if (!Number.isInteger(dim)) {
      throw new TypeError(`CosineSimilarity: dim must be an integer, got ${describe(dim)}`);
    }
    this.dim = dim;
    this.eps = checkNumber(options.eps ?? 1e-8, "CosineSimilarity", "eps", 0);
  }

  /** The cosine similarity of `x1` and `x2` along `dim`. */
  forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, { dim: this.dim, eps: this.eps });
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `dim=${this.dim}, eps=${this.eps}`;
  }
}

/**
 * {@link pairwiseDistance} as a module (PyTorch `nn.PairwiseDistance`).
 *
 * @example
 * ```ts
 * import { PairwiseDistance } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const dist = new PairwiseDistance({ p: 1, eps: 0 });
 * console.assert(dist.forward(tensor([[1, 2]]), tensor([[4, 6]])).toArray().toString() === "7");
 * ```
 */
export class PairwiseDistance extends Module<[Tensor, Tensor], Tensor> {
  /** The norm's order. */
  readonly p: number;
  /** Added to every difference. */
  readonly eps: number;
  /** Whether the last dimension is kept. */
  readonly keepDim: boolean;

  /** Checks the options. */
  constructor(options: PairwiseDistanceOptions = {}) {
    super();
    checkOptions(options, "PairwiseDistance");
    const p = options.p ?? 2;
    if (typeof p !== "number" || !(p > 0)) {
      throw new RangeError(
        `PairwiseDistance: p must be a number > 0 (or Infinity), got ${describe(p)}`,
      );
    }
    this.p = p;
    this.eps = checkNumber(options.eps ?? 1e-6, "PairwiseDistance", "eps");
    this.keepDim = checkBool(options.keepDim ?? false, "PairwiseDistance", "keepDim");
  }

  /** The distances between corresponding vectors of `x1` and `x2`. */
  forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, { p: this.p, eps: this.eps, keepDim: this.keepDim });
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `p=${this.p}, eps=${this.eps}, keepDim=${this.keepDim}`;
  }
}
