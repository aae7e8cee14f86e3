import assert from "node:assert/strict";
import fc from "fast-check";
import { array, NDArray } from "@nnc/tensor";
import { decodeIdx, decodeIdxHeader, encodeIdx, type IdxType, readIdx, writeIdx } from "./idx.ts";
import { gzip } from "./gzip.ts";
import { DataFormatError } from "./errors.ts";
import {
  assertFormatError,
  assertFormatErrorAsync,
  isAllowedError,
  loadFixture,
  withTempDir,
} from "./_testing.ts";

// A hand-written file: unsigned bytes, shape [2, 3].
const U8_2x3 = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 253, 254, 255]);

Deno.test("decodeIdx reads a hand-made u8 file as int32 or normalised float32", () => {
  const raw = decodeIdx(U8_2x3);
  assert.equal(raw.dtype, "int32");
  assert.deepEqual(raw.shape, [2, 3]);
  assert.deepEqual(raw.toArray(), [[0, 1, 2], [253, 254, 255]]);
  const unit = decodeIdx(U8_2x3, { normalize: true });
  assert.equal(unit.dtype, "float32");
  assert.deepEqual([...unit.data], [0, 1, 2, 253, 254, 255].map((v) => Math.fround(v / 255)));
});

Deno.test("normalised bytes equal float32 division by 255 (torchvision's ToTensor), from NumPy", () => {
  const expected = loadFixture<{ u8ToUnit: number[] }>("formats").u8ToUnit;
  const bytes = new Uint8Array(4 + 4 + 256);
  bytes.set([0, 0, 8, 1, 0, 0, 1, 0]);
  for (let v = 0; v < 256; v++) bytes[8 + v] = v;
  assert.deepEqual([...decodeIdx(bytes, { normalize: true }).data], expected);
});

Deno.test("decodeIdx reads every type code big-endian", () => {
  const cases: [IdxType, number, number[], number[]][] = [
    ["i8", 0x09, [0x80, 0x7f, 0xff], [-128, 127, -1]],
    ["i16", 0x0b, [0x80, 0x00, 0x01, 0x02], [-32768, 258]],
    ["i32", 0x0c, [0xff, 0xff, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x00], [-2, 65536]],
    ["f32", 0x0d, [0x3f, 0xc0, 0x00, 0x00], [1.5]],
    ["f64", 0x0e, [0xc0, 0x04, 0, 0, 0, 0, 0, 0], [-2.5]],
  ];
  for (const [type, code, data, values] of cases) {
    const n = values.length;
    const bytes = new Uint8Array([0, 0, code, 1, 0, 0, 0, n, ...data]);
    const a = decodeIdx(bytes);
    assert.equal(decodeIdxHeader(bytes).type, type);
    assert.deepEqual(a.toArray(), values, type);
    assert.equal(a.dtype, type === "f32" ? "float32" : type === "f64" ? "float64" : "int32");
  }
});

Deno.test("encodeIdx round-trips every type and checks integer ranges", () => {
  const x = array([[1, -2, 3], [4, 5, -6]], { dtype: "int32" });
  for (const type of ["i8", "i16", "i32", "f32", "f64"] as const) {
    assert.deepEqual(decodeIdx(encodeIdx(x, { type })).toArray(), x.toArray(), type);
  }
  assert.deepEqual([...encodeIdx(array([7, 300], { dtype: "int32" }), { type: "i16" })], [
    0,
    0,
    0x0b,
    1,
    0,
    0,
    0,
    2,
    0,
    7,
    1,
    44,
  ]);
  assert.throws(() => encodeIdx(x, { type: "u8" }), /element 1 is -2/);
  assert.throws(() => encodeIdx(array([0.5]), { type: "i32" }), RangeError);
  assert.throws(() => encodeIdx(array(3), { type: "f32" }), /1 to 255 dimensions/);
  // A non-contiguous view is written in logical order.
  assert.deepEqual(decodeIdx(encodeIdx(x.transpose())).toArray(), [[1, 4], [-2, 5], [3, -6]]);
});

Deno.test("decodeIdx names the file and the byte of each malformation", () => {
  const f = "x.idx";
  assertFormatError(() => decodeIdx(new Uint8Array([0, 0, 8]), { name: f }), f, 3, /magic number/);
  assertFormatError(
    () => decodeIdx(new Uint8Array([0, 1, 8, 1]), { name: f }),
    f,
    1,
    /bad magic number 00 01 08 01/,
  );
  assertFormatError(() => decodeIdx(new Uint8Array([7, 0, 8, 1]), { name: f }), f, 0, /bad magic/);
  assertFormatError(
    () => decodeIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]), { name: f }),
    f,
    2,
    /unknown type code 0x0a/,
  );
  assertFormatError(
    () => decodeIdx(new Uint8Array([0, 0, 8, 0]), { name: f }),
    f,
    3,
    /zero dimensions/,
  );
  assertFormatError(
    () => decodeIdx(new Uint8Array([0, 0, 8, 2, 0, 0, 0, 1, 0]), { name: f }),
    f,
    9,
    /inside the header/,
  );
  assertFormatError(
    () => decodeIdx(U8_2x3.subarray(0, 16), { name: f }),
    f,
    16,
    /truncated: shape \[2, 3\] of u8 needs 6 data bytes after byte 12, file has 4/,
  );
  assertFormatError(
    () => decodeIdx(new Uint8Array([...U8_2x3, 9, 9]), { name: f }),
    f,
    18,
    /2 unexpected bytes/,
  );
  const f32Short = new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
  assertFormatError(() => decodeIdx(f32Short, { name: f }), f, 15, /needs 8 data bytes/);
  const huge = new Uint8Array([0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0]);
  assertFormatError(() => decodeIdx(huge, { name: f }), f, 8, /exceed 2\^31-1/);
  assertFormatError(
    () => decodeIdx(new Uint8Array([0x1f, 0x8b, 8, 0]), { name: f }),
    f,
    0,
    /gzip-compressed/,
  );
});

