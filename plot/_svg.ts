// A small self-contained SVG chart writer for the examples: scatter plots over coloured decision cells
// (Voronoi regions), line charts, segments and labels. A later plot module may replace it.

/** Colours for categories (Tableau 10). */
export const PALETTE: readonly string[] = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

/** Options of {@link SvgPlot}. */
export interface PlotOptions {
  /** Width in pixels. Default 640. */
  width?: number;
  /** Height in pixels. Default 440. */
  height?: number;
  /** Title above the plot area. */
  title?: string;
  /** Label of the horizontal axis. */
  xLabel?: string;
  /** Label of the vertical axis. */
  yLabel?: string;
  /** Fixed x range; otherwise fitted to the data with a margin. */
  xDomain?: [number, number];
  /** Fixed y range; otherwise fitted to the data with a margin. */
  yDomain?: [number, number];
  /** Logarithmic y axis. */
  logY?: boolean;
  /** Keep one data unit the same length on both axes. */
  equalAspect?: boolean;
  /** Where the legend goes: a corner of the plot area or outside on the right. Default top-right. */
  legend?: "top-right" | "top-left" | "bottom-right" | "bottom-left" | "outside";
}

/** Style of a marker layer. */
export interface PointStyle {
  /** One colour, or a colour per point. */
  color?: string | readonly string[];
  /** Radius in pixels. Default 4. */
  radius?: number;
  /** Marker shape. Default circle. */
  marker?: "circle" | "square" | "cross" | "diamond";
  /** Legend entry. */
  label?: string;
  /** Outline colour. Default a dark grey. */
  stroke?: string;
}

/** Style of a line. */
export interface LineStyle {
  /** Colour. Default the next palette colour. */
  color?: string;
  /** Stroke width. Default 2. */
  width?: number;
  /** Dashed line. */
  dashed?: boolean;
  /** Legend entry. */
  label?: string;
}

type Element =
  | { kind: "points"; xs: number[]; ys: number[]; style: PointStyle }
  | { kind: "line"; xs: number[]; ys: number[]; style: LineStyle }
  | { kind: "text"; x: number; y: number; text: string; color: string }
  | {
    kind: "cells";
    classify: (x: number, y: number) => number;
    resolution: number;
    colors: readonly string[];
    opacity: number;
  };

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (
  v: number,
): string => (Math.abs(v) < 1e-12 ? "0" : Number(v.toPrecision(6)).toString());

/** "Nice" tick values (1, 2, 5 × 10^k steps) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number((Math.round(v / step) * step).toPrecision(12)));
  }
  return out;
}

/** An SVG chart built from layers, rendered by {@link SvgPlot.render}. */
export class SvgPlot {
  #o: Required<Pick<PlotOptions, "width" | "height">> & PlotOptions;
  #els: Element[] = [];
  #nextColor = 0;

  /** A chart with the given size, titles and (optionally) fixed ranges. */
  constructor(options: PlotOptions = {}) {
    this.#o = { width: 640, height: 440, ...options };
  }

