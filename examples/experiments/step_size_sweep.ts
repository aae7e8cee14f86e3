// The homework's step-size sweep (HW5 Q1, 001-004 G11): gradient descent on
// R(w) = 13w₁² − 10w₁w₂ + 4w₁ + 2w₂² − 2w₂ + 1 from w = 0 for 500 iterations with η = 0.02, 0.05
// and 0.1; the distance to w* = (1, 3) shrinks slowly, faster, then explodes: the Hessian's largest
// eigenvalue 15 + √221 allows η < 0.0670 only. Then GD on R(w) = w⁴ (G12): η = 1/8 creeps towards
// 0 (the gradient vanishes with w), η = 1/2 bounces between 1 and −1 for ever.
//
//   deno run -A examples/experiments/step_size_sweep.ts [--quick]
// → out/experiments/step_size_sweep_distance.svg, step_size_sweep_paths.svg,
//   step_size_sweep_quartic.svg, step_size_sweep.summary.json
import type { Tensor } from "@nnc/autograd";
import { SGD } from "@nnc/optim";
import { contourChart, lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";
import { descend, distances, hw5Quadratic } from "./_descent.ts";

const report = new ExampleReport("experiments", "step_size_sweep");
const steps = 500; // the homework's protocol (milliseconds of work)
const etas = [0.02, 0.05, 0.1];
const runs = etas.map((eta) =>
  descend(hw5Quadratic, [0, 0], (ps) => new SGD(ps, { lr: eta }), steps, Infinity)
);
const dist = runs.map((r) => distances(r, [1, 3]));
etas.forEach((eta, i) =>
  report.note(
    `η = ${eta}: ‖w − w*‖ after 1 step ${dist[i][1].toFixed(6)}, after ${steps} ${
      dist[i][steps].toPrecision(6)
    }; w = (${runs[i].points[steps].map((v) => v.toPrecision(6)).join(", ")})`,
  )
);
await saveSvg(
  report.path("step_size_sweep_distance.svg"),
  await lineChart(
    etas.map((eta, i) => ({ name: `η = ${eta}`, x: dist[i].map((_, k) => k), y: dist[i] })),
    {
      title: "GD on HW5's quadratic: distance to w* = (1, 3)",
      xLabel: "iteration",
      yLabel: "‖w − w*‖",
      logY: true,
      legend: "top-left",
    },
  ),
);
const R = (a: number, b: number) => 13 * a * a - 10 * a * b + 4 * a + 2 * b * b - 2 * b + 1;
await saveSvg(
  report.path("step_size_sweep_paths.svg"),
  await contourChart(R, {
    domain: { x: [-1.4, 2.3], y: [-0.8, 4] },
    levels: [0.02, 0.1, 0.3, 0.6, 1, 2, 4],
    paths: etas.map((eta, i) => {
      // η = 0.1 leaves the picture after four steps
      const pts = runs[i].points.slice(0, i === 2 ? 5 : steps + 1);
      return {
        name: i === 2 ? `η = ${eta} (first 4 steps)` : `η = ${eta}`,
        x: pts.map((p) => p[0]),
        y: pts.map((p) => p[1]),
        arrows: i === 2,
        points: i === 2,
        dashed: i === 1,
      };
    }),
    title: "Iterates over the level sets of R (minimum at (1, 3))",
    xLabel: "w₁",
    yLabel: "w₂",
    valueLabel: "R(w)",
  }),
);
report.metric("final distance, eta 0.02", dist[0][steps], { min: 0.826190, max: 0.826192 });
report.metric("final distance, eta 0.05", dist[1][steps], { min: 0.109770, max: 0.109772 });
report.metric("log10 final distance, eta 0.1 (diverges)", Math.log10(dist[2][steps]), { min: 100 });

const quartic = (p: Tensor) => p.pow(4).sum();
const slow = descend(quartic, [1], (ps) => new SGD(ps, { lr: 1 / 8 }), 40).points.map((p) => p[0]);
const bounce = descend(quartic, [1], (ps) => new SGD(ps, { lr: 1 / 2 }), 40).points.map((p) =>
  p[0]
);
report.note(
  `R(w) = w⁴ from 1: η = 1/8 gives ${
    slow.slice(0, 4).map((v) => +v.toFixed(6)).join(", ")
  }, … (7/16, not the notes' 3/16), w(40) = ${slow[40].toFixed(4)}; η = 1/2 gives ${
    bounce.slice(0, 6).join(", ")
  }, …`,
);
await saveSvg(
  report.path("step_size_sweep_quartic.svg"),
  await lineChart(
    [
      { name: "η = 1/8", x: slow.map((_, k) => k), y: slow },
      { name: "η = 1/2", x: bounce.map((_, k) => k), y: bounce, dashed: true },
    ],
    {
      title: "GD on R(w) = w⁴ from w = 1",
      xLabel: "iteration",
      yLabel: "w",
      legend: "bottom-right",
    },
  ),
);
report.metric("w(2) on w^4 with eta 1/8", slow[2], { min: 0.4375 - 1e-15, max: 0.4375 + 1e-15 });
await report.write();
