/**
 * `@nnc/plot`: the pictures of training runs and experiments, as SVG charts rendered from
 * Vega-Lite specs without a browser and as PNG image grids. Depends on `@nnc/tensor` only; data
 * can be arrays, NDArrays or anything with a `.data` NDArray (an autograd `Tensor`).
 *
 * | function | draws |
 * | --- | --- |
 * | {@link lineChart} | named series against a shared x axis (solid or dashed, log y) |
 * | {@link historyChart} | learning curves of a training history, a panel per quantity |
 * | {@link scatterChart} | 2-d points coloured by class over a classifier's decision regions |
 * | {@link xyChart} | layers of points (markers, groups, labels), lines and trajectories with arrowheads, text, polygons ({@link voronoiCells}) and decision regions, one legend |
 * | {@link heatmapChart} | any matrix as coloured cells with a colour legend, labels on both axes (tokens for attention weights), values in the cells |
 * | {@link confusionMatrixChart} | a confusion matrix with class names, counts, rows coloured by share |
 * | {@link histogramChart} | distributions of one or several sets of values on shared bins, with curves on top ({@link histogram} computes the bins) |
 * | {@link contourChart} | level sets of f(x, y) coloured by level, with optimiser paths on top ({@link contourLines} traces them) |
 * | {@link imageGrid} / {@link saveImageGrid} | images (grey or RGB) as one PNG grid, with a caption under each image |
 *
 * Every chart function has a `…Spec` twin that returns the Vega-Lite spec (to adjust before
 * {@link renderVegaLite}); {@link saveSvg} writes a chart to a file.
 *
 * @example
 * ```ts
 * import { lineChart } from "@nnc/plot";
 * const svg = await lineChart([{ name: "loss", y: [1, 0.5, 0.25] }], { xLabel: "epoch" });
 * console.assert(svg.startsWith("<svg"));
 * ```
 *
 * ## See also
 *
 * In Jupyter (Deno's kernel) `await show(chart)` displays any chart or image grid ({@link Figure}).
 *
 * The nnc packages: [@nnc/tensor](https://jsr.io/@nnc/tensor), [@nnc/native](https://jsr.io/@nnc/native), [@nnc/autograd](https://jsr.io/@nnc/autograd), [@nnc/layers](https://jsr.io/@nnc/layers), [@nnc/optim](https://jsr.io/@nnc/optim), [@nnc/datasets](https://jsr.io/@nnc/datasets), [@nnc/plot](https://jsr.io/@nnc/plot), [@nnc/train](https://jsr.io/@nnc/train), [@nnc/models](https://jsr.io/@nnc/models).
 * Examples and notebooks: the repository's `examples/` and `examples/notebooks/` folders.
 *
 * @module
 */
export * from "./vega.ts";
export * from "./line_chart.ts";
export * from "./history_chart.ts";
export * from "./scatter_chart.ts";
export * from "./xy_chart.ts";
export * from "./heatmap_chart.ts";
export * from "./histogram_chart.ts";
export * from "./contour_chart.ts";
export * from "./image_grid.ts";
export * from "./figure.ts";
