import assert from "node:assert/strict";
import { assertClose } from "@nnc/tensor";
import * as ag from "./mod.ts";
import {
  grad,
  hessian,
  hessianVectorProduct,
  jacobian,
  jvp,
  type Tensor,
  tensor,
  valueAndGrad,
  vjp,
} from "./mod.ts";
import { randTensor as R } from "./_testing.ts";

const f64 = (v: number | number[] | number[][]): Tensor => tensor(v, { dtype: "float64" });

Deno.test("notes' worked example f(x) = log x + √(log x): forward and reverse mode agree with the golden values", () => {
  // spec: 002-part-a/3b.autodiff-log
  // 002-part-a L3220: at x = e f = 2, f' = 1.5/e; at x = e⁴ f = 6, f' = 1.25e⁻⁴; at x = 2 …
  const f = (x: Tensor): Tensor => x.log().add(x.log().sqrt());
  const golden: [number, number, number][] = [
    [Math.E, 2, 0.5518191617571635],
    [Math.exp(4), 6, 0.022894548610917727],
    [2, 1.525701791717643, 0.8002806021966125],
  ];
  for (const [x0, value, slope] of golden) {
    const x = f64(x0).requiresGrad_();
    const y = f(x);
    y.backward();
    assert.ok(Math.abs(y.item() - value) < 1e-14);
    assert.ok(Math.abs((x.grad as Tensor).item() - slope) < 1e-15, `reverse at ${x0}`);
    const fwd = jvp(f, f64(x0), f64(1));
    assert.ok(Math.abs((fwd.tangent as Tensor).item() - slope) < 1e-15, `forward at ${x0}`);
    assert.ok(Math.abs((grad(f)(f64(x0)) as Tensor).item() - slope) < 1e-15);
  }
  assert.ok(Math.abs(0.5518191617571635 - 1.5 / Math.E) < 1e-16);
});

Deno.test("notes' chain rule: d/dx cos(sin x) at 1 = −0.4028624431", () => {
  // spec: 000-003/3.10
  const d = grad((x) => x.sin().cos())(f64(1)) as Tensor;
  assert.ok(Math.abs(d.item() + 0.4028624431) < 1e-10);
});

Deno.test("grad composes: grad(grad(f)) and argnums", () => {
  const f = (x: Tensor): Tensor => x.pow(4).sum(); // f'' = 12x²
  const d2 = grad((x) => grad(f)(x) as Tensor);
  assert.equal((d2(f64([2])) as Tensor).item(), 48);
  const g = grad((a, b) => a.mul(b).sum(), { argnums: [0, 1] })(
    f64([1, 2]),
    f64([3, 4]),
  ) as Tensor[];
  assert.deepEqual(g.map((t) => t.toArray()), [[3, 4], [1, 2]]);
  const { value, grad: gb } = valueAndGrad((a, b) => a.mul(b).sum(), { argnums: 1 })(
    f64([1, 2]),
    f64([3, 4]),
  );
  assert.equal(value.item(), 11);
  assert.deepEqual((gb as Tensor).toArray(), [1, 2]);
  assert.deepEqual((grad((x) => x.sum().mul(0))(f64([1, 2])) as Tensor).toArray(), [0, 0]);
});

Deno.test("grad inside a graph: gradient penalty ‖∇ₓD(x)‖² differentiates with respect to closed-over weights", () => {
  const w = tensor([[0.5, -1], [2, 0.3]], { dtype: "float64", requiresGrad: true });
  const D = (x: Tensor): Tensor => x.matmul(w).tanh().sum();
  const penalty = (grad(D)(f64([0.2, -0.4])) as Tensor).square().sum();
  penalty.backward();
  // Same with an explicit finite difference in w[0][0].
  const at = (d: number) => {
    const w2 = ag.tensor([[0.5 + d, -1], [2, 0.3]], { dtype: "float64" });
    const D2 = (x: Tensor): Tensor => x.matmul(w2).tanh().sum();
    return (grad(D2)(f64([0.2, -0.4])) as Tensor).square().sum().item();
  };
  const numeric = (at(1e-6) - at(-1e-6)) / 2e-6;
  assert.ok(Math.abs((w.grad as Tensor).get(0, 0) - numeric) < 1e-7);
});

