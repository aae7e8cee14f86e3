/**
 * The linear regions of a ReLU network (000:L235–294): a network of `Linear` layers and ReLUs is
 * affine on each set of inputs sharing one activation pattern (which units are on). Here:
 * {@link activationPatterns}; {@link countLinearRegions}, counting the distinct patterns on a
 * grid over a 2-D slice of the input space; and the exact regions of small networks,
 * {@link linearPieces} on an interval of a 1-D input and {@link linearRegions} on a rectangle of a
 * 2-D slice, by splitting cells with each unit's hyperplane, layer by layer.
 *
 * @module
 */
import {
  asNDArray,
  checkInt,
  checkOptions,
  describe,
  fmtShape,
  type NDArray,
  NDArray as ND,
} from "@nnc/tensor";
import { Flatten, Identity, Linear, ReLU, Sequential } from "@nnc/layers";
import { valuesOf } from "../_common/input_gradients.ts";

/** One affine layer, optionally followed by a ReLU, in float64. */
interface Layer {
  w: Float64Array; // [out, in]
  b: Float64Array;
  inF: number;
  outF: number;
  relu: boolean;
}

function layersOf(net: unknown, op: string): Layer[] {
  if (!(net instanceof Sequential)) {
    throw new TypeError(
      `${op}: net must be a Sequential of Linear and ReLU layers, got ${describe(net)}`,
    );
  }
  const out: Layer[] = [];
  for (const [i, m] of net.children().entries()) {
    if (m instanceof Linear) {
      const prev = out[out.length - 1];
      if (prev !== undefined && prev.outF !== m.inFeatures) {
        throw new RangeError(
          `${op}: layer ${i} takes ${m.inFeatures} features, the previous gives ${prev.outF}`,
        );
      }
      out.push({
        w: Float64Array.from(valuesOf(m.weight.data)),
        b: m.bias === null
          ? new Float64Array(m.outFeatures)
          : Float64Array.from(valuesOf(m.bias.data)),
        inF: m.inFeatures,
        outF: m.outFeatures,
        relu: false,
      });
    } else if (m instanceof ReLU) {
      const prev = out[out.length - 1];
      if (prev === undefined || prev.relu) {
        throw new TypeError(`${op}: a ReLU (layer ${i}) must follow a Linear layer`);
      }
      prev.relu = true;
    } else if (!(m instanceof Flatten) && !(m instanceof Identity)) {
      throw new TypeError(
        `${op}: net must hold only Linear, ReLU, Flatten and Identity layers, got ${m.constructor.name} at ${i}`,
      );
    }
  }
  if (out.length === 0) throw new TypeError(`${op}: net has no Linear layer`);
  return out;
}

/** Number of ReLU units (the length of an activation pattern). */
function unitCount(layers: readonly Layer[]): number {
  return layers.reduce((s, l) => s + (l.relu ? l.outF : 0), 0);
}

/**
 * The activation pattern of each input `[N, d]` of a `Sequential` of `Linear` and `ReLU` layers:
 * `[N, units]` of 0/1 (1 where a ReLU unit's pre-activation is > 0), units in layer order.
 *
 * @example
 * ```ts
 * import { activationPatterns } from "@nnc/models/insight";
 * import { Linear, ReLU, Sequential } from "@nnc/layers";
 * import { array } from "@nnc/tensor";
 * const l = new Linear(1, 2, { dtype: "float64" });
 * l.weight.data.data.set([1, -1]);
 * l.bias!.data.data.set([0, 0]);
 * const p = activationPatterns(new Sequential(l, new ReLU()), array([[2], [-3]], { dtype: "float64" }));
 * console.assert(p.toArray().toString() === "1,0,0,1");
 * ```
 */
export function activationPatterns(net: Sequential, x: NDArray): NDArray {
  const op = "activationPatterns";
  const layers = layersOf(net, op);
  const xs = asNDArray(x, op, "x");
  if (xs.ndim !== 2 || xs.shape[1] !== layers[0].inF) {
    throw new RangeError(`${op}: x must be [N, ${layers[0].inF}], got ${fmtShape(xs.shape)}`);
  }
  const n = xs.shape[0], units = unitCount(layers);
  const out = new Int32Array(n * units);
  const v = valuesOf(xs);
  let h = new Float64Array(layers[0].inF);
  for (let i = 0; i < n; i++) {
    h = Float64Array.from({ length: layers[0].inF }, (_, j) => v[i * layers[0].inF + j]);
    let u = 0;
    for (const l of layers) {
      const z = new Float64Array(l.outF);
      for (let o = 0; o < l.outF; o++) {
        let s = l.b[o];
        for (let j = 0; j < l.inF; j++) s += l.w[o * l.inF + j] * h[j];
        z[o] = s;
        if (l.relu) {
          out[i * units + u++] = s > 0 ? 1 : 0;
          z[o] = s > 0 ? s : 0;
        }
      }
      h = z;
    }
  }
  return ND.fromTyped(out, [n, units]);
}

