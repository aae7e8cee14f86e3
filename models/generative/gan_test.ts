import assert from "node:assert/strict";
import { array, assertClose, randn, Rng } from "@nnc/tensor";
import { grad, noGrad, Tensor, tensor, zeros } from "@nnc/autograd";
import { Conv2d, Flatten, jsDivergence, LeakyReLU, Linear, Sequential } from "@nnc/layers";
import { Adam, SGD } from "@nnc/optim";
import { mlp } from "../mlp/mlp.ts";
import { discriminatorLoss, generatorLoss, optimalDiscriminator } from "./gan_losses.ts";
import { gradientPenalty } from "./gradient_penalty.ts";
import { Conditional, dcganDiscriminator, dcganGenerator } from "./gan_models.ts";
import { GanTrainer } from "./gan_trainer.ts";
import { ksDistance, triangularTarget } from "./gan_1d.ts";
import { decode, decodeState, type Encoded, fixtureCases } from "./_testing.ts";

const f64 = (v: number[] | number[][]) => tensor(v, { dtype: "float64" });
const close = (a: number, b: number, tol: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} differs from ${b} by more than ${tol}`);

Deno.test("optimalDiscriminator: a* = p/(p + q) maximises p log a + q log(1 − a)", () => {
  // spec: 002-part-b/G9
  for (const [p, q] of [[0.3, 0.1], [1, 2], [0.05, 0.7]]) {
    const star = optimalDiscriminator(p, q);
    assert.equal(star, p / (p + q));
    const v = (a: number) => p * Math.log(a) + q * Math.log(1 - a);
    for (const d of [-0.01, 0.01, -0.05, 0.05]) {
      if (star + d > 0 && star + d < 1) assert.ok(v(star) > v(star + d));
    }
  }
  // spec: 002-part-b/G22
  close(optimalDiscriminator(0.3, 0.1), 0.75, 1e-15);
  assert.equal(optimalDiscriminator(0.4, 0.4), 0.5);
  assert.deepEqual(optimalDiscriminator(array([1, 0]), array([1, 3])).toArray(), [0.5, 0]);
  assert.throws(() => optimalDiscriminator(-1, 1), /densities must be >= 0/);
});

Deno.test("GAN value at the optimum: V = −log 4 at D ≡ ½, and C(G) = −log 4 + 2 JS", () => {
  const logits = zeros([16, 1], { dtype: "float64" }); // D = σ(0) = ½ on real and fake
  const v = -discriminatorLoss(logits, logits).item();
  // spec: 002-part-b/G22
  close(v, -1.3862944, 1e-7);
  // spec: 000-003/3.17
  close(v, -1.3862943611, 1e-10);
  // P_d = (.5, .5), P_g = (.9, .1): V(D*, G) summed over the two outcomes.
  const pd = [0.5, 0.5], pg = [0.9, 0.1];
  const dStar = pd.map((p, i) => optimalDiscriminator(p, pg[i]));
  const cg = pd.reduce((s, p, i) => s + p * Math.log(dStar[i]) + pg[i] * Math.log(1 - dStar[i]), 0);
  const js = jsDivergence(f64(pd), f64(pg)).item();
  // spec: 000-003/003.gan-cg
  close(cg, -1.1827959110, 1e-9);
  close(js, 0.1017492251, 1e-9);
  close(cg, -Math.log(4) + 2 * js, 1e-12);
});

Deno.test("The mock final's 1-D GAN: D*, G*(z) = 1 − √(1 − z) and the loss values", () => {
  const dStar = (x: number) => optimalDiscriminator(triangularTarget.density(x), 1);
  // spec: 001-004/G9
  close(dStar(0), 2 / 3, 1e-15);
  close(dStar(0.25), 0.6, 1e-15);
  close(dStar(0.5), 0.5, 1e-15);
  close(dStar(0.75), 1 / 3, 1e-15);
  assert.equal(dStar(1), 0);
  const g = triangularTarget.quantile;
  close(g(0), 0, 0);
  close(g(0.19), 0.1, 1e-12);
  close(g(0.75), 0.5, 1e-12);
  close(g(1), 1, 0);
  // E[G(Z)] = ∫₀¹ 1 − √(1 − z) dz = 1/3 = E[X] (midpoint rule)
  const n = 200000;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += g((i + 0.5) / n) / n;
  close(mean, 1 / 3, 1e-6);
  // The loss E[−log D(X) − log(1 − D(G(Z)))] at G = id and D = D*, by quadrature through the loss
  // function: X at the target's quantiles, Z on a uniform grid, D* as logits log(2 − 2x).
  const m = 100000;
  const xs = new Float64Array(m), zs = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    xs[i] = g((i + 0.5) / m);
    zs[i] = (i + 0.5) / m;
  }
  const logit = (v: Float64Array) =>
    new Tensor(array(Array.from(v, (x) => Math.log(2 - 2 * x)), { dtype: "float64" }));
  const lossAtId = discriminatorLoss(logit(xs), logit(zs)).item();
  // spec: 001-004/G9
  close(lossAtId, 1.278730, 2e-6);
  // = 2 log 2 − 2 JSD(f_X, U[0, 1]); JSD by binning both densities finely.
  const bins = 100000;
  const p = new Float64Array(bins), q = new Float64Array(bins).fill(1 / bins);
  for (let i = 0; i < bins; i++) {
    p[i] = triangularTarget.cdf((i + 1) / bins) - triangularTarget.cdf(i / bins);
  }
  const jsd = jsDivergence(
    array(Array.from(p), { dtype: "float64" }),
    array(Array.from(q), { dtype: "float64" }),
  ).item();
  close(jsd, 0.053782, 1e-6);
  close(lossAtId, 2 * Math.LN2 - 2 * jsd, 2e-6);
  // At the optimum, D ≡ ½ and the loss is 2 log 2.
  close(
    discriminatorLoss(zeros([4], { dtype: "float64" }), zeros([4], { dtype: "float64" })).item(),
    1.386294,
    1e-6,
  );
});

Deno.test("triangularTarget samples and ksDistance", () => {
  const s = triangularTarget.sample(20000, new Rng(1));
  assert.ok(ksDistance(s, triangularTarget.cdf) < 0.015);
  assert.ok(ksDistance(s, (x) => Math.min(Math.max(x, 0), 1)) > 0.2, "not uniform");
  assert.equal(ksDistance([0.5], (x) => x), 0.5);
  assert.equal(ksDistance(array([0.25, 0.75]), (x) => x), 0.25);
  assert.throws(() => ksDistance([], triangularTarget.cdf), /no samples/);
});

Deno.test("GAN loss table: each row's values, and why the non-saturating loss exists", () => {
  const real = f64([[1.5], [-0.5]]), fake = f64([[-2], [0.3]]);
  const sp = (x: number) => Math.log1p(Math.exp(x));
  close(
    discriminatorLoss(real, fake, "minimax").item(),
    (sp(-1.5) + sp(0.5)) / 2 + (sp(-2) + sp(0.3)) / 2,
    1e-14,
  );
  assert.equal(
    discriminatorLoss(real, fake, "nonSaturating").item(),
    discriminatorLoss(real, fake).item(),
  );
  close(discriminatorLoss(real, fake, "lsgan").item(), (0.25 + 2.25) / 2 + (4 + 0.09) / 2, 1e-14);
  close(discriminatorLoss(real, fake, "wgan").item(), -0.85 - 0.5, 1e-14);
  close(generatorLoss(fake, "minimax").item(), -(sp(-2) + sp(0.3)) / 2, 1e-14);
  close(generatorLoss(fake, "nonSaturating").item(), (sp(2) + sp(-0.3)) / 2, 1e-14);
  close(generatorLoss(fake, "lsgan").item(), (9 + 0.49) / 2, 1e-14);
  close(generatorLoss(fake, "wgan").item(), 0.85, 1e-14);
  // When D confidently rejects fakes (logit −10), the minimax generator's gradient vanishes; the
  // non-saturating one's does not (the notes' rationale).
  const at = f64([-10]);
  const gMm = grad((s) => generatorLoss(s, "minimax"))(at) as Tensor;
  const gNs = grad((s) => generatorLoss(s, "nonSaturating"))(at) as Tensor;
  assert.ok(Math.abs(gMm.item()) < 1e-4 && Math.abs(gNs.item()) > 0.99);
  assert.throws(() => generatorLoss(at, "hinge" as "wgan"), /kind must be one of/);
});

interface GpCase {
  name: string;
  state: Record<string, Encoded>;
  real: Encoded;
  fake: Encoded;
  alpha: Encoded;
  weight: number;
  penalty: number;
  criticLoss: number;
  grads: Record<string, Encoded>;
  penaltyGrads: Record<string, Encoded>;
}

Deno.test("gradientPenalty and the WGAN-GP critic's gradients equal PyTorch's create_graph=True result", () => {
  for (const c of fixtureCases<GpCase>("gp")) {
    const critic = c.name.endsWith("mlp")
      ? mlp([3, 5, 4, 1], { activation: "tanh", dtype: "float64" })
      : convCritic();
    critic.loadStateDict(decodeState(c.state));
    const real = new Tensor(decode(c.real)), fake = new Tensor(decode(c.fake));
    const alpha = decode(c.alpha);
    const gp = gradientPenalty(critic, real, fake, { weight: c.weight, alpha });
    close(gp.item(), c.penalty, 1e-10 * Math.abs(c.penalty), c.name);
    const loss = discriminatorLoss(critic.forward(real), critic.forward(fake), "wgan").add(gp);
    close(loss.item(), c.criticLoss, 1e-10 * Math.abs(c.criticLoss), c.name);
    loss.backward();
    const params = new Map(critic.namedParameters());
    for (const [k, e] of Object.entries(c.grads)) {
      assertClose(params.get(k)!.grad!.data, decode(e), {
        rtol: 1e-9,
        atol: 1e-12,
        message: `${c.name} ${k}`,
      });
    }
    critic.zeroGrad();
    gradientPenalty(critic, real, fake, { weight: c.weight, alpha }).backward();
    for (const [k, e] of Object.entries(c.penaltyGrads)) {
      // The output bias does not reach ∇ₓD: no gradient here, zeros in PyTorch's zero_grad'ed .grad.
      const g = params.get(k)!.grad?.data ?? decode(e).mul(0);
      assertClose(g, decode(e), { rtol: 1e-9, atol: 1e-12, message: `${c.name} penalty ${k}` });
    }
  }
  // Target 0 on real samples (R1): the mean squared gradient norm, finite even where ∇D = 0.
  const lin = new Linear(2, 1, { dtype: "float64" });
  lin.weight.data = array([[3, 4]], { dtype: "float64" });
  const x = new Tensor(randn([4, 2], { dtype: "float64" }));
  close(gradientPenalty(lin, x, x, { target: 0, weight: 0.5 }).item(), 12.5, 1e-12);
  lin.weight.data = array([[0, 0]], { dtype: "float64" });
  const r1 = gradientPenalty(lin, x, x, { target: 0 });
  r1.backward();
  assert.equal(r1.item(), 0);
  assert.ok((lin.weight.grad!.toArray() as number[][]).flat().every(Number.isFinite));
  assert.throws(
    () => gradientPenalty(new Linear(2, 1), new Tensor(randn([2, 2])), new Tensor(randn([3, 2]))),
    /real \[2, 2\] and fake \[3, 2\] must have the same shape/,
  );
});

function convCritic(): Sequential {
  // nn.Sequential(Conv2d(1, 2, 3, stride=2, padding=1), LeakyReLU(0.2), Flatten(), Linear(18, 1))
  return new Sequential(
    new Conv2d(1, 2, 3, { stride: 2, padding: 1, dtype: "float64" }),
    new LeakyReLU(0.2),
    new Flatten(),
    new Linear(18, 1, { dtype: "float64" }),
  );
}

function smallGan(
  options: { loss?: "minimax" | "nonSaturating" | "lsgan" | "wgan"; seed?: number } = {},
) {
  const rng = new Rng(options.seed ?? 0);
  const g = mlp([2, 16, 1], { rng }), d = mlp([1, 16, 1], { rng, activation: "leakyRelu" });
  return {
    g,
    d,
    rng,
    trainer: (extra: Record<string, unknown> = {}) =>
      new GanTrainer({
        generator: g,
        discriminator: d,
        latentDim: 2,
        loss: options.loss ?? "nonSaturating",
        generatorOptimizer: new Adam(g.parameters(), { lr: 2e-3 }),
        discriminatorOptimizer: new Adam(d.parameters(), { lr: 2e-3 }),
        rng,
        ...extra,
      }),
  };
}

Deno.test("GanTrainer learns a 1-d Gaussian (non-saturating loss)", () => {
  const { rng, trainer } = smallGan();
  const t = trainer();
  for (let i = 0; i < 600; i++) t.step(new Tensor(randn([64, 1], { rng, mean: 3, std: 0.5 })));
  const s = t.sample(2000).data.toArray() as number[][];
  const mean = s.reduce((a, r) => a + r[0], 0) / s.length;
  assert.ok(Math.abs(mean - 3) < 0.3, `generator mean ${mean}`);
  assert.equal(t.stepCount, 600);
});

Deno.test("GanTrainer: WGAN defaults (5 critic steps, clipping at 0.01) and WGAN-GP", () => {
  const { rng, d, trainer } = smallGan({ loss: "wgan" });
  const t = trainer();
  assert.equal(t.criticSteps, 5);
  assert.equal(t.clipValue, 0.01);
  const results = Array.from({ length: 10 }, () => t.step(new Tensor(randn([8, 1], { rng }))));
  assert.deepEqual(results.map((r) => r.generatorLoss !== null), [
    false,
    false,
    false,
    false,
    true,
    false,
    false,
    false,
    false,
    true,
  ]);
  for (const p of d.parameters()) {
    assert.ok((p.data.abs().max().item() as number) <= 0.01 + 1e-9, "every critic weight clipped");
  }
  const gp = trainer({ gradientPenalty: 10, criticSteps: 1 });
  assert.equal(gp.clipValue, null);
  const r = gp.step(new Tensor(randn([8, 1], { rng })));
  assert.ok(r.penalty !== undefined && r.penalty >= 0 && r.generatorLoss !== null);
  // The R1 penalty (γ/2)·E‖∇D(x)‖² on the real batch is reported as the step's penalty.
  const withR1 = smallGan({ seed: 8 });
  const real = new Tensor(randn([8, 1], { rng }));
  const expected = gradientPenalty(withR1.d, real, real, { target: 0, weight: 5 }).item();
  const r1 = withR1.trainer({ r1Penalty: 10 }).step(real);
  close(r1.penalty!, expected, 1e-5 * expected);
});

Deno.test("GanTrainer: the generator step leaves the discriminator's weights and requiresGrad alone", () => {
  const { rng, d, g, trainer } = smallGan({ seed: 3 });
  const t = trainer({ criticSteps: 1, discriminatorOptimizer: new SGD(d.parameters(), { lr: 0 }) });
  const before = d.parameters().map((p) => p.data.clone());
  const gBefore = g.parameters().map((p) => p.data.clone());
  t.step(new Tensor(randn([8, 1], { rng })));
  d.parameters().forEach((p, i) => assertClose(p.data, before[i], { rtol: 0, atol: 0 }));
  assert.ok(d.parameters().every((p) => p.requiresGrad));
  assert.ok(g.parameters().some((p, i) => p.data.sub(gBefore[i]).abs().max().item() > 0));
});

Deno.test("GanTrainer stops on a NaN loss naming the step; the last checkpoint stays intact", async () => {
  const { rng, g, d, trainer } = smallGan({ seed: 4 });
  const t = trainer();
  for (let i = 0; i < 3; i++) t.step(new Tensor(randn([8, 1], { rng })));
  const dir = await Deno.makeTempDir();
  const path = `${dir}/gan.safetensors`;
  await t.saveCheckpoint(path);
  const saved = [...g.parameters(), ...d.parameters()].map((p) => p.data.clone());
  const bad = new Tensor(array([[1], [NaN], [2]]));
  assert.throws(
    () => t.step(bad),
    /GanTrainer: the discriminator loss is NaN at step 4; training stopped before the discriminator's update/,
  );
  assert.equal(t.stepCount, 3);
  [...g.parameters(), ...d.parameters()].forEach((p, i) =>
    assertClose(p.data, saved[i], { rtol: 0, atol: 0 })
  );
  // The checkpoint loads into fresh networks with the saved values and step.
  const other = smallGan({ seed: 99 });
  const t2 = other.trainer();
  assert.equal(await t2.loadCheckpoint(path), 3);
  [...other.g.parameters(), ...other.d.parameters()].forEach((p, i) =>
    assertClose(p.data, saved[i], { rtol: 0, atol: 0 })
  );
  // With anomaly detection the error names the op that made the first NaN.
  const t3 = trainer({ detectAnomaly: true });
  assert.throws(() => t3.step(bad), /GanTrainer: step 1 stopped: .*(linear|matmul|add)/i);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("GanTrainer with a conditional generator and discriminator", () => {
  const rng = new Rng(5);
  const g = new Conditional(mlp([4 + 3, 8, 2], { rng }), 3);
  const d = new Conditional(mlp([2 + 3, 8, 1], { rng }), 3);
  const t = new GanTrainer({
    generator: g,
    discriminator: d,
    latentDim: 4,
    generatorOptimizer: new Adam(g.parameters()),
    discriminatorOptimizer: new Adam(d.parameters()),
    rng,
  });
  const labels = array([0, 1, 2, 1], { dtype: "int32" });
  const r = t.step(new Tensor(randn([4, 2], { rng })), labels);
  assert.ok(Number.isFinite(r.discriminatorLoss) && r.generatorLoss !== null);
  assert.deepEqual(t.sample(4, labels).shape, [4, 2]);
  assert.throws(
    () => g.forward(new Tensor(randn([2, 4])), labels),
    /labels must be one class index per sample \(\[2\]\)/,
  );
  assert.throws(
    () => new GanTrainer({ ...t, latentDim: 0 } as never),
    /latentDim must be an integer >= 1/,
  );
});

Deno.test("DCGAN networks: shapes, parameter counts and tanh range", () => {
  const rng = new Rng(6);
  const g = dcganGenerator({ latentDim: 16, channels: [16, 8], rng });
  const d = dcganDiscriminator({ channels: [8, 16], rng });
  const x = noGrad(() => g.forward(new Tensor(randn([3, 16], { rng }))));
  assert.deepEqual(x.shape, [3, 1, 28, 28]);
  assert.ok(x.data.abs().max().item() <= 1);
  assert.deepEqual(d.forward(x).shape, [3, 1]);
  // Linear(16→784, no bias) + BN(784) + ConvT(16→8, no bias) + BN(8) + ConvT(8→1)
  assert.equal(g.numParameters(), 16 * 784 + 2 * 784 + 16 * 8 * 16 + 2 * 8 + 8 * 16 + 1);
  const critic = dcganDiscriminator({ batchNorm: false, channels: [4, 8] });
  assert.ok(!critic.toString().includes("BatchNorm"));
  assert.throws(
    () => dcganGenerator({ channels: [3] as unknown as [number, number] }),
    /channels must be two positive integers/,
  );
});
