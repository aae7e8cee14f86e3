/**
 * Level sets of a function of two variables as SVG: {@link contourChart} samples the function
 * on a grid, draws its contour lines (marching squares, {@link contourLines}) coloured by level,
 * and overlays paths — the iterates of gradient descent, momentum or Adam on
 * a loss surface — with arrowheads along them.
 *
 * @module
 */
import {
  checkBool,
  checkFunction,
  checkInt,
  checkOneOf,
  checkOptions,
  describe,
  type NDArrayLike,
} from "@nnc/tensor";
import type { ChartOptions } from "./line_chart.ts";
import { chartSize, checkRange } from "./_common.ts";
import { matrixOf } from "./_data.ts";
import { axes, checkLayers, type Domain, equalAspect, Legend, markLayers } from "./_xy.ts";
import { renderVegaLite, type VegaLiteSpec } from "./vega.ts";
import type { LineLayer } from "./xy_chart.ts";

/**
 * The contour lines of one level: polylines (closed ones end where they start).
 *
 * @example
 * ```ts
 * import type { ContourLevel } from "@nnc/plot";
 * const c: ContourLevel = { level: 1, lines: [{ x: [0, 1], y: [1, 0] }] };
 * ```
 */
export interface ContourLevel {
  /** The value of the function along the lines. */
  level: number;
  /** The lines, each as its vertex coordinates. */
  lines: { x: number[]; y: number[] }[];
}

/** Values on a regular grid: `values[j][i]` at `x_i`, `y_j`, the corners on the domain's edges. */
interface Grid {
  nx: number;
  ny: number;
  v: Float64Array; // row j (y) by row, nx values each
  domain: Domain;
}

function gridOf(
  values: NDArrayLike | readonly (readonly number[])[],
  domain: Domain,
  op: string,
): Grid {
  const { rows, cols, data } = matrixOf(values, op);
  if (cols < 2 || rows < 2) {
    throw new RangeError(`${op}: values need at least 2 × 2 grid points, got [${rows}, ${cols}]`);
  }
  return { nx: cols, ny: rows, v: data, domain };
}

// Marching squares. Corners of cell (i, j): a = (i, j), b = (i+1, j), c = (i+1, j+1), d = (i, j+1);
// edges 0 = a–b (bottom), 1 = b–c (right), 2 = d–c (top), 3 = a–d (left). SEGMENTS[case] lists the
// edge pairs crossed for the case bits a = 1, b = 2, c = 4, d = 8 (corner at or above the level);
// the saddles 5 and 10 are settled by the value at the cell centre.
const SEGMENTS: readonly (readonly [number, number][])[] = [
  [],
  [[3, 0]],
  [[0, 1]],
  [[3, 1]],
  [[1, 2]],
  [], // saddle
  [[0, 2]],
  [[3, 2]],
  [[2, 3]],
  [[0, 2]],
  [], // saddle
  [[1, 2]],
  [[3, 1]],
  [[0, 1]],
  [[3, 0]],
  [],
];

