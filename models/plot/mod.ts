/**
 * Plots for training runs and experiments: SVG charts rendered from Vega-Lite specs (learning
 * curves, line charts, scatter plots over decision regions) and PNG image grids.
 *
 * @example
 * ```ts
 * import { lineChart } from "@nnc/models";
 * const svg = await lineChart([{ name: "loss", y: [1, 0.5, 0.25] }], { xLabel: "epoch" });
 * console.assert(svg.startsWith("<svg"));
 * ```
 *
 * @module
 */
export * from "./vega.ts";
export * from "./line_chart.ts";
export * from "./history_chart.ts";
export * from "./scatter_chart.ts";
export * from "./image_grid.ts";
