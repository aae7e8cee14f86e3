import assert from "node:assert/strict";
import fc from "fast-check";
import { array, type DType, type NDArray } from "@nnc/tensor";
import { decodeNpy, decodeNpyHeader, encodeNpy, readNpy, writeNpy } from "./npy.ts";
import { DataFormatError } from "./errors.ts";
import {
  assertFormatError,
  fromBase64,
  isAllowedError,
  loadFixture,
  withTempDir,
} from "./_testing.ts";

interface NpyCase {
  name: string;
  descr: string;
  fortran: boolean;
  shape: number[];
  values: (number | string)[];
  bytes: string;
  expect?: DType;
  dtype?: DType;
}
const fx = loadFixture<
  {
    npyRead: NpyCase[];
    npyWrite: NpyCase[];
    npyOverflow: { name: string; bytes: string; index: number }[];
  }
>("formats");
const num = (
  v: number | string,
) => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? NaN : (v as number));

Deno.test("decodeNpy reads every NumPy-written case (dtypes, byte orders, Fortran order, versions)", () => {
  for (const c of fx.npyRead) {
    const a = decodeNpy(fromBase64(c.bytes), { name: c.name });
    assert.equal(a.dtype, c.expect, c.name);
    assert.deepEqual(a.shape, c.shape, c.name);
    assert.ok(a.isContiguous, c.name);
    const expected = c.values.map(num).map((v) => (c.expect === "float32" ? Math.fround(v) : v));
    assert.deepEqual([...a.data], expected, c.name);
  }
});

Deno.test("decodeNpy puts Fortran-ordered data back in row-major order", () => {
  const c = fx.npyRead.find((c) => c.name === "fortran i4 2x3x4")!;
  assert.ok(c.fortran);
  const a = decodeNpy(fromBase64(c.bytes));
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 4; k++) assert.equal(a.get(i, j, k), 12 * i + 4 * j + k);
    }
  }
  assert.deepEqual(decodeNpyHeader(fromBase64(c.bytes)).fortranOrder, true);
});

Deno.test("decodeNpy rejects 64-bit and unsigned values beyond int32 with a RangeError naming the byte", () => {
  for (const c of fx.npyOverflow) {
    const bytes = fromBase64(c.bytes);
    const h = decodeNpyHeader(bytes);
    const size = Number(h.descr.slice(2));
    assert.throws(() => decodeNpy(bytes, { name: "big.npy" }), (e: Error) => {
      assert.ok(e instanceof RangeError, c.name);
      assert.match(
        e.message,
        new RegExp(
          `big\\.npy, byte ${
            h.dataOffset + c.index * size
          }: element ${c.index} .* does not fit int32`,
        ),
      );
      return true;
    });
  }
});

Deno.test("encodeNpy writes exactly NumPy's bytes", () => {
  for (const c of fx.npyWrite) {
    const x = array(c.values.map(num), { dtype: c.dtype }).reshape(c.shape);
    assert.deepEqual(encodeNpy(x), fromBase64(c.bytes), c.name);
  }
});

Deno.test("encodeNpy versions 2 and 3 round-trip and non-contiguous views are written in logical order", () => {
  const x = array([[1, 2, 3], [4, 5, 6]], { dtype: "int32" });
  for (const version of [1, 2, 3] as const) {
    const bytes = encodeNpy(x.transpose(), { version });
    assert.equal(bytes[6], version);
    assert.equal(decodeNpyHeader(bytes).dataOffset % 64, 0);
    assert.deepEqual(decodeNpy(bytes).toArray(), [[1, 4], [2, 5], [3, 6]]);
  }
  assert.throws(() => encodeNpy(x, { version: 4 as 1 }), /version must be 1, 2 or 3/);
  assert.throws(() => encodeNpy([1] as unknown as NDArray), /expected an NDArray/);
});

