/**
 * The IDX format of MNIST and its relatives: two zero bytes, a type code, the number of
 * dimensions, each dimension as a big-endian 32-bit integer, then the big-endian data.
 *
 * Type codes: `0x08` unsigned byte, `0x09` signed byte, `0x0B` 16-bit integer, `0x0C` 32-bit
 * integer, `0x0D` float32, `0x0E` float64. Integers become int32 arrays; unsigned bytes become
 * float32 in [0, 1] when `normalize` is set (images), int32 otherwise (labels).
 *
 * @module
 */
import { checkBool, checkOptions, checkPath, describe, NDArray } from "@nnc/tensor";
import { DataFormatError } from "./errors.ts";
import { gunzip, gzip, isGzip } from "./gzip.ts";
import { checkBytes, checkName, readBytes, renamed, writeAtomic } from "./_io.ts";

/** The element types of IDX files, by name. */
export type IdxType = "u8" | "i8" | "i16" | "i32" | "f32" | "f64";

const CODE_TO_TYPE: Record<number, IdxType> = {
  0x08: "u8",
  0x09: "i8",
  0x0b: "i16",
  0x0c: "i32",
  0x0d: "f32",
  0x0e: "f64",
};
const TYPE_TO_CODE: Record<IdxType, number> = {
  u8: 0x08,
  i8: 0x09,
  i16: 0x0b,
  i32: 0x0c,
  f32: 0x0d,
  f64: 0x0e,
};
const ITEM_SIZE: Record<IdxType, number> = { u8: 1, i8: 1, i16: 2, i32: 4, f32: 4, f64: 8 };
const MAX_ELEMENTS = 2 ** 31 - 1;

/** Options of {@link decodeIdx} and {@link readIdx}. */
export interface DecodeIdxOptions {
  /** What to call the bytes in error messages, typically the file name. Default `"<bytes>"`. */
  name?: string;
  /** Unsigned-byte data becomes float32 `v / 255` in [0, 1] instead of int32. Only for `u8` files. */
  normalize?: boolean;
}

/** The header of an IDX file. */
export interface IdxHeader {
  /** Element type. */
  type: IdxType;
  /** Dimensions. */
  shape: number[];
  /** Bytes before the data. */
  dataOffset: number;
}

// torchvision's ToTensor divides in float32; a table of the 256 quotients reproduces it and is fast.
const BYTE_TO_UNIT = (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = Math.fround(v) / 255;
  return t;
})();

/**
 * Parses and validates an IDX header.
 *
 * @example
 * ```ts
 * import { decodeIdxHeader } from "@nnc/datasets";
 * const h = decodeIdxHeader(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]));
 * console.assert(h.type === "u8" && h.shape.join() === "3" && h.dataOffset === 8);
 * ```
 */
