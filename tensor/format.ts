/**
 * Text form of an {@link NDArray}, laid out as PyTorch prints tensors: a common column width,
 * 4 decimals by default, integral floats as `1.`, scientific notation when the magnitudes span
 * more than three decades (or exceed 1e8, or fall below 1e-4), `nan`/`inf`, and arrays of more
 * than 1000 elements summarised with `...` keeping 3 items at each edge of every dimension.
 *
 * @module
 */
import type { NDArray } from "./ndarray.ts";
import { fmtShape } from "./shape.ts";
import { checkInt, checkOptions, describe } from "./check.ts";

/** Settings of {@link formatArray} (and so of `NDArray.toString()`). */
export interface PrintOptions {
  /** Digits after the decimal point for floats. Default 4. */
  precision: number;
  /** Arrays with more elements than this are summarised. Default 1000. */
  threshold: number;
  /** Items kept at the start and end of each summarised dimension. Default 3. */
  edgeItems: number;
  /** Characters per line before a row of numbers wraps. Default 80. */
  lineWidth: number;
  /** `true` forces scientific notation, `false` forbids it, `null` (default) chooses from the values. */
  sciMode: boolean | null;
}

const DEFAULTS: PrintOptions = {
  precision: 4,
  threshold: 1000,
  edgeItems: 3,
  lineWidth: 80,
  sciMode: null,
};
let current: PrintOptions = { ...DEFAULTS };

/**
 * Changes the global print options (the ones left out keep their value).
 *
 * @example
 * ```ts
 * import { getPrintOptions, NDArray, setPrintOptions } from "@nnc/tensor";
 * const saved = getPrintOptions();
 * setPrintOptions({ precision: 2 });
 * console.assert(NDArray.fromTyped(new Float32Array([0.125, 1])).toString() === "array([0.12, 1.00])");
 * setPrintOptions(saved);
 * ```
 */
export function setPrintOptions(options: Partial<PrintOptions>): void {
  current = resolveOptions(options, current, "setPrintOptions");
}

/**
 * A copy of the current global print options.
 *
 * @example
 * ```ts
 * import { getPrintOptions } from "@nnc/tensor";
 * console.assert(getPrintOptions().threshold === 1000);
 * ```
 */
export function getPrintOptions(): PrintOptions {
  return { ...current };
}

/**
 * Restores the default print options.
 *
 * @example
 * ```ts
 * import { getPrintOptions, resetPrintOptions, setPrintOptions } from "@nnc/tensor";
 * setPrintOptions({ lineWidth: 120 });
 * resetPrintOptions();
 * console.assert(getPrintOptions().lineWidth === 80);
 * ```
 */
export function resetPrintOptions(): void {
  current = { ...DEFAULTS };
}

/**
 * Formats an array as text, `array([...])` followed by `dtype=` unless it is float32 and
 * `shape=` for an empty array of other than one dimension. Reads through strides, so views
 * print their own elements. `options` override the global print options for this call.
 *
 * @example
 * ```ts
 * import { formatArray, NDArray } from "@nnc/tensor";
 * const a = NDArray.fromTyped(new Float32Array([1, 2.5, -3, 4]), [2, 2]);
 * console.assert(formatArray(a) === "array([[ 1.0000,  2.5000],\n       [-3.0000,  4.0000]])");
 * console.assert(formatArray(NDArray.fromTyped(new Int32Array([7, 42]))) === "array([ 7, 42], dtype=int32)");
 * ```
 */
export function formatArray(x: NDArray, options: Partial<PrintOptions> = {}): string {
  if (
    x === null || typeof x !== "object" || !Array.isArray(x.shape) ||
    !ArrayBuffer.isView(x.storage?.data)
  ) {
    throw new TypeError(`formatArray: expected an NDArray, got ${x === null ? "null" : typeof x}`);
  }
  const opts = options === current ? current : resolveOptions(options, current, "formatArray");
  const prefix = "array(";
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (x.size === 0) {
    body = "[]";
    if (x.ndim !== 1) suffixes.push(`shape=${fmtShape(x.shape)}`);
  } else {
    const summarize = x.size > opts.threshold;
    const visible: number[] = [];
    collectVisible(x, 0, x.offset, summarize, opts.edgeItems, visible);
    const fmt = new NumberFormatter(visible, x.dtype !== "int32", opts);
    body = x.ndim === 0
      ? fmt.format(x.data[x.offset])
      : render(x, 0, x.offset, indent, summarize, fmt, opts);
  }
  if (x.dtype !== "float32") suffixes.push(`dtype=${x.dtype}`);
  return addSuffixes(prefix + body, suffixes, indent, opts.lineWidth);
}

