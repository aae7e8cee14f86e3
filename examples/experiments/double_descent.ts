// Double descent (002-part-b E4, E5; 003 L170–186). Model-wise: regression on 100 noisy examples with
// p random ReLU features, fitted by the minimum-norm least-squares solution (where gradient descent
// from 0 converges): the test error rises as p approaches the number of examples — the
// interpolation threshold, where the fit must thread every noisy point — and falls again beyond it.
// Epoch-wise: gradient descent on a linear model whose features come in two scales; the fast
// features fit first and then start fitting the noise (test error up), until the slow ones, which
// carry most of the signal, are learned (test error down again): "training longer reverses
// overfitting". Gradient descent from 0 on least squares has a closed form through the SVD of the
// features, w_t = V·diag((1 − (1 − ηs²/n)^t)/s)·Uᵀy, so every (p, t) costs one SVD: the heat map
// shows test error over model size and training time together.
//
//   deno run -A examples/experiments/double_descent.ts [--seeds 5] [--quick]
// → out/experiments/double_descent_model.svg, double_descent_epochs.svg, double_descent_map.svg,
//   double_descent.txt, double_descent.summary.json
import { linalg, NDArray, Rng } from "@nnc/tensor";
import { heatmapChart, lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";

const report = new ExampleReport("experiments", "double_descent");
const backend = await preferNative(); // LAPACK's SVD
const seeds = numberFlag("seeds", report.quick ? 2 : 6);
const lines: string[] = [];
const say = (s: string) => {
  report.note(s);
  lines.push(s);
};

/** `rows × cols` standard normal float64 values. */
function gaussian(rows: number, cols: number, rng: Rng): NDArray {
  return NDArray.fromTyped(Float64Array.from({ length: rows * cols }, () => rng.normal()), [
    rows,
    cols,
  ]);
}

/** Mean squared error of predictions `a·w` against `y`. */
function mse(a: NDArray, w: NDArray, y: NDArray): number {
  return a.matmul(w).sub(y).square().mean().item();
}

/**
 * Gradient descent from 0 on ½·mean((a·w − y)²) after t steps, from the SVD of a:
 * w_t = Σ_k (1 − (1 − η s_k²/n)^t)/s_k · v_k u_kᵀ y (t = Infinity: the minimum-norm solution).
 * The step η defaults to 1/λ_max = n/s_max² (half the largest stable step).
 */
function gdSolutions(a: NDArray, y: NDArray, times: number[], step?: number): NDArray[] {
  const n = a.shape[0];
  const { u, s, vt } = linalg.svd(a);
  const sv = s.toArray() as number[], uty = u.T.matmul(y).toArray() as number[][];
  const tol = 1e-10 * sv[0], eta = step ?? n / (sv[0] * sv[0]);
  return times.map((t) => {
    const coef = sv.map((sk, k) => {
      if (sk <= tol) return 0;
      const shrink = t === Infinity ? 1 : 1 - Math.pow(1 - (eta * sk * sk) / n, t);
      return (shrink / sk) * uty[k][0];
    });
    return vt.T.matmul(NDArray.fromTyped(Float64Array.from(coef), [coef.length, 1]));
  });
}

// ---- Model-wise: random ReLU features on a 10-dimensional regression problem.
const d = 10, n = 100, nTest = 2000, noise = 0.5;
const sizes = report.quick ? [10, 40, 70, 90, 100, 110, 140, 250, 500] : [
  5,
  10,
  20,
  30,
  40,
  50,
  60,
  70,
  80,
  90,
  95,
  100,
  105,
  110,
  120,
  140,
  170,
  200,
  250,
  300,
  400,
  500,
  700,
];
const times = [1, 3, 10, 30, 100, 300, 1000, 3000, 1e4, 3e4, 1e5, 3e5, 1e6, 1e7];
const testBySize = sizes.map(() => 0), trainBySize = sizes.map(() => 0);
const map = sizes.map(() => times.map(() => 0));
for (let seed = 0; seed < seeds; seed++) {
  const rng = new Rng(100 + seed);
  const teacher = gaussian(d, 1, rng).div(Math.sqrt(d));
  const target = (x: NDArray) => x.matmul(teacher).tanh().mul(2);
  const xTr = gaussian(n, d, rng), xTe = gaussian(nTest, d, rng);
  const yTr = target(xTr).add(gaussian(n, 1, rng).mul(noise)), yTe = target(xTe);
  const pMax = sizes[sizes.length - 1];
  const W = gaussian(d, pMax, rng).div(Math.sqrt(d));
  const features = (x: NDArray, p: number) => x.matmul(W.slice(null, { start: 0, stop: p })).relu();
  sizes.forEach((p, i) => {
    const fTr = features(xTr, p), fTe = features(xTe, p);
    const [wInf, ...wT] = gdSolutions(fTr, yTr, [Infinity, ...times]);
    testBySize[i] += mse(fTe, wInf, yTe) / seeds;
    trainBySize[i] += mse(fTr, wInf, yTr) / seeds;
    wT.forEach((w, j) => (map[i][j] += mse(fTe, w, yTe) / seeds));
  });
}
say(
  `model-wise (${n} examples, mean of ${seeds} draws; backend ${backend}): test MSE of the minimum-norm fit by p:`,
);
sizes.forEach((p, i) =>
  say(`  p = ${p}: test ${testBySize[i].toFixed(4)}, train ${trainBySize[i].toExponential(2)}`)
);
await saveSvg(
  report.path("double_descent_model.svg"),
  await lineChart(
    [
      { name: "test MSE", x: sizes, y: testBySize },
      {
        name: "training MSE",
        x: sizes,
        y: trainBySize.map((v) => Math.max(v, 1e-6)),
        dashed: true,
      },
    ],
    {
      title: `Random ReLU features, minimum-norm fit on ${n} noisy examples`,
      xLabel: "number of features p (interpolation threshold p = 100)",
      yLabel: "mean squared error",
      logY: true,
      legend: "top-right",
    },
  ),
);
await saveSvg(
  report.path("double_descent_map.svg"),
  await heatmapChart(map.map((row) => row.map((v) => Math.log10(v))), {
    xLabels: times.map((t) => (t < 1e4 ? String(t) : t.toExponential(0).replace("+", ""))),
    yLabels: sizes.map(String),
    title: "log10 test MSE over features p and GD steps t (η = 1/λ_max)",
    xLabel: "gradient-descent steps t",
    yLabel: "features p",
    valueLabel: "log10 MSE",
    scheme: "viridis",
  }),
);
const at = (p: number) => testBySize[sizes.indexOf(p)];
const peak = Math.max(...sizes.map((p, i) => (p >= 80 && p <= 125 ? testBySize[i] : 0)));
report.metric("model-wise: peak test MSE near p = n / test MSE at p = 500", peak / at(500), {
  min: 3,
});
report.metric("model-wise: peak test MSE near p = n / test MSE at p = 10", peak / at(10), {
  min: 2,
});

// ---- Epoch-wise: a linear model with 40 fast features (scale 1) and 10 slow ones (scale 0.1).
const fast = 40, slow = 10, m = 100, sigma = 1.5, fastSignal = 4, slowSignal = 8;
const steps = Array.from({ length: 61 }, (_, k) => Math.round(Math.pow(10, k / 12))).filter((
  t,
  k,
  a,
) => k === 0 || t !== a[k - 1]);
const curve = steps.map(() => 0), trainCurve = steps.map(() => 0);
for (let seed = 0; seed < seeds; seed++) {
  const rng = new Rng(200 + seed);
  const scales = NDArray.fromTyped(
    Float64Array.from({ length: fast + slow }, (_, j) => (j < fast ? 1 : 0.1)),
    [1, fast + slow],
  );
  // signal variance 4 on the fast features and 8 on the slow ones; noise deviation 1.5
  const theta = NDArray.fromTyped(
    Float64Array.from(
      { length: fast + slow },
      (
        _,
        j,
      ) => (j < fast
        ? (Math.sqrt(fastSignal) * rng.normal()) / Math.sqrt(fast)
        : (Math.sqrt(slowSignal) * rng.normal()) / (0.1 * Math.sqrt(slow))),
    ),
    [fast + slow, 1],
  );
  const draw = (rows: number) => gaussian(rows, fast + slow, rng).mul(scales);
  const xTr = draw(m), xTe = draw(nTest);
  const yTr = xTr.matmul(theta).add(gaussian(m, 1, rng).mul(sigma)), yTe = xTe.matmul(theta);
  gdSolutions(xTr, yTr, steps, 0.05).forEach((w, k) => {
    curve[k] += mse(xTe, w, yTe) / seeds;
    trainCurve[k] += mse(xTr, w, yTr) / seeds;
  });
}
await saveSvg(
  report.path("double_descent_epochs.svg"),
  await lineChart(
    [
      { name: "test MSE", x: steps.map(Math.log10), y: curve },
      { name: "training MSE", x: steps.map(Math.log10), y: trainCurve, dashed: true },
    ],
    {
      title: "Epoch-wise double descent: GD on fast (scale 1) and slow (scale 0.1) features",
      xLabel: "log10 of gradient-descent steps (η = 0.05)",
      yLabel: "mean squared error",
      legend: "top-right",
    },
  ),
);
// The first minimum, the bump after it, and the end.
let kMin = 1;
while (kMin + 1 < curve.length && curve[kMin + 1] <= curve[kMin]) kMin++;
let kMax = kMin;
while (kMax + 1 < curve.length && curve[kMax + 1] >= curve[kMax]) kMax++;
say(
  `epoch-wise (mean of ${seeds} draws): test MSE ${curve[0].toFixed(3)} after 1 step, ${
    curve[kMin].toFixed(3)
  } after ${steps[kMin]} (first minimum), ${curve[kMax].toFixed(3)} after ${
    steps[kMax]
  } (the bump), ${curve[curve.length - 1].toFixed(3)} after ${steps[steps.length - 1]}`,
);
report.metric("epoch-wise: first minimum / start of the test MSE", curve[kMin] / curve[0], {
  max: 0.97,
});
report.metric("epoch-wise: bump / first minimum of the test MSE", curve[kMax] / curve[kMin], {
  min: 1.1,
});
report.metric("epoch-wise: final / bump of the test MSE", curve[curve.length - 1] / curve[kMax], {
  max: 0.6,
});
await Deno.writeTextFile(report.path("double_descent.txt"), lines.join("\n") + "\n");
await report.write();
