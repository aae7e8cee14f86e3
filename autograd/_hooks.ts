// The registry behind autograd/hooks.ts: post-accumulate hooks per leaf and the callback lists of
// the running backward passes (engine use: tensor.ts registers, backward.ts runs them).
import type { PostAccumulateGradHook, RemovableHandle } from "./hooks.ts";
import type { Tensor } from "./tensor.ts";

const hooks = new WeakMap<Tensor, PostAccumulateGradHook[]>();
let registered = 0;
/** Callbacks of the running backward passes, innermost last. */
const passes: (() => void)[][] = [];

/** Registers `hook` on `tensor` (called by {@link Tensor.registerPostAccumulateGradHook}). */
export function addPostAccumulateGradHook(
  tensor: Tensor,
  hook: PostAccumulateGradHook,
): RemovableHandle {
  const op = "registerPostAccumulateGradHook";
  if (typeof hook !== "function") {
    throw new TypeError(`${op}: expected a function (tensor) => void, got ${typeof hook}`);
  }
  if (!tensor.isLeaf || !tensor.requiresGrad) {
    throw new RangeError(
      `${op}: only leaf tensors that require grad accumulate gradients; this one is ${
        tensor.isLeaf ? "a leaf that does not require grad" : `made by '${tensor.gradFn?.name}'`
      }`,
    );
  }
  const list = hooks.get(tensor) ?? [];
  list.push(hook);
  hooks.set(tensor, list);
  registered++;
  let removed = false;
  return {
    remove(): void {
      if (removed) return;
      removed = true;
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) hooks.delete(tensor);
      registered--;
    },
  };
}

/** True when some tensor has a post-accumulate hook (backward then does the bookkeeping). */
export function anyPostAccumulateGradHooks(): boolean {
  return registered > 0;
}

/** True when `tensor` has post-accumulate hooks. */
export function hasPostAccumulateGradHooks(tensor: Tensor): boolean {
  return hooks.has(tensor);
}

/** Calls `tensor`'s post-accumulate hooks, in registration order. */
export function runPostAccumulateGradHooks(tensor: Tensor): void {
  const list = hooks.get(tensor);
  if (list === undefined) return;
  for (const hook of [...list]) hook(tensor);
}

/** Opens the callback list of a backward pass; returns it. */
export function beginBackwardPass(): (() => void)[] {
  const callbacks: (() => void)[] = [];
  passes.push(callbacks);
  return callbacks;
}

/** Closes the innermost backward pass. */
export function endBackwardPass(): void {
  passes.pop();
}

/** The callback list of the innermost running backward pass, if any. */
export function currentBackwardPass(): (() => void)[] | undefined {
  return passes.at(-1);
}
