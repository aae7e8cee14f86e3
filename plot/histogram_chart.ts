/**
 * Histograms as SVG: {@link histogramChart} draws the distribution of one or several sets of
 * values (weights of each layer, activations before and after training) as overlaid bars on
 * shared bins, optionally with curves on top (a normal density); {@link histogram} computes the
 * bins.
 *
 * @module
 */
import {
  asNDArray,
  checkBool,
  checkInt,
  checkNumber,
  checkOptions,
  describe,
  type NDArrayLike,
} from "@nnc/tensor";
import type { ChartOptions, LineSeries } from "./line_chart.ts";
import { chartSize, checkRange, numbersOf } from "./_common.ts";
import { flatData } from "./_data.ts";
import { axes, checkLayers, Legend, legendOfChart, markLayers, seriesColor } from "./_xy.ts";
import { renderVegaLite, type VegaLiteSpec } from "./vega.ts";

/**
 * Bin edges and counts (or densities) of {@link histogram}.
 *
 * @example
 * ```ts
 * import type { Histogram } from "@nnc/plot";
 * const h: Histogram = { edges: [0, 1, 2], counts: [3, 1] };
 * ```
 */
export interface Histogram {
  /** `bins + 1` edges, from the low end of the range to the high end. */
  edges: number[];
  /** Values per bin, or the density (count / (n · bin width)) with `density`. */
  counts: number[];
}

/**
 * Options of {@link histogram}.
 *
 * @example
 * ```ts
 * import type { HistogramBinning } from "@nnc/plot";
 * const o: HistogramBinning = { bins: 20, range: [-1, 1], density: true };
 * ```
 */
export interface HistogramBinning {
  /** Number of equal-width bins. Default 30. */
  bins?: number;
  /** Range of the bins; default the values' minimum and maximum. */
  range?: readonly [number, number];
  /** Divide the counts by n · bin width, so that the bars' area is 1. Default false. */
  density?: boolean;
}

/** Values of an array, a typed array or an NDArray (any shape, flattened). */
function valuesOf(v: unknown, op: string, name: string): number[] {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
    const a = asNDArray(v, op, name);
    const { data, offset } = flatData(a);
    return Array.from(data.subarray(offset, offset + a.size));
  }
  return numbersOf(v, op, name);
}

function extent(values: readonly number[][]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const vs of values) {
    for (const v of vs) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return [0, 1];
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

function binned(
  values: readonly number[],
  bins: number,
  range: [number, number],
  density: boolean,
): Histogram {
  const [lo, hi] = range, width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < lo || v > hi) continue;
    // The last bin holds its right edge (as NumPy's histogram does). Scaling by the span, not
    // dividing by the bin width, keeps a range of subnormal width countable.
    counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  return { edges, counts: density && n > 0 ? counts.map((c) => c / (n * width)) : counts };
}

/**
 * The histogram of values: equal-width bins over `range` (the last bin holds its right edge, as
 * NumPy's does; values outside the range and non-finite values are not counted, but finite ones
 * count in the density's n).
 *
 * @example
 * ```ts
 * import { histogram } from "@nnc/plot";
 * const h = histogram([0, 0.5, 1, 1.5, 2], { bins: 2 });
 * console.log(h.edges, h.counts); // [ 0, 1, 2 ] [ 2, 3 ]
 * ```
 */
export function histogram(
  values: NDArrayLike | ArrayLike<number>,
  options: HistogramBinning = {},
): Histogram {
  const op = "histogram";
  const o = checkOptions(options, op);
  const vs = valuesOf(values, op, "values");
  const bins = checkInt(o.bins ?? 30, op, "bins", 1, 100000);
  const range = o.range === undefined ? extent([vs]) : checkRange(o.range, op, "range");
  return binned(vs, bins, range, checkBool(o.density ?? false, op, "density"));
}

/**
 * A named set of values of a {@link histogramChart}.
 *
 * @example
 * ```ts
 * import type { HistogramSeries } from "@nnc/plot";
 * const s: HistogramSeries = { name: "layer 1", values: [0.1, -0.2, 0.05] };
 * ```
 */
export interface HistogramSeries {
  /** Legend entry (unique within a chart). */
  name: string;
  /** The values (an NDArray of any shape is flattened). */
  values: NDArrayLike | ArrayLike<number>;
}

/**
 * Options of {@link histogramChart}.
 *
 * @example
 * ```ts
 * import type { HistogramChartOptions } from "@nnc/plot";
 * const o: HistogramChartOptions = { bins: 40, density: true, xLabel: "weight" };
 * ```
 */
export interface HistogramChartOptions extends Omit<ChartOptions, "logY">, HistogramBinning {
  /** Opacity of the bars. Default 0.8 for one series, 0.5 when several overlap. */
  opacity?: number;
  /** Curves drawn over the bars (give `x`), e.g. a density to compare with. */
  curves?: readonly LineSeries[];
}

