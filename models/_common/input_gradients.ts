// Differentiating a model with respect to its input, shared by the attacks (robustness/) and the
// attributions (insight/): the forward function of a Module or plain function, frozen parameters
// (no parameter gradients are built or accumulated), batches and labels, and the gradients of
// chosen class scores.
import { asNDArray, describe, fmtShape, NDArray } from "@nnc/tensor";
import { gradients, noGrad, Tensor } from "@nnc/autograd";
import { Module } from "@nnc/layers";
import type { Classifier } from "../robustness/classifier.ts";

/**
 * The forward function of a classifier, checked: its argument errors (a layer rejecting the input's
 * shape, say) are re-thrown as the same class with `op` and the input's shape in front.
 */
export function forwardOf(model: Classifier, op: string): (x: Tensor) => Tensor {
  let f: (x: Tensor) => unknown;
  if (model instanceof Module) f = (x) => model.forward(x);
  else if (typeof model === "function") f = model;
  else {
    throw new TypeError(
      `${op}: model must be a Module or a function (x: Tensor) => Tensor, got ${describe(model)}`,
    );
  }
  return (x) =>
    checkScores(
      namingErrors(op, `the model failed on inputs of shape ${fmtShape(x.shape)}`, () => f(x)),
      op,
    );
}

/**
 * Runs `fn`; an argument error it throws (TypeError or RangeError) is re-thrown as the same class
 * with `op` and `context` in front, so that a caller's user sees which operation rejected what.
 * Errors that already name `op` pass unchanged.
 */
export function namingErrors<T>(op: string, context: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError) || e.message.startsWith(`${op}:`)) {
      throw e;
    }
    const Kind = e instanceof TypeError ? TypeError : RangeError;
    throw new Kind(`${op}: ${context}: ${e.message}`, { cause: e });
  }
}

function checkScores(out: unknown, op: string): Tensor {
  if (!(out instanceof Tensor)) {
    throw new TypeError(`${op}: the model must return a Tensor, got ${describe(out)}`);
  }
  return out;
}

/**
 * Runs `fn` with the model's parameters not requiring gradients (so that input gradients neither
 * build nor accumulate parameter gradients), restoring each flag afterwards.
 */
export function withFrozenParameters<T>(model: Classifier, fn: () => T): T {
  if (!(model instanceof Module)) return fn();
  const params = model.parameters().filter((p) => p.requiresGrad);
  for (const p of params) p.requiresGrad = false;
  try {
    return fn();
  } finally {
    for (const p of params) p.requiresGrad = true;
  }
}

/** The array itself when its storage holds exactly its elements in order, else a compact copy. */
export function compact(a: NDArray): NDArray {
  return a.isContiguous && a.offset === 0 && a.data.length === a.size ? a : a.clone();
}

/** The elements of `a` in row-major order (no copy when it is compact). */
export function valuesOf(a: NDArray): ArrayLike<number> {
  return compact(a).data as ArrayLike<number>;
}

/** The input batch as a compact floating-point NDArray with a leading batch axis. */
export function inputBatch(x: unknown, op: string, name = "x"): NDArray {
  if (Array.isArray(x)) {
    throw new TypeError(`${op}: ${name} must be an NDArray or a Tensor, got ${describe(x)}`);
  }
  const a = x instanceof Tensor ? x.data : asNDArray(x, op, name);
  if (a.dtype !== "float32" && a.dtype !== "float64") {
    throw new TypeError(`${op}: ${name} must be float32 or float64, got ${a.dtype}`);
  }
  if (a.ndim < 1 || a.size === 0) {
    throw new RangeError(
      `${op}: ${name} must be a non-empty batch [N, …], got shape ${fmtShape(a.shape)}`,
    );
  }
  return compact(a);
}

