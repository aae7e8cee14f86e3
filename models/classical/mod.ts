/**
 * `@nnc/models/classical`: the classical supervised learners of the course on `NDArray` alone
 * (browser-safe, no gradients): linear, ridge, lasso, logistic and softmax regression (closed forms,
 * coordinate descent, L-BFGS, Newton, and gradient descent with hand-written gradients), polynomial
 * features, standardisation, kernels, kernel ridge regression, SVMs (SMO and a primal SGD), k-nearest
 * neighbours, model selection (k-fold, splits, grid search) and the notes' theory demos (Cover's
 * counting function, shattering, the curse of dimensionality). Estimators follow scikit-learn's habits
 * in camelCase: `fit(x, y)`, `predict`, `predictProba`, `decisionFunction`, `score`.
 *
 * The gradient-descent variants (`solver: "gd"` of the regressions, proximal GD of the lasso, SGD of
 * `LinearSVM`) use the closed-form gradients of these convex losses, so they need no autograd and live
 * here with the closed forms, on the tensor-only side of the layering (no `classical_gd` family).
 * Gradient descent follows the notes: θ ← θ − α∇l from θ = 0, with l summed (`reduction: "sum"`) or
 * averaged (`"mean"`) over the samples.
 *
 * @example
 * ```ts
 * import { LinearRegression } from "@nnc/models/classical";
 * const m = new LinearRegression().fit([[0], [1], [2]], [0, 1, 1]);
 * console.assert(Math.abs(m.coef.get(0) - 0.5) < 1e-12 && Math.abs(m.intercept - 1 / 6) < 1e-12);
 * ```
 *
 * @module
 */
export * from "./linear_regressor.ts";
export * from "./linear_regression.ts";
export * from "./ridge.ts";
export * from "./lasso.ts";
export * from "./logistic_regression.ts";
export * from "./logistic_loss.ts";
export * from "./polynomial_features.ts";
export * from "./standard_scaler.ts";
export * from "./kernels.ts";
export * from "./svc.ts";
export * from "./knn.ts";
export * from "./kernel_ridge.ts";
export * from "./linear_svm.ts";
export * from "./model_selection.ts";
export * from "./cover.ts";
export * from "./curse_of_dimensionality.ts";
export * from "./lagrange.ts";
export * from "./penalties.ts";
