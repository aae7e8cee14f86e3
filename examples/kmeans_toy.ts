// The mock final's Q1: Lloyd's algorithm on four points, from the second and third points (a) and from a
// start that converges to the other fixed point (b), with the initial and final Voronoi cells on one plot;
// then k-means++ on Gaussian blobs with the inertia per iteration.
//
//   deno run -A examples/kmeans_toy.ts     → out/kmeans_toy_*.svg, out/kmeans_toy.txt
import { Rng } from "@nnc/tensor";
import { KMeans, lloyd, type LloydResult } from "@nnc/models/unsupervised";
import { lineChart, PALETTE, SvgPlot } from "../plot/_svg.ts";

const OUT = "out";
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

async function mockPlot(
  name: string,
  title: string,
  init: number[][],
  r: LloydResult,
): Promise<void> {
  const final = r.centers.toArray() as number[][];
  const labels = Array.from(r.labels.data);
  const p = new SvgPlot({
    title,
    xLabel: "x₁",
    yLabel: "x₂",
    xDomain: [-1.6, 1.6],
    yDomain: [-1.6, 1.6],
    equalAspect: true,
    width: 760,
    height: 520,
    legend: "outside",
  });
  p.cells(nearest(final), 160);
  const [ix, iy] = bisector(init[0], init[1], -3, 3);
  p.line(ix, iy, { color: "#555", dashed: true, label: "initial Voronoi boundary" });
  const [fx, fy] = bisector(final[0], final[1], -3, 3);
  p.line(fx, fy, { color: "#111", label: "final Voronoi boundary" });
  p.points(X.map((q) => q[0]), X.map((q) => q[1]), {
    color: labels.map((l) => PALETTE[l]),
    radius: 6,
    label: "data (final cluster colour)",
  });
  p.points(init.map((q) => q[0]), init.map((q) => q[1]), {
    color: "#333",
    marker: "cross",
    radius: 7,
    label: "initial centres",
  });
  p.points(final.map((q) => q[0]), final.map((q) => q[1]), {
    color: [PALETTE[0], PALETTE[1]],
    marker: "diamond",
    radius: 7,
    label: "final centres",
  });
  X.forEach((q, i) => p.text(q[0], q[1], `x${i + 1}`));
  await p.save(`${OUT}/${name}.svg`);
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

await Deno.mkdir(OUT, { recursive: true });
say("Mock final Q1: Lloyd's algorithm, k = 2, x1..x4 = (−0.01, 1), (1, 1), (0.01, −1), (−1, −1)");
say();
const initA = [X[1], X[2]];
const a = trace("(a) start at the second and third points", initA);
await mockPlot("kmeans_toy_a", "Mock Q1 (a): Lloyd from x2, x3", initA, a);
const initB = [[-1, 0], [1, 0]];
const b = trace("(b) a start whose cells are {x1, x4}, {x2, x3}: already a fixed point", initB);
await mockPlot("kmeans_toy_b", "Mock Q1 (b): the other fixed point", initB, b);
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
const bp = new SvgPlot({
  title: "k-means on four blobs (Voronoi cells of the final centres)",
  xLabel: "x₁",
  yLabel: "x₂",
  equalAspect: true,
});
bp.cells(nearest(centres));
bp.points(blobs.map((q) => q[0]), blobs.map((q) => q[1]), {
  color: labels.map((l) => PALETTE[l]),
  radius: 2.5,
  stroke: "none",
});
bp.points(centres.map((q) => q[0]), centres.map((q) => q[1]), {
  color: "#111",
  marker: "diamond",
  radius: 7,
  label: "centres",
});
await bp.save(`${OUT}/kmeans_toy_blobs.svg`);
await lineChart([{
  x: km.history.map((h) => h.iteration),
  y: km.history.map((h) => h.inertia),
  label: "inertia Σ‖x − c‖²",
}], {
  title: "Lloyd's algorithm: inertia per iteration",
  xLabel: "iteration",
  yLabel: "inertia",
}).save(`${OUT}/kmeans_toy_inertia.svg`);
await Deno.writeTextFile(`${OUT}/kmeans_toy.txt`, lines.join("\n") + "\n");
console.log(
  `\nwrote ${OUT}/kmeans_toy_a.svg, kmeans_toy_b.svg, kmeans_toy_blobs.svg, kmeans_toy_inertia.svg, kmeans_toy.txt`,
);
