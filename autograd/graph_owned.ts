/**
 * Graph-owned tensors: intermediate values that nothing outside the autograd graph reads once a
 * backward pass has gone through them, so that the pass can hand their memory to the storage pool.
 *
 * Why: a training step's forward pass allocates its activations afresh every time, and JavaScript
 * gives them back only when the garbage collector gets to them; each fresh array is zero-filled
 * memory (the glibc heap clears it, or the kernel maps new pages), a pass over memory per
 * activation that PyTorch, freeing by reference count, never makes. Autograd cannot see who else
 * holds a tensor, so the code that made it says so: containers such as `Sequential` mark the
 * values they pass from one built-in layer to the next.
 *
 * @module
 */
import { describe } from "@nnc/tensor";
import { Tensor } from "./tensor.ts";

const owned = new WeakSet<Tensor>();

/**
 * Declares that nothing outside the autograd graph will read `t` (or a view of its array) after a
 * backward pass through it that frees the graph: the pass then gives `t`'s array to the storage
 * pool, and the next allocation of that size reuses the memory without clearing it. Mark only
 * values that your code made and does not hand out; `flag = false` takes the mark back.
 *
 * Safety: a released array is detached (`NDArray.disposed`), so a wrongly marked tensor read
 * later throws a `TypeError`, never shows another tensor's values. A pass releases nothing when it
 * keeps the graph (`retainGraph`, `createGraph`), when a tensor that is not marked shares the
 * array (a leaf, or the model's output viewing it), or when the array is smaller than
 * `STORAGE_POOL_MIN_BYTES`.
 *
 * @example
 * ```ts
 * import { isGraphOwned, markGraphOwned, tensor } from "@nnc/autograd";
 * import { storagePoolStats } from "@nnc/tensor";
 * const w = tensor(new Float32Array(1 << 18).fill(0.5), { requiresGrad: true });
 * const hidden = markGraphOwned(w.mul(2)); // 1 MiB, read only by the graph
 * const before = storagePoolStats().releases;
 * hidden.relu().sum().backward();
 * console.assert(isGraphOwned(hidden) && hidden.data.disposed); // released, detached
 * console.assert(storagePoolStats().releases > before);
 * console.assert(w.grad?.data.data[0] === 2);
 * ```
 */
export function markGraphOwned(t: Tensor, flag = true): Tensor {
  if (!(t instanceof Tensor)) {
    throw new TypeError(`markGraphOwned: expected a Tensor, got ${describe(t)}`);
  }
  if (flag) owned.add(t);
  else owned.delete(t);
  return t;
}

/**
 * Whether {@link markGraphOwned} marked `t`.
 *
 * @example
 * ```ts
 * import { isGraphOwned, markGraphOwned, tensor } from "@nnc/autograd";
 * const t = tensor([1, 2]);
 * console.assert(!isGraphOwned(t) && isGraphOwned(markGraphOwned(t)));
 * ```
 */
export function isGraphOwned(t: Tensor): boolean {
  return owned.has(t);
}
