/**
 * `@nnc/autograd`: automatic differentiation for nnc. A {@link Tensor} wraps an `NDArray` from
 * `@nnc/tensor` and records the ops applied to it; `backward()` fills the leaves' `grad`. Every
 * derivative comes from a small set of primitives whose vjp (reverse mode) and jvp (forward mode)
 * are themselves written in Tensor ops, so higher derivatives (`grad(grad(f))`, gradient
 * penalties, Hessian-vector products) need nothing extra. Also: function transforms (`grad`,
 * `valueAndGrad`, `vjp`, `jvp`, `jacobian`, `hessian`), `noGrad`, `detectAnomaly`, and
 * `gradcheck` / `gradgradcheck` against finite differences.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * const w = tensor([[1, -1], [0.5, 0.5]], { dtype: "float64", requiresGrad: true });
 * const x = tensor([1, 2], { dtype: "float64" });
 * const loss = w.matmul(x).relu().square().sum();
 * loss.backward();
 * console.assert(w.grad?.toArray().toString() === "0,0,3,6");
 * ```
 *
 * ## See also
 *
 * In Jupyter (Deno's kernel) a `Tensor` shows its shape, dtype, gradient status and values, or a
 * PNG when it looks like an image. Browser-safe.
 *
 * The nnc packages: [@nnc/tensor](https://jsr.io/@nnc/tensor), [@nnc/native](https://jsr.io/@nnc/native), [@nnc/autograd](https://jsr.io/@nnc/autograd), [@nnc/layers](https://jsr.io/@nnc/layers), [@nnc/optim](https://jsr.io/@nnc/optim), [@nnc/datasets](https://jsr.io/@nnc/datasets), [@nnc/plot](https://jsr.io/@nnc/plot), [@nnc/train](https://jsr.io/@nnc/train), [@nnc/models](https://jsr.io/@nnc/models).
 * Examples and notebooks: the repository's `examples/` and `examples/notebooks/` folders.
 *
 * @module
 */
export { Tensor, type TensorLike, type TensorOptions, type TensorSortResult } from "./tensor.ts";
export * from "./graph_node.ts";
export * from "./primitive.ts";
export * from "./backward.ts";
export * from "./graph_owned.ts";
export * from "./grad_release.ts";
export * from "./hooks.ts";
export * from "./no_grad.ts";
export * from "./anomaly.ts";
export * from "./creation.ts";
export * from "./elementwise.ts";
export * from "./reduce.ts";
export * from "./softmax.ts";
export * from "./cross_entropy.ts";
export * from "./cumulative.ts";
export * from "./matmul.ts";
export * from "./shape.ts";
export { gather, indexSelect, scatterAdd } from "./indexing.ts";
export * from "./join.ts";
export * from "./pad.ts";
export * from "./sort.ts";
export * from "./conv.ts";
export * from "./batch_norm.ts";
export * from "./pool.ts";
export * from "./dropout.ts";
export * from "./embedding.ts";
export * from "./recurrent.ts";
export * from "./functional.ts";
export * from "./gradcheck.ts";
export * from "./sparse.ts";
export * as linalg from "./linalg.ts";
export * from "./attention.ts";
export * from "./layer_norm.ts";
export * from "./einsum.ts";
