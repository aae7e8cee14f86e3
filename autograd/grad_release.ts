/**
 * Recycling parameter gradients: `zeroGrad` gives the arrays of the gradients that `backward` made
 * and nobody has read back to the storage pool, so that the next backward pass writes its
 * gradients into warm memory instead of fresh, zero-filled arrays.
 *
 * Why: PyTorch frees a gradient set to `None` by reference count, and its allocator hands the
 * memory to the next step's gradient; JavaScript frees it only when the garbage collector runs,
 * and every new array is cleared first. Autograd cannot see who holds a gradient, so it watches the
 * one door a gradient leaves by: reading `Tensor.grad` hands it over for good (the caller may keep
 * it), while library code that only reads it for the moment (the optimisers, clipping) uses
 * {@link peekGrad}.
 *
 * @module
 */
import { describe, releaseStorage } from "@nnc/tensor";
import { gradOf, Tensor } from "./tensor.ts";
import { unseenGrads } from "./_grad_recycling.ts";

function checkTensor(t: unknown, op: string): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describe(t)}`);
}

/**
 * The gradient of `t` (as `t.grad`) without taking it over: a gradient read this way can still be
 * recycled by {@link releaseGrad}. For library code that uses the gradient during the call and
 * keeps neither the tensor nor its array (an optimiser's step, gradient clipping); anything else
 * should read `t.grad`.
 *
 * @example
 * ```ts
 * import { peekGrad, tensor } from "@nnc/autograd";
 * const w = tensor([1, 2], { requiresGrad: true });
 * w.mul(3).sum().backward();
 * console.assert(peekGrad(w)?.toArray().toString() === "3,3");
 * ```
 */
export function peekGrad(t: Tensor): Tensor | null {
  checkTensor(t, "peekGrad");
  return gradOf(t);
}

/**
 * Clears `t.grad` (sets it to null) and, when `backward` made that gradient and nobody read it
 * through `t.grad` since, gives its array to the storage pool for the next allocation of that size;
 * returns whether it did. Optimisers' and modules' `zeroGrad` call it. Nothing is recycled for a
 * gradient the caller set, one read through `grad` (which may be kept anywhere), one made with
 * `createGraph` or in a nested pass, a view, or an array smaller than `STORAGE_POOL_MIN_BYTES`.
 *
 * Safety: a released array is detached (`NDArray.disposed`), so reading a gradient kept by some
 * path that bypassed `grad` throws a `TypeError` afterwards, never shows another tensor's values.
 *
 * @example
 * ```ts
 * import { releaseGrad, tensor } from "@nnc/autograd";
 * const w = tensor(new Float32Array(1 << 18).fill(1), { requiresGrad: true }); // 1 MiB
 * w.mul(2).sum().backward();
 * console.assert(releaseGrad(w) === true && w.grad === null);
 * w.mul(2).sum().backward();
 * const kept = w.grad; // read: handed over
 * console.assert(releaseGrad(w) === false && kept?.data.data[0] === 2);
 * ```
 */
export function releaseGrad(t: Tensor): boolean {
  checkTensor(t, "releaseGrad");
  const g = gradOf(t);
  if (g === null) return false;
  t.grad = null;
  if (!unseenGrads.has(g)) return false;
  unseenGrads.delete(g);
  return releaseStorage(g.data.data);
}
