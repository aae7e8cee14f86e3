// Batch, mini-batch and stochastic gradient descent (002-part-a §4 exp. 15, 000 E5, 003 F2) on a
// linear regression y ≈ a·x + b with 200 noisy points: the full-batch path follows the gradient
// across the level sets of the mean squared error; single-example steps wander around it and, at a
// constant step size, never settle — they hover at a noise floor above the minimum that grows with
// the step size; mini-batches of 10 sit in between.
//
//   deno run -A examples/experiments/sgd_noise.ts [--steps 1000] [--quick]
// → out/experiments/sgd_noise_paths.svg, sgd_noise_loss.svg, sgd_noise_floor.svg,
//   sgd_noise.summary.json
import { NDArray, Rng } from "@nnc/tensor";
import { type Tensor, tensor } from "@nnc/autograd";
import { SGD } from "@nnc/optim";
import { contourChart, lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";

const report = new ExampleReport("experiments", "sgd_noise");
const rng = new Rng(3);
const n = 200;
const xs = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
const ys = xs.map((x) => 2 * x + 1 + rng.normal(0, 0.5));
const X = NDArray.fromTyped(xs), Y = NDArray.fromTyped(ys);
// the least-squares optimum and the loss surface
const mx = xs.reduce((s, v) => s + v) / n, my = ys.reduce((s, v) => s + v) / n;
let sxy = 0, sxx = 0;
for (let i = 0; i < n; i++) {
  sxy += (xs[i] - mx) * (ys[i] - my);
  sxx += (xs[i] - mx) ** 2;
}
const aStar = sxy / sxx, bStar = my - aStar * mx;
const mse = (a: number, b: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a * xs[i] + b - ys[i]) ** 2;
  return s / n;
};
const best = mse(aStar, bStar);
report.note(
  `least squares: a* = ${aStar.toFixed(4)}, b* = ${bStar.toFixed(4)}, MSE ${best.toFixed(4)}`,
);

/** `steps` SGD steps on batches of `batch` (drawn without replacement, reshuffled each epoch). */
function train(batch: number, lr: number, steps: number): { path: number[][]; excess: number[] } {
  const p = tensor([-2, -1.5], { dtype: "float64", requiresGrad: true });
  const opt = new SGD([p], { lr });
  const path = [p.toArray() as number[]], excess = [mse(-2, -1.5) - best];
  const order = new Rng(7);
  let idx: number[] = [], at = n;
  for (let k = 0; k < steps; k++) {
    if (at + batch > n) {
      idx = Array.from(order.permutation(n));
      at = 0;
    }
    const rows = idx.slice(at, at + batch);
    at += batch;
    const xb = tensor(X.indexSelect(0, rows)), yb = tensor(Y.indexSelect(0, rows));
    opt.zeroGrad();
    const pred = xb.mul(p.slice(0)).add(p.slice(1));
    (pred.sub(yb).square().mean() as Tensor).backward();
    opt.step();
    const [a, b] = p.toArray() as number[];
    path.push([a, b]);
    excess.push(mse(a, b) - best);
  }
  return { path, excess };
}
const lr = 0.05, steps = numberFlag("steps", report.quick ? 400 : 1000);
const runs = [
  { name: "batch (200)", ...train(n, lr, steps) },
  { name: "mini-batch (10)", ...train(10, lr, steps) },
  { name: "stochastic (1)", ...train(1, lr, steps) },
];
for (const r of runs) {
  report.note(
    `${r.name}, η = ${lr}: excess MSE after ${steps} steps ${r.excess[steps].toExponential(3)}`,
  );
}
await saveSvg(
  report.path("sgd_noise_paths.svg"),
  await contourChart(mse, {
    domain: { x: [-2.5, 3.5], y: [-2, 2.5] },
    levels: [0.3, 0.4, 0.6, 1, 1.5, 2.5, 4, 6],
    paths: runs.map((r) => ({
      name: r.name,
      x: r.path.map((q) => q[0]),
      y: r.path.map((q) => q[1]),
      arrows: false,
      points: false,
    })),
    title: `${steps} steps over the MSE's level sets (η = ${lr})`,
    xLabel: "slope a",
    yLabel: "intercept b",
    valueLabel: "MSE",
  }),
);
const every = (v: number[]) => v.map((y, k) => ({ k, y })).filter((q) => q.k % 5 === 0);
await saveSvg(
  report.path("sgd_noise_loss.svg"),
  await lineChart(
    runs.map((r) => ({
      name: r.name,
      x: every(r.excess).map((q) => q.k),
      y: every(r.excess).map((q) => q.y),
    })),
    {
      title: `Excess MSE along the way (η = ${lr})`,
      xLabel: "step",
      yLabel: "MSE − min MSE",
      logY: true,
      legend: "top-right",
    },
  ),
);
// The noise floor of SGD against its step size: the excess MSE averaged over the last 1,000 steps.
const rates = [0.003, 0.01, 0.03, 0.1];
const floors = rates.map((eta) => {
  const tail = train(1, eta, 3000).excess.slice(-1000);
  return tail.reduce((s, v) => s + v, 0) / tail.length;
});
rates.forEach((eta, i) =>
  report.note(
    `SGD η = ${eta}: mean excess MSE over the last 1,000 of 3,000 steps ${
      floors[i].toExponential(3)
    }`,
  )
);
await saveSvg(
  report.path("sgd_noise_floor.svg"),
  await lineChart([{ name: "SGD (batch 1)", x: rates, y: floors }], {
    title: "SGD's noise floor grows with the step size",
    xLabel: "learning rate η",
    yLabel: "mean excess MSE (last 1,000 steps)",
    logY: true,
    legend: "none",
  }),
);
const last = (r: { excess: number[] }) => r.excess[steps];
report.metric("batch GD: excess MSE at the end", last(runs[0]), { min: 0, max: 1e-3 });
report.metric(
  "SGD excess / batch GD excess at the end",
  last(runs[2]) / Math.max(1e-15, last(runs[0])),
  { min: 2 },
);
report.metric("SGD noise floor at eta 0.1 / at eta 0.01", floors[3] / floors[1], { min: 2 });
await report.write();
