/**
 * NumPy's NPY format, versions 1.0, 2.0 and 3.0: the magic string `\x93NUMPY`, a version, a
 * little-endian header length (2 bytes in 1.0, 4 in 2.0 and 3.0), a Python dict literal
 * describing the array (`descr`, `fortran_order`, `shape`), then the raw data.
 *
 * Reading converts `f2`/`f4` to float32, `f8` to float64, and the integer and boolean types
 * (`i1` `i2` `i4` `i8` `u1` `u2` `u4` `u8` `b1`, either byte order) to int32; a 64-bit or
 * unsigned 32-bit value that does not fit int32 is a `RangeError`, never a silent wrap.
 * Fortran-ordered files come back in row-major order with the same shape and values.
 *
 * @module
 */
import { checkOptions, checkPath, describe, type DType, NDArray, Storage } from "@nnc/tensor";
import { DataFormatError } from "./errors.ts";
import { checkBytes, checkName, readBytes, renamed, writeAtomic } from "./_io.ts";
import { HeaderSyntaxError, parseNpyHeader } from "./_npy_header.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const MAX_ELEMENTS = 2 ** 31 - 1;
// One character per byte, whatever the byte: string positions are byte offsets into the header.
const LATIN1 = new TextDecoder("latin1");

/** Options of {@link decodeNpy}. */
export interface DecodeNpyOptions {
  /** What to call the bytes in error messages, typically the file name. Default `"<bytes>"`. */
  name?: string;
}

