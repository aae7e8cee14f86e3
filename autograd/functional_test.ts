import assert from "node:assert/strict";
import { assertClose, linalg, randn, Rng } from "@nnc/tensor";
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

Deno.test("notes' computational graph of log x + √(log x): y = log x feeds both z = √y and f = y + z", () => {
  // spec: 002-part-a/3a.L3220
  const x = f64(Math.E).requiresGrad_();
  const y = x.log().retainGrad(), z = y.sqrt().retainGrad();
  const f = y.add(z);
  assert.equal(f.gradFn?.name, "add");
  assert.deepEqual(f.gradFn?.inputs, [y, z]);
  assert.equal(z.gradFn?.name, "sqrt");
  assert.equal(z.gradFn?.inputs?.[0], y);
  assert.equal(y.gradFn?.name, "log");
  assert.equal(y.gradFn?.inputs?.[0], x);
  // Reverse mode sums the two paths into y: ∂f/∂y = 1 + 1/(2√y) = 1.5 at y = 1, then ∂f/∂x = 1.5/x.
  f.backward();
  assert.equal((z.grad as Tensor).item(), 1);
  assert.equal((y.grad as Tensor).item(), 1.5);
  assert.ok(Math.abs((x.grad as Tensor).item() - 1.5 / Math.E) < 1e-16);
});

Deno.test("notes' second graph f(x) = asinh(x)/x² − asinh(x)³/√(x² + 1): values and derivatives, both modes", () => {
  // spec: 002-part-a/3b.autodiff-asinh
  const f = (x: Tensor): Tensor => {
    const root = x.square().add(1).sqrt();
    const a = x.add(root).log(); // asinh x = log(x + √(x² + 1))
    return a.div(x.square()).sub(a.pow(3).div(root));
  };
  const golden: [number, number, number][] = [
    [1, 0.3972401299739582, -1.9788027641732895],
    [2, -0.98460331525882, -0.9613506274151535],
  ];
  for (const [x0, value, slope] of golden) {
    const x = f64(x0).requiresGrad_();
    const y = f(x);
    y.backward();
    assert.ok(Math.abs(y.item() - value) < 1e-14, `f(${x0}) = ${y.item()}`);
    assert.ok(Math.abs((x.grad as Tensor).item() - slope) < 1e-14, `reverse f'(${x0})`);
    const fwd = jvp(f, f64(x0), f64(1));
    assert.ok(Math.abs((fwd.tangent as Tensor).item() - slope) < 1e-14, `forward f'(${x0})`);
  }
});

Deno.test("notes' programmatic graph z = sqrt(sum(square(x), 1)) is the row-wise norm; [[3, 4]] gives 5 and (0.6, 0.8)", () => {
  // spec: 002-part-a/3a.L3274
  const rows = (x: Tensor): Tensor => x.square().sum({ axis: 1 }).sqrt();
  const r = R([6, 4], 11).detach();
  assertClose(rows(r).data, linalg.norm(r.data, { axis: 1 }), { rtol: 1e-15, atol: 0 });
  // spec: 002-part-a/3b.rownorm
  const x = tensor([[3, 4]], { dtype: "float64", requiresGrad: true });
  const z = rows(x);
  assert.deepEqual(z.toArray(), [5]);
  z.sum().backward();
  assertClose((x.grad as Tensor).data, [[0.6, 0.8]], { atol: 1e-15, rtol: 0 });
});

Deno.test("notes' operators Sf = f′ and (Tf)(x) = x²f(x) do not commute: f(x) = x gives STf = 3x², TSf = x²", () => {
  // spec: 002-part-a/3a.L1113
  type Fn = (x: Tensor) => Tensor;
  const S = (g: Fn): Fn => (x) => grad(g)(x) as Tensor; // differentiation, by autograd
  const T = (g: Fn): Fn => (x) => x.square().mul(g(x));
  const f: Fn = (x) => x;
  for (const x0 of [-1.5, 0.5, 2, 3]) {
    assert.equal(S(T(f))(f64(x0)).item(), 3 * x0 * x0);
    assert.equal(T(S(f))(f64(x0)).item(), x0 * x0);
  }
  // Both are linear maps on functions: S(2f + g) = 2Sf + Sg with g = sin.
  const g: Fn = (x) => x.sin();
  const combo: Fn = (x) => f(x).mul(2).add(g(x));
  assert.ok(Math.abs(S(combo)(f64(0.7)).item() - (2 + Math.cos(0.7))) < 1e-15);
});

