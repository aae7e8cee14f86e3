/**
 * Reading and writing the [safetensors](https://huggingface.co/docs/safetensors) format: an
 * 8-byte little-endian header length `N`, `N` bytes of UTF-8 JSON describing each tensor
 * (`dtype`, `shape`, `data_offsets`) plus an optional `__metadata__` string map, then the packed
 * little-endian row-major data.
 *
 * Writing produces `F32`, `F64` and `I32` tensors exactly as the reference implementation does
 * (tensors ordered by dtype alignment then name, header padded with spaces to a multiple of 8).
 * Reading validates the whole file before trusting it and converts the other common dtypes
 * losslessly: `F16` and `BF16` become float32; `I64`, `U64`, `U32`, `I16`, `U16`, `I8`, `U8` and
 * `BOOL` become int32 (an integer that does not fit is a `RangeError`, never a silent wrap).
 * The 8-bit and smaller float formats and complex numbers are rejected with a `TypeError`.
 *
 * @module
 */
import { checkOptions, checkPath, describe } from "./check.ts";
import { NDArray } from "./ndarray.ts";
import { allocTyped, type DType, itemSize, type TypedArray } from "./dtype.ts";
import { type JsonEntry, type JsonNode, JsonSyntaxError, parseJsonBytes } from "./_json_bytes.ts";
import { readInto } from "./_read_strided.ts";
import { writeFileAtomic, writeFileAtomicSync } from "./atomic_write.ts";
import { typedView } from "./_typed_view.ts";

/** Tensors and string metadata read from a safetensors file. */
export interface SafetensorsContents {
  /** The tensors, by name, in the order of the file's header (integer-like names first, as JS objects order keys). */
  tensors: Record<string, NDArray>;
  /** The `__metadata__` map (empty when the file has none). */
  metadata: Record<string, string>;
}

/** Options of {@link decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /** What to call the bytes in error messages, typically the file name. Default `"<bytes>"`. */
  name?: string;
}

/** Largest header accepted, as in the reference implementation: bounds the work a hostile file can cause. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const WRITE_DTYPE: Record<DType, string> = { float64: "F64", float32: "F32", int32: "I32" };

/** File dtypes nnc reads: bytes per element and the dtype they become. */
const READ_DTYPE: Record<string, { bytes: number; to: DType }> = {
  F64: { bytes: 8, to: "float64" },
  F32: { bytes: 4, to: "float32" },
  I32: { bytes: 4, to: "int32" },
  F16: { bytes: 2, to: "float32" },
  BF16: { bytes: 2, to: "float32" },
  I64: { bytes: 8, to: "int32" },
  U64: { bytes: 8, to: "int32" },
  U32: { bytes: 4, to: "int32" },
  I16: { bytes: 2, to: "int32" },
  U16: { bytes: 2, to: "int32" },
  I8: { bytes: 1, to: "int32" },
  U8: { bytes: 1, to: "int32" },
  BOOL: { bytes: 1, to: "int32" },
};

/** Valid safetensors dtypes that have no lossless nnc equivalent. */
const UNSUPPORTED_DTYPES = new Set([
  "F8_E5M2",
  "F8_E4M3",
  "F8_E8M0",
  "F6_E2M3",
  "F6_E3M2",
  "F4",
  "C64",
]);

