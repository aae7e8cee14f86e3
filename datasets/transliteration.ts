/**
 * A synthetic transliteration task in the manner of the course's mock final (Arabizi → Arabic):
 * words of Arabic letters written in Latin letters and digits, where some letters take two source
 * characters (`sh` → ش, `kh` → خ, `s'` → ص) and others one (`3` → ع, `7` → ح). The source and target
 * lengths differ, so a model must align them (a sequence-to-sequence problem).
 *
 * @module
 */
import { checkInt, checkOptions, describe, NDArray } from "@nnc/tensor";
import type { RandomSource } from "./types.ts";
import { Vocabulary } from "./text.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/**
 * The table of {@link transliterate}: each Arabic letter and its Latin (Arabizi-style) spelling.
 *
 * @example
 * ```ts
 * import { TRANSLITERATION_TABLE } from "@nnc/datasets";
 * console.assert(TRANSLITERATION_TABLE.length === 29);
 * console.assert(TRANSLITERATION_TABLE.some(([ar, la]) => ar === "ش" && la === "sh"));
 * ```
 */
export const TRANSLITERATION_TABLE: readonly (readonly [arabic: string, latin: string])[] = Object
  .freeze(
    [
      ["ا", "a"],
      ["ب", "b"],
      ["ت", "t"],
      ["ث", "th"],
      ["ج", "j"],
      ["ح", "7"],
      ["خ", "kh"],
      ["د", "d"],
      ["ذ", "dh"],
      ["ر", "r"],
      ["ز", "z"],
      ["س", "s"],
      ["ش", "sh"],
      ["ص", "s'"],
      ["ض", "d'"],
      ["ط", "6"],
      ["ظ", "z'"],
      ["ع", "3"],
      ["غ", "gh"],
      ["ف", "f"],
      ["ق", "9"],
      ["ك", "k"],
      ["ل", "l"],
      ["م", "m"],
      ["ن", "n"],
      ["ه", "h"],
      ["و", "w"],
      ["ي", "y"],
      ["ء", "2"],
    ] as const,
  );

const TO_LATIN = new Map<string, string>(TRANSLITERATION_TABLE.map(([a, l]) => [a, l]));
const TO_ARABIC = new Map<string, string>(TRANSLITERATION_TABLE.map(([a, l]) => [l, a]));

/** Padding, start and end tokens: ids 0, 1 and 2 of both vocabularies of {@link transliterationTask}. */
export const SEQUENCE_SPECIALS: readonly ["<pad>", "<s>", "</s>"] = Object.freeze(
  ["<pad>", "<s>", "</s>"] as const,
);

/**
 * The Latin spelling of a word of Arabic letters (letter by letter, by {@link TRANSLITERATION_TABLE}).
 *
 * @example
 * ```ts
 * import { transliterate } from "@nnc/datasets";
 * console.assert(transliterate("شمس") === "shms" && transliterate("عين") === "3yn");
 * ```
 */
export function transliterate(arabic: string): string {
  if (typeof arabic !== "string") {
    throw new TypeError(`transliterate: expected a string, got ${describe(arabic)}`);
  }
  let out = "";
  for (const ch of arabic) {
    const l = TO_LATIN.get(ch);
    if (l === undefined) {
      throw new RangeError(`transliterate: ${JSON.stringify(ch)} is not a letter of the table`);
    }
    out += l;
  }
  return out;
}

/**
 * Reads a Latin spelling back, taking the longest spelling that matches at each position (so `sh`
 * is ش, never س then ه); null when some characters match no letter.
 *
 * @example
 * ```ts
 * import { untransliterate } from "@nnc/datasets";
 * console.assert(untransliterate("shms") === "شمس" && untransliterate("x") === null);
 * ```
 */
export function untransliterate(latin: string): string | null {
  if (typeof latin !== "string") {
    throw new TypeError(`untransliterate: expected a string, got ${describe(latin)}`);
  }
  let out = "", i = 0;
  while (i < latin.length) {
    const two = TO_ARABIC.get(latin.slice(i, i + 2));
    if (two !== undefined && i + 1 < latin.length) {
      out += two;
      i += 2;
      continue;
    }
    const one = TO_ARABIC.get(latin[i]);
    if (one === undefined) return null;
    out += one;
    i++;
  }
  return out;
}

