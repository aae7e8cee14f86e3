/**
 * Two-dimensional pictures built from layers: {@link xyChart} draws points (with a choice of
 * markers and per-point groups), lines and trajectories (with arrowheads), text labels, filled
 * polygons (Voronoi cells from {@link voronoiCells}) and the decision regions of a classifier,
 * all sharing one legend.
 *
 * @module
 */
import { asNDArray, checkOptions, describe, fmtShape, type NDArrayLike } from "@nnc/tensor";
import type { ChartOptions } from "./line_chart.ts";
import { checkRange } from "./_common.ts";
import { flatData } from "./_data.ts";
import { xySpec } from "./_xy.ts";
import { renderVegaLite, type VegaLiteSpec } from "./vega.ts";
import type { NDArray } from "@nnc/tensor";

/**
 * Marker shapes of a {@link PointsLayer} (`"cross"` is a plus sign, `"x"` a diagonal cross).
 *
 * @example
 * ```ts
 * import type { MarkerShape } from "@nnc/plot";
 * const centres: MarkerShape = "diamond";
 * ```
 */
export type MarkerShape =
  | "circle"
  | "square"
  | "diamond"
  | "cross"
  | "triangle-up"
  | "triangle-down"
  | "x";

/**
 * Points of an {@link xyChart}: one marker per `(x[i], y[i])`. Points with a non-finite
 * coordinate are left out.
 *
 * @example
 * ```ts
 * import type { PointsLayer } from "@nnc/plot";
 * const data: PointsLayer = {
 *   type: "points",
 *   x: [0, 1, 2],
 *   y: [1, 0, 1],
 *   groups: ["cluster 1", "cluster 2", "cluster 1"], // coloured and listed by group
 *   labels: ["x1", "x2", "x3"],
 * };
 * ```
 */
export interface PointsLayer {
  /** Layer kind. */
  type: "points";
  /** Horizontal coordinates. */
  x: ArrayLike<number>;
  /** Vertical coordinates (as many as `x`). */
  y: ArrayLike<number>;
  /** Legend entry of the layer (its colour is shared with every layer of the same name). */
  name?: string;
  /** A legend entry per point (say, its cluster), instead of `name`. */
  groups?: readonly string[];
  /** Colour (CSS) of the layer; default the colour of its legend entry, or dark grey. */
  color?: string;
  /** Marker shape. Default `"circle"`. */
  shape?: MarkerShape;
  /** Marker radius in pixels. Default 3. */
  size?: number;
  /** Text written next to each point (as many as `x`). */
  labels?: readonly string[];
}

/**
 * A polyline of an {@link xyChart}, drawn in the order of its points (a curve, a boundary, the
 * trajectory of an optimiser). Non-finite points break nothing: they are left out.
 *
 * @example
 * ```ts
 * import type { LineLayer } from "@nnc/plot";
 * const path: LineLayer = { type: "line", x: [2, 1, 0.5], y: [2, 1, 0.2], name: "SGD", arrows: true };
 * ```
 */
export interface LineLayer {
  /** Layer kind. */
  type: "line";
  /** Horizontal coordinates. */
  x: ArrayLike<number>;
  /** Vertical coordinates (as many as `x`). */
  y: ArrayLike<number>;
  /** Legend entry. */
  name?: string;
  /** Colour (CSS); default the colour of its legend entry, or the next palette colour. */
  color?: string;
  /** Draw dashed. Default false. */
  dashed?: boolean;
  /** Stroke width in pixels. Default 2. */
  width?: number;
  /** A dot at every vertex. Default false. */
  points?: boolean;
  /** An arrowhead in the middle of every segment, pointing along the path. Default false. */
  arrows?: boolean;
}

/**
 * Text labels of an {@link xyChart}, written up and to the right of their anchor points.
 *
 * @example
 * ```ts
 * import type { TextLayer } from "@nnc/plot";
 * const t: TextLayer = { type: "text", x: [0], y: [0], text: ["origin"] };
 * ```
 */
export interface TextLayer {
  /** Layer kind. */
  type: "text";
  /** Horizontal coordinates of the anchors. */
  x: ArrayLike<number>;
  /** Vertical coordinates of the anchors. */
  y: ArrayLike<number>;
  /** One string per anchor. */
  text: readonly string[];
  /** Colour (CSS). Default dark grey. */
  color?: string;
}

