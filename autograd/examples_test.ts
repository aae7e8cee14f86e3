// The course notes' worked backprop examples, reproduced with autograd (golden values from
// ../shared/spec: 000-003 §11 one-hidden-layer network, 001-004 G13 HW5 two-layer sigmoid net).
import assert from "node:assert/strict";
import { assertClose } from "@nnc/tensor";
import { gather, gradcheck, type Tensor, tensor } from "./mod.ts";

const f64 = (v: number[] | number[][], requiresGrad = false): Tensor =>
  tensor(v, { dtype: "float64", requiresGrad });
const GOLD = { atol: 5e-7, rtol: 0 }; // the notes print 7 decimals

Deno.test("one-hidden-layer ReLU/softmax network: the notes' forward values and gradients", () => {
  const x = f64([1, 2], true);
  const W = f64([[1, -1], [0.5, 0.5], [-1, 0]], true);
  const b1 = f64([0.5, 0, 0.2], true);
  const U = f64([[1, -1, 0.5], [0, 2, 1]], true);
  const b2 = f64([0, 0.1], true);
  const z = W.matmul(x).add(b1);
  const h = z.relu();
  const theta = U.matmul(h).add(b2);
  const yHat = theta.softmax();
  const J = gather(theta.logSoftmax(), 0, tensor([0], { dtype: "int32" })).neg().sum(); // CE with y = (1, 0)
  // spec: 000-003/3.11
  assertClose(z.data, [-0.5, 1.5, -0.8], GOLD);
  assertClose(h.data, [0, 1.5, 0], GOLD);
  assertClose(theta.data, [-1.5, 3.1], GOLD);
  assertClose(yHat.data, [0.0099518, 0.9900482], GOLD);
  assertClose(J.data, 4.610001652, { atol: 5e-10 });
  J.backward();
  assertClose((U.grad as Tensor).data, [[0, -1.4850723, 0], [0, 1.4850723, 0]], GOLD);
  assertClose((b2.grad as Tensor).data, [-0.9900482, 0.9900482], GOLD);
  assertClose((W.grad as Tensor).data, [[0, 0], [2.9701446, 5.9402892], [0, 0]], GOLD);
  assertClose((b1.grad as Tensor).data, [0, 2.9701446, 0], GOLD);
  assertClose((x.grad as Tensor).data, [1.4850723, 1.4850723], GOLD);
  // δ1 = ŷ − y and δ2 = δ1 U ∘ sgn(h), exactly as derived in the notes.
  const d1 = (yHat.toArray() as number[]).map((p, k) => p - (k === 0 ? 1 : 0));
  const d2 = [0, 1, 2].map((j) =>
    (d1[0] * [1, -1, 0.5][j] + d1[1] * [0, 2, 1][j]) * ((h.toArray() as number[])[j] > 0 ? 1 : 0)
  );
  assertClose((b1.grad as Tensor).data, d2, { rtol: 1e-15, atol: 1e-15 });
});

Deno.test("HW5 two-layer sigmoid net (a = 5): autograd equals the hand-written backward", () => {
  const a = 5;
  const phi = (v: number) => 1 / (1 + Math.exp(-a * v));
  const xs = [0.3, -0.8], y = 0.7;
  const Wv = [[0.1, -0.2], [0.05, 0.15], [-0.1, 0.08]],
    bv = [0.02, -0.03, 0.01],
    Uv = [[0.2, -0.1, 0.05]],
    cv = [0.04];
  // Hand-written backward (001-004 G13).
  const vz = Wv.map((r, i) => r[0] * xs[0] + r[1] * xs[1] + bv[i]);
  const zv = vz.map(phi);
  const vf = Uv[0].reduce((s, u, i) => s + u * zv[i], cv[0]);
  const f = phi(vf);
  const gradF = -2 * (y - f);
  const deltaF = gradF * a * f * (1 - f);
  const deltaZ = zv.map((z, i) => Uv[0][i] * deltaF * a * z * (1 - z));
  const expected = {
    W: deltaZ.map((d) => xs.map((x) => d * x)),
    b: deltaZ,
    U: [zv.map((z) => deltaF * z)],
    c: [deltaF],
  };
  // Autograd.
  const W = f64(Wv, true), b = f64(bv, true), U = f64(Uv, true), c = f64(cv, true), x = f64(xs);
  const sig = (v: Tensor): Tensor => v.mul(a).sigmoid();
  const out = sig(U.matmul(sig(W.matmul(x).add(b))).add(c));
  const loss = out.sub(y).square().sum();
  assert.ok(Math.abs(out.item() - f) < 1e-15);
  loss.backward();
  const tol = { rtol: 1e-12, atol: 1e-15 };
  assertClose((W.grad as Tensor).data, expected.W, tol);
  assertClose((b.grad as Tensor).data, expected.b, tol);
  assertClose((U.grad as Tensor).data, expected.U, tol);
  assertClose((c.grad as Tensor).data, expected.c, tol);
  // And both agree with finite differences.
  const net = (w: Tensor, bb: Tensor, u: Tensor, cc: Tensor): Tensor =>
    sig(u.matmul(sig(w.matmul(x).add(bb))).add(cc)).sub(y).square().sum();
  assert.ok(gradcheck(net, [W.detach(), b.detach(), U.detach(), c.detach()], { mode: "both" }).ok);
});
