import assert from "node:assert/strict";
import { ADDITION_VOCAB, additionTask } from "./addition_task.ts";

Deno.test("additionTask writes a+b= and the zero-padded sum", () => {
  const { x, y, vocab } = additionTask({ n: 500, digits: 4, seed: 1 });
  assert.equal(vocab, ADDITION_VOCAB);
  assert.deepEqual(vocab.tokens, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "="]);
  assert.deepEqual(x.shape, [500, 10]);
  assert.deepEqual(y.shape, [500, 5]);
  for (let i = 0; i < 500; i++) {
    const q = vocab.decode(x.slice(i));
    assert.match(q, /^\d{4}\+\d{4}=$/);
    const [a, b] = q.slice(0, -1).split("+").map(Number);
    assert.equal(vocab.decode(y.slice(i)), String(a + b).padStart(5, "0"));
  }
});

Deno.test("additionTask can write the sum least significant digit first", () => {
  const plain = additionTask({ n: 20, digits: 2, seed: 5 });
  const rev = additionTask({ n: 20, digits: 2, seed: 5, reverseOutput: true });
  assert.deepEqual(rev.x.toArray(), plain.x.toArray());
  const revRows = rev.y.toArray() as number[][];
  (plain.y.toArray() as number[][]).forEach((row, i) =>
    assert.deepEqual(revRows[i], [...row].reverse())
  );
  assert.throws(() => additionTask({ digits: 8 }), /digits must be an integer in \[1, 7\]/);
});