/**
 * A 2-D slice of the input space: the points `origin + u·directions[0] + v·directions[1]` for
 * `(u, v)` in `bounds`. For a 2-D input the defaults (origin 0, the unit directions) make it the
 * plane itself.
 *
 * @example
 * ```ts
 * import type { PlaneSlice } from "@nnc/models/insight";
 * const s: PlaneSlice = { bounds: [[-1, 1], [-1, 1]], origin: [0, 0, 0.5], directions: [[1, 0, 0], [0, 1, 0]] };
 * ```
 */
export interface PlaneSlice {
  /** `[[uMin, uMax], [vMin, vMax]]`. Required. */
  bounds: readonly [readonly [number, number], readonly [number, number]];
  /** The input at `(u, v) = (0, 0)`. Default 0. */
  origin?: readonly number[];
  /** The input-space directions of u and v. Default the first two unit vectors. */
  directions?: readonly [readonly number[], readonly [number, ...number[]] | readonly number[]];
}

interface Plane {
  bounds: [[number, number], [number, number]];
  origin: Float64Array;
  /** [d, 2]: column 0 is u's direction, column 1 v's. */
  dirs: Float64Array;
}

function planeOf(slice: PlaneSlice, d: number, op: string): Plane {
  const s = checkOptions(slice, op);
  const b = s.bounds;
  const ok = (r: unknown) =>
    Array.isArray(r) && r.length === 2 && r.every(Number.isFinite) && r[0] < r[1];
  if (!Array.isArray(b) || b.length !== 2 || !ok(b[0]) || !ok(b[1])) {
    throw new RangeError(
      `${op}: bounds must be [[uMin, uMax], [vMin, vMax]] with min < max, got ${describe(b)}`,
    );
  }
  const origin = new Float64Array(d);
  if (s.origin !== undefined) {
    if (!Array.isArray(s.origin) || s.origin.length !== d || !s.origin.every(Number.isFinite)) {
      throw new RangeError(`${op}: origin must list ${d} numbers, got ${describe(s.origin)}`);
    }
    origin.set(s.origin);
  }
  const dirs = new Float64Array(d * 2);
  if (s.directions === undefined) {
    if (d < 2) throw new RangeError(`${op}: a 2-D slice of a ${d}-D input needs directions`);
    dirs[0] = 1; // u along input 0
    dirs[3] = 1; // v along input 1
  } else {
    const ds = s.directions;
    if (
      !Array.isArray(ds) || ds.length !== 2 ||
      !ds.every((r) => Array.isArray(r) && r.length === d && r.every(Number.isFinite))
    ) {
      throw new RangeError(
        `${op}: directions must be two vectors of ${d} numbers, got ${describe(ds)}`,
      );
    }
    for (let j = 0; j < d; j++) {
      dirs[j * 2] = ds[0][j];
      dirs[j * 2 + 1] = ds[1][j];
    }
  }
  return { bounds: [[b[0][0], b[0][1]], [b[1][0], b[1][1]]], origin, dirs };
}

/**
 * Options of {@link countLinearRegions}.
 *
 * @example
 * ```ts
 * import type { CountLinearRegionsOptions } from "@nnc/models/insight";
 * const o: CountLinearRegionsOptions = { bounds: [[-2, 2], [-2, 2]], resolution: 400 };
 * ```
 */
export interface CountLinearRegionsOptions extends PlaneSlice {
  /** Grid points per side (≥ 2). Default 256. */
  resolution?: number;
}

/**
 * What {@link countLinearRegions} returns.
 *
 * @example
 * ```ts
 * import type { GridRegions } from "@nnc/models/insight";
 * const share = (r: GridRegions) => r.count / r.ids.length;
 * console.assert(typeof share === "function");
 * ```
 */
