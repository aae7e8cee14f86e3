/**
 * {@link TextCorpus}: a character-level corpus over a text, a file or a folder of UTF-8 files, with
 * a fixed train/validation split, batches of (input, next-token target) windows for language
 * models, and {@link fortunes}, the Debian `fortunes` package as the default real corpus.
 *
 * @module
 */
import {
  checkBool,
  checkFunction,
  checkInt,
  checkNumber,
  checkOptions,
  checkPath,
  describe,
  NDArray,
} from "@nnc/tensor";
import { DataLoader } from "./data_loader.ts";
import { TensorDataset } from "./dataset.ts";
import { DatasetNotFoundError } from "./errors.ts";
import type { RandomSource } from "./types.ts";
import { Vocabulary } from "./text.ts";
import { decodeUtf8 } from "./_utf8.ts";
import { MAX_INT32 } from "./_check.ts";

/** Which part of a corpus. */
export type CorpusSplit = "train" | "validation";

/** A document of a corpus: its name (a file path, or `"text"`) and its text. */
export interface CorpusDocument {
  /** Where the text came from. */
  name: string;
  /** The text. */
  text: string;
}

/** Options of {@link TextCorpus}. */
export interface TextCorpusOptions {
  /**
   * The vocabulary to encode with. Default: the distinct characters of all documents, sorted by
   * code point (so train and validation share it and a seed gives the same ids on every machine).
   */
  vocab?: Vocabulary;
  /**
   * Share of each document held out for validation: its last characters, from the start of a line
   * when one is near. Default 0.1; 0 gives an empty validation split.
   */
  validationFraction?: number;
}

/** Options of {@link TextCorpus.read}. */
export interface ReadTextCorpusOptions extends TextCorpusOptions {
  /**
   * Which files of a folder to read (given the path). Default: every regular file that holds no
   * NUL byte (binary index files are skipped); links to files already read are read once.
   */
  include?: (path: string) => boolean;
  /** Rewrites each document's text before encoding (e.g. to drop control characters). */
  transform?: (text: string, path: string) => string;
}

/** Options of {@link TextCorpus.windows}. */
export interface TextWindowOptions {
  /** Tokens per input window (the target is the same window shifted by one). */
  seqLen: number;
  /** Distance between the starts of consecutive windows. Default `seqLen` (no overlap). */
  stride?: number;
}

/** Options of {@link TextCorpus.loader}. */
export interface TextLoaderOptions extends TextWindowOptions, RandomSource {
  /** Windows per batch. */
  batchSize: number;
  /** Visit the windows in a new seeded random order each epoch. Default true for train, false for validation. */
  shuffle?: boolean;
  /** Leave out a last, smaller batch. Default true for train, false for validation. */
  dropLast?: boolean;
}

/** Options of {@link TextCorpus.streams}. */
export interface TextStreamOptions {
  /** Parallel streams (batch rows). */
  batchSize: number;
  /** Steps per batch (the truncated-BPTT length). */
  seqLen: number;
}

/**
 * Batches of a corpus cut into `batchSize` contiguous streams (PyTorch's `batchify`): row `b` of
 * batch `k + 1` continues row `b` of batch `k`, so a recurrent model may carry its state across
 * batches (truncated BPTT). Each batch is `[input, target]`, int32 `[batchSize, ≤ seqLen]`.
 */
export interface TextStreams extends Iterable<[NDArray, NDArray]> {
  /** Number of batches. */
  readonly length: number;
  /** Tokens per stream. */
  readonly streamLength: number;
}

/**
 * A character corpus: one or more documents, encoded with one {@link Vocabulary}, split into fixed
 * train and validation parts. The split holds out the last `validationFraction` of every document
 * (moved back to the start of a line when one is within a few hundred characters), so both parts
 * draw from every document and the split never depends on a seed. Token ids are int32 arrays, so
 * the same corpus feeds recurrent and transformer language models.
 *
 * @example
 * ```ts
 * import { TextCorpus } from "@nnc/datasets";
 * const corpus = new TextCorpus("to be or not to be, that is the question\n".repeat(10));
 * console.assert(corpus.train.size + corpus.validation.size === 410);
 * for (const [x, y] of corpus.loader("train", { seqLen: 8, batchSize: 4, seed: 0 })) {
 *   console.assert(x.shape.join() === "4,8" && x.dtype === "int32");
 *   // The target of position t is the input of position t + 1.
 *   console.assert(x.get(0, 1) === y.get(0, 0));
 * }
 * console.assert(corpus.vocab.decode(corpus.train.slice({ stop: 5 })) === "to be");
 * ```
 */
