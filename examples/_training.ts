// Shared plumbing of the training examples: flags, the native backend, Fashion-MNIST (normalised) or
// the synthetic stand-in, and the summary file.
import { getBackend, indexSelect, listBackends, type NDArray, useBackend } from "@nnc/tensor";
import { DataLoader, DatasetNotFoundError, fashionMnist, TensorDataset } from "@nnc/datasets";
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
import { historyChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { SHAPE_CLASSES, syntheticShapes } from "./_synthetic_images.ts";

/** The value after `--name`, or the fallback. */
export function flag(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(Deno.args[i + 1]);
  if (!Number.isFinite(v)) {
    console.error(`--${name} needs a number, got ${Deno.args[i + 1]}`);
    Deno.exit(2);
  }
  return v;
}

/** The string after `--name`, or the fallback. */
export function flagText(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

/**
 * Loads @nnc/native (building libnnc on first use) and makes it the active backend unless
 * NNC_BACKEND=js; says what runs. Falls back to the JS backend with a message.
 */
export async function preferNative(): Promise<string> {
  if (Deno.env.get("NNC_BACKEND") !== "js") {
    try {
      const specifier = "@nnc/native"; // optional: the examples also run without it
      const native = await import(specifier);
      if (listBackends().includes("native")) useBackend("native");
      const info = native.nativeInfo?.();
      if (info?.available) {
        return `native (${info.blas ?? "built-in GEMM"}, ${info.threads ?? "?"} threads)`;
      }
    } catch (e) {
      console.error(`native backend unavailable (${(e as Error).message}); using the JS backend`);
    }
  }
  return getBackend().name;
}

/** Images and labels of one split. */
export interface Split {
  x: NDArray;
  y: NDArray;
}

/** Training and test data, with class names and where they came from. */
export interface ImageData {
  train: Split;
  test: Split;
  classes: readonly string[];
  source: string;
  synthetic: boolean;
}

const MEAN = 0.2860, STD = 0.3530; // Fashion-MNIST training-set pixel statistics

function standardise(x: NDArray, flat: boolean, limit: number): NDArray {
  const n = Math.min(limit, x.shape[0]);
  const part = n < x.shape[0] ? x.slice({ start: 0, stop: n }) : x;
  const z = part.sub(MEAN).div(STD).astype("float32");
  return flat ? z.reshape([n, 784]) : z.reshape([n, 1, 28, 28]);
}

/**
 * Fashion-MNIST standardised with its pixel mean and deviation (`[N, 784]` when `flat`, else
 * `[N, 1, 28, 28]`); `limit` keeps the first rows of each split. With `fallback`, a missing data
 * set prints how to install it and returns the synthetic shapes instead; without, it exits.
 */
export async function loadImages(
  options: { flat: boolean; limit?: number; fallback?: boolean; synthetic?: boolean },
): Promise<ImageData> {
  const limit = options.limit ?? Infinity;
  try {
    if (options.synthetic) throw new DatasetNotFoundError("synthetic data requested (--synthetic)");
    const [tr, te] = await Promise.all([
      fashionMnist({ split: "train" }),
      fashionMnist({ split: "test" }),
    ]);
    return {
      train: {
        x: standardise(tr.images, options.flat, limit),
        y: tr.labels.slice({ start: 0, stop: Math.min(limit, tr.labels.shape[0]) }),
      },
      test: {
        x: standardise(te.images, options.flat, limit),
        y: te.labels.slice({ start: 0, stop: Math.min(limit, te.labels.shape[0]) }),
      },
      classes: tr.classes,
      source: "Fashion-MNIST",
      synthetic: false,
    };
  } catch (e) {
    if (!(e instanceof DatasetNotFoundError)) throw e;
    if (!options.synthetic) console.error(`Fashion-MNIST is not installed: ${e.message}`);
    if (!options.fallback) Deno.exit(1);
    console.error("Training on a synthetic set of 28×28 shapes instead.\n");
    const tr = syntheticShapes(Math.min(limit, 6000), 1),
      te = syntheticShapes(Math.min(limit, 1000), 2);
    return {
      train: { x: standardise(tr.images, options.flat, limit), y: tr.labels },
      test: { x: standardise(te.images, options.flat, limit), y: te.labels },
      classes: SHAPE_CLASSES,
      source: options.synthetic
        ? "synthetic shapes"
        : "synthetic shapes (Fashion-MNIST not installed)",
      synthetic: true,
    };
  }
}

/** Collects lines for the console and a summary file. */
export class Summary {
  readonly lines: string[] = [];
  say(s = ""): void {
    console.log(s);
    this.lines.push(s);
  }
  async save(path: string): Promise<void> {
    await Deno.mkdir(path.replace(/\/[^/]*$/, ""), { recursive: true });
    await Deno.writeTextFile(path, this.lines.join("\n") + "\n");
  }
}

/** What {@link runClassifier} trains and where it writes. */
export interface ClassifierRun {
  /** Short name used in file names under out/ (`out/<name>…`). */
  name: string;
  /** Description of the model for the summary. */
  title: string;
  model: Model;
  data: ImageData;
  backend: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
}

/**
 * Trains with Adam (cosine-annealed), cross-entropy and accuracy, evaluating the test set after
 * every epoch for the curves; then prints and saves the summary, the confusion matrix, the curves,
 * a grid of misclassified test images and the model.
 */
export async function runClassifier(run: ClassifierRun): Promise<History> {
  const { model, data } = run;
  const out = `out/${run.name}`;
  const summary = new Summary();
  const optimizer = new Adam(model.parameters(), { lr: run.lr });
  const train = new DataLoader(new TensorDataset(data.train.x, data.train.y), {
    batchSize: run.batchSize,
    shuffle: true,
    seed: run.seed,
  });
  const test = new DataLoader(new TensorDataset(data.test.x, data.test.y), { batchSize: 1000 });
  summary.say(
    `${data.source}: ${data.train.y.size} training / ${data.test.y.size} test images; backend ${run.backend}`,
  );
  summary.say(
    `model: ${run.title} (${model.numParameters()} parameters); Adam lr ${run.lr} (cosine), batch ${run.batchSize}, seed ${run.seed}, ${run.epochs} epochs`,
  );
  summary.say("validation values are on the test set (reported only; no model selection on it)\n");
  const history = await fit(model, {
    train,
    validation: test,
    loss: crossEntropy,
    optimizer,
    scheduler: new CosineAnnealingLR(optimizer, { tMax: run.epochs }),
    epochs: run.epochs,
    metrics: ["accuracy"],
    callbacks: [new CsvLogger(`${out}_history.csv`)],
  });
  for (const r of history.epochs) {
    summary.lines.push(
      `epoch ${r.epoch}: ${r.seconds.toFixed(1)} s, loss ${r.loss.toFixed(4)}, train accuracy ${
        r.accuracy.toFixed(4)
      }, test loss ${r.valLoss.toFixed(4)}, test accuracy ${r.valAccuracy.toFixed(4)}`,
    );
  }
  const seconds = history.get("seconds");
  const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
  const { outputs, targets } = await predictBatches(model, test);
  const cm = confusionMatrix(outputs, targets, { numClasses: data.classes.length });
  summary.say(
    `\ntest accuracy ${history.last()!.valAccuracy.toFixed(4)} after ${history.length} epochs; ${
      mean.toFixed(1)
    } s per epoch (training + test evaluation)\n`,
  );
  summary.say(formatConfusionMatrix(cm, data.classes));
  const pred = predictedClasses(outputs), truth = predictedClasses(targets);
  const wrong: number[] = [];
  for (let i = 0; i < pred.length && wrong.length < 64; i++) {
    if (pred[i] !== truth[i]) wrong.push(i);
  }
  await saveSvg(
    `${out}_curves.svg`,
    await historyChart(history, { title: `${run.title} on ${data.source}` }),
  );
  const files = [`${out}.txt`, `${out}_curves.svg`, `${out}_history.csv`, `${out}.safetensors`];
  if (wrong.length > 0) {
    const images = indexSelect(data.test.x, 0, wrong).reshape([wrong.length, 28, 28]);
    await saveImageGrid(`${out}_misclassified.png`, images, {
      columns: 8,
      scale: 3,
      range: "grid",
    });
    files.push(`${out}_misclassified.png`);
    summary.lines.push(
      "",
      "misclassified test images in the grid (row by row): true → predicted",
      ...wrong.map((i, k) =>
        `${k + 1}. #${i}: ${data.classes[truth[i]]} → ${data.classes[pred[i]]}`
      ),
    );
  }
  await saveModel(`${out}.safetensors`, model);
  await summary.save(`${out}.txt`);
  console.log(`\nwrote ${files.join(", ")}`);
  return history;
}
