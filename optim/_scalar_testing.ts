// Test helpers for one-parameter runs such as the notes' f(θ) = θ² trajectories.
import { NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import type { Optimizer } from "./optimizer.ts";

/** A float64 leaf that requires grad. */
export function param(values: readonly number[]): Tensor {
  return new Tensor(NDArray.fromTyped(Float64Array.from(values)), { requiresGrad: true });
}

/** Sets `p.grad` to the given float64 values. */
export function setGrad(p: Tensor, g: readonly number[]): void {
  p.grad = new Tensor(NDArray.fromTyped(Float64Array.from(g), p.shape));
}

/** θ after each of `steps` steps of `make([θ])` on f(θ) = θ² (gradient 2θ) from θ₀ = 1. */
export function squareRun(make: (params: Tensor[]) => Optimizer, steps = 3): number[] {
  const theta = param([1]);
  const opt = make([theta]);
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    setGrad(theta, [2 * theta.item()]);
    opt.step();
    out.push(theta.item());
  }
  return out;
}