/** What an NPY header says, after validation. */
export interface NpyHeader {
  /** Format version, `[major, minor]`. */
  version: [number, number];
  /** NumPy type string, e.g. `<f4`. */
  descr: string;
  /** True when the data is stored column-major. */
  fortranOrder: boolean;
  /** Dimensions (empty for a scalar). */
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

interface ElementType {
  kind: "f" | "i" | "u" | "b";
  size: number;
  littleEndian: boolean;
}

/**
 * Parses and validates the header of an NPY file, including that the data has exactly the
 * length the shape and type require.
 *
 * @example
 * ```ts
 * import { decodeNpyHeader, encodeNpy } from "@nnc/datasets";
 * import { zeros } from "@nnc/tensor";
 * const h = decodeNpyHeader(encodeNpy(zeros([2, 3])));
 * console.assert(h.descr === "<f4" && h.shape.join() === "2,3" && h.dataOffset % 64 === 0);
 * ```
 */
export function decodeNpyHeader(bytes: Uint8Array, options: DecodeNpyOptions = {}): NpyHeader {
  checkBytes(bytes, "decodeNpy");
  const file = checkName(checkOptions(options, "decodeNpy").name, "decodeNpy");
  const fail = (offset: number, detail: string): never => {
    throw new DataFormatError("decodeNpy", { file, offset }, detail);
  };
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= bytes.length) fail(i, `file ends inside the magic string (${bytes.length} bytes)`);
    if (bytes[i] !== MAGIC[i]) fail(i, `bad magic string; NPY files start with \\x93NUMPY`);
  }
  if (bytes.length < 8) fail(bytes.length, "file ends before the version bytes");
  const major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor !== 0) {
    fail(6, `unsupported format version ${major}.${minor}; expected 1.0, 2.0 or 3.0`);
  }
  const lenBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lenBytes;
  if (bytes.length < headerStart) {
    fail(bytes.length, `file ends inside the ${lenBytes}-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = headerStart + headerLen;
  if (dataOffset > bytes.length) {
    fail(
      8,
      `header length ${headerLen} reaches byte ${dataOffset}, beyond the end of the ${bytes.length}-byte file`,
    );
  }
  const headerBytes = bytes.subarray(headerStart, dataOffset);
  if (major < 3) {
    const nonAscii = headerBytes.findIndex((b) => b > 0x7f);
    if (nonAscii >= 0) {
      fail(
        headerStart + nonAscii,
        `non-ASCII byte 0x${headerBytes[nonAscii].toString(16)} in a version ${major}.0 header`,
      );
    }
  }
  // Every meaningful header character is ASCII, so reading it byte by byte keeps offsets exact.
  const text = LATIN1.decode(headerBytes);
  let dict;
  try {
    dict = parseNpyHeader(text);
  } catch (e) {
    if (e instanceof HeaderSyntaxError) fail(headerStart + e.pos, `bad header dict: ${e.message}`);
    throw e;
  }
  const descrAt = headerStart + Math.max(0, text.indexOf("descr"));
  const type = parseDescr(dict.descr, (detail) => fail(descrAt, detail));
  const shapeAt = headerStart + Math.max(0, text.indexOf("shape"));
  let size = 1;
  for (const d of dict.shape) {
    size *= d;
    if (size > MAX_ELEMENTS) {
      fail(shapeAt, `shape (${dict.shape.join(", ")}) has more than 2^31-1 elements`);
    }
  }
  const expected = size * type.size;
  const actual = bytes.length - dataOffset;
  if (actual < expected) {
    fail(
      bytes.length,
      `truncated: shape (${
        dict.shape.join(", ")
      }) of '${dict.descr}' needs ${expected} data bytes after byte ${dataOffset}, file has ${actual}`,
    );
  }
  if (actual > expected) {
    fail(
      dataOffset + expected,
      `${actual - expected} unexpected bytes after the data of shape (${
        dict.shape.join(", ")
      }) '${dict.descr}'`,
    );
  }
  return {
    version: [major, minor],
    descr: dict.descr,
    fortranOrder: dict.fortranOrder,
    shape: dict.shape,
    dataOffset,
  };
}

function parseDescr(descr: string, fail: (detail: string) => never): ElementType {
  const m = /^([<>|=]?)([fiub])([1248])$/.exec(descr);
  if (m === null) {
    return fail(
      `unsupported dtype '${descr}'; expected a little- or big-endian f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 or b1`,
    );
  }
  const kind = m[2] as ElementType["kind"];
  const size = Number(m[3]);
  const valid = kind === "f" ? size >= 2 : kind === "b" ? size === 1 : true;
  if (!valid) fail(`unsupported dtype '${descr}'`);
  if (m[1] === "|" && size > 1) {
    fail(`dtype '${descr}' has no byte order ('|' is only for one-byte types)`);
  }
  return { kind, size, littleEndian: m[1] !== ">" };
}

/**
 * Decodes an NPY file held in memory.
 *
 * @example
 * ```ts
 * import { decodeNpy, encodeNpy } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * const a = decodeNpy(encodeNpy(array([[1, 2], [3, 4]], { dtype: "int32" })));
 * console.assert(a.dtype === "int32" && a.get(1, 0) === 3);
 * ```
 */
export function decodeNpy(bytes: Uint8Array, options: DecodeNpyOptions = {}): NDArray {
  const header = decodeNpyHeader(bytes, options);
  const file = checkName(options.name, "decodeNpy");
  const type = parseDescr(header.descr, () => {
    throw new Error("unreachable");
  });
  const n = header.shape.reduce((p, d) => p * d, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, n * type.size);
  const data = decodeData(type, view, n, (i) => {
    throw new RangeError(
      `decodeNpy: ${file}, byte ${
        header.dataOffset + i * type.size
      }: element ${i} of '${header.descr}' data does not fit int32`,
    );
  });
  const shape = header.shape;
  if (!header.fortranOrder || shape.length < 2) return new NDArray(new Storage(data), shape);
  // Column-major: the first index varies fastest. View it with those strides, then copy to row-major.
  const strides: number[] = [];
  let s = 1;
  for (const d of shape) {
    strides.push(s);
    s *= d;
  }
  return new NDArray(new Storage(data), shape, strides, 0).clone();
}

function decodeData(
  type: ElementType,
  view: DataView,
  n: number,
  overflow: (index: number) => never,
): Float32Array | Float64Array | Int32Array {
  const le = type.littleEndian;
  switch (`${type.kind}${type.size}`) {
    case "f2": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, le));
      return out;
    }
    case "f4": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, le);
      return out;
    }
    case "f8": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, le);
      return out;
    }
    case "i1":
      return Int32Array.from(new Int8Array(view.buffer, view.byteOffset, n));
    case "u1":
      return Int32Array.from(new Uint8Array(view.buffer, view.byteOffset, n));
    case "b1": {
      const src = new Uint8Array(view.buffer, view.byteOffset, n);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0;
      return out;
    }
    case "i2": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, le);
      return out;
    }
    case "u2": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, le);
      return out;
    }
    case "i4": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, le);
      return out;
    }
    case "u4": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getUint32(4 * i, le);
        if (v > 0x7fffffff) overflow(i);
        out[i] = v;
      }
      return out;
    }
    default: // i8, u8: fits int32 when the high word is the sign extension of the low word.
      return decodeInt64(view, n, le, type.kind === "i", overflow);
  }
}

function decodeInt64(
  view: DataView,
  n: number,
  le: boolean,
  signed: boolean,
  overflow: (index: number) => never,
): Int32Array {
  const out = new Int32Array(n);
  const loAt = le ? 0 : 4, hiAt = le ? 4 : 0;
  for (let i = 0; i < n; i++) {
    const lo = view.getInt32(8 * i + loAt, le);
    const hi = view.getInt32(8 * i + hiAt, le);
    if (hi !== (lo < 0 ? -1 : 0) || (!signed && lo < 0)) overflow(i);
    out[i] = lo;
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Reads an NPY file.
 *
 * @example
 * ```ts
 * import { readNpy, writeNpy } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * const path = await Deno.makeTempFile({ suffix: ".npy" });
 * await writeNpy(path, array([1.5, -2], { dtype: "float64" }));
 * console.assert((await readNpy(path)).toArray().toString() === "1.5,-2");
 * await Deno.remove(path);
 * ```
 */
export async function readNpy(path: string | URL): Promise<NDArray> {
  const { bytes, name } = await readBytes(path, "readNpy");
  return decodeNpy(bytes, { name });
}

/** Options of {@link encodeNpy}. */
export interface EncodeNpyOptions {
  /** Format version; by default 1.0, or 2.0 when the header does not fit 1.0 (as NumPy). */
  version?: 1 | 2 | 3;
}

const DESCR: Record<DType, string> = { float32: "<f4", float64: "<f8", int32: "<i4" };
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// NumPy leaves room for the growth axis to reach 21 digits, so headers can be rewritten in place.
const GROWTH_AXIS_MAX_DIGITS = 21;

/**
 * Encodes an array as NPY bytes, byte-for-byte as NumPy's `np.save` writes it (header padded so the
 * data starts on a 64-byte boundary).
 *
 * @example
 * ```ts
 * import { encodeNpy } from "@nnc/datasets";
 * import { arange } from "@nnc/tensor";
 * const bytes = encodeNpy(arange(6).reshape(2, 3));
 * console.assert(bytes.length === 128 + 24);
 * console.assert(new TextDecoder().decode(bytes.subarray(10, 70)).startsWith("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }"));
 * ```
 */
export function encodeNpy(x: NDArray, options: EncodeNpyOptions = {}): Uint8Array {
  if (!(x instanceof NDArray)) {
    throw new TypeError(`encodeNpy: expected an NDArray, got ${describe(x)}`);
  }
  checkOptions(options, "encodeNpy");
  const version = options.version;
  if (version !== undefined && version !== 1 && version !== 2 && version !== 3) {
    throw new RangeError(`encodeNpy: version must be 1, 2 or 3, got ${describe(version)}`);
  }
  const shape = x.shape.length === 1 ? `(${x.shape[0]},)` : `(${x.shape.join(", ")})`;
  let dict = `{'descr': '${DESCR[x.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  if (x.ndim > 0) {
    dict += " ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(x.shape[0]).length));
  }
  const padded = (prefix: number) =>
    dict + " ".repeat(64 - ((prefix + dict.length + 1) % 64)) + "\n";
  const fits1 = padded(10).length <= 0xffff;
  const major = version ?? (fits1 ? 1 : 2);
  if (major === 1 && !fits1) {
    throw new RangeError(`encodeNpy: header of ${dict.length} bytes is too long for version 1.0`);
  }
  const prefix = major === 1 ? 10 : 12;
  const header = padded(prefix);
  const src = x.contiguous();
  const values = src.data.subarray(src.offset, src.offset + src.size);
  const out = new Uint8Array(prefix + header.length + values.byteLength);
  out.set(MAGIC, 0);
  out[6] = major;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  const dataAt = prefix + header.length;
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), dataAt);
  } else {
    writeLittleEndian(values, view, dataAt);
  }
  return out;
}

function writeLittleEndian(
  values: Float32Array | Float64Array | Int32Array,
  view: DataView,
  at: number,
): void {
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float64Array) view.setFloat64(at + 8 * i, values[i], true);
    else if (values instanceof Float32Array) view.setFloat32(at + 4 * i, values[i], true);
    else view.setInt32(at + 4 * i, values[i], true);
  }
}

/**
 * Writes an array as an NPY file (to a temporary name, then renamed, so a crash never leaves half a file).
 *
 * @example
 * ```ts
 * import { readNpy, writeNpy } from "@nnc/datasets";
 * import { eye } from "@nnc/tensor";
 * const path = await Deno.makeTempFile({ suffix: ".npy" });
 * await writeNpy(path, eye(3));
 * console.assert((await readNpy(path)).sum().item() === 3);
 * await Deno.remove(path);
 * ```
 */
export async function writeNpy(
  path: string | URL,
  x: NDArray,
  options: EncodeNpyOptions = {},
): Promise<void> {
  checkPath(path, "writeNpy");
  await writeAtomic(path, renamed("writeNpy", () => encodeNpy(x, options)), "writeNpy");
}
