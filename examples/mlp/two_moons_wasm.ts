// The two-moons MLP of two_moons.ts on the WebAssembly backend (@nnc/wasm: libnnc compiled to Wasm
// SIMD), as a browser or an FFI-less runtime runs it: no --allow-ffi, no compiler, no native library.
// The decision regions are drawn as SVG.
//
//   deno run --allow-env --allow-read --allow-write examples/mlp/two_moons_wasm.ts [--epochs 60] [--quick]
// → out/mlp/two_moons_wasm_regions.svg, two_moons_wasm.summary.json
import "@nnc/wasm";
import { wasmInfo } from "@nnc/wasm";
import { getBackend, type NDArray, Rng, useBackend } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { DataLoader, TensorDataset, twoMoons } from "@nnc/datasets";
import { evaluate, fit } from "@nnc/train";
import { mlp } from "@nnc/models/mlp";
import { saveSvg, scatterChart } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";

const report = new ExampleReport("mlp", "two_moons_wasm");
const info = wasmInfo();
if (!info.available) throw new Error(`the wasm backend is not available: ${info.reason}`);
useBackend("wasm");
const ffi = await Deno.permissions.query({ name: "ffi" });
report.note(
  `backend ${getBackend().name} (${info.simd}, GEMM ${
    info.relaxedSimd ? "relaxed-SIMD" : "simd128"
  }` +
    `), FFI permission: ${ffi.state}`,
);

const epochs = numberFlag("epochs", report.quick ? 15 : 60);
const train = twoMoons({ n: 400, noise: 0.2, seed: 1 }),
  test = twoMoons({ n: 400, noise: 0.2, seed: 2 });
const model = mlp([2, 16, 16, 2], { activation: "tanh", rng: new Rng(0) });
const history = await fit(model, {
  train: new DataLoader(new TensorDataset(train.x, train.y), {
    batchSize: 32,
    shuffle: true,
    seed: 0,
  }),
  loss: crossEntropy,
  optimizer: new Adam(model.parameters(), { lr: 0.01 }),
  epochs,
  progress: "none",
});
const { accuracy } = await evaluate(model, [[test.x, test.y]], { metrics: ["accuracy"] });
report.note(`two moons: test accuracy ${accuracy.toFixed(3)} after ${epochs} epochs on wasm`);
const classify = (p: NDArray) => noGrad(() => model.forward(new Tensor(p)));
await saveSvg(
  report.path("two_moons_wasm_regions.svg"),
  await scatterChart(test.x, test.y, {
    classify,
    title: `MLP 2-16-16-2 on the wasm backend: test accuracy ${accuracy.toFixed(3)}`,
    xLabel: "x₁",
    yLabel: "x₂",
  }),
);
// The same bounds as two_moons.ts: chance is 0.5, the moons are separable up to the noise.
report.metric("test accuracy", accuracy, { min: report.quick ? 0.8 : 0.93, max: 1 });
report.metric("final training loss", history.last()!.loss, { min: 0, max: Math.log(2) });
report.metric("ran on the wasm backend", getBackend().name === "wasm" ? 1 : 0, { min: 1 });
await report.write();
