// The implicit bias of gradient descent (000:L697–772): on an under-determined least-squares
// problem ½‖Ax − y‖² every point of an affine set fits exactly, and GD from x0 converges to
// x_ln + V₂V₂ᵀx0 — the minimum-norm solution x_ln = Aᵀ(AAᵀ)⁻¹y when x0 has no part in null(A)
// (x0 = 0, say). First A = [1 1], y = 2, from several starts: each path runs perpendicular to the
// line of solutions. Then A = [[1, 2, 3], [4, 5, 6]], y = (1, 2) (μ = 0.01 < 2/σ₁² = 0.0221).
//
//   deno run -A examples/experiments/implicit_bias.ts [--quick]
// → out/experiments/implicit_bias_paths.svg, implicit_bias_convergence.svg, implicit_bias.summary.json
import { array, linalg } from "@nnc/tensor";
import { type Tensor, tensor } from "@nnc/autograd";
import { SGD } from "@nnc/optim";
import { lineChart, saveSvg, xyChart, type XYLayer } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";
import { descend, distances } from "./_descent.ts";

const report = new ExampleReport("experiments", "implicit_bias");
const lsq = (A: number[][], y: number[]) => (x: Tensor) =>
  tensor(A, { dtype: "float64" }).matmul(x).sub(tensor(y, { dtype: "float64" })).square().sum().mul(
    0.5,
  );

// 1. A = [1 1], y = 2: the solutions are the line x₁ + x₂ = 2, the minimum-norm one (1, 1).
const starts = [[0, 0], [2.5, -1], [-1, 0.5], [0.5, 2.8]];
const paths = starts.map((s) =>
  descend(lsq([[1, 1]], [2]), s, (ps) => new SGD(ps, { lr: 0.2 }), 60)
);
const layers: XYLayer[] = [
  { type: "line", x: [-1.5, 3.5], y: [3.5, -1.5], name: "solutions x₁ + x₂ = 2", color: "#222" },
  ...paths.map((t, i): XYLayer => ({
    type: "line",
    x: t.points.map((p) => p[0]),
    y: t.points.map((p) => p[1]),
    name: `GD from (${starts[i].join(", ")})`,
    arrows: true,
    points: true,
  })),
  {
    type: "points",
    x: [1],
    y: [1],
    name: "minimum norm (1, 1)",
    shape: "diamond",
    size: 7,
    color: "#222",
  },
];
await saveSvg(
  report.path("implicit_bias_paths.svg"),
  await xyChart(layers, {
    domain: { x: [-1.5, 3.5], y: [-1.5, 3.5] },
    equalAspect: true,
    title: "GD on ½(x₁ + x₂ − 2)²: each start goes straight to the line",
    xLabel: "x₁",
    yLabel: "x₂",
  }),
);
const end0 = paths[0].points.at(-1)!;
report.note(`A = [1 1]: from 0 GD ends at (${end0.map((v) => v.toFixed(12)).join(", ")})`);
report.metric(
  "distance from the minimum-norm solution (A = [1 1], from 0)",
  Math.hypot(end0[0] - 1, end0[1] - 1),
  {
    min: 0,
    max: 1e-10,
  },
);

// 2. A = [[1, 2, 3], [4, 5, 6]], y = (1, 2).
const A = [[1, 2, 3], [4, 5, 6]], y = [1, 2];
const Am = array(A, { dtype: "float64" });
const xln = Am.T.matmul(linalg.solve(Am.matmul(Am.T), array([[1], [2]], { dtype: "float64" })))
  .reshape([3]).toArray() as number[];
const null1 = [1, -2, 1].map((v) => v / Math.sqrt(6));
const s = linalg.svd(Am).s.toArray() as number[];
report.note(
  `A = [[1,2,3],[4,5,6]]: x_ln = (${xln.map((v) => v.toFixed(6))}) = (−1/18, 1/9, 5/18); σ = ${
    s.map((v) => v.toFixed(7))
  }, so μ must stay below 2/σ₁² = ${(2 / s[0] ** 2).toFixed(7)}`,
);
const steps = 4000; // a second of work
const x0s = [[0, 0, 0], [1, 0, 0], [1, 1, 1]];
const runs = x0s.map((x0) => descend(lsq(A, y), x0, (ps) => new SGD(ps, { lr: 0.01 }), steps));
const expected = x0s.map((x0) => {
  const c = x0.reduce((acc, v, i) => acc + v * null1[i], 0); // V₂V₂ᵀx0 = (n·x0) n
  return xln.map((v, i) => v + c * null1[i]);
});
runs.forEach((r, i) =>
  report.note(
    `from (${x0s[i].join(", ")}): GD ends at (${
      r.points.at(-1)!.map((v) => v.toFixed(6))
    }), x_ln + V₂V₂ᵀx0 = (${expected[i].map((v) => v.toFixed(6))})`,
  )
);
await saveSvg(
  report.path("implicit_bias_convergence.svg"),
  await lineChart(
    runs.flatMap((r, i) => {
      const d = distances(r, xln);
      const k = d.map((_, j) => j).filter((j) => j % 10 === 0);
      return [{ name: `‖x − x_ln‖ from (${x0s[i].join(", ")})`, x: k, y: k.map((j) => d[j]) }];
    }),
    {
      title: "A = [[1,2,3],[4,5,6]]: GD with μ = 0.01",
      xLabel: "iteration",
      yLabel: "distance to the minimum-norm solution",
      logY: true,
      legend: "right",
    },
  ),
);
const gap = (i: number) => Math.hypot(...runs[i].points.at(-1)!.map((v, j) => v - expected[i][j]));
report.metric("from 0: distance to x_ln", gap(0), { min: 0, max: 1e-6 });
report.metric("from (1, 0, 0): distance to x_ln + V2V2'x0", gap(1), { min: 0, max: 1e-6 });
report.metric(
  "from (1, 0, 0): distance to x_ln (the null-space part stays)",
  Math.hypot(...runs[1].points.at(-1)!.map((v, j) => v - xln[j])),
  {
    min: 0.4,
  },
);
await report.write();