/**
 * Serialises tensors (and optional string metadata) into the bytes of a safetensors file.
 * Non-contiguous views are written in row-major order; data is little-endian and 8-byte aligned
 * within the file. The output is byte-identical to the reference Python/Rust writer's.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors, NDArray } from "@nnc/tensor";
 * const w = NDArray.fromTyped(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * const bytes = encodeSafetensors({ "fc.weight": w }, { format: "pt" });
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * console.assert(tensors["fc.weight"].shape.join() === "2,3" && metadata.format === "pt");
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, NDArray>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries = checkTensors(tensors, "encodeSafetensors");
  if (metadata !== undefined) checkMetadata(metadata, "encodeSafetensors");

  // Widest dtype first keeps every tensor aligned to its element size (reference order).
  const enc = new TextEncoder();
  const keyed = entries.map(([name, x]) => ({ name, x, key: enc.encode(name) }));
  keyed.sort((a, b) =>
    itemSize(b.x.dtype) - itemSize(a.x.dtype) || dtypeRank(b.x.dtype) - dtypeRank(a.x.dtype) ||
    compareBytes(a.key, b.key)
  );

  const parts: string[] = [];
  if (metadata !== undefined) {
    const members = Object.keys(metadata).map((k) =>
      `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`
    );
    parts.push(`"__metadata__":{${members.join(",")}}`);
  }
  let offset = 0;
  const begins: number[] = [];
  for (const { name, x } of keyed) {
    const nbytes = x.size * itemSize(x.dtype);
    begins.push(offset);
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${WRITE_DTYPE[x.dtype]}","shape":[${
        x.shape.join(",")
      }],"data_offsets":[${offset},${offset + nbytes}]}`,
    );
    offset += nbytes;
  }
  const json = enc.encode(`{${parts.join(",")}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const dataStart = 8 + headerLen;
  const out = new Uint8Array(dataStart + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, dataStart);
  for (let i = 0; i < keyed.length; i++) writeTensor(keyed[i].x, out, dataStart + begins[i]);
  return out;
}

/**
 * Parses the bytes of a safetensors file after validating all of it: header length and bound,
 * UTF-8 JSON without duplicate keys, each entry's fields, dtype and shape, sizes (overflow-safe),
 * and that the tensors' `data_offsets` tile the data buffer exactly. Every error is a `TypeError`
 * (malformed) or `RangeError` (sizes and offsets) naming `options.name` and the byte offset.
 * The tensors own fresh memory: they never alias `bytes`.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors, NDArray } from "@nnc/tensor";
 * const bytes = encodeSafetensors({ x: NDArray.fromTyped(new Int32Array([7, 8])) });
 * console.assert(decodeSafetensors(bytes).tensors.x.toArray().toString() === "7,8");
 * bytes[8] = 0x5b; // "[": the header is no longer a JSON object
 * try {
 *   decodeSafetensors(bytes, { name: "x.safetensors" });
 * } catch (e) {
 *   console.assert((e as Error).message.includes("x.safetensors, byte 8"));
 * }
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: DecodeSafetensorsOptions = {},
): SafetensorsContents {
  const o = checkOptions(options, "decodeSafetensors");
  if (o.name !== undefined && typeof o.name !== "string") {
    throw new TypeError(`decodeSafetensors: name must be a string, got ${describe(o.name)}`);
  }
  return decode(bytes, o.name ?? "<bytes>", "decodeSafetensors");
}

/**
 * Writes tensors to a safetensors file atomically: the bytes go to a temporary file beside
 * `path`, are flushed to disk, and the temporary file is renamed over `path`, so a crash never
 * leaves a half-written file where a good one was. Needs `--allow-write`.
 *
 * @example
 * ```ts
 * import { loadSafetensors, NDArray, saveSafetensors } from "@nnc/tensor";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await saveSafetensors(path, { b: NDArray.fromTyped(new Float64Array([0.5])) });
 * const { tensors } = await loadSafetensors(path);
 * console.assert(tensors.b.dtype === "float64" && tensors.b.item() === 0.5);
 * await Deno.remove(path);
 * ```
 */
export async function saveSafetensors(
  path: string | URL,
  tensors: Record<string, NDArray>,
  metadata?: Record<string, string>,
): Promise<void> {
  const target = checkPath(path, "saveSafetensors");
  const bytes = encodeAs("saveSafetensors", tensors, metadata);
  await writeFileAtomic(target, bytes, { op: "saveSafetensors" });
}

/**
 * Synchronous {@link saveSafetensors}: same atomic write-then-rename.
 *
 * @example
 * ```ts
 * import { loadSafetensorsSync, NDArray, saveSafetensorsSync } from "@nnc/tensor";
 * const path = Deno.makeTempFileSync({ suffix: ".safetensors" });
 * saveSafetensorsSync(path, { n: NDArray.fromTyped(new Int32Array([3]), []) });
 * console.assert(loadSafetensorsSync(path).tensors.n.item() === 3);
 * Deno.removeSync(path);
 * ```
 */
export function saveSafetensorsSync(
  path: string | URL,
  tensors: Record<string, NDArray>,
  metadata?: Record<string, string>,
): void {
  const target = checkPath(path, "saveSafetensorsSync");
  const bytes = encodeAs("saveSafetensorsSync", tensors, metadata);
  writeFileAtomicSync(target, bytes, { op: "saveSafetensorsSync" });
}