/** The polylines of one level through the grid. */
function traceLevel(g: Grid, level: number): { x: number[]; y: number[] }[] {
  const { nx, ny, v, domain } = g;
  const dx = (domain.x[1] - domain.x[0]) / (nx - 1), dy = (domain.y[1] - domain.y[0]) / (ny - 1);
  // Edge ids: horizontal edge (i, j)–(i+1, j) is j·nx + i; vertical (i, j)–(i, j+1) is nx·ny + j·nx + i.
  const point = new Map<number, [number, number]>();
  const ends: [number, number][] = [];
  const crossing = (id: number, i0: number, j0: number, i1: number, j1: number) => {
    if (!point.has(id)) {
      const va = v[j0 * nx + i0], vb = v[j1 * nx + i1];
      const t = vb === va ? 0.5 : (level - va) / (vb - va);
      point.set(id, [
        domain.x[0] + (i0 + t * (i1 - i0)) * dx,
        domain.y[0] + (j0 + t * (j1 - j0)) * dy,
      ]);
    }
    return id;
  };
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const a = v[j * nx + i],
        b = v[j * nx + i + 1],
        c = v[(j + 1) * nx + i + 1],
        d = v[(j + 1) * nx + i];
      if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && Number.isFinite(d))) {
        continue;
      }
      const k = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (c >= level ? 4 : 0) |
        (d >= level ? 8 : 0);
      let segs = SEGMENTS[k];
      if (k === 5 || k === 10) {
        const centreHigh = (a + b + c + d) / 4 >= level;
        // The high corners join across the centre when it is high; otherwise they are cut off.
        segs = (k === 5) === centreHigh ? [[0, 1], [2, 3]] : [[3, 0], [1, 2]];
      }
      for (const [e0, e1] of segs) {
        const id = (e: number) => {
          switch (e) {
            case 0:
              return crossing(j * nx + i, i, j, i + 1, j);
            case 1:
              return crossing(nx * ny + j * nx + i + 1, i + 1, j, i + 1, j + 1);
            case 2:
              return crossing((j + 1) * nx + i, i, j + 1, i + 1, j + 1);
            default:
              return crossing(nx * ny + j * nx + i, i, j, i, j + 1);
          }
        };
        ends.push([id(e0), id(e1)]);
      }
    }
  }
  // Join segments that share an edge crossing into polylines, open ones from a free end first.
  const at = new Map<number, number[]>();
  ends.forEach(([p, q], s) => {
    for (const e of [p, q]) {
      const list = at.get(e);
      if (list) list.push(s);
      else at.set(e, [s]);
    }
  });
  const used = new Uint8Array(ends.length);
  const lines: { x: number[]; y: number[] }[] = [];
  const walk = (start: number, from: number) => {
    const ids = [from];
    let s = start, cur = from;
    while (s >= 0 && !used[s]) {
      used[s] = 1;
      const [p, q] = ends[s];
      cur = p === cur ? q : p;
      ids.push(cur);
      s = (at.get(cur) ?? []).find((t) => !used[t]) ?? -1;
    }
    lines.push({ x: ids.map((e) => point.get(e)![0]), y: ids.map((e) => point.get(e)![1]) });
  };
  for (const [e, segs] of at) if (segs.length === 1 && !used[segs[0]]) walk(segs[0], e);
  ends.forEach(([p], s) => {
    if (!used[s]) walk(s, p);
  });
  return lines;
}

/**
 * The contour lines of values sampled on a regular grid (`values[j][i]` at
 * `x = domain.x[0] + i·Δx`, `y = domain.y[0] + j·Δy`, the first and last samples on the domain's
 * edges) at each level, by marching squares with linear interpolation along the cell edges.
 * Cells with a non-finite corner are skipped.
 *
 * @example
 * ```ts
 * import { contourLines } from "@nnc/plot";
 * // f(x, y) = x + y on [0, 1]²: the level 1 is the anti-diagonal
 * const [{ lines }] = contourLines([[0, 1], [1, 2]], { x: [0, 1], y: [0, 1] }, [1]);
 * console.log(lines.length, lines[0].x.length); // 1 2
 * ```
 */
export function contourLines(
  values: NDArrayLike | readonly (readonly number[])[],
  domain: { x: readonly [number, number]; y: readonly [number, number] },
  levels: readonly number[],
): ContourLevel[] {
  const op = "contourLines";
  const d = { x: checkRange(domain?.x, op, "domain.x"), y: checkRange(domain?.y, op, "domain.y") };
  const g = gridOf(values, d, op);
  if (!Array.isArray(levels) || !levels.every(Number.isFinite)) {
    throw new TypeError(
      `${op}: levels must be an array of finite numbers, got ${describe(levels)}`,
    );
  }
  return levels.map((level) => ({ level, lines: traceLevel(g, level) }));
}

/**
 * A path drawn over a {@link contourChart}: the iterates of an optimiser, say.
 *
 * @example
 * ```ts
 * import type { ContourPath } from "@nnc/plot";
 * const p: ContourPath = { name: "gradient descent", x: [-1.5, -1, -0.6], y: [2, 1.2, 0.8] };
 * ```
 */
export interface ContourPath {
  /** Legend entry. */
  name: string;
  /** Horizontal coordinates of the iterates. */
  x: ArrayLike<number>;
  /** Vertical coordinates of the iterates. */
  y: ArrayLike<number>;
  /** Colour (CSS); default the next palette colour. */
  color?: string;
  /** Arrowheads along the path. Default true. */
  arrows?: boolean;
  /** A dot at every iterate. Default true. */
  points?: boolean;
  /** Draw dashed. Default false. */
  dashed?: boolean;
}

