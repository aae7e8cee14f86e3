import assert from "node:assert/strict";
import fc from "fast-check";
import { array, assertClose, linalg, rand, randn, Rng } from "@nnc/tensor";
import { grad, jacobian, noGrad, Tensor, tensor } from "@nnc/autograd";
import { Adam } from "@nnc/optim";
import { NormalizingFlow, PlanarFlow, planarFlow } from "./planar_flow.ts";
import { ksDistance } from "./gan_1d.ts";

const f64 = { dtype: "float64" as const };

function layer(d: number, u: number[], w: number[], b: number): PlanarFlow {
  const f = new PlanarFlow(d, f64);
  f.u.data = array(u, f64);
  f.w.data = array(w, f64);
  f.b.data = array([b], f64);
  return f;
}

Deno.test("PlanarFlow: log|det| equals slogdet of the Jacobian from autograd (property)", () => {
  const vec = (d: number) =>
    fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: d, maxLength: d });
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }).chain((d) =>
        fc.tuple(
          fc.constant(d),
          vec(d),
          vec(d).filter((w) => w.some((v) => Math.abs(v) > 0.05)),
          fc.double({ min: -1, max: 1, noNaN: true }),
          vec(d),
        )
      ),
      ([d, u, w, b, z]) => {
        const f = layer(d, u, w, b);
        const x = tensor([z], f64);
        const [, logDet] = f.forward(x);
        const j = (jacobian((t: Tensor) => f.forward(t)[0].reshape([d]), x) as Tensor).data.reshape(
          [d, d],
        );
        const { sign, logabsdet } = linalg.slogdet(j);
        // The matrix determinant lemma: det(I + ψ ûᵀ) = 1 + ûᵀψ > 0 for an invertible layer.
        assert.equal(sign.item(), 1);
        assert.ok(
          Math.abs(logDet.item() - logabsdet.item()) < 1e-9,
          `${logDet.item()} vs ${logabsdet.item()}`,
        );
      },
    ),
    { numRuns: 60, seed: 14 },
  );
});

Deno.test("PlanarFlow: û keeps ûᵀw > −1 (invertible) and inverse(forward(z)) = z", () => {
  const f = layer(3, [-10, 4, 0], [1, 0.5, -2], 0.3); // wᵀu = −8: the raw layer would fold
  const uh = f.uHat().data.toArray() as number[];
  const w = [1, 0.5, -2];
  assert.ok(uh.reduce((s, v, i) => s + v * w[i], 0) > -1);
  const z = randn([50, 3], { ...f64, rng: new Rng(1) }).mul(3);
  const [y] = noGrad(() => f.forward(new Tensor(z)));
  assertClose(f.inverse(y.data), z, { rtol: 0, atol: 1e-10 });
  assert.throws(
    () => f.forward(tensor([[1, 2]])),
    /PlanarFlow: input must be \[N, 3\], got \[1, 2\]/,
  );
});

Deno.test("NormalizingFlow: the density integrates to 1 and sampling inverts the flow", () => {
  const rng = new Rng(2);
  const flow = new NormalizingFlow([
    layer(2, [1.5, -0.5], [2, 1], 0.5),
    layer(2, [-1, 2], [0.5, -1.5], -1),
    layer(2, [0.8, 0.8], [-1, 2], 0),
  ]);
  // ∫ p(x) dx on a grid wide enough for the tails.
  const n = 241, lo = -8, hi = 8, h = (hi - lo) / (n - 1);
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pts.push([lo + i * h, lo + j * h]);
  const logp = noGrad(() => flow.forward(tensor(pts, f64))).data;
  const mass = logp.exp().sum().item() * h * h;
  assert.ok(Math.abs(mass - 1) < 1e-3, `total probability ${mass}`);
  // Samples: mapped back through the flow they are standard normal.
  const s = flow.sample(4000, rng);
  const [z] = noGrad(() => flow.transform(new Tensor(s)));
  const mean = z.data.mean({ axis: 0 }).toArray() as number[];
  const std = z.data.std({ axis: 0 }).toArray() as number[];
  mean.forEach((m) => assert.ok(Math.abs(m) < 0.06));
  std.forEach((v) => assert.ok(Math.abs(v - 1) < 0.05));
});

Deno.test("Change of variables: Z ~ U[0, 1], X = −log Z has density e^{−x} on x ≥ 0 and 0 elsewhere", () => {
  // p_X(x) = p_Z(f⁻¹(x)) |d f⁻¹/dx| with f⁻¹(x) = e^{−x}; the derivative comes from autograd.
  const inv = (x: Tensor) => x.neg().exp();
  const dInv = grad((x: Tensor) => inv(x).sum());
  const pZ = (z: number) => (z >= 0 && z <= 1 ? 1 : 0);
  for (const x of [0, 0.5, 1, 3, -0.5, -2]) {
    const t = tensor([x], f64);
    const density = pZ(inv(t).item()) * Math.abs((dInv(t) as Tensor).item());
    // spec: 001-004/G10
    assert.ok(Math.abs(density - (x >= 0 ? Math.exp(-x) : 0)) < 1e-15, `p_X(${x}) = ${density}`);
  }
  // The seed's version without |·| would be negative; the samples follow Exp(1).
  assert.ok((dInv(tensor([1], f64)) as Tensor).item() < 0);
  const u = rand([20000], { ...f64, rng: new Rng(3) });
  assert.ok(ksDistance(u.log().neg(), (x) => (x <= 0 ? 0 : 1 - Math.exp(-x))) < 0.012);
});

Deno.test("planarFlow learns a skewed 2-d density by maximum likelihood", () => {
  const rng = new Rng(4);
  // x₂ | x₁ ~ N(x₁²/2, 0.3²): a banana that a Gaussian fits poorly.
  const data = (n: number) => {
    const a = randn([n, 2], { rng }).toArray() as number[][];
    return tensor(a.map(([p, q]) => [p, 0.5 * p * p - 1 + 0.3 * q]));
  };
  const flow = planarFlow(2, 8, { rng });
  const test = data(1000);
  const before = noGrad(() => flow.forward(test).mean().item());
  const opt = new Adam(flow.parameters(), { lr: 0.02 });
  for (let i = 0; i < 300; i++) {
    opt.zeroGrad();
    flow.forward(data(128)).mean().neg().backward();
    opt.step();
  }
  const after = noGrad(() => flow.forward(test).mean().item());
  // The best Gaussian's mean log-likelihood here is −2.57 (the true density's −1.63).
  assert.ok(after > -2.45 && after > before + 0.3, `mean log-likelihood ${before} → ${after}`);
});
