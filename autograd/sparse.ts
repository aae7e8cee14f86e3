/**
 * Differentiable sparse and segment ops, the primitives of graph networks: {@link spmm} (sparse ×
 * dense, differentiable in the dense operand and in the sparse values, i.e. the edge weights),
 * {@link sddmm} (per-edge dot products), {@link gatherRows} (`x[index]`), {@link segmentReduce}
 * (sum, mean, max, min by segment) and {@link segmentSoftmax} (softmax over each node's edges).
 * All have reverse- and forward-mode derivatives, themselves differentiable.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { CsrMatrix, type NDArray, type SegmentReduction } from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import {
  GATHER_ROWS,
  SDDMM,
  SEGMENT_ARG,
  SEGMENT_SOFTMAX,
  SEGMENT_SUM,
  SPMM,
  SPMM_LINEAR,
} from "./_prim_sparse.ts";
import { astype } from "./elementwise.ts";

function checkMatrix(a: unknown, op: string): asserts a is CsrMatrix {
  if (!(a instanceof CsrMatrix)) {
    throw new TypeError(`${op}: a must be a CsrMatrix, got ${nd.describe(a)}`);
  }
}

/** A checked int32 index with one entry per row (`rows`), each in `0..n-1`. */
function segmentIndex(
  index: NDArray | Tensor | readonly number[],
  rows: number,
  n: number,
  op: string,
  what = `0..${n - 1} (${n} segments)`,
): NDArray {
  const raw = index instanceof Tensor ? index.data : index;
  const idx = nd.checkIndexList(raw, n, op, "index", what);
  if (rows >= 0 && idx.size !== rows) {
    throw new RangeError(`${op}: index has ${idx.size} entries but src has ${rows} rows`);
  }
  return idx;
}

/**
 * Sparse times dense, `a · x` (see `@nnc/tensor`'s `spmm`), differentiable in `x` and, when
 * `values` is given, in the values of `a` (which then replace `a.values`): with per-edge weights
 * as `values`, gradients reach the edge weights. `values` is `[nnz]` or `[nnz, H]` in `a`'s CSR
 * order. `bias`, broadcast to the result, is added in the same pass (`a · x + bias` with one
 * array instead of two; a graph convolution's bias).
 *
 * @example
 * ```ts
 * import { spmm, tensor } from "@nnc/autograd";
 * import { CsrMatrix } from "@nnc/tensor";
 * const a = CsrMatrix.fromCoo([0, 0, 1], [0, 1, 1], [2, 2]);
 * const x = tensor([[1], [2]], { requiresGrad: true });
 * const w = tensor([1, 10, 100], { requiresGrad: true });
 * const y = spmm(a, x, w); // [[1·1 + 10·2], [100·2]]
 * y.sum().backward();
 * console.assert(y.toArray().toString() === "21,200");
 * console.assert(spmm(a, x, w, tensor([0.5])).toArray().toString() === "21.5,200.5");
 * console.assert(x.grad?.toArray().toString() === "1,110" && w.grad?.toArray().toString() === "1,2,2");
 * ```
 */
export function spmm(
  a: CsrMatrix,
  x: Tensor,
  values: Tensor | null = null,
  bias: Tensor | null = null,
): Tensor {
  const op = "spmm";
  checkMatrix(a, op);
  checkTensor(x, op, "x");
  const inputs = [x];
  if (values !== null) {
    checkTensor(values, op, "values");
    const v = values.dtype === x.dtype ? values : astype(values, x.dtype);
    a.withValues(v.data); // checks the shape once, on the array (the primitive trusts it)
    inputs.push(v);
  }
  if (bias !== null) {
    checkTensor(bias, op, "bias");
    inputs.push(bias.dtype === x.dtype ? bias : astype(bias, x.dtype));
  }
  return applyPrimitive(SPMM, inputs, {
    a: values === null ? a : a.withValues(null),
    values: values !== null,
    bias: bias !== null,
  });
}