export class TextCorpus {
  /** The documents' characters, sorted by code point unless a vocabulary was given. */
  readonly vocab: Vocabulary;
  /** Where the text came from, in reading order. */
  readonly documents: readonly string[];
  /** Training ids, int32 `[n]`: the documents' heads, concatenated. */
  readonly train: NDArray;
  /** Validation ids, int32 `[m]`: the documents' tails, concatenated. */
  readonly validation: NDArray;
  /** The held-out share asked for. */
  readonly validationFraction: number;

  /** A corpus over one text or several documents. */
  constructor(text: string | readonly CorpusDocument[], options: TextCorpusOptions = {}) {
    const op = "TextCorpus";
    const o = checkOptions(options, op);
    const docs = typeof text === "string" ? [{ name: "text", text }] : checkDocuments(text, op);
    const fraction = checkNumber(o.validationFraction ?? 0.1, op, "validationFraction", 0, 0.9);
    if (o.vocab !== undefined && !(o.vocab instanceof Vocabulary)) {
      throw new TypeError(`${op}: vocab must be a Vocabulary, got ${describe(o.vocab)}`);
    }
    const heads: string[] = [], tails: string[] = [];
    for (const d of docs) {
      const at = splitPoint(d.text, fraction);
      heads.push(d.text.slice(0, at));
      tails.push(d.text.slice(at));
    }
    const trainText = heads.join(""), validationText = tails.join("");
    if (trainText.length < 2) {
      throw new RangeError(
        `${op}: the training text has ${trainText.length} characters; a language model needs at least 2`,
      );
    }
    this.vocab = o.vocab ?? Vocabulary.fromText(trainText + validationText);
    this.documents = Object.freeze(docs.map((d) => d.name));
    this.train = this.vocab.encode(trainText);
    this.validation = this.vocab.encode(validationText);
    this.validationFraction = fraction;
  }

