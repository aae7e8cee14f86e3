// Kernel SVMs on two moons and on circles: the decision regions of SVC with the linear, polynomial, RBF
// and sigmoid kernels, support vectors ringed. A linear boundary cannot separate either set; the RBF
// kernel separates both; the degree-2 polynomial kernel contains the feature map (x, y, x² + y²) of the
// notes and separates the circles.
//
//   deno run -A examples/classical/svm_kernels.ts [--quick]        # seconds in both modes
// → out/classical/svm_moons.svg, svm_circles.svg, svm_kernels.summary.json
import type { NDArray } from "@nnc/tensor";
import { circles, twoMoons } from "@nnc/datasets";
import { SVC, type SVCOptions } from "@nnc/models/classical";
import { renderVegaLite, saveSvg, scatterChartSpec } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";
import { panels, withRings } from "./_panels.ts";

const report = new ExampleReport("classical", "svm_kernels");
const n = report.quick ? 120 : 300;
const sets = {
  moons: twoMoons({ n, noise: 0.15, seed: 1 }),
  circles: circles({ n, noise: 0.08, factor: 0.5, seed: 2 }),
};
const kernels: [string, SVCOptions][] = [
  ["linear", { kernel: "linear", C: 1 }],
  ["poly (degree 2)", { kernel: "poly", degree: 2, coef0: 1, gamma: 1, C: 1 }],
  ["rbf", { kernel: "rbf", gamma: 2, C: 1 }],
  ["sigmoid", { kernel: "sigmoid", gamma: 0.5, coef0: 0, C: 1 }],
];
const resolution = report.quick ? 40 : 90;
for (const [name, data] of Object.entries(sets)) {
  const { x, y } = data;
  const xs = x.data, lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
  for (let i = 0; i < x.shape[0]; i++) {
    for (let j = 0; j < 2; j++) {
      lo[j] = Math.min(lo[j], xs[2 * i + j]);
      hi[j] = Math.max(hi[j], xs[2 * i + j]);
    }
  }
  const pad = (j: number) => 0.15 * (hi[j] - lo[j]);
  const domain = {
    x: [lo[0] - pad(0), hi[0] + pad(0)] as const,
    y: [lo[1] - pad(1), hi[1] + pad(1)] as const,
  };
  const specs = [];
  for (const [label, options] of kernels) {
    const svm = new SVC(options).fit(x, y);
    const acc = svm.score(x, y);
    report.metric(`${name} ${label} training accuracy`, acc, {
      min: label === "rbf" || (name === "circles" && label.startsWith("poly")) ? 0.9 : 0.3,
    });
    const sv = svm.supportVectors;
    const rings = Array.from({ length: sv.shape[0] }, (_, i) => [sv.get(i, 0), sv.get(i, 1)]);
    const spec = scatterChartSpec(x, y, {
      classify: (p: NDArray) => svm.predict(p),
      domain,
      resolution,
      width: 220,
      height: 220,
      title: `${label}: ${(100 * acc).toFixed(0)} %, ${sv.shape[0]} SV`,
      classNames: ["class 0", "class 1"],
    });
    specs.push(withRings(spec, rings, domain));
  }
  const svg = await renderVegaLite(panels(specs, `SVC on ${name} (support vectors ringed)`));
  await saveSvg(report.path(`svm_${name}.svg`), svg);
}
await report.write();