/**
 * Reads and validates a safetensors file (see {@link decodeSafetensors}); errors name the path.
 * Needs `--allow-read`.
 *
 * @example
 * ```ts
 * import { loadSafetensors, NDArray, saveSafetensors } from "@nnc/tensor";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await saveSafetensors(path, { w: NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [2, 2]) });
 * const { tensors } = await loadSafetensors(path);
 * console.assert(tensors.w.toArray().toString() === "1,2,3,4");
 * await Deno.remove(path);
 * ```
 */
export async function loadSafetensors(path: string | URL): Promise<SafetensorsContents> {
  const target = checkPath(path, "loadSafetensors");
  return decode(await Deno.readFile(target), target, "loadSafetensors");
}

/**
 * Synchronous {@link loadSafetensors}.
 *
 * @example
 * ```ts
 * import { loadSafetensorsSync, NDArray, saveSafetensorsSync } from "@nnc/tensor";
 * const path = Deno.makeTempFileSync({ suffix: ".safetensors" });
 * saveSafetensorsSync(path, { v: NDArray.fromTyped(new Float32Array([2.5])) });
 * console.assert(loadSafetensorsSync(path).tensors.v.item() === 2.5);
 * Deno.removeSync(path);
 * ```
 */
export function loadSafetensorsSync(path: string | URL): SafetensorsContents {
  const target = checkPath(path, "loadSafetensorsSync");
  return decode(Deno.readFileSync(target), target, "loadSafetensorsSync");
}

// ----- writing -----

function checkTensors(tensors: Record<string, NDArray>, op: string): [string, NDArray][] {
  if (tensors === null || typeof tensors !== "object" || Array.isArray(tensors)) {
    throw new TypeError(
      `${op}: tensors must be an object mapping names to NDArrays, got ${describe(tensors)}`,
    );
  }
  const entries = Object.entries(tensors);
  for (const [name, x] of entries) {
    if (!(x instanceof NDArray)) {
      throw new TypeError(
        `${op}: tensor ${JSON.stringify(name)} is ${describe(x)}, expected an NDArray`,
      );
    }
    if (name === "__metadata__") {
      throw new TypeError(
        `${op}: "__metadata__" is reserved for the metadata map and cannot name a tensor`,
      );
    }
    if (!name.isWellFormed()) {
      throw new TypeError(
        `${op}: tensor name ${
          JSON.stringify(name)
        } contains an unpaired surrogate, which UTF-8 cannot encode`,
      );
    }
  }
  return entries;
}

function checkMetadata(metadata: Record<string, string>, op: string): void {
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new TypeError(`${op}: metadata must be an object of strings, got ${describe(metadata)}`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== "string") {
      throw new TypeError(
        `${op}: metadata ${JSON.stringify(k)} is ${
          describe(v)
        }; safetensors metadata values must be strings`,
      );
    }
    if (!k.isWellFormed() || !v.isWellFormed()) {
      throw new TypeError(
        `${op}: metadata ${
          JSON.stringify(k)
        } contains an unpaired surrogate, which UTF-8 cannot encode`,
      );
    }
  }
}

/** Order among dtypes of equal width, as in the reference writer: F32 before I32. */
function dtypeRank(dtype: DType): number {
  return dtype === "int32" ? 0 : 1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Copies `x` row-major into `out` at byte `at` (aligned to the element size by construction). */
function writeTensor(x: NDArray, out: Uint8Array, at: number): void {
  const n = x.size;
  if (n === 0) return;
  const view = typedView(x.dtype, out.buffer as ArrayBuffer, out.byteOffset + at, n);
  readInto(x, view, 0);
  if (!LITTLE_ENDIAN) swapBytes(out.subarray(at, at + n * itemSize(x.dtype)), itemSize(x.dtype));
}

/** Reverses each `width`-byte group: converts between host and little-endian order on big-endian hosts. */
function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

// ----- reading -----

/** Everything the header says about one tensor, checked. */
interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
  /** Header byte offset of the entry's `data_offsets`, for error messages. */
  offsetsAt: number;
}

class Failure {
  constructor(readonly op: string, readonly name: string) {}
  type(at: number, message: string): never {
    throw new TypeError(`${this.op}: ${this.name}, byte ${at}: ${message}`);
  }
  range(at: number, message: string): never {
    throw new RangeError(`${this.op}: ${this.name}, byte ${at}: ${message}`);
  }
}

