import assert from "node:assert/strict";
import { exp, type NDArray } from "@nnc/tensor";
import {
  applyPrimitive,
  gradcheck,
  jvp,
  noGrad,
  type Primitive,
  type Tensor,
  tensor,
} from "./mod.ts";

// A user-defined fused primitive: f(x) = exp(x) with derivatives in Tensor ops.
const MY_EXP: Primitive<{ calls: number }> = {
  name: "myExp",
  forward: ([x]: readonly NDArray[], p) => {
    p.calls++;
    return exp(x);
  },
  vjp: (g: Tensor, _x: readonly Tensor[], y: Tensor) => [g.mul(y)],
  jvp: ([t]: readonly (Tensor | null)[], _x: readonly Tensor[], y: Tensor) => t && t.mul(y),
};

Deno.test("applyPrimitive records a node only when needed and propagates tangents", () => {
  const p = { calls: 0 };
  const x = tensor([0, 1], { dtype: "float64", requiresGrad: true });
  const y = applyPrimitive(MY_EXP, [x], p);
  assert.equal(y.gradFn?.name, "myExp");
  assert.equal(y.gradFn?.params, p);
  assert.equal(noGrad(() => applyPrimitive(MY_EXP, [x], { calls: 0 })).gradFn, null);
  assert.equal(applyPrimitive(MY_EXP, [tensor([1])], { calls: 0 }).requiresGrad, false);
  const { tangent } = jvp(
    (t) => applyPrimitive(MY_EXP, [t], { calls: 0 }),
    tensor([0], { dtype: "float64" }),
    tensor([2], { dtype: "float64" }),
  );
  assert.equal((tangent as Tensor).item(), 2);
  assert.ok(gradcheck((t) => applyPrimitive(MY_EXP, [t], { calls: 0 }), [x], { mode: "both" }).ok);
  assert.equal(p.calls, 1);
});

Deno.test("applyPrimitive validates its inputs", () => {
  assert.throws(
    () => applyPrimitive(MY_EXP, [[1] as unknown as Tensor], { calls: 0 }),
    /myExp: input 0 must be a Tensor, got an array of length 1/,
  );
});
