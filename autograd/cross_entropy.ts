/**
 * {@link softmaxCrossEntropy}: the per-sample cross-entropy of logits against class indices as one
 * primitive, `−log softmax(x)[t]`, whose gradient `softmax(x) − onehot(t)` is one pass over a
 * single new array (the composite log-softmax → gather → negate makes five arrays of the logits'
 * size on the way back).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { describe, fmtShape, NDArray } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { applyPrimitive } from "./primitive.ts";
import { state } from "./_state.ts";
import { Tensor } from "./tensor.ts";
import * as ew from "./elementwise.ts";
import { sum } from "./reduce.ts";
import { softmax } from "./softmax.ts";

interface CeParams {
  /** Class per row; 0 where the row is ignored. */
  target: Int32Array;
  /** 1 for rows that count, 0 for ignored ones. */
  keep: Uint8Array;
}

/** One-hot targets `[N, C]` (zero rows where ignored), as a constant. */
function oneHot(p: CeParams, n: number, c: number, dtype: nd.DType): Tensor {
  const y = nd.zeros([n, c], { dtype });
  const d = y.data;
  for (let i = 0; i < n; i++) if (p.keep[i]) d[i * c + p.target[i]] = 1;
  return new Tensor(y);
}

function keepColumn(p: CeParams, n: number, dtype: nd.DType): Tensor {
  const k = nd.zeros([n, 1], { dtype });
  for (let i = 0; i < n; i++) k.data[i] = p.keep[i];
  return new Tensor(k);
}

/** `(softmax(x) − onehot) ⊙ g` row by row: one new array. */
function fastGrad(g: NDArray, x: NDArray, p: CeParams): NDArray {
  const [n, c] = x.shape;
  const out = nd.softmax(x, 1).contiguous();
  const d = out.data;
  const gs = g.contiguous();
  const gd = gs.data, go = gs.offset;
  for (let i = 0; i < n; i++) {
    const s = p.keep[i] ? gd[go + i] : 0;
    const row = out.offset + i * c;
    for (let j = 0; j < c; j++) d[row + j] *= s;
    if (p.keep[i]) d[row + p.target[i]] -= s;
  }
  return out;
}

const SOFTMAX_CROSS_ENTROPY: Primitive<CeParams> = {
  name: "softmaxCrossEntropy",
  forward: ([x], p) => {
    // log softmax is a temporary: the gradient recomputes softmax from the logits, which the
    // graph holds anyway, so the [N, C] array goes straight back to the storage pool.
    const logp = nd.logSoftmax(x, 1).contiguous();
    const [n, c] = logp.shape;
    const loss = nd.zeros([n], { dtype: x.dtype });
    const l = logp.data, lo = logp.offset, ld = loss.data;
    for (let i = 0; i < n; i++) if (p.keep[i]) ld[i] = -l[lo + i * c + p.target[i]];
    if (l !== x.data) nd.releaseStorage(l);
    return loss;
  },
  vjp: (g, [x], _out, p) => {
    const [n, c] = x.shape;
    // Recording (createGraph) or carrying tangents (forward over reverse): the same formula in
    // differentiable ops, so that it can be differentiated again.
    if (state.gradEnabled || g.tangent !== null || x.tangent !== null) {
      const rowScale = ew.mul(g.reshape([n, 1]), keepColumn(p, n, x.dtype));
      return [ew.mul(ew.sub(softmax(x, 1), oneHot(p, n, c, x.dtype)), rowScale)];
    }
    return [new Tensor(fastGrad(g.data, x.data, p))];
  },
  jvp: ([t], [x], _out, p) => {
    if (t === null) return null;
    const [n, c] = x.shape;
    const dir = ew.sub(softmax(x, 1), oneHot(p, n, c, x.dtype));
    return ew.mul(sum(ew.mul(dir, t), { axis: 1, keepDims: true }), keepColumn(p, n, x.dtype))
      .reshape([n]);
  },
};

/** Options of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions {
  /** Target value whose rows get loss 0 and no gradient. Default −100 (PyTorch's). */
  ignoreIndex?: number;
}

/**
 * Per-sample cross-entropy of logits `[N, C]` against int32 class indices `[N]`:
 * `loss_i = −log softmax(x_i)[t_i]` (0 where `t_i` is `ignoreIndex`), with gradient
 * `softmax(x_i) − onehot(t_i)` computed in one pass. `crossEntropy` of `@nnc/layers` reduces it
 * (mean, sum) and handles class weights, label smoothing and probability targets.
 *
 * @example
 * ```ts
 * import { softmaxCrossEntropy, tensor } from "@nnc/autograd";
 * import { array } from "@nnc/tensor";
 * const x = tensor([[1.1, 2.2, 0.2, -1.7]], { dtype: "float64", requiresGrad: true });
 * const loss = softmaxCrossEntropy(x, array([1], { dtype: "int32" }));
 * console.assert(Math.abs(loss.item() - 0.3977341534) < 1e-10); // the notes' −log s₂
 * loss.sum().backward();
 * const g = x.grad!.toArray() as number[][];
 * console.assert(Math.abs(g[0].reduce((a, b) => a + b)) < 1e-12); // softmax − onehot sums to 0
 * ```
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  target: NDArray,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  const op = "softmaxCrossEntropy";
  if (!(logits instanceof Tensor)) {
    throw new TypeError(`${op}: logits must be a Tensor, got ${describe(logits)}`);
  }
  if (!(target instanceof NDArray)) {
    throw new TypeError(`${op}: target must be an int32 NDArray, got ${describe(target)}`);
  }
  nd.checkOptions(options, op);
  const ignoreIndex = nd.checkNumber(options.ignoreIndex ?? -100, op, "ignoreIndex");
  if (logits.ndim !== 2 || !nd.isFloat(logits.dtype)) {
    throw new RangeError(
      `${op}: logits must be floating [N, C], got ${logits.dtype} ${fmtShape(logits.shape)}`,
    );
  }
  const [n, c] = logits.shape;
  if (target.dtype !== "int32" || target.ndim !== 1 || target.shape[0] !== n) {
    throw new RangeError(
      `${op}: logits ${fmtShape(logits.shape)} need an int32 target [${n}], got ${target.dtype} ${
        fmtShape(target.shape)
      }`,
    );
  }
  const t = target.contiguous();
  const src = t.data as Int32Array, off = t.offset;
  const p: CeParams = { target: new Int32Array(n), keep: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const k = src[off + i];
    if (k === ignoreIndex) continue;
    if (k < 0 || k >= c) {
      throw new RangeError(`${op}: target ${k} is out of range for ${c} classes`);
    }
    p.target[i] = k;
    p.keep[i] = 1;
  }
  return applyPrimitive(SOFTMAX_CROSS_ENTROPY, [logits], p);
}