  /** Adds a marker layer. */
  points(xs: readonly number[], ys: readonly number[], style: PointStyle = {}): this {
    this.#els.push({
      kind: "points",
      xs: [...xs],
      ys: [...ys],
      style: { ...style, color: style.color ?? this.#color() },
    });
    return this;
  }

  /** Adds a polyline (a series of a line chart, a trajectory, a boundary segment). */
  line(xs: readonly number[], ys: readonly number[], style: LineStyle = {}): this {
    this.#els.push({
      kind: "line",
      xs: [...xs],
      ys: [...ys],
      style: { ...style, color: style.color ?? this.#color() },
    });
    return this;
  }

  /** Adds a text label at data coordinates. */
  text(x: number, y: number, text: string, color = "#222"): this {
    this.#els.push({ kind: "text", x, y, text, color });
    return this;
  }

  /**
   * Colours the plot area by `classify(x, y)` (a category index) on a grid of `resolution` cells per
   * axis: Voronoi cells of k-means centres, decision regions of a classifier.
   */
  cells(
    classify: (x: number, y: number) => number,
    resolution = 120,
    colors: readonly string[] = PALETTE,
    opacity = 0.25,
  ): this {
    this.#els.push({ kind: "cells", classify, resolution, colors, opacity });
    return this;
  }

  #color(): string {
    return PALETTE[this.#nextColor++ % PALETTE.length];
  }

  #domains(): [[number, number], [number, number]] {
    const xs: number[] = [], ys: number[] = [];
    for (const e of this.#els) {
      if (e.kind === "points" || e.kind === "line") {
        xs.push(...e.xs);
        ys.push(...e.ys.filter((v) => !this.#o.logY || v > 0));
      } else if (e.kind === "text") {
        xs.push(e.x);
        ys.push(e.y);
      }
    }
    const fit = (v: number[], log = false): [number, number] => {
      const f = v.filter(Number.isFinite);
      if (f.length === 0) return [0, 1];
      let lo = Math.min(...f), hi = Math.max(...f);
      if (log) return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))];
      if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
      const pad = (hi - lo) * 0.08;
      return [lo - pad, hi + pad];
    };
    let xd = this.#o.xDomain ?? fit(xs);
    let yd = this.#o.yDomain ?? fit(ys, this.#o.logY);
    if (this.#o.equalAspect) [xd, yd] = this.#equalize(xd, yd);
    return [xd, yd];
  }

  #equalize(xd: [number, number], yd: [number, number]): [[number, number], [number, number]] {
    const [pw, ph] = this.#plotSize();
    const sx = (xd[1] - xd[0]) / pw, sy = (yd[1] - yd[0]) / ph;
    const s = Math.max(sx, sy);
    const cx = (xd[0] + xd[1]) / 2, cy = (yd[0] + yd[1]) / 2;
    return [[cx - (s * pw) / 2, cx + (s * pw) / 2], [cy - (s * ph) / 2, cy + (s * ph) / 2]];
  }

  #plotSize(): [number, number] {
    const extra = this.#o.legend === "outside" ? this.#legendWidth() + 16 : 0;
    return [this.#o.width - 80 - extra, this.#o.height - 90];
  }

  #legendEntries(): Extract<Element, { kind: "points" | "line" }>[] {
    return this.#els.filter((e): e is Extract<Element, { kind: "points" | "line" }> =>
      (e.kind === "points" || e.kind === "line") && e.style.label !== undefined
    );
  }

  #legendWidth(): number {
    const entries = this.#legendEntries();
    return entries.length === 0
      ? 0
      : 12 + 7 * Math.max(...entries.map((e) => (e.style.label as string).length)) + 28;
  }

  /** The chart as an SVG document. */
  render(): string {
    const { width, height } = this.#o;
    const [pw, ph] = this.#plotSize();
    const left = 64, top = 40;
    const [xd, yd] = this.#domains();
    const log = this.#o.logY === true;
    const ty = (v: number) => (log ? Math.log10(Math.max(v, 1e-300)) : v);
    const [y0, y1] = [ty(yd[0]), ty(yd[1])];
    const X = (v: number) => left + ((v - xd[0]) / (xd[1] - xd[0])) * pw;
    const Y = (v: number) => top + ph - ((ty(v) - y0) / (y1 - y0)) * ph;
    const out: string[] = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
      `<rect width="${width}" height="${height}" fill="white"/>`,
      `<defs><clipPath id="area"><rect x="${left}" y="${top}" width="${pw}" height="${ph}"/></clipPath></defs>`,
    ];
    // Axes and grid.
    const xt = niceTicks(xd[0], xd[1]);
    const yt = log
      ? Array.from({ length: Math.round(y1 - y0) + 1 }, (_, i) => 10 ** (Math.round(y0) + i))
      : niceTicks(yd[0], yd[1]);
    for (const v of xt) {
      out.push(`<line x1="${X(v)}" y1="${top}" x2="${X(v)}" y2="${top + ph}" stroke="#eee"/>`);
      out.push(
        `<text x="${X(v)}" y="${top + ph + 16}" text-anchor="middle" fill="#444">${fmt(v)}</text>`,
      );
    }
    for (const v of yt) {
      out.push(`<line x1="${left}" y1="${Y(v)}" x2="${left + pw}" y2="${Y(v)}" stroke="#eee"/>`);
      out.push(
        `<text x="${left - 6}" y="${Y(v) + 4}" text-anchor="end" fill="#444">${
          log ? `1e${Math.round(Math.log10(v))}` : fmt(v)
        }</text>`,
      );
    }
    out.push(`<g clip-path="url(#area)">`);
    for (const e of this.#els) out.push(this.#renderElement(e, X, Y, xd, yd, left, top, pw, ph));
    out.push(`</g>`);
    out.push(
      `<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#555"/>`,
    );
    if (this.#o.title) {
      out.push(
        `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${
          esc(this.#o.title)
        }</text>`,
      );
    }
    if (this.#o.xLabel) {
      out.push(
        `<text x="${left + pw / 2}" y="${height - 12}" text-anchor="middle">${
          esc(this.#o.xLabel)
        }</text>`,
      );
    }
    if (this.#o.yLabel) {
      out.push(
        `<text x="16" y="${top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${
          top + ph / 2
        })">${esc(this.#o.yLabel)}</text>`,
      );
    }
    const lw = this.#legendWidth(), lh = this.#legendEntries().length * 18 + 8;
    const where = this.#o.legend ?? "top-right";
    const lx = where === "outside"
      ? left + pw + 12 + lw
      : where.endsWith("left")
      ? left + 8 + lw
      : left + pw - 8;
    const ly = where.startsWith("bottom") ? top + ph - 8 - lh : top + 8;
    out.push(this.#legend(lx, ly));
    out.push(`</svg>`);
    return out.join("\n");
  }

  #renderElement(
    e: Element,
    X: (v: number) => number,
    Y: (v: number) => number,
    xd: [number, number],
    yd: [number, number],
    left: number,
    top: number,
    pw: number,
    ph: number,
  ): string {
    switch (e.kind) {
      case "cells": {
        const r = e.resolution, cw = pw / r, chh = ph / r;
        const parts: string[] = [];
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < r; j++) {
            const x = xd[0] + ((i + 0.5) / r) * (xd[1] - xd[0]);
            const y = yd[1] - ((j + 0.5) / r) * (yd[1] - yd[0]);
            const c =
              e.colors[((e.classify(x, y) % e.colors.length) + e.colors.length) % e.colors.length];
            parts.push(
              `<rect x="${(left + i * cw).toFixed(2)}" y="${(top + j * chh).toFixed(2)}" width="${
                (cw + 0.4).toFixed(2)
              }" height="${(chh + 0.4).toFixed(2)}" fill="${c}"/>`,
            );
          }
        }
        return `<g opacity="${e.opacity}">${parts.join("")}</g>`;
      }
      case "line": {
        const pts = e.xs.map((x, i) => `${X(x).toFixed(2)},${Y(e.ys[i]).toFixed(2)}`).join(" ");
        const dash = e.style.dashed ? ` stroke-dasharray="6 4"` : "";
        return `<polyline points="${pts}" fill="none" stroke="${e.style.color}" stroke-width="${
          e.style.width ?? 2
        }"${dash}/>`;
      }
      case "points":
        return e.xs.map((x, i) => marker(X(x), Y(e.ys[i]), e.style, i)).join("");
      case "text":
        return `<text x="${X(e.x) + 6}" y="${Y(e.y) - 6}" fill="${e.color}">${esc(e.text)}</text>`;
    }
  }

  #legend(right: number, top: number): string {
    const entries = this.#legendEntries();
    if (entries.length === 0) return "";
    const w = this.#legendWidth();
    const parts = [
      `<rect x="${right - w}" y="${top}" width="${w}" height="${
        entries.length * 18 + 8
      }" fill="white" fill-opacity="0.85" stroke="#ccc"/>`,
    ];
    entries.forEach((e, i) => {
      const y = top + 14 + i * 18, x = right - w + 8;
      const color = typeof e.style.color === "string" ? e.style.color : "#444";
      parts.push(
        e.kind === "line"
          ? `<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${
            y - 4
          }" stroke="${color}" stroke-width="2"${e.style.dashed ? ` stroke-dasharray="6 4"` : ""}/>`
          : marker(x + 9, y - 4, { ...e.style, color }, 0),
      );
      parts.push(`<text x="${x + 24}" y="${y}">${esc(e.style.label as string)}</text>`);
    });
    return parts.join("");
  }

  /** Writes the SVG to `path` (creating its folder). */
  async save(path: string): Promise<void> {
    const dir = path.replace(/\/[^/]*$/, "");
    if (dir !== path) await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(path, this.render());
  }
}

