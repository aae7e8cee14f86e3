// Running an optimiser of @nnc/optim on a function of a few numbers, recording every iterate: the
// machinery of the gradient-descent experiments (and of their worked-value tests).
import { type Tensor, tensor } from "@nnc/autograd";
import type { Optimizer } from "@nnc/optim";

/** The iterates (start included) and the function's value at each. */
export interface Trajectory {
  points: number[][];
  values: number[];
}

/**
 * `steps` optimiser steps on `f` from `start` (float64): zero the gradient, backward, step. Stops
 * early once the value exceeds `divergeAbove` (default 1e12), so a divergent run stays finite.
 */
export function descend(
  f: (p: Tensor) => Tensor,
  start: readonly number[],
  makeOptimizer: (params: Tensor[]) => Optimizer,
  steps: number,
  divergeAbove = 1e12,
): Trajectory {
  const p = tensor([...start], { dtype: "float64", requiresGrad: true });
  const opt = makeOptimizer([p]);
  const points = [[...start]], values = [f(p).item()];
  for (let k = 0; k < steps; k++) {
    opt.zeroGrad();
    const v = f(p);
    v.backward();
    opt.step();
    points.push(p.toArray() as number[]);
    values.push(f(p.detach()).item());
    if (!(Math.abs(values[values.length - 1]) <= divergeAbove)) break;
  }
  return { points, values };
}

/** The distance of every iterate to `target`. */
export function distances(t: Trajectory, target: readonly number[]): number[] {
  return t.points.map((p) => Math.hypot(...p.map((v, i) => v - target[i])));
}

/** HW5 Q1's quadratic R(w) = 13w₁² − 10w₁w₂ + 4w₁ + 2w₂² − 2w₂ + 1, minimum 0 at w* = (1, 3). */
export function hw5Quadratic(w: Tensor): Tensor {
  const [a, b] = [w.slice(0), w.slice(1)];
  return a.square().mul(13).sub(a.mul(b).mul(10)).add(a.mul(4)).add(b.square().mul(2)).sub(b.mul(2))
    .add(1);
}
