import assert from "node:assert/strict";
import { gradcheck, tensor } from "@nnc/autograd";
import { array, Rng } from "@nnc/tensor";
import { diagonalFisher, ElasticWeightConsolidation, ewcPenalty, Linear } from "./mod.ts";

const f64 = { dtype: "float64" } as const;

Deno.test("ewcPenalty: the notes' worked example and its gradient λ·F·(θ − θ*)", () => {
  const theta = tensor([1, 1], { ...f64, requiresGrad: true });
  const anchor = array([0, 2], f64), fisher = array([0.5, 2], f64);
  // spec: 000-003/003.ewc
  const p = ewcPenalty([theta], [anchor], [fisher], 2);
  assert.equal(p.item(), 2.5);
  p.backward();
  assert.deepEqual(theta.grad?.toArray(), [1, -4]);
  assert.ok(
    gradcheck((t) => ewcPenalty([t], [anchor], [fisher], 0.7), [theta], { mode: "both" }).ok,
  );
});

Deno.test("ewcPenalty sums over parameters of any shape; no parameters give 0", () => {
  const a = tensor([[1, 2], [3, 4]], f64), b = tensor([5], f64);
  const p = ewcPenalty(
    [a, b],
    [array([[0, 0], [0, 0]], f64), array([6], f64)],
    [array([[1, 0], [2, 1]], f64), array([3], f64)],
    4,
  );
  // 2 · (1·1 + 0·4 + 2·9 + 1·16 + 3·1) = 2 · 38
  assert.equal(p.item(), 76);
  assert.equal(ewcPenalty([], [], [], 3).item(), 0);
});

Deno.test("diagonalFisher: the mean squared score, computed by hand", () => {
  // log p(x) = −(x − θ)²/2 − (y − w·x)²/2 for the parameter pair (θ, w): the scores are x − θ and
  // (y − w·x)·x.
  const theta = tensor([1], { ...f64, requiresGrad: true });
  const w = tensor([2], { ...f64, requiresGrad: true });
  const unused = tensor([0, 0], { ...f64, requiresGrad: true });
  const samples = [[0, 1], [1, 1], [3, 7]];
  const [ft, fw, fu] = diagonalFisher(
    [theta, w, unused],
    samples,
    ([x, y]) => theta.sub(x).square().add(w.mul(x).sub(y).square()).mul(-0.5).sum(),
  );
  const scoreT = samples.map(([x]) => x - 1), scoreW = samples.map(([x, y]) => (y - 2 * x) * x);
  const mean = (v: number[]) => v.reduce((s, e) => s + e * e, 0) / v.length;
  assert.ok(Math.abs((ft.toArray() as number[])[0] - mean(scoreT)) < 1e-12);
  assert.ok(Math.abs((fw.toArray() as number[])[0] - mean(scoreW)) < 1e-12);
  assert.deepEqual(fu.toArray(), [0, 0]);
  assert.equal(theta.grad, null, ".grad is left alone");
});

Deno.test("ElasticWeightConsolidation: zero at the consolidated weights, the formula after a move, one quadratic per task", () => {
  const net = new Linear(2, 1, { rng: new Rng(3), dtype: "float64" });
  const ewc = new ElasticWeightConsolidation(net, { lambda: 10 });
  assert.equal(ewc.penalty().item(), 0);
  const xs = [[1, 0], [0, 1], [1, 1], [2, -1]];
  const ll = (x: number[]) => net.forward(tensor([x], f64)).sub(1).square().mul(-0.5).sum();
  const params = net.parameters();
  const fisher = diagonalFisher(params, xs, ll);
  ewc.consolidate(xs, ll);
  assert.equal(ewc.tasks, 1);
  assert.equal(ewc.penalty().item(), 0);
  for (const p of params) p.data.data.forEach((v, i, d) => d[i] = v + 0.5);
  const expected = params.reduce((s, _p, k) => {
    const f = (fisher[k].toArray() as number[]).flat();
    return s + f.reduce((t, fi) => t + 5 * fi * 0.25, 0);
  }, 0);
  assert.ok(Math.abs(ewc.penalty().item() - expected) < 1e-12);
  // A second task anchored at the moved weights adds a term that is zero there.
  ewc.consolidate(xs, ll);
  assert.equal(ewc.tasks, 2);
  assert.ok(Math.abs(ewc.penalty().item() - expected) < 1e-12);
});

Deno.test("EWC argument errors name the function and the value", () => {
  const t = tensor([1, 2], f64);
  assert.throws(
    () => ewcPenalty([t], [array([1], f64)], [array([1, 1], f64)], 1),
    /ewcPenalty: anchors\[0\] has shape \[1\], expected the parameter's \[2\]/,
  );
  assert.throws(
    () => ewcPenalty([t], [], [], 1),
    /ewcPenalty: anchors has 0 arrays for 1 parameters/,
  );
  assert.throws(
    () => ewcPenalty([t], [array([1, 1], f64)], [array([1, 1], f64)], -1),
    /ewcPenalty: lambda/,
  );
  assert.throws(
    () => ewcPenalty("x" as never, [], [], 1),
    /ewcPenalty: params must be an array of Tensors/,
  );
  assert.throws(
    () => diagonalFisher([t], [1], () => t.sum()),
    /diagonalFisher: params\[0\] of shape \[2\] does not require grad/,
  );
  const g = tensor([1], { ...f64, requiresGrad: true });
  assert.throws(() => diagonalFisher([g], [], () => g.sum()), /diagonalFisher: samples is empty/);
  assert.throws(
    () => diagonalFisher([g], [1], () => g.mul(t)),
    /diagonalFisher: logLikelihood must return a scalar Tensor, got shape \[2\]/,
  );
  assert.throws(
    () => new ElasticWeightConsolidation({} as never, { lambda: 1 }),
    /ElasticWeightConsolidation: module must be a Module/,
  );
  const net = new Linear(1, 1);
  assert.throws(
    () => new ElasticWeightConsolidation(net, undefined as never),
    /ElasticWeightConsolidation: options must be an object with lambda/,
  );
  assert.throws(
    () => new ElasticWeightConsolidation(net, { lambda: NaN }),
    /ElasticWeightConsolidation: lambda/,
  );
  const ewc = new ElasticWeightConsolidation(net, { lambda: 1 });
  assert.throws(() => ewc.consolidate([], () => net.weight.sum()), /consolidate: samples is empty/);
  assert.throws(
    () => ewc.consolidate([1], null as never),
    /consolidate: logLikelihood must be a function/,
  );
});
