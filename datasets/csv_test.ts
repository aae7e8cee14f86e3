import assert from "node:assert/strict";
import fc from "fast-check";
import { parseCsv, parseCsvRecords, readCsv } from "./csv.ts";
import { DataFormatError } from "./errors.ts";
import { assertFormatError, isAllowedError, loadFixture, withTempDir } from "./_testing.ts";

const fx = loadFixture<{ csv: { text: string; rows: string[][] }[] }>("formats");

Deno.test("parseCsvRecords agrees with Python's csv module (RFC 4180 quoting, CRLF/LF/CR, blank lines)", () => {
  for (const c of fx.csv) assert.deepEqual(parseCsvRecords(c.text), c.rows, JSON.stringify(c.text));
});

Deno.test("parseCsvRecords handles delimiters, a byte-order mark and a missing final newline", () => {
  assert.deepEqual(parseCsvRecords('\ufeffa;b\n1;"x;y"', { delimiter: ";" }), [["a", "b"], [
    "1",
    "x;y",
  ]]);
  assert.deepEqual(parseCsvRecords("a\tb\n", { delimiter: "\t" }), [["a", "b"]]);
  assert.deepEqual(parseCsvRecords(""), []);
  assert.deepEqual(parseCsvRecords("a,\n,b"), [["a", ""], ["", "b"]]);
  assert.throws(() => parseCsvRecords("a", { delimiter: '"' }), /delimiter must be one character/);
  assert.throws(() => parseCsvRecords("a", { delimiter: ",," }), TypeError);
  assert.throws(() => parseCsvRecords(3 as unknown as string), /expected the CSV text as a string/);
});

Deno.test("parseCsv builds features, numeric or class labels, and column names", () => {
  const t = parseCsv("a,b,label\n1,2.5,0\n-3e2,.5,2\n", { label: "label" });
  assert.deepEqual(t.x.toArray(), [[1, 2.5], [-300, 0.5]]);
  assert.equal(t.x.dtype, "float32");
  assert.deepEqual(t.columns, ["a", "b"]);
  assert.equal(t.y!.dtype, "int32");
  assert.deepEqual(t.y!.toArray(), [0, 2]);
  assert.equal(t.classes, undefined);

  const reg = parseCsv("x,y\n1,0.5\n2,1.5\n", { label: -1, dtype: "float64" });
  assert.equal(reg.y!.dtype, "float64");
  assert.deepEqual(reg.y!.toArray(), [0.5, 1.5]);

  const cls = parseCsv("f,species\n1,virginica\n2,setosa\n3,virginica\n", { label: "species" });
  assert.deepEqual(cls.classes, ["setosa", "virginica"]);
  assert.deepEqual(cls.y!.toArray(), [1, 0, 1]);
  const forced = parseCsv("f,c\n1,10\n2,9\n", { label: "c", labelType: "class" });
  assert.deepEqual(forced.classes, ["10", "9"]);

  const picked = parseCsv("name,a,b,c\nx,1,2,3\ny,4,5,6\n", { columns: ["c", 1] });
  assert.deepEqual(picked.x.toArray(), [[3, 1], [6, 4]]);
  assert.deepEqual(picked.columns, ["c", "a"]);

  const noHeader = parseCsv(" 1 , nan,-inf\n+2,Infinity,3\n", { header: false });
  assert.deepEqual(noHeader.columns, ["0", "1", "2"]);
  const v = [...noHeader.x.data];
  assert.deepEqual([v[0], v[2], v[3], v[4], v[5]], [1, -Infinity, 2, Infinity, 3]);
  assert.ok(Number.isNaN(v[1]));
  assert.deepEqual(parseCsv("a,b\n").x.shape, [0, 2]);
});

Deno.test("parseCsv validates its options", () => {
  assert.throws(
    () => parseCsv("a,b\n1,2\n", { label: "z" }),
    /label column "z" is not a column; the header has \["a","b"\]/,
  );
  assert.throws(
    () => parseCsv("a,b\n1,2\n", { label: 2 }),
    /label column index 2 is out of range for 2 columns/,
  );
  assert.throws(() => parseCsv("1,2\n", { header: false, label: "a" }), /header is false/);
  assert.throws(
    () => parseCsv("a,b\n1,2\n", { label: "a", columns: ["a"] }),
    /both a feature and the label/,
  );
  assert.throws(() => parseCsv("a\n1\n", { labelType: "x" as "auto" }), /labelType/);
  assert.throws(() => parseCsv("a\n1\n", { dtype: "int32" as "float32" }), /dtype/);
  assertFormatError(
    () => parseCsv("\n\n", { name: "e.csv" }),
    "e.csv",
    0,
    /line 1, column 1, byte 0: no records/,
  );
});

