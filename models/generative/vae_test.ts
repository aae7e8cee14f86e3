import assert from "node:assert/strict";
import { array, assertClose, linalg, type NDArray, rand, Rng, storagePoolStats } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { gaussianKlDivergence, Identity, Linear, mseLoss, Sequential } from "@nnc/layers";
import { interpolateLatents, latentGrid, VAE, type VaeOutput } from "./vae.ts";
import { convVae, mlpVae } from "./vae_models.ts";
import { hw7Decoder, hw7Residuals, hw7Vae } from "./hw7_vae.ts";
import { decode, decodeState, type Encoded, fixtureCases } from "./_testing.ts";

interface VaeCase {
  name: string;
  likelihood: "bernoulli" | "gaussian";
  learnedStd: boolean;
  state: Record<string, Encoded>;
  x: Encoded;
  eps: Encoded;
  reconstruction: Encoded;
  kl: Encoded;
  klMonteCarlo: Encoded;
  loss: number;
  grads: Record<string, Encoded>;
}

/** A forward pass with given noise ε (the fixtures' draws). */
function forwardWith(vae: VAE, x: Tensor, eps: NDArray): VaeOutput {
  const { mu, logvar } = vae.encode(x);
  const e = new Tensor(eps);
  const z = mu.add(e.mul(logvar.mul(0.5).exp()));
  return { output: vae.decode(z), mu, logvar, z, eps: e };
}

Deno.test("VAE loss terms and parameter gradients equal PyTorch's (Bernoulli; Gaussian with learned σ)", () => {
  for (const c of fixtureCases<VaeCase>("vae")) {
    const vae = mlpVae({
      inputDim: 6,
      hidden: [5],
      latentDim: 2,
      likelihood: c.likelihood,
      decoderStd: c.learnedStd ? "learned" : undefined,
      dtype: "float64",
    });
    vae.loadStateDict(decodeState(c.state));
    const x = new Tensor(decode(c.x));
    const output = forwardWith(vae, x, decode(c.eps));
    const tol = { rtol: 1e-10, atol: 1e-12, message: c.name };
    const none = vae.loss(x, { output, reduction: "none" });
    assertClose(none.reconstruction.data, decode(c.reconstruction), tol);
    assertClose(none.kl.data, decode(c.kl), tol);
    const mc = vae.loss(x, { output, reduction: "none", kl: "montecarlo" });
    assertClose(mc.kl.data, decode(c.klMonteCarlo), tol);
    const { loss } = vae.loss(x, { output });
    assert.ok(Math.abs(loss.item() - c.loss) < 1e-10 * Math.abs(c.loss), c.name);
    loss.backward();
    const params = new Map(vae.namedParameters());
    assert.deepEqual([...params.keys()].sort(), Object.keys(c.grads).sort());
    for (const [k, g] of Object.entries(c.grads)) {
      assertClose(params.get(k)!.grad!.data, decode(g), { ...tol, message: `${c.name}: ${k}` });
    }
  }
});

// A linear Gaussian decoder p(x|z) = N(Wz + b, σ²I) with orthogonal columns of W has an exact
// marginal N(b, WWᵀ + σ²I) and a diagonal Gaussian posterior, so the ELBO can be checked exactly.
const R = [[1 / 3, 2 / 3], [2 / 3, 1 / 3], [2 / 3, -2 / 3]]; // orthonormal columns
const SCALES = [1, 2], SIGMA = 0.5, B = [0.5, -1, 0.3];
const W = R.map((row) => row.map((v, j) => v * SCALES[j]));

function linearGaussianVae(): VAE {
  const decoder = new Linear(2, 3, { dtype: "float64" });
  decoder.weight.data = array(W, { dtype: "float64" });
  decoder.bias!.data = array(B, { dtype: "float64" });
  return new VAE(new Identity(), decoder, {
    hiddenFeatures: 3,
    latentDim: 2,
    likelihood: "gaussian",
    decoderStd: SIGMA,
    dtype: "float64",
    rng: new Rng(5),
  });
}

/** The exact posterior q*(z|x): Σ = (I + WᵀW/σ²)⁻¹ (diagonal), μ = Σ Wᵀ(x − b)/σ². */
function setPosterior(vae: VAE, muShift = 0, logvarShift = 0): void {
  const post = SCALES.map((s) => 1 / (1 + (s * s) / (SIGMA * SIGMA)));
  const a = [0, 1].map((j) => [0, 1, 2].map((i) => (post[j] * W[i][j]) / (SIGMA * SIGMA)));
  vae.fcMu.weight.data = array(a, { dtype: "float64" });
  vae.fcMu.bias!.data = array(
    a.map((row) => -row.reduce((s, v, i) => s + v * B[i], 0) + muShift),
    { dtype: "float64" },
  );
  vae.fcLogvar!.weight.data = array([[0, 0, 0], [0, 0, 0]], { dtype: "float64" });
  vae.fcLogvar!.bias!.data = array(post.map((v) => Math.log(v) + logvarShift), {
    dtype: "float64",
  });
}

