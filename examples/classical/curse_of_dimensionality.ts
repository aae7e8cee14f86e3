// The curse of dimensionality (notes 000): the edge of a sub-cube holding a fraction s of [0, 1]^p is
// s^(1/p) — for p = 10, 10 % of the data needs 79 % of each axis and 1 % needs 63 % (the notes swap the two
// values) — and with the dimension, nearest and farthest neighbours of uniform points become equally far,
// so "near" stops meaning anything for k-NN.
//
//   deno run -A examples/classical/curse_of_dimensionality.ts [--quick]   # seconds in both modes
// → out/classical/neighborhood_edge.svg, distance_contrast.svg, curse_of_dimensionality.summary.json
import { NDArray, Rng } from "@nnc/tensor";
import {
  ballToCubeVolumeRatio,
  KNeighborsClassifier,
  neighborhoodEdge,
} from "@nnc/models/classical";
import { lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";

const report = new ExampleReport("classical", "curse_of_dimensionality");
const dims = Array.from({ length: 50 }, (_, i) => i + 1);
await saveSvg(
  report.path("neighborhood_edge.svg"),
  await lineChart(
    [0.1, 0.01, 0.001].map((s) => ({
      name: `fraction ${s}`,
      x: dims,
      y: dims.map((p) => neighborhoodEdge(s, p)),
    })),
    {
      title: "Edge of the cube holding a fraction of [0, 1]^p",
      xLabel: "dimension p",
      yLabel: "edge length",
    },
  ),
);
report.metric("edge for 10 % in 10-d", neighborhoodEdge(0.1, 10), { min: 0.794, max: 0.7944 });
report.metric("edge for 1 % in 10-d", neighborhoodEdge(0.01, 10), { min: 0.6309, max: 0.631 });
report.metric("inscribed ball share of the 10-d cube", ballToCubeVolumeRatio(10), { max: 0.003 });

// Relative contrast (farthest − nearest)/nearest of uniform points as the dimension grows.
const rng = new Rng(0);
const n = report.quick ? 500 : 2000, queries = 50;
const testDims = [1, 2, 5, 10, 20, 50, 100, 200];
const contrast = testDims.map((d) => {
  const data = new Float64Array(n * d).map(() => rng.random());
  const q = new Float64Array(queries * d).map(() => rng.random());
  const knn = new KNeighborsClassifier({ nNeighbors: n }).fit(
    NDArray.fromTyped(data, [n, d]),
    Array.from({ length: n }, (_, i) => i % 2),
  );
  const dist = knn.kneighbors(NDArray.fromTyped(q, [queries, d])).distances;
  let s = 0;
  for (let i = 0; i < queries; i++) s += (dist.get(i, n - 1) - dist.get(i, 0)) / dist.get(i, 0);
  return s / queries;
});
await saveSvg(
  report.path("distance_contrast.svg"),
  await lineChart([{ name: "(max − min)/min distance", x: testDims, y: contrast }], {
    title: `Distance contrast of ${n} uniform points`,
    xLabel: "dimension",
    yLabel: "relative contrast",
    logY: true,
  }),
);
report.metric("distance contrast at d = 2", contrast[1], { min: 10 });
report.metric("distance contrast at d = 200", contrast.at(-1)!, { max: 0.5 });
await report.write();