function resolveOptions(
  options: Partial<PrintOptions>,
  base: PrintOptions,
  op: string,
): PrintOptions {
  options = checkOptions(options, op);
  const out = { ...base };
  const int = (key: "precision" | "edgeItems" | "lineWidth", min: number, max: number) => {
    const v = options[key];
    if (v !== undefined) out[key] = checkInt(v, op, key, min, max);
  };
  int("precision", 0, 100);
  int("edgeItems", 0, 1e6);
  int("lineWidth", 1, 1e6);
  const t = options.threshold;
  if (t !== undefined) {
    if (typeof t !== "number" || Number.isNaN(t) || t < 0) {
      throw new RangeError(
        `${op}: threshold must be a non-negative number (Infinity never summarises), got ${t}`,
      );
    }
    out.threshold = t;
  }
  const s = options.sciMode;
  if (s !== undefined) {
    if (s !== null && typeof s !== "boolean") {
      throw new TypeError(`${op}: sciMode must be true, false or null, got ${describe(s)}`);
    }
    out.sciMode = s;
  }
  return out;
}

/** Pushes, in print order, every element that will be shown (all of them unless summarising). */
function collectVisible(
  x: NDArray,
  dim: number,
  pos: number,
  summarize: boolean,
  edge: number,
  out: number[],
): void {
  if (dim === x.ndim) {
    out.push(x.data[pos]);
    return;
  }
  const n = x.shape[dim];
  const s = x.strides[dim];
  const skip = summarize && n > 2 * edge;
  for (let i = 0; i < n; i++) {
    if (skip && i === edge) i = n - edge;
    if (i >= n) break;
    collectVisible(x, dim + 1, pos + i * s, summarize, edge, out);
  }
}

function render(
  x: NDArray,
  dim: number,
  pos: number,
  indent: number,
  summarize: boolean,
  fmt: NumberFormatter,
  opts: PrintOptions,
): string {
  const n = x.shape[dim];
  const s = x.strides[dim];
  const edge = opts.edgeItems;
  const skip = summarize && n > 2 * edge;
  const last = dim === x.ndim - 1;
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    if (skip && i === edge) {
      items.push(last ? " ..." : "...");
      i = n - edge;
      if (i >= n) break;
    }
    items.push(
      last
        ? fmt.format(x.data[pos + i * s])
        : render(x, dim + 1, pos + i * s, indent + 1, summarize, fmt, opts),
    );
  }
  if (!last) return `[${items.join("," + "\n".repeat(x.ndim - dim - 1) + " ".repeat(indent + 1))}]`;
  const perLine = Math.max(1, Math.floor((opts.lineWidth - indent) / (fmt.width + 2)));
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) {
    lines.push(items.slice(i, i + perLine).join(", "));
  }
  return `[${lines.join(",\n" + " ".repeat(indent + 1))}]`;
}

/** Appends `, dtype=…` and the like, wrapping to a new line when the last line would get too long. */
function addSuffixes(text: string, suffixes: string[], indent: number, lineWidth: number): string {
  let out = text;
  // Same arithmetic as PyTorch (which counts two characters more than the line holds).
  let lastLineLen = text.length - text.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > lineWidth) {
      out += ",\n" + " ".repeat(indent) + suffix;
      lastLineLen = indent + suffix.length;
    } else {
      out += ", " + suffix;
      lastLineLen += suffix.length + 2;
    }
  }
  return out + ")";
}

/** Chooses one notation and column width for all shown values, as PyTorch's `_Formatter`. */
class NumberFormatter {
  readonly width: number = 1;
  private readonly floating: boolean;
  private readonly precision: number;
  private readonly intMode: boolean = true;
  private readonly sciMode: boolean = false;

