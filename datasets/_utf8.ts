// UTF-8 decoding that reports where invalid bytes are, and byte offsets of string positions.
import { DataFormatError } from "./errors.ts";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Decodes UTF-8 (keeping a byte-order mark, so string positions map back to bytes exactly). */
export function decodeUtf8(bytes: Uint8Array, file: string, op: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const at = firstInvalid(bytes);
    throw new DataFormatError(
      op,
      { file, offset: at },
      `invalid UTF-8 byte 0x${bytes[at]?.toString(16) ?? "??"}`,
    );
  }
}

/** The byte offset in UTF-8 of the UTF-16 position `index` of `text`. */
export function byteOffset(text: string, index: number): number {
  return encoder.encode(text.slice(0, index)).length;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence. */
function firstInvalid(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n: number, min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    if (i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}