/** log N(x; b, WWᵀ + σ²I) for each row of x. */
function exactLogLikelihood(x: number[][]): number[] {
  const c = array(
    [0, 1, 2].map((i) =>
      [0, 1, 2].map((j) => W[i][0] * W[j][0] + W[i][1] * W[j][1] + (i === j ? SIGMA * SIGMA : 0))
    ),
    { dtype: "float64" },
  );
  const { logabsdet } = linalg.slogdet(c);
  return x.map((row) => {
    const r = array(row.map((v, i) => [v - B[i]]), { dtype: "float64" });
    const quad = r.T.matmul(linalg.solve(c, r)).item();
    return -0.5 * (quad + logabsdet.item() + 3 * Math.log(2 * Math.PI));
  });
}

Deno.test("VAE: log p(x) = ELBO + KL(q ‖ posterior), so ELBO ≤ log p(x) (linear Gaussian model)", () => {
  const vae = linearGaussianVae();
  const xs = [[0.2, -0.7, 1.1], [1.5, 0.3, -0.4]];
  const logp = exactLogLikelihood(xs);
  const x = new Tensor(array(xs, { dtype: "float64" }));
  // Exact posterior: the single-sample estimate log p(x|z) + log p(z) − log q(z|x) is log p(x) for every z.
  setPosterior(vae);
  for (let r = 0; r < 3; r++) {
    const elbo = noGrad(() => vae.loss(x, { kl: "montecarlo", reduction: "none" }).loss.neg());
    (elbo.toArray() as number[]).forEach((v, i) => assert.ok(Math.abs(v - logp[i]) < 1e-10));
  }
  // A wrong q: the expected ELBO falls short of log p(x) by exactly KL(q ‖ p(z|x)).
  setPosterior(vae);
  const post = noGrad(() => vae.encode(x));
  setPosterior(vae, 0.15, 0.4);
  const q = noGrad(() => vae.encode(x));
  const gap = gaussianKlDivergence(q.mu, q.logvar, { priorMu: post.mu, priorLogvar: post.logvar })
    .toArray() as number[];
  const m = 4000;
  const rows = new Tensor(
    array(xs.flatMap((row) => Array.from({ length: m }, () => row)), { dtype: "float64" }),
  );
  const elbos = noGrad(() => vae.loss(rows, { reduction: "none" }).loss.neg())
    .toArray() as number[];
  xs.forEach((_, i) => {
    const s = elbos.slice(i * m, (i + 1) * m);
    const mean = s.reduce((a, b) => a + b) / m;
    const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1));
    // spec: 002-part-b/G13
    assert.ok(mean < logp[i], `ELBO ${mean} must stay below log p(x) = ${logp[i]}`);
    assert.ok(Math.abs(mean - (logp[i] - gap[i])) < 4 * sd / Math.sqrt(m) + 1e-9);
  });
  // The importance-weighted bound rises towards log p(x) with K.
  const iw1 = vae.importanceWeightedLogLikelihood(x, 1, new Rng(1)).toArray() as number[];
  const iw = vae.importanceWeightedLogLikelihood(x, 3000, new Rng(2)).toArray() as number[];
  iw.forEach((v, i) => {
    assert.ok(Math.abs(v - logp[i]) < 0.03, `IWAE ${v} vs log p(x) ${logp[i]}`);
    assert.ok(v > logp[i] - gap[i] - 0.02 && Number.isFinite(iw1[i]));
  });
});

Deno.test("VAE with a unit-variance encoder: the notes' Gaussian-VAE ELBO identity", () => {
  // E_N[½‖g + N‖² − ½‖N‖²] = ½‖g‖²: the Monte-Carlo KL of q = N(g, I) averages to the analytic ½‖g‖².
  const rng = new Rng(3);
  const vae = new VAE(
    new Sequential(new Linear(4, 3, { dtype: "float64", rng })),
    new Linear(2, 4, { dtype: "float64", rng }),
    {
      hiddenFeatures: 3,
      latentDim: 2,
      likelihood: "gaussian",
      encoderVariance: "unit",
      dtype: "float64",
      rng,
    },
  );
  const x = new Tensor(rand([1, 4], { dtype: "float64", rng }));
  const g = noGrad(() => vae.encode(x).mu).toArray() as number[][];
  const half = 0.5 * (g[0][0] ** 2 + g[0][1] ** 2);
  const analytic = noGrad(() => vae.loss(x).kl.item());
  assert.ok(Math.abs(analytic - half) < 1e-14);
  const m = 20000;
  const rows = new Tensor(rand([m, 4], { dtype: "float64" }).mul(0).add(x.data));
  const mc = noGrad(() => vae.loss(rows, { kl: "montecarlo", reduction: "none" }).kl)
    .toArray() as number[];
  const mean = mc.reduce((a, b) => a + b) / m;
  const sd = Math.sqrt(mc.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1));
  // spec: 001-004/G16
  assert.ok(Math.abs(mean - half) < 4 * sd / Math.sqrt(m), `${mean} vs ½‖g‖² = ${half}`);
  assert.equal(vae.fcLogvar, null);
});

