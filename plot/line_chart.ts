/**
 * Line charts as SVG: {@link lineChart} draws named series (solid or dashed) against a shared x
 * axis, e.g. learning curves or a schedule.
 *
 * @module
 */
import { checkOptions } from "@nnc/tensor";
import { chartSize, lineLayer, seriesRows } from "./_common.ts";
import { renderVegaLite, type VegaLiteSpec } from "./vega.ts";

/**
 * Where a chart's legend goes: outside on the right (default), in a corner of the plot area, or
 * nowhere.
 *
 * @example
 * ```ts
 * import { lineChart, type LegendPosition } from "@nnc/plot";
 * const legend: LegendPosition = "top-left";
 * const svg = await lineChart([{ name: "w", y: [1, 2, 4] }], { legend });
 * console.assert(svg.includes(">w<"));
 * ```
 */
export type LegendPosition =
  | "right"
  | "top-left"
  | "top-right"
  | "bottom-left"
  | "bottom-right"
  | "none";

/**
 * Size, title, axis labels and legend position shared by the charts.
 *
 * @example
 * ```ts
 * import type { ChartOptions } from "@nnc/plot";
 * const o: ChartOptions = { title: "loss", xLabel: "epoch", logY: true };
 * ```
 */
export interface ChartOptions {
  /** Title above the chart. */
  title?: string;
  /** Label of the x axis. */
  xLabel?: string;
  /** Label of the y axis. */
  yLabel?: string;
  /** Width of the plot area in pixels. Default 480. */
  width?: number;
  /** Height of the plot area in pixels. Default 300. */
  height?: number;
  /** Logarithmic y axis. Default false. */
  logY?: boolean;
  /** Where the legend goes. Default `"right"`. */
  legend?: LegendPosition;
}

/**
 * One line of a {@link lineChart}: `y` against `x` (default 1, 2, …). Non-finite points are left out.
 *
 * @example
 * ```ts
 * import type { LineSeries } from "@nnc/plot";
 * const s: LineSeries = { name: "validation", y: [0.9, 0.7, 0.65], dashed: true };
 * ```
 */
export interface LineSeries {
  /** Legend entry (unique within a chart). */
  name: string;
  /** The values. */
  y: readonly number[];
  /** Positions along x; default 1, 2, …, y.length. */
  x?: readonly number[];
  /** Draw dashed. Default false. */
  dashed?: boolean;
}

/**
 * The Vega-Lite spec of {@link lineChart}.
 *
 * @example
 * ```ts
 * import { lineChartSpec } from "@nnc/plot";
 * const spec = lineChartSpec([{ name: "a", y: [3, 2, 1] }]);
 * console.assert((spec.data as { values: unknown[] }).values.length === 3);
 * ```
 */
export function lineChartSpec(
  series: readonly LineSeries[],
  options: ChartOptions = {},
): VegaLiteSpec {
  const op = "lineChart";
  const o = checkOptions(options, op);
  const { width, height } = chartSize(o, op);
  const rows = seriesRows(series, op);
  return {
    ...(o.title ? { title: o.title } : {}),
    width,
    height,
    data: { values: rows },
    ...lineLayer(o, series.map((s) => s.name)),
  };
}

/**
 * Named series as an SVG line chart.
 *
 * @example
 * ```ts
 * import { lineChart } from "@nnc/plot";
 * const svg = await lineChart(
 *   [{ name: "train", y: [1, 0.6, 0.4] }, { name: "validation", y: [1.1, 0.8, 0.7], dashed: true }],
 *   { title: "loss", xLabel: "epoch" },
 * );
 * console.assert(svg.includes("mark-line") && svg.includes("validation"));
 * ```
 */
export function lineChart(
  series: readonly LineSeries[],
  options: ChartOptions = {},
): Promise<string> {
  return renderVegaLite(lineChartSpec(series, options));
}