/** Options of {@link transliterationTask}. */
export interface TransliterationOptions extends RandomSource {
  /** Number of word pairs. Default 1000. */
  n?: number;
  /** Fewest Arabic letters per word. Default 3. */
  minLength?: number;
  /** Most Arabic letters per word. Default 8. */
  maxLength?: number;
}

/** Word pairs of {@link transliterationTask}, as strings and as padded id arrays. */
export interface TransliterationData {
  /** Latin spellings (the inputs). */
  sources: string[];
  /** Arabic words (the outputs). */
  targets: string[];
  /** Source tokens: `<pad>`, `<s>`, `</s>`, then the Latin characters. */
  sourceVocab: Vocabulary;
  /** Target tokens: `<pad>`, `<s>`, `</s>`, then the Arabic letters. */
  targetVocab: Vocabulary;
  /** int32 `[n, S]`: source ids, padded with 0. */
  source: NDArray;
  /** Characters of each source. */
  sourceLengths: Int32Array;
  /** int32 `[n, T]`: target ids followed by `</s>` (2), padded with 0. */
  target: NDArray;
  /** Target ids per word, `</s>` included. */
  targetLengths: Int32Array;
}

/** The vocabularies, fixed whatever the words drawn: specials first, then the table's characters. */
function vocabularies(): [Vocabulary, Vocabulary] {
  const latin = [...new Set(TRANSLITERATION_TABLE.flatMap(([, l]) => [...l]))].sort();
  const arabic = TRANSLITERATION_TABLE.map(([a]) => a);
  return [
    new Vocabulary([...SEQUENCE_SPECIALS, ...latin]),
    new Vocabulary([...SEQUENCE_SPECIALS, ...arabic]),
  ];
}

/**
 * Random Arabic words (letters drawn uniformly, lengths uniform in `[minLength, maxLength]`) and
 * their Latin spellings. Words whose spelling reads back as another word (ت then ه is written `th`,
 * which reads ث) are redrawn, so every source has exactly one target.
 *
 * @example
 * ```ts
 * import { transliterationTask } from "@nnc/datasets";
 * const d = transliterationTask({ n: 4, seed: 1 });
 * console.assert(d.sourceVocab.decode(d.source.slice(0, { stop: d.sourceLengths[0] })) === d.sources[0]);
 * console.assert(d.target.get(0, d.targetLengths[0] - 1) === 2); // </s>
 * ```
 */
export function transliterationTask(options?: TransliterationOptions): TransliterationData {
  const op = "transliterationTask";
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 1000, op, "n", 1, MAX_INT32);
  const minLength = checkInt(o.minLength ?? 3, op, "minLength", 1, 64);
  const maxLength = checkInt(o.maxLength ?? 8, op, "maxLength", minLength, 64);
  const rng = resolveRng(o, op);
  const letters = TRANSLITERATION_TABLE.map(([a]) => a);
  const sources: string[] = [], targets: string[] = [];
  while (targets.length < n) {
    const len = rng.int(minLength, maxLength + 1);
    let word = "";
    for (let i = 0; i < len; i++) word += letters[rng.int(0, letters.length)];
    const latin = transliterate(word);
    if (untransliterate(latin) !== word) continue;
    sources.push(latin);
    targets.push(word);
  }
  const [sourceVocab, targetVocab] = vocabularies();
  const S = Math.max(...sources.map((s) => s.length));
  const T = maxLength + 1;
  const source = new Int32Array(n * S), target = new Int32Array(n * T);
  const sourceLengths = new Int32Array(n), targetLengths = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = [...sources[i]].map((c) => sourceVocab.indexOf(c));
    source.set(src, i * S);
    sourceLengths[i] = src.length;
    const tgt = [...targets[i]].map((c) => targetVocab.indexOf(c));
    target.set([...tgt, 2], i * T);
    targetLengths[i] = tgt.length + 1;
  }
  return {
    sources,
    targets,
    sourceVocab,
    targetVocab,
    source: NDArray.fromTyped(source, [n, S]),
    sourceLengths,
    target: NDArray.fromTyped(target, [n, T]),
    targetLengths,
  };
}
