// The builder behind xyChart, contourChart and histogramChart: checks layers, assigns legend
// colours and symbols, fits the plotted ranges and writes one Vega-Lite layer per chart layer.
//
// The legend is one merged legend over the field `series`: every layer colours by it with the
// same scale, and an invisible carrier layer (one point per legend entry) adds the shape channel,
// so that each entry shows its own symbol (its marker for points, a solid or dashed bar for
// lines, a square for areas).
import { checkBool, checkFunction, checkInt, checkNumber, describe } from "@nnc/tensor";
import {
  chartSize,
  checkRange,
  legendSpec,
  numbersOf,
  optionalString,
  paddedExtent,
  PALETTE,
} from "./_common.ts";
import { decisionRuns, type RegionRun } from "./scatter_chart.ts";
import type { MarkerShape, XYChartOptions, XYLayer } from "./xy_chart.ts";
import type { VegaLiteSpec } from "./vega.ts";

/** Plotted ranges. */
export interface Domain {
  x: [number, number];
  y: [number, number];
}

const SHAPES: readonly MarkerShape[] = [
  "circle",
  "square",
  "diamond",
  "cross",
  "triangle-up",
  "triangle-down",
  "x",
];

/** Vega symbol shapes of the markers (an SVG path on the unit square for the diagonal cross). */
const VEGA_SHAPE: Record<MarkerShape, string> = {
  circle: "circle",
  square: "square",
  diamond: "diamond",
  cross: "cross",
  "triangle-up": "triangle-up",
  "triangle-down": "triangle-down",
  x: "M-1,-0.7L-0.7,-1L0,-0.3L0.7,-1L1,-0.7L0.3,0L1,0.7L0.7,1L0,0.3L-0.7,1L-1,0.7L-0.3,0Z",
};
const DARK = "#333";

interface Entry {
  name: string;
  color: string;
  shape: string;
  dash: [number, number];
}

/** Legend entries in order of first appearance, and the colours of unnamed layers. */
export class Legend {
  readonly entries: Entry[] = [];
  #next = 0;

  /** The entry of `name`, created with the next palette colour unless `color` is given. */
  add(name: string, symbol: string, color?: string, dashed = false): Entry {
    let e = this.entries.find((e) => e.name === name);
    if (!e) {
      e = { name, color: color ?? this.nextColor(), shape: symbol, dash: dashed ? [6, 4] : [1, 0] };
      this.entries.push(e);
    }
    return e;
  }

