// How far back a plain RNN's gradient reaches: for a tanh RNN whose recurrent matrix W has largest
// singular value σ_max ∈ {0.5, 0.9, 1.1, 1.5, 3}, the norm of ∂(v · h_T)/∂x_t against the distance
// T − t, beside the notes' bound σ_max^{T−t} (001, L693–733: ∇_{h^t}R = Π Wᵀ S(h^j) ∇_{h^s}R with
// |σ'| ≤ 1). Below 1 the gradient vanishes geometrically; above 1 the bound allows explosion, but
// the saturating tanh (S(h) ≪ 1) usually keeps it in check — the reason for gradient clipping and
// gated cells.
//
//   deno run -A examples/rnn/gradient_norm.ts [--quick] [--steps 80]
// → out/rnn/gradient_norm.svg, out/rnn/gradient_norm.summary.json
import { linalg, Rng } from "@nnc/tensor";
import { gradients, randn } from "@nnc/autograd";
import { RNN } from "@nnc/layers";
import { lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";

const report = new ExampleReport("rnn", "gradient_norm");
const T = numberFlag("steps", report.quick ? 30 : 80);
const H = 32, I = 4;
const curves: { name: string; x: number[]; y: number[]; dashed?: boolean }[] = [];
let violations = 0;
for (const sigma of [0.5, 0.9, 1.1, 1.5, 3]) {
  const rng = new Rng(1);
  const rnn = new RNN(I, H, { dtype: "float64", rng });
  const w = rnn.stateDict().weight_hh_l0;
  w.data.set(w.mul(sigma / linalg.svdvals(w).get(0)).data);
  const x = randn([T, 1, I], { dtype: "float64", rng, std: 0.5, requiresGrad: true });
  const v = randn([1, 1, H], { dtype: "float64", rng });
  const [, hT] = rnn.forward(x);
  const [g] = gradients(hT.mul(v).sum(), [x]);
  // ‖∂R/∂x_t‖ ≤ ‖W_ih‖ σ_max^{T−1−t} ‖v‖: the bound through h_t = tanh(W_ih x_t + W h_{t−1} + b).
  const wih = linalg.svdvals(rnn.stateDict().weight_ih_l0).get(0);
  const vn = Math.hypot(...(v.data.data as Float64Array));
  const xs: number[] = [], ys: number[] = [], bound: number[] = [];
  for (let t = T - 1; t >= 0; t--) {
    let s = 0;
    for (let i = 0; i < I; i++) s += g!.get(t, 0, i) ** 2;
    const n = Math.sqrt(s), b = wih * sigma ** (T - 1 - t) * vn;
    if (n > b * (1 + 1e-9)) violations++;
    xs.push(T - 1 - t);
    ys.push(n);
    bound.push(b);
  }
  curves.push({ name: `σ_max ${sigma}`, x: xs, y: ys });
  if (sigma === 0.5 || sigma === 1.5) {
    curves.push({
      name: `bound for σ_max ${sigma}: ${sigma}^(T−t)`,
      x: xs,
      y: bound,
      dashed: true,
    });
  }
  report.metric(
    `σ_max ${sigma}: gradient norm ${T - 1} steps back / at the last step`,
    ys[ys.length - 1] / ys[0],
  );
  if (sigma === 0.5) {
    report.metric("σ_max 0.5: ratio 20 steps back (vanishes)", ys[20] / ys[0], { max: 1e-4 });
  }
}
report.metric("steps where the norm exceeds the bound", violations, { max: 0 });
await saveSvg(
  report.path("gradient_norm.svg"),
  await lineChart(curves, {
    title: `tanh RNN (${H} units): ‖∂(v·h_T)/∂x_t‖ against T − t`,
    xLabel: "steps back (T − t)",
    yLabel: "gradient norm",
    logY: true,
  }),
);
await report.write();
