/**
 * The k-means and Hopfield page: both learners run on the page's thread (they are small and need
 * no gradients), one step per click or per animation tick.
 *
 * @module
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { NDArray, Rng } from "@nnc/tensor";
import { blobs } from "@nnc/datasets";
import { Hopfield, kmeansPlusPlus, lloyd } from "@nnc/models/unsupervised";

type Timer = ReturnType<typeof setInterval> | null;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const PALETTE = [
  "#4c78a8",
  "#f58518",
  "#54a24b",
  "#e45756",
  "#72b7b2",
  "#b279a2",
  "#9d755d",
  "#eeca3b",
];

// ----- k-means -----

const km = {
  x: null as NDArray | null,
  centers: null as NDArray | null,
  labels: null as Int32Array | null,
  trail: [] as number[][][],
  iteration: 0,
  converged: false,
  timer: null as Timer,
};

function kmReset(): void {
  const k = Number($<HTMLSelectElement>("km-k").value);
  const nBlobs = Number($<HTMLSelectElement>("km-blobs").value);
  const seed = Number($<HTMLInputElement>("km-seed").value) || 0;
  const rng = new Rng(seed);
  km.x = blobs({ n: 300, centers: nBlobs, std: 1.2, box: [-8, 8], rng }).x.astype("float64");
  km.centers = $<HTMLSelectElement>("km-init").value === "random"
    ? randomRows(km.x, k, rng)
    : kmeansPlusPlus(km.x, k, { rng });
  km.labels = null;
  km.trail = [rowsOf(km.centers)];
  km.iteration = 0;
  km.converged = false;
  kmDraw();
}

function randomRows(x: NDArray, k: number, rng: Rng): NDArray {
  const ids = rng.permutation(x.shape[0]).subarray(0, k);
  const rows = rowsOf(x);
  return NDArray.fromTyped(Float64Array.from(Array.from(ids).flatMap((i) => rows[i])), [k, 2]);
}

function rowsOf(a: NDArray): number[][] {
  return a.toArray() as number[][];
}

/** One Lloyd iteration: assign, then move the centres. */
function kmStep(): void {
  if (km.x === null || km.centers === null || km.converged) return;
  const r = lloyd(km.x, km.centers, { maxIter: 1, tol: 0 });
  const before = km.labels;
  km.labels = Int32Array.from(r.labels.toArray() as number[]);
  km.centers = r.centers;
  km.trail.push(rowsOf(r.centers));
  km.iteration++;
  km.converged = before !== null && before.every((v, i) => v === km.labels![i]);
  kmDraw(r.inertia);
}

function kmDraw(inertia?: number): void {
  const canvas = $<HTMLCanvasElement>("km-canvas"), ctx = canvas.getContext("2d")!;
  const s = canvas.width / 24, to = (v: number) => (v + 12) * s;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (km.x === null) return;
  rowsOf(km.x).forEach(([a, b], i) => {
    ctx.beginPath();
    ctx.arc(to(a), to(-b), 3, 0, 2 * Math.PI);
    ctx.fillStyle = km.labels === null ? "#999" : PALETTE[km.labels[i] % PALETTE.length];
    ctx.fill();
  });
  const k = km.trail[0].length;
  for (let c = 0; c < k; c++) {
    ctx.beginPath();
    km.trail.forEach((centers, t) => {
      const [a, b] = centers[c];
      if (t === 0) ctx.moveTo(to(a), to(-b));
      else ctx.lineTo(to(a), to(-b));
    });
    ctx.strokeStyle = "#333";
    ctx.lineWidth = 1;
    ctx.stroke();
    const [a, b] = km.trail.at(-1)![c];
    // A cross in the cluster's colour, outlined so that it stands out over its points.
    for (const [width, colour] of [[7, "#111"], [3.5, PALETTE[c % PALETTE.length]]] as const) {
      ctx.lineWidth = width;
      ctx.strokeStyle = colour;
      for (const [dx, dy] of [[-8, -8], [-8, 8]]) {
        ctx.beginPath();
        ctx.moveTo(to(a) + dx, to(-b) + dy);
        ctx.lineTo(to(a) - dx, to(-b) - dy);
        ctx.stroke();
      }
    }
  }
  $("km-status").textContent = km.iteration === 0
    ? "initial centres: press Step"
    : `iteration ${km.iteration} · inertia ${inertia?.toFixed(1)}${
      km.converged ? " · converged" : ""
    }`;
  $("km-status").dataset.iteration = String(km.iteration);
  $("km-status").dataset.converged = String(km.converged);
}

// ----- Hopfield -----

const SIDE = 10;
const PATTERNS: Record<string, string[]> = {
  "T": [
    "##########",
    "##########",
    "    ##    ",
    "    ##    ",
    "    ##    ",
    "    ##    ",
    "    ##    ",
    "    ##    ",
    "    ##    ",
    "    ##    ",
  ],
  "O": [
    "  ######  ",
    " ##    ## ",
    "##      ##",
    "##      ##",
    "##      ##",
    "##      ##",
    "##      ##",
    "##      ##",
    " ##    ## ",
    "  ######  ",
  ],
  "X": [
    "##      ##",
    " ##    ## ",
    "  ##  ##  ",
    "   ####   ",
    "    ##    ",
    "    ##    ",
    "   ####   ",
    "  ##  ##  ",
    " ##    ## ",
    "##      ##",
  ],
};
const stored = Object.values(PATTERNS).map((rows) =>
  rows.join("").split("").map((ch) => (ch === "#" ? 1 : -1))
);
const net = new Hopfield({ size: SIDE * SIDE }).store(stored);
const hf = {
  state: [] as number[],
  energies: [] as number[],
  rng: new Rng(1),
  sweeps: 0,
  settled: false,
  timer: null as Timer,
};