/**
 * `a · (x · weightᵀ) + bias`: a linear map of every row (PyTorch's `[out, in]` weight layout), then
 * propagation by the sparse matrix `a` — a graph convolution's core (`GCNConv`) as one node, equal
 * to `spmm(a, matmul(x, weight.T), null, bias)`. The `[N, out]` intermediate and its gradient are
 * returned to the storage pool as soon as they are used, so a training step allocates two arrays of
 * that size fewer for the garbage collector.
 *
 * @example
 * ```ts
 * import { spmmLinear, tensor } from "@nnc/autograd";
 * import { array, CsrMatrix } from "@nnc/tensor";
 * // Row 0 averages nodes 0 and 1; row 1 copies node 0.
 * const a = CsrMatrix.fromCoo([0, 0, 1], [0, 1, 0], [2, 2], { values: array([0.5, 0.5, 1]) });
 * const x = tensor([[1, 2], [3, 4]]);
 * const w = tensor([[1, 0], [1, 1]], { requiresGrad: true }); // [out, in]
 * const y = spmmLinear(a, x, w, tensor([0, 10]));
 * console.assert(y.toArray().toString() === "2,15,1,13");
 * y.sum().backward();
 * console.assert(w.grad?.toArray().toString() === "3,5,3,5");
 * ```
 */
export function spmmLinear(
  a: CsrMatrix,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
): Tensor {
  const op = "spmmLinear";
  checkMatrix(a, op);
  checkTensor(x, op, "x");
  checkTensor(weight, op, "weight");
  if (x.ndim !== 2 || weight.ndim !== 2 || weight.shape[1] !== x.shape[1]) {
    throw new RangeError(
      `${op}: x must be [N, in] and weight [out, in], got x ${nd.fmtShape(x.shape)} and weight ${
        nd.fmtShape(weight.shape)
      }`,
    );
  }
  if (a.cols !== x.shape[0]) {
    throw new RangeError(
      `${op}: a is ${a.rows}×${a.cols} but x has ${x.shape[0]} rows`,
    );
  }
  const w = weight.dtype === x.dtype ? weight : astype(weight, x.dtype);
  const inputs = [x, w];
  if (bias !== null) {
    checkTensor(bias, op, "bias");
    if (bias.size !== weight.shape[0]) {
      throw new RangeError(
        `${op}: bias must have ${weight.shape[0]} elements (one per output), got ${
          nd.fmtShape(bias.shape)
        }`,
      );
    }
    inputs.push(bias.dtype === x.dtype ? bias : astype(bias, x.dtype));
  }
  return applyPrimitive(SPMM_LINEAR, inputs, { a, bias: bias !== null });
}

/**
 * The product `left · rightᵀ` sampled at the stored entries of `a` (see `@nnc/tensor`'s `sddmm`):
 * one dot product per edge (and head), differentiable in both operands. Attention scores
 * `q_i · k_j` over a graph's edges.
 *
 * @example
 * ```ts
 * import { sddmm, tensor } from "@nnc/autograd";
 * import { CsrMatrix } from "@nnc/tensor";
 * const a = CsrMatrix.fromCoo([0, 0], [0, 1], [1, 2]);
 * const q = tensor([[1, 2]], { requiresGrad: true });
 * const scores = sddmm(a, q, tensor([[1, 0], [0, 1]]));
 * scores.sum().backward();
 * console.assert(scores.toArray().toString() === "1,2" && q.grad?.toArray().toString() === "1,1");
 * ```
 */
export function sddmm(a: CsrMatrix, left: Tensor, right: Tensor): Tensor {
  const op = "sddmm";
  checkMatrix(a, op);
  checkTensor(left, op, "left");
  checkTensor(right, op, "right");
  return applyPrimitive(SDDMM, [left, right], { pattern: a.withValues(null) });
}

/**
 * `x[index]` along the first axis (rows picked, repeats allowed), differentiable: the gradient is
 * a segment sum. In a graph, the features of each edge's source (`gatherRows(x, edgeIndex[0])`).
 *
 * @example
 * ```ts
 * import { gatherRows, tensor } from "@nnc/autograd";
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * gatherRows(x, [1, 1, 0]).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "1,1,2,2");
 * ```
 */