function decode(bytes: Uint8Array, name: string, op: string): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${op}: expected the file's bytes as a Uint8Array, got ${describe(bytes)}`);
  }
  const fail: Failure = new Failure(op, name);
  const headerLen = readHeaderLength(bytes, fail);
  const dataStart = 8 + headerLen;
  if (headerLen === 0 || bytes[8] !== 0x7b) {
    fail.type(8, `header must start with "{" (0x7b), found ${byteName(bytes, 8, dataStart)}`);
  }
  let root: JsonNode;
  try {
    root = parseJsonBytes(bytes, 8, dataStart);
  } catch (e) {
    if (e instanceof JsonSyntaxError) fail.type(e.at, `header is not valid JSON: ${e.message}`);
    throw e;
  }
  if (root.kind !== "object") fail.type(8, "header must be a JSON object");

  const metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const member of root.entries) {
    if (member.key === "__metadata__") readMetadata(member.value, metadata, fail);
    else entries.push(readEntry(member, fail));
  }
  checkTiling(entries, bytes.length - dataStart, dataStart, fail);

  const tensors: Record<string, NDArray> = {};
  for (const e of entries) {
    const data = readData(bytes, dataStart + e.begin, e, fail);
    defineOwn(tensors, e.name, NDArray.fromTyped(data, e.shape));
  }
  return { tensors, metadata };
}