Deno.test("notes' direction (√2/2, √2/2): a unit vector of slope 1; the directional derivative is ⟨∇f, v⟩", () => {
  // spec: 002-part-a/3a.L2436
  const v = f64([Math.SQRT2 / 2, Math.SQRT2 / 2]);
  assert.ok(Math.abs(linalg.norm(v.data).item() - 1) < 1e-15);
  assert.equal(v.get(1) / v.get(0), 1); // the line x(t) = y(t) = (√2/2)t
  const f = (p: Tensor): Tensor =>
    p.slice(0).square().add(p.slice(0).mul(p.slice(1)).mul(3)).add(p.slice(1).exp());
  const p0 = f64([0.4, -1.2]);
  const directional = (jvp(f, p0, v).tangent as Tensor).item();
  const gradient = grad(f)(p0) as Tensor;
  assert.ok(Math.abs(directional - gradient.mul(v).sum().item()) < 1e-14);
  // …and the rate of change of f along p0 + t·v at t = 0 (central differences).
  const h = 1e-5;
  const along = (t: number) => f(p0.add(v.mul(t))).item();
  assert.ok(Math.abs(directional - (along(h) - along(-h)) / (2 * h)) < 1e-9);
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

Deno.test("the notes' relighting model: 4 parameters put 64-pixel images on a 4-d manifold", () => {
  // spec: 002-part-a/3a.L724
  // A Lambertian 8×8 patch of a unit sphere lit by a point light at (x, y, z) with intensity a:
  // pixel i = a · (n_i · (L − p_i)) / |L − p_i|³. The images live in ℝ⁶⁴ but vary along 4
  // directions only: the Jacobian has rank 4, and the differences of nearby relit images span a
  // 4-d subspace (the 5th singular value is second order in the step).
  const points: number[][] = [];
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      const u = (r - 3.5) / 8, v = (c - 3.5) / 8;
      points.push([u, v, Math.sqrt(1 - u * u - v * v)]); // on the sphere, so normal = position
    }
  }
  const p = f64(points);
  const pick = f64([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]]), pickA = f64([[0], [0], [0], [1]]);
  const relight = (theta: Tensor): Tensor => {
    const d = theta.reshape(1, 4).matmul(pick).sub(p); // L − p_i, [64, 3]
    const dist2 = d.mul(d).sum({ axis: 1 });
    const cos = p.mul(d).sum({ axis: 1 });
    return cos.div(dist2.mul(dist2.sqrt())).mul(theta.reshape(1, 4).matmul(pickA).reshape(1));
  };
  const t0 = [0.5, -0.3, 3, 2], theta0 = f64(t0);
  const J = jacobian(relight, theta0) as Tensor;
  assert.deepEqual(J.shape, [64, 4]);
  const sJ = linalg.svdvals(J.data).toArray() as number[];
  assert.ok(sJ[3] / sJ[0] > 1e-3, `rank 4: ${sJ}`);
  const base = relight(theta0).data;
  const rows: number[][] = [], rng = new Rng(11);
  for (let k = 0; k < 40; k++) {
    const step = Array.from(randn([4], { rng, dtype: "float64" }).data, (v) => 1e-4 * v);
    const moved = relight(f64(t0.map((t, j) => t + step[j]))).data;
    rows.push(Array.from(moved.data, (v, i) => v - base.data[i]));
  }
  const s = linalg.svdvals(f64(rows).data).toArray() as number[];
  assert.ok(s[3] / s[0] > 1e-3, `four directions: ${s.slice(0, 6)}`);
  assert.ok(s[4] / s[0] < 1e-3, `no fifth direction: ${s.slice(0, 6)}`);
});

Deno.test("jacobian names itself for null options and for no primals", () => {
  const f = (t: Tensor) => t.square();
  assert.throws(
    () => jacobian(f, [tensor([1])], null as never),
    /^TypeError: jacobian: options must be an object, got null$/,
  );
  for (const mode of ["reverse", "forward"] as const) {
    assert.throws(
      () => jacobian(f, [], { mode }),
      /^RangeError: jacobian: primals must hold at least one tensor, got an empty array$/,
    );
  }
});
