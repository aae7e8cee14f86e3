import assert from "node:assert/strict";
import fc from "fast-check";
import { array, assertClose, linalg, matmul, type NDArray, rand, randn, Rng } from "@nnc/tensor";
import {
  gradcheck,
  jacobian,
  matmul as matmulT,
  noGrad,
  ones,
  Tensor,
  tensor,
} from "@nnc/autograd";
import { Linear, Sequential, Sigmoid, Tanh } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { Autoencoder, mlpAutoencoder, reconstructionError } from "./autoencoder.ts";
import { contractivePenalty, sparsityPenalty } from "./autoencoder_penalties.ts";
import { Corruption } from "./corruption.ts";
import { LinearAutoencoder, subspaceAngles } from "./linear_autoencoder.ts";

const f64 = { dtype: "float64" as const };

Deno.test("contractivePenalty equals the mean squared Frobenius norm of the encoder Jacobian from `jacobian`", () => {
  const rng = new Rng(1);
  const enc = new Sequential(
    new Linear(5, 4, { ...f64, rng }),
    new Tanh(),
    new Linear(4, 3, { ...f64, rng }),
    new Sigmoid(),
  );
  const xs = randn([6, 5], { ...f64, rng });
  const x = new Tensor(xs, { requiresGrad: true });
  const penalty = contractivePenalty(enc.forward(x), x).item();
  let expected = 0;
  for (let n = 0; n < 6; n++) {
    const row = new Tensor(xs.slice(n).reshape([1, 5]));
    const j = jacobian((t: Tensor) => enc.forward(t).reshape([3]), row) as Tensor; // [3, 1, 5]
    expected += j.square().sum().item() / 6;
  }
  assert.ok(Math.abs(penalty - expected) < 1e-12 * expected, `${penalty} vs ${expected}`);
  // The closed form for a sigmoid layer h = σ(Wx + c): Σⱼ (hⱼ(1 − hⱼ))² ‖Wⱼ‖².
  const lin = new Linear(5, 3, { ...f64, rng });
  const h = lin.forward(x).sigmoid();
  const w2 = lin.weight.data.square().sum({ axis: 1 });
  const closed = h.data.mul(h.data.neg().add(1)).square().mul(w2).sum().item() / 6;
  assert.ok(Math.abs(contractivePenalty(h, x).item() - closed) < 1e-12 * closed);
});

Deno.test("contractivePenalty trains the encoder: gradcheck through the double backward", () => {
  const rng = new Rng(2);
  const xs = randn([3, 4], { ...f64, rng });
  const w = new Tensor(randn([2, 4], { ...f64, rng }), { requiresGrad: true });
  const penalty = (weight: Tensor) => {
    const x = new Tensor(xs, { requiresGrad: true });
    return contractivePenalty(matmulT(x, weight.T).tanh(), x);
  };
  gradcheck(penalty, [w]);
  assert.throws(() => contractivePenalty(tensor([[1]]), tensor([[1]])), /input must require grad/);
});

Deno.test("sparsityPenalty: KL of the target from the mean activations, minimal at the target", () => {
  const codes = tensor([[0.2, 0.9], [0.4, 0.5]], f64);
  const rho = 0.1;
  const kl = (q: number) => rho * Math.log(rho / q) + (1 - rho) * Math.log((1 - rho) / (1 - q));
  assert.ok(Math.abs(sparsityPenalty(codes, rho).item() - (kl(0.3) + kl(0.7))) < 1e-12);
  assert.equal(sparsityPenalty(tensor([[0.1, 0.1]], f64), 0.1).item(), 0);
  assert.throws(() => sparsityPenalty(codes, 1.5), /target must be a number in \[0, 1\]/);
});