/** An NPY file with a hand-written header (padded to 64 bytes like NumPy's) and data. */
function withHeader(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const padded = header + " ".repeat((64 - ((prefix + header.length + 1) % 64)) % 64) + "\n";
  const out = new Uint8Array(prefix + padded.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[prefix + i] = padded.charCodeAt(i);
  out.set(data, prefix + padded.length);
  return out;
}

Deno.test("decodeNpy accepts the header variants NumPy and Python 2 wrote", () => {
  const four = new Uint8Array(new Float32Array([1, 2]).buffer);
  const ok = [
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
    '{"shape": (2,), "descr": "<f4", "fortran_order": False}',
    "{'descr':'<f4','fortran_order':False,'shape':(2L,)}",
    "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2)}",
    "{'descr': '=f4', 'fortran_order': False, 'shape': (2,), }",
  ];
  for (const h of ok) assert.deepEqual([...decodeNpy(withHeader(h, four)).data], [1, 2], h);
  assert.deepEqual(
    decodeNpy(
      withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': ()}", four.subarray(0, 4)),
    ).shape,
    [],
  );
});

Deno.test("decodeNpy names the file and the byte of each malformation", () => {
  const f = "m.npy";
  const good = encodeNpy(array([1, 2, 3], { dtype: "int32" }));
  const bad = (h: string, data = new Uint8Array(12)) => () =>
    decodeNpy(withHeader(h, data), { name: f });
  assertFormatError(
    () => decodeNpy(new Uint8Array([0x93, 0x4e]), { name: f }),
    f,
    2,
    /ends inside the magic/,
  );
  assertFormatError(
    () => decodeNpy(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, 1, 0]), { name: f }),
    f,
    5,
    /bad magic/,
  );
  assertFormatError(
    () =>
      decodeNpy(Uint8Array.from([...good.subarray(0, 6), 4, 0, ...good.subarray(8)]), { name: f }),
    f,
    6,
    /version 4\.0/,
  );
  assertFormatError(() => decodeNpy(good.subarray(0, 9), { name: f }), f, 9, /header length/);
  const longHeader = good.slice();
  longHeader[8] = 0xff;
  longHeader[9] = 0xff;
  assertFormatError(
    () => decodeNpy(longHeader, { name: f }),
    f,
    8,
    /header length 65535 reaches byte 65545, beyond the end of the 140-byte file/,
  );
  assertFormatError(
    () => decodeNpy(good.subarray(0, 135), { name: f }),
    f,
    135,
    /truncated: shape \(3\) of '<i4' needs 12 data bytes after byte 128, file has 7/,
  );
  assertFormatError(
    () => decodeNpy(Uint8Array.from([...good, 0]), { name: f }),
    f,
    140,
    /1 unexpected bytes/,
  );
  const h = 10; // header text starts here in version 1
  assertFormatError(
    bad("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }"),
    f,
    h + 50,
    /'\(n\)' is not a tuple/,
  );
  assertFormatError(bad("{'descr': '<f4', 'fortran_order': False}"), f, h + 39, /no 'shape' key/);
  assertFormatError(
    bad("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': True}"),
    f,
    h + 56,
    /unexpected key 'x'/,
  );
  assertFormatError(
    bad("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}"),
    f,
    h + 17,
    /appears twice/,
  );
  assertFormatError(
    bad("{'descr': '<c8', 'fortran_order': False, 'shape': (3,)}"),
    f,
    h + 2,
    /unsupported dtype '<c8'/,
  );
  assertFormatError(
    bad("{'descr': '|f4', 'fortran_order': False, 'shape': (3,)}"),
    f,
    h + 2,
    /no byte order/,
  );
  assertFormatError(
    bad("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,)}"),
    f,
    h + 10,
    /expected a string, True, False or a tuple/,
  );
  assertFormatError(
    bad("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,)}"),
    f,
    h + 34,
    /expected a string, True, False/,
  );
  assertFormatError(
    bad("{'descr': '<f4', 'fortran_order': 'no', 'shape': (3,)}"),
    f,
    h + 17,
    /'fortran_order' must be True or False/,
  );
  assertFormatError(
    bad("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}"),
    f,
    h + 51,
    /non-negative integer/,
  );
  assertFormatError(
    bad("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} extra"),
    f,
    h + 56,
    /after the header dict/,
  );
  assertFormatError(
    bad("{'descr': '<f4\\n', 'fortran_order': False, 'shape': (3,)}"),
    f,
    h + 14,
    /escape sequences/,
  );
  assertFormatError(
    bad("{'descr: '<f4', 'fortran_order': False, 'shape': (3,)}"),
    f,
    h + 10,
    /expected ':', found character "<"/,
  );
  assertFormatError(
    bad("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536)}"),
    f,
    h + 42,
    /more than 2\^31-1/,
  );
  const nonAscii = withHeader(
    "{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}",
    new Uint8Array(12),
  );
  nonAscii[h + 60] = 0xe9;
  assertFormatError(
    () => decodeNpy(nonAscii, { name: f }),
    f,
    h + 60,
    /non-ASCII byte 0xe9 in a version 1\.0 header/,
  );
});

