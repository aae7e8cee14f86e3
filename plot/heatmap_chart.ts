/**
 * Heat maps of 2-d arrays as SVG: {@link heatmapChart} colours the cells of any matrix (attention
 * weights with token labels on both axes, a weight matrix, a grid of accuracies) with a colour
 * scale legend and, optionally, the value written in each cell; {@link confusionMatrixChart}
 * draws a confusion matrix with class names, counts in the cells and rows coloured by share.
 *
 * @module
 */
import { checkBool, checkInt, checkOptions, describe, type NDArrayLike } from "@nnc/tensor";
import type { ChartOptions } from "./line_chart.ts";
import { chartSize, checkRange, optionalString } from "./_common.ts";
import { matrixOf } from "./_data.ts";
import { renderVegaLite, type VegaLiteSpec } from "./vega.ts";

/**
 * Options of {@link heatmapChart}.
 *
 * @example
 * ```ts
 * import type { HeatmapOptions } from "@nnc/plot";
 * const o: HeatmapOptions = { xLabels: ["the", "cat"], yLabels: ["le", "chat"], annotate: true };
 * ```
 */
export interface HeatmapOptions extends Omit<ChartOptions, "logY" | "legend"> {
  /** Labels of the columns, left to right (default 0, 1, …); repeated labels are fine. */
  xLabels?: readonly string[];
  /** Labels of the rows, top to bottom (default 0, 1, …). */
  yLabels?: readonly string[];
  /** Write each cell's value in it. Default false. */
  annotate?: boolean;
  /**
   * d3-format of the annotations and the legend (`".2f"`, `".0%"`, `"d"`). Default `"d"` when
   * every value is an integer, else `".2f"`.
   */
  format?: string;
  /**
   * Vega colour scheme (https://vega.github.io/vega/docs/schemes/). Default `"blues"`, or the
   * diverging `"redblue"` centred on 0 when the values have both signs.
   */
  scheme?: string;
  /** Values at the two ends of the colour scale. Default the values' range (symmetric for diverging). */
  domain?: readonly [number, number];
  /** Title of the colour legend. */
  valueLabel?: string;
  /** Side of a cell in pixels when `width`/`height` are not given. Default fits 480 pixels, 6–40. */
  cellSize?: number;
}

/** A matrix as rows of numbers, with its shape. */
interface Matrix {
  rows: number;
  cols: number;
  values: number[][];
}

function matrixRows(values: unknown, op: string): Matrix {
  const { rows, cols, data } = matrixOf(values, op);
  return {
    rows,
    cols,
    values: Array.from(
      { length: rows },
      (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)),
    ),
  };
}

function labelsOf(v: unknown, n: number, op: string, name: string): string[] {
  if (v === undefined) return Array.from({ length: n }, (_, i) => String(i));
  if (!Array.isArray(v) || v.length !== n || !v.every((s) => typeof s === "string")) {
    throw new TypeError(`${op}: ${name} must be an array of ${n} strings, got ${describe(v)}`);
  }
  return v;
}

/** The axis of one side: band positions by index, labelled with the (possibly repeated) labels. */
function axisOf(
  field: string,
  labels: string[],
  title: string | undefined,
): Record<string, unknown> {
  const long = labels.some((l) => l.length > 3);
  return {
    field,
    type: "ordinal",
    scale: { domain: labels.map((_, i) => i) },
    axis: {
      title: title ?? null,
      labelExpr: `${JSON.stringify(labels)}[datum.value]`,
      ...(field === "col" && long ? { labelAngle: -45, labelAlign: "right" } : { labelAngle: 0 }),
      ticks: false,
      domain: false,
    },
  };
}

/**
 * The spec of a heat map whose colours come from `colour` and whose annotations (when `texts` is
 * given) are `texts`; shared by heatmapChart and confusionMatrixChart.
 */
