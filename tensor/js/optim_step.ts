// JS kernels: fused optimiser steps, one pass over contiguous buffers with no allocation.
import type { AdamStep, SgdStep } from "../backend.ts";
import type { NDArray } from "../ndarray.ts";

/** In-place SGD step (see {@link SgdStep}). */
export function sgdStep(xa: NDArray, ga: NDArray, bufa: NDArray | null, c: SgdStep): void {
  const x = xa.data, g = ga.data, n = xa.size;
  const ox = xa.offset, og = ga.offset;
  const { lr, weightDecay: wd, sign } = c;
  if (bufa === null) {
    for (let i = 0; i < n; i++) x[ox + i] -= lr * (sign * g[og + i] + wd * x[ox + i]);
    return;
  }
  const buf = bufa.data, ob = bufa.offset;
  const beta = c.momentum;
  const keep = c.first ? 0 : beta, take = c.first ? 1 : 1 - c.dampening;
  for (let i = 0; i < n; i++) {
    const d = sign * g[og + i] + wd * x[ox + i];
    buf[ob + i] = keep * buf[ob + i] + take * d;
    // Read back: in float32 the stored buffer is rounded, and the step uses the stored value.
    const b = buf[ob + i];
    x[ox + i] -= lr * (c.nesterov ? d + beta * b : b);
  }
}

/**
 * In-place Adam/AdamW/AMSGrad step (see {@link AdamStep}): float64 buffers in double arithmetic,
 * float32 buffers in float32 arithmetic (as PyTorch's Adam and libnnc's kernel run them), the moments
 * flushed to zero below the dtype's smallest normal number (libnnc's optim.c says why).
 */
export function adamStep(
  xa: NDArray,
  ga: NDArray,
  ma: NDArray,
  va: NDArray,
  vmaxa: NDArray | null,
  c: AdamStep,
): void {
  const x = xa.data, g = ga.data, m = ma.data, v = va.data, n = xa.size;
  const ox = xa.offset, og = ga.offset, om = ma.offset, ov = va.offset;
  const { beta1, beta2, eps, l2, sign } = c;
  const stepSize = c.lr / (1 - beta1 ** c.step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** c.step);
  const shrink = 1 - c.lr * c.decay;
  const a1 = 1 - beta1, a2 = 1 - beta2;
  if (x instanceof Float32Array) {
    adamStepFloat32(xa, ga, ma, va, vmaxa, [
      sign,
      l2,
      beta1,
      beta2,
      a1,
      a2,
      shrink,
      stepSize,
      bc2Sqrt,
      eps,
    ]);
    return;
  }
  if (vmaxa === null) {
    for (let i = 0; i < n; i++) {
      const d = sign * g[og + i] + l2 * x[ox + i];
      m[om + i] = flush64(beta1 * m[om + i] + a1 * d);
      v[ov + i] = flush64(beta2 * v[ov + i] + a2 * d * d);
      x[ox + i] = x[ox + i] * shrink -
        stepSize * (m[om + i] / (Math.sqrt(v[ov + i]) / bc2Sqrt + eps));
    }
    return;
  }
  const vmax = vmaxa.data, oq = vmaxa.offset;
  for (let i = 0; i < n; i++) {
    const d = sign * g[og + i] + l2 * x[ox + i];
    m[om + i] = flush64(beta1 * m[om + i] + a1 * d);
    v[ov + i] = flush64(beta2 * v[ov + i] + a2 * d * d);
    const vi = v[ov + i], top = vmax[oq + i];
    vmax[oq + i] = vi > top || vi !== vi ? vi : top; // NaN propagates, as torch.maximum
    x[ox + i] = x[ox + i] * shrink -
      stepSize * (m[om + i] / (Math.sqrt(vmax[oq + i]) / bc2Sqrt + eps));
  }
}

const f = Math.fround;

/** Zero for a float32 moment below the smallest normal float32 (2⁻¹²⁶), else the moment. */
function flush32(e: number): number {
  return Math.abs(e) < 1.1754943508222875e-38 ? 0 : e;
}

/** Zero for a float64 moment below the smallest normal float64 (2⁻¹⁰²²), else the moment. */
function flush64(e: number): number {
  return Math.abs(e) < 2.2250738585072014e-308 ? 0 : e;
}

/**
 * Adam on float32 buffers in float32 arithmetic: every coefficient rounded once and every operation
 * rounded to float32 (`Math.fround` of the double result, which is the correctly rounded float32
 * result for +, −, ×, ÷ and √ of float32 operands), in the order of libnnc's `ADAM_STEP` (optim.c),
 * so the two backends give the same bits.
 */
function adamStepFloat32(
  xa: NDArray,
  ga: NDArray,
  ma: NDArray,
  va: NDArray,
  vmaxa: NDArray | null,
  coefficients: number[],
): void {
  const x = xa.data, g = ga.data, m = ma.data, v = va.data, n = xa.size;
  const ox = xa.offset, og = ga.offset, om = ma.offset, ov = va.offset;
  const [sign, l2, beta1, beta2, a1, a2, shrink, stepSize, bc2Sqrt, eps] = coefficients.map(f);
  const vmax = vmaxa?.data, oq = vmaxa?.offset ?? 0;
  for (let i = 0; i < n; i++) {
    const xi = x[ox + i];
    const d = f(f(sign * g[og + i]) + f(l2 * xi));
    const mi = flush32(f(f(beta1 * m[om + i]) + f(a1 * d)));
    const vi = flush32(f(f(beta2 * v[ov + i]) + f(f(a2 * d) * d)));
    m[om + i] = mi;
    v[ov + i] = vi;
    let vh = vi;
    if (vmax) {
      const top = vmax[oq + i];
      vh = vi > top || vi !== vi ? vi : top; // NaN propagates, as torch.maximum
      vmax[oq + i] = vh;
    }
    const denom = f(f(f(Math.sqrt(vh)) / bc2Sqrt) + eps);
    x[ox + i] = f(f(xi * shrink) - f(stepSize * f(mi / denom)));
  }
}