export function decodeIdxHeader(bytes: Uint8Array, options: { name?: string } = {}): IdxHeader {
  checkBytes(bytes, "decodeIdx");
  const file = checkName(checkOptions(options, "decodeIdx").name, "decodeIdx");
  const fail = (offset: number, detail: string): never => {
    throw new DataFormatError("decodeIdx", { file, offset }, detail);
  };
  if (isGzip(bytes)) fail(0, "the data is gzip-compressed; use readIdx, or gunzip it first");
  if (bytes.length < 4) {
    fail(bytes.length, `file ends inside the 4-byte magic number (${bytes.length} bytes)`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(
      bytes[0] !== 0 ? 0 : 1,
      `bad magic number ${hex(bytes, 0, 4)}; IDX files start with two zero bytes`,
    );
  }
  const type = CODE_TO_TYPE[bytes[2]];
  if (type === undefined) {
    fail(
      2,
      `unknown type code 0x${
        bytes[2].toString(16).padStart(2, "0")
      }; expected 08, 09, 0b, 0c, 0d or 0e`,
    );
  }
  const ndim = bytes[3];
  if (ndim === 0) fail(3, "zero dimensions; expected at least one");
  const dataOffset = 4 + 4 * ndim;
  if (bytes.length < dataOffset) {
    fail(
      bytes.length,
      `file ends inside the header: ${ndim} dimensions need ${dataOffset} header bytes, file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let size = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    size *= d;
    if (size > MAX_ELEMENTS) {
      fail(4 + 4 * i, `dimensions [${[...shape, d].join(", ")}…] exceed 2^31-1 elements`);
    }
    shape.push(d);
  }
  const expected = size * ITEM_SIZE[type];
  const actual = bytes.length - dataOffset;
  if (actual < expected) {
    fail(
      bytes.length,
      `truncated: shape [${
        shape.join(", ")
      }] of ${type} needs ${expected} data bytes after byte ${dataOffset}, file has ${actual}`,
    );
  }
  if (actual > expected) {
    fail(
      dataOffset + expected,
      `${actual - expected} unexpected bytes after the data of shape [${
        shape.join(", ")
      }] (${type})`,
    );
  }
  return { type, shape, dataOffset };
}

/**
 * Decodes an uncompressed IDX file held in memory (see {@link readIdx} for files and gzip).
 *
 * @example
 * ```ts
 * import { decodeIdx } from "@nnc/datasets";
 * const bytes = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255]);
 * const a = decodeIdx(bytes, { normalize: true });
 * console.assert(a.shape.join() === "1,2" && a.dtype === "float32" && a.get(0, 1) === 1);
 * console.assert(decodeIdx(bytes).dtype === "int32");
 * ```
 */
export function decodeIdx(bytes: Uint8Array, options: DecodeIdxOptions = {}): NDArray {
  const { type, shape, dataOffset } = decodeIdxHeader(bytes, options);
  const normalize = options.normalize ?? false;
  checkBool(normalize, "decodeIdx", "normalize");
  if (normalize && type !== "u8") {
    throw new TypeError(
      `decodeIdx: normalize applies to unsigned-byte (u8) data, but ${
        checkName(options.name, "decodeIdx")
      } holds ${type}`,
    );
  }
  const n = shape.reduce((p, d) => p * d, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, n * ITEM_SIZE[type]);
  return NDArray.fromTyped(decodeData(type, view, n, normalize), shape);
}

function decodeData(
  type: IdxType,
  view: DataView,
  n: number,
  normalize: boolean,
): Float32Array | Float64Array | Int32Array {
  switch (type) {
    case "u8": {
      const src = new Uint8Array(view.buffer, view.byteOffset, n);
      if (normalize) {
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = BYTE_TO_UNIT[src[i]];
        return out;
      }
      return Int32Array.from(src);
    }
    case "i8":
      return Int32Array.from(new Int8Array(view.buffer, view.byteOffset, n));
    case "i16": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case "i32": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case "f32": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    case "f64": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

/**
 * Reads an IDX file, gzip-compressed or plain (detected from the content, not the name).
 *
 * @example
 * ```ts
 * import { encodeIdx, readIdx } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * const path = await Deno.makeTempFile({ suffix: ".idx" });
 * await Deno.writeFile(path, encodeIdx(array([3, 1, 4], { dtype: "int32" }), { type: "u8" }));
 * console.assert((await readIdx(path)).toArray().toString() === "3,1,4");
 * await Deno.remove(path);
 * ```
 */
export async function readIdx(
  path: string | URL,
  options: Omit<DecodeIdxOptions, "name"> = {},
): Promise<NDArray> {
  const { bytes, name } = await readBytes(path, "readIdx");
  const plain = isGzip(bytes) ? await gunzip(bytes, { name }) : bytes;
  return decodeIdx(plain, { ...options, name });
}

/** Options of {@link encodeIdx}. */
export interface EncodeIdxOptions {
  /** Element type to store; default `i32` for int32 arrays, `f32` for float32, `f64` for float64. */
  type?: IdxType;
}

/**
 * Encodes an array as an (uncompressed) IDX file. Integer types require integer values in range.
 *
 * @example
 * ```ts
 * import { decodeIdx, encodeIdx } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * const bytes = encodeIdx(array([[1, 2], [3, 4]]), { type: "u8" });
 * console.assert(bytes.length === 4 + 8 + 4 && decodeIdx(bytes).get(1, 0) === 3);
 * ```
 */
export function encodeIdx(x: NDArray, options: EncodeIdxOptions = {}): Uint8Array {
  if (!(x instanceof NDArray)) {
    throw new TypeError(`encodeIdx: expected an NDArray, got ${describe(x)}`);
  }
  checkOptions(options, "encodeIdx");
  const type = options.type ??
    (x.dtype === "int32" ? "i32" : x.dtype === "float64" ? "f64" : "f32");
  if (typeof type !== "string" || !Object.hasOwn(TYPE_TO_CODE, type)) {
    throw new TypeError(
      `encodeIdx: unknown type ${describe(type)}; expected one of ${
        Object.keys(TYPE_TO_CODE).join(", ")
      }`,
    );
  }
  if (x.ndim === 0 || x.ndim > 255) {
    throw new RangeError(`encodeIdx: IDX holds 1 to 255 dimensions, got ${x.ndim}`);
  }
  const values = x.contiguous();
  const src = values.data.subarray(values.offset, values.offset + values.size);
  const header = 4 + 4 * x.ndim;
  const out = new Uint8Array(header + src.length * ITEM_SIZE[type]);
  const view = new DataView(out.buffer);
  out[2] = TYPE_TO_CODE[type];
  out[3] = x.ndim;
  x.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  encodeData(type, src, view, header);
  return out;
}

const INT_RANGE: Partial<Record<IdxType, [number, number]>> = {
  u8: [0, 255],
  i8: [-128, 127],
  i16: [-32768, 32767],
  i32: [-(2 ** 31), 2 ** 31 - 1],
};

function encodeData(type: IdxType, src: ArrayLike<number>, view: DataView, at: number): void {
  const range = INT_RANGE[type];
  if (range) {
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
        throw new RangeError(
          `encodeIdx: element ${i} is ${v}, which is not an integer in [${range[0]}, ${
            range[1]
          }] as type ${type} needs`,
        );
      }
    }
  }
  const size = ITEM_SIZE[type];
  for (let i = 0, o = at; i < src.length; i++, o += size) {
    switch (type) {
      case "u8":
        view.setUint8(o, src[i]);
        break;
      case "i8":
        view.setInt8(o, src[i]);
        break;
      case "i16":
        view.setInt16(o, src[i], false);
        break;
      case "i32":
        view.setInt32(o, src[i], false);
        break;
      case "f32":
        view.setFloat32(o, src[i], false);
        break;
      case "f64":
        view.setFloat64(o, src[i], false);
        break;
    }
  }
}

/**
 * Writes an array as an IDX file, gzip-compressed when `gzip` is set. The file is written to a
 * temporary name and renamed, so a crash never leaves half a file.
 *
 * @example
 * ```ts
 * import { readIdx, writeIdx } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * const path = await Deno.makeTempFile({ suffix: ".gz" });
 * await writeIdx(path, array([0.5, 2], { dtype: "float64" }), { gzip: true });
 * console.assert((await readIdx(path)).toArray().toString() === "0.5,2");
 * await Deno.remove(path);
 * ```
 */
export async function writeIdx(
  path: string | URL,
  x: NDArray,
  options: EncodeIdxOptions & { gzip?: boolean } = {},
): Promise<void> {
  checkPath(path, "writeIdx");
  const raw = renamed("writeIdx", () => encodeIdx(x, options));
  const bytes = options.gzip ? await gzip(raw) : raw;
  await writeAtomic(path, bytes, "writeIdx");
}

function hex(bytes: Uint8Array, start: number, end: number): string {
  return [...bytes.subarray(start, end)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}