export interface GridRegions {
  /** Number of distinct activation patterns on the grid. */
  count: number;
  /** The region (pattern) id of each grid point, row-major `[resolution (v), resolution (u)]`, ids in order of first appearance. */
  ids: Int32Array;
  /** The grid's u coordinates (columns). */
  u: Float64Array;
  /** The grid's v coordinates (rows). */
  v: Float64Array;
}

/**
 * Counts the linear regions of a ReLU network met on a 2-D slice: the distinct activation patterns
 * at the points of a `resolution × resolution` grid (cell centres excluded: the grid includes the
 * bounds). Regions smaller than the grid spacing can be missed, so this is a lower bound of
 * {@link linearRegions}' exact count that reaches it as the grid gets finer.
 *
 * @example
 * ```ts
 * import { countLinearRegions } from "@nnc/models/insight";
 * import { Linear, ReLU, Sequential } from "@nnc/layers";
 * const l = new Linear(2, 2, { dtype: "float64" });
 * l.weight.data.data.set([1, 0, 0, 1]); // ReLU(x), ReLU(y): the four quadrants
 * l.bias!.data.data.set([0, 0]);
 * const r = countLinearRegions(new Sequential(l, new ReLU()), { bounds: [[-1, 1], [-1, 1]], resolution: 20 });
 * console.assert(r.count === 4);
 * ```
 */
export function countLinearRegions(
  net: Sequential,
  options: CountLinearRegionsOptions,
): GridRegions {
  const op = "countLinearRegions";
  const layers = layersOf(net, op);
  const o = checkOptions(options, op);
  const res = checkInt(o.resolution ?? 256, op, "resolution", 2);
  const plane = planeOf(o, layers[0].inF, op);
  const d = layers[0].inF;
  const u = Float64Array.from(
    { length: res },
    (_, i) => plane.bounds[0][0] + (plane.bounds[0][1] - plane.bounds[0][0]) * i / (res - 1),
  );
  const v = Float64Array.from(
    { length: res },
    (_, i) => plane.bounds[1][0] + (plane.bounds[1][1] - plane.bounds[1][0]) * i / (res - 1),
  );
  const pts = new Float64Array(res * res * d);
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      for (let j = 0; j < d; j++) {
        pts[(r * res + c) * d + j] = plane.origin[j] + u[c] * plane.dirs[j * 2] +
          v[r] * plane.dirs[j * 2 + 1];
      }
    }
  }
  const patterns = activationPatterns(net, ND.fromTyped(pts, [res * res, d]));
  const units = patterns.shape[1], bits = valuesOf(patterns);
  const seen = new Map<string, number>();
  const ids = new Int32Array(res * res);
  for (let i = 0; i < res * res; i++) {
    let key = "";
    for (let k = 0; k < units; k++) key += bits[i * units + k];
    let id = seen.get(key);
    if (id === undefined) seen.set(key, id = seen.size);
    ids[i] = id;
  }
  return { count: seen.size, ids, u, v };
}

/**
 * One linear region of a ReLU network on a 2-D slice (a convex polygon).
 *
 * @example
 * ```ts
 * import type { LinearRegion } from "@nnc/models/insight";
 * const corners = (r: LinearRegion) => r.polygon.length;
 * console.assert(typeof corners === "function");
 * ```
 */
export interface LinearRegion {
  /** The vertices `[u, v]` in counter-clockwise order. */
  polygon: [number, number][];
  /** Its activation pattern (0/1 per ReLU unit, in layer order). */
  pattern: number[];
  /** The network's output there is `gradient[o] · (u, v) + offset[o]` for each output o. */
  gradient: [number, number][];
  /** See {@link LinearRegion.gradient}. */
  offset: number[];
  /** Its area. */
  area: number;
}

type Point = [number, number];

/** Splits a convex polygon by `a·p + e`: the parts where it is > 0 and ≤ 0 (null when empty). */
function splitPolygon(poly: Point[], a: Point, e: number): [Point[] | null, Point[] | null] {
  const pos: Point[] = [], neg: Point[] = [];
  const val = poly.map((p) => a[0] * p[0] + a[1] * p[1] + e);
  for (let i = 0; i < poly.length; i++) {
    const j = (i + 1) % poly.length;
    const p = poly[i], q = poly[j], fp = val[i], fq = val[j];
    if (fp > 0) pos.push(p);
    else if (fp < 0) neg.push(p);
    else {
      pos.push(p);
      neg.push(p);
    }
    if ((fp > 0 && fq < 0) || (fp < 0 && fq > 0)) {
      const t = fp / (fp - fq);
      const x: Point = [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
      pos.push(x);
      neg.push(x);
    }
  }
  return [pos.length >= 3 ? pos : null, neg.length >= 3 ? neg : null];
}

function area(poly: Point[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i], q = poly[(i + 1) % poly.length];
    s += p[0] * q[1] - q[0] * p[1];
  }
  return Math.abs(s) / 2;
}