  /** The next palette colour. */
  nextColor(): string {
    return PALETTE[this.#next++ % PALETTE.length];
  }
}

/** A chart layer after checking: coordinates as arrays, names resolved. */
export type Checked =
  | {
    type: "points";
    x: number[];
    y: number[];
    series: string[] | null;
    color: string;
    shape: MarkerShape;
    size: number;
    labels: readonly string[] | null;
  }
  | {
    type: "line";
    x: number[];
    y: number[];
    series: string | null;
    color: string;
    dashed: boolean;
    width: number;
    points: boolean;
    arrows: boolean;
  }
  | { type: "text"; x: number[]; y: number[]; text: readonly string[]; color: string }
  | {
    type: "polygon";
    x: number[];
    y: number[];
    series: string | null;
    color: string;
    opacity: number;
    outline: boolean;
  }
  | {
    type: "regions";
    layer: Extract<XYLayer, { type: "regions" }>;
    resolution: number;
    opacity: number;
  };

function coords(l: { x: unknown; y: unknown }, op: string, at: string): [number[], number[]] {
  const x = numbersOf(l.x, op, `${at}.x`), y = numbersOf(l.y, op, `${at}.y`);
  if (x.length !== y.length) {
    throw new RangeError(`${op}: ${at} has ${x.length} x but ${y.length} y coordinates`);
  }
  return [x, y];
}

function strings(v: unknown, n: number, op: string, name: string): readonly string[] {
  if (!Array.isArray(v) || v.length !== n || !v.every((s) => typeof s === "string")) {
    throw new TypeError(`${op}: ${name} must be an array of ${n} strings, got ${describe(v)}`);
  }
  return v;
}

/** Checks the layers and registers their legend entries. */
export function checkLayers(layers: readonly XYLayer[], legend: Legend, op: string): Checked[] {
  if (!Array.isArray(layers)) {
    throw new TypeError(`${op}: layers must be an array, got ${describe(layers)}`);
  }
  return layers.map((l, i): Checked => {
    const at = `layers[${i}]`;
    if (l === null || typeof l !== "object") {
      throw new TypeError(`${op}: ${at} must be a layer object, got ${describe(l)}`);
    }
    const name = optionalString((l as { name?: unknown }).name, op, `${at}.name`);
    const color = optionalString((l as { color?: unknown }).color, op, `${at}.color`);
    switch (l.type) {
      case "points": {
        const [x, y] = coords(l, op, at);
        const shape: MarkerShape = l.shape ?? "circle";
        if (!SHAPES.includes(shape)) {
          throw new RangeError(
            `${op}: ${at}.shape must be one of ${SHAPES.join(", ")}, got ${describe(shape)}`,
          );
        }
        let series: string[] | null = null;
        if (l.groups !== undefined) {
          series = [...strings(l.groups, x.length, op, `${at}.groups`)];
          for (const g of series) legend.add(g, VEGA_SHAPE[shape]);
        } else if (name !== undefined) {
          series = x.map(() => name);
          legend.add(name, VEGA_SHAPE[shape], color);
        }
        return {
          type: "points",
          x,
          y,
          series,
          color: color ?? DARK,
          shape,
          size: checkNumber(l.size ?? 3, op, `${at}.size`, 0, 100),
          labels: l.labels === undefined ? null : strings(l.labels, x.length, op, `${at}.labels`),
        };
      }
      case "line": {
        const [x, y] = coords(l, op, at);
        const dashed = checkBool(l.dashed ?? false, op, `${at}.dashed`);
        const c = name !== undefined
          ? legend.add(name, "stroke", color, dashed).color
          : color ?? legend.nextColor();
        return {
          type: "line",
          x,
          y,
          series: name ?? null,
          color: c,
          dashed,
          width: checkNumber(l.width ?? 2, op, `${at}.width`, 0, 100),
          points: checkBool(l.points ?? false, op, `${at}.points`),
          arrows: checkBool(l.arrows ?? false, op, `${at}.arrows`),
        };
      }
      case "text": {
        const [x, y] = coords(l, op, at);
        return {
          type: "text",
          x,
          y,
          text: strings(l.text, x.length, op, `${at}.text`),
          color: color ?? DARK,
        };
      }
      case "polygon": {
        const [x, y] = coords(l, op, at);
        if (x.length > 0 && x.length < 3) {
          throw new RangeError(`${op}: ${at} needs at least 3 vertices, got ${x.length}`);
        }
        const c = name !== undefined ? legend.add(name, "square", color).color : color ?? DARK;
        return {
          type: "polygon",
          x,
          y,
          series: name ?? null,
          color: c,
          opacity: checkNumber(l.opacity ?? 0.25, op, `${at}.opacity`, 0, 1),
          outline: checkBool(l.outline ?? false, op, `${at}.outline`),
        };
      }
      case "regions": {
        checkFunction(l.classify, op, `${at}.classify`);
        if (l.names !== undefined) {
          for (const n of strings(l.names, l.names?.length ?? 0, op, `${at}.names`)) {
            legend.add(n, "square");
          }
        }
        return {
          type: "regions",
          layer: l,
          resolution: checkInt(l.resolution ?? 80, op, `${at}.resolution`, 1, 1000),
          opacity: checkNumber(l.opacity ?? 0.25, op, `${at}.opacity`, 0, 1),
        };
      }
      default:
        throw new RangeError(
          `${op}: ${at}.type must be one of "points", "line", "text", "polygon", "regions", got ${
            describe((l as { type?: unknown }).type)
          }`,
        );
    }
  });
}

/** The plotted ranges: given sides as they are, the others fitted to the layers, then equalised. */
export function fitDomain(
  checked: readonly Checked[],
  o: XYChartOptions,
  size: { width: number; height: number },
  op: string,
): Domain {
  const xs: number[] = [], ys: number[] = [];
  for (const l of checked) {
    if (l.type === "regions") continue;
    for (let i = 0; i < l.x.length; i++) {
      if (Number.isFinite(l.x[i]) && Number.isFinite(l.y[i]) && (!o.logY || l.y[i] > 0)) {
        xs.push(l.x[i]);
        ys.push(l.y[i]);
      }
    }
  }
  const d = o.domain ?? {};
  if (d === null || typeof d !== "object") {
    throw new TypeError(`${op}: domain must be { x?, y? }, got ${describe(d)}`);
  }
  const x = d.x !== undefined ? checkRange(d.x, op, "domain.x") : paddedExtent(xs, 0.05);
  const y = d.y !== undefined
    ? checkRange(d.y, op, "domain.y")
    : o.logY
    ? logExtent(ys)
    : paddedExtent(ys, 0.05);
  if (o.logY && !(y[0] > 0)) {
    throw new RangeError(
      `${op}: a logarithmic y axis needs domain.y above 0, got [${y.join(", ")}]`,
    );
  }
  if (checkBool(o.equalAspect ?? false, op, "equalAspect")) {
    if (o.logY) throw new RangeError(`${op}: equalAspect needs a linear y axis`);
    return equalAspect({ x, y }, size);
  }
  return { x, y };
}

/** The domain widened on one side so that a unit has the same length in pixels on both axes. */
export function equalAspect(d: Domain, size: { width: number; height: number }): Domain {
  const s = Math.max((d.x[1] - d.x[0]) / size.width, (d.y[1] - d.y[0]) / size.height);
  const cx = (d.x[0] + d.x[1]) / 2, cy = (d.y[0] + d.y[1]) / 2;
  return {
    x: [cx - (s * size.width) / 2, cx + (s * size.width) / 2],
    y: [cy - (s * size.height) / 2, cy + (s * size.height) / 2],
  };
}

function logExtent(vs: number[]): [number, number] {
  const pos = vs.filter((v) => v > 0);
  if (pos.length === 0) return [0.1, 10];
  const lo = Math.min(...pos), hi = Math.max(...pos);
  return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi === lo ? hi * 10 : hi))];
}

