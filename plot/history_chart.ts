/**
 * Learning curves of a training history (`@nnc/train`'s `History` or its epoch records): one panel per quantity (loss, accuracy, …), training
 * solid and validation dashed.
 *
 * @module
 */
import { checkOptions, describe } from "@nnc/tensor";

/**
 * One epoch's logged values, as `@nnc/train`'s `History` records them: `{ epoch: 1, loss: 0.5,
 * valLoss: 0.6 }`.
 *
 * @example
 * ```ts
 * import type { EpochRecord } from "@nnc/plot";
 * const row: EpochRecord = { epoch: 1, loss: 0.52, valLoss: 0.48 };
 * ```
 */
export interface EpochRecord {
  /** Epoch number, counting from 1. */
  epoch: number;
  /** Values logged for the epoch. */
  [key: string]: number;
}

/**
 * A training history: an array of epoch records, or an object holding them in `epochs` (like
 * `@nnc/train`'s `History`).
 *
 * @example
 * ```ts
 * import type { HistoryLike } from "@nnc/plot";
 * const h: HistoryLike = { epochs: [{ epoch: 1, loss: 1 }] };
 * ```
 */
export type HistoryLike = readonly EpochRecord[] | { readonly epochs: readonly EpochRecord[] };
import type { ChartOptions } from "./line_chart.ts";
import { chartSize, lineLayer, seriesRows } from "./_common.ts";
import { renderVegaLite, type VegaLiteSpec } from "./vega.ts";

/**
 * Options of {@link historyChart}.
 *
 * @example
 * ```ts
 * import type { HistoryChartOptions } from "@nnc/plot";
 * const o: HistoryChartOptions = { keys: ["loss", "accuracy"], width: 320 };
 * ```
 */
export interface HistoryChartOptions extends Omit<ChartOptions, "xLabel" | "yLabel"> {
  /**
   * Quantities to draw, by training key (`"loss"` also draws `valLoss`). Default every logged key
   * except `lr` and `seconds`.
   */
  keys?: readonly string[];
}

/** `valLoss` → `loss`; other keys unchanged. */
function baseKey(key: string): string {
  return /^val[A-Z0-9]/.test(key) ? key[3].toLowerCase() + key.slice(4) : key;
}

function rowsOf(history: HistoryLike, op: string): readonly EpochRecord[] {
  const rows = Array.isArray(history)
    ? history
    : (history as { epochs?: unknown })?.epochs as readonly EpochRecord[] | undefined;
  if (!Array.isArray(rows)) {
    throw new TypeError(
      `${op}: expected a History or an array of epoch logs, got ${describe(history)}`,
    );
  }
  if (rows.length === 0) throw new RangeError(`${op}: the history has no epochs`);
  const bad = rows.findIndex((r) => r === null || typeof r !== "object");
  if (bad >= 0) {
    throw new TypeError(`${op}: epoch log ${bad} must be an object, got ${describe(rows[bad])}`);
  }
  return rows;
}

/**
 * The Vega-Lite spec of {@link historyChart}.
 *
 * @example
 * ```ts
 * import { historyChartSpec } from "@nnc/plot";
 * const spec = historyChartSpec([{ epoch: 1, loss: 1, accuracy: 0.5 }, { epoch: 2, loss: 0.5, accuracy: 0.7 }]);
 * console.assert((spec.hconcat as unknown[]).length === 2);
 * ```
 */
export function historyChartSpec(
  history: HistoryLike,
  options: HistoryChartOptions = {},
): VegaLiteSpec {
  const op = "historyChart";
  const o = checkOptions(options, op);
  const { width, height } = chartSize({ width: 360, height: 260, ...o }, op);
  const rows = rowsOf(history, op);
  const logged: string[] = [];
  for (const r of rows) {
    for (const k of Object.keys(r)) if (k !== "epoch" && !logged.includes(k)) logged.push(k);
  }
  let bases: string[];
  if (o.keys !== undefined) {
    if (!Array.isArray(o.keys)) {
      throw new TypeError(`${op}: keys must be an array, got ${describe(o.keys)}`);
    }
    bases = [...o.keys];
    for (const k of bases) {
      if (!logged.some((l) => baseKey(l) === k)) {
        throw new RangeError(`${op}: '${k}' was not logged (logged: ${logged.join(", ")})`);
      }
    }
  } else {
    bases = [];
    for (const k of logged) {
      const b = baseKey(k);
      if (b !== "lr" && b !== "seconds" && !bases.includes(b)) bases.push(b);
    }
  }
  if (bases.length === 0) {
    throw new RangeError(`${op}: nothing to draw (logged: ${logged.join(", ")})`);
  }
  const epochs = rows.map((r) => r.epoch);
  const panels = bases.map((b) => {
    const val = `val${b[0].toUpperCase()}${b.slice(1)}`;
    const series = [];
    if (logged.includes(b)) {
      series.push({
        name: "training",
        x: epochs,
        y: rows.map((r) => r[b] ?? NaN),
      });
    }
    if (logged.includes(val)) {
      series.push({
        name: "validation",
        x: epochs,
        y: rows.map((r) => r[val] ?? NaN),
        dashed: true,
      });
    }
    return {
      title: b,
      width,
      height,
      data: { values: seriesRows(series, op) },
      ...lineLayer(
        { xLabel: "epoch", logY: o.logY && b.includes("loss"), legend: o.legend },
        ["training", "validation"],
        true,
        true,
      ),
    };
  });
  return {
    ...(o.title ? { title: o.title } : {}),
    hconcat: panels,
    resolve: { scale: { color: "shared" } },
  };
}

/**
 * The learning curves of a training run as an SVG chart.
 *
 * @example
 * ```ts
 * import { historyChart } from "@nnc/plot";
 * const svg = await historyChart([
 *   { epoch: 1, loss: 0.9, valLoss: 1.0, accuracy: 0.6, valAccuracy: 0.55 },
 *   { epoch: 2, loss: 0.5, valLoss: 0.7, accuracy: 0.8, valAccuracy: 0.75 },
 * ]);
 * console.assert(svg.includes(">loss<") && svg.includes(">accuracy<"));
 * ```
 */
export function historyChart(
  history: HistoryLike,
  options: HistoryChartOptions = {},
): Promise<string> {
  return renderVegaLite(historyChartSpec(history, options));
}