/**
 * Options of {@link contourChart}.
 *
 * @example
 * ```ts
 * import type { ContourChartOptions } from "@nnc/plot";
 * const o: ContourChartOptions = { domain: { x: [-2, 2], y: [-1, 3] }, levels: 15, levelSpacing: "log" };
 * ```
 */
export interface ContourChartOptions extends Omit<ChartOptions, "logY"> {
  /** The plotted ranges, over which the function is sampled (or the grid's extent). */
  domain: { x: readonly [number, number]; y: readonly [number, number] };
  /** Grid points per axis when sampling a function. Default 100. */
  resolution?: number;
  /** How many levels (spaced by `levelSpacing` over the sampled range), or the levels themselves. Default 10. */
  levels?: number | readonly number[];
  /**
   * Spacing of a number of levels: `"linear"` (default), `"log"` (geometric from the smallest
   * positive value; for steep valleys such as Rosenbrock's) or `"quantile"` (equal shares of the
   * grid between neighbouring levels).
   */
  levelSpacing?: "linear" | "log" | "quantile";
  /** Paths drawn over the contours. */
  paths?: readonly ContourPath[];
  /** Vega colour scheme of the levels. Default `"viridis"`. */
  scheme?: string;
  /** Title of the colour legend. Default `"f"`. */
  valueLabel?: string;
  /** Widen one range so that a unit has the same length on both axes. Default false. */
  equalAspect?: boolean;
}

function levelsOf(g: Grid, o: ContourChartOptions, op: string): number[] {
  if (Array.isArray(o.levels)) {
    if (!o.levels.every(Number.isFinite) || o.levels.length === 0) {
      throw new TypeError(`${op}: levels must be finite numbers, got ${describe(o.levels)}`);
    }
    return [...o.levels].sort((a, b) => a - b);
  }
  const count = checkInt(o.levels ?? 10, op, "levels", 1, 1000);
  const spacing = checkOneOf(o.levelSpacing ?? "linear", op, "levelSpacing", [
    "linear",
    "log",
    "quantile",
  ]);
  const finite = Array.from(g.v).filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) {
    throw new RangeError(`${op}: the function has no finite value on the grid`);
  }
  const lo = finite[0], hi = finite[finite.length - 1];
  const k = Array.from({ length: count }, (_, i) => (i + 1) / (count + 1));
  if (spacing === "quantile") return k.map((q) => finite[Math.floor(q * (finite.length - 1))]);
  if (spacing === "log") {
    const pos = finite.find((v) => v > 0);
    if (pos === undefined || !(hi > pos)) {
      throw new RangeError(
        `${op}: log-spaced levels need positive values, got the range [${lo}, ${hi}]`,
      );
    }
    return k.map((q) => pos * (hi / pos) ** q);
  }
  return k.map((q) => lo + q * (hi - lo));
}

function sampled(
  f: unknown,
  domain: Domain,
  resolution: number,
  op: string,
): Grid {
  const fn = checkFunction<(x: number, y: number) => number>(f, op, "f");
  const n = resolution, v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const y = domain.y[0] + (j * (domain.y[1] - domain.y[0])) / (n - 1);
    for (let i = 0; i < n; i++) {
      const x = domain.x[0] + (i * (domain.x[1] - domain.x[0])) / (n - 1);
      const z = fn(x, y);
      if (typeof z !== "number") {
        throw new TypeError(`${op}: f(${x}, ${y}) must return a number, got ${describe(z)}`);
      }
      v[j * n + i] = z;
    }
  }
  return { nx: n, ny: n, v, domain };
}

/**
 * The Vega-Lite spec of {@link contourChart}.
 *
 * @example
 * ```ts
 * import { contourChartSpec } from "@nnc/plot";
 * const spec = contourChartSpec((x: number, y: number) => x * x + y * y, {
 *   domain: { x: [-1, 1], y: [-1, 1] },
 *   levels: [0.25, 0.5],
 *   resolution: 21,
 * });
 * console.assert((spec.layer as unknown[]).length === 1);
 * ```
 */
export function contourChartSpec(
  f: ((x: number, y: number) => number) | NDArrayLike | readonly (readonly number[])[],
  options: ContourChartOptions,
): VegaLiteSpec {
  return contourSpec(f, options, "contourChartSpec");
}

