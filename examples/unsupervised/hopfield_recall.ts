// Associative memories of the notes: a Hopfield network storing four 10×10 letters recalls them from
// noisy cues (asynchronous updates, energy falling every sweep); the two-unit limit cycle of synchronous
// updates; the capacity experiment (recall collapses near α = patterns/n ≈ 0.138); and a Willshaw memory
// of sparse patterns.
//
//   deno run -A examples/unsupervised/hopfield_recall.ts [--quick]   (≈ 12 s; --quick: 3 trials fewer, ≈ 2 s)
// → out/unsupervised/hopfield_recall.png, hopfield_energy.svg, hopfield_capacity.svg,
//   hopfield_willshaw.svg, hopfield_recall.txt, hopfield_recall.summary.json
import { NDArray, Rng } from "@nnc/tensor";
import { Hopfield, hopfieldCapacity, sparsePatterns, Willshaw } from "@nnc/models/unsupervised";
import { lineChart, saveImageGrid, saveSvg, xyChart } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";

const report = new ExampleReport("unsupervised", "hopfield_recall");
const lines: string[] = [];
const say = (s = "") => {
  console.log(s);
  lines.push(s);
};

const LETTERS: Record<string, string[]> = {
  H: [
    "##......##",
    "##......##",
    "##......##",
    "##......##",
    "##########",
    "##########",
    "##......##",
    "##......##",
    "##......##",
    "##......##",
  ],
  X: [
    "##......##",
    ".##....##.",
    "..##..##..",
    "...####...",
    "....##....",
    "...####...",
    "..##..##..",
    ".##....##.",
    "##......##",
    "#........#",
  ],
  T: [
    "##########",
    "##########",
    "....##....",
    "....##....",
    "....##....",
    "....##....",
    "....##....",
    "....##....",
    "....##....",
    "....##....",
  ],
  O: [
    "..######..",
    ".########.",
    "###....###",
    "##......##",
    "##......##",
    "##......##",
    "##......##",
    "###....###",
    ".########.",
    "..######..",
  ],
};
const names = Object.keys(LETTERS);
const patterns = names.map((k) => LETTERS[k].join("").split("").map((c) => (c === "#" ? 1 : -1)));
const n = patterns[0].length;

const net = new Hopfield({ size: n }).store(patterns);
say(
  `Hopfield network: ${n} units, Hebbian storage of ${names.join(", ")} (α = ${
    (patterns.length / n).toFixed(2)
  })`,
);

// Flip 25% of the pixels of each letter and let the network clean them up.
const rng = new Rng(559);
const grid: number[] = [];
const energySeries: { x: number[]; y: number[]; name: string }[] = [];
let exact = 0;
const noisy = patterns.map((p) => p.map((v) => (rng.random() < 0.25 ? -v : v)));
const recalled = noisy.map((cue, i) => {
  const r = net.recall(cue, { order: "random", rng });
  const wrong = r.state.filter((v, j) => v !== patterns[i][j]).length;
  const flipped = cue.filter((v, j) => v !== patterns[i][j]).length;
  say(
    `  ${
      names[i]
    }: ${flipped} pixels flipped → ${r.iterations} sweeps, ${wrong} wrong after recall; energy ${
      r.energies.map((e) => e.toFixed(0)).join(" → ")
    }`,
  );
  energySeries.push({ x: r.energies.map((_, t) => t), y: r.energies, name: names[i] });
  if (wrong === 0) exact++;
  return r.state;
});
for (const rows of [patterns, noisy, recalled]) for (const p of rows) grid.push(...p);
await saveImageGrid(
  report.path("hopfield_recall.png"),
  NDArray.fromTyped(Float64Array.from(grid), [3 * patterns.length, 10, 10]),
  {
    columns: patterns.length,
    scale: 8,
    padding: 6,
    background: 160, // grey, so that the letters' white strokes stand out from the padding
    range: [-1, 1],
    captions: ["stored", "cue", "recalled"].flatMap((row) => names.map((n) => `${n} ${row}`)),
  },
);
say(`  hopfield_recall.png: rows = stored letters, noisy cues, recalled states`);
report.metric("letters recalled exactly from 25 % flipped pixels", exact, { min: 4, max: 4 });
await saveSvg(
  report.path("hopfield_energy.svg"),
  await lineChart(energySeries, {
    title: "Hopfield recall: E = −½ xᵀΘx after each asynchronous sweep",
    xLabel: "sweep",
    yLabel: "energy",
  }),
);
say();