Deno.test("decodeIdx validates its arguments", () => {
  assert.throws(
    () => decodeIdx([0, 0, 8, 1] as unknown as Uint8Array),
    /expected the file's bytes as a Uint8Array/,
  );
  assert.throws(
    () => decodeIdx(encodeIdx(array([1.5])), { normalize: true }),
    /normalize applies to unsigned-byte/,
  );
  assert.throws(() => decodeIdx(U8_2x3, { normalize: 1 as unknown as boolean }), TypeError);
});

Deno.test("readIdx and writeIdx handle gzip and plain files, detected by content", async () => {
  await withTempDir(async (dir) => {
    const x = array([[0.25, -1], [3, 4e6]], { dtype: "float64" });
    await writeIdx(`${dir}/a.gz`, x, { gzip: true });
    await writeIdx(`${dir}/a.idx`, x);
    assert.deepEqual((await readIdx(`${dir}/a.gz`)).toArray(), x.toArray());
    assert.deepEqual((await readIdx(new URL(`file://${dir}/a.idx`))).toArray(), x.toArray());
    // Content decides, not the name: gzip data named .idx still decodes.
    await Deno.writeFile(`${dir}/b.idx`, await gzip(U8_2x3));
    assert.deepEqual((await readIdx(`${dir}/b.idx`, { normalize: true })).shape, [2, 3]);
    // Truncated gzip: the error names the file.
    const packed = await gzip(U8_2x3);
    await Deno.writeFile(`${dir}/c.gz`, packed.subarray(0, packed.length - 5));
    const e = await assertFormatErrorAsync(
      () => readIdx(`${dir}/c.gz`),
      `${dir}/c.gz`,
      packed.length - 5,
      /corrupt or truncated/,
    );
    assert.equal(e.name, "DataFormatError");
    // A valid gzip of a malformed IDX: the IDX error names the file too.
    await Deno.writeFile(`${dir}/d.gz`, await gzip(U8_2x3.subarray(0, 14)));
    await assertFormatErrorAsync(() => readIdx(`${dir}/d.gz`), `${dir}/d.gz`, 14, /truncated/);
    await assert.rejects(() => readIdx(`${dir}/missing.idx`), Deno.errors.NotFound);
    await assert.rejects(
      () => readIdx(42 as unknown as string),
      /readIdx: path must be a file path \(a non-empty string or a file: URL\), got 42/,
    );
  });
});

const arbIdxArray = fc.record({
  type: fc.constantFrom<IdxType>("u8", "i8", "i16", "i32", "f32", "f64"),
  shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
}).chain(({ type, shape }) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const [lo, hi] = type === "u8"
    ? [0, 255]
    : type === "i8"
    ? [-128, 127]
    : type === "i16"
    ? [-32768, 32767]
    : [-1e6, 1e6];
  return fc.array(fc.integer({ min: lo, max: hi }), { minLength: n, maxLength: n }).map((
    values,
  ) => ({ type, shape, values }));
});

Deno.test("property: encodeIdx/decodeIdx round-trip", () => {
  fc.assert(fc.property(arbIdxArray, ({ type, shape, values }) => {
    const dtype = type === "f32" ? "float32" : type === "f64" ? "float64" : "int32";
    const x = array(values, { dtype }).reshape(shape);
    const y = decodeIdx(encodeIdx(x, { type }));
    assert.deepEqual(y.shape, shape);
    assert.deepEqual([...y.data], values);
  }));
});

Deno.test("property: truncated or corrupted IDX files only throw DataFormatError/TypeError/RangeError", () => {
  fc.assert(
    fc.property(
      arbIdxArray,
      fc.nat(),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.boolean(),
      ({ type, shape, values }, cut, flips, truncate) => {
        const dtype = type === "f32" ? "float32" : type === "f64" ? "float64" : "int32";
        let bytes = encodeIdx(array(values, { dtype }).reshape(shape), { type });
        if (truncate) bytes = bytes.slice(0, cut % (bytes.length + 1));
        for (const [at, v] of flips) if (bytes.length > 0) bytes[at % bytes.length] = v;
        try {
          const out = decodeIdx(bytes, { name: "fuzz.idx" });
          assert.ok(out instanceof NDArray);
          // Whatever decodes must account for every byte of the file.
          const h = decodeIdxHeader(bytes);
          assert.equal(
            bytes.length,
            h.dataOffset + out.size * { u8: 1, i8: 1, i16: 2, i32: 4, f32: 4, f64: 8 }[h.type],
          );
        } catch (e) {
          assert.ok(isAllowedError(e), String(e));
          if (e instanceof DataFormatError) {
            assert.ok(
              e.offset >= 0 && e.offset <= bytes.length,
              e.message,
            );
          }
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("decodeIdx, decodeIdxHeader and encodeIdx name themselves for options of the wrong kind", () => {
  const bytes = encodeIdx(array([1, 2], { dtype: "int32" }));
  for (const f of [decodeIdx, decodeIdxHeader]) {
    assert.throws(
      () => f(bytes, null as never),
      /^TypeError: decodeIdx: options must be an object, got null$/,
    );
  }
  for (const type of [{}, Object.create(null), "toString"]) {
    assert.throws(
      () => encodeIdx(array([1]), { type: type as never }),
      /^TypeError: encodeIdx: unknown type (an object|"toString"); expected one of/,
    );
  }
});
