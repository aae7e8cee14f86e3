// The hand-written back-propagation of the "imitate a friend's network" experiment against autograd.
import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { type Tensor, tensor } from "@nnc/autograd";
import { friend, SigmoidNet } from "./_friend.ts";

Deno.test("HW5 Q2: the hand-written backward equals autograd's gradients (a = 5) and finite differences", () => {
  // spec: 001-004/G13
  const rng = new Rng(4);
  for (const a of [5, 10]) {
    const net = new SigmoidNet(3, a, () => rng.normal(0, 0.5));
    const [x, y, t] = [0.3, -0.7, 1];
    const { loss, grad } = net.backward(x, y, t);
    const W = tensor(Array.from(net.W), { dtype: "float64", requiresGrad: true });
    const b = tensor(Array.from(net.b), { dtype: "float64", requiresGrad: true });
    const U = tensor(Array.from(net.U), { dtype: "float64", requiresGrad: true });
    const c = tensor([net.c], { dtype: "float64", requiresGrad: true });
    const phi = (v: Tensor) => v.mul(a).sigmoid();
    const z = phi(W.reshape([3, 2]).matmul(tensor([x, y], { dtype: "float64" })).add(b));
    const f = phi(U.mul(z).sum().add(c.sum()));
    const l = f.sub(t).square();
    l.backward();
    assert.ok(Math.abs(l.item() - loss) < 1e-15);
    const close = (h: Float64Array | number[], auto: Tensor, what: string) =>
      (auto.grad!.toArray() as number[]).forEach((v, i) =>
        assert.ok(Math.abs(v - h[i]) < 1e-14, `${what}[${i}]: ${h[i]} vs ${v}`)
      );
    close(grad.W, W, "∇W");
    close(grad.b, b, "∇b");
    close(grad.U, U, "∇U");
    close([grad.c], c, "∇c");
    // and a central finite difference on one weight
    const h = 1e-6;
    net.W[3] += h;
    const up = net.backward(x, y, t).loss;
    net.W[3] -= 2 * h;
    const down = net.backward(x, y, t).loss;
    net.W[3] += h;
    assert.ok(Math.abs((up - down) / (2 * h) - grad.W[3]) < 1e-8);
  }
});

Deno.test("the friend's step network labels a triangle", () => {
  assert.equal(friend(0, 0), 1);
  assert.equal(friend(-0.9, 0), 0);
  assert.equal(friend(0.9, 0.9), 0);
  assert.equal(friend(0.5, 0), 1);
});
