/**
 * Training progress for {@link fit}: a live progress bar on a terminal, one plain line per epoch
 * otherwise (logs, CI), or nothing.
 *
 * @module
 */
import { checkInt, checkNumber, checkOneOf, checkOptions, describe } from "@nnc/tensor";
import { checkRecord } from "./_args.ts";

/**
 * Where progress goes: anything with a synchronous `writeSync` (like `Deno.stdout`), and
 * optionally `isTerminal()` to tell whether a bar can be redrawn in place.
 *
 * @example
 * ```ts
import type { ProgressWriter } from "@nnc/train";
import { checkInt, checkOneOf, checkOptions, describe } from "@nnc/tensor";
 * const chunks: string[] = [];
 * const w: ProgressWriter = {
 *   writeSync: (p) => (chunks.push(new TextDecoder().decode(p)), p.length),
 *   isTerminal: () => false,
 * };
 * ```
 */
export interface ProgressWriter {
  /** Writes bytes; returns how many were written. */
  writeSync(p: Uint8Array): number;
  /** True when the writer is a terminal (so `\r` redraws work). */
  isTerminal?(): boolean;
}

/**
 * How progress is shown: `"bar"` (redrawn in place), `"lines"` (one line per epoch), `"none"`, or
 * `"auto"`: a bar when the writer is a terminal, lines otherwise.
 *
 * @example
 * ```ts
 * import type { ProgressMode } from "@nnc/train";
 * const quiet: ProgressMode = "none";
 * ```
 */
export type ProgressMode = "auto" | "bar" | "lines" | "none";

/**
 * Options of {@link Progress}.
 *
 * @example
 * ```ts
 * import type { ProgressOptions } from "@nnc/train";
 * const o: ProgressOptions = { mode: "lines" };
 * ```
 */
export interface ProgressOptions {
  /** Default `"auto"`. */
  mode?: ProgressMode;
  /** Default `Deno.stdout` (outside Deno: whole lines to `console.log`). */
  writer?: ProgressWriter;
  /** Characters of the bar itself. Default 24. */
  barWidth?: number;
  /** Least milliseconds between two redraws of the bar. Default 100. */
  interval?: number;
}

