/**
 * Checking derivatives against finite differences: {@link gradcheck} (first derivatives, in
 * reverse and/or forward mode) and {@link gradgradcheck} (derivatives of the vector-Jacobian
 * product, i.e. second order), in float64, with a report that names the input, index and output
 * of every disagreement.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import {
  checkFunction,
  checkOneOf,
  checkOptions,
  describe,
  isFloat,
  NDArray,
  Rng,
  Storage,
} from "@nnc/tensor";
import { Tensor } from "./tensor.ts";
import { gradients } from "./backward.ts";
import { jvp, vjp } from "./functional.ts";
import { fmtShape } from "./_shape_util.ts";

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance (of the numerical value). Default 1e-3. */
  rtol?: number;
  /** Which analytical derivatives to check. Default `"reverse"`. */
  mode?: "reverse" | "forward" | "both";
  /** Throw a {@link GradcheckError} on failure (default true), or return the report. */
  raise?: boolean;
}

/** One entry of the Jacobian where analytical and numerical derivatives disagree. */
export interface GradcheckFailure {
  /** The mode whose derivative disagreed. */
  mode: "reverse" | "forward";
  /** Position of the input in the `inputs` list. */
  input: number;
  /** Index of the element within that input. */
  index: number[];
  /** Position of the output (when the function returns several). */
  output: number;
  /** Index of the element within that output. */
  outputIndex: number[];
  /** Derivative from autograd. */
  analytical: number;
  /** Derivative from central differences. */
  numerical: number;
}

/** What {@link gradcheck} found. */
export interface GradcheckReport {
  /** True when every entry agreed. */
  ok: boolean;
  /** Number of Jacobian entries compared (per mode). */
  checked: number;
  /** Largest `|analytical − numerical|`. */
  maxAbsError: number;
  /** The disagreeing entries (the first 20). */
  failures: GradcheckFailure[];
  /** Total number of disagreeing entries. */
  failureCount: number;
  /** A one-paragraph summary naming the first failure. */
  message: string;
}

/**
 * The error {@link gradcheck} throws, carrying its report.
 *
 * @example
 * ```ts
 * import { GradcheckError } from "@nnc/autograd";
 * console.assert(new GradcheckError("x", null).name === "GradcheckError");
 * ```
 */
export class GradcheckError extends Error {
  /** The report of the failed check (null when the check could not run). */
  readonly report: GradcheckReport | null;
  /** Creates the error. */
  constructor(message: string, report: GradcheckReport | null) {
    if (typeof message !== "string") {
      throw new TypeError(`GradcheckError: message must be a string, got ${describe(message)}`);
    }
    if (report !== null && (typeof report !== "object" || Array.isArray(report))) {
      throw new TypeError(
        `GradcheckError: report must be a GradcheckReport or null, got ${describe(report)}`,
      );
    }
    super(message);
    this.name = "GradcheckError";
    this.report = report;
  }
}

/** A function under test: tensors in, one tensor or several out. */
export type CheckedFunction = (...inputs: Tensor[]) => Tensor | Tensor[];

/** float64 copy of an input that keeps its strides (so non-contiguous layouts are tested as such). */
function float64Like(x: NDArray, i: number): NDArray {
  if (x.strides.some((s, d) => s === 0 && x.shape[d] > 1)) {
    throw new GradcheckError(
      `gradcheck: input ${i} of shape ${
        fmtShape(x.shape)
      } is a broadcast view whose elements share memory; pass a copy`,
      null,
    );
  }
  const data = new Float64Array(x.storage.length);
  data.set(x.storage.data);
  return new NDArray(new Storage(data), x.shape, x.strides, x.offset);
}