function readHeaderLength(bytes: Uint8Array, fail: Failure): number {
  if (bytes.length < 8) {
    fail.range(0, `file is ${bytes.length} bytes long, too short for the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    fail.range(0, `header length ${n} exceeds the limit of ${SAFETENSORS_MAX_HEADER_BYTES} bytes`);
  }
  if (n > BigInt(bytes.length - 8)) {
    fail.range(
      0,
      `header length ${n} runs past the end of the file (${
        bytes.length - 8
      } bytes follow the length)`,
    );
  }
  return Number(n);
}

function readMetadata(node: JsonNode, out: Record<string, string>, fail: Failure): void {
  if (node.kind === "null") return;
  if (node.kind !== "object") {
    fail.type(node.at, `"__metadata__" must be an object of strings, found ${kindName(node)}`);
  }
  for (const { key, value } of node.entries) {
    if (value.kind !== "string") {
      fail.type(
        value.at,
        `"__metadata__" value ${JSON.stringify(key)} must be a string, found ${kindName(value)}`,
      );
    }
    defineOwn(out, key, value.value);
  }
}

function readEntry(member: JsonEntry, fail: Failure): TensorEntry {
  const { key: name, value: node } = member;
  const label = `tensor ${JSON.stringify(name)}`;
  if (node.kind !== "object") {
    fail.type(
      node.at,
      `${label} must be an object with "dtype", "shape" and "data_offsets", found ${
        kindName(node)
      }`,
    );
  }
  const field = (f: string): JsonNode => {
    const hit = node.entries.find((e) => e.key === f);
    if (!hit) fail.type(node.at, `${label} has no "${f}"`);
    return hit.value;
  };
  const dtypeNode = field("dtype");
  const shapeNode = field("shape");
  const offsetsNode = field("data_offsets");

  if (dtypeNode.kind !== "string") {
    fail.type(dtypeNode.at, `${label}: "dtype" must be a string, found ${kindName(dtypeNode)}`);
  }
  const dtype = dtypeNode.value;
  const info = Object.hasOwn(READ_DTYPE, dtype) ? READ_DTYPE[dtype] : undefined;
  if (!info) {
    const why = UNSUPPORTED_DTYPES.has(dtype)
      ? "is not supported by nnc"
      : "is not a safetensors dtype";
    fail.type(
      dtypeNode.at,
      `${label}: dtype ${JSON.stringify(dtype)} ${why}; expected one of ${
        Object.keys(READ_DTYPE).join(", ")
      }`,
    );
  }

  if (shapeNode.kind !== "array") {
    fail.type(shapeNode.at, `${label}: "shape" must be an array, found ${kindName(shapeNode)}`);
  }
  const dims = shapeNode.items.map((d) => readUnsigned(d, `${label}: shape entry`, fail));

  if (offsetsNode.kind !== "array" || offsetsNode.items.length !== 2) {
    fail.type(
      offsetsNode.at,
      `${label}: "data_offsets" must be an array [begin, end], found ${kindName(offsetsNode)}`,
    );
  }
  const begin = readUnsigned(offsetsNode.items[0], `${label}: data_offsets begin`, fail);
  const end = readUnsigned(offsetsNode.items[1], `${label}: data_offsets end`, fail);
  if (end < begin) {
    fail.range(offsetsNode.at, `${label}: data_offsets [${begin}, ${end}] end before they begin`);
  }

  const needed = byteSize(dims, info.bytes);
  if (needed !== end - begin) {
    // Exact in the message even when the size overflowed: BigInt cannot wrap around.
    const exact = dims.reduce((p, d) => p * BigInt(d), BigInt(info.bytes));
    fail.range(
      offsetsNode.at,
      `${label}: shape [${
        dims.join(", ")
      }] of ${dtype} needs ${exact} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype, shape: dims, begin, end, offsetsAt: offsetsNode.at };
}

/**
 * Bytes of a tensor, or -1 when beyond 2^53 - 1 (no file is that large). Checked before each
 * multiplication so that a hostile shape cannot wrap around to a small size.
 */
function byteSize(dims: readonly number[], bytes: number): number {
  if (dims.includes(0)) return 0;
  let size = bytes;
  for (const d of dims) {
    if (size > Number.MAX_SAFE_INTEGER / d) return -1;
    size *= d;
  }
  return size;
}

/** A non-negative integer written as plain digits (as serde_json requires for usize). */
function readUnsigned(node: JsonNode, what: string, fail: Failure): number {
  if (node.kind !== "number") {
    fail.type(node.at, `${what} must be a number, found ${kindName(node)}`);
  }
  if (!/^(0|[1-9][0-9]*)$/.test(node.raw)) {
    fail.range(node.at, `${what} ${node.raw} is not a non-negative integer`);
  }
  const value = Number(node.raw);
  if (value > Number.MAX_SAFE_INTEGER) {
    fail.range(node.at, `${what} ${node.raw} is larger than 2^53 - 1`);
  }
  return value;
}

/** Offsets must cover the data buffer exactly: sorted by begin, no gap, no overlap, nothing after. */
function checkTiling(
  entries: TensorEntry[],
  dataLen: number,
  dataStart: number,
  fail: Failure,
): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expect = 0;
  let previous: TensorEntry | undefined;
  for (const e of sorted) {
    if (e.begin > expect) {
      fail.range(
        e.offsetsAt,
        `tensor ${
          JSON.stringify(e.name)
        } begins at data byte ${e.begin} but the previous tensor ends at ${expect}: bytes ${expect}..${e.begin} belong to no tensor`,
      );
    }
    if (e.begin < expect) {
      fail.range(
        e.offsetsAt,
        `tensor ${JSON.stringify(e.name)} begins at data byte ${e.begin}, inside tensor ${
          JSON.stringify(previous!.name)
        } which ends at ${expect}`,
      );
    }
    expect = e.end;
    previous = e;
  }
  if (expect > dataLen) {
    fail.range(
      previous!.offsetsAt,
      `tensor ${
        JSON.stringify(previous!.name)
      } ends at data byte ${expect}, past the end of the ${dataLen}-byte data buffer`,
    );
  }
  if (expect < dataLen) {
    fail.range(
      dataStart + expect,
      `${dataLen - expect} bytes after the last tensor belong to no tensor`,
    );
  }
}

/** Copies (and converts) one tensor's bytes starting at absolute offset `at` into a fresh typed array. */
function readData(bytes: Uint8Array, at: number, e: TensorEntry, fail: Failure): TypedArray {
  const info = READ_DTYPE[e.dtype];
  const n = (e.end - e.begin) / info.bytes;
  if (e.dtype === "F32" || e.dtype === "F64" || e.dtype === "I32") {
    const copy = bytes.slice(at, at + n * info.bytes);
    if (!LITTLE_ENDIAN) swapBytes(copy, info.bytes);
    return typedView(info.to, copy.buffer, 0, n);
  }
  const out = allocTyped(info.to, n);
  switch (e.dtype) {
    case "F16":
      decodeF16(bytes, at, out);
      break;
    case "BF16":
      decodeBF16(bytes, at, out as Float32Array);
      break;
    case "I64":
    case "U64":
      decode64(bytes, at, out, e.dtype === "I64", e, fail);
      break;
    default:
      decodeSmallInt(bytes, at, out, e, fail);
  }
  return out;
}