export function gatherRows(x: Tensor, index: NDArray | Tensor | readonly number[]): Tensor {
  const op = "gatherRows";
  checkTensor(x, op, "x");
  if (x.ndim < 1) throw new RangeError(`${op}: x must be at least 1-d, got a 0-d tensor`);
  const idx = segmentIndex(index, -1, x.shape[0], op, `0..${x.shape[0] - 1}`);
  return applyPrimitive(GATHER_ROWS, [x], { index: idx, n: x.shape[0] });
}

/**
 * Reduces the rows of `src` `[E, ...F]` by segment into `[numSegments, ...F]` (see `@nnc/tensor`'s
 * `segmentReduce`): the aggregation of messages at their target nodes, or the pooling of node
 * features per graph. Differentiable: `sum` and `mean` spread the gradient over a segment's rows,
 * `max` and `min` send it to the row that won. Empty segments are 0.
 *
 * @example
 * ```ts
 * import { segmentReduce, tensor } from "@nnc/autograd";
 * const src = tensor([1, 5, 2], { requiresGrad: true });
 * const y = segmentReduce(src, [0, 0, 1], 2, "max");
 * y.sum().backward();
 * console.assert(y.toArray().toString() === "5,2" && src.grad?.toArray().toString() === "0,1,1");
 * ```
 */
export function segmentReduce(
  src: Tensor,
  index: NDArray | Tensor | readonly number[],
  numSegments: number,
  reduce: SegmentReduction = "sum",
): Tensor {
  const op = "segmentReduce";
  checkTensor(src, op, "src");
  if (reduce !== "sum" && reduce !== "mean" && reduce !== "max" && reduce !== "min") {
    throw new TypeError(
      `${op}: reduce must be "sum", "mean", "max" or "min", got ${nd.describe(reduce)}`,
    );
  }
  if (src.ndim < 1) throw new RangeError(`${op}: src must be at least 1-d, got a 0-d tensor`);
  nd.checkInt(numSegments, op, "numSegments", 0, 2 ** 31 - 1);
  const idx = segmentIndex(index, src.shape[0], numSegments, op);
  const p = { index: idx, n: numSegments };
  if (reduce === "max" || reduce === "min") {
    return applyPrimitive(SEGMENT_ARG, [src], { ...p, reduce });
  }
  const sum = applyPrimitive(SEGMENT_SUM, [src], p);
  if (reduce === "sum") return sum;
  if (!nd.isFloat(src.dtype)) {
    throw new TypeError(`${op}: mean needs float32 or float64 src, got ${src.dtype}`);
  }
  const counts = nd.segmentCount(idx, numSegments);
  const denom = nd.zeros([numSegments, ...src.shape.slice(1).map(() => 1)], { dtype: src.dtype });
  for (let i = 0; i < numSegments; i++) denom.data[i] = Math.max(1, counts.data[i]);
  return sum.div(new Tensor(denom));
}

/**
 * Softmax over the rows of each segment (see `@nnc/tensor`'s `segmentSoftmax`), differentiable:
 * attention coefficients normalised over each node's incoming edges.
 *
 * @example
 * ```ts
 * import { segmentSoftmax, tensor } from "@nnc/autograd";
 * const scores = tensor([0, 0, 1], { requiresGrad: true });
 * const alpha = segmentSoftmax(scores, [0, 0, 1], 2);
 * console.assert(alpha.toArray().toString() === "0.5,0.5,1");
 * ```
 */
export function segmentSoftmax(
  src: Tensor,
  index: NDArray | Tensor | readonly number[],
  numSegments: number,
): Tensor {
  const op = "segmentSoftmax";
  checkTensor(src, op, "src");
  if (src.ndim < 1) throw new RangeError(`${op}: src must be at least 1-d, got a 0-d tensor`);
  if (!nd.isFloat(src.dtype)) {
    throw new TypeError(`${op}: src must be float32 or float64, got ${src.dtype}`);
  }
  nd.checkInt(numSegments, op, "numSegments", 0, 2 ** 31 - 1);
  const idx = segmentIndex(index, src.shape[0], numSegments, op);
  return applyPrimitive(SEGMENT_SOFTMAX, [src], { index: idx, n: numSegments });
}
