import assert from "node:assert/strict";
import fc from "fast-check";
import { charCorpus, readCharCorpus, readText, Vocabulary } from "./text.ts";
import { DataFormatError } from "./errors.ts";
import { withTempDir } from "./_testing.ts";

Deno.test("Vocabulary.fromText sorts by code point like Python's sorted(set(text)), or keeps first appearance", () => {
  assert.deepEqual(Vocabulary.fromText("hello world").tokens, [
    " ",
    "d",
    "e",
    "h",
    "l",
    "o",
    "r",
    "w",
  ]);
  assert.deepEqual(Vocabulary.fromText("hello", { sorted: false }).tokens, ["h", "e", "l", "o"]);
  // Characters beyond the BMP are single tokens, ordered by code point (not UTF-16 units).
  const v = Vocabulary.fromText("a😀\uffff");
  assert.deepEqual(v.tokens, ["a", "\uffff", "😀"]);
  assert.deepEqual(v.encode("😀a").toArray(), [2, 0]);
});

Deno.test("Vocabulary encodes and decodes; unknown characters are an error or the unknown token", () => {
  const v = new Vocabulary(["a", "b", "?"], { unknown: "?" });
  assert.deepEqual(v.encode("abz").toArray(), [0, 1, 2]);
  assert.equal(v.encode("ab").dtype, "int32");
  assert.equal(v.decode([1, 0, 2]), "ba?");
  assert.equal(v.indexOf("b"), 1);
  assert.equal(v.indexOf("z"), -1);
  const strict = new Vocabulary(["a"]);
  assert.throws(
    () => strict.encode("aab"),
    /character "b" at index 2 is not in the vocabulary of 1 tokens/,
  );
  assert.throws(() => strict.decode([0, 1]), /id 1 at position 1 is out of range/);
  assert.throws(() => new Vocabulary(["a", "a"]), /appears twice/);
  assert.throws(() => new Vocabulary(["a", ""]), /non-empty string/);
  assert.throws(() => new Vocabulary(["a"], { unknown: "?" }), /not one of the tokens/);
  assert.throws(() => new Vocabulary(5 as unknown as string[]), TypeError);
  assert.deepEqual(Vocabulary.fromText("ab", { unknown: "~" }).tokens, ["a", "b", "~"]);
});

Deno.test("charCorpus and readCharCorpus encode a whole text", async () => {
  const c = charCorpus("to be or not");
  assert.equal(c.ids.size, 12);
  assert.equal(c.vocab.decode(c.ids), "to be or not");
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/t.txt`, "\ufeffabcab");
    assert.equal(await readText(`${dir}/t.txt`), "abcab");
    const r = await readCharCorpus(`${dir}/t.txt`, { vocab: new Vocabulary(["c", "b", "a"]) });
    assert.deepEqual(r.ids.toArray(), [2, 1, 0, 2, 1]);
    // Invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong encoding, a surrogate.
    const cases: [number[], number][] = [[[0x61, 0x80], 1], [[0x61, 0x62, 0xe2, 0x82], 2], [[
      0xc0,
      0x80,
    ], 0], [[0x61, 0xed, 0xa0, 0x80], 1]];
    for (const [bytes, at] of cases) {
      await Deno.writeFile(`${dir}/bad.txt`, new Uint8Array(bytes));
      await assert.rejects(
        () => readText(`${dir}/bad.txt`),
        (e: Error) =>
          e instanceof DataFormatError && e.offset === at && e.file === `${dir}/bad.txt`,
      );
    }
  });
});

Deno.test("property: decode(encode(text)) is the text", () => {
  fc.assert(fc.property(fc.string({ unit: "grapheme", minLength: 1 }), (text) => {
    const v = Vocabulary.fromText(text);
    assert.equal(v.decode(v.encode(text)), text);
    assert.equal(v.size, new Set(text).size);
  }));
});

Deno.test("charCorpus names itself for null options", () => {
  assert.throws(
    () => charCorpus("ab", null as never),
    /^TypeError: charCorpus: options must be an object, got null$/,
  );
});