Deno.test("HW7 model: the decoder's transposed-convolution sizes and the MSE-against-zero form", () => {
  const dec = hw7Decoder({ rng: new Rng(0) }).eval();
  const sizes: string[] = [];
  let h = new Tensor(rand([2, 10], { rng: new Rng(1) }));
  for (const m of dec) {
    h = (m as unknown as { forward(t: Tensor): Tensor }).forward(h);
    sizes.push(h.shape.slice(1).join("×"));
  }
  // spec: 001-004/G14
  assert.deepEqual(sizes, [
    "360",
    "360",
    "360",
    "360",
    "720",
    "720",
    "720",
    "720",
    "20×6×6",
    "20×12×12",
    "20×27×27",
    "20×27×27",
    "20×27×27",
    "20×27×27",
    "1×28×28",
    "1×28×28",
  ]);
  const vae = hw7Vae({ rng: new Rng(2) }).eval();
  const x = new Tensor(rand([3, 1, 28, 28], { rng: new Rng(3) }));
  const out = vae.forward(x);
  const mse = mseLoss(hw7Residuals(vae, x, out), new Tensor(rand([3, 794]).mul(0))).item();
  const { loss } = vae.loss(x, { output: out });
  // MSE·(k + D)/2 = ½‖g‖² + ½‖x − f‖² (per sample) = the negative ELBO without (D/2) log 2π.
  const negElbo = loss.item() - 392 * Math.log(2 * Math.PI);
  assert.ok(Math.abs((mse * 794) / 2 - negElbo) < 1e-3 * negElbo);
  const samples = vae.sample(4, new Rng(4));
  assert.deepEqual(samples.shape, [4, 1, 28, 28]);
  const s = samples.toArray() as number[][][][];
  assert.ok(s.flat(3).every((v) => v >= 0 && v <= 1), "sigmoid output");
});

Deno.test("VAE with a learned decoder σ: the log-det term keeps σ at the residual's RMS", () => {
  // Mock final Q4 dropped ½ log det Σ; with it, ∂loss/∂log σ = D − ‖x − f‖²/σ² vanishes at σ² = mean residual².
  const vae = mlpVae({
    inputDim: 5,
    hidden: [4],
    latentDim: 2,
    likelihood: "gaussian",
    decoderStd: "learned",
    dtype: "float64",
    rng: new Rng(7),
  });
  const x = new Tensor(rand([6, 5], { dtype: "float64", rng: new Rng(8) }));
  const out = noGrad(() => vae.forward(x));
  const ms = out.output.sub(x).square().mean().item();
  const at = (logStd: number) => {
    vae.logStd!.data = array([logStd], { dtype: "float64" });
    vae.zeroGrad();
    const { reconstruction } = vae.loss(x, { output: out });
    reconstruction.backward();
    return { value: reconstruction.item(), grad: vae.logStd!.grad!.item() };
  };
  const best = at(0.5 * Math.log(ms));
  assert.ok(Math.abs(best.grad) < 1e-9, `gradient ${best.grad} at the optimum`);
  assert.ok(at(0.5 * Math.log(ms) - 1).value > best.value);
  assert.ok(at(0.5 * Math.log(ms) + 1).value > best.value);
  assert.ok(at(-5).grad < 0, "a tiny σ is pushed back up");
});