/**
 * A filled polygon of an {@link xyChart} (its vertices in order; the last joins the first).
 *
 * @example
 * ```ts
 * import type { PolygonLayer } from "@nnc/plot";
 * const cell: PolygonLayer = { type: "polygon", x: [0, 1, 0], y: [0, 0, 1], name: "cell 1" };
 * ```
 */
export interface PolygonLayer {
  /** Layer kind. */
  type: "polygon";
  /** Horizontal coordinates of the vertices (at least 3). */
  x: ArrayLike<number>;
  /** Vertical coordinates of the vertices. */
  y: ArrayLike<number>;
  /** Legend entry (its colour is shared with every layer of the same name). */
  name?: string;
  /** Fill colour (CSS); default the colour of its legend entry. */
  color?: string;
  /** Fill opacity. Default 0.25. */
  opacity?: number;
  /** Draw the outline too. Default false. */
  outline?: boolean;
}

/**
 * The decision regions of a classifier over the plotted area, evaluated on a grid of cell
 * centres (see `decisionRuns`). Class `k` is listed as `names[k]` (default `"0"`, `"1"`, …), so
 * points whose `groups` use the same names share its colours.
 *
 * @example
 * ```ts
 * import type { RegionsLayer } from "@nnc/plot";
 * import type { NDArray } from "@nnc/tensor";
 * const r: RegionsLayer = {
 *   type: "regions",
 *   classify: (p: NDArray) => p.slice(null, 0).gt(0).astype("int32"),
 *   names: ["left", "right"],
 * };
 * ```
 */
export interface RegionsLayer {
  /** Layer kind. */
  type: "regions";
  /**
   * Classes of grid points `[M, 2]`: `[M]` class indices or `[M, C]` scores (arg-max of each row;
   * `[M, 1]` probabilities are class 1 above 0.5).
   */
  classify: (points: NDArray) => NDArrayLike;
  /** Legend names of the classes. */
  names?: readonly string[];
  /** Grid cells per axis. Default 80. */
  resolution?: number;
  /** Opacity. Default 0.25. */
  opacity?: number;
}

/**
 * One layer of an {@link xyChart}.
 *
 * @example
 * ```ts
 * import type { XYLayer } from "@nnc/plot";
 * const layers: XYLayer[] = [
 *   { type: "line", x: [0, 1], y: [0, 1], name: "diagonal", dashed: true },
 *   { type: "points", x: [0.2, 0.8], y: [0.5, 0.5], name: "data" },
 * ];
 * ```
 */
export type XYLayer = PointsLayer | LineLayer | TextLayer | PolygonLayer | RegionsLayer;

/**
 * Options of {@link xyChart}.
 *
 * @example
 * ```ts
 * import type { XYChartOptions } from "@nnc/plot";
 * const o: XYChartOptions = { domain: { x: [-2, 2] }, equalAspect: true, legend: "top-left" };
 * ```
 */
export interface XYChartOptions extends ChartOptions {
  /** Plotted ranges; a side left out fits the layers' coordinates with a 5 % margin. */
  domain?: { x?: readonly [number, number]; y?: readonly [number, number] };
  /** Widen one range so that a unit has the same length on both axes. Default false. */
  equalAspect?: boolean;
}

/**
 * The Vega-Lite spec of {@link xyChart}.
 *
 * @example
 * ```ts
 * import { xyChartSpec } from "@nnc/plot";
 * const spec = xyChartSpec([{ type: "points", x: [0, 1], y: [1, 0], name: "p" }]);
 * console.assert((spec.layer as unknown[]).length === 2); // the legend's (invisible) and the points
 * ```
 */
export function xyChartSpec(
  layers: readonly XYLayer[],
  options: XYChartOptions = {},
): VegaLiteSpec {
  return xySpec(layers, checkOptions(options, "xyChartSpec"), "xyChartSpec");
}

/**
 * Layers of points, lines, text, polygons and decision regions as one SVG chart with a shared
 * legend: k-means clusters in their Voronoi cells, a learning rule's weight trajectory, a
 * capacity curve with a reference line.
 *
 * @example
 * ```ts
 * import { voronoiCells, xyChart, type XYLayer } from "@nnc/plot";
 * const centres = [[-1, 0], [1, 0.5]];
 * const box = { x: [-2, 2], y: [-2, 2] } as const;
 * const layers: XYLayer[] = [
 *   ...voronoiCells(centres, box).map((c, k): XYLayer => ({ type: "polygon", ...c, name: `cluster ${k + 1}` })),
 *   { type: "points", x: [-1.5, 1.2, 0.9], y: [0.1, 1, 0], groups: ["cluster 1", "cluster 2", "cluster 2"] },
 *   { type: "points", x: [-1, 1], y: [0, 0.5], shape: "diamond", size: 6, name: "centres", color: "#222" },
 *   { type: "line", x: [0, -0.5, -1], y: [-1.5, -0.8, 0], name: "path of centre 1", arrows: true },
 * ];
 * const svg = await xyChart(layers, { domain: box, equalAspect: true, title: "k-means" });
 * console.assert(svg.includes(">cluster 2<") && svg.includes(">path of centre 1<"));
 * ```
 */
