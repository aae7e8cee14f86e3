// k-nearest-neighbour decision regions for k = 1, 5 and 25 on noisy two moons: k = 1 follows every
// training point (zero training error, ragged islands), larger k smooths the boundary; held-out accuracy
// shows the trade-off.
//
//   deno run -A examples/classical/knn_regions.ts [--quick]      # seconds in both modes
// → out/classical/knn_regions.svg, knn_regions.summary.json
import type { NDArray } from "@nnc/tensor";
import { twoMoons } from "@nnc/datasets";
import { KNeighborsClassifier } from "@nnc/models/classical";
import { renderVegaLite, saveSvg, scatterChartSpec } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";
import { panels } from "./_panels.ts";

const report = new ExampleReport("classical", "knn_regions");
const train = twoMoons({ n: report.quick ? 150 : 300, noise: 0.3, seed: 3 });
const test = twoMoons({ n: 1000, noise: 0.3, seed: 4 });
const domain = { x: [-1.8, 2.8] as const, y: [-1.4, 1.9] as const };
const specs = [];
for (const k of [1, 5, 25]) {
  const knn = new KNeighborsClassifier({ nNeighbors: k }).fit(train.x, train.y);
  const trainAcc = knn.score(train.x, train.y), testAcc = knn.score(test.x, test.y);
  report.metric(`k = ${k} training accuracy`, trainAcc, { min: k === 1 ? 1 : 0.7 });
  report.metric(`k = ${k} test accuracy`, testAcc, { min: 0.75 });
  specs.push(scatterChartSpec(train.x, train.y, {
    classify: (p: NDArray) => knn.predict(p),
    domain,
    resolution: report.quick ? 50 : 120,
    width: 260,
    height: 220,
    title: `k = ${k}: train ${(100 * trainAcc).toFixed(0)} %, test ${(100 * testAcc).toFixed(1)} %`,
    classNames: ["class 0", "class 1"],
  }));
}
await saveSvg(
  report.path("knn_regions.svg"),
  await renderVegaLite(panels(specs, "k-NN decision regions on two moons")),
);
await report.write();
