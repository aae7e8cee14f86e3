import assert from "node:assert/strict";
import fc from "fast-check";
import { fortunes, FORTUNES_DIR, stripControls, TextCorpus } from "./text_corpus.ts";
import { Vocabulary } from "./text.ts";
import { DataFormatError, DatasetNotFoundError } from "./errors.ts";
import { withTempDir } from "./_testing.ts";

const ints = (a: { toArray(): unknown }) => [a.toArray()].flat(Infinity) as number[];

Deno.test("TextCorpus tokenises characters as the notes count them", () => {
  // spec: 002-part-b/G11
  const fox = new TextCorpus("the little brown fox", { validationFraction: 0 });
  assert.equal(fox.train.size, 20);
  assert.equal(ints(fox.train).filter((id) => fox.vocab.tokens[id] === " ").length, 3);
  assert.equal(fox.decode(fox.train), "the little brown fox");
  const hello = new TextCorpus("hello!", { validationFraction: 0 });
  assert.equal(hello.train.size, 6);
  assert.deepEqual(hello.vocab.tokens, ["!", "e", "h", "l", "o"]);
});

Deno.test("TextCorpus holds out the tail of every document, from a line start", () => {
  const a = "aaaa\nbbbb\ncccc\ndddd\n"; // 20 characters: the last 10% starts at 18, moved back to 15
  const b = "0123456789";
  const c = new TextCorpus([{ name: "a", text: a }, { name: "b", text: b }], {
    validationFraction: 0.1,
  });
  assert.equal(c.decode(c.train), "aaaa\nbbbb\ncccc\n" + "012345678");
  assert.equal(c.decode(c.validation), "dddd\n" + "9");
  assert.deepEqual(c.documents, ["a", "b"]);
  assert.equal(c.vocabSize, 15);
  assert.equal(c.train.dtype, "int32");
  // No split: everything trains.
  const all = new TextCorpus(a, { validationFraction: 0 });
  assert.equal(all.validation.size, 0);
  assert.equal(all.train.size, 20);
  // A surrogate pair is never cut in two.
  const emoji = new TextCorpus("ab😀😀😀😀", { validationFraction: 0.3 });
  assert.equal(emoji.decode(emoji.train) + emoji.decode(emoji.validation), "ab😀😀😀😀");
  // A given vocabulary is used as is.
  const v = new Vocabulary(["b", "a"]);
  assert.deepEqual(ints(new TextCorpus("abab", { vocab: v, validationFraction: 0 }).train), [
    1,
    0,
    1,
    0,
  ]);
});

Deno.test("TextCorpus.windows cuts (input, next-token target) windows", () => {
  const c = new TextCorpus("abcdefghij", { validationFraction: 0 });
  const w = c.windows("train", { seqLen: 3 });
  // Starts 0, 3, 6: the window at 9 would need a 13th character.
  assert.equal(w.length, 3);
  const [x0, y0] = w.get(0), [x2, y2] = w.get(2);
  assert.equal(c.decode(x0), "abc");
  assert.equal(c.decode(y0), "bcd");
  assert.equal(c.decode(x2), "ghi");
  assert.equal(c.decode(y2), "hij");
  const overlapping = c.windows("train", { seqLen: 4, stride: 1 });
  assert.equal(overlapping.length, 6);
  assert.equal(c.decode(overlapping.get(5)[1]), "ghij");
  assert.throws(
    () => c.windows("train", { seqLen: 10 }),
    /has 10 tokens, fewer than seqLen \+ 1 = 11/,
  );
  assert.throws(
    () => c.windows("test" as "train", { seqLen: 2 }),
    /split must be "train" or "validation"/,
  );
  assert.throws(() => c.windows("train", {} as { seqLen: number }), /seqLen is required/);
  assert.throws(
    () => c.windows("train", { seqLen: 0 }),
    /seqLen must be an integer in \[1, 2147483647\]/,
  );
});

