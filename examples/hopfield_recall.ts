// Associative memories of the notes: a Hopfield network storing four 10×10 letters recalls them from
// noisy cues (asynchronous updates, energy falling every sweep); the two-unit limit cycle of synchronous
// updates; the capacity experiment (recall collapses near α = patterns/n ≈ 0.138); and a Willshaw memory
// of sparse patterns.
//
//   deno run -A examples/hopfield_recall.ts   → out/hopfield_*.png, out/hopfield_*.svg, out/hopfield_recall.txt
import { Rng } from "@nnc/tensor";
import { Hopfield, hopfieldCapacity, sparsePatterns, Willshaw } from "@nnc/models/unsupervised";
import { lineChart, SvgPlot } from "../plot/_svg.ts";
import { saveImageGrid } from "../plot/_png.ts";

const OUT = "out";
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

await Deno.mkdir(OUT, { recursive: true });
const net = new Hopfield({ size: n }).store(patterns);
say(
  `Hopfield network: ${n} units, Hebbian storage of ${names.join(", ")} (α = ${
    (patterns.length / n).toFixed(2)
  })`,
);

// Flip 25% of the pixels of each letter and let the network clean them up.
const rng = new Rng(559);
const grid: number[] = [];
const energySeries: { x: number[]; y: number[]; label: string }[] = [];
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
  energySeries.push({ x: r.energies.map((_, t) => t), y: r.energies, label: names[i] });
  return r.state;
});
for (const rows of [patterns, noisy, recalled]) for (const p of rows) grid.push(...p);
await saveImageGrid(`${OUT}/hopfield_recall.png`, grid, 3 * patterns.length, {
  height: 10,
  width: 10,
  columns: patterns.length,
  scale: 12,
  gap: 1,
  min: -1,
  max: 1,
});
say(`  out/hopfield_recall.png: rows = stored letters, noisy cues, recalled states`);
await lineChart(energySeries, {
  title: "Hopfield recall: E = −½ xᵀΘx after each asynchronous sweep",
  xLabel: "sweep",
  yLabel: "energy",
})
  .save(`${OUT}/hopfield_energy.svg`);
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
const cap = hopfieldCapacity({
  size: 200,
  loads: Array.from({ length: 14 }, (_, i) => 0.025 * (i + 1)),
  trials: 3,
  rng: new Rng(1),
});
const capNoisy = hopfieldCapacity({
  size: 200,
  loads: cap.map((c) => c.load),
  trials: 3,
  noise: 0.1,
  rng: new Rng(2),
});
say(`Capacity, n = 200, 3 trials per load (${((performance.now() - t0) / 1000).toFixed(1)} s):`);
say(`  α      exact recall (cue = pattern)   exact recall (10% flipped)   wrong bits`);
cap.forEach((c, i) =>
  say(
    `  ${c.load.toFixed(3)}  ${c.recalled.toFixed(3).padStart(10)}${
      capNoisy[i].recalled.toFixed(3).padStart(30)
    }${c.bitErrors.toFixed(4).padStart(22)}`,
  )
);
const cp = new SvgPlot({
  title: "Hopfield capacity (n = 200): fraction of patterns recalled exactly",
  xLabel: "load α = patterns / n",
  yLabel: "fraction",
  yDomain: [-0.02, 1.02],
  legend: "top-right",
});
cp.line([0.138, 0.138], [0, 1], { color: "#999", dashed: true, label: "α* ≈ 0.138" });
cp.line(cap.map((c) => c.load), cap.map((c) => c.recalled), { label: "start at the pattern" });
cp.line(capNoisy.map((c) => c.load), capNoisy.map((c) => c.recalled), { label: "start 10% away" });
cp.points(cap.map((c) => c.load), cap.map((c) => c.recalled), { radius: 3, color: "#4e79a7" });
await cp.save(`${OUT}/hopfield_capacity.svg`);
say();

// Willshaw: n = 256, r = 8 active bits; the memory fills up as pairs are stored.
say("Willshaw memory, n = 256 inputs/outputs, patterns with r = 8 ones:");
const wr = new Rng(3);
const counts = [50, 200, 500, 1000, 2000, 4000];
const exact: number[] = [], density: number[] = [];
for (const s of counts) {
  const x = sparsePatterns(s, 256, 8, wr), y = sparsePatterns(s, 256, 8, wr);
  const mem = new Willshaw({ inputs: 256 }).store(x, y);
  const ok = x.filter((xi, i) => mem.recall(xi).join() === y[i].join()).length / s;
  exact.push(ok);
  density.push(mem.density);
  say(
    `  ${String(s).padStart(5)} pairs: ${(100 * mem.density).toFixed(1)}% of weights on, ${
      (100 * ok).toFixed(1)
    }% recalled exactly`,
  );
}
await lineChart([
  { x: counts, y: exact, label: "recalled exactly" },
  { x: counts, y: density, label: "fraction of weights = 1", dashed: true },
], {
  title: "Willshaw memory (n = 256, r = 8)",
  xLabel: "stored pairs",
  yLabel: "fraction",
  legend: "top-right",
}).save(`${OUT}/hopfield_willshaw.svg`);
await Deno.writeTextFile(`${OUT}/hopfield_recall.txt`, lines.join("\n") + "\n");
console.log(
  `\nwrote ${OUT}/hopfield_recall.png, hopfield_energy.svg, hopfield_capacity.svg, hopfield_willshaw.svg, hopfield_recall.txt`,
);