/** A cell being refined: its shape, its pattern so far, and the affine map to the current layer's input. */
interface Cell<S> {
  shape: S;
  pattern: number[];
  /** [m, k]: the current features as `A·p + c` of the cell's coordinates p (k = 1 or 2). */
  a: Float64Array;
  c: Float64Array;
}

/**
 * Refines cells through the layers: each ReLU unit's pre-activation is affine on a cell, so it
 * splits the cell in two; after a layer, the kept units give the next affine map.
 */
function refine<S>(
  layers: readonly Layer[],
  start: Cell<S>,
  k: number,
  split: (shape: S, a: number[], e: number) => [S | null, S | null],
): { cells: Cell<S>[]; outA: Float64Array[]; outC: Float64Array[] } {
  let cells = [start];
  for (const l of layers) {
    const next: Cell<S>[] = [];
    for (const cell of cells) {
      // z = W (A p + c) + b = (W A) p + (W c + b)
      const za = new Float64Array(l.outF * k), zc = new Float64Array(l.outF);
      for (let o = 0; o < l.outF; o++) {
        let s = l.b[o];
        for (let j = 0; j < l.inF; j++) {
          const w = l.w[o * l.inF + j];
          s += w * cell.c[j];
          for (let t = 0; t < k; t++) za[o * k + t] += w * cell.a[j * k + t];
        }
        zc[o] = s;
      }
      if (!l.relu) {
        next.push({ shape: cell.shape, pattern: cell.pattern, a: za, c: zc });
        continue;
      }
      let parts: { shape: S; bits: number[] }[] = [{ shape: cell.shape, bits: [] }];
      for (let o = 0; o < l.outF; o++) {
        const grad = Array.from(za.subarray(o * k, o * k + k));
        const more: { shape: S; bits: number[] }[] = [];
        for (const part of parts) {
          const [on, off] = split(part.shape, grad, zc[o]);
          if (on !== null) more.push({ shape: on, bits: [...part.bits, 1] });
          if (off !== null) more.push({ shape: off, bits: [...part.bits, 0] });
        }
        parts = more;
      }
      for (const part of parts) {
        const a = za.slice(), c = zc.slice();
        part.bits.forEach((bit, o) => {
          if (bit === 0) {
            c[o] = 0;
            a.fill(0, o * k, o * k + k);
          }
        });
        next.push({ shape: part.shape, pattern: [...cell.pattern, ...part.bits], a, c });
      }
    }
    cells = next;
  }
  return {
    cells,
    outA: cells.map((cell) => cell.a),
    outC: cells.map((cell) => cell.c),
  };
}

/**
 * The exact linear regions of a ReLU network (a `Sequential` of `Linear` and `ReLU` layers) on a
 * rectangle of a 2-D slice of its input space: convex polygons, each with its activation pattern
 * and the affine map the network computes there. Regions of zero area (where a unit's hyperplane
 * only touches) are dropped. Adjacent regions can compute the same affine map: regions are
 * patterns, not distinct maps. Exponential in the worst case: for small networks.
 *
 * @example
 * ```ts
 * import { linearRegions } from "@nnc/models/insight";
 * import { Linear, ReLU, Sequential } from "@nnc/layers";
 * const l = new Linear(2, 3, { dtype: "float64" });
 * l.weight.data.data.set([1, 0, 0, 1, 1, 1]); // three lines through the origin: 6 regions
 * l.bias!.data.data.set([0, 0, 0]);
 * const regions = linearRegions(new Sequential(l, new ReLU()), { bounds: [[-1, 1], [-1, 1]] });
 * console.assert(regions.length === 6);
 * ```
 */