Deno.test("TextCorpus.windows: every target is its input shifted by one, and inputs tile the ids", () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 2, maxLength: 60 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 8 }),
      (text, seqLen, stride) => {
        fc.pre([...text].length >= seqLen + 1);
        const c = new TextCorpus(text, { validationFraction: 0 });
        const ids = ints(c.train);
        const w = c.windows("train", { seqLen, stride });
        assert.equal(w.length, Math.floor((ids.length - seqLen - 1) / stride) + 1);
        for (let i = 0; i < w.length; i++) {
          const [x, y] = w.get(i);
          assert.deepEqual(ints(x), ids.slice(i * stride, i * stride + seqLen));
          assert.deepEqual(ints(y), ids.slice(i * stride + 1, i * stride + seqLen + 1));
        }
      },
    ),
  );
});

Deno.test("TextCorpus.loader: seeded shuffled batches for training, in order for validation", () => {
  const text = Array.from({ length: 400 }, (_, i) => String.fromCharCode(97 + (i * 7) % 26)).join(
    "",
  );
  const c = new TextCorpus(text, { validationFraction: 0.25 });
  const epoch = (seed: number) =>
    [...c.loader("train", { seqLen: 10, batchSize: 4, seed })].map(([x]) => ints(x).join());
  const a = epoch(1), b = epoch(1), other = epoch(2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, other);
  // 299 training tokens → 29 windows → 7 full batches (the last, short one dropped).
  assert.equal(a.length, 7);
  const val = [...c.loader("validation", { seqLen: 10, batchSize: 4 })];
  // 100 validation tokens → 9 windows, in order, the short last batch kept.
  assert.deepEqual(val.map(([x]) => x.shape[0]), [4, 4, 1]);
  assert.deepEqual(ints(val[0][0]).slice(0, 10), ints(c.validation).slice(0, 10));
  assert.throws(
    () => c.loader("train", { seqLen: 10 } as { seqLen: number; batchSize: number }),
    /batchSize is required/,
  );
});

Deno.test("TextCorpus.streams: row b of each batch continues row b of the one before", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 8, max: 80 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 7 }),
      (n, batchSize, seqLen) => {
        const text = Array.from({ length: n }, (_, i) => String.fromCharCode(33 + i)).join("");
        fc.pre(Math.floor(n / batchSize) >= 2);
        const c = new TextCorpus(text, { validationFraction: 0 });
        const s = c.streams("train", { batchSize, seqLen });
        const rows: number[][] = Array.from({ length: batchSize }, () => []);
        let batches = 0;
        for (const [x, y] of s) {
          batches++;
          const [b, t] = x.shape;
          assert.equal(b, batchSize);
          assert.ok(t <= seqLen);
          for (let r = 0; r < b; r++) {
            for (let k = 0; k < t; k++) {
              // Characters are distinct and consecutive, so ids are too: the target is input + 1.
              assert.equal(y.get(r, k), x.get(r, k) + 1);
              rows[r].push(x.get(r, k));
            }
          }
        }
        assert.equal(batches, s.length);
        for (let r = 0; r < batchSize; r++) {
          const start = r * s.streamLength;
          assert.deepEqual(
            rows[r],
            Array.from({ length: s.streamLength - 1 }, (_, k) => start + k),
          );
        }
      },
    ),
  );
});

