// Parser for the header of an NPY file: a Python dict literal with the keys 'descr', 'fortran_order'
// and 'shape'. Only the literals NumPy writes are accepted (strings, True/False, tuples of
// integers); anything else is an error at the byte where it starts, never an evaluation.

/** The three entries of an NPY header. */
export interface NpyHeaderDict {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

type Value = { kind: "str"; value: string } | { kind: "bool"; value: boolean } | {
  kind: "tuple";
  value: number[];
};

/** A parse failure at `pos` characters into the header text. */
export class HeaderSyntaxError extends Error {
  constructor(readonly pos: number, message: string) {
    super(message);
  }
}

/** Parses the header text (one character per byte). */
export function parseNpyHeader(text: string): NpyHeaderDict {
  const p = new Parser(text);
  const entries = p.dict();
  const close = p.pos - 1;
  p.skipSpace();
  if (p.pos !== text.length) p.fail(`unexpected ${p.peekDesc()} after the header dict`);
  const seen = new Map<string, { value: Value; pos: number }>();
  for (const e of entries) {
    if (seen.has(e.key)) throw new HeaderSyntaxError(e.pos, `key '${e.key}' appears twice`);
    seen.set(e.key, e);
  }
  for (const e of entries) {
    if (e.key !== "descr" && e.key !== "fortran_order" && e.key !== "shape") {
      throw new HeaderSyntaxError(
        e.pos,
        `unexpected key '${e.key}'; an NPY header has exactly 'descr', 'fortran_order' and 'shape'`,
      );
    }
  }
  const get = (key: string, kind: Value["kind"], what: string) => {
    const e = seen.get(key);
    if (e === undefined) throw new HeaderSyntaxError(close, `header has no '${key}' key`);
    if (e.value.kind !== kind) throw new HeaderSyntaxError(e.pos, `'${key}' must be ${what}`);
    return e.value.value;
  };
  return {
    descr: get("descr", "str", "a string such as '<f4'") as string,
    fortranOrder: get("fortran_order", "bool", "True or False") as boolean,
    shape: get("shape", "tuple", "a tuple of non-negative integers") as number[],
  };
}

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, at: number = this.pos): never {
    throw new HeaderSyntaxError(at, message);
  }
  peekDesc(): string {
    return this.pos >= this.text.length
      ? "end of header"
      : `character ${JSON.stringify(this.text[this.pos])}`;
  }
  skipSpace(): void {
    while (this.pos < this.text.length && /[ \t\r\n]/.test(this.text[this.pos])) this.pos++;
  }
  expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}', found ${this.peekDesc()}`);
    this.pos++;
  }
  /** Consumes `ch` if it comes next. */
  accept(ch: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  dict(): { key: string; value: Value; pos: number }[] {
    this.expect("{");
    const out: { key: string; value: Value; pos: number }[] = [];
    while (!this.accept("}")) {
      this.skipSpace();
      const pos = this.pos;
      const key = this.string();
      this.expect(":");
      this.skipSpace();
      out.push({ key, value: this.value(), pos });
      if (!this.accept(",")) {
        this.expect("}");
        break;
      }
    }
    return out;
  }

  value(): Value {
    const c = this.text[this.pos];
    if (c === "'" || c === '"') return { kind: "str", value: this.string() };
    if (c === "(") return { kind: "tuple", value: this.tuple() };
    for (const [word, value] of [["True", true], ["False", false]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { kind: "bool", value };
      }
    }
    return this.fail(`expected a string, True, False or a tuple, found ${this.peekDesc()}`);
  }

  string(): string {
    const quote = this.text[this.pos];
    if (quote !== "'" && quote !== '"') {
      this.fail(`expected a quoted string, found ${this.peekDesc()}`);
    }
    const start = this.pos;
    const end = this.text.indexOf(quote, start + 1);
    if (end < 0) this.fail("unterminated string", start);
    const body = this.text.slice(start + 1, end);
    const bad = body.search(/[\\\n]/);
    if (bad >= 0) {
      this.fail(
        "escape sequences and line breaks are not allowed in header strings",
        start + 1 + bad,
      );
    }
    this.pos = end + 1;
    return body;
  }

  tuple(): number[] {
    const open = this.pos;
    this.pos++;
    const out: number[] = [];
    let commas = 0;
    while (!this.accept(")")) {
      this.skipSpace();
      out.push(this.integer());
      if (this.accept(",")) {
        commas++;
      } else {
        this.expect(")");
        break;
      }
    }
    // `(3)` is the integer 3 in Python, not a one-element tuple.
    if (out.length === 1 && commas === 0) {
      this.fail("'(n)' is not a tuple; a one-dimensional shape is written '(n,)'", open);
    }
    return out;
  }

  integer(): number {
    const m = /^[0-9]+L?/.exec(this.text.slice(this.pos, this.pos + 24));
    if (m === null) this.fail(`expected a non-negative integer, found ${this.peekDesc()}`);
    const digits = m[0].endsWith("L") ? m[0].slice(0, -1) : m[0];
    const v = Number(digits);
    if (!Number.isSafeInteger(v)) this.fail(`dimension ${digits} is too large`);
    this.pos += m[0].length;
    return v;
  }
}