// Two units storing (1, 1): synchronous updates from (1, −1) swap the units forever.
const two = new Hopfield({ size: 2 }).store([[1, 1]]);
const sync = two.recall([1, -1], { mode: "sync" });
const async = two.recall([1, -1]);
say(
  `Θ = ${JSON.stringify(two.weights.toArray())}: from (1, −1) synchronous updates cycle through ${
    sync.cycle?.map((s) => `(${s.join(", ")})`).join(" → ")
  } → …;`,
);
say(
  `asynchronous updates (unit 0 first) stop at (${
    async.state.join(", ")
  }) after ${async.iterations} sweeps`,
);
say();

// Capacity: store s random patterns in n = 200 units, start at each, count exact recalls.
const t0 = performance.now();
const trials = report.quick ? 1 : 3;
const cap = hopfieldCapacity({
  size: 200,
  loads: report.quick
    ? Array.from({ length: 7 }, (_, i) => 0.05 * (i + 1))
    : Array.from({ length: 14 }, (_, i) => 0.025 * (i + 1)),
  trials,
  rng: new Rng(1),
});
const capNoisy = hopfieldCapacity({
  size: 200,
  loads: cap.map((c) => c.load),
  trials,
  noise: 0.1,
  rng: new Rng(2),
});
say(
  `Capacity, n = 200, ${trials} trial(s) per load (${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s):`,
);
say(`  α      exact recall (cue = pattern)   exact recall (10% flipped)   wrong bits`);
cap.forEach((c, i) =>
  say(
    `  ${c.load.toFixed(3)}  ${c.recalled.toFixed(3).padStart(10)}${
      capNoisy[i].recalled.toFixed(3).padStart(30)
    }${c.bitErrors.toFixed(4).padStart(22)}`,
  )
);
await saveSvg(
  report.path("hopfield_capacity.svg"),
  await xyChart([
    { type: "line", x: [0.138, 0.138], y: [0, 1], color: "#999", dashed: true, name: "α* ≈ 0.138" },
    {
      type: "line",
      x: cap.map((c) => c.load),
      y: cap.map((c) => c.recalled),
      name: "start at the pattern",
      points: true,
    },
    {
      type: "line",
      x: capNoisy.map((c) => c.load),
      y: capNoisy.map((c) => c.recalled),
      name: "start 10% away",
      points: true,
    },
  ], {
    title: "Hopfield capacity (n = 200): fraction of patterns recalled exactly",
    xLabel: "load α = patterns / n",
    yLabel: "fraction",
    domain: { y: [-0.02, 1.02] },
    legend: "top-right",
  }),
);
const at = (load: number) => cap.find((c) => Math.abs(c.load - load) < 1e-9)!.recalled;
report.metric("capacity: exact recall at α = 0.05", at(0.05), { min: 0.9, max: 1 });
report.metric("capacity: exact recall at α = 0.3", at(0.3), { min: 0, max: 0.2 });
say();

// Willshaw: n = 256, r = 8 active bits; the memory fills up as pairs are stored.
say("Willshaw memory, n = 256 inputs/outputs, patterns with r = 8 ones:");
const wr = new Rng(3);
const counts = report.quick ? [50, 200, 500, 1000] : [50, 200, 500, 1000, 2000, 4000];
const recalledShare: number[] = [], density: number[] = [];
for (const s of counts) {
  const x = sparsePatterns(s, 256, 8, wr), y = sparsePatterns(s, 256, 8, wr);
  const mem = new Willshaw({ inputs: 256 }).store(x, y);
  const ok = x.filter((xi, i) => mem.recall(xi).join() === y[i].join()).length / s;
  recalledShare.push(ok);
  density.push(mem.density);
  say(
    `  ${String(s).padStart(5)} pairs: ${(100 * mem.density).toFixed(1)}% of weights on, ${
      (100 * ok).toFixed(1)
    }% recalled exactly`,
  );
}
report.metric("Willshaw: share of 50 pairs recalled exactly", recalledShare[0], {
  min: 0.99,
  max: 1,
});
await saveSvg(
  report.path("hopfield_willshaw.svg"),
  await lineChart([
    { x: counts, y: recalledShare, name: "recalled exactly" },
    { x: counts, y: density, name: "fraction of weights = 1", dashed: true },
  ], {
    title: "Willshaw memory (n = 256, r = 8)",
    xLabel: "stored pairs",
    yLabel: "fraction",
    legend: "top-right",
  }),
);
await Deno.writeTextFile(report.path("hopfield_recall.txt"), lines.join("\n") + "\n");
await report.write();
