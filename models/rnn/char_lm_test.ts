import assert from "node:assert/strict";
import { array, NDArray, Rng, softmax } from "@nnc/tensor";
import { gradients, noGrad, type Tensor } from "@nnc/autograd";
import { crossEntropy, type LSTM } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { helloSequence } from "@nnc/datasets";
import { CharLM, detachState, type RecurrentState } from "./mod.ts";

const row = (ids: ArrayLike<number>) => NDArray.fromTyped(Int32Array.from(ids), [1, ids.length]);

function trainHello(cell: "rnn" | "lstm", seed: number): { lm: CharLM; probs: number[][] } {
  const { x, y, vocab } = helloSequence({ end: "□" });
  const lm = new CharLM({
    vocabSize: vocab.size,
    cell,
    oneHot: true,
    hiddenSize: 8,
    numLayers: 1,
    bias: cell === "lstm",
    rng: new Rng(seed),
  });
  const opt = new Adam(lm.parameters(), { lr: 0.05 });
  const xs = x.reshape(1, x.size), ys = y.reshape(y.size);
  for (let step = 0; step < 150; step++) {
    opt.zeroGrad();
    const [logits] = lm.forward(xs);
    crossEntropy(logits.reshape(ys.size, vocab.size), ys).backward();
    opt.step();
  }
  const [logits] = noGrad(() => lm.forward(xs));
  return { lm, probs: softmax(logits.data.reshape(ys.size, vocab.size)).toArray() as number[][] };
}

Deno.test("the lecture's 'hello' network: after 'hell' the next letter is 'o' (RNN and LSTM)", () => {
  // spec: 001-004/B4.8
  // Vocabulary h, e, l, o, □; one-hot inputs; s_t = tanh(U x_t + W s_{t−1}) without biases and
  // y_t = softmax(V s_t) (the notes' y_4 ≈ [0.05, 0.01, 0, 0.95, 0]: "o" after "hell").
  for (const cell of ["rnn", "lstm"] as const) {
    const { lm, probs } = trainHello(cell, 1);
    const o = 3, end = 4;
    assert.ok(probs[3][o] > 0.9, `${cell}: p(o | hell) = ${probs[3][o]}`);
    assert.ok(probs[4][end] > 0.9, `${cell}: p(□ | hello) = ${probs[4][end]}`);
    // "l" after "he" and after "hel": the state tells the two l's apart.
    assert.ok(probs[1][2] > 0.9 && probs[2][2] > 0.9, `${cell}: ${probs[1]} ${probs[2]}`);
    // Greedy generation from "h" spells the word.
    assert.deepEqual(lm.sample([0], { maxNewTokens: 6, greedy: true, eos: end }), [1, 2, 2, 3, 4]);
    if (cell === "rnn") {
      assert.deepEqual(lm.namedParameters().map(([n]) => n), [
        "rnn.weight_ih_l0",
        "rnn.weight_hh_l0",
        "head.weight",
      ]);
    }
  }
});

Deno.test("CharLM is embedding → recurrent stack → linear, with PyTorch-style names", () => {
  const lm = new CharLM({
    vocabSize: 7,
    hiddenSize: 5,
    numLayers: 2,
    embeddingDim: 3,
    dtype: "float64",
    rng: new Rng(2),
  });
  assert.deepEqual(Object.keys(lm.stateDict()).slice(0, 3), [
    "embedding.weight",
    "rnn.weight_ih_l0",
    "rnn.weight_hh_l0",
  ]);
  const tokens = row([1, 4, 6, 0]);
  const [logits, [h, c]] = lm.forward(tokens) as [Tensor, [Tensor, Tensor]];
  const emb = lm.embedding!.forward(tokens);
  const [out, [h2, c2]] = (lm.rnn as LSTM).forward(emb);
  const manual = lm.head.forward(out);
  assert.deepEqual(logits.toArray(), manual.toArray());
  assert.deepEqual(h.toArray(), h2.toArray());
  assert.deepEqual(c.toArray(), c2.toArray());
  assert.equal(logits.shape.join(), "1,4,7");
});

