import assert from "node:assert/strict";
import { DataFormatError, DatasetNotFoundError } from "./errors.ts";

Deno.test("DataFormatError formats op, file, line, column and byte, and keeps them as properties", () => {
  const e = new DataFormatError(
    "readCsv",
    { file: "a.csv", offset: 41, line: 3, column: 2 },
    "bad cell",
  );
  assert.equal(e.message, "readCsv: a.csv, line 3, column 2, byte 41: bad cell");
  assert.equal(e.name, "DataFormatError");
  assert.deepEqual([e.file, e.offset, e.line, e.column], ["a.csv", 41, 3, 2]);
  const b = new DataFormatError("decodeIdx", { file: "x.idx", offset: 0 }, "bad magic", {
    cause: 1,
  });
  assert.equal(b.message, "decodeIdx: x.idx, byte 0: bad magic");
  assert.equal(b.line, undefined);
  assert.equal(b.cause, 1);
  assert.ok(b instanceof Error);
  assert.equal(new DatasetNotFoundError("gone").name, "DatasetNotFoundError");
});
