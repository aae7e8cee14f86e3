/**
 * Adversarial robustness: attacks on any differentiable classifier (a `Module` or a function),
 * with inputs kept in a valid box, and adversarial training.
 *
 * - the closed-form attacks on linear classifiers: {@link linearMinL2Attack},
 *   {@link linearMinLinfAttack}, {@link linearMaxLinfAttack};
 * - {@link fgsm}, {@link pgd} (ℓ∞ or ℓ2, targeted or not, random start) with
 *   {@link steepestDirection} and {@link projectPerturbation};
 * - {@link deepFool} (binary and multi-class, overshoot), {@link carliniWagnerL2} with
 *   {@link cwMargin}, {@link universalPerturbation};
 * - {@link AdversarialTraining}, a batch transform for `fit` with the mixed loss
 *   `αL(x) + (1 − α)L(x_adv)`; {@link robustAccuracy}, accuracy against ε.
 *
 * @example
 * ```ts
 * import { fgsm, pgd } from "@nnc/models/robustness";
 * import { mlp } from "@nnc/models/mlp";
 * import { rand, Rng } from "@nnc/tensor";
 * const net = mlp([4, 8, 3], { rng: new Rng(0) });
 * const x = rand([5, 4], { rng: new Rng(1) }), y = [0, 1, 2, 0, 1];
 * const a = fgsm(net, x, y, { eps: 0.1 });
 * const b = pgd(net, x, y, { eps: 0.1, steps: 5 });
 * console.assert(a.data.sub(x).abs().max().item() <= 0.1 + 1e-6);
 * console.assert(b.data.sub(x).abs().max().item() <= 0.1 + 1e-6);
 * ```
 *
 * @module
 */
export * from "./classifier.ts";
export * from "./linear_attacks.ts";
export * from "./fgsm.ts";
export * from "./pgd.ts";
export * from "./deepfool.ts";
export * from "./carlini_wagner.ts";
export * from "./universal.ts";
export * from "./adversarial_training.ts";
export * from "./robust_accuracy.ts";
