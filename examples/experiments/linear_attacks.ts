// The attacks of the notes on two-dimensional pictures (000:L1330–1499): the closed-form minimum-ℓ2
// and minimum-ℓ∞ perturbations and the strongest perturbation of ℓ∞ size η against the linear
// classifier g(x) = 3x₁ − 4x₂ + 1 from x0 = (2, 1); DeepFool's iterates towards the unit circle
// g(x) = ‖x‖² − 1; and DeepFool against an MLP trained on two moons, whose boundary is not straight.
//
//   deno run -A examples/experiments/linear_attacks.ts [--quick]
// → out/experiments/linear_attacks_linear.svg, linear_attacks_circle.svg, linear_attacks_mlp.svg,
//   linear_attacks.summary.json
import { array, type NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { DataLoader, TensorDataset, twoMoons } from "@nnc/datasets";
import { fit } from "@nnc/train";
import { mlp } from "@nnc/models/mlp";
import {
  deepFool,
  linearMaxLinfAttack,
  linearMinL2Attack,
  linearMinLinfAttack,
} from "@nnc/models/robustness";
import { saveSvg, xyChart, type XYLayer } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";

const report = new ExampleReport("experiments", "linear_attacks");

// 1. The linear classifier of the notes' worked example.
const w = [3, -4], w0 = 1, x0 = [2, 1], eta = 0.5;
const l2 = linearMinL2Attack(w, w0, x0).toArray() as number[];
const linf = linearMinLinfAttack(w, w0, x0).toArray() as number[];
const strongest = linearMaxLinfAttack(w, w0, x0, eta).toArray() as number[];
const d2 = Math.hypot(l2[0] - x0[0], l2[1] - x0[1]);
const dInf = Math.max(Math.abs(linf[0] - x0[0]), Math.abs(linf[1] - x0[1]));
report.note(
  `g(x) = 3x₁ − 4x₂ + 1 at x0 = (2, 1): g = 3. Minimum ℓ2: (${l2.map((v) => v.toFixed(4))}) at ${
    d2.toFixed(4)
  }; minimum ℓ∞: (${linf.map((v) => v.toFixed(4))}) at ${
    dInf.toFixed(4)
  } = 3/7; strongest ℓ∞ step η = 0.5: (${strongest}), g = ${
    3 * strongest[0] - 4 * strongest[1] + 1
  }`,
);
const circle = (r: number, c: number[]) => {
  const t = Array.from({ length: 121 }, (_, i) => (2 * Math.PI * i) / 120);
  return { x: t.map((a) => c[0] + r * Math.cos(a)), y: t.map((a) => c[1] + r * Math.sin(a)) };
};
const square = (r: number, c: number[]) => ({
  x: [c[0] - r, c[0] + r, c[0] + r, c[0] - r],
  y: [c[1] - r, c[1] - r, c[1] + r, c[1] + r],
});
await saveSvg(
  report.path("linear_attacks_linear.svg"),
  await xyChart(
    [
      {
        type: "polygon",
        ...square(eta, x0),
        name: "ℓ∞ ball η = 0.5",
        opacity: 0.12,
        outline: true,
      },
      { type: "line", ...circle(d2, x0), name: "ℓ2 ball of radius 0.6", dashed: true },
      {
        type: "line",
        x: [0.5, 3],
        y: [(1 + 1.5) / 4, (1 + 9) / 4],
        name: "boundary g = 0",
        color: "#222",
      },
      { type: "points", x: [x0[0]], y: [x0[1]], name: "x0 (g = 3)", size: 5 },
      { type: "points", x: [l2[0]], y: [l2[1]], name: "minimum ℓ2", shape: "diamond", size: 6 },
      { type: "points", x: [linf[0]], y: [linf[1]], name: "minimum ℓ∞", shape: "square", size: 6 },
      {
        type: "points",
        x: [strongest[0]],
        y: [strongest[1]],
        name: "strongest ℓ∞ (η = 0.5)",
        shape: "triangle-up",
        size: 6,
      },
      { type: "line", x: [x0[0], l2[0]], y: [x0[1], l2[1]], arrows: true, color: "#555" },
      { type: "line", x: [x0[0], linf[0]], y: [x0[1], linf[1]], arrows: true, color: "#999" },
    ],
    {
      domain: { x: [0.8, 2.8], y: [0.3, 2.0] },
      equalAspect: true,
      title: "Closed-form attacks on g(x) = 3x₁ − 4x₂ + 1",
      xLabel: "x₁",
      yLabel: "x₂",
    },
  ),
);
report.metric("minimum l2 distance", d2, { min: 0.6 - 1e-12, max: 0.6 + 1e-12 });
report.metric("minimum linf distance", dInf, { min: 3 / 7 - 1e-12, max: 3 / 7 + 1e-12 });

// 2. DeepFool on the unit circle, from (2, 1) and three more points.
const g = (x: Tensor) => x.square().sum({ axis: 1 }).sub(1);
const starts = [[2, 1], [-1.5, 1.6], [0.2, 0.3], [-0.6, -0.3]];
const runCircle = deepFool(g, array(starts, { dtype: "float64" }), { box: null, recordPath: true });
const paths: XYLayer[] = starts.map((s, i) => ({
  type: "line",
  x: [s[0], ...runCircle.path!.map((p) => p.get(i, 0))],
  y: [s[1], ...runCircle.path!.map((p) => p.get(i, 1))],
  name: `from (${s.join(", ")})`,
  arrows: true,
  points: true,
}));
const first = runCircle.path!.slice(0, 4).map((p) =>
  `(${p.get(0, 0).toFixed(7)}, ${p.get(0, 1).toFixed(7)})`
);
report.note(`DeepFool from (2, 1): ${first.join(" → ")}; ${runCircle.iterations[0]} iterations`);
await saveSvg(
  report.path("linear_attacks_circle.svg"),
  await xyChart(
    [{ type: "line", ...circle(1, [0, 0]), name: "g(x) = ‖x‖² − 1 = 0", color: "#222" }, ...paths],
    {
      domain: { x: [-2, 2.3], y: [-1.4, 1.8] },
      equalAspect: true,
      title: "DeepFool iterates",
      xLabel: "x₁",
      yLabel: "x₂",
    },
  ),
);
// From outside the iterates approach the circle without crossing it (overshoot 0, the notes'
// iterate); from inside, the first step already crosses it.
const end = runCircle.x.toArray() as number[][];
report.metric(
  "DeepFool |g| at the end from (2, 1)",
  Math.abs(end[0][0] ** 2 + end[0][1] ** 2 - 1),
  {
    min: 0,
    max: 1e-12,
  },
);

// 3. DeepFool against an MLP trained on two moons.
const train = twoMoons({ n: 400, noise: 0.15, seed: 1 });
const net = mlp([2, 32, 32, 2], { activation: "tanh", rng: new Rng(0) });
await fit(net, {
  train: new DataLoader(new TensorDataset(train.x, train.y), {
    batchSize: 32,
    shuffle: true,
    seed: 0,
  }),
  loss: crossEntropy,
  optimizer: new Adam(net.parameters(), { lr: 0.01 }),
  epochs: 60, // a second or two
  progress: "none",
});
net.eval();
const probe = train.x.indexSelect(0, Array.from({ length: 12 }, (_, i) => 7 + 33 * i));
const attack = deepFool(net, probe, { box: null, overshoot: 0.02, recordPath: true });
const mlpPaths: XYLayer[] = Array.from({ length: probe.shape[0] }, (_, i) => ({
  type: "line",
  x: [probe.get(i, 0), ...attack.path!.map((p) => p.get(i, 0))],
  y: [probe.get(i, 1), ...attack.path!.map((p) => p.get(i, 1))],
  arrows: true,
  color: "#222",
}));
const classify = (p: NDArray) => noGrad(() => net.forward(new Tensor(p)));
await saveSvg(
  report.path("linear_attacks_mlp.svg"),
  await xyChart(
    [
      { type: "regions", classify, names: ["class 0", "class 1"], resolution: 120 },
      {
        type: "points",
        x: train.x.slice(null, 0).toArray() as number[],
        y: train.x.slice(null, 1).toArray() as number[],
        groups: (train.y.toArray() as number[]).map((c) => `class ${c}`),
        size: 2,
      },
      ...mlpPaths,
      {
        type: "points",
        x: Array.from({ length: 12 }, (_, i) => probe.get(i, 0)),
        y: Array.from({ length: 12 }, (_, i) => probe.get(i, 1)),
        name: "attacked points",
        shape: "diamond",
        size: 5,
        color: "#222",
      },
    ],
    {
      domain: { x: [-1.5, 2.5], y: [-1, 1.5] },
      equalAspect: true,
      title: "DeepFool against an MLP 2-32-32-2 (tanh, two moons)",
      xLabel: "x₁",
      yLabel: "x₂",
    },
  ),
);
const rate = attack.fooled.filter(Boolean).length / attack.fooled.length;
report.note(
  `DeepFool against the MLP: ${attack.fooled.filter(Boolean).length}/12 labels changed, ${
    Array.from(attack.iterations).join(" ")
  } iterations`,
);
report.metric("DeepFool fooling rate (MLP)", rate, { min: 1, max: 1 });
await report.write();
