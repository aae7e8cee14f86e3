/**
 * {@link Figure}: a drawn chart (SVG text) or image (PNG bytes) that shows itself in Jupyter —
 * Deno's kernel calls its `Symbol.for("Jupyter.display")` method. The chart functions return SVG
 * strings (and {@link imageGrid} PNG bytes) so that scripts can save them; {@link show} wraps one
 * for a notebook: `await show(historyChart(history))`.
 *
 * @module
 */
import { describe, type MimeBundle } from "@nnc/tensor";

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function mimeTypeOf(content: unknown, op: string): "image/svg+xml" | "image/png" {
  if (typeof content === "string") {
    if (!/^\s*(<\?xml|<svg)/.test(content)) {
      throw new TypeError(
        `${op}: expected an SVG document (starting with <svg), got ${
          describe(content.slice(0, 40))
        }`,
      );
    }
    return "image/svg+xml";
  }
  if (content instanceof Uint8Array) {
    if (!PNG_SIGNATURE.every((b, i) => content[i] === b)) {
      throw new TypeError(`${op}: the bytes are not a PNG file (no PNG signature)`);
    }
    return "image/png";
  }
  throw new TypeError(`${op}: content must be SVG text or PNG bytes, got ${describe(content)}`);
}

/**
 * A chart or image ready to display: SVG text or PNG bytes.
 *
 * @example
 * ```ts
 * import { Figure, lineChart } from "@nnc/plot";
 * const fig = new Figure(await lineChart([{ name: "loss", y: [1, 0.5] }]));
 * console.assert(fig.mimeType === "image/svg+xml" && fig.toString().startsWith("<svg"));
 * ```
 */
export class Figure {
  /** `image/svg+xml` for SVG text, `image/png` for PNG bytes. */
  readonly mimeType: "image/svg+xml" | "image/png";
  /** The SVG document or the PNG file. */
  readonly content: string | Uint8Array;

  /** Wraps an SVG document (a string starting with `<svg` or `<?xml`) or PNG bytes. */
  constructor(content: string | Uint8Array) {
    if (typeof content === "string") {
      if (!/^\s*(<\?xml|<svg)/.test(content)) {
        throw new TypeError(
          `Figure: expected an SVG document (starting with <svg), got ${
            describe(content.slice(0, 40))
          }`,
        );
      }
      this.mimeType = "image/svg+xml";
    } else if (content instanceof Uint8Array) {
      if (!PNG_SIGNATURE.every((b, i) => content[i] === b)) {
        throw new TypeError(`Figure: the bytes are not a PNG file (no PNG signature)`);
      }
      this.mimeType = "image/png";
    } else {
      throw new TypeError(
        `Figure: content must be SVG text or PNG bytes, got ${describe(content)}`,
      );
    }
    this.content = content;
  }

  /** The SVG text, or a short description of a PNG. */
  toString(): string {
    return typeof this.content === "string"
      ? this.content
      : `Figure(image/png, ${this.content.length} bytes)`;
  }

  /** The Jupyter MIME bundle: the SVG text, or the PNG in base64. */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return typeof this.content === "string"
      ? { "image/svg+xml": this.content, "text/plain": "Figure(image/svg+xml)" }
      : { "image/png": base64(this.content), "text/plain": this.toString() };
  }
}

/**
 * Wraps a chart (or a promise of one, as the chart functions return) in a {@link Figure}, which
 * Jupyter displays: the last line of a notebook cell `await show(lineChart(series))` draws it.
 *
 * @example
 * ```ts
 * import { historyChart, imageGrid, show } from "@nnc/plot";
 * import { rand } from "@nnc/tensor";
 * const curves = await show(historyChart([{ epoch: 1, loss: 1 }, { epoch: 2, loss: 0.5 }]));
 * const digits = await show(imageGrid(rand([4, 1, 8, 8])));
 * console.assert(curves.mimeType === "image/svg+xml" && digits.mimeType === "image/png");
 * ```
 */
export async function show(
  chart: string | Uint8Array | Promise<string | Uint8Array>,
): Promise<Figure> {
  const content = await chart;
  mimeTypeOf(content, "show");
  return new Figure(content);
}
