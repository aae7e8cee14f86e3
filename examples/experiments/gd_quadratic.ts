// Gradient descent on a quadratic bowl f(x, y) = ½x² + 50y² (Hessian eigenvalues 1 and 100, so GD
// is stable for η < 2/100 = 0.02): the experiments 11, 13 and 14 of 002-part-a §4. The gradient field
// is perpendicular to the level sets and shrinks near the minimum; GD's path zig-zags across the
// narrow valley; too small a step crawls, too large a step oscillates and past 0.02 diverges;
// momentum (the notes' v ← λv − ηg) averages the zig-zag away and with Nesterov's look-ahead
// reaches the bottom much faster; so do Adam's sign-like steps.
// Also the learning-rate schedules of the notes and PyTorch, plotted over 100 epochs.
//
//   deno run -A examples/experiments/gd_quadratic.ts [--quick]
// → out/experiments/gd_quadratic_field.svg, gd_quadratic_optimizers.svg, gd_quadratic_loss.svg,
//   gd_quadratic_rates.svg, gd_quadratic_schedules.svg, gd_quadratic.summary.json
import type { Tensor } from "@nnc/autograd";
import { tensor } from "@nnc/autograd";
import {
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  HyperbolicDecayLR,
  LinearDecayLR,
  type LRScheduler,
  type Optimizer,
  SGD,
  StepLR,
} from "@nnc/optim";
import { contourChart, contourLines, lineChart, saveSvg, xyChart, type XYLayer } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";
import { descend } from "./_descent.ts";

const report = new ExampleReport("experiments", "gd_quadratic");
const f = (p: Tensor) => {
  const [x, y] = [p.slice(0), p.slice(1)];
  return x.square().mul(0.5).add(y.square().mul(50));
};
const fxy = (x: number, y: number) => 0.5 * x * x + 50 * y * y;
const domain = { x: [-4.5, 1.5], y: [-1, 1] } as const;
const levels = [0.05, 0.2, 0.5, 1, 2, 4, 8, 16];
const start = [-4, 0.5];

// 11. The gradient field over the level sets.
const grid: number[][] = [];
for (let j = 0; j <= 40; j++) {
  grid.push(Array.from({ length: 41 }, (_, i) => fxy(-4.5 + (6 * i) / 40, -1 + (2 * j) / 40)));
}
const arrows: XYLayer[] = [];
for (let i = 0; i < 9; i++) {
  for (let j = 0; j < 7; j++) {
    const x = -4.2 + 0.7 * i, y = -0.9 + 0.3 * j;
    const g = [x, 100 * y], scale = 0.004; // −η∇f for η = 0.004
    arrows.push({
      type: "line",
      x: [x, x - scale * g[0]],
      y: [y, y - scale * g[1]],
      arrows: true,
      color: "#c0392b",
      width: 1.5,
    });
  }
}
const contours: XYLayer[] = contourLines(grid, domain, levels).flatMap((lv) =>
  lv.lines.map((l): XYLayer => ({ type: "line", x: l.x, y: l.y, color: "#9aa7b1", width: 1 }))
);
await saveSvg(
  report.path("gd_quadratic_field.svg"),
  await xyChart([...contours, ...arrows], {
    domain,
    equalAspect: true,
    legend: "none",
    title: "−0.004·∇f over the level sets of ½x² + 50y²",
    xLabel: "x",
    yLabel: "y",
  }),
);