Deno.test("readNpy and writeNpy go through files atomically", async () => {
  await withTempDir(async (dir) => {
    const x = array([[1.25, -2], [3, 4]], { dtype: "float64" });
    await writeNpy(`${dir}/x.npy`, x);
    assert.deepEqual((await readNpy(`${dir}/x.npy`)).toArray(), x.toArray());
    // Overwriting leaves no temporary files behind.
    await writeNpy(`${dir}/x.npy`, x.mul(2));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["x.npy"]);
    assert.deepEqual((await readNpy(`${dir}/x.npy`)).toArray(), [[2.5, -4], [6, 8]]);
    await Deno.writeFile(`${dir}/bad.npy`, new Uint8Array([1, 2, 3]));
    await assert.rejects(
      () => readNpy(`${dir}/bad.npy`),
      (e: Error) => e instanceof DataFormatError && e.message.includes(`${dir}/bad.npy, byte 0`),
    );
  });
});

const arbArray = fc.record({
  dtype: fc.constantFrom<DType>("float32", "float64", "int32"),
  shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
}).chain(({ dtype, shape }) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n }).map((v) =>
    array(v, { dtype }).reshape(shape)
  );
});

Deno.test("property: encodeNpy/decodeNpy round-trip shape, dtype and values", () => {
  fc.assert(fc.property(arbArray, fc.constantFrom<1 | 2 | 3>(1, 2, 3), (x, version) => {
    const y = decodeNpy(encodeNpy(x, { version }));
    assert.equal(y.dtype, x.dtype);
    assert.deepEqual(y.shape, x.shape);
    assert.deepEqual(y.toArray(), x.toArray());
  }));
});

Deno.test("property: truncated or corrupted NPY files only throw DataFormatError/TypeError/RangeError", () => {
  const seeds = fx.npyRead.map((c) => fromBase64(c.bytes));
  fc.assert(
    fc.property(
      fc.oneof(fc.constantFrom(...seeds), arbArray.map((x) => encodeNpy(x))),
      fc.nat(),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.boolean(),
      (original, cut, flips, truncate) => {
        let bytes = original.slice();
        if (truncate) bytes = bytes.slice(0, cut % (bytes.length + 1));
        // Aim half of the corruption at the header, where the parser lives.
        for (const [at, v] of flips) {
          if (bytes.length > 0) {
            bytes[at % Math.min(bytes.length, at % 2 ? 128 : bytes.length)] = v;
          }
        }
        try {
          const out = decodeNpy(bytes, { name: "fuzz.npy" });
          const h = decodeNpyHeader(bytes);
          assert.deepEqual(out.shape, h.shape);
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
    { numRuns: 1000 },
  );
});

Deno.test("decodeNpy and decodeNpyHeader name themselves for null options", () => {
  const bytes = encodeNpy(array([1, 2]));
  for (const f of [decodeNpy, decodeNpyHeader]) {
    assert.throws(
      () => f(bytes, null as never),
      /^TypeError: decodeNpy: options must be an object, got null$/,
    );
  }
});
