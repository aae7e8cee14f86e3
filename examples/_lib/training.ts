// The classifier run shared by the demo and the Fashion-MNIST examples: Adam (cosine-annealed),
// cross-entropy and accuracy, the test set evaluated after every epoch for the curves; then the
// summary, the confusion matrix (text and heat map), the learning curves, a captioned grid of
// misclassified test images and the model, all recorded in the example's report.
import { indexSelect } from "@nnc/tensor";
import { DataLoader, TensorDataset } from "@nnc/datasets";
import { crossEntropy, saveModel } from "@nnc/layers";
import { Adam, CosineAnnealingLR } from "@nnc/optim";
import {
  confusionMatrix,
  CsvLogger,
  fit,
  formatConfusionMatrix,
  type History,
  type Model,
  predictBatches,
  predictedClasses,
} from "@nnc/train";
import { confusionMatrixChart, historyChart, saveImageGrid, saveSvg } from "@nnc/plot";
import type { ImageData } from "./data.ts";
import type { ExampleReport } from "./report.ts";

/** What {@link runClassifier} trains, and the bounds its figures must meet. */
export interface ClassifierRun {
  /** Prefix of the output files in `out/<family>/`. */
  name: string;
  /** Description of the model for the summary and the chart titles. */
  title: string;
  model: Model;
  data: ImageData;
  backend: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Smallest acceptable final test accuracy. */
  minAccuracy: number;
}

/**
 * Trains and evaluates `run.model`, writes `<name>.txt` (summary and confusion matrix),
 * `<name>_curves.svg`, `<name>_confusion.svg`, `<name>_history.csv`, `<name>_misclassified.png`
 * (each image captioned with its true and predicted class) and `<name>.safetensors`, and records
 * the test accuracy and the final training loss.
 */
export async function runClassifier(report: ExampleReport, run: ClassifierRun): Promise<History> {
  const { model, data } = run;
  const lines: string[] = [];
  const say = (s = "") => {
    console.log(s);
    lines.push(s);
  };
  const optimizer = new Adam(model.parameters(), { lr: run.lr });
  const train = new DataLoader(new TensorDataset(data.train.x, data.train.y), {
    batchSize: run.batchSize,
    shuffle: true,
    seed: run.seed,
  });
  // Evaluation batches of 128, not 1000: a batch of 1000 makes activations above glibc's 32 MB
  // mmap threshold (conv1's output is 100 MB), fresh pages faulted in on every batch; with 128 the
  // test-set pass of the demo takes 1.15–1.23 s instead of 1.7–1.9 s.
  const test = new DataLoader(new TensorDataset(data.test.x, data.test.y), { batchSize: 128 });
  say(
    `${data.source}: ${data.train.y.size} training / ${data.test.y.size} test images; backend ${run.backend}`,
  );
  say(
    `model: ${run.title} (${model.numParameters()} parameters); Adam lr ${run.lr} (cosine), batch ${run.batchSize}, seed ${run.seed}, ${run.epochs} epochs`,
  );
  say("validation values are on the test set (reported only; no model selection on it)\n");
  const history = await fit(model, {
    train,
    validation: test,
    loss: crossEntropy,
    optimizer,
    scheduler: new CosineAnnealingLR(optimizer, { tMax: run.epochs }),
    epochs: run.epochs,
    metrics: ["accuracy"],
    callbacks: [new CsvLogger(report.path(`${run.name}_history.csv`))],
  });
  for (const r of history.epochs) {
    lines.push(
      `epoch ${r.epoch}: ${r.seconds.toFixed(1)} s, loss ${r.loss.toFixed(4)}, train accuracy ${
        r.accuracy.toFixed(4)
      }, test loss ${r.valLoss.toFixed(4)}, test accuracy ${r.valAccuracy.toFixed(4)}`,
    );
  }
  const seconds = history.get("seconds");
  const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
  const { outputs, targets } = await predictBatches(model, test);
  const cm = confusionMatrix(outputs, targets, { numClasses: data.classes.length });
  const last = history.last()!;
  say(
    `\ntest accuracy ${last.valAccuracy.toFixed(4)} after ${history.length} epochs; ${
      mean.toFixed(1)
    } s per epoch (training + test evaluation)\n`,
  );
  say(formatConfusionMatrix(cm, data.classes));
  const title = `${run.title} on ${data.source}`;
  await saveSvg(report.path(`${run.name}_curves.svg`), await historyChart(history, { title }));
  await saveSvg(
    report.path(`${run.name}_confusion.svg`),
    await confusionMatrixChart(cm, { classNames: data.classes, title: `${title}: test set` }),
  );
  const pred = predictedClasses(outputs), truth = predictedClasses(targets);
  const wrong: number[] = [];
  for (let i = 0; i < pred.length && wrong.length < 48; i++) {
    if (pred[i] !== truth[i]) wrong.push(i);
  }
  if (wrong.length > 0) {
    const images = indexSelect(data.test.x, 0, wrong).reshape([wrong.length, 28, 28]);
    await saveImageGrid(report.path(`${run.name}_misclassified.png`), images, {
      columns: 8,
      scale: 3,
      padding: 4,
      range: "grid",
      captions: wrong.map((i) => `true ${data.classes[truth[i]]}\npred ${data.classes[pred[i]]}`),
    });
    lines.push(
      "",
      `the first ${wrong.length} misclassified test images (${run.name}_misclassified.png, row by row): true → predicted`,
      ...wrong.map((i, k) =>
        `${k + 1}. #${i}: ${data.classes[truth[i]]} → ${data.classes[pred[i]]}`
      ),
    );
  }
  await saveModel(report.path(`${run.name}.safetensors`), model);
  await Deno.writeTextFile(report.path(`${run.name}.txt`), lines.join("\n") + "\n");
  report.metric("test accuracy", last.valAccuracy, { min: run.minAccuracy, max: 1 });
  // Below ln 10, the loss of a uniform guess over ten classes.
  report.metric("final training loss", last.loss, { min: 0, max: Math.log(data.classes.length) });
  return history;
}