export function xyChart(
  layers: readonly XYLayer[],
  options: XYChartOptions = {},
): Promise<string> {
  return renderVegaLite(xySpec(layers, checkOptions(options, "xyChart"), "xyChart"));
}

/**
 * A polygon as its vertex coordinates (what {@link voronoiCells} returns; spread it into a
 * {@link PolygonLayer}).
 *
 * @example
 * ```ts
 * import type { Polygon } from "@nnc/plot";
 * const unitSquare: Polygon = { x: [0, 1, 1, 0], y: [0, 0, 1, 1] };
 * ```
 */
export interface Polygon {
  /** Horizontal coordinates of the vertices, in order. */
  x: number[];
  /** Vertical coordinates of the vertices. */
  y: number[];
}

/**
 * The Voronoi cell of each centre inside a box: the points of the box closer to that centre
 * than to any other (ties on the bisector go to both), as a convex polygon, counter-clockwise.
 * A cell that misses the box entirely is empty (`x` and `y` of length 0). O(k²) for k centres.
 *
 * @example
 * ```ts
 * import { voronoiCells } from "@nnc/plot";
 * const [left, right] = voronoiCells([[-1, 0], [1, 0]], { x: [-2, 2], y: [0, 1] });
 * console.log(Math.max(...left.x), Math.min(...right.x)); // 0 0
 * ```
 */
export function voronoiCells(
  centres: NDArrayLike | readonly (readonly number[])[],
  box: { x: readonly [number, number]; y: readonly [number, number] },
): Polygon[] {
  const op = "voronoiCells";
  const c = centresOf(centres, op);
  const [x0, x1] = checkRange(box?.x, op, "box.x");
  const [y0, y1] = checkRange(box?.y, op, "box.y");
  return c.map((a, i) => {
    let poly: [number, number][] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
    for (let j = 0; j < c.length && poly.length > 0; j++) {
      if (j === i) continue;
      const b = c[j];
      if (b[0] === a[0] && b[1] === a[1]) continue;
      // Keep the half-plane n·p ≤ d, closer to a than to b: n = b − a, d = (‖b‖² − ‖a‖²) / 2.
      const n = [b[0] - a[0], b[1] - a[1]];
      const d = (b[0] ** 2 + b[1] ** 2 - a[0] ** 2 - a[1] ** 2) / 2;
      poly = clip(poly, n, d);
    }
    return { x: poly.map((p) => p[0]), y: poly.map((p) => p[1]) };
  });
}

/** Sutherland–Hodgman: the part of a convex polygon with n·p ≤ d. */
function clip(poly: [number, number][], n: number[], d: number): [number, number][] {
  const out: [number, number][] = [];
  const side = (p: [number, number]) => n[0] * p[0] + n[1] * p[1] - d;
  for (let k = 0; k < poly.length; k++) {
    const p = poly[k], q = poly[(k + 1) % poly.length];
    const sp = side(p), sq = side(q);
    if (sp <= 0) out.push(p);
    if ((sp < 0 && sq > 0) || (sp > 0 && sq < 0)) {
      const t = sp / (sp - sq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  return out;
}

function centresOf(
  centres: NDArrayLike | readonly (readonly number[])[],
  op: string,
): [number, number][] {
  if (Array.isArray(centres)) {
    return centres.map((c, i) => {
      if (!Array.isArray(c) || c.length !== 2 || !c.every(Number.isFinite)) {
        throw new RangeError(`${op}: centres[${i}] must be [x, y], got ${describe(c)}`);
      }
      return [c[0], c[1]];
    });
  }
  const a = asNDArray(centres, op, "centres");
  if (a.ndim !== 2 || a.shape[1] !== 2) {
    throw new RangeError(`${op}: centres must be [k, 2], got ${fmtShape(a.shape)}`);
  }
  const { data, offset } = flatData(a);
  return Array.from(
    { length: a.shape[0] },
    (_, i) => [data[offset + 2 * i], data[offset + 2 * i + 1]] as [number, number],
  );
}
