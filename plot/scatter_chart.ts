/**
 * Scatter plots of 2-d points coloured by class, optionally over the decision regions of a
 * classifier: {@link scatterChart}.
 *
 * @module
 */
import {
  asNDArray,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  describe,
  type DType,
  fmtShape,
  NDArray,
  type NDArrayLike,
} from "@nnc/tensor";
import { classIndices, flatData } from "./_data.ts";
import type { ChartOptions } from "./line_chart.ts";
import { chartSize, checkRange, legendSpec, paddedExtent } from "./_common.ts";
import { renderVegaLite, type VegaLiteSpec } from "./vega.ts";

/**
 * Options of {@link scatterChart}.
 *
 * @example
 * ```ts
 * import type { ScatterChartOptions } from "@nnc/plot";
 * import type { NDArray } from "@nnc/tensor";
 * const o: ScatterChartOptions = {
 *   classify: (p: NDArray) => p.slice(null, 0).gt(0), // class 1 right of x = 0
 *   resolution: 40,
 *   classNames: ["left", "right"],
 * };
 * ```
 */
export interface ScatterChartOptions extends ChartOptions {
  /**
   * Predicts classes for grid points `[M, 2]`: returns `[M]` class indices or `[M, C]` scores (as
   * argmax of each row; `[M, 1]` probabilities are class 1 above 0.5). Its regions are drawn under the points.
   */
  classify?: (points: NDArray) => NDArrayLike;
  /** Grid cells per axis for the regions. Default 60. */
  resolution?: number;
  /** Plotted range; default the points' range with a 10 % margin. */
  domain?: { x: readonly [number, number]; y: readonly [number, number] };
  /** Names of the classes (legend); default "0", "1", …. */
  classNames?: readonly string[];
  /** Opacity of the regions. Default 0.3. */
  regionOpacity?: number;
  /** Point radius in pixels. Default 3. */
  pointSize?: number;
  /** dtype of the grid passed to `classify`. Default float32 (the layers' default). */
  gridDtype?: DType;
}

/**
 * The cells of the decision regions, merged into horizontal runs of one class.
 *
 * @example
 * ```ts
 * import type { RegionRun } from "@nnc/plot";
 * const run: RegionRun = { x: -1, x2: 0, y: 0, y2: 0.25, cls: 0 };
 * ```
 */
export interface RegionRun {
  /** Left edge. */
  x: number;
  /** Right edge. */
  x2: number;
  /** Bottom edge. */
  y: number;
  /** Top edge. */
  y2: number;
  /** Class index. */
  cls: number;
}

/**
 * Evaluates `classify` on the centres of a `resolution × resolution` grid over `domain` and merges
 * each row's neighbouring cells of equal class into runs (far fewer SVG marks than cells).
 *
 * @example
 * ```ts
 * import { decisionRuns } from "@nnc/plot";
 * import type { NDArray } from "@nnc/tensor";
 * const runs = decisionRuns((p: NDArray) => p.slice(null, 0).gt(0).astype("int32"), { x: [-1, 1], y: [0, 1] }, 4);
 * console.assert(runs.length === 8 && runs[0].x2 === 0 && runs[1].cls === 1);
 * ```
 */
export function decisionRuns(
  classify: (points: NDArray) => NDArrayLike,
  domain: { x: readonly [number, number]; y: readonly [number, number] },
  resolution: number,
  gridDtype: DType = "float32",
): RegionRun[] {
  const op = "decisionRuns";
  checkOneOf(gridDtype ?? "float32", op, "gridDtype", ["float32", "float64"]);
  if (typeof classify !== "function") {
    throw new TypeError(`${op}: classify must be a function, got ${describe(classify)}`);
  }
  const [x0, x1] = checkRange(domain?.x, op, "domain.x");
  const [y0, y1] = checkRange(domain?.y, op, "domain.y");
  const r = checkInt(resolution ?? 60, op, "resolution", 1, 1000);
  const dx = (x1 - x0) / r, dy = (y1 - y0) / r;
  const grid = new Float64Array(r * r * 2);
  for (let j = 0; j < r; j++) {
    for (let i = 0; i < r; i++) {
      grid[2 * (j * r + i)] = x0 + (i + 0.5) * dx;
      grid[2 * (j * r + i) + 1] = y0 + (j + 0.5) * dy;
    }
  }
  let points = NDArray.fromTyped(grid, [r * r, 2]);
  if (gridDtype !== "float64") points = points.astype(gridDtype ?? "float32");
  const cls = classIndices(
    asNDArray(classify(points), op, "classify(points)"),
    op,
    "classify(points)",
  );
  if (cls.length !== r * r) {
    throw new RangeError(`${op}: classify returned ${cls.length} predictions for ${r * r} points`);
  }
  const runs: RegionRun[] = [];
  const edge = (a: number, k: number, d: number, n: number, b: number) => (k === n ? b : a + k * d);
  for (let j = 0; j < r; j++) {
    let start = 0;
    for (let i = 1; i <= r; i++) {
      if (i === r || cls[j * r + i] !== cls[j * r + start]) {
        runs.push({
          x: edge(x0, start, dx, r, x1),
          x2: edge(x0, i, dx, r, x1),
          y: edge(y0, j, dy, r, y1),
          y2: edge(y0, j + 1, dy, r, y1),
          cls: cls[j * r + start],
        });
        start = i;
      }
    }
  }
  return runs;
}

