// RFC 4180 tokenizer: splits text into records of fields, remembering where each field starts so
// that later errors (ragged rows, non-numeric cells) can name the line, column and byte.
import { DataFormatError } from "./errors.ts";
import { byteOffset } from "./_utf8.ts";

/** One record: its fields, the string index where each starts, where the record ends, and its first line. */
export interface CsvRow {
  fields: string[];
  starts: number[];
  end: number;
  line: number;
}

/** What error messages say: the op and the file. */
export interface CsvSource {
  op: string;
  file: string;
  text: string;
}

/** Throws a DataFormatError at a string index, with its line and column. */
export function csvError(
  src: CsvSource,
  index: number,
  line: number,
  column: number,
  detail: string,
): never {
  throw new DataFormatError(src.op, {
    file: src.file,
    offset: byteOffset(src.text, index),
    line,
    column,
  }, detail);
}

const LF = 10, CR = 13, QUOTE = 34;

/** Calls `onRow` for each record; blank lines are skipped; a byte-order mark is ignored. */
export function lexCsv(src: CsvSource, delimiter: string, onRow: (row: CsvRow) => void): void {
  const text = src.text;
  const len = text.length;
  const delim = delimiter.charCodeAt(0);
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (pos < len) {
    const c0 = text.charCodeAt(pos);
    if (c0 === LF || c0 === CR) {
      pos += c0 === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const row: CsvRow = { fields: [], starts: [], end: pos, line };
    for (;;) {
      row.starts.push(pos);
      if (text.charCodeAt(pos) === QUOTE) {
        const start = pos, startLine = line;
        let value = "";
        pos++;
        for (;;) {
          const q = text.indexOf('"', pos);
          if (q < 0) {
            csvError(src, start, startLine, row.fields.length + 1, "quoted field is never closed");
          }
          const chunk = text.slice(pos, q);
          line += countLineBreaks(chunk);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += chunk + '"';
            pos = q + 2;
          } else {
            value += chunk;
            pos = q + 1;
            break;
          }
        }
        const c = text.charCodeAt(pos);
        if (pos < len && c !== delim && c !== LF && c !== CR) {
          csvError(
            src,
            pos,
            line,
            row.fields.length + 1,
            `unexpected ${JSON.stringify(text[pos])} after the closing quote of a field`,
          );
        }
        row.fields.push(value);
      } else {
        const start = pos;
        while (pos < len) {
          const c = text.charCodeAt(pos);
          if (c === delim || c === LF || c === CR) break;
          if (c === QUOTE) {
            csvError(
              src,
              pos,
              line,
              row.fields.length + 1,
              "quote inside an unquoted field (RFC 4180 requires the whole field quoted, with quotes doubled)",
            );
          }
          pos++;
        }
        row.fields.push(text.slice(start, pos));
      }
      if (pos < len && text.charCodeAt(pos) === delim) {
        pos++;
        continue;
      }
      row.end = pos;
      if (pos < len) {
        pos += text.charCodeAt(pos) === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
        line++;
      }
      break;
    }
    onRow(row);
  }
}

function countLineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF || (c === CR && s.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}
