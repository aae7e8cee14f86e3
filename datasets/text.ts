/**
 * Plain-text corpora for character-level models: reading UTF-8 text, a character
 * {@link Vocabulary}, and int32 encodings of a whole corpus.
 *
 * @module
 */
import { checkOptions, checkPath, describe, NDArray } from "@nnc/tensor";
import { readBytes } from "./_io.ts";
import { decodeUtf8 } from "./_utf8.ts";

/** Options of {@link Vocabulary}. */
export interface VocabularyOptions {
  /** A token of the vocabulary that unknown characters encode to; unknown characters are an error without it. */
  unknown?: string;
}

/**
 * A list of distinct tokens (usually single characters, whole Unicode code points) and the index
 * of each.
 *
 * @example
 * ```ts
 * import { Vocabulary } from "@nnc/datasets";
 * const v = Vocabulary.fromText("hello");
 * console.assert(v.tokens.join("") === "ehlo" && v.size === 4);
 * const ids = v.encode("hole");
 * console.assert(ids.toArray().toString() === "1,3,2,0" && v.decode(ids) === "hole");
 * ```
 */
export class Vocabulary {
  /** The tokens; a token's index is its id. */
  readonly tokens: readonly string[];
  /** The token unknown characters map to, if any. */
  readonly unknown: string | undefined;
  #ids: Map<string, number>;

  /** A vocabulary of the given distinct tokens, in that order. */
  constructor(tokens: Iterable<string>, options: VocabularyOptions = {}) {
    checkOptions(options, "Vocabulary");
    if (tokens === null || typeof (tokens as Iterable<string>)?.[Symbol.iterator] !== "function") {
      throw new TypeError(
        `Vocabulary: tokens must be an iterable of strings, got ${describe(tokens)}`,
      );
    }
    const list = [...tokens];
    this.#ids = new Map();
    list.forEach((t, i) => {
      if (typeof t !== "string" || t.length === 0) {
        throw new TypeError(
          `Vocabulary: token ${i} is ${describe(t)}, expected a non-empty string`,
        );
      }
      if (this.#ids.has(t)) {
        throw new RangeError(
          `Vocabulary: token ${JSON.stringify(t)} appears twice (at ${this.#ids.get(t)} and ${i})`,
        );
      }
      this.#ids.set(t, i);
    });
    if (options.unknown !== undefined && !this.#ids.has(options.unknown)) {
      throw new RangeError(
        `Vocabulary: the unknown token ${JSON.stringify(options.unknown)} is not one of the tokens`,
      );
    }
    this.tokens = Object.freeze(list);
    this.unknown = options.unknown;
  }

  /**
   * The distinct characters of a text, sorted by code point (as Python's `sorted(set(text))`) or,
   * with `sorted: false`, in order of first appearance.
   */
  static fromText(
    text: string,
    options: VocabularyOptions & { sorted?: boolean } = {},
  ): Vocabulary {
    if (typeof text !== "string") {
      throw new TypeError(`Vocabulary.fromText: expected a string, got ${describe(text)}`);
    }
    checkOptions(options, "Vocabulary.fromText");
    const chars = [...new Set(text)];
    if (options.sorted ?? true) chars.sort(compareCodePoints);
    if (options.unknown !== undefined && !chars.includes(options.unknown)) {
      chars.push(options.unknown);
    }
    return new Vocabulary(chars, { unknown: options.unknown });
  }

  /** Number of tokens. */
  get size(): number {
    return this.tokens.length;
  }

  /** The id of a token, or -1. */
  indexOf(token: string): number {
    return this.#ids.get(token) ?? -1;
  }

