// A JSON parser over UTF-8 bytes that remembers where every value starts, so that a malformed
// file can be reported by byte offset, and that rejects duplicate keys (JSON.parse keeps the
// last one silently, and the safetensors format forbids them).

/** A parsed JSON value with `at`, the absolute byte offset where it starts. */
export type JsonNode =
  | { kind: "object"; at: number; entries: JsonEntry[] }
  | { kind: "array"; at: number; items: JsonNode[] }
  | { kind: "string"; at: number; value: string }
  | { kind: "number"; at: number; raw: string }
  | { kind: "boolean"; at: number; value: boolean }
  | { kind: "null"; at: number };

/** One `"key": value` member of an object. */
export interface JsonEntry {
  /** The key. */
  key: string;
  /** Byte offset of the key's opening quote. */
  at: number;
  /** The value. */
  value: JsonNode;
}

/** Thrown for a syntax error; `at` is the absolute byte offset of the offending byte. */
export class JsonSyntaxError extends Error {
  /** Absolute byte offset of the problem. */
  readonly at: number;
  /** Creates the error. */
  constructor(message: string, at: number) {
    super(message);
    this.at = at;
  }
}

// Deep nesting would otherwise exhaust the stack; no valid safetensors header nests past 3.
const MAX_DEPTH = 64;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Parses `bytes[start, end)` as one JSON value surrounded by optional whitespace.
 * Offsets in nodes and errors are absolute indices into `bytes`.
 */
export function parseJsonBytes(bytes: Uint8Array, start: number, end: number): JsonNode {
  const p = new Parser(bytes, start, end);
  p.skipSpace();
  const node = p.value(0);
  p.skipSpace();
  if (p.pos < end) {
    throw new JsonSyntaxError(`unexpected ${p.describe()} after the JSON value`, p.pos);
  }
  return node;
}

class Parser {
  pos: number;
  constructor(readonly bytes: Uint8Array, start: number, readonly end: number) {
    this.pos = start;
  }

  describe(): string {
    if (this.pos >= this.end) return "end of header";
    const b = this.bytes[this.pos];
    return b >= 0x20 && b < 0x7f
      ? `character ${JSON.stringify(String.fromCharCode(b))}`
      : `byte 0x${b.toString(16).padStart(2, "0")}`;
  }

  fail(expected: string): never {
    throw new JsonSyntaxError(`expected ${expected}, found ${this.describe()}`, this.pos);
  }

  skipSpace(): void {
    const b = this.bytes;
    while (this.pos < this.end) {
      const c = b[this.pos];
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos++;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) {
      throw new JsonSyntaxError(`nesting deeper than ${MAX_DEPTH} levels`, this.pos);
    }
    const c = this.pos < this.end ? this.bytes[this.pos] : -1;
    if (c === 0x7b) return this.object(depth);
    if (c === 0x5b) return this.array(depth);
    if (c === 0x22) return { kind: "string", at: this.pos, value: this.string() };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (c === 0x74) return this.literal("true", { kind: "boolean", at: this.pos, value: true });
    if (c === 0x66) return this.literal("false", { kind: "boolean", at: this.pos, value: false });
    if (c === 0x6e) return this.literal("null", { kind: "null", at: this.pos });
    return this.fail("a JSON value");
  }

  literal(word: string, node: JsonNode): JsonNode {
    for (let i = 0; i < word.length; i++) {
      if (this.pos >= this.end || this.bytes[this.pos] !== word.charCodeAt(i)) {
        this.fail(`"${word}"`);
      }
      this.pos++;
    }
    return node;
  }

