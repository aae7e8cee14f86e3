// Graph queries used by the function transforms.
import type { Tensor } from "./tensor.ts";

/**
 * True when the graph behind `roots` reaches a tensor that requires grad and is neither in `own`
 * nor made from one: a leaf of an outer computation (a parameter, or an argument of an outer
 * transform). Only then does a transform need to record its backward pass.
 */
export function reachesOtherLeaves(roots: readonly Tensor[], own: ReadonlySet<Tensor>): boolean {
  const seen = new Set<Tensor>();
  const stack = roots.filter((r) => r.requiresGrad);
  while (stack.length > 0) {
    const t = stack.pop() as Tensor;
    if (seen.has(t) || own.has(t)) continue;
    seen.add(t);
    const node = t.gradFn;
    if (node === null) return true; // a leaf that requires grad and is not ours
    for (const c of node.inputs ?? []) if (c.requiresGrad) stack.push(c);
  }
  return false;
}