/**
 * The Vega-Lite spec of {@link histogramChart}.
 *
 * @example
 * ```ts
 * import { histogramChartSpec } from "@nnc/plot";
 * const spec = histogramChartSpec([{ name: "a", values: [1, 2, 2, 3] }], { bins: 3 });
 * console.assert((spec.layer as unknown[]).length === 2); // the legend's and the bars
 * ```
 */
export function histogramChartSpec(
  series: readonly HistogramSeries[] | NDArrayLike | ArrayLike<number>,
  options: HistogramChartOptions = {},
): VegaLiteSpec {
  return histogramSpec(series, options, "histogramChartSpec");
}

/** The spec of {@link histogramChart}, whose errors name `op`: the public function called. */
function histogramSpec(
  series: readonly HistogramSeries[] | NDArrayLike | ArrayLike<number>,
  options: HistogramChartOptions,
  op: string,
): VegaLiteSpec {
  const o = checkOptions(options, op);
  const size = chartSize(o, op);
  if (Array.isArray(series) && series.length === 0) {
    throw new RangeError(`${op}: series must not be empty`);
  }
  const list = isSeriesList(series) ? series : [{ name: "values", values: series }];
  const names = new Set<string>();
  const values = list.map((s, i) => {
    if (s === null || typeof s !== "object" || typeof s.name !== "string") {
      throw new TypeError(`${op}: series[${i}] must be { name, values }, got ${describe(s)}`);
    }
    if (names.has(s.name)) throw new RangeError(`${op}: series name '${s.name}' is used twice`);
    names.add(s.name);
    return valuesOf(s.values, op, `series[${i}].values`);
  });
  const bins = checkInt(o.bins ?? 30, op, "bins", 1, 100000);
  const range = o.range === undefined ? extent(values) : checkRange(o.range, op, "range");
  const density = checkBool(o.density ?? false, op, "density");
  const opacity = checkNumber(o.opacity ?? (list.length > 1 ? 0.5 : 0.8), op, "opacity", 0, 1);
  const legend = new Legend();
  const hists = list.map((s, i) => {
    legend.add(s.name, "square");
    return binned(values[i], bins, range, density);
  });
  if (o.curves !== undefined && !Array.isArray(o.curves)) {
    throw new TypeError(`${op}: curves must be an array of line series, got ${describe(o.curves)}`);
  }
  const curves = checkLayers(
    (o.curves ?? []).map((c) => ({ type: "line" as const, ...c, x: c?.x ?? [] })),
    legend,
    op,
  );
  let top = 0;
  for (const h of hists) for (const c of h.counts) top = Math.max(top, c);
  for (const c of curves) {
    if (c.type === "line") { for (const y of c.y) if (Number.isFinite(y)) top = Math.max(top, y); }
  }
  const domain = { x: range, y: [0, top > 0 ? top * 1.05 : 1] as [number, number] };
  const yLabel = o.yLabel ?? (density ? "density" : "count");
  const ax = axes(domain, { ...o, yLabel });
  const color = seriesColor(legend, legendOfChart(o, op));
  const bars: VegaLiteSpec[] = hists.map((h, i) => ({
    data: {
      values: h.counts.flatMap((c, b) =>
        c > 0 ? [{ x: h.edges[b], x2: h.edges[b + 1], y: 0, y2: c, series: list[i].name }] : []
      ),
    },
    mark: { type: "rect", opacity, strokeWidth: 0 },
    encoding: { ...ax, x2: { field: "x2" }, y2: { field: "y2" }, ...color },
  }));
  return {
    ...(o.title ? { title: o.title } : {}),
    ...size,
    layer: [...bars, ...markLayers(curves, legend, domain, { ...o, yLabel }, size, op)],
  };
}

function isSeriesList(v: unknown): v is readonly HistogramSeries[] {
  return Array.isArray(v) && v.length > 0 && typeof v[0] === "object" && v[0] !== null;
}

/**
 * Histograms of one or several sets of values on shared bins, overlaid, as an SVG chart (with
 * `curves` drawn on top). A bare array or NDArray is one series named "values".
 *
 * @example
 * ```ts
 * import { histogramChart } from "@nnc/plot";
 * import { randn, Rng } from "@nnc/tensor";
 * const rng = new Rng(0);
 * const xs = Array.from({ length: 61 }, (_, i) => -3 + i / 10);
 * const svg = await histogramChart(
 *   [{ name: "init", values: randn([1000], { rng }) }, { name: "trained", values: randn([1000], { rng }).mul(0.5) }],
 *   {
 *     bins: 30,
 *     density: true,
 *     curves: [{ name: "N(0, 1)", x: xs, y: xs.map((x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI)) }],
 *     xLabel: "weight",
 *   },
 * );
 * console.assert(svg.includes(">trained<") && svg.includes(">N(0, 1)<"));
 * ```
 */
export function histogramChart(
  series: readonly HistogramSeries[] | NDArrayLike | ArrayLike<number>,
  options: HistogramChartOptions = {},
): Promise<string> {
  return renderVegaLite(histogramSpec(series, options, "histogramChart"));
}
