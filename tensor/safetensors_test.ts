import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "./ndarray.ts";
import { allocTyped, type DType, itemSize } from "./dtype.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensors,
  loadSafetensorsSync,
  saveSafetensors,
  saveSafetensorsSync,
} from "./safetensors.ts";
import { readInto } from "./_read_strided.ts";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const enc = new TextEncoder();

const f32 = (values: number[], shape?: number[]) =>
  NDArray.fromTyped(new Float32Array(values), shape);

/** Row-major bytes of an array's elements (through its strides), for bit-exact comparison. */
function elementBytes(x: NDArray): Uint8Array {
  const out = allocTyped(x.dtype, x.size);
  readInto(x, out, 0);
  return new Uint8Array(out.buffer);
}

function assertSameArray(actual: NDArray, expected: NDArray, label: string): void {
  assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
  assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape`);
  assert.deepEqual(elementBytes(actual), elementBytes(expected), `${label}: elements`);
}

/** A file with the given header text (unpadded) followed by `data`. */
function file(header: string, data: Uint8Array | number = 0): Uint8Array {
  const h = enc.encode(header);
  const d = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}

function u32le(v: number): number[] {
  return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
}

// ----- encoding -----

Deno.test("encodeSafetensors: byte-exact output for a hand-built example", () => {
  const x = f32([0, 1, 2, 3, 4, 5], [1, 2, 3]);
  const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'; // 64 bytes: no padding
  const expected = [
    ...[64, 0, 0, 0, 0, 0, 0, 0],
    ...[...header].map((c) => c.charCodeAt(0)),
    ...[0, 0, 0, 0], // 0.0f
    ...[0, 0, 0x80, 0x3f], // 1.0f = 0x3f800000
    ...[0, 0, 0, 0x40], // 2.0f = 0x40000000
    ...[0, 0, 0x40, 0x40], // 3.0f = 0x40400000
    ...[0, 0, 0x80, 0x40], // 4.0f = 0x40800000
    ...[0, 0, 0xa0, 0x40], // 5.0f = 0x40a00000
  ];
  assert.deepEqual([...encodeSafetensors({ "attn.0": x })], expected);
});

Deno.test("encodeSafetensors: header padded with spaces to a multiple of 8", () => {
  // 65 header bytes -> padded to 72 with 7 spaces, so the data starts 8-byte aligned.
  const out = encodeSafetensors({ attn0: f32([0, 1, 2, 3, 4, 5], [1, 1, 2, 3]) });
  const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
  assert.equal(header.length, 65);
  assert.deepEqual([...out.subarray(0, 8)], [72, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(new TextDecoder().decode(out.subarray(8, 80)), header + "       ");
  assert.equal(out.length, 80 + 24);
  // Empty file and metadata only: the reference implementation's own test vectors.
  assert.deepEqual([...encodeSafetensors({})], [
    8,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    123,
    125,
    32,
    32,
    32,
    32,
    32,
    32,
  ]);
  const meta = encodeSafetensors({}, { framework: "pt" });
  assert.deepEqual([...meta.subarray(0, 8)], [40, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(
    new TextDecoder().decode(meta.subarray(8)),
    '{"__metadata__":{"framework":"pt"}}     ',
  );
});

Deno.test("encodeSafetensors: same bytes as the Python reference layout (fixture)", () => {
  const expected = Deno.readFileSync(fixture("safetensors_nnc.safetensors"));
  const tensors = {
    a: f32([1, 2, 3, 4, 5, 6], [2, 3]),
    "b.bias": NDArray.fromTyped(new Float64Array([0.5, -0.25])),
    c: NDArray.fromTyped(new Int32Array([7]), []),
    Z: f32([], [2, 0]),
    "é": f32([1.5]),
    z: f32([-1]),
  };
  assert.deepEqual(encodeSafetensors(tensors, { format: "pt" }), expected);
});

Deno.test("encodeSafetensors writes views in row-major order, little-endian", () => {
  const base = NDArray.fromTyped(new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const t = base.transpose(); // [[1, 4], [2, 5], [3, 6]]
  const out = encodeSafetensors({ t, s: base.slice(null, { step: -2 }) });
  const { tensors } = decodeSafetensors(out);
  assert.deepEqual(tensors.t.toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(tensors.s.toArray(), [[3, 1], [6, 4]]);
  const n = Number(new DataView(out.buffer).getBigUint64(0, true));
  // "s" sorts before "t": s's 4 elements, then t's 6, each as 4 little-endian bytes.
  assert.deepEqual([...out.subarray(8 + n)], [3, 1, 6, 4, 1, 4, 2, 5, 3, 6].flatMap(u32le));
});

Deno.test("encodeSafetensors rejects bad arguments", () => {
  const x = f32([1]);
  assert.throws(
    () => encodeSafetensors(null as unknown as Record<string, NDArray>),
    /encodeSafetensors: tensors must be an object/,
  );
  assert.throws(() => encodeSafetensors([x] as unknown as Record<string, NDArray>), TypeError);
  assert.throws(
    () => encodeSafetensors({ w: [1, 2] as unknown as NDArray }),
    /tensor "w" is an array of length 2, expected an NDArray/,
  );
  assert.throws(() => encodeSafetensors({ __metadata__: x }), /"__metadata__" is reserved/);
  assert.throws(() => encodeSafetensors({ ["a\ud800"]: x }), /unpaired surrogate/);
  assert.throws(
    () => encodeSafetensors({ x }, { epoch: 3 as unknown as string }),
    /metadata "epoch" is 3; safetensors metadata values must be strings/,
  );
  assert.throws(
    () => encodeSafetensors({ x }, "pt" as unknown as Record<string, string>),
    TypeError,
  );
});

// ----- decoding -----

interface ExpectedTensor {
  dtype: DType;
  shape: number[];
  values: (number | string | boolean)[];
}
interface ExpectedFile {
  metadata: Record<string, string>;
  tensors: Record<string, ExpectedTensor>;
}

function fromExpected(e: ExpectedTensor): NDArray {
  const data = allocTyped(e.dtype, e.values.length);
  const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };
  (e.values as unknown[]).forEach((
    v,
    i,
  ) => (data[i] = typeof v === "string" ? special[v] : Number(v)));
  return NDArray.fromTyped(data, e.shape);
}

Deno.test("decodeSafetensors reads a file written by the Python reference layout, converting dtypes", () => {
  const expected: Record<string, ExpectedFile> = JSON.parse(
    Deno.readTextFileSync(fixture("safetensors_expected.json")),
  );
  for (const which of ["torch", "nnc"]) {
    const bytes = Deno.readFileSync(fixture(`safetensors_${which}.safetensors`));
    const { tensors, metadata } = decodeSafetensors(bytes, { name: which });
    const want = expected[which];
    assert.deepEqual(metadata, want.metadata);
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(want.tensors).sort());
    for (const [name, e] of Object.entries(want.tensors)) {
      assertSameArray(tensors[name], fromExpected(e), `${which}/${name}`);
    }
  }
  const { tensors } = decodeSafetensors(
    Deno.readFileSync(fixture("safetensors_torch.safetensors")),
  );
  // Spot checks by hand: I64 0-d counter, F16 and BF16 specials, BOOL, extreme int32.
  assert.equal(tensors["bn.num_batches_tracked"].item(), 1);
  assert.deepEqual(tensors.half.toArray(), [
    1,
    -0.5,
    65504,
    5.960464477539063e-8,
    Infinity,
    0.0999755859375,
  ]);
  assert.deepEqual(tensors.bf16.toArray(), [1, -3.140625, 1.0002555517425873e30, -Infinity]);
  assert.deepEqual(tensors.mask.toArray(), [1, 0, 1]);
  assert.deepEqual(tensors.int64.toArray(), [[-5, 7], [2147483647, -2147483648]]);
  assert.deepEqual(tensors.transposed.toArray(), [[0, 3], [1, 4], [2, 5]]);
  assert.deepEqual([...tensors.empty.shape], [0, 3]);
});

Deno.test("decodeSafetensors copies: tensors own aligned memory and never alias the input", () => {
  const bytes = encodeSafetensors({ w: NDArray.fromTyped(new Float64Array([1.5, -2])) });
  // Place the file at an odd byte offset so no float64 view of it could be aligned.
  const padded = new Uint8Array(bytes.length + 3);
  padded.set(bytes, 3);
  const { tensors } = decodeSafetensors(padded.subarray(3));
  assert.deepEqual(tensors.w.toArray(), [1.5, -2]);
  padded.fill(0);
  assert.deepEqual(tensors.w.toArray(), [1.5, -2]);
  assert.equal(tensors.w.data.byteOffset, 0);
});

Deno.test("decodeSafetensors: names such as __proto__ become own properties", () => {
  const tensors: Record<string, NDArray> = {};
  Object.defineProperty(tensors, "__proto__", { value: f32([9]), enumerable: true });
  const out = decodeSafetensors(encodeSafetensors(tensors, { __proto__x: "y" }));
  assert.ok(Object.hasOwn(out.tensors, "__proto__"));
  assert.equal(Object.getPrototypeOf(out.tensors), Object.prototype);
  assert.deepEqual(out.tensors["__proto__"].toArray(), [9]);
});

Deno.test("decodeSafetensors accepts null metadata, whitespace, zero-size tensors between others", () => {
  const header =
    ' {"__metadata__": null, "b": {"dtype": "F32", "shape": [0, 5], "data_offsets": [4, 4]},\n' +
    ' "a": {"dtype": "I32", "shape": [], "data_offsets": [0, 4], "extra": [1]}, "c": {"dtype": "U8", "shape": [1], "data_offsets": [4, 5]}}   ';
  const bytes = file("{" + header.slice(2), new Uint8Array([...u32le(12), 200]));
  const { tensors, metadata } = decodeSafetensors(bytes);
  assert.deepEqual(metadata, {});
  assert.equal(tensors.a.item(), 12);
  assert.equal(tensors.a.dtype, "int32");
  assert.deepEqual([...tensors.b.shape], [0, 5]);
  assert.deepEqual(tensors.c.toArray(), [200]);
});

// ----- round trips -----

const nameArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.constantFrom("fc.weight", "features.0.bias", "__proto__", "constructor", "0", "é", 'a"b\\c\n'),
).filter((s) => s !== "__metadata__");

const tensorArb = fc
  .record({
    dtype: fc.constantFrom<DType>("float32", "float64", "int32"),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
    view: fc.constantFrom("none", "transpose", "flip"),
    seed: fc.integer(),
  })
  .map(({ dtype, shape, view, seed }) => {
    const n = shape.reduce((p, d) => p * d, 1);
    const data = allocTyped(dtype, n);
    // Arbitrary bit patterns, NaN payloads and infinities included for floats.
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let s = seed | 0;
    for (let i = 0; i < bytes.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) | 0;
      bytes[i] = s >>> 23;
    }
    const x = NDArray.fromTyped(data, shape);
    if (view === "transpose") return x.transpose();
    if (view === "flip" && x.ndim > 0) return x.flip(0);
    return x;
  });

Deno.test("safetensors round trip: decode(encode(x)) is bit-exact, and re-encoding is identical (property)", () => {
  fc.assert(
    fc.property(
      fc.dictionary(nameArb, tensorArb, { maxKeys: 6 }),
      fc.option(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
        { nil: undefined },
      ),
      (tensors, metadata) => {
        const bytes = encodeSafetensors(tensors, metadata);
        const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
        assert.equal(n % 8, 0);
        const out = decodeSafetensors(bytes);
        assert.deepEqual(Object.keys(out.tensors).sort(), Object.keys(tensors).sort());
        for (const k of Object.keys(tensors)) assertSameArray(out.tensors[k], tensors[k], k);
        assert.deepEqual(out.metadata, { ...metadata });
        assert.deepEqual(encodeSafetensors(out.tensors, metadata), bytes);
      },
    ),
    { numRuns: 200 },
  );
});

// ----- files -----

Deno.test("saveSafetensors/loadSafetensors: atomic replace, no temporary files left", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/model.safetensors`;
    await saveSafetensors(path, { w: f32([1, 2, 3, 4], [2, 2]) }, { epoch: "1" });
    await saveSafetensors(path, { w: f32([5, 6]) }, { epoch: "2" });
    const loaded = await loadSafetensors(path);
    assert.deepEqual(loaded.tensors.w.toArray(), [5, 6]);
    assert.deepEqual(loaded.metadata, { epoch: "2" });
    // A failed save (bad argument) leaves the previous file untouched.
    await assert.rejects(() => saveSafetensors(path, { w: 1 as unknown as NDArray }), TypeError);
    assert.deepEqual((await loadSafetensors(new URL(`file://${path}`))).tensors.w.toArray(), [
      5,
      6,
    ]);
    saveSafetensorsSync(path, { v: NDArray.fromTyped(new Int32Array([3, 4])) });
    assert.deepEqual(loadSafetensorsSync(path).tensors.v.toArray(), [3, 4]);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(names, ["model.safetensors"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadSafetensors: errors name the path and the byte offset", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bad.safetensors`;
    await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
    await assert.rejects(
      () => loadSafetensors(path),
      (e: Error) =>
        e instanceof RangeError &&
        e.message ===
          `loadSafetensors: ${path}, byte 0: file is 3 bytes long, too short for the 8-byte header length`,
    );
    assert.throws(
      () => loadSafetensorsSync(path),
      /loadSafetensorsSync: .*bad\.safetensors, byte 0/,
    );
    await assert.rejects(() => loadSafetensors(`${dir}/missing.safetensors`), Deno.errors.NotFound);
    await assert.rejects(
      () => loadSafetensors(""),
      /loadSafetensors: path must be a file path \(a non-empty string or a file: URL\), got ""/,
    );
    await assert.rejects(() => loadSafetensors(new URL("https://example.com/x")), TypeError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ----- malformed files -----

function rejects(
  bytes: Uint8Array,
  kind: typeof TypeError | typeof RangeError,
  message: RegExp,
): void {
  assert.throws(
    () => decodeSafetensors(bytes, { name: "m.st" }),
    (e: Error) => {
      assert.ok(
        e instanceof kind,
        `expected ${kind.name}, got ${e.constructor.name}: ${e.message}`,
      );
      assert.match(e.message, /^decodeSafetensors: m\.st, byte \d+: /);
      assert.match(e.message, message);
      return true;
    },
  );
}

const F32_A = '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';

Deno.test("malformed: length prefix (too short, too long, over the limit)", () => {
  rejects(
    new Uint8Array(7),
    RangeError,
    /byte 0: file is 7 bytes long, too short for the 8-byte header length/,
  );
  rejects(new Uint8Array(0), RangeError, /byte 0: file is 0 bytes long/);
  const long = file("{}");
  long[0] = 3; // claims 3 header bytes... fine; claim more than present instead:
  long[0] = 200;
  rejects(
    long,
    RangeError,
    /byte 0: header length 200 runs past the end of the file \(2 bytes follow the length\)/,
  );
  const huge = new Uint8Array(16);
  huge.set([0, 0, 0, 0, 0, 1, 0, 0]); // 2^40
  rejects(
    huge,
    RangeError,
    /byte 0: header length 1099511627776 exceeds the limit of 100000000 bytes/,
  );
  huge.set([255, 255, 255, 255, 255, 255, 255, 255]); // 2^64 - 1: must not become a negative number
  rejects(huge, RangeError, /header length 18446744073709551615 exceeds the limit/);
  rejects(
    file(""),
    TypeError,
    /byte 8: header must start with "\{" \(0x7b\), found an empty header/,
  );
});

Deno.test("malformed: header not UTF-8 JSON, not an object, duplicate keys, too deep", () => {
  rejects(file("[]"), TypeError, /byte 8: header must start with "\{"/);
  rejects(file(' {"a":1}'), TypeError, /byte 8: header must start/);
  rejects(
    file('{"a":}'),
    TypeError,
    /byte 13: header is not valid JSON: expected a JSON value, found character "}"/,
  );
  rejects(
    file('{"a":{}'),
    TypeError,
    /byte 15: header is not valid JSON: expected "," or "}", found end of header/,
  );
  rejects(
    file("{} x"),
    TypeError,
    /byte 11: header is not valid JSON: unexpected character "x" after the JSON value/,
  );
  rejects(file('{"a\tb":1}'), TypeError, /byte 11: .*unescaped control byte 0x09/);
  rejects(file('{"\\q":1}'), TypeError, /byte 9: .*invalid escape sequence/);
  rejects(file('{"\\ud800":1}'), TypeError, /byte 9: .*unpaired surrogate/);
  rejects(file('{"abc'), TypeError, /byte 9: .*unterminated string/);
  rejects(file('{"a":tru}'), TypeError, /byte 16: .*expected "true"/);
  rejects(file('{"a":01}'), TypeError, /byte 14: .*expected "," or "}", found character "1"/);
  rejects(file('{"a":-}'), TypeError, /byte 14: .*expected a digit/);
  const bad = file('{"xx":1}');
  bad[10] = 0xff; // invalid UTF-8 inside the first key
  rejects(bad, TypeError, /byte 9: header is not valid JSON: string is not valid UTF-8/);
  rejects(
    file(`{${F32_A},${F32_A}}`),
    TypeError,
    /byte 62: header is not valid JSON: duplicate key "a"/,
  );
  rejects(
    file('{"a":' + "[".repeat(100) + "]".repeat(100) + "}"),
    TypeError,
    /nesting deeper than 64 levels/,
  );
  rejects(file('{"a":' + "[".repeat(200_000)), TypeError, /nesting deeper than 64 levels/);
});

/** Expects rejection at the file offset of `needle` (its `occurrence`-th match) in `header`. */
function rejectsAt(
  header: string,
  data: Uint8Array | number,
  needle: string,
  kind: typeof TypeError | typeof RangeError,
  message: string,
  occurrence = 1,
): void {
  let i = -1;
  for (let k = 0; k < occurrence; k++) i = header.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} not in ${header}`);
  const offset = 8 + enc.encode(header.slice(0, i)).length;
  const escaped = message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  rejects(file(header, data), kind, new RegExp(`byte ${offset}: ${escaped}`));
}

Deno.test("malformed: entries with missing fields or wrong types", () => {
  rejectsAt(
    '{"a":5}',
    0,
    "5",
    TypeError,
    'tensor "a" must be an object with "dtype", "shape" and "data_offsets", found a number',
  );
  rejectsAt(
    '{"a":{"dtype":"F32","shape":[1]}}',
    4,
    '{"dtype"',
    TypeError,
    'tensor "a" has no "data_offsets"',
  );
  rejectsAt(
    '{"a":{"shape":[1],"data_offsets":[0,4]}}',
    4,
    '{"shape"',
    TypeError,
    'tensor "a" has no "dtype"',
  );
  rejectsAt(
    '{"a":{"dtype":7,"shape":[1],"data_offsets":[0,4]}}',
    4,
    "7",
    TypeError,
    'tensor "a": "dtype" must be a string, found a number',
  );
  rejectsAt(
    '{"a":{"dtype":"F32","shape":{},"data_offsets":[0,4]}}',
    4,
    "{}",
    TypeError,
    'tensor "a": "shape" must be an array, found an object',
  );
  rejectsAt(
    '{"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}',
    4,
    '"1"',
    TypeError,
    'tensor "a": shape entry must be a number, found a string',
  );
  rejectsAt(
    '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}',
    4,
    "[0]",
    TypeError,
    'tensor "a": "data_offsets" must be an array [begin, end], found an array of 1',
  );
  rejectsAt(
    '{"a":{"dtype":"F32","shape":[1],"data_offsets":7}}',
    4,
    "7",
    TypeError,
    'tensor "a": "data_offsets" must be an array [begin, end], found a number',
  );
  rejectsAt(
    '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,null]}}',
    4,
    "null",
    TypeError,
    'tensor "a": data_offsets end must be a number, found a null',
  );
  // Offsets count UTF-8 bytes, not characters.
  rejectsAt(
    '{"é€":{"dtype":true,"shape":[1],"data_offsets":[0,4]}}',
    4,
    "true",
    TypeError,
    'tensor "é€": "dtype" must be a string, found a boolean',
  );
});

Deno.test("malformed: unknown and unsupported dtypes", () => {
  rejectsAt(
    '{"a":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}',
    4,
    '"F31"',
    TypeError,
    'tensor "a": dtype "F31" is not a safetensors dtype; expected one of F64, F32, I32, F16, BF16, I64, U64, U32, I16, U16, I8, U8, BOOL',
  );
  rejectsAt(
    '{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}',
    1,
    '"F8_E4M3"',
    TypeError,
    'tensor "a": dtype "F8_E4M3" is not supported by nnc',
  );
  rejectsAt(
    '{"a":{"dtype":"toString","shape":[1],"data_offsets":[0,1]}}',
    1,
    '"toString"',
    TypeError,
    'tensor "a": dtype "toString" is not a safetensors dtype',
  );
});

Deno.test("malformed: shape entries negative, fractional or huge; sizes checked without overflow", () => {
  const h = (shape: string, offsets = "[0,4]") =>
    `{"a":{"dtype":"F32","shape":${shape},"data_offsets":${offsets}}}`;
  rejectsAt(
    h("[-1]"),
    4,
    "-1",
    RangeError,
    'tensor "a": shape entry -1 is not a non-negative integer',
  );
  rejectsAt(
    h("[1, 1.5]"),
    4,
    "1.5",
    RangeError,
    'tensor "a": shape entry 1.5 is not a non-negative integer',
  );
  rejectsAt(
    h("[1e0]"),
    4,
    "1e0",
    RangeError,
    'tensor "a": shape entry 1e0 is not a non-negative integer',
  );
  rejectsAt(
    h("[2]"),
    4,
    "[0,4]",
    RangeError,
    'tensor "a": shape [2] of F32 needs 8 bytes but data_offsets [0, 4] span 4',
  );
  // 2^32 * 2^32 * 4 bytes wraps to 0 in 64-bit arithmetic; it must not pass as an empty tensor.
  rejectsAt(
    h("[4294967296,4294967296]", "[0,0]"),
    4,
    "[0,0]",
    RangeError,
    'tensor "a": shape [4294967296, 4294967296] of F32 needs 73786976294838206464 bytes but data_offsets [0, 0] span 0',
  );
  rejectsAt(
    h("[0,9007199254740992]", "[0,0]"),
    4,
    "9007199254740992",
    RangeError,
    'tensor "a": shape entry 9007199254740992 is larger than 2^53 - 1',
  );
  rejectsAt(
    h("[1]", "[4,0]"),
    4,
    "[4,0]",
    RangeError,
    'tensor "a": data_offsets [4, 0] end before they begin',
  );
  rejectsAt(
    h("[1]", "[-4,0]"),
    4,
    "-4",
    RangeError,
    'tensor "a": data_offsets begin -4 is not a non-negative integer',
  );
  rejectsAt(
    h("[1]", "[0,18446744073709551620]"),
    4,
    "18446744073709551620",
    RangeError,
    'tensor "a": data_offsets end 18446744073709551620 is larger than 2^53 - 1',
  );
  // 2^52 bytes: a consistent size that no file has; the tiling check catches it.
  rejectsAt(
    h("[1073741824,1048576]", "[0,4503599627370496]"),
    4,
    "[0,4503599627370496]",
    RangeError,
    'tensor "a" ends at data byte 4503599627370496, past the end of the 4-byte data buffer',
  );
});

Deno.test("malformed: offsets must tile the data buffer exactly", () => {
  const t = (name: string, b: number, e: number) =>
    `"${name}":{"dtype":"F32","shape":[${(e - b) / 4}],"data_offsets":[${b},${e}]}`;
  // Gap between tensors: b starts at 8 but a ends at 4.
  rejectsAt(
    `{${t("a", 0, 4)},${t("b", 8, 12)}}`,
    12,
    "[8,12]",
    RangeError,
    'tensor "b" begins at data byte 8 but the previous tensor ends at 4: bytes 4..8 belong to no tensor',
  );
  // Not starting at 0.
  rejectsAt(
    `{${t("a", 4, 8)}}`,
    8,
    "[4,8]",
    RangeError,
    'tensor "a" begins at data byte 4 but the previous tensor ends at 0',
  );
  // Overlap; listed out of order in the header, which is allowed.
  rejectsAt(
    `{${t("b", 4, 12)},${t("a", 0, 8)}}`,
    12,
    "[4,12]",
    RangeError,
    'tensor "b" begins at data byte 4, inside tensor "a" which ends at 8',
  );
  // A zero-size tensor inside another one also overlaps.
  rejectsAt(
    `{${t("a", 0, 8)},${t("z", 4, 4)}}`,
    8,
    "[4,4]",
    RangeError,
    'tensor "z" begins at data byte 4, inside tensor "a" which ends at 8',
  );
  // Trailing bytes after the last tensor: reported at their file offset.
  const header = `{${t("a", 0, 4)}}`;
  rejects(
    file(header, 6),
    RangeError,
    new RegExp(`byte ${8 + header.length + 4}: 2 bytes after the last tensor belong to no tensor`),
  );
  // Data runs past the end of the file.
  rejectsAt(
    `{${t("a", 0, 4)},${t("b", 4, 8)}}`,
    6,
    "[4,8]",
    RangeError,
    'tensor "b" ends at data byte 8, past the end of the 6-byte data buffer',
  );
  // No tensors but data present.
  rejects(file("{}", 3), RangeError, /byte 10: 3 bytes after the last tensor belong to no tensor/);
  // Out-of-order but tiled offsets are fine.
  const ok = decodeSafetensors(
    file(`{${t("b", 4, 8)},${t("a", 0, 4)}}`, new Uint8Array([0, 0, 128, 63, 0, 0, 0, 64])),
  );
  assert.deepEqual([ok.tensors.a.item(), ok.tensors.b.item()], [1, 2]);
});

Deno.test("malformed: __metadata__ must map strings to strings", () => {
  rejectsAt(
    '{"__metadata__":[]}',
    0,
    "[]",
    TypeError,
    '"__metadata__" must be an object of strings, found an array of 0',
  );
  rejectsAt(
    '{"__metadata__":{"epoch":3}}',
    0,
    "3",
    TypeError,
    '"__metadata__" value "epoch" must be a string, found a number',
  );
  rejectsAt(
    '{"__metadata__":{"k":"a","k":"b"}}',
    0,
    '"k"',
    TypeError,
    'header is not valid JSON: duplicate key "k"',
    2,
  );
});

Deno.test("malformed: values that do not fit int32 or are not booleans", () => {
  const i64 = new Uint8Array(16);
  new DataView(i64.buffer).setBigInt64(8, 2n ** 31n, true);
  const h = '{"a":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}';
  rejects(
    file(h, i64),
    RangeError,
    new RegExp(
      `byte ${
        8 + h.length + 8
      }: tensor "a": I64 value 2147483648 at element 1 does not fit in int32`,
    ),
  );
  new DataView(i64.buffer).setBigInt64(8, -(2n ** 31n) - 1n, true);
  rejects(file(h, i64), RangeError, /I64 value -2147483649 at element 1 does not fit in int32/);
  const u64 = new Uint8Array(8).fill(255);
  rejects(
    file('{"a":{"dtype":"U64","shape":[],"data_offsets":[0,8]}}', u64),
    RangeError,
    /U64 value 18446744073709551615 at element 0 does not fit/,
  );
  rejects(
    file('{"a":{"dtype":"U32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array([0, 0, 0, 128])),
    RangeError,
    /U32 value 2147483648 at element 0/,
  );
  rejects(
    file('{"a":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}', new Uint8Array([1, 2])),
    RangeError,
    /BOOL byte 2 at element 1 is neither 0 nor 1/,
  );
  // In range: the extremes and small ints convert exactly.
  const ok = new Uint8Array(16);
  new DataView(ok.buffer).setBigInt64(0, -(2n ** 31n), true);
  new DataView(ok.buffer).setBigInt64(8, 2n ** 31n - 1n, true);
  assert.deepEqual(decodeSafetensors(file(h, ok)).tensors.a.toArray(), [-2147483648, 2147483647]);
  const small = file(
    '{"a":{"dtype":"I16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"I8","shape":[2],"data_offsets":[4,6]},"c":{"dtype":"U16","shape":[1],"data_offsets":[6,8]}}',
    new Uint8Array([0, 128, 255, 127, 128, 255, 255, 255]),
  );
  const { tensors } = decodeSafetensors(small);
  assert.deepEqual(tensors.a.toArray(), [-32768, 32767]);
  assert.deepEqual(tensors.b.toArray(), [-128, -1]);
  assert.deepEqual(tensors.c.toArray(), [65535]);
});

Deno.test("decodeSafetensors rejects a non-Uint8Array argument", () => {
  assert.throws(
    () => decodeSafetensors([1, 2] as unknown as Uint8Array),
    /decodeSafetensors: expected the file's bytes as a Uint8Array, got an array/,
  );
});

Deno.test("corrupted or truncated files only ever throw TypeError or RangeError (property)", () => {
  const base = encodeSafetensors(
    {
      "layer.0.weight": f32([1, 2, 3, 4, 5, 6], [2, 3]),
      "layer.0.bias": NDArray.fromTyped(new Float64Array([0.5, 1.5])),
      steps: NDArray.fromTyped(new Int32Array([3]), []),
      empty: f32([], [0, 2]),
    },
    { format: "pt" },
  );
  const check = (bytes: Uint8Array) => {
    try {
      const { tensors } = decodeSafetensors(bytes);
      for (const x of Object.values(tensors)) assert.equal(x.size * itemSize(x.dtype) >= 0, true);
    } catch (e) {
      if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
      assert.match((e as Error).message, /^decodeSafetensors: <bytes>, byte \d+: /);
    }
  };
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
      fc.nat(base.length),
      (edits, cut) => {
        const bytes = base.slice();
        for (const [i, v] of edits) bytes[i] = v;
        check(bytes);
        check(bytes.subarray(0, cut));
        check(base.subarray(0, cut));
      },
    ),
    { numRuns: 2000 },
  );
  // Corruption focused on the header's digits and punctuation, where parsing is most exposed.
  const n = Number(new DataView(base.buffer).getBigUint64(0, true));
  fc.assert(
    fc.property(
      fc.nat(n - 1),
      fc.constantFrom(...'0123456789[]{}",: -.eE\\'.split("").map((c) => c.charCodeAt(0))),
      (i, v) => {
        const bytes = base.slice();
        bytes[8 + i] = v;
        check(bytes);
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("decodeSafetensors names itself when its options are not an object", () => {
  assert.throws(
    () => decodeSafetensors(new Uint8Array(8), null as never),
    /^TypeError: decodeSafetensors: options must be an object, got null$/,
  );
});