Deno.test("TextCorpus.read: a file, or a folder with subfolders, links and binary files", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/b.txt`, "second\n");
    await Deno.mkdir(`${dir}/sub`);
    await Deno.writeTextFile(`${dir}/sub/c.txt`, "third\n");
    await Deno.writeTextFile(`${dir}/a.txt`, "\ufefffirst\n");
    await Deno.writeFile(`${dir}/a.dat`, new Uint8Array([1, 0, 2, 0]));
    await Deno.symlink(`${dir}/a.txt`, `${dir}/a.u8`);
    const c = await TextCorpus.read(dir, { validationFraction: 0 });
    assert.deepEqual(c.documents, [`${dir}/a.txt`, `${dir}/b.txt`, `${dir}/sub/c.txt`]);
    assert.equal(c.decode(c.train), "first\nsecond\nthird\n");
    const one = await TextCorpus.read(`${dir}/b.txt`, {
      validationFraction: 0,
      transform: (t) => t.toUpperCase(),
    });
    assert.equal(one.decode(one.train), "SECOND\n");
    const picked = await TextCorpus.read(dir, {
      include: (p) => p.endsWith("c.txt"),
      validationFraction: 0,
    });
    assert.deepEqual(picked.documents, [`${dir}/sub/c.txt`]);
    await Deno.writeFile(`${dir}/bad.txt`, new Uint8Array([0x61, 0x62, 0xff]));
    await assert.rejects(
      () => TextCorpus.read(`${dir}/bad.txt`),
      (e) => e instanceof DataFormatError && e.offset === 2 && e.message.includes("bad.txt"),
    );
    await assert.rejects(() => TextCorpus.read(`${dir}/none`), DatasetNotFoundError);
    await Deno.mkdir(`${dir}/empty`);
    await assert.rejects(() => TextCorpus.read(`${dir}/empty`), /holds no text files/);
  });
});

Deno.test("TextCorpus rejects bad arguments with the op's name", () => {
  assert.throws(
    () => new TextCorpus("a", { validationFraction: 0 }),
    /training text has 1 characters/,
  );
  assert.throws(() => new TextCorpus([]), /non-empty array of \{ name, text \}/);
  assert.throws(() => new TextCorpus("abc", { validationFraction: 1 }), /validationFraction/);
  assert.throws(
    () => new TextCorpus("abc", { vocab: ["a"] as unknown as Vocabulary }),
    /vocab must be a Vocabulary/,
  );
  assert.throws(
    () => new TextCorpus("abc", { vocab: new Vocabulary(["a"]) }),
    /not in the vocabulary/,
  );
});

Deno.test("stripControls drops overstrikes and control characters, keeping newlines and tabs", () => {
  assert.equal(stripControls("_\bI_\bt\x07 is\tbold\r\n"), "It is\tbold\n");
});

Deno.test("fortunes: the Debian package's files, or an error that says how to install them", async () => {
  await assert.rejects(
    () => fortunes({ dir: "/nonexistent/fortunes" }),
    (e) =>
      e instanceof DatasetNotFoundError && e.message.includes("apt-get install fortunes") &&
      e.message.includes("/nonexistent/fortunes"),
  );
  await assert.rejects(() => fortunes({ dir: "" }), TypeError);
  let installed = true;
  try {
    await Deno.stat(FORTUNES_DIR);
  } catch {
    installed = false;
  }
  if (!installed) {
    console.warn(
      `skipped the real-corpus checks: ${FORTUNES_DIR} is missing (apt-get install fortunes)`,
    );
    return;
  }
  const c = await fortunes();
  assert.ok(c.documents.length >= 30);
  assert.ok(c.documents.every((d) => !d.endsWith(".dat") && !d.endsWith(".u8")));
  assert.ok(c.train.size > 2_000_000 && c.validation.size > 200_000);
  const ratio = c.validation.size / (c.train.size + c.validation.size);
  assert.ok(Math.abs(ratio - 0.1) < 0.005, `validation share ${ratio}`);
  assert.ok(c.vocab.tokens.every((t) => t === "\n" || t === "\t" || t.codePointAt(0)! >= 32));
  assert.ok(c.vocab.indexOf("%") >= 0);
});

Deno.test("stripControls names itself when the text is not a string", () => {
  assert.throws(() => stripControls(NaN as never), /stripControls: text must be a string, got NaN/);
});

Deno.test("fortunes names itself for a bad validationFraction or vocab before reading", async () => {
  await assert.rejects(
    () => fortunes({ dir: "/nonexistent/fortunes", validationFraction: 1 }),
    /^RangeError: fortunes: validationFraction must be a number in \[0, 0\.9\], got 1$/,
  );
  await assert.rejects(
    () => fortunes({ dir: "/nonexistent/fortunes", vocab: {} as never }),
    /^TypeError: fortunes: vocab must be a Vocabulary, got an object$/,
  );
});