Deno.test("Corruption: masking drops about level of the entries, Gaussian noise has std level; eval is identity", () => {
  const x = ones([200, 100]);
  const mask = new Corruption("mask", 0.3, { rng: new Rng(3) });
  const m = mask.forward(x).data;
  const dropped = 1 - m.mean().item();
  assert.ok(
    Math.abs(dropped - 0.3) < 0.01 &&
      m.eq(0).astype("float32").add(m.eq(1).astype("float32")).min().item() === 1,
  );
  const g = new Corruption("gaussian", 0.5, { rng: new Rng(4) }).forward(x).data.sub(1);
  assert.ok(Math.abs(g.std().item() - 0.5) < 0.01 && Math.abs(g.mean().item()) < 0.01);
  assert.equal(mask.eval().forward(x), x);
  assert.throws(
    () => new Corruption("mask", 2),
    /level \(drop probability\) must be a number in \[0, 1\]/,
  );
  assert.throws(
    () => new Corruption("salt" as "mask", 0.1),
    /kind must be one of "mask", "gaussian"/,
  );
});

Deno.test("Autoencoder.loss: metrics, denoising against the clean input, penalties", () => {
  const rng = new Rng(5);
  const ae = mlpAutoencoder([6, 4, 2], { ...f64, rng, codeActivation: "sigmoid" });
  const x = new Tensor(rand([5, 6], { ...f64, rng }));
  const out = noGrad(() => ae.forward(x));
  const l2 = out.data.sub(x.data).square().sum().item() / 5;
  assert.ok(Math.abs(ae.loss(x).reconstruction.item() - l2) < 1e-12);
  const l1 = out.data.sub(x.data).abs().sum().item() / 5;
  assert.ok(Math.abs(ae.loss(x, { reconstruction: "l1" }).loss.item() - l1) < 1e-12);
  const bce = ae.loss(x, { reconstruction: "bce" }).loss.item();
  const p = out.data.sigmoid();
  const byHand =
    x.data.mul(p.log()).add(x.data.neg().add(1).mul(p.neg().add(1).log())).sum().item() / -5;
  assert.ok(Math.abs(bce - byHand) < 1e-10);
  assert.equal(ae.loss(x, { reconstruction: () => tensor(7) }).reconstruction.item(), 7);
  const both = ae.loss(x, { contractive: 0.5, sparsity: { target: 0.05, weight: 2 } });
  const xi = new Tensor(x.data, { requiresGrad: true });
  const codes = ae.encode(xi);
  const expected = contractivePenalty(codes, xi).item() * 0.5 +
    2 * sparsityPenalty(codes, 0.05).item();
  assert.ok(Math.abs(both.penalty.item() - expected) < 1e-12);
  both.loss.backward();
  assert.ok(ae.parameters().every((q) => q.grad !== null));
  // Denoising: the corrupted input goes in, the clean one is the target.
  const dae = mlpAutoencoder([6, 3], { ...f64, rng, corruption: { kind: "mask", level: 0.5 } });
  const noisy = dae.loss(x);
  const clean = dae.eval().loss(x);
  assert.notEqual(noisy.reconstruction.item(), clean.reconstruction.item());
  assert.throws(
    () => reconstructionError(tensor([[1, 2]]), tensor([[1, 2, 3]])),
    /must match the target/,
  );
  assert.throws(
    () => new Autoencoder(null as never, new Linear(2, 6)),
    /encoder and decoder must be Modules/,
  );
});

Deno.test("A denoising autoencoder learns to undo masking noise on low-rank data", () => {
  const rng = new Rng(6);
  // 2-d data embedded linearly in 8 dimensions: masked coordinates can be recovered from the rest.
  const basis = randn([2, 8], { rng });
  const data = (n: number) => new Tensor(matmul(randn([n, 2], { rng }), basis));
  const dae = mlpAutoencoder([8, 16, 2], {
    rng,
    activation: "tanh",
    corruption: { kind: "mask", level: 0.25 },
  });
  const opt = new Adam(dae.parameters(), { lr: 1e-2 });
  const test = data(200);
  const mask = new Corruption("mask", 0.25, { rng: new Rng(7) });
  const noisyTest = noGrad(() => mask.forward(test));
  const before = reconstructionError(dae.reconstruct(noisyTest), test).item();
  for (let i = 0; i < 400; i++) {
    opt.zeroGrad();
    dae.loss(data(64)).loss.backward();
    opt.step();
  }
  const after = reconstructionError(dae.reconstruct(noisyTest), test).item();
  const corrupted = reconstructionError(noisyTest, test).item();
  assert.ok(
    after < 0.35 * corrupted && after < 0.2 * before,
    `${before} → ${after} (noise alone ${corrupted})`,
  );
});

