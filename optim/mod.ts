/**
 * `@nnc/optim`: optimisers (SGD, Adam, AdamW, AMSGrad, RMSprop, Adagrad, Adadelta, SignSGD),
 * learning-rate schedules, gradient clipping, and optimiser state in safetensors. Updates match
 * `torch.optim`; where the course notes use another form (Nesterov look-ahead, ε inside RMSprop's
 * root, Adam's β2 = 0.99), it is a documented `variant: "notes"` option.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { Adam, clipGradNorm, CosineAnnealingLR } from "@nnc/optim";
 * const w = tensor([3, -2], { dtype: "float64", requiresGrad: true });
 * const opt = new Adam([w], { lr: 0.1 });
 * const sched = new CosineAnnealingLR(opt, { tMax: 100 });
 * for (let step = 0; step < 100; step++) {
 *   opt.zeroGrad();
 *   w.mul(w).sum().backward();
 *   clipGradNorm([w], 1);
 *   opt.step();
 *   sched.step();
 * }
 * console.assert(Math.hypot(w.get(0), w.get(1)) < 0.1);
 * ```
 *
 * ## See also
 *
 * Browser-safe (saving optimiser state to files needs Deno).
 *
 * The nnc packages: [@nnc/tensor](https://jsr.io/@nnc/tensor), [@nnc/native](https://jsr.io/@nnc/native), [@nnc/autograd](https://jsr.io/@nnc/autograd), [@nnc/layers](https://jsr.io/@nnc/layers), [@nnc/optim](https://jsr.io/@nnc/optim), [@nnc/datasets](https://jsr.io/@nnc/datasets), [@nnc/plot](https://jsr.io/@nnc/plot), [@nnc/train](https://jsr.io/@nnc/train), [@nnc/models](https://jsr.io/@nnc/models).
 * Examples and notebooks: the repository's `examples/` and `examples/notebooks/` folders.
 *
 * @module
 */
export * from "./optimizer.ts";
export * from "./sgd.ts";
export * from "./adam.ts";
export * from "./moment_options.ts";
export * from "./adamax.ts";
export * from "./nadam.ts";
export * from "./radam.ts";
export * from "./adamw.ts";
export * from "./rmsprop.ts";
export * from "./rprop.ts";
export * from "./lbfgs.ts";
export * from "./adagrad.ts";
export * from "./adadelta.ts";
export * from "./sign_sgd.ts";
export * from "./lr_scheduler.ts";
export * from "./step_lr.ts";
export * from "./multi_step_lr.ts";
export * from "./exponential_lr.ts";
export * from "./cosine_annealing_lr.ts";
export * from "./cosine_annealing_warm_restarts.ts";
export * from "./linear_warmup.ts";
export * from "./one_cycle_lr.ts";
export * from "./reduce_lr_on_plateau.ts";
export * from "./notes_decay.ts";
export * from "./clip_grad.ts";
export * from "./serialization.ts";
export * from "./lambda_lr.ts";
export * from "./multiplicative_lr.ts";
export * from "./constant_lr.ts";
export * from "./linear_lr.ts";
export * from "./polynomial_lr.ts";
export * from "./cyclic_lr.ts";
export * from "./sequential_lr.ts";
export * from "./chained_scheduler.ts";