  /**
   * Reads a corpus from a UTF-8 file, or from every file of a folder and its subfolders (in path
   * order). Invalid UTF-8 is a `DataFormatError` naming the file and byte offset; a missing path is
   * a `DatasetNotFoundError`.
   */
  static async read(path: string | URL, options: ReadTextCorpusOptions = {}): Promise<TextCorpus> {
    const op = "TextCorpus.read";
    const o = checkOptions(options, op);
    for (const name of ["include", "transform"] as const) {
      if (o[name] !== undefined) checkFunction(o[name], op, name);
    }
    const root = checkPath(path, op);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(root);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new DatasetNotFoundError(`${op}: no file or folder at ${root}`, { cause: e });
      }
      throw e;
    }
    const files = info.isDirectory ? await listFiles(root, o.include) : [root];
    const docs: CorpusDocument[] = [];
    for (const file of files) {
      const bytes = await Deno.readFile(file);
      let text = decodeUtf8(bytes, file, op);
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (o.transform) {
        text = o.transform(text, file);
        if (typeof text !== "string") {
          throw new TypeError(
            `${op}: transform must return a string, got ${describe(text)} for ${file}`,
          );
        }
      }
      docs.push({ name: file, text });
    }
    if (docs.length === 0) {
      throw new DatasetNotFoundError(`${op}: the folder ${root} holds no text files`);
    }
    return new TextCorpus(docs, o);
  }

  /** Number of tokens in the vocabulary. */
  get vocabSize(): number {
    return this.vocab.size;
  }

  /** The ids of a split, int32 `[n]`. */
  ids(split: CorpusSplit): NDArray {
    if (split === "train") return this.train;
    if (split === "validation") return this.validation;
    throw new RangeError(
      `TextCorpus: split must be "train" or "validation", got ${describe(split)}`,
    );
  }

  /** Text of token ids (the vocabulary's `decode`). */
  decode(ids: NDArray | ArrayLike<number>): string {
    return this.vocab.decode(ids);
  }

  /** Ids of a text (the vocabulary's `encode`), int32 `[n]`. */
  encode(text: string): NDArray {
    return this.vocab.encode(text);
  }

  /**
   * The split cut into windows: sample `i` is `[input, target]`, int32 `[seqLen]` each, where
   * `input = ids[i·stride … i·stride + seqLen)` and `target` is the same window one token later.
   */
  windows(split: CorpusSplit, options: TextWindowOptions): TensorDataset {
    const op = "TextCorpus.windows";
    const o = checkOptions(options, op);
    const seqLen = requiredInt(o.seqLen, op, "seqLen");
    const stride = checkInt(o.stride ?? seqLen, op, "stride", 1, MAX_INT32);
    const ids = this.ids(split);
    const n = ids.size;
    if (n < seqLen + 1) {
      throw new RangeError(
        `${op}: the ${split} split has ${n} tokens, fewer than seqLen + 1 = ${seqLen + 1}`,
      );
    }
    const count = Math.floor((n - seqLen - 1) / stride) + 1;
    const src = ids.data as Int32Array;
    const x = new Int32Array(count * seqLen), y = new Int32Array(count * seqLen);
    for (let i = 0; i < count; i++) {
      const s = ids.offset + i * stride;
      x.set(src.subarray(s, s + seqLen), i * seqLen);
      y.set(src.subarray(s + 1, s + 1 + seqLen), i * seqLen);
    }
    return new TensorDataset(
      NDArray.fromTyped(x, [count, seqLen]),
      NDArray.fromTyped(y, [count, seqLen]),
    );
  }

  /**
   * A {@link DataLoader} over {@link TextCorpus.windows}: batches `[input, target]`, int32
   * `[batchSize, seqLen]`, shuffled (by default for the training split) with a seeded generator.
   */
  loader(split: CorpusSplit, options: TextLoaderOptions): DataLoader<NDArray[]> {
    const op = "TextCorpus.loader";
    const o = checkOptions(options, op);
    const batchSize = requiredInt(o.batchSize, op, "batchSize");
    const training = split === "train";
    return new DataLoader(this.windows(split, o), {
      batchSize,
      shuffle: o.shuffle ?? training,
      dropLast: o.dropLast ?? training,
      rng: o.rng,
      seed: o.seed,
    });
  }

  /** The split as `batchSize` contiguous streams, in batches of `seqLen` steps (see {@link TextStreams}). */
  streams(split: CorpusSplit, options: TextStreamOptions): TextStreams {
    const op = "TextCorpus.streams";
    const o = checkOptions(options, op);
    const batchSize = requiredInt(o.batchSize, op, "batchSize");
    const seqLen = requiredInt(o.seqLen, op, "seqLen");
    const ids = this.ids(split);
    const streamLength = Math.floor(ids.size / batchSize);
    if (streamLength < 2) {
      throw new RangeError(
        `${op}: the ${split} split has ${ids.size} tokens, too few for ${batchSize} streams of 2 or more`,
      );
    }
    const src = ids.data as Int32Array, base = ids.offset;
    const steps = streamLength - 1;
    const length = Math.ceil(steps / seqLen);
    function* batches(): Generator<[NDArray, NDArray]> {
      for (let t0 = 0; t0 < steps; t0 += seqLen) {
        const len = Math.min(seqLen, steps - t0);
        const x = new Int32Array(batchSize * len), y = new Int32Array(batchSize * len);
        for (let b = 0; b < batchSize; b++) {
          const s = base + b * streamLength + t0;
          x.set(src.subarray(s, s + len), b * len);
          y.set(src.subarray(s + 1, s + 1 + len), b * len);
        }
        yield [NDArray.fromTyped(x, [batchSize, len]), NDArray.fromTyped(y, [batchSize, len])];
      }
    }
    return { length, streamLength, [Symbol.iterator]: batches };
  }
}

function requiredInt(value: unknown, op: string, name: string): number {
  if (value === undefined) throw new TypeError(`${op}: ${name} is required`);
  return checkInt(value ?? 0, op, name, 1, MAX_INT32);
}

function checkDocuments(docs: unknown, op: string): CorpusDocument[] {
  if (!Array.isArray(docs) || docs.length === 0) {
    throw new TypeError(
      `${op}: expected a string or a non-empty array of { name, text } documents, got ${
        describe(docs)
      }`,
    );
  }
  return docs.map((d, i) => {
    if (d === null || typeof d !== "object" || typeof d.text !== "string") {
      throw new TypeError(`${op}: document ${i} must be { name, text } with a string text`);
    }
    if (d.name !== undefined && d.name !== null && typeof d.name !== "string") {
      throw new TypeError(
        `${op}: document ${i}'s name must be a string, got ${describe(d.name)}`,
      );
    }
    return { name: d.name ?? `document ${i}`, text: d.text };
  });
}