function hfReset(): void {
  const noise = Number($<HTMLInputElement>("hf-noise").value) / 100;
  const which = Object.keys(PATTERNS).indexOf($<HTMLSelectElement>("hf-pattern").value);
  hf.rng = new Rng(Number($<HTMLInputElement>("hf-seed").value) || 0);
  hf.state = stored[which].map((v) => (hf.rng.random() < noise ? -v : v));
  hf.energies = [net.energy(hf.state)];
  hf.sweeps = 0;
  hf.settled = false;
  hfDraw();
}

function hfStep(): void {
  if (hf.settled) return;
  const next = net.updateAsync(hf.state, Array.from(hf.rng.permutation(SIDE * SIDE)));
  hf.settled = next.every((v, i) => v === hf.state[i]);
  hf.state = next;
  hf.energies.push(net.energy(next));
  hf.sweeps++;
  hfDraw();
}

function drawPattern(ctx: CanvasRenderingContext2D, p: number[], x0: number, cell: number) {
  p.forEach((v, i) => {
    ctx.fillStyle = v > 0 ? "#222" : "#fff";
    ctx.fillRect(x0 + (i % SIDE) * cell, Math.floor(i / SIDE) * cell, cell, cell);
  });
}

function hfDraw(): void {
  const st = $<HTMLCanvasElement>("hf-stored").getContext("2d")!;
  stored.forEach((p, k) => drawPattern(st, p, k * 100, 10));
  drawPattern($<HTMLCanvasElement>("hf-state").getContext("2d")!, hf.state, 0, 20);
  const canvas = $<HTMLCanvasElement>("hf-energy"), ctx = canvas.getContext("2d")!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const lo = Math.min(...hf.energies), hi = Math.max(...hf.energies, lo + 1);
  ctx.beginPath();
  hf.energies.forEach((e, t) => {
    const x = 6 + (t / Math.max(1, hf.energies.length - 1)) * (canvas.width - 12);
    const y = 6 + ((hi - e) / (hi - lo)) * (canvas.height - 12);
    if (t === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.strokeStyle = "#c33";
  ctx.lineWidth = 2;
  ctx.stroke();
  const nearest = stored.map((p) => p.filter((v, i) => v === hf.state[i]).length);
  const best = nearest.indexOf(Math.max(...nearest));
  $("hf-status").textContent = `sweep ${hf.sweeps} · energy ${hf.energies.at(-1)!.toFixed(1)} · ${
    nearest[best]
  }/100 units agree with "${Object.keys(PATTERNS)[best]}"${hf.settled ? " · settled" : ""}`;
  $("hf-status").dataset.settled = String(hf.settled);
}

function animate(button: string, step: () => void, done: () => boolean, state: { timer: Timer }) {
  const b = $(button);
  const label = b.textContent!;
  b.onclick = () => {
    if (state.timer !== null) {
      clearInterval(state.timer);
      state.timer = null;
      b.textContent = label;
      return;
    }
    b.textContent = "❚❚ Pause";
    state.timer = setInterval(() => {
      step();
      if (done() && state.timer !== null) {
        clearInterval(state.timer);
        state.timer = null;
        b.textContent = label;
      }
    }, 350);
  };
}

function setup(): void {
  const fill = (id: string, values: (string | number)[], v: string | number) => {
    const s = $<HTMLSelectElement>(id);
    s.replaceChildren(...values.map((x) => new Option(String(x), String(x))));
    s.value = String(v);
  };
  fill("km-k", [2, 3, 4, 5, 6, 7, 8], 4);
  fill("km-blobs", [2, 3, 4, 5, 6, 7, 8], 4);
  fill("hf-pattern", Object.keys(PATTERNS), "T");
  for (const id of ["km-k", "km-blobs", "km-init", "km-seed"]) $(id).onchange = kmReset;
  $("km-reset").onclick = () => {
    const seed = $<HTMLInputElement>("km-seed");
    seed.value = String(Number(seed.value) + 1);
    kmReset();
  };
  $("km-step").onclick = kmStep;
  animate("km-run", kmStep, () => km.converged, km);
  const noise = $<HTMLInputElement>("hf-noise");
  noise.oninput = () => ($("hf-noise-value").textContent = noise.value);
  for (const id of ["hf-noise", "hf-pattern", "hf-seed"]) $(id).onchange = hfReset;
  $("hf-reset").onclick = () => {
    const seed = $<HTMLInputElement>("hf-seed");
    seed.value = String(Number(seed.value) + 1);
    hfReset();
  };
  $("hf-step").onclick = hfStep;
  animate("hf-run", hfStep, () => hf.settled, hf);
  kmReset();
  hfReset();
}

setup();