function heatmapSpecOf(
  m: Matrix,
  colour: number[][],
  texts: string[][] | null,
  o: HeatmapOptions,
  op: string,
): VegaLiteSpec {
  const xLabels = labelsOf(o.xLabels, m.cols, op, "xLabels");
  const yLabels = labelsOf(o.yLabels, m.rows, op, "yLabels");
  const cell = o.cellSize === undefined
    ? Math.max(6, Math.min(40, Math.floor(480 / Math.max(m.rows, m.cols))))
    : checkInt(o.cellSize, op, "cellSize", 1, 1000);
  const { width, height } = chartSize(
    { width: Math.max(10, cell * m.cols), height: Math.max(10, cell * m.rows), ...o },
    op,
  );
  let lo = Infinity, hi = -Infinity;
  for (const row of colour) {
    for (const v of row) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo === Infinity) [lo, hi] = [0, 1];
  const diverging = o.scheme === undefined && lo < 0 && hi > 0;
  let domain: [number, number];
  if (o.domain !== undefined) domain = checkRange(o.domain, op, "domain");
  else if (diverging) {
    const r = Math.max(-lo, hi);
    domain = [-r, r];
  } else domain = hi > lo ? [lo, hi] : [lo - 1, hi + 1];
  const scheme = optionalString(o.scheme, op, "scheme") ?? (diverging ? "redblue" : "blues");
  const format = formatOf(m, o, op);
  const valueLabel = optionalString(o.valueLabel, op, "valueLabel");
  // Text on the dark end of the scale is white (for "redblue", both ends are dark).
  const dark = (v: number) => {
    const t = (v - domain[0]) / (domain[1] - domain[0]);
    return scheme === "redblue" || scheme === "redyellowblue" ? Math.abs(t - 0.5) > 0.3 : t > 0.6;
  };
  const cells: Record<string, unknown>[] = [];
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const v = colour[i][j];
      if (!Number.isFinite(v)) continue;
      cells.push({
        row: i,
        col: j,
        v,
        value: m.values[i][j],
        ...(texts ? { text: texts[i][j], dark: dark(v) } : {}),
      });
    }
  }
  const x = axisOf("col", xLabels, o.xLabel), y = axisOf("row", yLabels, o.yLabel);
  const layers: VegaLiteSpec[] = [{
    mark: { type: "rect" },
    encoding: {
      x,
      y,
      color: {
        field: "v",
        type: "quantitative",
        scale: { scheme, domain, clamp: true },
        legend: {
          title: valueLabel ?? null,
          format,
          gradientLength: Math.max(60, Math.min(height, 200)),
        },
      },
    },
  }];
  if (texts) {
    layers.push({
      mark: { type: "text", fontSize: Math.max(6, Math.min(11, Math.floor(cell * 0.35))) },
      encoding: {
        x,
        y,
        text: { field: "text" },
        color: { condition: { test: "datum.dark", value: "white" }, value: "black" },
      },
    });
  }
  return {
    ...(o.title ? { title: o.title } : {}),
    width,
    height,
    data: { values: cells },
    layer: layers,
    config: { view: { strokeWidth: 0 }, axis: { grid: false } },
  };
}

/** The format option, or `"d"` for a matrix of integers and `".2f"` otherwise. */
function formatOf(m: Matrix, o: HeatmapOptions, op: string): string {
  const integers = m.values.every((row) =>
    row.every((v) => !Number.isFinite(v) || Number.isInteger(v))
  );
  return optionalString(o.format, op, "format") ?? (integers ? "d" : ".2f");
}

/** The values of a matrix written with a d3-format-like rule: integers plainly, else `digits`. */
function annotations(m: Matrix, format: string): string[][] {
  const fixed = /^\.(\d+)f$/.exec(format), pct = /^\.(\d+)%$/.exec(format);
  return m.values.map((row) =>
    row.map((v) => {
      if (!Number.isFinite(v)) return "";
      if (fixed) return v.toFixed(Number(fixed[1]));
      if (pct) return `${(100 * v).toFixed(Number(pct[1]))}%`;
      if (format === "d") return String(Math.round(v));
      return Number(v.toPrecision(3)).toString();
    })
  );
}

/**
 * The Vega-Lite spec of {@link heatmapChart}.
 *
 * @example
 * ```ts
 * import { heatmapChartSpec } from "@nnc/plot";
 * const spec = heatmapChartSpec([[1, 2], [3, 4]], { annotate: true });
 * console.assert((spec.data as { values: unknown[] }).values.length === 4);
 * ```
 */
export function heatmapChartSpec(
  values: NDArrayLike | readonly (readonly number[])[],
  options: HeatmapOptions = {},
): VegaLiteSpec {
  return heatmapSpec(values, options, "heatmapChartSpec");
}

/** The spec of {@link heatmapChart}, whose errors name `op`: the public function called. */
function heatmapSpec(
  values: NDArrayLike | readonly (readonly number[])[],
  options: HeatmapOptions,
  op: string,
): VegaLiteSpec {
  const o = checkOptions(options, op);
  const m = matrixRows(values, op);
  const annotate = checkBool(o.annotate ?? false, op, "annotate");
  return heatmapSpecOf(m, m.values, annotate ? annotations(m, formatOf(m, o, op)) : null, o, op);
}

