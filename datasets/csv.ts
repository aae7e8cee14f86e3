/**
 * CSV per RFC 4180: fields separated by a delimiter, records by line breaks (CRLF, LF or CR),
 * fields that hold delimiters, quotes or line breaks wrapped in double quotes with inner quotes
 * doubled. Blank lines are skipped and a byte-order mark is ignored. Numeric columns become an
 * NDArray; a label column may hold numbers or class names.
 *
 * @module
 */
import { checkBool, checkOptions, describe, NDArray } from "@nnc/tensor";
import { csvError, type CsvRow, type CsvSource, lexCsv } from "./_csv_lexer.ts";
import { DataFormatError } from "./errors.ts";
import { checkName, readBytes } from "./_io.ts";
import { decodeUtf8 } from "./_utf8.ts";

/** Options of {@link parseCsvRecords}. */
export interface CsvRecordsOptions {
  /** Field separator, one character other than a quote or line break. Default `","`. */
  delimiter?: string;
  /** What to call the text in error messages, typically the file name. Default `"<text>"`. */
  name?: string;
}

/**
 * Splits CSV text into records of string fields (no numeric conversion, rows may differ in width).
 *
 * @example
 * ```ts
 * import { parseCsvRecords } from "@nnc/datasets";
 * const rows = parseCsvRecords('a,"b, ""c"""\r\n1,2\n');
 * console.assert(JSON.stringify(rows) === '[["a","b, \\"c\\""],["1","2"]]');
 * ```
 */
export function parseCsvRecords(text: string, options: CsvRecordsOptions = {}): string[][] {
  const src = source(text, options, "parseCsvRecords");
  const out: string[][] = [];
  lexCsv(src, checkDelimiter(options.delimiter, src.op), (row) => out.push(row.fields));
  return out;
}

/** How the label column is read. */
export type CsvLabelType = "auto" | "number" | "class";

/** Options of {@link parseCsv} and {@link readCsv}. */
export interface ParseCsvOptions extends CsvRecordsOptions {
  /** The first record names the columns. Default true. */
  header?: boolean;
  /** The label column, by header name or zero-based index; it is left out of `x`. */
  label?: string | number;
  /**
   * How to read the label column: `"number"` (every cell numeric; int32 when all are integers),
   * `"class"` (class names, mapped to indices of the sorted distinct names), or `"auto"` (default:
   * `"number"` when every cell is numeric, `"class"` otherwise).
   */
  labelType?: CsvLabelType;
  /** Feature columns, by header name or index, in the order wanted. Default: every column but the label. */
  columns?: readonly (string | number)[];
  /** Element type of `x` (and of non-integer numeric labels). Default float32. */
  dtype?: "float32" | "float64";
}

/** A numeric table read from CSV. */
export interface CsvTable {
  /** Features, `[rows, columns]`. */
  x: NDArray;
  /** Labels, `[rows]`, when a label column was given: int32 for classes and integers, float otherwise. */
  y?: NDArray;
  /** Names of the columns of `x` (their indices as strings when the file has no header). */
  columns: string[];
  /** The class names, when the labels are classes: `y[i]` indexes this list. */
  classes?: string[];
}

/**
 * Parses CSV text into a numeric table. Every selected cell must be a number (`1`, `-2.5e3`, `.5`,
 * `nan`, `inf`; surrounding spaces allowed); anything else, and any row of the wrong width, is a
 * `DataFormatError` naming the line, the column and the byte offset.
 *
 * @example
 * ```ts
 * import { parseCsv } from "@nnc/datasets";
 * const t = parseCsv("len,width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n", { label: "species" });
 * console.assert(t.x.shape.join() === "2,2" && t.columns.join() === "len,width");
 * console.assert(t.y!.toArray().toString() === "0,1" && t.classes!.join() === "setosa,versicolor");
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvTable {
  const src = source(text, options, "parseCsv");
  return buildTable(src, options);
}

/**
 * Reads a CSV file (UTF-8) into a numeric table; see {@link parseCsv}.
 *
 * @example
 * ```ts
 * import { readCsv } from "@nnc/datasets";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "1;2;0\n3;4;1\n");
 * const t = await readCsv(path, { header: false, delimiter: ";", label: 2 });
 * console.assert(t.x.toArray().toString() === "1,2,3,4" && t.y!.dtype === "int32");
 * await Deno.remove(path);
 * ```
 */
