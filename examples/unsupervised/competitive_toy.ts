// Competitive (winner-take-all) and Hebbian learning on the notes' toy sets:
// - the mock final's Q2 (ỹ-scaled rule, rounding after every update, 2 epochs) and how its answer depends
//   on the tie-breaking and rounding rules;
// - the typed notes' competitive example (w ← w + η(x − w), η = 0.5) and Hebbian example (y = sgn(wᵀx));
// - Hebb's divergence and the damped form's limit 1/(1 − α).
//
// Runs in well under a second (--quick: the same).
//
//   deno run -A examples/unsupervised/competitive_toy.ts
// → out/unsupervised/competitive_mock_q2.svg, competitive_typed_notes.svg, hebbian_typed_notes.svg,
//   hebbian_damping.svg, competitive_toy.txt, competitive_toy.summary.json
import {
  CompetitiveLearning,
  type CompetitiveStep,
  Hebbian,
  type RoundMode,
  type TieBreak,
} from "@nnc/models/unsupervised";
import { lineChart, saveSvg, xyChart, type XYLayer } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";

const report = new ExampleReport("unsupervised", "competitive_toy");
const PALETTE = ["#4c78a8", "#f58518", "#e45756"];
const lines: string[] = [];
const say = (s = "") => {
  console.log(s);
  lines.push(s);
};
const v = (p: readonly number[]) => `(${p.map((x) => Number(x.toFixed(5))).join(", ")})`;

async function trajectoryPlot(
  file: string,
  title: string,
  data: number[][],
  start: number[][],
  steps: CompetitiveStep[],
  boundary?: [number[], number[]],
): Promise<void> {
  const layers: XYLayer[] = [];
  if (boundary) {
    layers.push({
      type: "line",
      x: boundary[0],
      y: boundary[1],
      color: "#111",
      dashed: true,
      name: "final boundary w₁ᵀx = w₂ᵀx",
    });
  }
  start.forEach((w0, j) => {
    const path = [w0, ...steps.filter((s) => s.winner === j).map((s) => s.weights)];
    layers.push(
      {
        type: "line",
        x: path.map((q) => q[0]),
        y: path.map((q) => q[1]),
        color: PALETTE[j],
        name: `w${j + 1} trajectory`,
        points: true,
        arrows: true,
      },
      { type: "points", x: [w0[0]], y: [w0[1]], color: PALETTE[j], shape: "square", size: 5 },
    );
  });
  layers.push({
    type: "points",
    x: data.map((q) => q[0]),
    y: data.map((q) => q[1]),
    color: "#222",
    shape: "x",
    size: 5,
    name: "data",
    labels: data.map((_, i) => `x${i + 1}`),
  });
  await saveSvg(
    report.path(file),
    await xyChart(layers, {
      title,
      xLabel: "x₁",
      yLabel: "x₂",
      equalAspect: true,
      width: 420,
      height: 420,
    }),
  );
}

// ----- Mock final Q2 -----
const Q2 = [[0, 1], [1, 1], [0, -1], [-1, -1]];
const Q2_START = [[-1, 2], [2, -1]];
say(
  "Mock final Q2: w_i ← w_i + η ỹ (x − w_i), ỹ = w_iᵀx of the winner, η = 1/2, rounding after each update, 2 epochs",
);
say("ties → lowest index, halves rounded to even");
say("it  x         fields       winner  ỹ   w_winner after rounding");
const q2Steps: CompetitiveStep[] = [];
const q2 = new CompetitiveLearning({
  weights: Q2_START,
  lr: 0.5,
  scaleByOutput: true,
  tieBreak: "first",
  round: "halfEven",
});
q2.fit(Q2, {
  epochs: 2,
  onStep: (s, _e, i) => {
    q2Steps.push(s);
    say(
      `${String(q2Steps.length).padEnd(3)} ${v(Q2[i]).padEnd(9)} ${v(s.fields).padEnd(12)} ${
        String(s.winner + 1).padEnd(7)
      } ${String(s.output).padEnd(3)} ${v(s.weights)}`,
    );
  },
});
const q2Final = q2.weights.toArray() as number[][];
say(
  `final w1 = ${v(q2Final[0])}, w2 = ${
    v(q2Final[1])
  }: w1 ↔ {(0,1), (1,1)}, w2 ↔ {(0,−1), (−1,−1)}, boundary x₂ = 0`,
);
say();
// The answer: w1 = (0, 1) wins the upper points, w2 = (0, −1) the lower ones.
report.metric(
  "mock Q2: distance of (w1, w2) from the answer (0, 1), (0, −1)",
  Math.hypot(q2Final[0][0], q2Final[0][1] - 1, q2Final[1][0], q2Final[1][1] + 1),
  { min: 0, max: 0 },
);
say("The same run under other tie and rounding rules:");
for (
  const [tie, round] of [["first", "halfEven"], ["first", "halfUp"], ["first", "halfTowardZero"], [
    "last",
    "halfEven",
  ]] as [TieBreak, RoundMode][]
) {
  const net = new CompetitiveLearning({
    weights: Q2_START,
    lr: 0.5,
    scaleByOutput: true,
    tieBreak: tie,
    round,
  });
  const w = net.fit(Q2, { epochs: 2 }).weights.toArray() as number[][];
  say(`  tieBreak ${tie.padEnd(5)} round ${round.padEnd(14)} → w1 = ${v(w[0])}, w2 = ${v(w[1])}`);
}
say();
await trajectoryPlot(
  "competitive_mock_q2.svg",
  "Mock Q2: competitive learning with rounding",
  Q2,
  Q2_START,
  q2Steps,
  [[-2, 2], [0, 0]],
);

