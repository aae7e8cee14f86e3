// Pieces shared by the chart builders: option checks, series rows, the line layer, legends,
// colours.
import { describe, NDArray } from "@nnc/tensor";
import type { ChartOptions, LegendPosition, LineSeries } from "./line_chart.ts";
import type { VegaLiteSpec } from "./vega.ts";

/** Colours of named series, in order (Vega's tableau10). */
export const PALETTE: readonly string[] = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#72b7b2",
  "#54a24b",
  "#eeca3b",
  "#b279a2",
  "#ff9da6",
  "#9d755d",
  "#bab0ac",
];

const LEGEND_POSITIONS = [
  "right",
  "top-left",
  "top-right",
  "bottom-left",
  "bottom-right",
  "none",
] as const;

/** The Vega-Lite legend of a position (`null` hides it); a `RangeError` for an unknown one. */
export function legendSpec(
  position: LegendPosition | undefined,
  op: string,
): Record<string, unknown> | null {
  const p = position ?? "right";
  if (!(LEGEND_POSITIONS as readonly string[]).includes(p)) {
    throw new RangeError(
      `${op}: legend must be one of ${LEGEND_POSITIONS.join(", ")}, got ${describe(p)}`,
    );
  }
  if (p === "none") return null;
  if (p === "right") return { title: null, labelLimit: 400 };
  return {
    title: null,
    labelLimit: 400,
    orient: p,
    fillColor: "rgba(255,255,255,0.85)",
    strokeColor: "#ccc",
    padding: 6,
  };
}

/**
 * Numbers of an array, a typed array or a 1-d NDArray, as a plain array (non-finite values are
 * kept; callers drop them where a mark cannot show them).
 */
export function numbersOf(value: unknown, op: string, name: string): number[] {
  if (value instanceof NDArray) {
    if (value.ndim !== 1) {
      throw new RangeError(`${op}: ${name} must be 1-d, got shape [${value.shape.join(", ")}]`);
    }
    return Array.from(value.toArray() as number[]);
  }
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const a = Array.from(value as ArrayLike<unknown>);
    const bad = a.findIndex((v) => typeof v !== "number");
    if (bad >= 0) {
      throw new TypeError(`${op}: ${name}[${bad}] must be a number, got ${describe(a[bad])}`);
    }
    return a as number[];
  }
  throw new TypeError(`${op}: ${name} must be an array of numbers, got ${describe(value)}`);
}

/** Checks `[low, high]` with finite `low < high`. */
export function checkRange(v: unknown, op: string, name: string): [number, number] {
  if (
    !Array.isArray(v) || v.length !== 2 || !Number.isFinite(v[0]) || !Number.isFinite(v[1]) ||
    !(v[1] > v[0])
  ) {
    throw new RangeError(`${op}: ${name} must be [low, high] with low < high, got ${describe(v)}`);
  }
  return [v[0], v[1]];
}

/** The finite values' range with a margin (`fraction` of the span; ±1 around a single value). */
export function paddedExtent(vs: Iterable<number>, fraction = 0.1): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of vs) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  const m = hi > lo ? fraction * (hi - lo) : 1;
  return [lo - m, hi + m];
}

/** Checks chart options; returns the size. */
export function chartSize(options: ChartOptions, op: string): { width: number; height: number } {
  const size = (v: unknown, fallback: number, name: string) => {
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 10 || v > 10000) {
      throw new RangeError(`${op}: ${name} must be an integer in [10, 10000], got ${describe(v)}`);
    }
    return v;
  };
  legendSpec(options.legend, op);
  for (const k of ["title", "xLabel", "yLabel"] as const) {
    if (options[k] !== undefined && typeof options[k] !== "string") {
      throw new TypeError(`${op}: ${k} must be a string, got ${describe(options[k])}`);
    }
  }
  return { width: size(options.width, 480, "width"), height: size(options.height, 300, "height") };
}

/** The rows of a set of series as Vega-Lite data: `{ x, y, series, dash }`. */
export function seriesRows(series: readonly LineSeries[], op: string): Record<string, unknown>[] {
  if (!Array.isArray(series) || series.length === 0) {
    throw new TypeError(`${op}: series must be a non-empty array, got ${describe(series)}`);
  }
  const rows: Record<string, unknown>[] = [];
  const names = new Set<string>();
  series.forEach((s, i) => {
    if (s === null || typeof s !== "object" || typeof s.name !== "string" || !Array.isArray(s.y)) {
      throw new TypeError(`${op}: series[${i}] must be { name, y, x? }, got ${describe(s)}`);
    }
    if (names.has(s.name)) throw new RangeError(`${op}: series name '${s.name}' is used twice`);
    names.add(s.name);
    if (s.x !== undefined && (!Array.isArray(s.x) || s.x.length !== s.y.length)) {
      throw new RangeError(
        `${op}: series '${s.name}' has ${s.y.length} y values but x is ${describe(s.x)}`,
      );
    }
    for (let j = 0; j < s.y.length; j++) {
      const x = s.x ? s.x[j] : j + 1, y = s.y[j];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      rows.push({ x, y, series: s.name, dash: s.dashed ? "dashed" : "solid" });
    }
  });
  return rows;
}

/** The encoding of lines coloured by series and dashed by the `dash` field. */
export function lineLayer(
  options: ChartOptions,
  seriesOrder: readonly string[],
  legend = true,
  integerX = false,
): VegaLiteSpec {
  return {
    mark: { type: "line", point: false, strokeWidth: 2 },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: options.xLabel ?? null,
        scale: { zero: false, nice: false },
        ...(integerX ? { axis: { tickMinStep: 1, format: "d" } } : {}),
      },
      y: {
        field: "y",
        type: "quantitative",
        title: options.yLabel ?? null,
        scale: options.logY ? { type: "log" } : { zero: false },
      },
      color: {
        field: "series",
        type: "nominal",
        sort: seriesOrder,
        scale: { domain: seriesOrder },
        legend: legend ? legendSpec(options.legend, "lineChart") : null,
      },
      strokeDash: {
        field: "dash",
        type: "nominal",
        scale: { domain: ["solid", "dashed"], range: [[1, 0], [6, 4]] },
        legend: null,
      },
      detail: { field: "series", type: "nominal" },
    },
  };
}

/** An optional string option: `undefined` or a string, else a `TypeError` naming `op`. */
export function optionalString(v: unknown, op: string, name: string): string | undefined {
  if (v !== undefined && typeof v !== "string") {
    throw new TypeError(`${op}: ${name} must be a string, got ${describe(v)}`);
  }
  return v;
}
