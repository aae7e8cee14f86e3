/**
 * Gzip detection, compression and decompression through the platform's compression streams.
 *
 * @module
 */
import { checkOptions } from "@nnc/tensor";
import { DataFormatError } from "./errors.ts";
import { checkBytes, checkName } from "./_io.ts";

/**
 * True when the bytes start with the gzip magic number `1f 8b`.
 *
 * @example
 * ```ts
 * import { isGzip } from "@nnc/datasets";
 * console.assert(isGzip(new Uint8Array([0x1f, 0x8b, 8])) && !isGzip(new Uint8Array([0, 0, 8, 1])));
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  checkBytes(bytes, "isGzip");
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Options of {@link gunzip}. */
export interface GunzipOptions {
  /** What to call the bytes in error messages, typically the file name. Default `"<bytes>"`. */
  name?: string;
}

// Feeding the stream in pieces lets an error be placed near the compressed byte that caused it.
const CHUNK = 1 << 16;

/**
 * Decompresses gzip data. Corrupt or truncated input is a {@link DataFormatError} naming the file
 * and roughly where in the compressed bytes decoding failed.
 *
 * @example
 * ```ts
 * import { gunzip, gzip } from "@nnc/datasets";
 * const packed = await gzip(new Uint8Array([1, 2, 3]));
 * console.assert((await gunzip(packed)).join() === "1,2,3");
 * ```
 */
export async function gunzip(bytes: Uint8Array, options: GunzipOptions = {}): Promise<Uint8Array> {
  checkBytes(bytes, "gunzip");
  const name = checkName(checkOptions(options, "gunzip").name, "gunzip");
  if (!isGzip(bytes)) {
    throw new DataFormatError(
      "gunzip",
      { file: name, offset: 0 },
      "not gzip data (expected magic bytes 1f 8b)",
    );
  }
  const stream = new DecompressionStream("gzip");
  const writer = stream.writable.getWriter();
  let fed = 0;
  const feeding = (async () => {
    for (let start = 0; start < bytes.length; start += CHUNK) {
      fed = Math.min(bytes.length, start + CHUNK);
      await writer.write(bytes.subarray(start, fed) as Uint8Array<ArrayBuffer>);
    }
    await writer.close();
  })();
  // A failed write also errors the readable side; the reader reports it, so the writer's copy is dropped.
  feeding.catch(() => {});
  try {
    const parts: Uint8Array[] = [];
    let total = 0;
    const reader = stream.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      total += value.length;
    }
    await feeding;
    return join(parts, total);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new DataFormatError(
      "gunzip",
      { file: name, offset: fed },
      `gzip data is corrupt or truncated (decoder stopped at or before this byte of ${bytes.length}: ${detail})`,
      { cause: e },
    );
  }
}

/**
 * Compresses bytes with gzip.
 *
 * @example
 * ```ts
 * import { gunzip, gzip } from "@nnc/datasets";
 * const data = new Uint8Array(1000).fill(7);
 * const packed = await gzip(data);
 * console.assert(packed.length < 100 && (await gunzip(packed)).length === 1000);
 * ```
 */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  checkBytes(bytes, "gzip");
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function join(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