function marker(x: number, y: number, style: PointStyle, i: number): string {
  const c = typeof style.color === "string" ? style.color : (style.color?.[i] ?? "#444");
  const r = style.radius ?? 4, s = style.stroke ?? "#333";
  const X = x.toFixed(2), Y = y.toFixed(2);
  switch (style.marker ?? "circle") {
    case "square":
      return `<rect x="${(x - r).toFixed(2)}" y="${(y - r).toFixed(2)}" width="${2 * r}" height="${
        2 * r
      }" fill="${c}" stroke="${s}"/>`;
    case "diamond":
      return `<polygon points="${X},${(y - r * 1.3).toFixed(2)} ${
        (x + r * 1.3).toFixed(2)
      },${Y} ${X},${(y + r * 1.3).toFixed(2)} ${
        (x - r * 1.3).toFixed(2)
      },${Y}" fill="${c}" stroke="${s}"/>`;
    case "cross":
      return `<path d="M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${
        y - r
      }" stroke="${c}" stroke-width="2.5"/>`;
    default:
      return `<circle cx="${X}" cy="${Y}" r="${r}" fill="${c}" stroke="${s}"/>`;
  }
}

/** A line chart of several series sharing an x axis. */
export function lineChart(
  series: readonly {
    x: readonly number[];
    y: readonly number[];
    label?: string;
    color?: string;
    dashed?: boolean;
  }[],
  options: PlotOptions = {},
): SvgPlot {
  const p = new SvgPlot(options);
  for (const s of series) p.line(s.x, s.y, { label: s.label, color: s.color, dashed: s.dashed });
  return p;
}