export async function readCsv(
  path: string | URL,
  options: Omit<ParseCsvOptions, "name"> = {},
): Promise<CsvTable> {
  const { bytes, name } = await readBytes(path, "readCsv");
  const src: CsvSource = { op: "readCsv", file: name, text: decodeUtf8(bytes, name, "readCsv") };
  return buildTable(src, options);
}

function source(text: string, options: CsvRecordsOptions, op: string): CsvSource {
  if (typeof text !== "string") {
    throw new TypeError(`${op}: expected the CSV text as a string, got ${describe(text)}`);
  }
  const name = checkOptions(options, op).name;
  const file = name === undefined ? "<text>" : checkName(name, op);
  return { op, file, text };
}

function checkDelimiter(delimiter: unknown, op: string): string {
  if (delimiter === undefined) return ",";
  if (typeof delimiter !== "string" || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new TypeError(
      `${op}: delimiter must be one character other than a quote or line break, got ${
        describe(delimiter)
      }`,
    );
  }
  return delimiter;
}

const NUMBER =
  /^\s*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)\s*$/i;

/** The number a cell holds, or undefined when it is not numeric. */
function parseNumber(cell: string): number | undefined {
  if (!NUMBER.test(cell)) return undefined;
  const t = cell.trim().toLowerCase().replace(/^\+/, "");
  if (t.endsWith("nan")) return NaN;
  if (t.endsWith("inf") || t.endsWith("infinity")) return t.startsWith("-") ? -Infinity : Infinity;
  return Number(t);
}

interface Layout {
  width: number;
  names: string[];
  features: number[];
  label: number;
}

function buildTable(src: CsvSource, options: Omit<ParseCsvOptions, "name">): CsvTable {
  const op = src.op;
  const delimiter = checkDelimiter(options.delimiter, op);
  const header = options.header ?? true;
  checkBool(header, op, "header");
  const labelType = options.labelType ?? "auto";
  if (labelType !== "auto" && labelType !== "number" && labelType !== "class") {
    throw new TypeError(
      `${op}: labelType must be "auto", "number" or "class", got ${describe(labelType)}`,
    );
  }
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(`${op}: dtype must be "float32" or "float64", got ${describe(dtype)}`);
  }

  let layout: Layout | undefined;
  let values = new Float64Array(1024);
  let count = 0;
  let rows = 0;
  const labelCells: string[] = [];
  lexCsv(src, delimiter, (row) => {
    if (layout === undefined) {
      layout = resolveLayout(op, row, header, options);
      if (header) return;
    }
    checkWidth(src, row, layout.width);
    const need = count + layout.features.length;
    if (need > values.length) {
      const grown = new Float64Array(Math.max(need, values.length * 2));
      grown.set(values);
      values = grown;
    }
    for (const col of layout.features) {
      const v = parseNumber(row.fields[col]);
      if (v === undefined) nonNumeric(src, row, col, layout.names[col]);
      values[count++] = v;
    }
    if (layout.label >= 0) {
      const cell = row.fields[layout.label];
      if (labelType === "number" && parseNumber(cell) === undefined) {
        nonNumeric(src, row, layout.label, layout.names[layout.label]);
      }
      labelCells.push(cell);
    }
    rows++;
  });
  if (layout === undefined) {
    throw new DataFormatError(
      op,
      { file: src.file, offset: 0, line: 1, column: 1 },
      "no records (the file is empty or blank)",
    );
  }
  const cols = layout.features.length;
  const xData = dtype === "float32"
    ? new Float32Array(values.subarray(0, count))
    : values.slice(0, count);
  const table: CsvTable = {
    x: NDArray.fromTyped(xData, [rows, cols]),
    columns: layout.features.map((c) => layout!.names[c]),
  };
  if (layout.label >= 0) Object.assign(table, buildLabels(labelCells, labelType, dtype));
  return table;
}