/** The spec of {@link contourChart}, whose errors name `op`: the public function called. */
function contourSpec(
  f: ((x: number, y: number) => number) | NDArrayLike | readonly (readonly number[])[],
  options: ContourChartOptions,
  op: string,
): VegaLiteSpec {
  const o = checkOptions(options, op);
  if (o.domain === null || typeof o.domain !== "object") {
    throw new TypeError(
      `${op}: options.domain { x: [low, high], y: [low, high] } is required, got ${
        describe(o.domain)
      }`,
    );
  }
  const given: Domain = {
    x: checkRange(o.domain.x, op, "domain.x"),
    y: checkRange(o.domain.y, op, "domain.y"),
  };
  const size = chartSize(o, op);
  const g = typeof f === "function"
    ? sampled(f, given, checkInt(o.resolution ?? 100, op, "resolution", 2, 2000), op)
    : gridOf(f as NDArrayLike, given, op);
  const levels = levelsOf(g, o, op);
  const scheme = o.scheme ?? "viridis";
  if (typeof scheme !== "string") {
    throw new TypeError(`${op}: scheme must be a string, got ${describe(scheme)}`);
  }
  if (o.paths !== undefined && !Array.isArray(o.paths)) {
    throw new TypeError(`${op}: paths must be an array, got ${describe(o.paths)}`);
  }
  const legend = new Legend();
  const paths = checkLayers(
    (o.paths ?? []).map((p): LineLayer => ({
      type: "line",
      ...p,
      arrows: p?.arrows ?? true,
      points: p?.points ?? true,
    })),
    legend,
    op,
  );
  // The plotted ranges: the sampled domain, widened for equal aspect (the paths do not move it).
  const domain = checkBool(o.equalAspect ?? false, op, "equalAspect")
    ? equalAspect(given, size)
    : given;
  const ax = axes(domain, o);
  const [first, last] = [levels[0], levels[levels.length - 1]];
  const colourScale = { scheme, domain: last > first ? [first, last] : [first - 1, first + 1] };
  const legendTitle = { title: o.valueLabel ?? "f", format: ".3~g" };
  const layers: VegaLiteSpec[] = [];
  const rows: Record<string, unknown>[] = [];
  let id = 0;
  for (const { level, lines } of levels.map((level) => ({ level, lines: traceLevel(g, level) }))) {
    for (const line of lines) {
      line.x.forEach((x, i) => rows.push({ x, y: line.y[i], i, line: id, level }));
      id++;
    }
  }
  if (rows.length > 0) {
    layers.push({
      data: { values: rows },
      mark: { type: "line", clip: true, strokeWidth: 1.4 },
      encoding: {
        ...ax,
        detail: { field: "line", type: "nominal" },
        order: { field: "i" },
        stroke: { field: "level", type: "quantitative", scale: colourScale, legend: legendTitle },
      },
    });
  }
  layers.push(...markLayers(paths, legend, domain, o, size, op));
  return {
    ...(o.title ? { title: o.title } : {}),
    ...size,
    layer: layers,
  };
}

/**
 * The level sets of `f(x, y)` over `options.domain` as an SVG chart — contour lines coloured by
 * level with a colour legend — and `options.paths` drawn on top with
 * arrowheads: how gradient descent, momentum and Adam travel on a loss surface. `f` may also be
 * a grid of values `[ny, nx]` sampled over the domain (row 0 at the bottom, `y = domain.y[0]`).
 *
 * @example
 * ```ts
 * import { contourChart } from "@nnc/plot";
 * const f = (x: number, y: number) => x * x + 10 * y * y; // an elongated bowl
 * const xs = [-2], ys = [1];
 * for (let t = 0; t < 15; t++) { // gradient descent with step 0.09
 *   const x = xs[xs.length - 1], y = ys[ys.length - 1];
 *   xs.push(x - 0.09 * 2 * x);
 *   ys.push(y - 0.09 * 20 * y);
 * }
 * const svg = await contourChart(f, {
 *   domain: { x: [-2.5, 2.5], y: [-1.2, 1.2] },
 *   levels: [0.5, 1, 2, 4, 8],
 *   paths: [{ name: "gradient descent", x: xs, y: ys }],
 *   title: "f(x, y) = x² + 10y²",
 * });
 * console.assert(svg.includes(">gradient descent<"));
 * ```
 */
export function contourChart(
  f: ((x: number, y: number) => number) | NDArrayLike | readonly (readonly number[])[],
  options: ContourChartOptions,
): Promise<string> {
  return renderVegaLite(contourSpec(f, options, "contourChart"));
}
