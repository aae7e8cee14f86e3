/**
 * {@link History}: what {@link fit} logged at the end of every epoch (loss, metrics, their
 * validation counterparts, learning rate, time), as rows, columns, CSV or JSON; `@nnc/plot`'s
 * `historyChart` draws it.
 *
 * @module
 */
import { describe, type MimeBundle } from "@nnc/tensor";
import { historySvg } from "./history_svg.ts";

/**
 * One epoch's log: its number (1-based) and named values, e.g. `loss`, `accuracy`, `valLoss`,
 * `valAccuracy`, `lr`, `seconds`.
 *
 * @example
 * ```ts
 * import type { EpochLog } from "@nnc/train";
 * const row: EpochLog = { epoch: 1, loss: 0.52, valLoss: 0.48 };
 * ```
 */
export interface EpochLog {
  /** Epoch number, counting from 1. */
  epoch: number;
  /** Values logged for the epoch. */
  [key: string]: number;
}

/** Validation keys are the training key with `val` in front: `loss` → `valLoss`. */
function validationKey(key: string): string {
  return `val${key[0].toUpperCase()}${key.slice(1)}`;
}

/**
 * The name under which a validation value of `key` is logged (`loss` → `valLoss`,
 * `top5Accuracy` → `valTop5Accuracy`).
 *
 * @example
 * ```ts
 * import { valKey } from "@nnc/train";
 * console.assert(valKey("accuracy") === "valAccuracy");
 * ```
 */
export function valKey(key: string): string {
  if (typeof key !== "string" || key.length === 0) {
    throw new TypeError(`valKey: key must be a non-empty string, got ${describe(key)}`);
  }
  return validationKey(key);
}

/**
 * The log of a training run, one {@link EpochLog} per epoch.
 *
 * @example
 * ```ts
 * import { History } from "@nnc/train";
 * const h = new History();
 * h.record({ epoch: 1, loss: 0.9, valLoss: 1.0 });
 * h.record({ epoch: 2, loss: 0.5, valLoss: 0.7 });
 * console.assert(h.get("valLoss").join() === "1,0.7" && h.best("valLoss").epoch === 2);
 * console.assert(h.toCsv() === "epoch,loss,valLoss\n1,0.9,1\n2,0.5,0.7\n");
 * ```
 */
export class History {
  /** The rows, in the order recorded. */
  readonly epochs: EpochLog[] = [];

  /** A history holding `rows` (copied). */
  constructor(rows: readonly EpochLog[] = []) {
    if (!Array.isArray(rows)) {
      throw new TypeError(`History: rows must be an array of epoch logs, got ${describe(rows)}`);
    }
    for (const r of rows) this.record(r);
  }

  /** Number of epochs recorded. */
  get length(): number {
    return this.epochs.length;
  }

  /** Appends one epoch's log (copied); every value must be a number. */
  record(log: EpochLog): void {
    if (log === null || typeof log !== "object" || !Number.isInteger(log.epoch)) {
      throw new TypeError(
        `History.record: expected an object with an integer epoch, got ${describe(log)}`,
      );
    }
    for (const [k, v] of Object.entries(log)) {
      if (typeof v !== "number") {
        throw new TypeError(`History.record: value of '${k}' must be a number, got ${describe(v)}`);
      }
    }
    this.epochs.push({ ...log });
  }

  /** The keys logged (other than `epoch`), in order of first appearance. */
  keys(): string[] {
    const seen = new Set<string>();
    for (const r of this.epochs) for (const k of Object.keys(r)) if (k !== "epoch") seen.add(k);
    return [...seen];
  }

  /** The column `key`, one value per epoch (NaN where an epoch did not log it). */
  get(key: string): number[] {
    if (typeof key !== "string") {
      throw new TypeError(`History.get: key must be a string, got ${describe(key)}`);
    }
    return this.epochs.map((r) => (key in r ? r[key] : NaN));
  }

  /** The last epoch's log, or undefined before any. */
  last(): EpochLog | undefined {
    return this.epochs.at(-1);
  }

  /**
   * The epoch with the best value of `key` (the first on ties; NaN values are skipped). `mode`
   * defaults to `"min"` for keys containing "loss" or "error" and `"max"` otherwise.
   */
  best(key: string, mode?: "min" | "max"): { epoch: number; value: number } {
    if (typeof key !== "string") {
      throw new TypeError(`History.best: key must be a string, got ${describe(key)}`);
    }
    const m = mode ?? (/loss|error/i.test(key) ? "min" : "max");
    if (m !== "min" && m !== "max") {
      throw new TypeError(`History.best: mode must be "min" or "max", got ${describe(mode)}`);
    }
    let best: { epoch: number; value: number } | null = null;
    for (const r of this.epochs) {
      const v = r[key];
      if (typeof v !== "number" || Number.isNaN(v)) continue;
      if (best === null || (m === "min" ? v < best.value : v > best.value)) {
        best = { epoch: r.epoch, value: v };
      }
    }
    if (best === null) {
      throw new RangeError(
        `History.best: no epoch logged '${key}' (keys: ${this.keys().join(", ")})`,
      );
    }
    return best;
  }

  /** The rows as plain objects (for `JSON.stringify`). */
  toJSON(): EpochLog[] {
    return this.epochs.map((r) => ({ ...r }));
  }

  /** The rows as CSV with a header `epoch,key1,key2,…` (empty cells where a key is missing). */
  toCsv(): string {
    const keys = ["epoch", ...this.keys()];
    const lines = [keys.join(",")];
    for (const r of this.epochs) {
      lines.push(keys.map((k) => (k in r ? String(r[k]) : "")).join(","));
    }
    return lines.join("\n") + "\n";
  }

  /**
   * Rich display in Jupyter (Deno's kernel calls this): the learning curves as SVG
   * ({@link historySvg}), the CSV as text.
   */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return { "text/plain": this.toCsv(), "image/svg+xml": historySvg(this) };
  }
}
