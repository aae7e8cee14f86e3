// The mock final's Q1: Lloyd's algorithm on four points, from the second and third points (a) and from a
// start that converges to the other fixed point (b), with the initial and final Voronoi cells on one plot;
// then k-means on Gaussian blobs with the inertia per iteration. Runs in about a second (--quick: the same).
//
//   deno run -A examples/unsupervised/kmeans_toy.ts
// → out/unsupervised/kmeans_toy_a.svg, kmeans_toy_b.svg, kmeans_toy_blobs.svg, kmeans_toy_inertia.svg,
//   kmeans_toy.txt, kmeans_toy.summary.json
import { Rng } from "@nnc/tensor";
import { KMeans, lloyd, type LloydResult } from "@nnc/models/unsupervised";
import { lineChart, saveSvg, voronoiCells, xyChart, type XYLayer } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";

const report = new ExampleReport("unsupervised", "kmeans_toy");
const X = [[-0.01, 1], [1, 1], [0.01, -1], [-1, -1]];
const lines: string[] = [];
const say = (s = "") => {
  console.log(s);
  lines.push(s);
};
const fmtPt = (p: number[]) => `(${p.map((v) => Number(v.toFixed(4))).join(", ")})`;

/** The part of the perpendicular bisector of a and b inside the box [lo, hi]². */
function bisector(a: number[], b: number[], lo: number, hi: number): [number[], number[]] {
  // Points x with 2(b − a)·x = ‖b‖² − ‖a‖².
  const nx = 2 * (b[0] - a[0]), ny = 2 * (b[1] - a[1]);
  const c = b[0] ** 2 + b[1] ** 2 - a[0] ** 2 - a[1] ** 2;
  if (Math.abs(ny) > Math.abs(nx)) return [[lo, hi], [(c - nx * lo) / ny, (c - nx * hi) / ny]];
  return [[(c - ny * lo) / nx, (c - ny * hi) / nx], [lo, hi]];
}

function nearest(centres: number[][]): (x: number, y: number) => number {
  return (x, y) => {
    let best = 0, bestD = Infinity;
    centres.forEach((c, i) => {
      const d = (x - c[0]) ** 2 + (y - c[1]) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    });
    return best;
  };
}

const BOX = { x: [-1.6, 1.6], y: [-1.6, 1.6] } as const;
const CLUSTERS = ["cluster 1", "cluster 2"];

async function mockPlot(
  file: string,
  title: string,
  init: number[][],
  r: LloydResult,
): Promise<void> {
  const final = r.centers.toArray() as number[][];
  const labels = Array.from(r.labels.data);
  const [ix, iy] = bisector(init[0], init[1], -3, 3);
  const [fx, fy] = bisector(final[0], final[1], -3, 3);
  const layers: XYLayer[] = [
    ...voronoiCells(final, BOX).map((c, k): XYLayer => ({
      type: "polygon",
      ...c,
      name: CLUSTERS[k],
    })),
    { type: "line", x: ix, y: iy, color: "#555", dashed: true, name: "initial Voronoi boundary" },
    { type: "line", x: fx, y: fy, color: "#111", name: "final Voronoi boundary" },
    {
      type: "points",
      x: X.map((q) => q[0]),
      y: X.map((q) => q[1]),
      groups: labels.map((l) => CLUSTERS[l]),
      size: 6,
      labels: X.map((_, i) => `x${i + 1}`),
    },
    {
      type: "points",
      x: init.map((q) => q[0]),
      y: init.map((q) => q[1]),
      shape: "x",
      size: 7,
      color: "#333",
      name: "initial centres",
    },
    {
      type: "points",
      x: final.map((q) => q[0]),
      y: final.map((q) => q[1]),
      shape: "diamond",
      size: 7,
      color: "#111",
      name: "final centres",
    },
  ];
  await saveSvg(
    report.path(file),
    await xyChart(layers, {
      title,
      xLabel: "x₁",
      yLabel: "x₂",
      domain: BOX,
      width: 400,
      height: 400,
    }),
  );
}