/** Data with a clear spectrum: variances 9, 4, 2.25 on a random 3-d subspace of R^8, 0.01 elsewhere. */
function spikedData(n: number, rng: Rng): { x: NDArray; top: NDArray } {
  const q = linalg.qr(randn([8, 8], { ...f64, rng })).q;
  const scales = array([3, 2, 1.5, 0.1, 0.1, 0.1, 0.1, 0.1], f64);
  const x = matmul(randn([n, 8], { ...f64, rng }).mul(scales), q.T);
  return { x, top: q.slice(null, { stop: 3 }) };
}

Deno.test("A linear autoencoder with tied weights finds PCA's subspace (largest principal angle < 1°)", () => {
  const rng = new Rng(8);
  const { x } = spikedData(2000, rng);
  const centred = x.sub(x.mean({ axis: 0 }));
  const pca = linalg.svd(centred).vt.slice({ stop: 3 }).T; // top-3 right singular vectors, [8, 3]
  const ae = new LinearAutoencoder(8, 3, { ...f64, bias: true, rng });
  const opt = new Adam(ae.parameters(), { lr: 0.02 });
  const data = new Tensor(x);
  for (let i = 0; i < 600; i++) {
    opt.zeroGrad();
    reconstructionError(ae.forward(data), data).mul(0.5).backward();
    opt.step();
  }
  const largest = subspaceAngles(ae.components(), pca).get(0) * 180 / Math.PI;
  assert.ok(largest < 1, `largest principal angle ${largest}°`);
  assertClose(ae.bias!.data, x.mean({ axis: 0 }), { atol: 0.05, rtol: 0 });
});

Deno.test("LinearAutoencoder: autograd's gradient is the notes' ∂l/∂C + (∂l/∂D)ᵀ for C = W, D = Wᵀ", () => {
  const rng = new Rng(9);
  const ae = new LinearAutoencoder(4, 2, { ...f64, rng });
  const xv = randn([4], { ...f64, rng });
  const x = new Tensor(xv.reshape([1, 4]));
  ae.forward(x).sub(x).square().sum().mul(0.5).backward();
  const w = ae.weight.data, col = xv.reshape([4, 1]);
  const y = w.T.matmul(w).matmul(col);
  const r = y.sub(col); // y − x
  const dC = w.matmul(r).matmul(col.T); // Dᵀ(y − x)xᵀ with D = Wᵀ
  const dD = r.matmul(col.T).matmul(w.T); // (y − x)xᵀCᵀ
  assertClose(ae.weight.grad!.data, dC.add(dD.T), { rtol: 1e-12, atol: 1e-14 });
});

Deno.test("subspaceAngles: known angles, basis invariance, errors", () => {
  const a = subspaceAngles(array([[1, 0], [0, 1], [0, 0]]), array([[1, 0], [0, 1], [0, 1]]));
  assert.ok(Math.abs(a.get(0) - Math.PI / 4) < 1e-12 && Math.abs(a.get(1)) < 1e-7);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
      const rng = new Rng(seed);
      const basis = randn([6, 3], { ...f64, rng });
      const mixed = basis.matmul(randn([3, 3], { ...f64, rng })); // same column space
      return subspaceAngles(basis, mixed).get(0) < 1e-6;
    }),
    { numRuns: 20, seed: 14 },
  );
  assert.throws(() => subspaceAngles(array([[1]]), array([[1], [0]])), /same d/);
});
