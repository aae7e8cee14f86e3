/**
 * The Playground page: controls, drawing, and the conversation with the training worker. Imports
 * no library code (only the settings in config.ts): all computing happens in the worker.
 *
 * @module
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import {
  ACTIVATIONS,
  DATASETS,
  DEFAULT_CONFIG,
  DOMAIN,
  FEATURES,
  type PlaygroundConfig,
} from "./config.ts";
import type { Frame, FromWorker, ToWorker } from "./protocol.ts";

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const NEG = [245, 147, 34], POS = [8, 119, 189];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The page's state: the config being edited and what the worker last sent. */
const config: PlaygroundConfig = { ...DEFAULT_CONFIG, ...fromQuery() };
let running = false;
let data: Extract<FromWorker, { type: "data" }> | null = null;
let lossCurve: { steps: number; train: number; test: number }[] = [];
let lastFrame: Frame | null = null;
const weightWaiters: ((w: { steps: number; weights: Record<string, number[]> }) => void)[] = [];

/** Settings given in the address (`?dataset=xor&seed=3&hidden=4,4`), for links and tests. */
function fromQuery(): Partial<PlaygroundConfig> {
  const q = new URLSearchParams(location.search), out: Record<string, unknown> = {};
  for (const [k, v] of q) {
    if (!(k in DEFAULT_CONFIG)) continue;
    const d = (DEFAULT_CONFIG as unknown as Record<string, unknown>)[k];
    out[k] = Array.isArray(d)
      ? (k === "hidden" ? v.split(",").filter((s) => s !== "").map(Number) : v.split(","))
      : typeof d === "number"
      ? Number(v)
      : v;
  }
  return out as Partial<PlaygroundConfig>;
}

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const send = (m: ToWorker) => worker.postMessage(m);

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case "data":
      data = m;
      markDataset();
      break;
    case "thumbnails":
      for (const [name, set] of Object.entries(m.sets)) {
        const c = document.querySelector<HTMLCanvasElement>(`#dataset-${name} canvas`);
        if (c !== null) drawPoints(c, 1.2, [{ xy: set.xy, y: set.y }]);
      }
      break;
    case "frame":
      lastFrame = m;
      if (lossCurve.length === 0 || lossCurve.at(-1)!.steps !== m.steps) {
        lossCurve.push({ steps: m.steps, train: m.trainLoss, test: m.testLoss });
      }
      drawFrame(m);
      break;
    case "backends": {
      const select = $<HTMLSelectElement>("backend");
      select.replaceChildren(...m.available.map((name) => new Option(name, name)));
      select.value = m.active;
      select.title = Object.entries(m.failed).map(([n, e]) => `${n}: ${e}`).join("\n") ||
        `running on ${m.active}`;
      break;
    }
    case "weights":
      weightWaiters.shift()?.(m);
      break;
    case "error":
      setRunning(false);
      $("status").textContent = `error: ${m.message}`;
      $("status").classList.add("error");
      break;
  }
};

function setRunning(on: boolean): void {
  running = on;
  $("start").textContent = on ? "❚❚ Pause" : "▶ Start";
  send({ type: on ? "start" : "pause" });
}

function reset(): void {
  lossCurve = [];
  lastFrame = null;
  $("status").classList.remove("error");
  const wasRunning = running;
  running = false;
  $("start").textContent = "▶ Start";
  send({ type: "reset", config: structuredClone(config) });
  buildLayers();
  if (wasRunning) setRunning(true);
}

// ----- controls -----

function fillSelect(id: string, values: readonly (string | number)[], current: string | number) {
  const s = $<HTMLSelectElement>(id);
  s.replaceChildren(...values.map((v) => new Option(String(v), String(v))));
  s.value = String(current);
  s.onchange = () => {
    const raw = s.value;
    (config as unknown as Record<string, unknown>)[id] = typeof current === "number"
      ? Number(raw)
      : raw;
    reset();
  };
}