Deno.test("truncated BPTT: a detached state carries values but stops gradients", () => {
  const lm = new CharLM({
    vocabSize: 5,
    hiddenSize: 4,
    numLayers: 1,
    cell: "gru",
    dtype: "float64",
    rng: new Rng(3),
  });
  const a = row([1, 2, 3]), b = row([4, 0, 1]);
  const [, state] = lm.forward(a);
  const carried = detachState(state);
  const [logitsB] = lm.forward(b, carried);
  // The values equal reading the two chunks as one sequence.
  const [whole] = lm.forward(row([1, 2, 3, 4, 0, 1]));
  for (let t = 0; t < 3; t++) {
    for (let v = 0; v < 5; v++) {
      assert.ok(Math.abs(logitsB.get(0, t, v) - whole.get(0, t + 3, v)) < 1e-12);
    }
  }
  // The gradient of chunk b reaches the embeddings of chunk b's tokens only.
  const [g] = gradients(logitsB.sum(), [lm.embedding!.weight]);
  const rows = g!.toArray() as number[][];
  assert.deepEqual(rows[2], new Array(rows[2].length).fill(0));
  assert.deepEqual(rows[3], new Array(rows[3].length).fill(0));
  assert.ok(rows[4].some((v) => v !== 0));
  assert.equal((carried as Tensor).requiresGrad, false);
});

Deno.test("CharLM.decoder feeds one token per sequence; select reorders the batch's state", () => {
  const lm = new CharLM({
    vocabSize: 6,
    hiddenSize: 4,
    numLayers: 2,
    dtype: "float64",
    rng: new Rng(4),
  });
  const dec = lm.decoder();
  const first = dec.step(Int32Array.of(1, 2), null);
  const second = dec.step(Int32Array.of(3, 3), first.state);
  const [full] = lm.forward(array([[1, 3], [2, 3]], { dtype: "int32" }));
  const l = second.logits as NDArray;
  for (let b = 0; b < 2; b++) {
    for (let v = 0; v < 6; v++) assert.ok(Math.abs(l.get(b, v) - full.get(b, 1, v)) < 1e-12);
  }
  const swapped = dec.select(first.state, Int32Array.of(1, 0));
  const again = dec.step(Int32Array.of(3, 3), swapped).logits as NDArray;
  assert.ok(Math.abs(again.get(0, 2) - l.get(1, 2)) < 1e-12);
  assert.equal((first.state as RecurrentState as Tensor[])[0].requiresGrad, false);
  // Seeded sampling is reproducible.
  assert.deepEqual(
    lm.sample([1, 2], { maxNewTokens: 8, seed: 5 }),
    lm.sample([1, 2], { maxNewTokens: 8, seed: 5 }),
  );
});

Deno.test("CharLM rejects bad options and inputs, naming the model", () => {
  assert.throws(
    () => new CharLM({ vocabSize: 0 }),
    /CharLM: vocabSize must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => new CharLM({ vocabSize: 3, cell: "tcn" as "rnn" }),
    /cell must be "rnn", "lstm" or "gru"/,
  );
  const lm = new CharLM({ vocabSize: 3, hiddenSize: 2, numLayers: 1 });
  assert.throws(() => lm.forward(array([[0.5, 1]])), /tokens must be int32 \[batch, steps\]/);
  assert.throws(
    () => lm.sample([], { maxNewTokens: 2 }),
    /the prompt must hold at least one token/,
  );
  assert.throws(
    () => lm.sample([3], { maxNewTokens: 2 }),
    /prompt token 3 is outside the vocabulary of 3/,
  );
});

Deno.test("detachState names itself when the state is not a Tensor or a pair of Tensors", () => {
  assert.throws(
    () => detachState((() => 0) as never),
    /detachState: state must be a Tensor h or a pair \[h, c\] of Tensors, got a function/,
  );
  assert.throws(() => detachState([1, 2] as never), /detachState: state must be a Tensor h/);
});
