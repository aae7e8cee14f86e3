// Pieces shared by the chart builders: option checks, series rows, the line layer.
import { describe } from "@nnc/tensor";
import type { ChartOptions, LineSeries } from "./line_chart.ts";
import type { VegaLiteSpec } from "./vega.ts";

/** Checks chart options; returns the size. */
export function chartSize(options: ChartOptions, op: string): { width: number; height: number } {
  const size = (v: unknown, fallback: number, name: string) => {
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 10 || v > 10000) {
      throw new RangeError(`${op}: ${name} must be an integer in [10, 10000], got ${describe(v)}`);
    }
    return v;
  };
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
        legend: legend ? { title: null } : null,
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