/** Labels (or targets) of a batch of `n`: one row per input. */
export function labelBatch(y: unknown, n: number, op: string, name = "y"): NDArray {
  let a: NDArray;
  if (Array.isArray(y)) {
    if (!y.every((v) => Number.isInteger(v))) {
      throw new TypeError(`${op}: ${name} as a list must hold class indices, got ${describe(y)}`);
    }
    a = NDArray.fromTyped(Int32Array.from(y as number[]));
  } else a = y instanceof Tensor ? y.data : asNDArray(y, op, name);
  if (a.ndim < 1 || a.shape[0] !== n) {
    throw new RangeError(
      `${op}: ${name} must have one row per input (${n}), got shape ${fmtShape(a.shape)}`,
    );
  }
  return a;
}

/** Scores of a batch without gradients. */
export function scoresOf(forward: (x: Tensor) => Tensor, x: NDArray): NDArray {
  return noGrad(() => forward(new Tensor(x))).data;
}

/** Predicted classes: argmax over the scores, or `score > 0` for one score per input. */
export function predict(scores: NDArray): Int32Array {
  const n = scores.shape[0];
  const flat = compact(scores).reshape([n, -1]);
  if (flat.shape[1] === 1) {
    const v = flat.data, out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = v[i] > 0 ? 1 : 0;
    return out;
  }
  return Int32Array.from(flat.argmax({ axis: 1 }).data as Int32Array);
}

/** Scores `[N, C]` (a single score per input counts as C = 1) of a forward pass. */
export function scoreMatrix(scores: Tensor, n: number, op: string): Tensor {
  const m = scores.reshape([scores.shape[0] ?? 0, -1]);
  if (scores.ndim < 1 || scores.shape[0] !== n) {
    throw new RangeError(
      `${op}: the model must return one row of scores per input (${n}), got ${
        fmtShape(scores.shape)
      }`,
    );
  }
  return m;
}

/**
 * The scores at `x` and the gradient, with respect to `x`, of the score of class `classes[i]` for
 * each input i (one backward pass): `∂f_{c_i}(x_i)/∂x_i`. Assumes the inputs of a batch do not
 * interact (no batch statistics: evaluation mode).
 */
export function classScoreGradient(
  forward: (x: Tensor) => Tensor,
  x: NDArray,
  classes: Int32Array,
  op: string,
): { scores: NDArray; grad: NDArray } {
  const n = x.shape[0];
  const xt = new Tensor(x, { requiresGrad: true });
  const s = scoreMatrix(forward(xt), n, op);
  const c = s.shape[1];
  const seed = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    if (!(classes[i] >= 0 && classes[i] < c)) {
      throw new RangeError(`${op}: class ${classes[i]} of input ${i} is not in [0, ${c})`);
    }
    seed[i * c + classes[i]] = 1;
  }
  const g = s.requiresGrad
    ? gradients(s, xt, {
      gradOutputs: new Tensor(NDArray.fromTyped(seed, [n, c]).astype(s.dtype)),
      allowUnused: true,
    })[0]
    : null;
  return { scores: compact(s.data), grad: g === null ? x.mul(0) : compact(g.data.astype(x.dtype)) };
}

/**
 * The scores `[N, C]` at `x` and the gradient of every class score with respect to the inputs,
 * `grads[k]` `[N, …]` = `∂f_k(x_i)/∂x_i` (C backward passes through one graph).
 */
export function allClassGradients(
  forward: (x: Tensor) => Tensor,
  x: NDArray,
  op: string,
): { scores: NDArray; grads: NDArray[] } {
  const n = x.shape[0];
  const xt = new Tensor(x, { requiresGrad: true });
  const s = scoreMatrix(forward(xt), n, op);
  const c = s.shape[1];
  const grads: NDArray[] = [];
  for (let k = 0; k < c; k++) {
    const seed = new Float64Array(n * c);
    for (let i = 0; i < n; i++) seed[i * c + k] = 1;
    const g = s.requiresGrad
      ? gradients(s, xt, {
        gradOutputs: new Tensor(NDArray.fromTyped(seed, [n, c]).astype(s.dtype)),
        retainGraph: k < c - 1,
        allowUnused: true,
      })[0]
      : null;
    grads.push(g === null ? x.mul(0) : compact(g.data.astype(x.dtype)));
  }
  return { scores: compact(s.data), grads };
}
