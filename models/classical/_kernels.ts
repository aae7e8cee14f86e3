// Kernel plumbing shared by the kernel estimators: option checks, γ resolution, Gram matrices by GEMM.
import { checkInt, checkNumber, checkOneOf, describe, matmul, NDArray } from "@nnc/tensor";
import type { KernelFunction, KernelName, KernelOptions } from "./kernels.ts";

/** A kernel with every parameter fixed (γ resolved against training data). */
export interface ResolvedKernel {
  kernel: KernelName | KernelFunction;
  gamma: number;
  degree: number;
  coef0: number;
}

/** Checks kernel options; γ stays symbolic until {@link resolveKernel}. */
export function checkKernel(
  op: string,
  o: KernelOptions,
  defaults: { kernel: KernelName; gamma: number | "scale" | "auto" },
): Required<KernelOptions> {
  const kernel = o.kernel ?? defaults.kernel;
  if (typeof kernel !== "function") {
    checkOneOf(kernel, op, "kernel", ["linear", "poly", "rbf", "sigmoid"]);
  }
  const gamma = o.gamma ?? defaults.gamma;
  if (gamma !== "scale" && gamma !== "auto") checkNumber(gamma, op, "gamma", Number.MIN_VALUE);
  return {
    kernel,
    gamma,
    degree: checkInt(o.degree ?? 3, op, "degree", 0),
    coef0: checkNumber(o.coef0 ?? 0, op, "coef0"),
  };
}

/** Fixes γ for the training rows `x`. */
export function resolveKernel(k: Required<KernelOptions>, x: NDArray): ResolvedKernel {
  let gamma: number;
  const d = x.shape[1];
  if (k.gamma === "auto") gamma = 1 / d;
  else if (k.gamma === "scale") {
    const n = x.size, data = x.data, off = x.offset;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) s += data[off + i];
    const mean = s / n;
    for (let i = 0; i < n; i++) s2 += (data[off + i] - mean) ** 2;
    const v = s2 / n;
    gamma = v > 0 ? 1 / (d * v) : 1;
  } else gamma = k.gamma;
  return { kernel: k.kernel, gamma, degree: k.degree, coef0: k.coef0 };
}

/** Squared norms of the rows of a contiguous 2-d array. */
function rowNorms(x: NDArray): Float64Array {
  const [n, d] = x.shape;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const r = x.offset + i * d;
    for (let j = 0; j < d; j++) s += x.data[r + j] * x.data[r + j];
    out[i] = s;
  }
  return out;
}

/**
 * K(a, b) `[na, nb]` for contiguous 2-d `a` and `b` of one float dtype, in that dtype (float32 keeps a large
 * Gram matrix at half the memory, as libsvm's kernel cache).
 */
export function gramMatrix(k: ResolvedKernel, a: NDArray, b: NDArray, op = "kernel"): NDArray {
  const [na, d] = a.shape, nb = b.shape[0];
  if (typeof k.kernel === "function") {
    const out = new Float64Array(na * nb);
    const ra = new Float64Array(d), rb = new Float64Array(d);
    for (let i = 0; i < na; i++) {
      for (let t = 0; t < d; t++) ra[t] = a.data[a.offset + i * d + t];
      for (let j = 0; j < nb; j++) {
        for (let t = 0; t < d; t++) rb[t] = b.data[b.offset + j * d + t];
        const v = k.kernel(ra, rb);
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new RangeError(
            `${op}: the custom kernel returned ${
              describe(v)
            } for rows ${i} and ${j}; expected a finite number`,
          );
        }
        out[i * nb + j] = v;
      }
    }
    return NDArray.fromTyped(a.dtype === "float32" ? Float32Array.from(out) : out, [na, nb]);
  }
  const g = matmul(a, b.T);
  const v = g.data;
  const { gamma, coef0, degree } = k;
  switch (k.kernel) {
    case "linear":
      break;
    case "poly":
      for (let i = 0; i < v.length; i++) v[i] = (gamma * v[i] + coef0) ** degree;
      break;
    case "sigmoid":
      for (let i = 0; i < v.length; i++) v[i] = Math.tanh(gamma * v[i] + coef0);
      break;
    case "rbf": {
      const an = rowNorms(a), bn = a === b ? an : rowNorms(b);
      for (let i = 0; i < na; i++) {
        const ai = an[i], r = i * nb;
        for (let j = 0; j < nb; j++) {
          v[r + j] = Math.exp(-gamma * Math.max(0, ai + bn[j] - 2 * v[r + j]));
        }
      }
      if (a === b) { for (let i = 0; i < Math.min(na, nb); i++) v[i * nb + i] = 1; }
      break;
    }
  }
  return g;
}

/**
 * k(a, b) from aᵀb and the squared norms ‖a‖², ‖b‖² (built-in kernels only): what turns one GEMM of inner
 * products into kernel values, entry by entry, when they are needed.
 */
export function kernelFromDot(k: ResolvedKernel): (dot: number, aa: number, bb: number) => number {
  const { gamma, coef0, degree } = k;
  switch (k.kernel) {
    case "linear":
      return (dot) => dot;
    case "poly":
      return (dot) => (gamma * dot + coef0) ** degree;
    case "sigmoid":
      return (dot) => Math.tanh(gamma * dot + coef0);
    case "rbf":
      return (dot, aa, bb) => Math.exp(-gamma * Math.max(0, aa + bb - 2 * dot));
    default:
      throw new TypeError("kernelFromDot: custom kernels have no inner-product form");
  }
}
