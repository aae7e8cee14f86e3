import assert from "node:assert/strict";
import fc from "fast-check";
import { array, rand, Rng } from "@nnc/tensor";
import { type Tensor, tensor } from "@nnc/autograd";
import { bceWithLogits, crossEntropy } from "@nnc/layers";
import { pgd, projectPerturbation, steepestDirection } from "./mod.ts";
import { assertClose, fixtureCnn, torchFixture } from "./_testing.ts";

const fixture = torchFixture();
const x = array(fixture.x, { dtype: "float64" });

Deno.test("pgd (ℓ∞, 10 steps, no random start) equals PyTorch's PGD on the same CNN", () => {
  const net = fixtureCnn();
  const { eps, alpha, steps } = fixture.pgd_linf;
  const adv = pgd(net, x, array(fixture.y, { dtype: "int32" }), { eps, alpha, steps });
  assertClose(adv.data, fixture.pgd_linf.adv, 0, "pgd linf");
  assert.ok(adv.data.sub(x).abs().max().item() <= eps + 1e-15);
});

Deno.test("pgd targeted (ℓ∞) equals PyTorch's, and reaches the target", () => {
  const net = fixtureCnn();
  const { eps, alpha, steps } = fixture.pgd_linf_targeted;
  const adv = pgd(net, x, fixture.target, { eps, alpha, steps, targeted: true });
  assertClose(adv.data, fixture.pgd_linf_targeted.adv, 0, "pgd linf targeted");
});

Deno.test("pgd ℓ2 equals PyTorch's to rounding, inside the ε-ball", () => {
  const net = fixtureCnn();
  const { eps, alpha, steps } = fixture.pgd_l2;
  const adv = pgd(net, x, fixture.y, { eps, alpha, steps, norm: "l2" });
  assertClose(adv.data, fixture.pgd_l2.adv, 1e-12, "pgd l2");
  const norms = adv.data.sub(x).reshape([6, -1]).square().sum({ axis: 1 }).sqrt();
  assert.ok(norms.max().item() <= eps + 1e-12);
});

Deno.test("pgd raises the loss over FGSM's on the fixture CNN", () => {
  const net = fixtureCnn();
  const loss = (a: Tensor) =>
    crossEntropy(net.forward(a), tensor(fixture.y, { dtype: "int32" })).item();
  const clean = loss(tensor(fixture.x, { dtype: "float64" }));
  const one = loss(pgd(net, x, fixture.y, { eps: 0.1, alpha: 0.1, steps: 1 }));
  const ten = loss(pgd(net, x, fixture.y, { eps: 0.1, alpha: 0.025, steps: 10 }));
  assert.ok(clean < one && one < ten, `${clean} < ${one} < ${ten}`);
});

Deno.test("steepest directions of z = (3, −4): ℓ2 (0.6, −0.8), ℓ∞ (1, −1)", () => {
  // spec: 001-004/A3.pgd-direction
  const z = array([[3, -4]], { dtype: "float64" });
  assert.deepEqual(steepestDirection(z, "l2").toArray(), [[0.6, -0.8]]);
  assert.deepEqual(steepestDirection(z, "linf").toArray(), [[1, -1]]);
  assert.deepEqual(steepestDirection(array([[0, 0]], { dtype: "float64" }), "l2").toArray(), [[
    0,
    0,
  ]]);
});

Deno.test("the ε-box clip: x = 0.5, ε = 0.1: 0.7 → 0.6, 0.45 → 0.45", () => {
  // spec: 002-part-b/G25
  const x0 = array([[0.5, 0.5]], { dtype: "float64" });
  const p = projectPerturbation(array([[0.7, 0.45]], { dtype: "float64" }), x0, 0.1, "linf");
  assert.ok(Math.abs(p.get(0, 0) - 0.6) < 1e-15);
  assert.equal(p.get(0, 1), 0.45);
});