Deno.test("VAE.loss options: reductions, β, the ablations", () => {
  const vae = mlpVae({ inputDim: 8, hidden: [6], latentDim: 3, dtype: "float64", rng: new Rng(9) });
  const x = new Tensor(rand([5, 8], { dtype: "float64", rng: new Rng(10) }));
  const output = noGrad(() => vae.forward(x));
  const none = vae.loss(x, { output, reduction: "none" });
  const sum = vae.loss(x, { output, reduction: "sum" });
  const mean = vae.loss(x, { output });
  const total = (none.loss.toArray() as number[]).reduce((a, b) => a + b);
  assert.ok(Math.abs(sum.loss.item() - total) < 1e-10);
  assert.ok(Math.abs(mean.loss.item() - total / 5) < 1e-10);
  assert.ok(Math.abs(mean.loss.item() - mean.reconstruction.item() - mean.kl.item()) < 1e-12);
  const beta = vae.loss(x, { output, beta: 4 });
  assert.ok(Math.abs(beta.loss.item() - mean.reconstruction.item() - 4 * mean.kl.item()) < 1e-12);
  assert.equal(vae.loss(x, { output, beta: 0 }).loss.item(), mean.reconstruction.item());
  assert.equal(vae.loss(x, { output, reconstructionWeight: 0 }).loss.item(), mean.kl.item());
  assert.throws(() => vae.loss(x, { beta: -1 }), /VAE.loss: beta must be a finite number >= 0/);
  assert.throws(() => vae.loss(x, { kl: "exact" as "analytic" }), /kl must be one of/);
});

Deno.test("VAE: shapes, sampling, reconstruction, interpolation and errors", () => {
  const vae = convVae({ latentDim: 3, channels: [2, 4], rng: new Rng(11) });
  const x = new Tensor(rand([2, 1, 28, 28], { rng: new Rng(12) }));
  const out = vae.forward(x);
  assert.deepEqual(out.output.shape, [2, 1, 28, 28]);
  assert.deepEqual(vae.sample(5).shape, [5, 1, 28, 28]);
  const rec = vae.reconstruct(x).toArray() as number[][][][];
  assert.ok(rec.flat(3).every((v) => v > 0 && v < 1));
  assert.ok(
    (vae.importanceWeightedLogLikelihood(x, 4).toArray() as number[]).every(Number.isFinite),
  );
  assert.throws(
    () => vae.decode(new Tensor(rand([2, 4]))),
    /latent codes must be \[N, 3\], got \[2, 4\]/,
  );
  assert.throws(
    () =>
      new VAE(new Identity(), new Identity(), { hiddenFeatures: 3, latentDim: 2, decoderStd: 2 }),
    /decoderStd applies to the Gaussian likelihood only/,
  );
  const mv = mlpVae({ inputDim: 4, hidden: [3], latentDim: 2 });
  assert.throws(() => mv.loss(new Tensor(rand([2, 5]))), /Linear\(4→3\)/);
  assert.deepEqual((interpolateLatents([0, 0], [1, -1], 5).toArray() as number[][])[2], [
    0.5,
    -0.5,
  ]);
  const grid = latentGrid(3, 2).toArray() as number[][];
  assert.deepEqual(grid[0], [-2, 2]);
  assert.deepEqual(grid[4], [0, 0]);
  assert.deepEqual(grid[8], [2, -2]);
  assert.match(vae.toString(), /latentDim=3, likelihood=bernoulli/);
});

Deno.test("mlpVae: the 784-400-20 layout and PyTorch's parameter names", () => {
  const vae = mlpVae({ rng: new Rng(0) });
  assert.deepEqual(Object.keys(vae.stateDict()), [
    "encoder.0.weight",
    "encoder.0.bias",
    "fcMu.weight",
    "fcMu.bias",
    "fcLogvar.weight",
    "fcLogvar.bias",
    "decoder.0.weight",
    "decoder.0.bias",
    "decoder.2.weight",
    "decoder.2.bias",
  ]);
  assert.equal(vae.numParameters(), 652824);
});

Deno.test("VAE.encode: built-in parts let backward recycle the features; a replaced forward keeps them", () => {
  // Features [64, 512] float32 = 128 KiB, above the pool's threshold.
  const x = new Tensor(rand([64, 32], { rng: new Rng(5) }));
  const releases = (vae: VAE) => {
    const before = storagePoolStats().releases;
    vae.loss(x, { reduction: "sum" }).loss.backward();
    return storagePoolStats().releases - before;
  };
  const plain = mlpVae({ inputDim: 32, hidden: [512], latentDim: 4, rng: new Rng(1) });
  releases(plain); // the pool's first sizes
  const recycled = releases(plain);
  const recording = mlpVae({ inputDim: 32, hidden: [512], latentDim: 4, rng: new Rng(1) });
  const seen: Tensor[] = [];
  const encoder = recording.encoder as unknown as Sequential;
  const inner = encoder.forward.bind(encoder);
  encoder.forward = (t: Tensor) => {
    const h = inner(t);
    seen.push(h);
    return h;
  };
  releases(recording);
  assert.equal(releases(recording), recycled - 1);
  // What the recording encoder kept is intact: the features of x, ReLU'd.
  const h = seen[1];
  assert.equal(h.data.disposed, false);
  assert.deepEqual(h.shape, [64, 512]);
  assertClose(h.data, noGrad(() => inner(x)).data);
});