function decodeF16(bytes: Uint8Array, at: number, out: TypedArray): void {
  for (let i = 0, p = at; i < out.length; i++, p += 2) {
    const h = bytes[p] | (bytes[p + 1] << 8);
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    const mag = exp === 0
      ? mant * 2 ** -24
      : exp === 31
      ? (mant ? NaN : Infinity)
      : (1024 + mant) * 2 ** (exp - 25);
    out[i] = h & 0x8000 ? -mag : mag;
  }
}

function decodeBF16(bytes: Uint8Array, at: number, out: Float32Array): void {
  // bfloat16 is the top half of a float32; the bits go through an integer view of the output.
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0, p = at; i < out.length; i++, p += 2) {
    bits[i] = ((bytes[p] | (bytes[p + 1] << 8)) << 16) >>> 0;
  }
}

function decode64(
  bytes: Uint8Array,
  at: number,
  out: TypedArray,
  signed: boolean,
  e: TensorEntry,
  fail: Failure,
): void {
  for (let i = 0, p = at; i < out.length; i++, p += 8) {
    const lo = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
    const hi = bytes[p + 4] | (bytes[p + 5] << 8) | (bytes[p + 6] << 16) | (bytes[p + 7] << 24);
    // Fits int32 exactly when the high word is the sign extension of the low word.
    if (signed ? hi !== lo >> 31 : hi !== 0 || lo < 0) {
      const v = new DataView(bytes.buffer, bytes.byteOffset + p, 8);
      const value = signed ? v.getBigInt64(0, true) : v.getBigUint64(0, true);
      fail.range(
        p,
        `tensor ${
          JSON.stringify(e.name)
        }: ${e.dtype} value ${value} at element ${i} does not fit in int32`,
      );
    }
    out[i] = lo;
  }
}

function decodeSmallInt(
  bytes: Uint8Array,
  at: number,
  out: TypedArray,
  e: TensorEntry,
  fail: Failure,
): void {
  const n = out.length;
  switch (e.dtype) {
    case "U32":
      for (let i = 0, p = at; i < n; i++, p += 4) {
        const v = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
        if (v < 0) {
          fail.range(
            p,
            `tensor ${JSON.stringify(e.name)}: U32 value ${
              v >>> 0
            } at element ${i} does not fit in int32`,
          );
        }
        out[i] = v;
      }
      return;
    case "I16":
      for (let i = 0, p = at; i < n; i++, p += 2) {
        out[i] = ((bytes[p] | (bytes[p + 1] << 8)) << 16) >> 16;
      }
      return;
    case "U16":
      for (let i = 0, p = at; i < n; i++, p += 2) out[i] = bytes[p] | (bytes[p + 1] << 8);
      return;
    case "I8":
      for (let i = 0; i < n; i++) out[i] = (bytes[at + i] << 24) >> 24;
      return;
    case "U8":
      for (let i = 0; i < n; i++) out[i] = bytes[at + i];
      return;
    case "BOOL":
      for (let i = 0; i < n; i++) {
        const b = bytes[at + i];
        if (b > 1) {
          fail.range(
            at + i,
            `tensor ${JSON.stringify(e.name)}: BOOL byte ${b} at element ${i} is neither 0 nor 1`,
          );
        }
        out[i] = b;
      }
      return;
  }
}

// ----- small helpers -----

/** Sets a property even for names like `__proto__`, which plain assignment would not create. */
function defineOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}

function kindName(node: JsonNode): string {
  return node.kind === "object"
    ? "an object"
    : node.kind === "array"
    ? `an array of ${node.items.length}`
    : `a ${node.kind}`;
}

function byteName(bytes: Uint8Array, at: number, end: number): string {
  if (at >= end) return "an empty header";
  const b = bytes[at];
  return b >= 0x20 && b < 0x7f
    ? JSON.stringify(String.fromCharCode(b))
    : `byte 0x${b.toString(16).padStart(2, "0")}`;
}

/** encodeSafetensors, its argument errors named after the saving function. */
function encodeAs(
  op: string,
  tensors: Record<string, NDArray>,
  metadata: Record<string, string> | undefined,
): Uint8Array {
  try {
    return encodeSafetensors(tensors, metadata);
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
    const Kind = e instanceof TypeError ? TypeError : RangeError;
    throw new Kind(e.message.replace(/^encodeSafetensors:/, `${op}:`), { cause: e });
  }
}