function slider(id: string, toConfig: (v: number) => number, fromConfig: (c: number) => number) {
  const input = $<HTMLInputElement>(id), out = $(`${id}-value`);
  const key = id as keyof PlaygroundConfig;
  input.value = String(fromConfig(config[key] as number));
  out.textContent = input.value;
  input.oninput = () => (out.textContent = input.value);
  input.onchange = () => {
    (config as unknown as Record<string, unknown>)[key] = toConfig(Number(input.value));
    reset();
  };
}

function buildControls(): void {
  fillSelect("learningRate", LEARNING_RATES, config.learningRate);
  fillSelect("activation", ACTIVATIONS, config.activation);
  fillSelect("regularization", ["none", "l1", "l2"], config.regularization);
  fillSelect("regularizationRate", REG_RATES, config.regularizationRate);
  $<HTMLSelectElement>("backend").onchange = (e) =>
    send({ type: "backend", name: (e.target as HTMLSelectElement).value });
  slider("noise", (v) => v / 100, (c) => Math.round(c * 100));
  slider("trainFraction", (v) => v / 100, (c) => Math.round(c * 100));
  slider("batchSize", (v) => v, (c) => c);
  const seed = $<HTMLInputElement>("seed");
  seed.value = String(config.seed);
  seed.onchange = () => {
    config.seed = Number(seed.value) || 0;
    reset();
  };
  $("datasets").replaceChildren(...DATASETS.map((name) => {
    const b = document.createElement("button");
    b.id = `dataset-${name}`;
    b.dataset.name = name;
    const thumb = document.createElement("canvas");
    thumb.width = thumb.height = 48;
    b.append(thumb, name);
    b.onclick = () => {
      config.dataset = name;
      reset();
    };
    return b;
  }));
  $("features").replaceChildren(...FEATURES.map((f) => {
    const label = document.createElement("label"), box = document.createElement("input");
    box.type = "checkbox";
    box.checked = config.features.includes(f);
    box.onchange = () => {
      const next = FEATURES.filter((g) => g === f ? box.checked : config.features.includes(g));
      if (next.length === 0) {
        box.checked = true;
        return;
      }
      config.features = [...next];
      reset();
    };
    label.append(box, ` ${f}`);
    return label;
  }));
  $("add-layer").onclick = () => {
    if (config.hidden.length < 6) config.hidden = [...config.hidden, 4];
    reset();
  };
  $("remove-layer").onclick = () => {
    config.hidden = config.hidden.slice(0, -1);
    reset();
  };
  $("reset").onclick = reset;
  $("start").onclick = () => setRunning(!running);
  $("step").onclick = () => {
    setRunning(false);
    send({ type: "step" });
  };
}

/** One column per hidden layer: its width with − and + and a canvas per unit. */
function buildLayers(): void {
  $("layers").replaceChildren(...config.hidden.map((width, l) => {
    const col = document.createElement("div");
    col.className = "layer";
    const label = document.createElement("div");
    label.className = "width";
    const minus = document.createElement("button"), plus = document.createElement("button");
    minus.textContent = "−";
    plus.textContent = "+";
    const change = (d: number) => {
      const w = Math.max(1, Math.min(8, width + d));
      config.hidden = config.hidden.map((v, i) => (i === l ? w : v));
      reset();
    };
    minus.onclick = () => change(-1);
    plus.onclick = () => change(1);
    label.append(minus, ` ${width} `, plus);
    col.append(label);
    for (let u = 0; u < width; u++) {
      const c = document.createElement("canvas");
      c.width = c.height = 24;
      c.dataset.unit = `${l}.${u}`;
      col.append(c);
    }
    return col;
  }));
}

// ----- drawing -----

/** Orange (0) through white (0.5) to blue (1). */
function colour(p: number, out: Uint8ClampedArray, at: number): void {
  const t = Math.abs(p - 0.5) * 2, c = p < 0.5 ? NEG : POS;
  for (let k = 0; k < 3; k++) out[at + k] = 255 + (c[k] - 255) * t * 0.85;
  out[at + 3] = 255;
}

