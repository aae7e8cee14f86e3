// LSTM against a plain tanh RNN on the adding problem (Hochreiter & Schmidhuber 1997): the target
// is the sum of two values marked far apart in a long sequence. Predicting the mean (1) gives a
// mean squared error of 1/6; a model that carries information across the whole sequence reaches
// nearly 0. The plain RNN's gradients vanish across many steps (the notes' bound
// ‖∂R/∂h^t‖ ≤ σ_max(W)^{s−t} ‖…‖), so it stays at the baseline while the LSTM learns.
//
//   deno run -A examples/rnn/long_dependencies.ts [--quick] [--length 50] [--steps 2000]
// → out/rnn/long_dependencies.svg, out/rnn/long_dependencies.summary.json
import { Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { Linear, LSTM, Module, mseLoss, RNN } from "@nnc/layers";
import { Adam, clipGradNorm } from "@nnc/optim";
import { addingProblem } from "@nnc/datasets";
import { lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";

const report = new ExampleReport("rnn", "long_dependencies");
report.note(`backend: ${await preferNative()}`);
const T = numberFlag("length", report.quick ? 10 : 50);
const steps = numberFlag("steps", report.quick ? 60 : 2000);
const B = 64, H = 64;

/** A recurrent layer read out at its last step. */
class Adder extends Module<[Tensor], Tensor> {
  rnn: RNN | LSTM;
  out: Linear;
  constructor(cell: "rnn" | "lstm", rng: Rng) {
    super();
    this.rnn = cell === "lstm"
      ? new LSTM(2, H, { batchFirst: true, rng })
      : new RNN(2, H, { batchFirst: true, rng });
    this.out = new Linear(H, 1, { rng });
  }
  forward(x: Tensor): Tensor {
    const [seq] = this.rnn.forward(x);
    return this.out.forward(seq.slice(null, -1)).reshape(-1);
  }
}

const test = addingProblem({ n: 1000, length: T, seed: 99 });
const curves: { name: string; y: number[]; x: number[]; dashed?: boolean }[] = [];
const finals: Record<string, number> = {};
for (const cell of ["rnn", "lstm"] as const) {
  const model = new Adder(cell, new Rng(1));
  const opt = new Adam(model.parameters(), { lr: 2e-3 });
  const data = new Rng(7);
  const xs: number[] = [], ys: number[] = [];
  let running = 0;
  for (let step = 1; step <= steps; step++) {
    const { x, y } = addingProblem({ n: B, length: T, rng: data });
    opt.zeroGrad();
    const loss = mseLoss(model.forward(new Tensor(x)), new Tensor(y));
    loss.backward();
    clipGradNorm(model.parameters(), 1);
    opt.step();
    running += loss.item();
    const every = Math.max(1, Math.floor(steps / 40));
    if (step % every === 0) {
      xs.push(step);
      ys.push(running / every);
      running = 0;
    }
  }
  const mse = noGrad(() => mseLoss(model.forward(new Tensor(test.x)), new Tensor(test.y)).item());
  finals[cell] = mse;
  curves.push({ name: `${cell.toUpperCase()}: ${mse.toFixed(4)}`, x: xs, y: ys });
  report.metric(`${cell}: test MSE (baseline 1/6)`, mse, { max: 1 });
}
curves.push({ name: "mean: 1/6", x: [1, steps], y: [1 / 6, 1 / 6], dashed: true });
if (!report.quick) {
  // The point of the experiment: the LSTM solves the task, the plain RNN does not.
  report.metric("lstm: test MSE, full run", finals.lstm, { max: 0.02 });
  report.metric("rnn / lstm test MSE", finals.rnn / finals.lstm, { min: 5 });
}
await saveSvg(
  report.path("long_dependencies.svg"),
  await lineChart(curves, {
    title: `Adding problem over ${T} steps: LSTM vs plain RNN (legend: test MSE)`,
    xLabel: "training step",
    yLabel: "mean squared error",
    logY: true,
  }),
);
await report.write();