/** `1:05` or `1:02:03`. */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(r).padStart(2, "0")}`;
}

/**
 * A logged value as text: 4 significant digits, or exponent form when tiny or huge.
 *
 * @example
 * ```ts
 * import { formatLogValue } from "@nnc/train";
 * console.assert(formatLogValue(0.123456) === "0.1235" && formatLogValue(1e-5) === "1.000e-5");
 * ```
 */
export function formatLogValue(v: number): string {
  if (typeof v !== "number") {
    throw new TypeError(`formatLogValue: expected a number, got ${describe(v)}`);
  }
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(3);
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

/** Throws a TypeError naming `op` unless `logs` is an object of numbers. */
function checkLogs(logs: unknown, op: string): void {
  checkRecord(logs, op, "logs");
  for (const [k, v] of Object.entries(logs as object)) {
    if (typeof v !== "number") {
      throw new TypeError(`${op}: logs.${k} must be a number, got ${describe(v)}`);
    }
  }
}

function formatLogs(logs: Readonly<Record<string, number>>): string {
  return Object.entries(logs)
    .filter(([k]) => k !== "epoch" && k !== "seconds")
    .map(([k, v]) => `${k} ${formatLogValue(v)}`)
    .join(" · ");
}

const encoder = new TextEncoder();

/** `Deno.stdout`, or outside Deno (a browser) a writer that passes whole lines to `console.log`. */
function defaultWriter(): ProgressWriter {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno?.stdout) return deno.stdout;
  const decoder = new TextDecoder();
  let pending = "";
  return {
    writeSync(p: Uint8Array): number {
      pending += decoder.decode(p).replaceAll("\r", "").replaceAll("\x1b[K", "");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) console.log(line);
      return p.length;
    },
  };
}

/**
 * Reports training progress. {@link fit} calls `epochBegin`, `batch` after every batch (the bar is
 * redrawn at most every `interval` ms) and `epochEnd` with the epoch's log.
 *
 * @example
 * ```ts
 * import { Progress } from "@nnc/train";
 * let text = "";
 * const writer = { writeSync: (p: Uint8Array) => (text += new TextDecoder().decode(p), p.length) };
 * const p = new Progress({ mode: "lines", writer });
 * p.epochBegin(1, 2, 10);
 * p.batch(10, { loss: 0.5 });
 * p.epochEnd({ epoch: 1, loss: 0.5, accuracy: 0.75 }, 1.5);
 * console.assert(text === "epoch 1/2 · 1.5s · loss 0.5000 · accuracy 0.7500\n");
 * ```
 */
export class Progress {
  /** The mode in effect (`"auto"` resolved). */
  readonly mode: "bar" | "lines" | "none";
  readonly #writer: ProgressWriter;
  readonly #barWidth: number;
  readonly #interval: number;
  #epoch = 0;
  #epochs = 0;
  #total: number | undefined;
  #start = 0;
  #lastDraw = -Infinity;
  #drawn = false;

  /** A reporter; `"auto"` asks the writer whether it is a terminal. */
  constructor(options: ProgressOptions = {}) {
    const op = "Progress";
    const o = checkOptions(options, op);
    const mode = checkOneOf(o.mode ?? "auto", op, "mode", ["auto", "bar", "lines", "none"]);
    if (o.writer !== undefined && typeof o.writer?.writeSync !== "function") {
      throw new TypeError(`${op}: writer must have a writeSync method, got ${describe(o.writer)}`);
    }
    this.#writer = o.writer ?? defaultWriter();
    this.#barWidth = checkInt(o.barWidth ?? 24, op, "barWidth", 1, 200);
    this.#interval = checkInt(o.interval ?? 100, op, "interval", 0);
    if (mode === "auto") {
      let tty = false;
      try {
        tty = this.#writer.isTerminal?.() ?? false;
      } catch {
        tty = false;
      }
      this.mode = tty ? "bar" : "lines";
    } else this.mode = mode;
  }

  /** Starts epoch `epoch` of `epochs`, which will have `batches` batches when known. */
  epochBegin(epoch: number, epochs: number, batches?: number): void {
    this.#epoch = epoch;
    this.#epochs = epochs;
    this.#total = batches;
    this.#start = performance.now();
    this.#lastDraw = -Infinity;
    this.#drawn = false;
  }

  /** `done` batches of this epoch are finished; `logs` are the running values. */
  batch(done: number, logs: Readonly<Record<string, number>>): void {
    checkLogs(logs, "Progress.batch");
    if (this.mode !== "bar") return;
    const now = performance.now();
    if (now - this.#lastDraw < this.#interval && done !== this.#total) return;
    this.#lastDraw = now;
    const elapsed = (now - this.#start) / 1000;
    let bar: string, eta = "";
    if (this.#total !== undefined && this.#total > 0) {
      const f = Math.min(1, done / this.#total);
      const full = Math.floor(f * this.#barWidth);
      bar = "█".repeat(full) + (full < this.#barWidth ? "░".repeat(this.#barWidth - full) : "");
      bar += ` ${done}/${this.#total}`;
      if (done > 0) eta = `<${clock((elapsed / done) * (this.#total - done))}`;
    } else bar = `${done}`;
    const text = `epoch ${this.#epoch}/${this.#epochs} ${bar} ${clock(elapsed)}${eta}  ${
      formatLogs(logs)
    }`;
    this.#write(`\r${text}\x1b[K`);
    this.#drawn = true;
  }

  /** Ends the epoch with its log and its duration in seconds. */
  epochEnd(logs: Readonly<Record<string, number>>, seconds: number): void {
    const op = "Progress.epochEnd";
    checkLogs(logs, op);
    checkNumber(seconds, op, "seconds");
    if (this.mode === "none") return;
    const line = `epoch ${this.#epoch}/${this.#epochs} · ${seconds.toFixed(1)}s · ${
      formatLogs(logs)
    }`;
    this.#write(this.mode === "bar" && this.#drawn ? `\r${line}\x1b[K\n` : `${line}\n`);
    this.#drawn = false;
  }

  /** Prints a message on its own line (clearing a bar first). */
  message(text: string): void {
    if (this.mode === "none") return;
    this.#write(this.#drawn ? `\r\x1b[K${text}\n` : `${text}\n`);
    this.#drawn = false;
  }

  #write(s: string): void {
    const bytes = encoder.encode(s);
    let off = 0;
    while (off < bytes.length) off += this.#writer.writeSync(bytes.subarray(off));
  }
}