function resolveLayout(
  op: string,
  first: CsvRow,
  header: boolean,
  options: Omit<ParseCsvOptions, "name">,
): Layout {
  const width = first.fields.length;
  const names = header ? first.fields : first.fields.map((_, i) => String(i));
  const find = (key: string | number, what: string): number => {
    if (typeof key === "number") {
      if (!Number.isInteger(key) || key < -width || key >= width) {
        throw new RangeError(`${op}: ${what} index ${key} is out of range for ${width} columns`);
      }
      return key < 0 ? key + width : key;
    }
    if (typeof key !== "string") {
      throw new TypeError(`${op}: ${what} must be a column name or index, got ${describe(key)}`);
    }
    if (!header) {
      throw new TypeError(
        `${op}: ${what} ${JSON.stringify(key)} names a column, but header is false; give an index`,
      );
    }
    const i = names.indexOf(key);
    if (i < 0) {
      throw new RangeError(
        `${op}: ${what} ${JSON.stringify(key)} is not a column; the header has ${
          JSON.stringify(names)
        }`,
      );
    }
    return i;
  };
  const label = options.label === undefined ? -1 : find(options.label, "label column");
  let features: number[];
  if (options.columns !== undefined) {
    if (!Array.isArray(options.columns)) {
      throw new TypeError(`${op}: columns must be an array, got ${describe(options.columns)}`);
    }
    features = options.columns.map((c) => find(c, "column"));
    if (features.includes(label)) {
      throw new RangeError(
        `${op}: column ${JSON.stringify(names[label])} is both a feature and the label`,
      );
    }
  } else {
    features = names.map((_, i) => i).filter((i) => i !== label);
  }
  return { width, names, features, label };
}

function checkWidth(src: CsvSource, row: CsvRow, width: number): void {
  const n = row.fields.length;
  if (n === width) return;
  const at = n > width ? row.starts[width] : row.end;
  csvError(
    src,
    at,
    lineAt(src.text, row, at),
    Math.min(n, width) + 1,
    `expected ${width} fields, found ${n}`,
  );
}

function nonNumeric(src: CsvSource, row: CsvRow, col: number, name: string): never {
  const cell = row.fields[col];
  return csvError(
    src,
    row.starts[col],
    lineAt(src.text, row, row.starts[col]),
    col + 1,
    `${
      cell === ""
        ? "empty cell"
        : `${JSON.stringify(cell.length > 40 ? cell.slice(0, 40) + "…" : cell)} is not a number`
    } in column ${JSON.stringify(name)}`,
  );
}

/** The line of a position in a record (a quoted field may span lines). */
function lineAt(text: string, row: CsvRow, index: number): number {
  let line = row.line;
  for (let i = row.starts[0]; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

function buildLabels(
  cells: string[],
  labelType: CsvLabelType,
  dtype: "float32" | "float64",
): { y: NDArray; classes?: string[] } {
  const nums = new Float64Array(cells.length);
  let numeric = labelType !== "class";
  for (let i = 0; i < cells.length && numeric; i++) {
    const v = parseNumber(cells[i]);
    if (v === undefined) numeric = false;
    else nums[i] = v;
  }
  if (numeric) {
    const integral = nums.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31);
    const data = integral
      ? Int32Array.from(nums)
      : dtype === "float32"
      ? new Float32Array(nums)
      : nums;
    return { y: NDArray.fromTyped(data, [cells.length]) };
  }
  const classes = [...new Set(cells)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new Int32Array(cells.length);
  for (let i = 0; i < cells.length; i++) y[i] = index.get(cells[i])!;
  return { y: NDArray.fromTyped(y, [cells.length]), classes };
}
