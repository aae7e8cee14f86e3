/**
 * The Playground's training worker: owns the {@link Playground}, steps it in slices of about
 * 30 ms while running (so that pause and step messages get through), and posts a {@link Frame}
 * after each slice.
 *
 * @module
 */
/// <reference lib="webworker" />
import { getBackend, listBackends, useBackend } from "@nnc/tensor";
import { DATASETS, DEFAULT_CONFIG, makeData, Playground } from "./playground.ts";
import { Rng } from "@nnc/tensor";
import { OPTIONAL_BACKENDS } from "./backends.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const PROBE = 48;
const SLICE_MS = 30;
let playground: Playground | null = null;
let running = false;
let trainingMs = 0;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function frame(): void {
  if (playground === null) return;
  const { output, hidden } = playground.probe(PROBE);
  post({
    type: "frame",
    ...playground.scores(),
    steps: playground.steps,
    epoch: playground.epoch,
    size: PROBE,
    output,
    hidden,
    widths: playground.config.hidden,
    trainingMs,
  }, [output.buffer, ...hidden.map((h) => h.buffer)]);
}

function loop(): void {
  if (!running || playground === null) return;
  const t0 = performance.now();
  do playground.step(); while (performance.now() - t0 < SLICE_MS);
  trainingMs += performance.now() - t0;
  frame();
  setTimeout(loop, 0);
}

async function loadBackends(): Promise<void> {
  const failed: Record<string, string> = {};
  for (const [name, load] of Object.entries(OPTIONAL_BACKENDS)) {
    try {
      await load();
      useBackend(name);
      break;
    } catch (e) {
      failed[name] = (e as Error).message;
    }
  }
  post({ type: "backends", available: listBackends(), active: getBackend().name, failed });
}

/** Small samples of every data set, for the data set buttons. */
function thumbnails(): void {
  const sets: Record<string, { xy: Float32Array; y: Int32Array }> = {};
  for (const dataset of DATASETS) {
    sets[dataset] = makeData({ ...DEFAULT_CONFIG, dataset, points: 120 }, new Rng(0));
  }
  post({ type: "thumbnails", sets });
}

const ready = loadBackends().then(thumbnails);

scope.onmessage = async (event: MessageEvent<ToWorker>) => {
  await ready;
  const m = event.data;
  try {
    switch (m.type) {
      case "reset": {
        running = false;
        trainingMs = 0;
        playground = new Playground(m.config);
        const pts = (p: Playground["train"]) => ({
          xy: (p.xy.data as Float32Array).slice(),
          y: (p.y.data as Float32Array).slice(),
        });
        post({ type: "data", train: pts(playground.train), test: pts(playground.test) });
        frame();
        break;
      }
      case "start":
        if (!running) {
          running = true;
          loop();
        }
        break;
      case "pause":
        running = false;
        break;
      case "step":
        running = false;
        playground?.step();
        frame();
        break;
      case "backend":
        useBackend(m.name);
        post({
          type: "backends",
          available: listBackends(),
          active: getBackend().name,
          failed: {},
        });
        break;
      case "weights":
        if (playground !== null) {
          post({ type: "weights", steps: playground.steps, weights: playground.weights() });
        }
        break;
    }
  } catch (e) {
    running = false;
    post({ type: "error", message: (e as Error).message });
  }
};