// 14. GD against momentum, Nesterov and Adam (40 steps each).
const steps = 40;
const runs: { name: string; make: (ps: Tensor[]) => Optimizer }[] = [
  // GD at its best constant step 2/(λ_max + λ_min); heavy ball with a step and λ that damp the
  // zig-zag (its fastest setting, 4/(√L + √μ)² and ((√κ − 1)/(√κ + 1))², swings much wider on the
  // way); Nesterov with 1/L and (√κ − 1)/(√κ + 1)
  { name: "GD η = 0.0198", make: (ps) => new SGD(ps, { lr: 2 / 101 }) },
  {
    name: "momentum η = 0.008, λ = 0.85",
    make: (ps) => new SGD(ps, { lr: 0.008, momentum: 0.85, variant: "notes" }),
  },
  {
    name: "Nesterov η = 0.01, β = 0.82",
    make: (ps) => new SGD(ps, { lr: 0.01, momentum: 9 / 11, nesterov: true, variant: "notes" }),
  },
  { name: "Adam η = 0.3", make: (ps) => new Adam(ps, { lr: 0.3 }) },
];
const paths = runs.map((r) => ({ ...r, t: descend(f, start, r.make, steps) }));
await saveSvg(
  report.path("gd_quadratic_optimizers.svg"),
  await contourChart(fxy, {
    domain,
    levels,
    equalAspect: true,
    paths: paths.map((p) => ({
      name: p.name,
      x: p.t.points.map((q) => q[0]),
      y: p.t.points.map((q) => q[1]),
      arrows: false,
    })),
    title: `${steps} steps from (−4, 0.5) on ½x² + 50y²`,
    xLabel: "x",
    yLabel: "y",
  }),
);
await saveSvg(
  report.path("gd_quadratic_loss.svg"),
  await lineChart(
    paths.map((p) => ({ name: p.name, x: p.t.values.map((_, k) => k), y: p.t.values })),
    { title: "f along the paths", xLabel: "step", yLabel: "f", logY: true, legend: "bottom-left" },
  ),
);
for (const p of paths) {
  report.note(`${p.name}: f after ${steps} steps ${p.t.values[steps].toExponential(3)}`);
}

// 13. Step sizes: too small, good, at the edge of stability, past it.
const rates = [0.002, 0.01, 0.0199, 0.0202];
const rateRuns = rates.map((lr) => descend(f, start, (ps) => new SGD(ps, { lr }), 30));
await saveSvg(
  report.path("gd_quadratic_rates.svg"),
  await contourChart(fxy, {
    domain,
    levels,
    equalAspect: true,
    paths: rateRuns.map((t, i) => ({
      name: `η = ${rates[i]}`,
      x: t.points.map((q) => q[0]),
      y: t.points.map((q) => q[1]),
      arrows: false,
    })),
    title: "GD for 30 steps: η below, at and past 2/λ_max = 0.02",
    xLabel: "x",
    yLabel: "y",
  }),
);
rateRuns.forEach((t, i) =>
  report.note(`GD η = ${rates[i]}: f after 30 steps ${t.values[30].toExponential(3)}`)
);

// 13. Learning-rate schedules over 100 epochs, from 0.1.
const schedule = (make: (o: Optimizer) => LRScheduler) => {
  const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
  const s = make(opt), out = [s.getLastLr()[0]];
  for (let e = 1; e < 100; e++) {
    s.step();
    out.push(s.getLastLr()[0]);
  }
  return out;
};
const schedules = [
  { name: "step (×0.1 every 30)", y: schedule((o) => new StepLR(o, { stepSize: 30, gamma: 0.1 })) },
  { name: "exponential (γ = 0.96)", y: schedule((o) => new ExponentialLR(o, { gamma: 0.96 })) },
  { name: "cosine (T = 100)", y: schedule((o) => new CosineAnnealingLR(o, { tMax: 100 })) },
  {
    name: "notes' linear (ρ = 80, to 1 %)",
    y: schedule((o) => new LinearDecayLR(o, { decaySteps: 80 })),
  },
  {
    name: "notes' hyperbolic (ρ = 0.1)",
    y: schedule((o) => new HyperbolicDecayLR(o, { rho: 0.1 })),
  },
];
await saveSvg(
  report.path("gd_quadratic_schedules.svg"),
  await lineChart(schedules.map((s) => ({ ...s, x: s.y.map((_, k) => k) })), {
    title: "Learning-rate schedules from 0.1",
    xLabel: "epoch",
    yLabel: "learning rate",
    legend: "top-right",
  }),
);

const final = (name: string) => paths.find((p) => p.name.startsWith(name))!.t.values[steps];
report.metric("GD: f after 40 steps", final("GD"), { min: 0.1, max: 10 });
report.metric("momentum: f after 40 steps / GD's", final("momentum") / final("GD"), {
  min: 0,
  max: 0.02,
});
report.metric("Nesterov: f after 40 steps / GD's", final("Nesterov") / final("GD"), {
  min: 0,
  max: 0.05,
});
report.metric(
  "GD past the limit (eta 0.0202): f after 30 steps / f at start",
  rateRuns[3].values[30] / rateRuns[3].values[0],
  { min: 1 },
);
await report.write();