Deno.test("parseCsv names line, column and byte of every malformation", () => {
  const f = "t.csv";
  // Rows too long, too short; the byte offset counts UTF-8 bytes ("é" is two).
  assertFormatError(
    () => parseCsv("a,b\n1,2,3\n", { name: f }),
    f,
    8,
    /line 2, column 3, byte 8: expected 2 fields, found 3/,
  );
  assertFormatError(
    () => parseCsv("a,b\n1,2\n3\n", { name: f }),
    f,
    9,
    /line 3, column 2, byte 9: expected 2 fields, found 1/,
  );
  assertFormatError(
    () => parseCsv("é,b\n1,x\n", { name: f }),
    f,
    7,
    /line 2, column 2, byte 7: "x" is not a number in column "b"/,
  );
  assertFormatError(() => parseCsv("a,b\n1,\n", { name: f }), f, 6, /empty cell in column "b"/);
  assertFormatError(() => parseCsv("a,b\n1,0x10\n", { name: f }), f, 6, /"0x10" is not a number/);
  // A quoted field spanning lines moves later fields to later lines.
  const e = assertFormatError(
    () => parseCsv('a,b,c\n"x\ny",2,z\n', { name: f, columns: ["b", "c"] }),
    f,
    14,
    /"z" is not a number/,
  );
  assert.equal(e.line, 3);
  assert.equal(e.column, 3);
  assertFormatError(
    () => parseCsv('a\n"open\n', { name: f }),
    f,
    2,
    /line 2, column 1, byte 2: quoted field is never closed/,
  );
  assertFormatError(
    () => parseCsv('a\n"x"y\n', { name: f }),
    f,
    5,
    /unexpected "y" after the closing quote/,
  );
  assertFormatError(
    () => parseCsv('a\nx"y\n', { name: f }),
    f,
    3,
    /quote inside an unquoted field/,
  );
  assertFormatError(
    () => parseCsv("a,l\n1,2\n3,q\n", { name: f, label: "l", labelType: "number" }),
    f,
    10,
    /line 3, column 2/,
  );
});

Deno.test("readCsv reads UTF-8 files and reports invalid bytes by offset", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.csv`, "\ufeffx,y,c\r\n1,2,cat\r\n3,4,dog\r\n");
    const t = await readCsv(`${dir}/a.csv`, { label: "c" });
    assert.deepEqual(t.x.toArray(), [[1, 2], [3, 4]]);
    assert.deepEqual(t.classes, ["cat", "dog"]);
    // With a byte-order mark the offsets still count from the start of the file.
    await Deno.writeTextFile(`${dir}/b.csv`, "\ufeffx\nq\n");
    await assert.rejects(
      () => readCsv(`${dir}/b.csv`),
      (e: Error) => e instanceof DataFormatError && e.offset === 5 && e.line === 2,
    );
    await Deno.writeFile(`${dir}/c.csv`, new Uint8Array([0x61, 0x0a, 0x31, 0xff, 0x0a]));
    await assert.rejects(
      () => readCsv(`${dir}/c.csv`),
      (e: Error) =>
        e instanceof DataFormatError && e.offset === 3 && /invalid UTF-8 byte 0xff/.test(e.message),
    );
  });
});

const cell = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", " ", "é", "1") }),
);

Deno.test("property: quoting any fields and parsing them back gives the same records", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 6 }),
      fc.boolean(),
      (rows, crlf) => {
        // A record of one empty field is a blank line, which the reader skips; quote it to keep it.
        const text = rows.map((r) => r.map((f) => `"${f.replaceAll('"', '""')}"`).join(",")).join(
          crlf ? "\r\n" : "\n",
        );
        assert.deepEqual(parseCsvRecords(text), rows);
      },
    ),
  );
});

Deno.test("property: parseCsv on corrupted numeric CSV only throws DataFormatError/TypeError/RangeError", () => {
  const arbTable = fc.array(
    fc.array(fc.integer({ min: -99, max: 99 }), { minLength: 3, maxLength: 3 }),
    { minLength: 1, maxLength: 5 },
  );
  fc.assert(
    fc.property(
      arbTable,
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(",", '"', "\n", "x", "", "1", "\r")), {
        maxLength: 3,
      }),
      (rows, edits) => {
        let text = "a,b,c\n" + rows.map((r) => r.join(",")).join("\n") + "\n";
        for (const [at, s] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + s + text.slice(i + 1);
        }
        try {
          const t = parseCsv(text, { name: "fuzz.csv", label: "c" });
          // Edits may rewrite the header too, so only the table's own consistency is checked.
          assert.equal(t.x.shape[1], t.columns.length);
          assert.ok(!t.columns.includes("c"));
          assert.equal(t.y!.size, t.x.shape[0]);
          assert.equal(t.x.size, t.x.shape[0] * t.x.shape[1]);
        } catch (e) {
          assert.ok(isAllowedError(e), String(e));
          if (e instanceof DataFormatError) {
            assert.ok(
              e.offset >= 0 && e.offset <= new TextEncoder().encode(text).length,
              e.message,
            );
            assert.ok(e.line! >= 1 && e.column! >= 1, e.message);
          }
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("parseCsv and parseCsvRecords name themselves for null options", () => {
  assert.throws(
    () => parseCsv("a\n1", null as never),
    /^TypeError: parseCsv: options must be an object, got null$/,
  );
  assert.throws(
    () => parseCsvRecords("a\n1", null as never),
    /^TypeError: parseCsvRecords: options must be an object, got null$/,
  );
});
