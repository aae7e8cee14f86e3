// Adversarial examples for the Fashion-MNIST CNN (inputs in [0, 1]): robust accuracy against the ℓ∞
// budget ε under FGSM and PGD-20; the clean, FGSM and PGD images with what the network sees; a
// targeted PGD attack pushing one image into every class; the minimal ℓ2 perturbations of DeepFool
// and Carlini–Wagner; and one universal perturbation for many images (000 §5, 003 F6, 002-part-b
// E22–E25).
//
//   deno run -A examples/experiments/attacks_fashion.ts [--n 1000] [--seed 0]
//   deno run -A examples/experiments/attacks_fashion.ts --quick   (seconds: 1,000 training images)
// The CNN is trained once (3 epochs, ≈ 2 minutes on the native backend) and cached in
// out/experiments/; the attacks take ≈ 3 minutes more at full size.
// → out/experiments/attacks_fashion_robust_accuracy.svg, attacks_fashion_examples.png,
//   attacks_fashion_targeted.png, attacks_fashion_minimal_norms.svg, attacks_fashion_universal.png,
//   attacks_fashion.txt, attacks_fashion.summary.json
import { concat, type NDArray, Rng } from "@nnc/tensor";
import {
  carliniWagnerL2,
  deepFool,
  fgsm,
  pgd,
  robustAccuracy,
  universalPerturbation,
} from "@nnc/models/robustness";
import { histogramChart, lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { classesOf, fashionCnn, testSubset } from "./_fashion.ts";

const report = new ExampleReport("experiments", "attacks_fashion");
const backend = await preferNative();
const quick = report.quick;
const seed = numberFlag("seed", 0);
const n = numberFlag("n", quick ? 100 : 1000);
const { data, model, testAccuracy, origin } = await fashionCnn(report, { seed });
const names = data.classes.map((c) => c.split("/")[0]);
const lines: string[] = [];
const say = (s: string) => {
  report.note(s);
  lines.push(s);
};
say(`${data.source}; backend ${backend}; CNN conv32-conv64-fc128 ${origin}`);
say(`clean test accuracy ${testAccuracy.toFixed(4)} on ${data.test.y.shape[0]} test images`);
const { x, y } = testSubset(data, n);

// Robust accuracy against ε (ℓ∞): FGSM and PGD-20 (step 2.5ε/20, no random start).
const epsilons = quick ? [0, 0.1] : [0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15];
const byFgsm = robustAccuracy(model, x, y, { epsilons, attack: "fgsm" });
const byPgd = robustAccuracy(model, x, y, { epsilons, attack: "pgd", steps: 20 });
say(`robust accuracy on the first ${x.shape[0]} test images:`);
for (let i = 0; i < epsilons.length; i++) {
  say(
    `  ε = ${epsilons[i].toFixed(3)}: FGSM ${byFgsm.accuracy[i].toFixed(3)}, PGD-20 ${
      byPgd.accuracy[i].toFixed(3)
    }`,
  );
}
await saveSvg(
  report.path("attacks_fashion_robust_accuracy.svg"),
  await lineChart(
    [
      { name: "FGSM", x: epsilons, y: byFgsm.accuracy },
      { name: "PGD-20", x: epsilons, y: byPgd.accuracy },
    ],
    {
      title: `Fashion-MNIST CNN under ℓ∞ attacks (${x.shape[0]} test images)`,
      xLabel: "ε (pixels in [0, 1])",
      yLabel: "accuracy",
      legend: "top-right",
    },
  ),
);
const at = (r: { epsilons: number[]; accuracy: number[] }) => r.accuracy[r.epsilons.indexOf(0.1)];
report.metric("clean test accuracy", testAccuracy, { min: quick ? 0.3 : 0.85, max: 1 });
// Goals of the issue: below 20 % under FGSM and below 5 % under PGD-20 at ε = 0.1.
// (the quick network, trained for seconds, is weak and less confident: only a drop is checked)
report.metric("FGSM accuracy at eps 0.1", at(byFgsm), { min: 0, max: quick ? 0.7 : 0.2 });
report.metric("PGD-20 accuracy at eps 0.1", at(byPgd), { min: 0, max: quick ? 0.6 : 0.05 });
report.metric("accuracy lost to PGD-20 at eps 0.1", byPgd.accuracy[0] - at(byPgd), {
  min: quick ? 0.05 : 0.8,
  max: 1,
});

// Eight images, clean and attacked at ε = 0.1, captioned with the network's answer.
const k = 8, eps = 0.1;
const x8 = x.slice({ start: 0, stop: k }), y8 = y.slice({ start: 0, stop: k });
const advF = fgsm(model, x8, y8, { eps }).data;
const advP = pgd(model, x8, y8, { eps, steps: 20 }).data;
const rows = [x8, advF, advP, advP.sub(x8).div(2 * eps).add(0.5)].map((r) => r.astype("float32"));
const predicted = [classesOf(model, x8), classesOf(model, advF), classesOf(model, advP)];
const captions = [
  ...predicted[0].map((c, i) => `clean\n${names[c]}${c === y8.get(i) ? "" : " (x)"}`),
  ...predicted[1].map((c) => `FGSM\n${names[c]}`),
  ...predicted[2].map((c) => `PGD-20\n${names[c]}`),
  ...predicted[2].map(() => "PGD delta\n(grey = 0)"),
];
await saveImageGrid(
  report.path("attacks_fashion_examples.png"),
  concat(rows, 0),
  { columns: k, scale: 3, padding: 4, range: [0, 1], captions },
);

// Targeted PGD (ε = 0.15, 40 steps): one image towards each class.
const target = Array.from({ length: 10 }, (_, c) => c);
const one = x.slice({ start: 0, stop: 1 });
const ten = concat(Array.from({ length: 10 }, () => one), 0);
const targeted = pgd(model, ten, target, {
  eps: 0.15,
  steps: quick ? 10 : 40,
  alpha: 0.01,
  targeted: true,
}).data;
const reached = classesOf(model, targeted);
const hits = reached.filter((c, i) => c === target[i]).length;
say(`targeted PGD (ε = 0.15): ${hits} of 10 target classes reached from one ${names[y.get(0)]}`);
await saveImageGrid(report.path("attacks_fashion_targeted.png"), targeted, {
  columns: 5,
  scale: 3,
  padding: 4,
  range: [0, 1],
  captions: reached.map((c, i) => `target ${names[i]}\nseen ${names[c]}`),
});
report.metric("targeted PGD classes reached (of 10)", hits, { min: quick ? 1 : 8, max: 10 });

// Minimal ℓ2 perturbations: DeepFool (overshoot 0.02) and Carlini–Wagner.
const m = quick ? 10 : 200;
const xm = x.slice({ start: 0, stop: m }), ym = y.slice({ start: 0, stop: m });
const correct = classesOf(model, xm).map((c, i) => c === ym.get(i));
const df = deepFool(model, xm, { overshoot: 0.02, minStep: 1e-4, maxIter: 50 });
const dfNorms = normsOf(df.perturbation).filter((_, i) => correct[i] && df.fooled[i]);
const mc = quick ? 4 : 100;
const cw = carliniWagnerL2(
  model,
  xm.slice({ start: 0, stop: mc }),
  ym.slice({ start: 0, stop: mc }),
  {
    c: 1,
    steps: quick ? 20 : 100,
    lr: 0.05,
    binarySearchSteps: quick ? 1 : 3,
  },
);
const cwNorms = Array.from(cw.l2).filter((_, i) => cw.success[i] && correct[i]);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
say(
  `DeepFool fooled ${df.fooled.filter(Boolean).length}/${m}, median ‖δ‖₂ ${
    median(dfNorms).toFixed(3)
  }; C&W succeeded on ${cw.success.filter(Boolean).length}/${mc}, median ‖δ‖₂ ${
    median(cwNorms).toFixed(3)
  } (for comparison, an ℓ∞ step of 0.1 on all 784 pixels has ‖δ‖₂ = 2.8)`,
);
await saveSvg(
  report.path("attacks_fashion_minimal_norms.svg"),
  await histogramChart(
    [{ name: "DeepFool", values: dfNorms }, { name: "Carlini–Wagner", values: cwNorms }],
    {
      bins: 30,
      density: true,
      title: "Smallest ℓ2 perturbations that change the label",
      xLabel: "‖δ‖₂",
    },
  ),
);
report.metric("DeepFool fooling rate", df.fooled.filter(Boolean).length / m, { min: 0.9, max: 1 });
report.metric("DeepFool median l2", median(dfNorms), { min: 0, max: 5 });

// A universal ℓ∞ perturbation (ξ = 0.1) fitted on 500 training images, measured on the test images.
const fitOn = data.train.x.slice({ start: 0, stop: quick ? 30 : 500 });
const uni = universalPerturbation(model, fitOn, {
  xi: eps,
  targetFoolingRate: 0.8,
  maxPasses: quick ? 1 : 3,
  rng: new Rng(seed),
});
const original = classesOf(model, x);
const shifted = classesOf(model, x.add(uni.perturbation).clamp(0, 1));
const fooledTest = shifted.filter((c, i) => c !== original[i]).length / shifted.length;
say(
  `universal perturbation (ℓ∞ ξ = ${eps}): fooling rate ${uni.foolingRate.toFixed(3)} on the ${
    fitOn.shape[0]
  } images it was fitted on, ${fooledTest.toFixed(3)} on ${shifted.length} test images`,
);
const six = x.slice({ start: 0, stop: 6 });
const sixAdv = six.add(uni.perturbation).clamp(0, 1);
const v = uni.perturbation.div(2 * eps).add(0.5).reshape([1, 1, 28, 28]).astype(six.dtype);
await saveImageGrid(report.path("attacks_fashion_universal.png"), concat([v, six, v, sixAdv], 0), {
  columns: 7,
  scale: 3,
  padding: 4,
  range: [0, 1],
  captions: [
    "universal v\n(grey = 0)",
    ...classesOf(model, six).map((c) => `clean\n${names[c]}`),
    "universal v\n(grey = 0)",
    ...classesOf(model, sixAdv).map((c) => `+ v\n${names[c]}`),
  ],
});
report.metric("universal perturbation fooling rate (test)", fooledTest, {
  min: quick ? 0 : 0.2,
  max: 1,
});
await Deno.writeTextFile(report.path("attacks_fashion.txt"), lines.join("\n") + "\n");
await report.write();

function normsOf(d: NDArray): number[] {
  return Array.from(
    d.reshape([d.shape[0], -1]).square().sum({ axis: 1 }).sqrt().data as Float32Array,
  );
}
