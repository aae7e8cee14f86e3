/**
 * Hooks into reverse mode: code that runs when `backward` has finished a leaf's gradient
 * ({@link Tensor.registerPostAccumulateGradHook}, PyTorch's
 * `register_post_accumulate_grad_hook`) and once a whole backward pass is done
 * ({@link queueBackwardCallback}, PyTorch's `queue_callback` of the execution engine). Data
 * parallelism uses them to start reducing a bucket of gradients as soon as backward has produced
 * it, and to finish the reduction when the pass ends.
 *
 * @module
 */
import type { Tensor } from "./tensor.ts";
import { currentBackwardPass } from "./_hooks.ts";

/**
 * What registering a hook returns: `remove()` unregisters it (PyTorch's `RemovableHandle`).
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * const w = tensor([1, 2], { requiresGrad: true });
 * let calls = 0;
 * const handle = w.registerPostAccumulateGradHook(() => calls++);
 * w.mul(w).sum().backward();
 * handle.remove();
 * w.mul(w).sum().backward();
 * console.assert(calls === 1);
 * ```
 */
export interface RemovableHandle {
  /** Unregisters the hook (again: nothing happens). */
  remove(): void;
}

/** A hook called with the leaf whose `grad` backward has just completed. */
export type PostAccumulateGradHook = (tensor: Tensor) => void;

/**
 * Runs `callback` once the backward pass that is running now has finished (after every gradient
 * is stored and every post-accumulate hook has run). Callbacks run in the order they were queued;
 * one queued by a callback runs in the same pass. Only callable while `backward` runs, typically
 * from a hook; throws otherwise.
 *
 * @example
 * ```ts
 * import { queueBackwardCallback, tensor } from "@nnc/autograd";
 * const w = tensor([3], { requiresGrad: true });
 * const seen: string[] = [];
 * w.registerPostAccumulateGradHook(() => {
 *   seen.push("hook");
 *   queueBackwardCallback(() => seen.push(`done, grad ${w.grad?.item()}`));
 * });
 * w.mul(w).sum().backward();
 * console.assert(seen.join("; ") === "hook; done, grad 6");
 * ```
 */
export function queueBackwardCallback(callback: () => void): void {
  if (typeof callback !== "function") {
    throw new TypeError(`queueBackwardCallback: expected a function, got ${typeof callback}`);
  }
  const pass = currentBackwardPass();
  if (pass === undefined) {
    throw new RangeError(
      "queueBackwardCallback: no backward pass is running (call it from a gradient hook)",
    );
  }
  pass.push(callback);
}
