// 3-d shape classification on binary voxel grids (after 3D ShapeNets): a volumetric CNN with
// strided 3-d convolutions learns to tell cubes, spheres, cylinders, cones and tori of random size,
// position and orientation apart in 16³ occupancy grids.
//
//   deno run -A examples/gnn/voxel_shapes.ts [--train 4000] [--epochs 12] [--seed 0]   (two minutes)
// → out/gnn/voxel_curves.svg, out/gnn/voxel_projections.png, out/gnn/voxel_shapes.summary.json
import { concat, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { DataLoader, TensorDataset, voxelShapes } from "@nnc/datasets";
import { voxelCnn } from "@nnc/models/gnn";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { accuracy, preferNative } from "./_common.ts";

const report = new ExampleReport("gnn", "voxel_shapes");
report.note(`backend: ${await preferNative()}`);
const size = report.quick ? 8 : 16;
const trainCount = numberFlag("train", report.quick ? 400 : 4000);
const epochs = numberFlag("epochs", report.quick ? 8 : 12);
const seed = numberFlag("seed", 0);

const train = voxelShapes({ n: trainCount, size, seed: seed + 1 });
const test = voxelShapes({ n: report.quick ? 100 : 500, size, seed: seed + 2 });
report.note(`classes: ${train.classes.join(", ")}; ${trainCount} training grids of ${size}³`);

// The first grid of each class seen along each axis (maximum projections: one row per axis).
const views = concat(
  [0, 1, 2].flatMap((axis) =>
    train.classes.map((_, k) => train.voxels.slice(k, 0).max({ axis }).reshape([1, 1, size, size]))
  ),
  0,
);
await saveImageGrid(report.path("voxel_projections.png"), views, {
  columns: train.classes.length,
  scale: 6,
});

const model = voxelCnn({ size, numClasses: train.classes.length, rng: new Rng(seed) });
const optimizer = new Adam(model.parameters(), { lr: 0.001 });
const loader = new DataLoader(new TensorDataset(train.voxels, train.labels), {
  batchSize: 32,
  shuffle: true,
  seed,
});
const losses: number[] = [], accs: number[] = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  model.train();
  let total = 0;
  for (const [x, y] of loader) {
    optimizer.zeroGrad();
    const loss = crossEntropy(model.forward(new Tensor(x)), y);
    loss.backward();
    optimizer.step();
    total += loss.item();
  }
  losses.push(total / loader.length);
  model.eval();
  accs.push(accuracy(noGrad(() => model.forward(new Tensor(test.voxels))).data, test.labels));
  report.note(
    `epoch ${epoch + 1}: loss ${losses[epoch].toFixed(3)}, test accuracy ${accs[epoch].toFixed(3)}`,
  );
}
await saveSvg(
  report.path("voxel_curves.svg"),
  await lineChart([
    { name: "training loss", y: losses },
    { name: "test accuracy", y: accs },
  ], { title: "Voxel shapes: 3-d CNN", xLabel: "epoch" }),
);
// Quick runs (400 grids of 8³, 8 epochs) only have to beat chance (0.2) clearly.
report.metric("test accuracy", accs[accs.length - 1], { min: report.quick ? 0.4 : 0.95 });
await report.write();
