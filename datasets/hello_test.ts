import assert from "node:assert/strict";
import { helloSequence } from "./hello.ts";

Deno.test('helloSequence: vocabulary h e l o, x = "hell", y = "ello", one-hot inputs', () => {
  const { vocab, x, y, xOneHot } = helloSequence();
  assert.deepEqual(vocab.tokens, ["h", "e", "l", "o"]);
  assert.deepEqual(x.toArray(), [0, 1, 2, 2]);
  assert.deepEqual(y.toArray(), [1, 2, 2, 3]);
  assert.deepEqual(xOneHot.toArray(), [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]]);
  assert.equal(xOneHot.dtype, "float32");
});

Deno.test("helloSequence with an end token predicts it after the last character", () => {
  const { vocab, x, y } = helloSequence({ end: "□" });
  assert.deepEqual(vocab.tokens, ["h", "e", "l", "o", "□"]);
  assert.equal(vocab.decode(x), "hello");
  assert.equal(vocab.decode(y), "ello□");
  const bang = helloSequence({ text: "hello!" });
  assert.equal(bang.vocab.size, 5);
  assert.equal(bang.x.size, 5);
  assert.throws(() => helloSequence({ text: "h" }), /at least two characters/);
  assert.throws(() => helloSequence({ end: "l" }), /does not occur in the text/);
});
