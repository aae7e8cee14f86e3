/**
 * Learning curves of a {@link History} as a small self-contained SVG ({@link historySvg}), so that
 * a history shows itself in Jupyter (Deno's kernel calls `History`'s
 * `Symbol.for("Jupyter.display")` method) without `@nnc/plot` (which `@nnc/train` does not import;
 * `historyChart` of `@nnc/plot` draws the full chart). Browser-safe.
 *
 * @module
 */
import { describe } from "@nnc/tensor";
import type { EpochLog } from "./history.ts";

const PANEL_W = 320;
const PANEL_H = 200;
const MARGIN = { left: 52, right: 12, top: 24, bottom: 34 };
const TRAIN_COLOR = "#4c78a8";
const VAL_COLOR = "#f58518";
/** Keys that are bookkeeping, not learning curves. */
const SKIPPED = new Set(["epoch", "lr", "seconds", "time"]);

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

function tick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

/** The quantities to draw: each training key with its `val…` twin, then validation-only keys. */
function panelsOf(rows: readonly EpochLog[]): { name: string; train?: string; val?: string }[] {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const panels: { name: string; train?: string; val?: string }[] = [];
  const used = new Set<string>();
  for (const k of keys) {
    if (SKIPPED.has(k) || used.has(k) || /^val[A-Z]/.test(k)) continue;
    const val = `val${k[0].toUpperCase()}${k.slice(1)}`;
    panels.push({ name: k, train: k, val: keys.includes(val) ? val : undefined });
    used.add(k).add(val);
  }
  for (const k of keys) {
    if (/^val[A-Z]/.test(k) && !used.has(k)) {
      panels.push({ name: k[3].toLowerCase() + k.slice(4), val: k });
    }
  }
  return panels;
}

function panel(
  rows: readonly EpochLog[],
  p: { name: string; train?: string; val?: string },
  x0: number,
): string {
  const series = [
    { key: p.train, color: TRAIN_COLOR, dash: "" },
    { key: p.val, color: VAL_COLOR, dash: ' stroke-dasharray="5 3"' },
  ].filter((s): s is { key: string; color: string; dash: string } => s.key !== undefined);
  const points = series.map((s) =>
    rows.filter((r) => Number.isFinite(r[s.key])).map((r) => [r.epoch, r[s.key]] as const)
  );
  const all = points.flat();
  const xs = all.map(([e]) => e), ys = all.map(([, v]) => v);
  let [xlo, xhi] = [Math.min(...xs), Math.max(...xs)];
  let [ylo, yhi] = [Math.min(...ys), Math.max(...ys)];
  if (!(xhi > xlo)) [xlo, xhi] = [xlo - 1, xhi + 1];
  if (!(yhi > ylo)) [ylo, yhi] = [ylo - 0.5, yhi + 0.5];
  const w = PANEL_W - MARGIN.left - MARGIN.right, h = PANEL_H - MARGIN.top - MARGIN.bottom;
  const sx = (e: number) => x0 + MARGIN.left + ((e - xlo) / (xhi - xlo)) * w;
  const sy = (v: number) => MARGIN.top + (1 - (v - ylo) / (yhi - ylo)) * h;
  const text = (x: number, y: number, s: string, anchor = "middle", extra = "") =>
    `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}"${extra}>${
      escapeXml(s)
    }</text>`;
  const parts = [
    `<rect x="${
      x0 + MARGIN.left
    }" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#888"/>`,
    text(x0 + MARGIN.left, 14, p.name, "start", ' font-weight="bold"'),
    text(x0 + MARGIN.left - 4, MARGIN.top + 4, tick(yhi), "end"),
    text(x0 + MARGIN.left - 4, MARGIN.top + h, tick(ylo), "end"),
    text(x0 + MARGIN.left, MARGIN.top + h + 14, tick(xlo)),
    text(x0 + MARGIN.left + w, MARGIN.top + h + 14, tick(xhi)),
    text(x0 + MARGIN.left + w / 2, MARGIN.top + h + 28, "epoch"),
  ];
  series.forEach((s, i) => {
    const pts = points[i].map(([e, v]) => `${sx(e).toFixed(1)},${sy(v).toFixed(1)}`).join(" ");
    if (points[i].length === 1) {
      const [e, v] = points[i][0];
      parts.push(
        `<circle cx="${sx(e).toFixed(1)}" cy="${sy(v).toFixed(1)}" r="3" fill="${s.color}"/>`,
      );
    } else {
      parts.push(
        `<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash}/>`,
      );
    }
    const lx = x0 + MARGIN.left + w - (series.length - i) * 88;
    parts.push(
      `<line x1="${lx}" x2="${
        lx + 16
      }" y1="10" y2="10" stroke="${s.color}" stroke-width="2"${s.dash}/>`,
      text(lx + 20, 14, s.key, "start"),
    );
  });
  return parts.join("");
}

/**
 * The learning curves of a history as an SVG document: one panel per quantity (loss, each
 * metric), training solid and validation dashed; `lr` and `seconds` are left out. An empty
 * history gives a one-line SVG saying so.
 *
 * @example
 * ```ts
 * import { History, historySvg } from "@nnc/train";
 * const h = new History([{ epoch: 1, loss: 0.9, valLoss: 1 }, { epoch: 2, loss: 0.5, valLoss: 0.7 }]);
 * const svg = historySvg(h);
 * console.assert(svg.startsWith("<svg") && svg.includes(">valLoss<") && svg.includes("<polyline"));
 * ```
 */
export function historySvg(history: { readonly epochs: readonly EpochLog[] }): string {
  const op = "historySvg";
  const rows = (history as { epochs?: unknown } | null)?.epochs;
  if (!Array.isArray(rows)) {
    throw new TypeError(
      `${op}: expected a History (an object with epochs), got ${describe(history)}`,
    );
  }
  for (const r of rows) {
    if (r === null || typeof r !== "object" || typeof r.epoch !== "number") {
      throw new TypeError(`${op}: every epoch log needs a numeric epoch, got ${describe(r)}`);
    }
  }
  const panels = rows.length === 0 ? [] : panelsOf(rows);
  const head = (w: number, h: number) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="white"/>`;
  if (panels.length === 0) {
    return `${head(200, 24)}<text x="8" y="16">empty history</text></svg>`;
  }
  const body = panels.map((p, i) => panel(rows, p, i * PANEL_W)).join("");
  return `${head(PANEL_W * panels.length, PANEL_H)}${body}</svg>`;
}