// ----- Typed notes, competitive -----
const SIX = [[1, 1], [0.9, 1], [1, 1.1], [1, -1], [1.1, -1], [1, -1.1]];
const TYPED_START = [[0.8, 0], [0.9, 0.1]];
say("Typed notes: w_i ← w_i + η(x − w_i), η = 0.5, w1 = (0.8, 0), w2 = (0.9, 0.1), one epoch");
const typedSteps: CompetitiveStep[] = [];
const typed = new CompetitiveLearning({ weights: TYPED_START, lr: 0.5 });
typed.fit(SIX, {
  onStep: (s, _e, i) => {
    typedSteps.push(s);
    say(
      `  x${i + 1} = ${v(SIX[i]).padEnd(11)} fields ${v(s.fields).padEnd(18)} → unit ${
        s.winner + 1
      } wins, w${s.winner + 1} = ${v(s.weights)}`,
    );
  },
});
const tw = typed.weights.toArray() as number[][];
say(`final w1 = ${v(tw[0])}, w2 = ${v(tw[1])}`);
report.metric(
  "typed notes: distance of (w1, w2) from (1, −0.925), (0.9625, 0.9375)",
  Math.hypot(tw[0][0] - 1, tw[0][1] + 0.925, tw[1][0] - 0.9625, tw[1][1] - 0.9375),
  { min: 0, max: 1e-12 },
);
say();
// Boundary w1ᵀx = w2ᵀx: (w1 − w2)ᵀx = 0.
const dw = [tw[0][0] - tw[1][0], tw[0][1] - tw[1][1]];
const bx = [0, 1.4], by = bx.map((x) => (-dw[0] * x) / dw[1]);
await trajectoryPlot(
  "competitive_typed_notes.svg",
  "Typed notes: competitive learning, η = 0.5",
  SIX,
  TYPED_START,
  typedSteps,
  [bx, by],
);

// ----- Typed notes, Hebbian -----
say("Typed notes: Hebb's rule y = sgn(wᵀx), w ← w + η y x, η = 1, w(1) = (0.1, 0.1)");
const hebb = new Hebbian({ weights: [0.1, 0.1], lr: 1, output: "sign" });
const hebbPath = [[0.1, 0.1]];
hebb.fit(SIX, {
  onStep: (y, _e, i) => {
    const w = (hebb.weights.toArray() as number[][])[0];
    hebbPath.push(w);
    say(`  x${i + 1}: y = ${String(y[0]).padStart(2)} → w(${i + 2}) = ${v(w)}`);
  },
});
const hebbOut = Array.from(hebb.predict(SIX).data);
say(`outputs with the final weights: ${hebbOut.join(", ")}`);
report.metric(
  "Hebb: points whose output is their group's sign (+1 upper, −1 lower)",
  hebbOut.filter((y, i) => y === (i < 3 ? 1 : -1)).length,
  { min: 6, max: 6 },
);
say();
const wf = hebbPath[hebbPath.length - 1];
await saveSvg(
  report.path("hebbian_typed_notes.svg"),
  await xyChart([
    {
      type: "line",
      x: [-1.5, 3.5],
      y: [-1.5, 3.5].map((x) => (-wf[0] * x) / wf[1]),
      color: "#111",
      dashed: true,
      name: "final boundary wᵀx = 0",
    },
    {
      type: "line",
      x: hebbPath.map((q) => q[0]),
      y: hebbPath.map((q) => q[1]),
      color: PALETTE[2],
      name: "w(1) … w(7)",
      points: true,
      arrows: true,
    },
    {
      type: "points",
      x: SIX.map((q) => q[0]),
      y: SIX.map((q) => q[1]),
      groups: SIX.map((_, i) => (i < 3 ? "data, upper group" : "data, lower group")),
      size: 4,
    },
  ], {
    title: "Typed notes: Hebbian learning of one sign unit",
    xLabel: "x₁ / w₁",
    yLabel: "x₂ / w₂",
    equalAspect: true,
    width: 420,
    height: 420,
  }),
);

// ----- Divergence and damping -----
say(
  "Hebb on a fixed input x = 1 from w = 1 (η = 1): sign output grows linearly, linear output doubles;",
);
say("the damped rule w ← αw + ηxy converges to 1/(1 − α)");
const series: { x: number[]; y: number[]; name: string }[] = [];
for (
  const [label, opts] of [
    ["sign output, α = 1", { output: "sign" as const }],
    ["linear output, α = 1", { output: "linear" as const }],
    ["sign output, α = 0.5", { output: "sign" as const, decay: 0.5 }],
    ["sign output, α = 0.8", { output: "sign" as const, decay: 0.8 }],
  ] as const
) {
  const h = new Hebbian({ weights: [1], ...opts });
  const ys = [1];
  for (let t = 0; t < 12; t++) {
    h.step([1]);
    ys.push(h.weights.get(0, 0));
  }
  series.push({ x: ys.map((_, t) => t), y: ys, name: label });
  if (label === "sign output, α = 0.5") {
    // w(n) = 2 − 2^−n: within 2.5e-4 of the limit after 12 steps
    report.metric("damped Hebb (α = 0.5): w(12)", ys[12], { min: 1.999, max: 2 });
  }
  say(`  ${label.padEnd(22)} ${ys.slice(0, 6).map((y) => Number(y.toFixed(4))).join(", ")}, …`);
}
say(`  limits 1/(1 − α): α = 0.5 → 2, α = 0.8 → 5`);
await saveSvg(
  report.path("hebbian_damping.svg"),
  await lineChart(series, {
    title: "Hebb's rule diverges; the damped form converges to 1/(1 − α)",
    xLabel: "step n",
    yLabel: "w(n)",
    logY: true,
    legend: "top-left",
  }),
);
await Deno.writeTextFile(report.path("competitive_toy.txt"), lines.join("\n") + "\n");
await report.write();