/**
 * A matrix as an SVG heat map: row 0 at the top, column 0 on the left, a colour legend, and the
 * values written in the cells when `annotate` is set. Non-finite values leave their cell blank.
 *
 * @example
 * ```ts
 * import { heatmapChart } from "@nnc/plot";
 * // attention weights of a 3-token sentence: each row sums to 1
 * const weights = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]];
 * const tokens = ["the", "cat", "sat"];
 * const svg = await heatmapChart(weights, {
 *   xLabels: tokens,
 *   yLabels: tokens,
 *   annotate: true,
 *   xLabel: "key",
 *   yLabel: "query",
 *   valueLabel: "weight",
 * });
 * console.assert(svg.includes(">cat<") && svg.includes(">0.80<"));
 * ```
 */
export function heatmapChart(
  values: NDArrayLike | readonly (readonly number[])[],
  options: HeatmapOptions = {},
): Promise<string> {
  return renderVegaLite(heatmapSpec(values, options, "heatmapChart"));
}

/**
 * Options of {@link confusionMatrixChart}.
 *
 * @example
 * ```ts
 * import type { ConfusionMatrixChartOptions } from "@nnc/plot";
 * const o: ConfusionMatrixChartOptions = { classNames: ["cat", "dog"], normalize: true };
 * ```
 */
export interface ConfusionMatrixChartOptions
  extends Omit<HeatmapOptions, "xLabels" | "yLabels" | "annotate" | "format" | "domain"> {
  /** Names of the classes, in index order. Default 0, 1, …. */
  classNames?: readonly string[];
  /**
   * Colour each cell by its share of the row (the fraction of the true class predicted as each
   * class), so that rare classes are as readable as common ones; the cells still show counts.
   * Default true.
   */
  normalize?: boolean;
}

/**
 * A confusion matrix (`[C, C]`, true classes in rows, predicted classes in columns, as
 * `@nnc/train`'s `confusionMatrix` returns it) as an SVG heat map with the counts in the cells.
 *
 * @example
 * ```ts
 * import { confusionMatrixChart } from "@nnc/plot";
 * const svg = await confusionMatrixChart([[50, 2], [5, 43]], { classNames: ["cat", "dog"] });
 * console.assert(svg.includes(">43<") && svg.includes(">predicted<"));
 * ```
 */
export function confusionMatrixChart(
  matrix: NDArrayLike | readonly (readonly number[])[],
  options: ConfusionMatrixChartOptions = {},
): Promise<string> {
  return renderVegaLite(confusionMatrixSpec(matrix, options, "confusionMatrixChart"));
}

/**
 * The Vega-Lite spec of {@link confusionMatrixChart}.
 *
 * @example
 * ```ts
 * import { confusionMatrixChartSpec } from "@nnc/plot";
 * const spec = confusionMatrixChartSpec([[3, 1], [0, 4]]);
 * console.assert((spec.layer as unknown[]).length === 2);
 * ```
 */
export function confusionMatrixChartSpec(
  matrix: NDArrayLike | readonly (readonly number[])[],
  options: ConfusionMatrixChartOptions = {},
): VegaLiteSpec {
  return confusionMatrixSpec(matrix, options, "confusionMatrixChartSpec");
}

/** The spec of {@link confusionMatrixChart}, whose errors name `op`: the public function called. */
function confusionMatrixSpec(
  matrix: NDArrayLike | readonly (readonly number[])[],
  options: ConfusionMatrixChartOptions,
  op: string,
): VegaLiteSpec {
  const o = checkOptions(options, op);
  const m = matrixRows(matrix, op);
  if (m.rows !== m.cols) {
    throw new RangeError(`${op}: a confusion matrix is square, got [${m.rows}, ${m.cols}]`);
  }
  const normalize = checkBool(o.normalize ?? true, op, "normalize");
  const colour = normalize
    ? m.values.map((row) => {
      const total = row.reduce((s, v) => s + v, 0);
      return row.map((v) => (total > 0 ? v / total : 0));
    })
    : m.values;
  const names = labelsOf(o.classNames, m.rows, op, "classNames");
  const { classNames: _, normalize: __, ...rest } = o;
  return heatmapSpecOf(m, colour, annotations(m, "d"), {
    xLabel: "predicted",
    yLabel: "true class",
    valueLabel: normalize ? "share of row" : "count",
    ...rest,
    xLabels: names,
    yLabels: names,
    ...(normalize ? { domain: [0, 1] as const, format: ".0%" } : { format: "d" }),
  }, op);
}