function trace(title: string, init: number[][]): LloydResult {
  say(title);
  say(`  initial centres ${init.map(fmtPt).join(", ")}`);
  let centres = init;
  // Re-run one iteration at a time to print every step (lloyd itself records only the history).
  for (let it = 1; it <= 10; it++) {
    const step = lloyd(X, centres, { maxIter: 1, tol: 0 });
    const next = step.centers.toArray() as number[][];
    const assign = nearest(centres);
    const cells = [0, 1].map((j) =>
      X.flatMap((q, i) => (assign(q[0], q[1]) === j ? [`x${i + 1}`] : []))
    );
    say(
      `  step ${it}: V1 = {${cells[0].join(", ")}}, V2 = {${cells[1].join(", ")}} → centres ${
        next.map(fmtPt).join(", ")
      }`,
    );
    if (next.every((c, j) => c.every((v, t) => v === centres[j][t]))) break;
    centres = next;
  }
  const r = lloyd(X, init);
  say(
    `  final centres ${(r.centers.toArray() as number[][]).map(fmtPt).join(", ")}, E = ${
      r.inertia.toFixed(4)
    }, ${r.nIter} iterations`,
  );
  say();
  return r;
}

say("Mock final Q1: Lloyd's algorithm, k = 2, x1..x4 = (−0.01, 1), (1, 1), (0.01, −1), (−1, −1)");
say();
const initA = [X[1], X[2]];
const a = trace("(a) start at the second and third points", initA);
await mockPlot("kmeans_toy_a.svg", "Mock Q1 (a): Lloyd from x2, x3", initA, a);
// The centres (±0.495, ±1) leave every point 0.505 away: E = 4 · 0.505² = 1.0201.
report.metric("(a) final inertia", a.inertia, { min: 1.0200, max: 1.0202 });
const initB = [[-1, 0], [1, 0]];
const b = trace("(b) a start whose cells are {x1, x4}, {x2, x3}: already a fixed point", initB);
await mockPlot("kmeans_toy_b.svg", "Mock Q1 (b): the other fixed point", initB, b);
// The centres (±0.505, 0): every point is (0.495, 1) away, E = 4 · (0.495² + 1) = 4.9801.
report.metric("(b) final inertia", b.inertia, { min: 4.9800, max: 4.9802 });
trace("pitfall: starting at x1 and x4 does not give (b)", [X[0], X[3]]);

// k-means++ on blobs: the inertia falls at every iteration.
const rng = new Rng(559);
const blobs = [[0, 0], [5, 1], [2, 5], [7, 6]].flatMap(([cx, cy]) =>
  Array.from({ length: 150 }, () => [cx + 1.2 * rng.normal(), cy + 1.2 * rng.normal()])
);
const km = new KMeans({ nClusters: 4, init: "random", nInit: 1, tol: 0, rng: new Rng(3) }).fit(
  blobs,
);
say(
  `Blobs (600 points, k = 4, random start): ${km.nIter} iterations, inertia ${
    km.inertia.toFixed(2)
  }`,
);
say(`  inertia per iteration: ${km.history.map((h) => h.inertia.toFixed(1)).join(", ")}`);
const labels = Array.from(km.labels.data);
const centres = km.centers.toArray() as number[][];
const names = centres.map((_, k) => `cluster ${k + 1}`);
const box = { x: [-4, 11], y: [-4, 10] } as const;
await saveSvg(
  report.path("kmeans_toy_blobs.svg"),
  await xyChart([
    ...voronoiCells(centres, box).map((c, k): XYLayer => ({
      type: "polygon",
      ...c,
      name: names[k],
    })),
    {
      type: "points",
      x: blobs.map((q) => q[0]),
      y: blobs.map((q) => q[1]),
      groups: labels.map((l) => names[l]),
      size: 2.5,
    },
    {
      type: "points",
      x: centres.map((q) => q[0]),
      y: centres.map((q) => q[1]),
      shape: "diamond",
      size: 7,
      color: "#111",
      name: "centres",
    },
  ], {
    title: "k-means on four blobs (Voronoi cells of the final centres)",
    xLabel: "x₁",
    yLabel: "x₂",
    domain: box,
    width: 450,
    height: 420,
  }),
);
await saveSvg(
  report.path("kmeans_toy_inertia.svg"),
  await lineChart([{
    name: "inertia Σ‖x − c‖²",
    x: km.history.map((h) => h.iteration),
    y: km.history.map((h) => h.inertia),
  }], {
    title: "Lloyd's algorithm: inertia per iteration",
    xLabel: "iteration",
    yLabel: "inertia",
  }),
);
await Deno.writeTextFile(report.path("kmeans_toy.txt"), lines.join("\n") + "\n");
// Four blobs of deviation 1.2 in 2-d: about 2 · 1.2² = 2.9 per point once the blobs are found.
report.metric("blobs: inertia per point", km.inertia / blobs.length, { min: 1, max: 4 });
report.metric(
  "blobs: inertia fall (first − last iteration)",
  km.history[0].inertia - km.history[km.history.length - 1].inertia,
  { min: 0 },
);
await report.write();
