// Linear regions of ReLU networks (000:L235–294). First the notes' one-input network of six ReLUs,
// Z = −n1 − n2 − n3 + n4 + n5 + n6: six breakpoints, seven pieces (two of them with slope 0: a region
// is an activation pattern, not a slope). Then a ReLU MLP 2-32-32-32-32-1 trained by SGD (MSE, lr 0.1,
// batch 32) on f(x, y) = sin 3x · cos 3y (_regions.ts): its regions on [−1, 1]², counted by activation patterns
// on a grid (and exactly, at full size, by splitting polygons) after each epoch. As in the notes'
// figure (9744 → 4196 → 8541), the count first drops, then rises as the fit gets more detailed.
//
//   deno run -A examples/experiments/linear_regions.ts [--resolution 300] [--quick]
// → out/experiments/linear_regions_pieces.svg, linear_regions_counts.svg, linear_regions_maps.png,
//   linear_regions.txt, linear_regions.summary.json
import { NDArray } from "@nnc/tensor";
import { Linear, ReLU, Sequential } from "@nnc/layers";
import { linearPieces, linearRegions } from "@nnc/models/insight";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { regionsDuringTraining } from "./_regions.ts";

const report = new ExampleReport("experiments", "linear_regions");
const lines: string[] = [];
const say = (s: string) => {
  report.note(s);
  lines.push(s);
};

// 1. The six-ReLU network of the notes.
const linear = (w: number[][], b: number[]) => {
  const l = new Linear(w[0].length, w.length, { dtype: "float64" });
  l.weight.data.data.set(w.flat());
  l.bias!.data.data.set(b);
  return l;
};
const six = new Sequential(
  linear([[-5], [-1.2], [1.2], [1.2], [2], [5]], [-7.7, -1.3, 1, -0.2, -1.1, -5]),
  new ReLU(),
  linear([[-1, -1, -1, 1, 1, 1]], [0]),
);
const pieces = linearPieces(six, [-3, 3]);
say(
  `six-ReLU network: ${pieces.length} pieces on [−3, 3], breakpoints ${
    pieces.slice(1).map((p) => p.start.toFixed(4)).join(", ")
  }; slopes ${pieces.map((p) => +p.slope[0].toFixed(6)).join(", ")}`,
);
await saveSvg(
  report.path("linear_regions_pieces.svg"),
  await lineChart(
    pieces.map((p, i) => ({
      name: `piece ${i + 1}: slope ${+p.slope[0].toFixed(3)}`,
      x: [p.start, p.end],
      y: [p.start, p.end].map((v) => p.slope[0] * v + p.intercept[0]),
    })),
    { title: "Z = −n1 − n2 − n3 + n4 + n5 + n6: seven linear pieces", xLabel: "x", yLabel: "Z(x)" },
  ),
);
report.metric("pieces of the six-ReLU network", pieces.length, { min: 7, max: 7 });

// 2. Regions of a trained 2-D network, epoch by epoch.
const resolution = numberFlag("resolution", report.quick ? 100 : 300);
const epochs = 20;
const bounds = [[-1, 1], [-1, 1]] as const;
const exact: Record<number, number> = {};
const { counts, losses, grids } = await regionsDuringTraining(
  epochs,
  resolution,
  [0, 1, epochs],
  (epoch, net) => {
    if (!report.quick && (epoch === 0 || epoch === 1 || epoch === epochs)) {
      exact[epoch] = linearRegions(net, { bounds }).length;
    }
  },
);
const maps = [0, 1, epochs].map((e) => grids.get(e)!);
say(`regions on a ${resolution}×${resolution} grid after each epoch: ${counts.join(", ")}`);
if (!report.quick) {
  say(
    `exact counts (polygons): epoch 0: ${exact[0]}, epoch 1: ${exact[1]}, epoch ${epochs}: ${
      exact[epochs]
    }`,
  );
}
say(`training MSE per epoch: ${losses.map((l) => l.toFixed(4)).join(", ")}`);
await saveSvg(
  report.path("linear_regions_counts.svg"),
  await lineChart([{ name: "regions (grid)", x: counts.map((_, i) => i), y: counts }], {
    title: "Linear regions of a ReLU MLP 2-32-32-32-32-1 during training",
    xLabel: "epoch",
    yLabel: "regions on [−1, 1]²",
    legend: "none",
  }),
);
// Each region in its own colour (a hash of its id), v upwards.
const images = maps.map((g) => {
  const rgb = new Float32Array(3 * resolution * resolution);
  for (let r = 0; r < resolution; r++) {
    for (let c = 0; c < resolution; c++) {
      const id = g.ids[(resolution - 1 - r) * resolution + c];
      for (let ch = 0; ch < 3; ch++) {
        rgb[ch * resolution * resolution + r * resolution + c] = 0.25 + 0.75 * hash(id * 3 + ch);
      }
    }
  }
  return rgb;
});
const all = new Float32Array(images.length * images[0].length);
images.forEach((im, i) => all.set(im, i * im.length));
await saveImageGrid(
  report.path("linear_regions_maps.png"),
  NDArray.fromTyped(all, [images.length, 3, resolution, resolution]),
  {
    columns: 3,
    scale: report.quick ? 3 : 1,
    padding: 6,
    range: [0, 1],
    captions: [0, 1, epochs].map((e, i) => `epoch ${e}: ${maps[i].count} regions`),
  },
);
await Deno.writeTextFile(report.path("linear_regions.txt"), lines.join("\n") + "\n");
const firstDrop = Math.min(...counts.slice(1, 4));
report.metric("regions at epoch 0", counts[0], { min: 10 });
// Qualitative (000-003 item 6): a drop in the first epochs, then more regions than at the start.
report.metric("lowest count in epochs 1-3 / count at epoch 0", firstDrop / counts[0], {
  max: 0.999,
});
report.metric(`count at epoch ${epochs} / count at epoch 0`, counts[epochs] / counts[0], {
  min: 1.2,
});
report.metric("final training MSE", losses[losses.length - 1], { min: 0, max: 0.05 });
await report.write();

function hash(k: number): number {
  const s = Math.sin(k * 12.9898 + 78.233) * 43758.5453;
  return s - Math.floor(s);
}
