// Dropout as an ensemble (002-part-b E8, G26): an MLP 784-512-512-10 trained on 2,000 Fashion-MNIST
// images with and without dropout (p = 0.5 on the hidden units, 0.2 on the inputs: the notes'
// defaults). Without it the network memorises the training set and its test loss climbs; with it the
// gap shrinks. At test time nnc's (inverted) dropout keeps every unit — the weight-scaling rule —
// which approximates the average of the 2^n thinned subnetworks; here that average is estimated by
// Monte Carlo over sampled masks and compared.
//
//   deno run -A examples/experiments/dropout_ensemble.ts [--epochs 40] [--samples 100] [--quick]
// → out/experiments/dropout_ensemble_curves.svg, dropout_ensemble_mc.svg, dropout_ensemble.txt,
//   dropout_ensemble.summary.json
import { Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { Dropout, Linear, ReLU, Sequential } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { flatSubset, scoreOf, train } from "./_mlp_runs.ts";

const report = new ExampleReport("experiments", "dropout_ensemble");
const backend = await preferNative();
const quick = report.quick;
const epochs = numberFlag("epochs", quick ? 8 : 40),
  samples = numberFlag("samples", quick ? 20 : 100);
const data = await flatSubset(quick ? 500 : 2000, quick ? 500 : 5000);
const make = (dropout: boolean) => {
  const rng = new Rng(0);
  const layers = [
    ...(dropout ? [new Dropout(0.2, { rng })] : []),
    new Linear(784, 512, { rng }),
    new ReLU(),
    ...(dropout ? [new Dropout(0.5, { rng })] : []),
    new Linear(512, 512, { rng }),
    new ReLU(),
    ...(dropout ? [new Dropout(0.5, { rng })] : []),
    new Linear(512, 10, { rng }),
  ];
  return new Sequential(...layers);
};
const plain = make(false), dropped = make(true);
const hPlain = await train(plain, data, new Adam(plain.parameters(), { lr: 1e-3 }), epochs);
const hDrop = await train(dropped, data, new Adam(dropped.parameters(), { lr: 1e-3 }), epochs);
const lines: string[] = [];
const say = (s: string) => {
  report.note(s);
  lines.push(s);
};
say(
  `${data.source}, ${data.train.y.shape[0]} training / ${
    data.test.y.shape[0]
  } test images, backend ${backend}`,
);
const final = (h: typeof hPlain) => h.last()!;
for (const [name, h] of [["no dropout", hPlain], ["dropout", hDrop]] as const) {
  const r = final(h);
  say(
    `${name}: after ${epochs} epochs training loss ${r.loss.toFixed(4)}, test loss ${
      r.valLoss.toFixed(4)
    } (lowest ${Math.min(...h.get("valLoss")).toFixed(4)}), test accuracy ${
      r.valAccuracy.toFixed(4)
    }`,
  );
}
const ep = hPlain.get("epoch");
await saveSvg(
  report.path("dropout_ensemble_curves.svg"),
  await lineChart(
    [
      { name: "no dropout: training", x: ep, y: hPlain.get("loss") },
      { name: "no dropout: test", x: ep, y: hPlain.get("valLoss"), dashed: true },
      { name: "dropout: training", x: ep, y: hDrop.get("loss") },
      { name: "dropout: test", x: ep, y: hDrop.get("valLoss"), dashed: true },
    ],
    {
      title: "MLP 784-512-512-10 on 2,000 images: cross-entropy",
      xLabel: "epoch",
      yLabel: "loss",
      logY: true,
      legend: "right",
    },
  ),
);

// Weight scaling (evaluation mode) against the Monte-Carlo average of sampled subnetworks.
const scaled = scoreOf(dropped, data.test.x, data.test.y);
dropped.train(); // masks on: each forward pass is one thinned network
const x = new Tensor(data.test.x);
const yTrue = data.test.y.astype("int32");
let mean = noGrad(() => dropped.forward(x)).data.softmax(1).mul(0);
const mcAccuracy: number[] = [];
for (let s = 1; s <= samples; s++) {
  mean = mean.add(noGrad(() => dropped.forward(x)).data.softmax(1));
  mcAccuracy.push(mean.argmax({ axis: 1 }).eq(yTrue).astype("float64").mean().item());
}
dropped.eval();
const scaledPred = noGrad(() => dropped.forward(x)).data.argmax({ axis: 1 });
const agreement = scaledPred.eq(mean.argmax({ axis: 1 })).astype("float64").mean().item();
const single = mcAccuracy[0];
say(
  `test accuracy: weight scaling ${scaled.accuracy.toFixed(4)}; one sampled subnetwork ${
    single.toFixed(4)
  }; average of ${samples} subnetworks ${
    mcAccuracy[samples - 1].toFixed(4)
  }; the two predictions agree on ${(100 * agreement).toFixed(1)} % of the test images`,
);
await saveSvg(
  report.path("dropout_ensemble_mc.svg"),
  await lineChart(
    [
      {
        name: "average of k sampled subnetworks",
        x: mcAccuracy.map((_, i) => i + 1),
        y: mcAccuracy,
      },
      {
        name: "weight scaling (one pass)",
        x: [1, samples],
        y: [scaled.accuracy, scaled.accuracy],
        dashed: true,
      },
    ],
    {
      title: "Dropout at test time: the ensemble and its one-pass approximation",
      xLabel: "k",
      yLabel: "test accuracy",
      legend: "bottom-right",
    },
  ),
);
await Deno.writeTextFile(report.path("dropout_ensemble.txt"), lines.join("\n") + "\n");
report.metric(
  "test loss without dropout / with dropout (end)",
  final(hPlain).valLoss / final(hDrop).valLoss,
  { min: quick ? 0.5 : 1.2 },
);
report.metric(
  "weight scaling vs subnetwork average: |accuracy difference|",
  Math.abs(scaled.accuracy - mcAccuracy[samples - 1]),
  { min: 0, max: 0.03 },
);
report.metric("prediction agreement of weight scaling and the average", agreement, {
  min: 0.9,
  max: 1,
});
report.metric("test accuracy with dropout", final(hDrop).valAccuracy, {
  min: quick ? 0.4 : 0.75,
  max: 1,
});
await report.write();