Deno.test("FGSM and iterative FGSM with clip on logistic regression w = (1, −2)", () => {
  // spec: 002-part-b/G23
  const w = tensor([1, -2], { dtype: "float64" });
  const model = (v: Tensor) => v.matmul(w);
  const loss = (z: Tensor, y: Tensor) => bceWithLogits(z, y, { reduction: "sum" });
  const x0 = tensor([[1, 1]], { dtype: "float64" }), y = tensor([1], { dtype: "float64" });
  assert.ok(Math.abs(loss(model(x0), y).item() - 1.3132617) < 1e-7); // p = σ(−1) = 0.2689414
  const one = pgd(model, x0, y, { eps: 0.1, alpha: 0.1, steps: 1, loss, box: null });
  assert.ok(Math.abs(one.get(0, 0) - 0.9) < 1e-15 && Math.abs(one.get(0, 1) - 1.1) < 1e-15);
  assert.ok(Math.abs(model(one).item() + 1.3) < 1e-12);
  assert.ok(Math.abs(loss(model(one), y).item() - 1.5410085) < 1e-7);
  const two = pgd(model, x0, y, { eps: 0.15, alpha: 0.1, steps: 2, loss, box: null });
  assert.ok(Math.abs(two.get(0, 0) - 0.85) < 1e-15 && Math.abs(two.get(0, 1) - 1.15) < 1e-15);
});

Deno.test("pgd property: iterates stay in the ε-ball and the box (ℓ∞ and ℓ2, random start)", () => {
  const net = fixtureCnn();
  fc.assert(
    fc.property(
      fc.double({ min: 0.01, max: 0.5, noNaN: true }),
      fc.constantFrom("linf" as const, "l2" as const),
      fc.integer({ min: 0, max: 1000 }),
      (eps, norm, seed) => {
        const xs = rand([2, 1, 8, 8], { dtype: "float64", rng: new Rng(seed) });
        const adv = pgd(net, xs, [0, 1], {
          eps,
          steps: 3,
          norm,
          randomStart: true,
          rng: new Rng(seed),
        });
        const d = adv.data.sub(xs).reshape([2, -1]);
        const size = norm === "linf"
          ? d.abs().max({ axis: 1 })
          : d.square().sum({ axis: 1 }).sqrt();
        return size.max().item() <= eps * (1 + 1e-12) && adv.data.min().item() >= 0 &&
          adv.data.max().item() <= 1;
      },
    ),
    { numRuns: 20 },
  );
});

Deno.test("pgd: clear errors for ε < 0, steps < 1, an unknown norm, alpha ≤ 0 and inputs outside the box", () => {
  const net = fixtureCnn();
  const y = fixture.y;
  assert.throws(() => pgd(net, x, y, { eps: -1 }), /pgd: eps must be a finite number >= 0, got -1/);
  assert.throws(
    () => pgd(net, x, y, { eps: 0.1, steps: 0 }),
    /pgd: steps must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => pgd(net, x, y, { eps: 0.1, steps: 2.5 }),
    /pgd: steps must be an integer >= 1/,
  );
  assert.throws(
    () => pgd(net, x, y, { eps: 0.1, norm: "l1" as never }),
    /pgd: norm must be one of "linf", "l2", got "l1"/,
  );
  assert.throws(
    () => pgd(net, x, y, { eps: 0.1, alpha: 0 }),
    /pgd: alpha must be a finite number > 0/,
  );
  assert.throws(
    () => pgd(net, x.sub(0.5), y, { eps: 0.1 }),
    /pgd: x has values in .* outside the box \[0, 1\]/,
  );
  assert.throws(() => pgd(net, x, y, { eps: 0.1, rng: 3 as never }), /pgd: rng must be an Rng/);
  assert.throws(
    () => steepestDirection(array([[1]]), "l3" as never),
    /steepestDirection: norm must be one of/,
  );
  // ε = 0 returns the inputs
  assert.deepEqual(pgd(net, x, y, { eps: 0 }).toArray(), x.toArray());
});
