/**
 * Switching graph recording off and on: {@link noGrad}, {@link enableGrad}, {@link isGradEnabled},
 * {@link setGradEnabled}.
 *
 * @module
 */
import { state, withGradMode } from "./_state.ts";
import { checkBool } from "@nnc/tensor";

/**
 * Runs `fn` without recording the graph (PyTorch `torch.no_grad()`): results of ops inside do not
 * require grad, which saves the memory and time of the graph (evaluation, optimiser updates).
 *
 * @example
 * ```ts
 * import { noGrad, tensor } from "@nnc/autograd";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => w.mul(2));
 * console.assert(!y.requiresGrad);
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn, "noGrad");
}

/**
 * Runs `fn` with graph recording on, even inside {@link noGrad} (PyTorch `torch.enable_grad()`).
 *
 * @example
 * ```ts
 * import { enableGrad, noGrad, tensor } from "@nnc/autograd";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => enableGrad(() => w.mul(2)));
 * console.assert(y.requiresGrad);
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn, "enableGrad");
}

/**
 * True when ops record the graph (the default).
 *
 * @example
 * ```ts
 * import { isGradEnabled, noGrad } from "@nnc/autograd";
 * console.assert(isGradEnabled() && !noGrad(() => isGradEnabled()));
 * ```
 */
export function isGradEnabled(): boolean {
  return state.gradEnabled;
}

/**
 * Switches graph recording on or off until switched again; returns the previous setting.
 * Prefer {@link noGrad}, which restores the setting even when `fn` throws.
 *
 * @example
 * ```ts
 * import { isGradEnabled, setGradEnabled } from "@nnc/autograd";
 * const before = setGradEnabled(false);
 * console.assert(!isGradEnabled());
 * setGradEnabled(before);
 * ```
 */
export function setGradEnabled(enabled: boolean): boolean {
  checkBool(enabled, "setGradEnabled", "enabled");
  const previous = state.gradEnabled;
  state.gradEnabled = enabled;
  return previous;
}