Deno.test("vjp and jvp: values, several outputs, and duality ⟨u, J v⟩ = ⟨Jᵀ u, v⟩", () => {
  const f = (x: Tensor): Tensor[] => [x.exp(), x.mul(x).sum()];
  const x = R([3], 1).detach();
  const u = [R([3], 2).detach(), f64(0.5)];
  const v = R([3], 3).detach();
  const back = vjp(f, x, u);
  const fwd = jvp(f, x, v);
  const [t0, t1] = fwd.tangent as Tensor[];
  const lhs = u[0].mul(t0).sum().item() + u[1].mul(t1).sum().item();
  const rhs = (back.grad as Tensor).mul(v).sum().item();
  assert.ok(Math.abs(lhs - rhs) < 1e-12);
  assert.equal((fwd.value as Tensor[]).length, 2);
  assert.throws(
    () => jvp((a) => jvp((b) => b, a, a).tangent as Tensor, x, v),
    /jvp: nested forward mode is not supported/,
  );
});

Deno.test("hessianVectorProduct equals hessian·v and forward-over-reverse jvp(grad f)", () => {
  const f = (x: Tensor): Tensor =>
    x.sin().mul(x.slice({ start: 1 }).sum()).sum().add(x.pow(3).sum());
  const x = R([4], 4).detach(), v = R([4], 5).detach();
  const H = hessian(f, x);
  const hv = hessianVectorProduct(f, x, v).hvp as Tensor;
  assertClose(hv.data, H.matmul(v).data, { rtol: 1e-12, atol: 1e-12 });
  const fwdOverRev = jvp((z) => grad(f)(z) as Tensor, x, v).tangent as Tensor;
  assertClose(fwdOverRev.data, hv.data, { rtol: 1e-12, atol: 1e-12 });
  assertClose(H.data, H.T.data, { atol: 1e-12 }); // symmetric
});

Deno.test("jacobian: reverse and forward mode agree, with the [out, in] layout", () => {
  const f = (x: Tensor): Tensor => x.softmax().mul(x.slice(0));
  const x = R([3], 6).detach();
  const Jr = jacobian(f, x) as Tensor, Jf = jacobian(f, x, { mode: "forward" }) as Tensor;
  assert.deepEqual(Jr.shape, [3, 3]);
  assertClose(Jf.data, Jr.data, { rtol: 1e-12, atol: 1e-14 });
  const [ja, jb] = jacobian((a, b) => a.matmul(b), [
    R([2, 3], 7).detach(),
    R([3], 8).detach(),
  ]) as Tensor[];
  assert.deepEqual([ja.shape, jb.shape], [[2, 2, 3], [2, 3]]);
});

Deno.test("transform errors name the transform", () => {
  assert.throws(
    () => grad((x) => x.mul(2))(f64([1, 2])),
    /grad: f must return a one-element tensor, got shape \[2\]/,
  );
  assert.throws(
    () => grad((x) => x.sum(), { argnums: 2 })(f64([1])),
    /grad: argnums entry 2 is out of range for 1 arguments/,
  );
  assert.throws(
    () => vjp((x) => x, f64([1]), f64([1, 2])),
    /vjp: cotangent 0 has shape \[2\], output has \[1\]/,
  );
  assert.throws(
    () => jvp((x) => x, f64([1]), f64([1, 2])),
    /jvp: tangent 0 has shape \[2\], primal has \[1\]/,
  );
  assert.throws(
    () => grad((x) => x.sum())(tensor([1], { dtype: "int32" })),
    /grad: argument 0 must be float32 or float64/,
  );
});

Deno.test("transforms record their backward pass only when an outer graph needs it", () => {
  const local = valueAndGrad((x) => x.square().sum())(f64([1, 2]));
  assert.equal(local.value.requiresGrad, false);
  assert.equal((local.grad as Tensor).requiresGrad, false);
  const w = tensor([3], { dtype: "float64", requiresGrad: true });
  const outer = valueAndGrad((x) => x.mul(w).square().sum())(f64([1, 2]));
  assert.ok(outer.value.requiresGrad && (outer.grad as Tensor).requiresGrad);
  (outer.grad as Tensor).sum().backward(); // ∂f/∂x = 2 x w², so d/dw Σ 2 x w² = 4 w Σ x = 36
  assert.equal(w.grad?.item(), 36);
});