/** Where the validation tail of a text starts: at the fraction, moved back to a line start when one is near. */
function splitPoint(text: string, fraction: number): number {
  if (fraction === 0) return text.length;
  let at = Math.floor(text.length * (1 - fraction));
  // Never split a surrogate pair: a character must land on one side whole.
  if (at > 0 && at < text.length && isLowSurrogate(text.charCodeAt(at))) at--;
  const newline = text.lastIndexOf("\n", at - 1);
  if (newline >= 0 && at - (newline + 1) <= 512) at = newline + 1;
  return at;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Regular files under a folder, sorted by path; links to files already listed are skipped. */
async function listFiles(
  root: string,
  include: ((path: string) => boolean) | undefined,
): Promise<string[]> {
  const found: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    for (const e of entries) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) stack.push(path);
      else if (e.isFile || e.isSymlink) found.push(path);
    }
  }
  found.sort();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const path of found) {
    let real: string;
    let info: Deno.FileInfo;
    try {
      real = await Deno.realPath(path);
      info = await Deno.stat(real);
    } catch {
      continue; // a dangling link
    }
    if (!info.isFile || seen.has(real)) continue;
    if (include ? !include(path) : await isBinary(real)) continue;
    seen.add(real);
    out.push(path);
  }
  return out;
}

/** True when the first 8 KiB of a file hold a NUL byte (an index or other binary file). */
async function isBinary(path: string): Promise<boolean> {
  const file = await Deno.open(path, { read: true });
  try {
    const head = new Uint8Array(8192);
    const n = (await file.read(head)) ?? 0;
    return head.subarray(0, n).includes(0);
  } finally {
    file.close();
  }
}

/** Where the Debian package `fortunes` installs its files. */
export const FORTUNES_DIR = "/usr/share/games/fortunes";

/** Options of {@link fortunes}. */
export interface FortunesOptions extends TextCorpusOptions {
  /** The folder of fortune files. Default {@link FORTUNES_DIR}. */
  dir?: string;
  /**
   * Drop terminal control characters: overstrike pairs (`x` backspace `y` keeps `y`), bells and
   * other C0 controls except newline and tab. Default true.
   */
  clean?: boolean;
}

/**
 * The fortune-cookie files of the Debian package `fortunes` (≈ 2.6 million characters of quips,
 * quotations and verse, fortunes separated by lines holding `%`) as a {@link TextCorpus}: every
 * text file of the folder, the `.dat` index files and `.u8` links left out. A missing package is a
 * {@link DatasetNotFoundError} that says how to install it.
 *
 * @example
 * ```ts
 * import { DatasetNotFoundError, fortunes } from "@nnc/datasets";
 * try {
 *   const corpus = await fortunes();
 *   console.log(corpus.train.size, corpus.validation.size, corpus.vocabSize);
 * } catch (e) {
 *   console.assert(e instanceof DatasetNotFoundError); // the package is not installed
 * }
 * ```
 */
export async function fortunes(options: FortunesOptions = {}): Promise<TextCorpus> {
  const op = "fortunes";
  const o = checkOptions(options, op);
  if (o.dir !== undefined && (typeof o.dir !== "string" || o.dir.length === 0)) {
    throw new TypeError(`${op}: dir must be a folder path, got ${describe(o.dir)}`);
  }
  const dir = o.dir ?? FORTUNES_DIR;
  const clean = o.clean ?? true;
  checkBool(clean, op, "clean");
  // Checked here too, so that a bad option names this function rather than TextCorpus.
  checkNumber(o.validationFraction ?? 0.1, op, "validationFraction", 0, 0.9);
  if (o.vocab !== undefined && !(o.vocab instanceof Vocabulary)) {
    throw new TypeError(`${op}: vocab must be a Vocabulary, got ${describe(o.vocab)}`);
  }
  try {
    const info = await Deno.stat(dir);
    if (!info.isDirectory) throw new Deno.errors.NotFound(dir);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new DatasetNotFoundError(
      `${op}: no fortune files in ${dir}. Install the Debian package: \`sudo apt-get install fortunes\` ` +
        "(or pass { dir } with a folder of fortune files)",
      { cause: e },
    );
  }
  return await TextCorpus.read(dir, {
    vocab: o.vocab,
    validationFraction: o.validationFraction,
    include: (path) => !path.endsWith(".dat"),
    transform: clean ? stripControls : undefined,
  });
}

/**
 * Removes terminal control characters from a text: overstrike pairs (a character followed by a
 * backspace is dropped, as a terminal would print the next one over it) and every other C0 control
 * character except newline and tab.
 *
 * @example
 * ```ts
 * import { stripControls } from "@nnc/datasets";
 * console.assert(stripControls("_\bb_\bo_\bl_\bd\x07!\n") === "bold!\n");
 * ```
 */
export function stripControls(text: string): string {
  if (typeof text !== "string") {
    throw new TypeError(`stripControls: text must be a string, got ${describe(text)}`);
  }
  // deno-lint-ignore no-control-regex
  return text.replace(/[^\n]\x08/g, "").replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
}
