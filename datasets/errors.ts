/**
 * The errors the data package throws for bad files and missing data sets.
 *
 * @module
 */
import { describe } from "@nnc/tensor";

/** Where in a file a {@link DataFormatError} was found. */
export interface DataFormatLocation {
  /** The file (or the name given for in-memory bytes). */
  file: string;
  /** Zero-based byte offset of the problem. */
  offset: number;
  /** One-based line, for text formats. */
  line?: number;
  /** One-based column (field number), for CSV. */
  column?: number;
}

/**
 * A malformed data file: wrong magic number, truncated data, a bad header, a ragged CSV row…
 * The message names the operation, the file and the byte offset (plus line and column for CSV);
 * the same facts are available as properties.
 *
 * @example
 * ```ts
 * import { DataFormatError, decodeIdx } from "@nnc/datasets";
 * try {
 *   decodeIdx(new Uint8Array([1, 2, 3, 4]), { name: "bad.idx" });
 * } catch (e) {
 *   console.assert(e instanceof DataFormatError && e.file === "bad.idx" && e.offset === 0);
 * }
 * ```
 */
export class DataFormatError extends Error {
  /** The file (or the name given for in-memory bytes). */
  readonly file: string;
  /** Zero-based byte offset of the problem. */
  readonly offset: number;
  /** One-based line, for text formats. */
  readonly line: number | undefined;
  /** One-based column (field number), for CSV. */
  readonly column: number | undefined;

  /** Builds the message `op: file, [line L, column C, ]byte N: detail`. */
  constructor(op: string, where: DataFormatLocation, detail: string, options?: ErrorOptions) {
    checkString(op, "DataFormatError", "op");
    if (where === null || typeof where !== "object" || Array.isArray(where)) {
      throw new TypeError(
        `DataFormatError: where must be an object with file and offset, got ${describe(where)}`,
      );
    }
    checkString(where.file, "DataFormatError", "where.file");
    for (const k of ["offset", "line", "column"] as const) {
      const v = where[k];
      if ((v !== undefined || k === "offset") && typeof v !== "number") {
        throw new TypeError(`DataFormatError: where.${k} must be a number, got ${describe(v)}`);
      }
    }
    checkString(detail, "DataFormatError", "detail");
    const lineCol = where.line === undefined
      ? ""
      : `line ${where.line}, ${where.column === undefined ? "" : `column ${where.column}, `}`;
    super(`${op}: ${where.file}, ${lineCol}byte ${where.offset}: ${detail}`, options);
    this.name = "DataFormatError";
    this.file = where.file;
    this.offset = where.offset;
    this.line = where.line;
    this.column = where.column;
  }
}

/**
 * A data set that is not on this machine. The message says how to get it; nothing is ever
 * downloaded at run time.
 *
 * @example
 * ```ts
 * import { DatasetNotFoundError, mnist } from "@nnc/datasets";
 * try {
 *   await mnist({ dir: "/nonexistent", split: "test" });
 * } catch (e) {
 *   console.assert(e instanceof DatasetNotFoundError && e.message.includes("/nonexistent"));
 * }
 * ```
 */
export class DatasetNotFoundError extends Error {
  /** Names the error. */
  constructor(message: string, options?: ErrorOptions) {
    checkString(message, "DatasetNotFoundError", "message");
    super(message, options);
    this.name = "DatasetNotFoundError";
  }
}

function checkString(value: unknown, op: string, name: string): void {
  if (typeof value !== "string") {
    throw new TypeError(`${op}: ${name} must be a string, got ${describe(value)}`);
  }
}