/** Storage positions of the elements of `x` in row-major logical order. */
function positions(x: NDArray): Int32Array {
  const out = new Int32Array(x.size);
  const idx = new Array<number>(x.ndim).fill(0);
  for (let k = 0; k < x.size; k++) {
    let p = x.offset;
    for (let d = 0; d < x.ndim; d++) p += idx[d] * x.strides[d];
    out[k] = p;
    for (let d = x.ndim - 1; d >= 0; d--) {
      if (++idx[d] < x.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d];
    k = Math.floor(k / shape[d]);
  }
  return idx;
}

function outputsOf(fn: CheckedFunction, xs: Tensor[]): Tensor[] {
  const r = fn(...xs);
  const list = Array.isArray(r) ? r : [r];
  list.forEach((o, k) => {
    if (!(o instanceof Tensor)) {
      throw new GradcheckError(`gradcheck: output ${k} is not a Tensor`, null);
    }
  });
  return list;
}

function flatValues(outs: readonly Tensor[]): Float64Array {
  const total = outs.reduce((a, o) => a + o.size, 0);
  const v = new Float64Array(total);
  let at = 0;
  for (const o of outs) {
    v.set(nd.astype(o.data, "float64", true).data, at);
    at += o.size;
  }
  return v;
}

/**
 * Compares autograd's derivatives of `fn` with central finite differences, in float64. Inputs that
 * are Tensors with `requiresGrad` are differentiated (all float inputs when none is marked); they
 * are converted to float64 keeping their strides, so non-contiguous views are checked as such. An
 * entry passes when `|analytical − numerical| <= atol + rtol·|numerical|`. Throws a
 * {@link GradcheckError} naming the input, element and output of the first failure (or returns the
 * report with `raise: false`).
 *
 * @example
 * ```ts
 * import { gradcheck, tensor } from "@nnc/autograd";
 * const x = tensor([[0.5, -1], [2, 0.25]], { requiresGrad: true });
 * console.assert(gradcheck((t) => t.tanh().mul(t).sum({ axis: 1 }), [x], { mode: "both" }).ok);
 * ```
 */
export function gradcheck(
  fn: CheckedFunction,
  inputs: readonly (Tensor | NDArray)[],
  options: GradcheckOptions = {},
): GradcheckReport {
  checkFunction(fn, "gradcheck", "fn");
  if (!Array.isArray(inputs)) {
    throw new TypeError("gradcheck: inputs must be an array of Tensors or NDArrays");
  }
  options = checkOptions(options, "gradcheck");
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-3;
  const mode = checkOneOf(options.mode ?? "reverse", "gradcheck", "mode", [
    "reverse",
    "forward",
    "both",
  ]);
  const given = inputs.map((x, i) => {
    if (x instanceof Tensor) return x;
    if (x instanceof NDArray) return new Tensor(x);
    throw new TypeError(
      `gradcheck: inputs[${i}] must be a Tensor or an NDArray, got ${describe(x)}`,
    );
  });
  const marked = given.some((t) => t.requiresGrad);
  const diff = given.map((t) => isFloat(t.dtype) && (t.requiresGrad || !marked));
  const xs = given.map((
    t,
    i,
  ) => (isFloat(t.dtype) ? new Tensor(float64Like(t.data, i), { requiresGrad: diff[i] }) : t));
  const outs = outputsOf(fn, xs).filter((o) => isFloat(o.dtype));
  const outSizes = outs.map((o) => o.size);
  const nOut = outSizes.reduce((a, s) => a + s, 0);
  const numerical = numericalJacobian(fn, xs, diff, eps, nOut);
  const modes: ("reverse" | "forward")[] = mode === "both" ? ["reverse", "forward"] : [mode];
  const failures: GradcheckFailure[] = [];
  let failureCount = 0, maxAbsError = 0, checked = 0;
  for (const m of modes) {
    const analytical = m === "reverse"
      ? reverseJacobian(fn, xs, diff, nOut)
      : forwardJacobian(fn, xs, diff, nOut);
    xs.forEach((x, i) => {
      if (!diff[i]) return;
      const A = analytical[i], N = numerical[i];
      for (let r = 0; r < nOut; r++) {
        for (let j = 0; j < x.size; j++) {
          const a = A[r * x.size + j], n = N[r * x.size + j];
          const err = Math.abs(a - n);
          checked++;
          if (err > maxAbsError || Number.isNaN(err)) maxAbsError = Number.isNaN(err) ? NaN : err;
          if (err <= atol + rtol * Math.abs(n) && !Number.isNaN(err)) continue;
          if (a === n) continue; // equal infinities
          failureCount++;
          if (failures.length < 20) {
            const [output, offset] = locate(r, outSizes);
            failures.push({
              mode: m,
              input: i,
              index: unravel(j, x.shape),
              output,
              outputIndex: unravel(offset, outs[output].shape),
              analytical: a,
              numerical: n,
            });
          }
        }
      }
    });
  }
  const ok = failureCount === 0;
  const message = ok
    ? `gradcheck: ${checked} derivatives agree (max abs error ${maxAbsError.toExponential(2)})`
    : describeFailure(failures[0], failureCount, checked, outs.length, atol, rtol);
  const report: GradcheckReport = { ok, checked, maxAbsError, failures, failureCount, message };
  if (!ok && (options.raise ?? true)) throw new GradcheckError(message, report);
  return report;
}

function locate(r: number, sizes: readonly number[]): [number, number] {
  let k = 0;
  while (r >= sizes[k]) r -= sizes[k++];
  return [k, r];
}

function describeFailure(
  f: GradcheckFailure,
  count: number,
  checked: number,
  nOutputs: number,
  atol: number,
  rtol: number,
): string {
  const out = nOutputs > 1 ? `output ${f.output} ` : "output ";
  return `gradcheck (${f.mode} mode) failed for input ${f.input} at index [${
    f.index.join(", ")
  }], ` +
    `${out}at [${
      f.outputIndex.join(", ")
    }]: analytical ${f.analytical}, numerical ${f.numerical} ` +
    `(atol ${atol}, rtol ${rtol}); ${count} of ${checked} entries differ`;
}

/** Per input, the `[nOut, size]` Jacobian by central differences. */
function numericalJacobian(
  fn: CheckedFunction,
  xs: Tensor[],
  diff: boolean[],
  eps: number,
  nOut: number,
): Float64Array[] {
  return xs.map((x, i) => {
    const J = new Float64Array(nOut * x.size);
    if (!diff[i]) return J;
    const data = x.data.data as Float64Array;
    const pos = positions(x.data);
    for (let j = 0; j < x.size; j++) {
      const p = pos[j], orig = data[p];
      data[p] = orig + eps;
      const plus = flatValues(outputsOf(fn, xs).filter((o) => isFloat(o.dtype)));
      data[p] = orig - eps;
      const minus = flatValues(outputsOf(fn, xs).filter((o) => isFloat(o.dtype)));
      data[p] = orig;
      for (let r = 0; r < nOut; r++) J[r * x.size + j] = (plus[r] - minus[r]) / (2 * eps);
    }
    return J;
  });
}

function reverseJacobian(
  fn: CheckedFunction,
  xs: Tensor[],
  diff: boolean[],
  nOut: number,
): Float64Array[] {
  const J = xs.map((x) => new Float64Array(nOut * x.size));
  const outs = outputsOf(fn, xs).filter((o) => isFloat(o.dtype));
  const targets = xs.filter((_, i) => diff[i]);
  const targetIndex = xs.map((_, i) => (diff[i] ? targets.indexOf(xs[i]) : -1));
  let r = 0;
  for (const o of outs) {
    for (let k = 0; k < o.size; k++, r++) {
      if (!o.requiresGrad) continue;
      const seed = nd.zeros(o.shape, { dtype: o.dtype });
      seed.data[k] = 1;
      const gs = gradients(o, targets, {
        gradOutputs: new Tensor(seed),
        retainGraph: true,
        allowUnused: true,
      });
      xs.forEach((x, i) => {
        const g = targetIndex[i] >= 0 ? gs[targetIndex[i]] : null;
        if (g !== null) J[i].set(nd.astype(g.data, "float64", true).data, r * x.size);
      });
    }
  }
  return J;
}

function forwardJacobian(
  fn: CheckedFunction,
  xs: Tensor[],
  diff: boolean[],
  nOut: number,
): Float64Array[] {
  const consts = xs.map((x) => new Tensor(x.data));
  return xs.map((x, i) => {
    const J = new Float64Array(nOut * x.size);
    if (!diff[i]) return J;
    for (let j = 0; j < x.size; j++) {
      const tangents = consts.map((c, m) => {
        const t = nd.zeros(c.shape, { dtype: c.dtype });
        if (m === i) t.data[j] = 1;
        return new Tensor(t);
      });
      const { tangent } = jvp(fn, consts, tangents);
      const col = flatValues(
        (Array.isArray(tangent) ? tangent : [tangent]).filter((t) => isFloat(t.dtype)),
      );
      for (let r = 0; r < nOut; r++) J[r * x.size + j] = col[r];
    }
    return J;
  });
}

/** Options of {@link gradgradcheck}. */
export interface GradgradcheckOptions extends GradcheckOptions {
  /** Cotangents for the outputs; random (seeded) float64 tensors when omitted. */
  gradOutputs?: readonly (Tensor | NDArray)[];
  /** Seed of the random cotangents. Default 0. */
  seed?: number;
}

/**
 * Checks second derivatives: runs {@link gradcheck} on `(inputs, v) ↦ vᵀ·∂fn/∂inputs` (the
 * vector-Jacobian product with the backward pass recorded), which differentiates every vjp once
 * more, with respect to the inputs and to `v`.
 *
 * @example
 * ```ts
 * import { gradgradcheck, tensor } from "@nnc/autograd";
 * const x = tensor([0.3, -0.7, 1.1], { requiresGrad: true });
 * console.assert(gradgradcheck((t) => t.sigmoid().mul(t), [x]).ok);
 * ```
 */
export function gradgradcheck(
  fn: CheckedFunction,
  inputs: readonly (Tensor | NDArray)[],
  options: GradgradcheckOptions = {},
): GradcheckReport {
  checkFunction(fn, "gradgradcheck", "fn");
  if (!Array.isArray(inputs)) {
    throw new TypeError(
      `gradgradcheck: inputs must be an array of Tensors or NDArrays, got ${describe(inputs)}`,
    );
  }
  options = checkOptions(options, "gradgradcheck");
  const gradOutputs: unknown = options.gradOutputs;
  if (
    gradOutputs !== undefined && gradOutputs !== null &&
    !(Array.isArray(gradOutputs) &&
      gradOutputs.every((g) => g instanceof Tensor || g instanceof NDArray))
  ) {
    throw new TypeError(
      `gradgradcheck: gradOutputs must be an array of Tensors or NDArrays, got ${
        describe(gradOutputs)
      }`,
    );
  }
  const given = inputs.map((x) => (x instanceof Tensor ? x : new Tensor(x)));
  const marked = given.some((t) => t.requiresGrad);
  const diff = given.map((t) => isFloat(t.dtype) && (t.requiresGrad || !marked));
  const probe = given.map((t) =>
    new Tensor(nd.astype(t.data, isFloat(t.dtype) ? "float64" : t.dtype, true))
  );
  const outs = outputsOf(fn, probe).filter((o) => isFloat(o.dtype));
  const rng = new Rng(options.seed ?? 0);
  const gos = options.gradOutputs
    ? options.gradOutputs.map((g) => (g instanceof Tensor ? g.data : g))
    : outs.map((o) => nd.randn(o.shape, { dtype: "float64", rng }));
  if (gos.length !== outs.length) {
    throw new RangeError(
      `gradgradcheck: ${gos.length} gradOutputs for ${outs.length} float outputs`,
    );
  }
  const n = given.length;
  const diffIdx = given.map((_, i) => i).filter((i) => diff[i]);
  const vjpFn = (...all: Tensor[]): Tensor[] => {
    const xs = all.slice(0, n), vs = all.slice(n);
    const g = (...ds: Tensor[]): Tensor[] => {
      const full = xs.slice();
      diffIdx.forEach((i, k) => (full[i] = ds[k]));
      return outputsOf(fn, full).filter((o) => isFloat(o.dtype));
    };
    // The vjp transform keeps primals' tangents, so forward mode checks forward-over-reverse.
    return vjp(g, diffIdx.map((i) => xs[i]), vs).grad as Tensor[];
  };
  const all = [
    ...given.map((t, i) => new Tensor(t.data, { requiresGrad: diff[i] })),
    ...gos.map((g) => new Tensor(nd.astype(g, "float64", true), { requiresGrad: true })),
  ];
  return gradcheck(vjpFn, all, options);
}
