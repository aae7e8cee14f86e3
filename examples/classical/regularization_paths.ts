// L1 against L2 regularisation (the notes' lasso and ridge): coefficient paths over the penalty weight α
// for a degree-9 polynomial fit, and how many weights each penalty sets exactly to zero. Ridge shrinks
// every weight smoothly and never zeroes one; the lasso drops weights one by one ("weight selection").
//
//   deno run -A examples/classical/regularization_paths.ts [--quick]   # seconds in both modes
// → out/classical/ridge_path.svg, lasso_path.svg, weight_magnitudes.svg, regularization_paths.summary.json
import { Rng } from "@nnc/tensor";
import { Lasso, PolynomialFeatures, Ridge, StandardScaler } from "@nnc/models/classical";
import { lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";

const report = new ExampleReport("classical", "regularization_paths");
const rng = new Rng(9);
const n = 40, degree = 9;
const t = Array.from({ length: n }, () => rng.uniform(-1, 1));
const y = t.map((v) => Math.sin(3 * v) + 0.1 * rng.normal());
const x = new StandardScaler().fitTransform(
  new PolynomialFeatures({ degree, includeBias: false }).fitTransform(t.map((v) => [v])),
);
const steps = report.quick ? 15 : 40;
const logAlphas = Array.from({ length: steps }, (_, i) => -4 + (5 * i) / (steps - 1));

const path = (
  make: (alpha: number) => Ridge | Lasso,
  scale: number,
) => logAlphas.map((la) => Array.from(make(10 ** la * scale).fit(x, y).coef.data));
// Ridge's α multiplies ‖w‖² against the summed squared error, the lasso's α against the mean (½n scale):
// α_ridge = 2n·α_lasso puts both on one axis of "penalty per sample".
const ridge = path((a) => new Ridge({ alpha: a }), 2 * n);
const lasso = path((a) => new Lasso({ alpha: a, tol: 1e-8, maxIter: 100_000 }), 1);
const chart = (paths: number[][], title: string) =>
  lineChart(
    Array.from(
      { length: degree },
      (_, j) => ({ name: `w${j + 1} (x^${j + 1})`, x: logAlphas, y: paths.map((p) => p[j]) }),
    ),
    { title, xLabel: "log10 α (lasso scale)", yLabel: "coefficient" },
  );
await saveSvg(
  report.path("ridge_path.svg"),
  await chart(ridge, "Ridge (L2): every weight shrinks, none is zero"),
);
await saveSvg(
  report.path("lasso_path.svg"),
  await chart(lasso, "Lasso (L1): weights leave the model one by one"),
);

const zeros = (p: number[][]) => p.map((w) => w.filter((v) => v === 0).length);
await saveSvg(
  report.path("weight_magnitudes.svg"),
  await lineChart(
    [
      { name: "ridge: zero weights", x: logAlphas, y: zeros(ridge) },
      { name: "lasso: zero weights", x: logAlphas, y: zeros(lasso), dashed: true },
    ],
    {
      title: `Exact zeros among the ${degree} weights`,
      xLabel: "log10 α (lasso scale)",
      yLabel: "count",
    },
  ),
);
const mid = Math.floor(steps / 2);
report.note(
  `at α = ${(10 ** logAlphas[mid]).toPrecision(3)}: ridge ${
    JSON.stringify(ridge[mid].map((v) => +v.toFixed(3)))
  }`,
);
report.note(`                lasso ${JSON.stringify(lasso[mid].map((v) => +v.toFixed(3)))}`);
report.metric("ridge zero weights (any α)", Math.max(...zeros(ridge)), { max: 0 });
report.metric("lasso zero weights at the middle α", zeros(lasso)[mid], { min: 3 });
report.metric("lasso zero weights at the largest α", zeros(lasso).at(-1)!, { min: degree });
await report.write();
