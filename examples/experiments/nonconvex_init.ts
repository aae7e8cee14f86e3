// Non-convex landscapes (002-part-a §4 exp. 12, 000 E4 and E6): f(x, y) = (x² − 1)² + 0.3x + y² has
// a global minimum near (−1.036, 0), a shallower local one near (0.960, 0) and a saddle point near
// (0.075, 0) between them. Gradient descent ends where its start lies: starts left of the saddle's
// ridge reach the global minimum, starts right of it the local one, and a start exactly on the
// ridge (the saddle's stable line x = 0.0754) runs into the saddle itself. Along y = 0, from x = 2,
// plain GD stops in the local minimum while heavy-ball momentum (λ = 0.9) rolls through it to the
// global one.
//
//   deno run -A examples/experiments/nonconvex_init.ts [--quick]
// → out/experiments/nonconvex_init_paths.svg, nonconvex_init_momentum.svg, nonconvex_init.summary.json
import type { Tensor } from "@nnc/autograd";
import { SGD } from "@nnc/optim";
import { contourChart, saveSvg, xyChart } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";
import { descend } from "./_descent.ts";

const report = new ExampleReport("experiments", "nonconvex_init");
const f = (p: Tensor) => {
  const [x, y] = [p.slice(0), p.slice(1)];
  return x.square().sub(1).square().add(x.mul(0.3)).add(y.square());
};
const fxy = (x: number, y: number) => (x * x - 1) ** 2 + 0.3 * x + y * y;
// the stationary points on y = 0: roots of 4x³ − 4x + 0.3 (Newton)
const root = (x0: number) => {
  let x = x0;
  for (let i = 0; i < 60; i++) x -= (4 * x ** 3 - 4 * x + 0.3) / (12 * x * x - 4);
  return x;
};
const [globalMin, saddle, localMin] = [root(-1), root(0), root(1)];
report.note(
  `stationary points on y = 0: global minimum x = ${globalMin.toFixed(4)} (f = ${
    fxy(globalMin, 0).toFixed(4)
  }), saddle x = ${saddle.toFixed(4)} (f = ${fxy(saddle, 0).toFixed(4)}), local minimum x = ${
    localMin.toFixed(4)
  } (f = ${fxy(localMin, 0).toFixed(4)})`,
);
const starts = [[-1.8, 1.5], [-0.4, -1.6], [-0.2, 1.7], [0.3, 1.6], [0.5, -1.5], [1.8, 1.2], [
  1.7,
  -1.4,
], [
  saddle,
  1.7,
]];
const gd = starts.map((s) => descend(f, s, (ps) => new SGD(ps, { lr: 0.05 }), 300));
const ends = gd.map((t) => t.points.at(-1)!);
ends.forEach((e, i) =>
  report.note(
    `GD from (${starts[i].map((v) => +v.toFixed(4)).join(", ")}) → (${
      e.map((v) => v.toFixed(4)).join(", ")
    })`,
  )
);
await saveSvg(
  report.path("nonconvex_init_paths.svg"),
  await contourChart(fxy, {
    domain: { x: [-2, 2], y: [-1.8, 1.8] },
    levels: [-0.25, 0, 0.3, 0.6, 1, 1.5, 2, 3, 4.5],
    equalAspect: true,
    paths: gd.map((t, i) => ({
      name: i === starts.length - 1
        ? "from the saddle's stable line"
        : `from (${starts[i].join(", ")})`,
      x: t.points.filter((_, k) => k % 3 === 0).map((q) => q[0]),
      y: t.points.filter((_, k) => k % 3 === 0).map((q) => q[1]),
      arrows: true,
      points: false,
    })),
    title: "GD (η = 0.05) on (x² − 1)² + 0.3x + y²: where it ends depends on where it starts",
    xLabel: "x",
    yLabel: "y",
  }),
);
const near = (p: number[], x: number) => Math.hypot(p[0] - x, p[1]) < 1e-3;
const reached = new Set(
  ends.map((
    e,
  ) => (near(e, globalMin)
    ? "global"
    : near(e, localMin)
    ? "local"
    : near(e, saddle)
    ? "saddle"
    : "other")
  ),
);
report.metric("distinct stationary points reached by GD", reached.size, { min: 3, max: 3 });
report.metric(
  "distance to the saddle from its stable line",
  Math.hypot(ends.at(-1)![0] - saddle, ends.at(-1)![1]),
  { min: 0, max: 1e-6 },
);

// Momentum through the shallow minimum, along y = 0 from x = 2.
const line = (p: Tensor) => f(p);
const plain = descend(line, [2, 0], (ps) => new SGD(ps, { lr: 0.02 }), 200);
const heavy = descend(
  line,
  [2, 0],
  (ps) => new SGD(ps, { lr: 0.02, momentum: 0.9, variant: "notes" }),
  200,
);
const xs = Array.from({ length: 161 }, (_, i) => -2 + i / 40);
await saveSvg(
  report.path("nonconvex_init_momentum.svg"),
  await xyChart(
    [
      { type: "line", x: xs, y: xs.map((x) => fxy(x, 0)), name: "f(x, 0)", color: "#222" },
      {
        type: "points",
        x: plain.points.map((p) => p[0]),
        y: plain.values,
        name: "GD η = 0.02",
        size: 3,
      },
      {
        type: "points",
        x: heavy.points.map((p) => p[0]),
        y: heavy.values,
        name: "momentum η = 0.02, λ = 0.9",
        shape: "diamond",
        size: 3,
      },
    ],
    {
      domain: { x: [-2, 2.1], y: [-0.5, 6] },
      title: "From x = 2: GD stops in the shallow minimum, momentum rolls on",
      xLabel: "x",
      yLabel: "f(x, 0)",
    },
  ),
);
const gdEnd = plain.points.at(-1)![0], hbEnd = heavy.points.at(-1)![0];
report.note(
  `along y = 0 from x = 2: GD ends at x = ${gdEnd.toFixed(4)}, momentum at x = ${hbEnd.toFixed(4)}`,
);
report.metric("GD from x = 2: distance to the local minimum", Math.abs(gdEnd - localMin), {
  min: 0,
  max: 1e-3,
});
report.metric("momentum from x = 2: distance to the global minimum", Math.abs(hbEnd - globalMin), {
  min: 0,
  max: 1e-3,
});
await report.write();
