// Reparameterisations (weight norm, spectral norm) recompute a weight before every forward pass:
// they wrap the module's `forward` in one place, and their removal puts back exactly what was
// there, another reparameterisation's wrapper included.
import type { AnyModule } from "./module.ts";

/**
 * Replaces `module.forward` by a function that runs `before()` and then the forward pass it
 * replaced; returns the function that restores the module's own `forward` property as it was.
 */
export function wrapForward(module: AnyModule, before: () => void): () => void {
  const fields = module as unknown as Record<string, unknown>;
  const previous = Object.getOwnPropertyDescriptor(module, "forward");
  const inner = (module.forward as (...args: unknown[]) => unknown).bind(module);
  Object.defineProperty(module, "forward", {
    value: (...args: unknown[]): unknown => {
      before();
      return inner(...args);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return () => {
    if (previous === undefined) delete fields.forward;
    else Object.defineProperty(module, "forward", previous);
  };
}