  object(depth: number): JsonNode {
    const at = this.pos++;
    const entries: JsonEntry[] = [];
    const seen = new Set<string>();
    this.skipSpace();
    if (this.bytes[this.pos] === 0x7d && this.pos < this.end) {
      this.pos++;
      return { kind: "object", at, entries };
    }
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.end || this.bytes[this.pos] !== 0x22) this.fail("a string key");
      const keyAt = this.pos;
      const key = this.string();
      if (seen.has(key)) throw new JsonSyntaxError(`duplicate key ${JSON.stringify(key)}`, keyAt);
      seen.add(key);
      this.skipSpace();
      if (this.pos >= this.end || this.bytes[this.pos] !== 0x3a) this.fail('":"');
      this.pos++;
      this.skipSpace();
      entries.push({ key, at: keyAt, value: this.value(depth + 1) });
      this.skipSpace();
      const c = this.pos < this.end ? this.bytes[this.pos] : -1;
      this.pos++;
      if (c === 0x7d) return { kind: "object", at, entries };
      if (c !== 0x2c) {
        this.pos--;
        this.fail('"," or "}"');
      }
    }
  }

  array(depth: number): JsonNode {
    const at = this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.bytes[this.pos] === 0x5d && this.pos < this.end) {
      this.pos++;
      return { kind: "array", at, items };
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.pos < this.end ? this.bytes[this.pos] : -1;
      this.pos++;
      if (c === 0x5d) return { kind: "array", at, items };
      if (c !== 0x2c) {
        this.pos--;
        this.fail('"," or "]"');
      }
    }
  }

  /** Reads a string starting at its opening quote and returns its value. */
  string(): string {
    const b = this.bytes;
    const open = this.pos++;
    let escaped = false;
    let ascii = true;
    while (this.pos < this.end && b[this.pos] !== 0x22) {
      const c = b[this.pos];
      if (c === 0x5c) {
        escaped = true;
        this.pos++;
      } else if (c < 0x20) {
        throw new JsonSyntaxError(
          `unescaped control byte 0x${c.toString(16).padStart(2, "0")} in a string`,
          this.pos,
        );
      } else if (c >= 0x80) {
        ascii = false;
      }
      this.pos++;
    }
    if (this.pos >= this.end) throw new JsonSyntaxError("unterminated string", open);
    const close = this.pos++;
    let text: string;
    if (ascii) {
      text = "";
      for (let i = open + 1; i < close; i++) text += String.fromCharCode(b[i]);
    } else {
      try {
        text = utf8.decode(b.subarray(open + 1, close));
      } catch {
        throw new JsonSyntaxError("string is not valid UTF-8", open);
      }
    }
    if (!escaped) return text;
    let value: string;
    try {
      // The raw text is already delimited; JSON.parse applies exactly JSON's escape rules.
      value = JSON.parse(`"${text}"`);
    } catch {
      throw new JsonSyntaxError("invalid escape sequence in a string", open);
    }
    // UTF-8 cannot carry a lone surrogate, so neither can a valid header (serde_json agrees).
    if (!value.isWellFormed()) {
      throw new JsonSyntaxError("string escapes an unpaired surrogate", open);
    }
    return value;
  }

  number(): JsonNode {
    const b = this.bytes;
    const at = this.pos;
    const digits = () => {
      const s = this.pos;
      while (this.pos < this.end && b[this.pos] >= 0x30 && b[this.pos] <= 0x39) this.pos++;
      if (this.pos === s) this.fail("a digit");
    };
    if (b[this.pos] === 0x2d) this.pos++;
    if (this.pos < this.end && b[this.pos] === 0x30) this.pos++;
    else digits();
    if (this.pos < this.end && b[this.pos] === 0x2e) {
      this.pos++;
      digits();
    }
    if (this.pos < this.end && (b[this.pos] === 0x65 || b[this.pos] === 0x45)) {
      this.pos++;
      if (this.pos < this.end && (b[this.pos] === 0x2b || b[this.pos] === 0x2d)) this.pos++;
      digits();
    }
    let raw = "";
    for (let i = at; i < this.pos; i++) raw += String.fromCharCode(b[i]);
    return { kind: "number", at, raw };
  }
}
