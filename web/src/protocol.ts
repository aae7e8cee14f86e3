/**
 * Messages between the Playground page and its training worker.
 *
 * @module
 */
import type { PlaygroundConfig, Scores } from "./config.ts";

/** Page → worker. */
export type ToWorker =
  | { type: "reset"; config: PlaygroundConfig }
  | { type: "start" }
  | { type: "pause" }
  | { type: "step" }
  | { type: "backend"; name: string }
  | { type: "weights" };

/** One picture of the run: scores, the boundary and every hidden unit on the probe grid. */
export interface Frame extends Scores {
  type: "frame";
  steps: number;
  epoch: number;
  /** Probe grid side. */
  size: number;
  /** P(class 1) on the grid, row 0 at the top. */
  output: Float32Array;
  /** Each hidden unit's output on the grid, layer by layer. */
  hidden: Float32Array[];
  /** Widths of the hidden layers (to lay the units out). */
  widths: number[];
  /** Milliseconds of training since the last reset. */
  trainingMs: number;
}

/** Worker → page. */
export type FromWorker =
  | Frame
  | {
    type: "data";
    train: { xy: Float32Array; y: Float32Array };
    test: { xy: Float32Array; y: Float32Array };
  }
  | { type: "thumbnails"; sets: Record<string, { xy: Float32Array; y: Int32Array }> }
  | { type: "backends"; available: string[]; active: string; failed: Record<string, string> }
  | { type: "weights"; steps: number; weights: Record<string, number[]> }
  | { type: "error"; message: string };