function paintGrid(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  size: number,
  map: (v: number) => number,
) {
  const img = new ImageData(size, size);
  for (let i = 0; i < values.length; i++) colour(map(values[i]), img.data, 4 * i);
  const tmp = new OffscreenCanvas(size, size);
  tmp.getContext("2d")!.putImageData(img, 0, 0);
  const ctx = canvas.getContext("2d")!;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}

type PointSet = { xy: Float32Array; y: ArrayLike<number> };

/** Points coloured by class: the first set ringed white (training), the second black (test). */
function drawPoints(canvas: HTMLCanvasElement, radius: number, sets: PointSet[]): void {
  const ctx = canvas.getContext("2d")!, s = canvas.width / (2 * DOMAIN);
  sets.forEach((set, k) => {
    for (let i = 0; i < set.y.length; i++) {
      const x = (set.xy[2 * i] + DOMAIN) * s, y = (DOMAIN - set.xy[2 * i + 1]) * s;
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${(set.y[i] > 0.5 ? POS : NEG).join(",")})`;
      ctx.strokeStyle = k === 0 ? "white" : "black";
      ctx.lineWidth = k === 0 ? 1 : 1.5;
      ctx.fill();
      ctx.stroke();
    }
  });
}

function markDataset(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>(".datasets button")) {
    b.classList.toggle("active", b.dataset.name === config.dataset);
  }
}

function drawLosses(): void {
  const canvas = $<HTMLCanvasElement>("losses"), ctx = canvas.getContext("2d")!;
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  if (lossCurve.length < 2) return;
  const hi = Math.max(...lossCurve.map((p) => Math.max(p.train, p.test)), 1e-9);
  const last = lossCurve.at(-1)!.steps || 1;
  for (const [key, stroke] of [["train", "#555"], ["test", "#c33"]] as const) {
    ctx.beginPath();
    lossCurve.forEach((p, i) => {
      const x = (p.steps / last) * (w - 2) + 1, y = h - 2 - (p[key] / hi) * (h - 4);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}

function drawFrame(f: Frame): void {
  const boundary = $<HTMLCanvasElement>("boundary");
  paintGrid(boundary, f.output, f.size, (p) => p);
  if (data !== null) drawPoints(boundary, 3.5, [data.train, data.test]);
  let k = 0;
  f.widths.forEach((width, l) => {
    for (let u = 0; u < width; u++, k++) {
      const c = document.querySelector<HTMLCanvasElement>(`canvas[data-unit="${l}.${u}"]`);
      if (c === null || f.hidden[k] === undefined) continue;
      let lo = Infinity, hi = -Infinity;
      for (const v of f.hidden[k]) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
      const span = hi - lo || 1;
      paintGrid(c, f.hidden[k], f.size, (v) => (v - lo) / span);
    }
  });
  drawLosses();
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  $("scores").textContent = `test loss ${f.testLoss.toFixed(3)} · training loss ${
    f.trainLoss.toFixed(3)
  } · test accuracy ${pct(f.testAccuracy)}`;
  const status = $("status");
  status.textContent = `epoch ${f.epoch} · ${f.steps} steps · ${
    (f.trainingMs / 1000).toFixed(1)
  } s`;
  Object.assign(status.dataset, {
    steps: String(f.steps),
    epoch: String(f.epoch),
    testLoss: String(f.testLoss),
    trainLoss: String(f.trainLoss),
    testAccuracy: String(f.testAccuracy),
    trainingMs: String(f.trainingMs),
  });
}

/** For tests and the console: the trained weights (after the worker's current step) and settings. */
const api = {
  config: (): PlaygroundConfig => structuredClone(config),
  lastFrame: (): Frame | null => lastFrame,
  weights(): Promise<{ steps: number; weights: Record<string, number[]> }> {
    return new Promise((resolve) => {
      weightWaiters.push(resolve);
      send({ type: "weights" });
    });
  },
  pause: (): void => setRunning(false),
};
(globalThis as unknown as { nncPlayground: typeof api }).nncPlayground = api;

buildControls();
reset();