/** The x and y encodings of a layer whose fields are `fx` and `fy`. */
export function axes(
  domain: Domain,
  o: XYChartOptions,
  fx = "x",
  fy = "y",
): Record<string, unknown> {
  return {
    x: {
      field: fx,
      type: "quantitative",
      title: o.xLabel ?? null,
      scale: { domain: domain.x, nice: false, zero: false },
    },
    y: {
      field: fy,
      type: "quantitative",
      title: o.yLabel ?? null,
      scale: o.logY
        ? { type: "log", domain: domain.y, nice: false }
        : { domain: domain.y, nice: false, zero: false },
    },
  };
}

/** Colour by the legend entry in the field `series`. */
export function seriesColor(
  legend: Legend,
  spec: Record<string, unknown> | null,
): Record<string, unknown> {
  return {
    color: {
      field: "series",
      type: "nominal",
      scale: {
        domain: legend.entries.map((e) => e.name),
        range: legend.entries.map((e) => e.color),
      },
      legend: spec,
    },
  };
}

/** The legend spec of a chart with layers (symbols at full opacity whatever the marks'). */
export function legendOfChart(o: XYChartOptions, op: string): Record<string, unknown> | null {
  const L = legendSpec(o.legend, op);
  return L === null ? null : { ...L, symbolOpacity: 1 };
}