function pointsOf(points: NDArrayLike, op: string): { xs: number[]; ys: number[] } {
  const p = asNDArray(points, op, "points");
  if (p.ndim !== 2 || p.shape[1] !== 2) {
    throw new RangeError(`${op}: points must be [N, 2], got ${fmtShape(p.shape)}`);
  }
  const { data, offset } = flatData(p);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < p.shape[0]; i++) {
    xs.push(data[offset + 2 * i]);
    ys.push(data[offset + 2 * i + 1]);
  }
  return { xs, ys };
}

/**
 * The Vega-Lite spec of {@link scatterChart}.
 *
 * @example
 * ```ts
 * import { scatterChartSpec } from "@nnc/plot";
 * import { array } from "@nnc/tensor";
 * const spec = scatterChartSpec(array([[0, 0], [1, 1]]), array([0, 1], { dtype: "int32" }));
 * console.assert((spec.layer as unknown[]).length === 1);
 * ```
 */
export function scatterChartSpec(
  points: NDArrayLike,
  labels: NDArrayLike | null = null,
  options: ScatterChartOptions = {},
): VegaLiteSpec {
  const op = "scatterChart";
  const o = checkOptions(options, op);
  const { width, height } = chartSize(o, op);
  const { xs, ys } = pointsOf(points, op);
  const lab = labels === null ? null : classIndices(asNDArray(labels, op, "labels"), op, "labels");
  if (lab !== null && lab.length !== xs.length) {
    throw new RangeError(`${op}: ${xs.length} points but ${lab.length} labels`);
  }
  const domain = o.domain ?? { x: paddedExtent(xs), y: paddedExtent(ys) };
  if (o.gridDtype !== undefined) {
    checkOneOf(o.gridDtype, op, "gridDtype", ["float32", "float64"]);
  }
  const runs = o.classify === undefined ? [] : decisionRuns(
    o.classify,
    domain,
    checkInt(o.resolution ?? 60, op, "resolution", 1, 1000),
    o.gridDtype,
  );
  const opacity = checkNumber(o.regionOpacity ?? 0.3, op, "regionOpacity", 0);
  const size = checkNumber(o.pointSize ?? 3, op, "pointSize", 0);
  let nClasses = 0;
  for (const r of runs) nClasses = Math.max(nClasses, r.cls + 1);
  if (lab !== null) { for (const c of lab) nClasses = Math.max(nClasses, c + 1); }
  if (
    o.classNames !== undefined && (!Array.isArray(o.classNames) || o.classNames.length < nClasses)
  ) {
    throw new RangeError(
      `${op}: classNames must name all ${nClasses} classes, got ${describe(o.classNames)}`,
    );
  }
  const names = o.classNames
    ? [...o.classNames]
    : Array.from({ length: nClasses }, (_, i) => String(i));
  const color = {
    field: "class",
    type: "nominal",
    scale: { domain: names, scheme: "tableau10" },
    legend: legendSpec(o.legend, op),
  };
  const x = { type: "quantitative", scale: { domain: domain.x, nice: false, zero: false } };
  const y = { type: "quantitative", scale: { domain: domain.y, nice: false, zero: false } };
  const layers: VegaLiteSpec[] = [];
  if (runs.length > 0) {
    layers.push({
      data: {
        values: runs.map((r) => ({ x: r.x, x2: r.x2, y: r.y, y2: r.y2, class: names[r.cls] })),
      },
      mark: { type: "rect", opacity, strokeWidth: 0 },
      encoding: {
        x: { field: "x", ...x, title: o.xLabel ?? null },
        x2: { field: "x2" },
        y: { field: "y", ...y, title: o.yLabel ?? null },
        y2: { field: "y2" },
        color,
      },
    });
  }
  const pts = xs.map((px, i) => ({
    px,
    py: ys[i],
    class: lab === null ? "points" : names[lab[i]],
  }));
  layers.push({
    data: { values: pts },
    mark: {
      type: "circle",
      size: Math.PI * size * size,
      opacity: 0.9,
      stroke: "#333",
      strokeWidth: 0.5,
    },
    encoding: {
      x: { field: "px", ...x, title: o.xLabel ?? null },
      y: { field: "py", ...y, title: o.yLabel ?? null },
      ...(lab === null ? {} : { color }),
    },
  });
  return { ...(o.title ? { title: o.title } : {}), width, height, layer: layers };
}

/**
 * 2-d points as an SVG scatter plot, coloured by `labels`, over the decision regions of
 * `options.classify` when given.
 *
 * @example
 * ```ts
 * import { scatterChart } from "@nnc/plot";
 * import { array, type NDArray } from "@nnc/tensor";
 * const pts = array([[-1, 0], [-0.5, 1], [0.5, 0], [1, 1]]);
 * const svg = await scatterChart(pts, array([0, 0, 1, 1], { dtype: "int32" }), {
 *   classify: (p: NDArray) => p.slice(null, 0).gt(0).astype("int32"),
 *   resolution: 20,
 * });
 * console.assert(svg.includes("mark-rect") && svg.includes("mark-symbol"));
 * ```
 */
export function scatterChart(
  points: NDArrayLike,
  labels: NDArrayLike | null = null,
  options: ScatterChartOptions = {},
): Promise<string> {
  checkOneOf(options?.gridDtype ?? "float32", "scatterChart", "gridDtype", ["float32", "float64"]);
  return renderVegaLite(scatterChartSpec(points, labels, options));
}
