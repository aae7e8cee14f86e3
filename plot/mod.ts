/**
 * `@nnc/plot`: the pictures of training runs and experiments. SVG charts rendered from Vega-Lite
 * specs (line charts, learning curves of a training history, scatter plots over the decision
 * regions of a 2-d classifier) and PNG image grids. Depends on `@nnc/tensor` only.
 *
 * @example
 * ```ts
 * import { lineChart } from "@nnc/plot";
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
export * from "./xy_chart.ts";
export * from "./heatmap_chart.ts";
export * from "./histogram_chart.ts";
export * from "./contour_chart.ts";