/** The Vega-Lite layers of the checked chart layers. */
export function markLayers(
  checked: readonly Checked[],
  legend: Legend,
  domain: Domain,
  o: XYChartOptions,
  size: { width: number; height: number },
  op: string,
): VegaLiteSpec[] {
  const legendOf = legendOfChart(o, op);
  const ax = axes(domain, o);
  // Regions name their classes only once evaluated: register those entries before the colours.
  const regionRuns = new Map<Checked, { run: RegionRun; series: string }[]>();
  for (const l of checked) {
    if (l.type !== "regions") continue;
    const names = l.layer.names ?? [];
    regionRuns.set(
      l,
      decisionRuns(l.layer.classify, domain, l.resolution).map((run) => {
        const series = names[run.cls] ?? String(run.cls);
        legend.add(series, "square");
        return { run, series };
      }),
    );
  }
  const byColor = seriesColor(legend, legendOf);
  const out: VegaLiteSpec[] = [];
  const ty = (v: number) => (o.logY ? Math.log10(v) : v);
  const [ty0, ty1] = [ty(domain.y[0]), ty(domain.y[1])];
  const sx = size.width / (domain.x[1] - domain.x[0]), sy = size.height / (ty1 - ty0);
  for (const l of checked) {
    switch (l.type) {
      case "regions":
        out.push(regionLayer(regionRuns.get(l) ?? [], legend, l.opacity, domain, l.resolution, ax));
        break;
      case "polygon": {
        const rows = l.x.map((x, i) => ({ x, y: l.y[i], i, series: l.series }));
        out.push({
          data: { values: rows },
          mark: {
            type: "line",
            clip: true,
            interpolate: "linear-closed",
            filled: true,
            fillOpacity: l.opacity,
            strokeWidth: l.outline ? 1 : 0,
            ...(l.series === null ? { color: l.color } : {}),
          },
          encoding: { ...ax, order: { field: "i" }, ...(l.series === null ? {} : byColor) },
        });
        break;
      }
      case "line": {
        const rows: Record<string, unknown>[] = [];
        const arrows: Record<string, unknown>[] = [];
        for (let i = 0; i < l.x.length; i++) {
          if (!Number.isFinite(l.x[i]) || !Number.isFinite(l.y[i])) continue;
          rows.push({ x: l.x[i], y: l.y[i], i, series: l.series });
        }
        if (l.arrows) {
          for (let k = 1; k < rows.length; k++) {
            const p = rows[k - 1] as { x: number; y: number },
              q = rows[k] as { x: number; y: number };
            const dx = (q.x - p.x) * sx, dy = (ty(q.y) - ty(p.y)) * sy;
            if (dx === 0 && dy === 0) continue;
            const my = o.logY ? 10 ** ((ty(p.y) + ty(q.y)) / 2) : (p.y + q.y) / 2;
            arrows.push({
              x: (p.x + q.x) / 2,
              y: my,
              angle: (Math.atan2(dx, dy) * 180) / Math.PI,
              series: l.series,
            });
          }
        }
        const fixed = l.series === null ? { color: l.color } : {};
        out.push({
          data: { values: rows },
          mark: {
            type: "line",
            clip: true,
            strokeWidth: l.width,
            ...(l.dashed ? { strokeDash: [6, 4] } : {}),
            ...(l.points ? { point: { filled: true, size: 4 * Math.PI * l.width ** 2 } } : {}),
            ...fixed,
          },
          encoding: { ...ax, order: { field: "i" }, ...(l.series === null ? {} : byColor) },
        });
        if (arrows.length > 0) {
          out.push({
            data: { values: arrows },
            mark: {
              type: "point",
              clip: true,
              shape: "triangle",
              filled: true,
              size: 30 * l.width ** 2,
              opacity: 1,
              ...fixed,
            },
            encoding: {
              ...ax,
              angle: { field: "angle", type: "quantitative", scale: null },
              ...(l.series === null ? {} : byColor),
            },
          });
        }
        break;
      }
      case "points": {
        const rows: Record<string, unknown>[] = [];
        const labels: Record<string, unknown>[] = [];
        for (let i = 0; i < l.x.length; i++) {
          if (!Number.isFinite(l.x[i]) || !Number.isFinite(l.y[i])) continue;
          rows.push({ x: l.x[i], y: l.y[i], series: l.series?.[i] ?? null });
          if (l.labels) labels.push({ x: l.x[i], y: l.y[i], text: l.labels[i] });
        }
        out.push({
          data: { values: rows },
          mark: {
            type: "point",
            clip: true,
            shape: VEGA_SHAPE[l.shape],
            filled: true,
            opacity: 1,
            size: Math.PI * l.size ** 2,
            stroke: DARK,
            strokeWidth: l.shape === "cross" || l.shape === "x" ? 0 : 0.6,
            ...(l.series === null ? { color: l.color } : {}),
          },
          encoding: { ...ax, ...(l.series === null ? {} : byColor) },
        });
        if (labels.length > 0) out.push(textLayer(labels, DARK, ax));
        break;
      }
      case "text":
        out.push(textLayer(l.x.map((x, i) => ({ x, y: l.y[i], text: l.text[i] })), l.color, ax));
        break;
    }
  }
  if (legend.entries.length > 0) out.unshift(legendCarrier(legend, legendOf, domain, ax));
  return out;
}

