// Polynomial fitting with degrees 1, 4 and 15 (the notes' under- and over-fitting figure): linear
// regression on polynomial features of noisy samples of a smooth curve, the data split 70/20/10 into
// training, validation and test parts. Degree 1 underfits, 4 fits, 15 follows the noise (lowest training
// error, high validation error); the validation error over degrees 1–15 picks the degree.
//
//   deno run -A examples/classical/polynomial_degrees.ts [--quick]     # the same in both modes (seconds)
// → out/classical/polynomial_degrees.svg, polynomial_errors.svg, polynomial_degrees.summary.json
import { Rng } from "@nnc/tensor";
import { LinearRegression, PolynomialFeatures, trainValTestSplit } from "@nnc/models/classical";
import { lineChart, lineChartSpec, renderVegaLite, saveSvg } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";
import { withPoints } from "./_panels.ts";

const report = new ExampleReport("classical", "polynomial_degrees");
const rng = new Rng(4);
const n = 30;
const t = Array.from({ length: n }, () => rng.uniform(0, 1)).sort((a, b) => a - b);
const truth = (v: number) => Math.cos(1.5 * Math.PI * v);
const y = t.map((v) => truth(v) + 0.1 * rng.normal());
const split = trainValTestSplit(t.map((v) => [v]), y, { rng: new Rng(1) });

const fitDegree = (degree: number) => {
  // x ∈ [0, 1] keeps the degree-15 Vandermonde matrix usable; lstsq (SVD) copes with its conditioning.
  const poly = new PolynomialFeatures({ degree, includeBias: false });
  const model = new LinearRegression().fit(poly.fitTransform(split.xTrain), split.yTrain);
  const mse = (x: typeof split.xTrain, yy: typeof split.yTrain) => {
    const p = model.predict(poly.transform(x)).data;
    let s = 0;
    for (let i = 0; i < p.length; i++) s += (p[i] - yy.data[i]) ** 2;
    return s / p.length;
  };
  return { poly, model, train: mse(split.xTrain, split.yTrain), val: mse(split.xVal, split.yVal) };
};

const grid = Array.from({ length: 200 }, (_, i) => i / 199);
const fits = [1, 4, 15].map((d) => ({ d, ...fitDegree(d) }));
const series = fits.map(({ d, poly, model }) => ({
  name: `degree ${d}`,
  x: grid,
  y: Array.from(model.predict(poly.transform(grid.map((v) => [v]))).data),
}));
series.push({ name: "truth", x: grid, y: grid.map(truth) });
const spec = lineChartSpec(
  [...series.slice(0, 3), { ...series[3], dashed: true } as (typeof series)[0]],
  { title: "Polynomial fits to 21 training points", xLabel: "x", yLabel: "y" },
);
const xs = Array.from(split.xTrain.data), ys = Array.from(split.yTrain.data);
await saveSvg(
  report.path("polynomial_degrees.svg"),
  await renderVegaLite(withPoints(spec, xs, ys, [-1.6, 1.6])),
);

const degrees = Array.from({ length: 15 }, (_, i) => i + 1);
const errs = degrees.map(fitDegree);
await saveSvg(
  report.path("polynomial_errors.svg"),
  await lineChart(
    [
      { name: "training MSE", x: degrees, y: errs.map((e) => e.train) },
      { name: "validation MSE", x: degrees, y: errs.map((e) => e.val), dashed: true },
    ],
    {
      title: "Error against polynomial degree (70/20/10 split)",
      xLabel: "degree",
      yLabel: "MSE",
      logY: true,
    },
  ),
);
const [e1, e4, e15] = fits;
report.note(
  `split: ${split.xTrain.shape[0]} train, ${split.xVal.shape[0]} validation, ${
    split.xTest.shape[0]
  } test`,
);
report.metric("degree 1 validation MSE", e1.val, { min: 0.1 });
report.metric("degree 4 validation MSE", e4.val, { max: 0.05 });
report.metric("degree 15 validation MSE", e15.val, { min: 0.05 });
report.metric("degree 15 training MSE", e15.train, { max: e4.train });
const best = degrees[errs.reduce((b, e, i) => (e.val < errs[b].val ? i : b), 0)];
report.metric("degree chosen on validation", best, { min: 3, max: 8 });
await report.write();
