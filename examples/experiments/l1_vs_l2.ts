// L1 against L2 weight penalties (002-part-b E1, G1, G2): the same MLP 784-128-10 trained on 5,000
// Fashion-MNIST images with λ‖W‖² (the squared-L2 penalty, "weight decay") or λ‖W‖₁ added to the
// loss, plain SGD. The histograms of the first layer's weights show the difference the penalties'
// gradients make: L2's pull 2λw fades as w shrinks, so weights become small but rarely zero; L1's
// pull λ·sign(w) does not fade, so most weights end at (or jitter around) zero — sparsity.
//
//   deno run -A examples/experiments/l1_vs_l2.ts [--epochs 20] [--quick]
// → out/experiments/l1_vs_l2_weights.svg, l1_vs_l2.txt, l1_vs_l2.summary.json
import { Rng } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import type { Linear } from "@nnc/layers";
import { SGD } from "@nnc/optim";
import { mlp } from "@nnc/models/mlp";
import { histogramChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { flatSubset, scoreOf, train } from "./_mlp_runs.ts";

const report = new ExampleReport("experiments", "l1_vs_l2");
const backend = await preferNative();
const quick = report.quick;
const epochs = numberFlag("epochs", quick ? 10 : 20);
const data = await flatSubset(quick ? 1000 : 5000, quick ? 500 : 5000);
const runs = [
  { name: "no penalty", lambda: 0, norm: "none" },
  { name: "L2: λ‖W‖², λ = 1e-2", lambda: 1e-2, norm: "l2" },
  { name: "L1: λ‖W‖₁, λ = 2e-3", lambda: 2e-3, norm: "l1" },
] as const;
const lines: string[] = [];
const results = [];
for (const run of runs) {
  const net = mlp([784, 128, 10], { rng: new Rng(0) });
  const first = net.at(0) as Linear;
  const weights = net.parameters().filter((p) => p.ndim === 2);
  const penalty = run.norm === "none"
    ? undefined
    : () =>
      weights.map((w: Tensor) => (run.norm === "l2" ? w.square().sum() : w.abs().sum())).reduce((
        a,
        b,
      ) => a.add(b))
        .mul(run.lambda);
  await train(net, data, new SGD(net.parameters(), { lr: 0.1 }), epochs, penalty);
  const w = first.weight.data;
  const small = w.abs().lt(1e-3).astype("float64").mean().item();
  const { accuracy } = scoreOf(net, data.test.x, data.test.y);
  const line = `${run.name}: test accuracy ${accuracy.toFixed(4)}; first layer: ‖W‖₂ ${
    w.square().sum().sqrt().item().toFixed(3)
  }, ‖W‖₁ ${w.abs().sum().item().toFixed(1)}, ${
    (100 * small).toFixed(1)
  } % of the weights below 1e-3 in magnitude`;
  report.note(line);
  lines.push(line);
  results.push({ ...run, w, small, accuracy });
}
report.note(
  `backend ${backend}; ${data.source}, ${
    data.train.y.shape[0]
  } training images, ${epochs} epochs of SGD (lr 0.1, batch 64)`,
);
await saveSvg(
  report.path("l1_vs_l2_weights.svg"),
  await histogramChart(results.map((r) => ({ name: r.name, values: r.w })), {
    bins: 80,
    range: [-0.12, 0.12],
    density: true,
    title: "First-layer weights after training (784 × 128)",
    xLabel: "weight",
  }),
);
await Deno.writeTextFile(report.path("l1_vs_l2.txt"), lines.join("\n") + "\n");
const [none, l2, l1] = results;
report.metric("share of near-zero weights: L1 / L2", l1.small / Math.max(l2.small, 1e-9), {
  min: quick ? 1.5 : 5,
});
report.metric("share of near-zero weights with L1", l1.small, { min: quick ? 0.05 : 0.3, max: 1 });
report.metric(
  "first-layer L2 norm: L2 penalty / none",
  l2.w.square().sum().sqrt().item() / none.w.square().sum().sqrt().item(),
  { max: 1 },
);
report.metric("test accuracy with L1", l1.accuracy, { min: quick ? 0.5 : 0.75, max: 1 });
await report.write();