/**
 * Decision-region runs as opaque rectangles in the legend colour faded towards white. Each run
 * reaches half a cell into the next run and the next row, which are drawn after it and cover the
 * overlap: no anti-aliasing seams between neighbouring cells.
 */
function regionLayer(
  runs: readonly { run: RegionRun; series: string }[],
  legend: Legend,
  opacity: number,
  domain: Domain,
  resolution: number,
  ax: Record<string, unknown>,
): VegaLiteSpec {
  const hx = (domain.x[1] - domain.x[0]) / resolution / 2;
  const hy = (domain.y[1] - domain.y[0]) / resolution / 2;
  const fills = new Map(legend.entries.map((e) => [e.name, fade(e.color, opacity)]));
  return {
    data: {
      values: runs.map(({ run, series }) => ({
        x: run.x,
        x2: Math.min(run.x2 + hx, domain.x[1]),
        y: run.y,
        y2: Math.min(run.y2 + hy, domain.y[1]),
        series,
        fill: fills.get(series),
      })),
    },
    mark: { type: "rect", strokeWidth: 0, clip: true },
    encoding: {
      ...ax,
      x2: { field: "x2" },
      y2: { field: "y2" },
      fill: { field: "fill", scale: null },
    },
  };
}

/** A `#rrggbb` colour mixed with white: `opacity` of the colour, the rest white. */
export function fade(color: string, opacity: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const v = parseInt(m[1], 16);
  const ch = (shift: number) =>
    Math.round(255 - opacity * (255 - ((v >> shift) & 255))).toString(16).padStart(2, "0");
  return `#${ch(16)}${ch(8)}${ch(0)}`;
}

function textLayer(
  rows: Record<string, unknown>[],
  color: string,
  ax: Record<string, unknown>,
): VegaLiteSpec {
  return {
    data: { values: rows },
    mark: {
      type: "text",
      clip: true,
      align: "left",
      baseline: "bottom",
      dx: 5,
      dy: -4,
      fontSize: 11,
      color,
    },
    encoding: { ...ax, text: { field: "text" } },
  };
}

/** Legend symbols of lines: thin bars (a solid and a dashed one) as SVG paths on the unit square. */
const LINE_SYMBOL = "M-1,-0.15H1V0.15H-1Z";
const DASHED_SYMBOL = "M-1,-0.15H-0.25V0.15H-1ZM0.25,-0.15H1V0.15H0.25Z";

/** Invisible points, one per legend entry, that give each entry its own symbol. */
function legendCarrier(
  legend: Legend,
  spec: Record<string, unknown> | null,
  domain: Domain,
  ax: Record<string, unknown>,
): VegaLiteSpec {
  const names = legend.entries.map((e) => e.name);
  const channel = (range: unknown[]) => ({
    field: "series",
    type: "nominal",
    scale: { domain: names, range },
    legend: spec,
  });
  const symbol = (e: Entry) =>
    e.shape !== "stroke" ? e.shape : e.dash[1] > 0 ? DASHED_SYMBOL : LINE_SYMBOL;
  return {
    data: { values: names.map((series) => ({ x: domain.x[0], y: domain.y[0], series })) },
    mark: { type: "point", filled: true, opacity: 0 },
    encoding: {
      ...ax,
      color: channel(legend.entries.map((e) => e.color)),
      shape: channel(legend.entries.map(symbol)),
    },
  };
}

/** The whole spec of a chart made of layers (xyChart). */
export function xySpec(layers: readonly XYLayer[], o: XYChartOptions, op: string): VegaLiteSpec {
  const size = chartSize(o, op);
  const legend = new Legend();
  const checked = checkLayers(layers, legend, op);
  const domain = fitDomain(checked, o, size, op);
  return {
    ...(o.title ? { title: o.title } : {}),
    ...size,
    layer: markLayers(checked, legend, domain, o, size, op),
  };
}
