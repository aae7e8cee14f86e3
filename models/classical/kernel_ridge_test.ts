import assert from "node:assert/strict";
import { KernelRidge } from "./kernel_ridge.ts";
import { pairwiseKernels } from "./kernels.ts";
import { Ridge } from "./ridge.ts";
import { assertClose, sklearnFixtures } from "./_fixtures_testing.ts";

const fx = sklearnFixtures();
const { x, y } = fx.regression;

Deno.test("KernelRidge: dual coefficients and predictions equal scikit-learn's", () => {
  for (const c of fx.kernel_ridge) {
    const m = new KernelRidge(c.params).fit(x, y);
    assertClose(m.dualCoef.data, c.dual_coef, 1e-6, `${c.params.kernel} dual`);
    assertClose(m.predict(x.slice(0, 6)).data, c.predict, 1e-6, `${c.params.kernel} predict`);
  }
});

Deno.test("KernelRidge with the linear kernel is ridge without intercept", () => {
  const kr = new KernelRidge({ alpha: 2 }).fit(x, y);
  const r = new Ridge({ alpha: 2, fitIntercept: false }).fit(x, y);
  assertClose(kr.predict(x).data, r.predict(x).data, 1e-9, "predictions");
});

Deno.test("pairwiseKernels: every built-in kernel against its formula; custom kernels; errors", () => {
  const a = [[1, 2], [0, -1]], b = [[0.5, 0.5]];
  const dot = (u: number[], v: number[]) => u[0] * v[0] + u[1] * v[1];
  const k = (kernel: "linear" | "poly" | "rbf" | "sigmoid") =>
    Array.from(pairwiseKernels(a, b, { kernel, gamma: 0.3, degree: 2, coef0: 0.5 }).data);
  assertClose(k("linear"), a.map((r) => dot(r, b[0])), 1e-15, "linear");
  assertClose(k("poly"), a.map((r) => (0.3 * dot(r, b[0]) + 0.5) ** 2), 1e-15, "poly");
  assertClose(k("sigmoid"), a.map((r) => Math.tanh(0.3 * dot(r, b[0]) + 0.5)), 1e-15, "sigmoid");
  assertClose(
    k("rbf"),
    a.map((r) => Math.exp(-0.3 * ((r[0] - 0.5) ** 2 + (r[1] - 0.5) ** 2))),
    1e-15,
    "rbf",
  );
  const custom = pairwiseKernels(a, b, { kernel: (u, v) => Math.abs(u[0] - v[0]) });
  assertClose(custom.data, [0.5, 0.5], 0, "custom");
  assert.throws(() => pairwiseKernels(a, b, { kernel: () => NaN }), /custom kernel returned NaN/);
  assert.throws(() => pairwiseKernels(a, [[1, 2, 3]]), /b has 3 features .* expected 2/);
  assert.throws(
    () => pairwiseKernels(a, b, { kernel: "laplace" as "rbf" }),
    /kernel must be one of/,
  );
});

Deno.test("pairwiseKernels names itself for null options and for a custom kernel's bad value", () => {
  assert.throws(
    () => pairwiseKernels([[1, 2]], undefined, null as never),
    /^TypeError: pairwiseKernels: options must be an object, got null$/,
  );
  assert.throws(
    () => pairwiseKernels([[1, 2]], undefined, { kernel: (a) => a as never }),
    /^RangeError: pairwiseKernels: the custom kernel returned a Float64Array for rows 0 and 0; expected a finite number$/,
  );
});