export function linearRegions(net: Sequential, slice: PlaneSlice): LinearRegion[] {
  const op = "linearRegions";
  const layers = layersOf(net, op);
  const d = layers[0].inF;
  const plane = planeOf(slice, d, op);
  const [[u0, u1], [v0, v1]] = plane.bounds;
  const box: Point[] = [[u0, v0], [u1, v0], [u1, v1], [u0, v1]];
  const minArea = (u1 - u0) * (v1 - v0) * 1e-12;
  const { cells, outA, outC } = refine<Point[]>(
    layers,
    { shape: box, pattern: [], a: plane.dirs, c: plane.origin },
    2,
    (poly, a, e) => {
      const [p, q] = splitPolygon(poly, [a[0], a[1]], e);
      return [
        p !== null && area(p) > minArea ? p : null,
        q !== null && area(q) > minArea ? q : null,
      ];
    },
  );
  const outF = layers[layers.length - 1].outF;
  return cells.map((cell, i) => ({
    polygon: cell.shape,
    pattern: cell.pattern,
    gradient: Array.from(
      { length: outF },
      (_, o) => [outA[i][o * 2], outA[i][o * 2 + 1]] as [number, number],
    ),
    offset: Array.from(outC[i]),
    area: area(cell.shape),
  }));
}

/**
 * One linear piece of a ReLU network of one input on an interval.
 *
 * @example
 * ```ts
 * import type { LinearPiece } from "@nnc/models/insight";
 * const width = (p: LinearPiece) => p.end - p.start;
 * console.assert(typeof width === "function");
 * ```
 */
export interface LinearPiece {
  /** Left end. */
  start: number;
  /** Right end. */
  end: number;
  /** Its activation pattern (0/1 per ReLU unit, in layer order). */
  pattern: number[];
  /** The output there is `slope[o]·x + intercept[o]` for each output o. */
  slope: number[];
  /** See {@link LinearPiece.slope}. */
  intercept: number[];
}

/**
 * The exact linear pieces of a ReLU network with one input on `[a, b]`, left to right, with their
 * activation patterns and affine maps; the breakpoints are the pieces' inner ends. Pieces are
 * patterns: two neighbours can share a slope.
 *
 * @example
 * ```ts
 * import { linearPieces } from "@nnc/models/insight";
 * import { Linear, ReLU, Sequential } from "@nnc/layers";
 * const hidden = new Linear(1, 2, { dtype: "float64" }), out = new Linear(2, 1, { dtype: "float64" });
 * hidden.weight.data.data.set([1, 1]);
 * hidden.bias!.data.data.set([0, -1]); // kinks at 0 and 1
 * out.weight.data.data.set([1, -2]);
 * out.bias!.data.data.set([0]);
 * const pieces = linearPieces(new Sequential(hidden, new ReLU(), out), [-1, 2]);
 * console.assert(pieces.map((p) => p.slope[0]).join() === "0,1,-1");
 * ```
 */
export function linearPieces(net: Sequential, interval: readonly [number, number]): LinearPiece[] {
  const op = "linearPieces";
  const layers = layersOf(net, op);
  if (layers[0].inF !== 1) {
    throw new RangeError(
      `${op}: net must take one input, got ${layers[0].inF} (use linearRegions for a 2-D slice)`,
    );
  }
  if (
    !Array.isArray(interval) || interval.length !== 2 || !interval.every(Number.isFinite) ||
    !(interval[0] < interval[1])
  ) {
    throw new RangeError(`${op}: interval must be [a, b] with a < b, got ${describe(interval)}`);
  }
  const minLength = (interval[1] - interval[0]) * 1e-12;
  const { cells, outA, outC } = refine<[number, number]>(
    layers,
    {
      shape: [interval[0], interval[1]],
      pattern: [],
      a: Float64Array.of(1),
      c: Float64Array.of(0),
    },
    1,
    ([lo, hi], a, e) => {
      const s = a[0];
      if (s === 0) return e > 0 ? [[lo, hi], null] : [null, [lo, hi]];
      const root = -e / s;
      if (root <= lo || root >= hi) {
        const on = s * (lo + hi) / 2 + e > 0;
        return on ? [[lo, hi], null] : [null, [lo, hi]];
      }
      const left: [number, number] = [lo, root], right: [number, number] = [root, hi];
      const keep = (p: [number, number]) => (p[1] - p[0] > minLength ? p : null);
      return s > 0 ? [keep(right), keep(left)] : [keep(left), keep(right)];
    },
  );
  return cells.map((cell, i) => ({
    start: cell.shape[0],
    end: cell.shape[1],
    pattern: cell.pattern,
    slope: Array.from(outA[i]),
    intercept: Array.from(outC[i]),
  })).sort((p, q) => p.start - q.start);
}