  /** The ids of the characters of a text, as an int32 array. */
  encode(text: string): NDArray {
    if (typeof text !== "string") {
      throw new TypeError(`Vocabulary.encode: expected a string, got ${describe(text)}`);
    }
    const out = new Int32Array(text.length);
    const unk = this.unknown === undefined ? -1 : this.#ids.get(this.unknown)!;
    let n = 0, at = 0;
    for (const ch of text) {
      const id = this.#ids.get(ch) ?? unk;
      if (id < 0) {
        throw new RangeError(
          `Vocabulary.encode: character ${
            JSON.stringify(ch)
          } at index ${at} is not in the vocabulary of ${this.size} tokens`,
        );
      }
      out[n++] = id;
      at += ch.length;
    }
    return NDArray.fromTyped(n === out.length ? out : out.slice(0, n), [n]);
  }

  /** The text of a sequence of ids. */
  decode(ids: NDArray | ArrayLike<number>): string {
    let values: ArrayLike<number>;
    if (ids instanceof NDArray) {
      const c = ids.contiguous();
      values = c.data.subarray(c.offset, c.offset + c.size);
    } else if (
      ids !== null && typeof ids === "object" && Number.isSafeInteger(ids.length)
    ) {
      values = ids;
    } else {
      throw new TypeError(
        `Vocabulary.decode: ids must be an NDArray or an array of ids, got ${describe(ids)}`,
      );
    }
    let s = "";
    for (let i = 0; i < values.length; i++) {
      const id = values[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.size) {
        throw new RangeError(
          `Vocabulary.decode: id ${id} at position ${i} is out of range for ${this.size} tokens`,
        );
      }
      s += this.tokens[id];
    }
    return s;
  }
}

function compareCodePoints(a: string, b: string): number {
  return a.codePointAt(0)! - b.codePointAt(0)!;
}

/**
 * Reads a UTF-8 text file; invalid UTF-8 is a `DataFormatError` naming the file and byte offset.
 * A leading byte-order mark is dropped.
 *
 * @example
 * ```ts
 * import { readText } from "@nnc/datasets";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "héllo");
 * console.assert((await readText(path)) === "héllo");
 * await Deno.remove(path);
 * ```
 */
export async function readText(path: string | URL): Promise<string> {
  const { bytes, name } = await readBytes(path, "readText");
  const text = decodeUtf8(bytes, name, "readText");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A text encoded with its character vocabulary. */
export interface CharCorpus {
  /** The text. */
  text: string;
  /** Its distinct characters. */
  vocab: Vocabulary;
  /** The text's character ids, int32 `[characters]`. */
  ids: NDArray;
}

/**
 * Encodes a text with the vocabulary of its own characters (or a given one).
 *
 * @example
 * ```ts
 * import { charCorpus } from "@nnc/datasets";
 * const c = charCorpus("abba");
 * console.assert(c.vocab.size === 2 && c.ids.toArray().toString() === "0,1,1,0");
 * ```
 */
export function charCorpus(text: string, options: { vocab?: Vocabulary } = {}): CharCorpus {
  if (typeof text !== "string") {
    throw new TypeError(`charCorpus: expected a string, got ${describe(text)}`);
  }
  const vocab = checkOptions(options, "charCorpus").vocab ?? Vocabulary.fromText(text);
  if (!(vocab instanceof Vocabulary)) {
    throw new TypeError(`charCorpus: vocab must be a Vocabulary, got ${describe(vocab)}`);
  }
  return { text, vocab, ids: vocab.encode(text) };
}

/**
 * Reads a UTF-8 text file as a character corpus (see {@link charCorpus}).
 *
 * @example
 * ```ts
 * import { readCharCorpus } from "@nnc/datasets";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "to be or not to be");
 * const c = await readCharCorpus(path);
 * console.assert(c.ids.size === 18 && c.vocab.tokens[0] === " ");
 * await Deno.remove(path);
 * ```
 */
export async function readCharCorpus(
  path: string | URL,
  options: { vocab?: Vocabulary } = {},
): Promise<CharCorpus> {
  checkPath(path, "readCharCorpus");
  return charCorpus(await readText(path), options);
}
