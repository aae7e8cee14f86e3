// The gradients `backward` made whose arrays no caller has seen: reading `Tensor.grad` removes a
// gradient from this set; `releaseGrad` gives the arrays of those still in it to the storage pool.
// Kept apart from grad_release.ts so that tensor.ts can import it without a cycle.

/** Gradient tensors made by a backward pass and not yet read through `Tensor.grad`. */
export const unseenGrads: WeakSet<object> = new WeakSet();
