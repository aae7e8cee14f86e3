import assert from "node:assert/strict";
import fc from "fast-check";
import {
  transliterate,
  TRANSLITERATION_TABLE,
  transliterationTask,
  untransliterate,
} from "./transliteration.ts";

Deno.test("transliterate spells letter by letter; untransliterate reads the longest match back", () => {
  assert.equal(transliterate("خبز"), "khbz");
  assert.equal(transliterate("صباح"), "s'ba7");
  assert.equal(untransliterate("s'ba7"), "صباح");
  // "th" is ث, so ت then ه cannot be written unambiguously.
  assert.equal(untransliterate(transliterate("ته")), "ث");
  assert.equal(untransliterate("qx"), null);
  assert.throws(() => transliterate("abc"), /"a" is not a letter of the table/);
  // The table has one spelling per letter and no spelling twice.
  assert.equal(new Set(TRANSLITERATION_TABLE.map(([, l]) => l)).size, TRANSLITERATION_TABLE.length);
});

Deno.test("transliterationTask: every pair reads back exactly; ids, padding and lengths agree", () => {
  const d = transliterationTask({ n: 300, minLength: 2, maxLength: 6, seed: 3 });
  assert.equal(d.sources.length, 300);
  assert.equal(d.target.shape[1], 7);
  const multi = d.sources.filter((s, i) => s.length > [...d.targets[i]].length).length;
  assert.ok(multi > 100, "many words contain two-character letters");
  for (let i = 0; i < 300; i++) {
    assert.equal(untransliterate(d.sources[i]), d.targets[i]);
    const T = d.targetLengths[i], S = d.sourceLengths[i];
    assert.equal(T, [...d.targets[i]].length + 1);
    assert.equal(d.target.get(i, T - 1), 2);
    for (let t = T; t < 7; t++) assert.equal(d.target.get(i, t), 0);
    const ids = Array.from({ length: S }, (_, s) => d.source.get(i, s));
    assert.equal(d.sourceVocab.decode(ids), d.sources[i]);
    assert.equal(
      d.targetVocab.decode(Array.from({ length: T - 1 }, (_, t) => d.target.get(i, t))),
      d.targets[i],
    );
  }
  assert.deepEqual(d.sourceVocab.tokens.slice(0, 3), ["<pad>", "<s>", "</s>"]);
  // Same seed, same words.
  assert.deepEqual(
    transliterationTask({ n: 5, seed: 9 }).sources,
    transliterationTask({ n: 5, seed: 9 }).sources,
  );
  assert.throws(
    () => transliterationTask({ minLength: 5, maxLength: 4 }),
    /maxLength must be an integer in \[5, 64\]/,
  );
});

Deno.test("the Latin spelling of any word without ت/ك/د/س before ه reads back unchanged", () => {
  const letters = TRANSLITERATION_TABLE.map(([a]) => a);
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 12 }), (w) => {
      const word = w.join("");
      fc.pre(!/[تكدس]ه/.test(word));
      assert.equal(untransliterate(transliterate(word)), word);
    }),
  );
});