  constructor(values: readonly number[], floating: boolean, opts: PrintOptions) {
    this.floating = floating;
    this.precision = opts.precision;
    let width = 1;
    if (!floating) {
      for (const v of values) width = Math.max(width, String(v).length);
    } else {
      let min = Infinity, max = 0, count = 0, intMode = true;
      for (const v of values) {
        if (v === 0 || !Number.isFinite(v)) continue;
        const a = Math.abs(v);
        min = Math.min(min, a);
        max = Math.max(max, a);
        count++;
        if (intMode && v !== Math.ceil(v)) intMode = false;
      }
      if (count > 0) {
        this.intMode = intMode;
        this.sciMode = max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4);
        for (const v of values) {
          if (v === 0 || !Number.isFinite(v)) continue;
          const len = this.sciMode
            ? sci(v, this.precision).length
            : intMode
            ? fixed(v, 0).length + 1
            : fixed(v, this.precision).length;
          width = Math.max(width, len);
        }
        // PyTorch ignores a forced sciMode when nothing is non-zero and finite; so do we.
        if (opts.sciMode !== null) this.sciMode = opts.sciMode;
      }
    }
    this.width = width;
  }

  format(v: number): string {
    let s: string;
    if (!this.floating) s = String(v);
    else if (this.sciMode) s = sci(v, this.precision);
    else if (this.intMode) s = Number.isFinite(v) ? fixed(v, 0) + "." : fixed(v, 0);
    else s = fixed(v, this.precision);
    return s.length < this.width ? " ".repeat(this.width - s.length) + s : s;
  }
}

/** Python's `"{:.Nf}"`: keeps the sign of -0, rounds exact ties to even, spells `nan`, `inf`. */
function fixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  const a = Math.abs(v);
  // toFixed switches to exponent notation from 1e21; such doubles are integers, exactly BigInt.
  let s = a >= 1e21
    ? BigInt(a).toString() + (digits > 0 ? "." + "0".repeat(digits) : "")
    : a.toFixed(digits);
  s = tieToEven(s, a, digits);
  return (v < 0 || Object.is(v, -0) ? "-" : "") + s;
}

/** Python's `"{:.Ne}"`: at least two exponent digits (`1.0000e+00`), ties to even. */
function sci(v: number, digits: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  const a = Math.abs(v);
  const s = a.toExponential(digits);
  const e = s.indexOf("e");
  const exp = Number(s.slice(e + 1));
  const mantissa = tieToEven(s.slice(0, e), a, digits - exp);
  const expDigits = String(Math.abs(exp)).padStart(2, "0");
  return (v < 0 || Object.is(v, -0) ? "-" : "") + `${mantissa}e${exp < 0 ? "-" : "+"}${expDigits}`;
}

/**
 * JavaScript rounds an exact tie away from zero, Python to even. `s` is `a` (≥ 0) rounded to `k`
 * decimal places by JavaScript; when `a` lay exactly halfway and JavaScript rounded up to an odd
 * last digit, the even neighbour is one less in that digit (no borrow: the digit is odd).
 */
function tieToEven(s: string, a: number, k: number): string {
  const last = s.charCodeAt(s.length - 1) - 48;
  if ((last & 1) === 0 || !isExactTie(a, k)) return s;
  return s.slice(0, -1) + String(last - 1);
}

const bits = new DataView(new ArrayBuffer(8));

/** True when `a * 10^k` has fractional part exactly 1/2, decided in exact integer arithmetic. */
function isExactTie(a: number, k: number): boolean {
  if (a === 0) return false;
  bits.setFloat64(0, a);
  const raw = bits.getBigUint64(0);
  const expBits = Number((raw >> 52n) & 0x7ffn);
  const frac = raw & 0xfffffffffffffn;
  const m = expBits === 0 ? frac : frac | 0x10000000000000n;
  const e = (expBits === 0 ? -1074 : expBits - 1075) + 1; // 2a = m * 2^e
  const num = m * 10n ** BigInt(Math.max(k, 0)) * 2n ** BigInt(Math.max(e, 0));
  const den = 2n ** BigInt(Math.max(-e, 0)) * 10n ** BigInt(Math.max(-k, 0));
  return num % den === 0n && (num / den) % 2n === 1n;
}

function nonFinite(v: number): string {
  return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}
