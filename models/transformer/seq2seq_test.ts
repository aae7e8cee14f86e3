import assert from "node:assert/strict";
import { argmax, array, assertClose, randint, Rng } from "@nnc/tensor";
import { noGrad } from "@nnc/autograd";
import { Seq2SeqTransformer } from "./mod.ts";

const f64 = "float64" as const;

function model(seed = 0): Seq2SeqTransformer {
  return new Seq2SeqTransformer({
    srcVocabSize: 9,
    tgtVocabSize: 7,
    dModel: 16,
    nhead: 2,
    dimFeedforward: 32,
    padIdx: 0,
    dtype: f64,
    rng: new Rng(seed),
  }).eval();
}

Deno.test("Seq2SeqTransformer: PyTorch-tutorial names and teacher-forced logits", () => {
  const m = model();
  const keys = Object.keys(m.stateDict());
  assert.deepEqual(keys.slice(0, 2), ["src_tok_emb.weight", "tgt_tok_emb.weight"]);
  assert.ok(keys.includes("transformer.encoder.layers.1.self_attn.in_proj_weight"));
  assert.ok(keys.includes("transformer.decoder.norm.weight") && keys.at(-1) === "generator.bias");
  assert.deepEqual(m.forward(randint(1, 9, [3, 6]), randint(1, 7, [3, 4])).shape, [3, 4, 7]);
});

Deno.test("Seq2SeqTransformer: padded source positions do not change the output", () => {
  const m = model(1);
  const a = array([[3, 4, 5, 0, 0], [6, 7, 8, 2, 1]], { dtype: "int32" });
  const b = array([[3, 4, 5, 0, 0], [6, 7, 8, 2, 1]], { dtype: "int32" });
  const tgt = array([[1, 2, 3], [1, 4, 5]], { dtype: "int32" });
  const la = noGrad(() => m.forward(a, tgt));
  b.data[3] = 0; // still padding: same tokens
  const emb = m.srcTokEmb.weight.data;
  emb.data.set(emb.data.subarray(16, 32), 0); // change the pad row's embedding
  const lb = noGrad(() => m.forward(b, tgt));
  assertClose(lb.data.slice(0), la.data.slice(0), { rtol: 1e-12, atol: 1e-12 });
});

Deno.test("Seq2SeqTransformer: cached step-by-step decoding equals the teacher-forced pass", () => {
  const m = model(2);
  const src = array([[3, 4, 5, 6, 0], [8, 7, 6, 5, 4]], { dtype: "int32" });
  const tgt = array([[1, 3, 4, 5, 2], [1, 6, 6, 2, 2]], { dtype: "int32" });
  const full = noGrad(() => m.forward(src, tgt));
  const state = m.initState(src);
  for (let t = 0; t < 5; t++) {
    const { logits } = m.step(tgt.slice(null, { start: t, stop: t + 1 }), state);
    assertClose(logits, full.data.slice(null, t), { rtol: 1e-10, atol: 1e-12 });
  }
  assert.equal(state.length, 5);
  // Beam reordering: continue batch entry 1 twice.
  state.select([1, 1]);
  assert.deepEqual(state.memory.shape, [2, 5, 16]);
  assert.deepEqual(Array.from(state.memoryKeyPaddingMask!.data), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("Seq2SeqTransformer: errors name the model and the shapes", () => {
  const m = model();
  assert.throws(
    () => m.forward(array([[1, 2]], { dtype: "float32" }), array([[1]], { dtype: "int32" })),
    /Seq2SeqTransformer: src must be int32 tokens \[N, L\], got float32 \[1, 2\]/,
  );
  assert.throws(
    () => m.forward(randint(1, 9, [2, 3]), randint(1, 7, [3, 3])),
    /src \[2, 3\] and tgtIn \[3, 3\] differ in batch size/,
  );
  assert.throws(
    () => new Seq2SeqTransformer({ srcVocabSize: 5, tgtVocabSize: 5, padIdx: 7 }),
    /padIdx must be an integer in \[0, 4\], got 7/,
  );
});

Deno.test("Seq2SeqTransformer.crossAttentionMaps: rows sum to one and padded sources get nothing", () => {
  const m = model(3);
  const src = array([[3, 4, 5, 0], [6, 7, 8, 5]], { dtype: "int32" });
  const maps = m.crossAttentionMaps(src, array([[1, 3, 4], [1, 2, 2]], { dtype: "int32" }));
  assert.equal(maps.length, 2);
  assert.deepEqual(maps[0].shape, [2, 2, 3, 4]);
  assertClose(maps[0].sum({ axis: -1 }).reshape(12), new Array(12).fill(1), { atol: 1e-12 });
  assert.equal(maps[1].slice(0, null, null, 3).abs().max().item(), 0);
});

Deno.test("Seq2SeqTransformer.translate: greedy through the shared helpers, and beam search", () => {
  const m = model(4);
  const src = array([[3, 4, 5, 6], [8, 7, 6, 5]], { dtype: "int32" });
  const out = m.translate(src, { bos: 1, maxLength: 5 });
  // The same tokens by hand: argmax of each step's logits.
  const state = m.initState(src);
  let tokens = [[1], [1]];
  const byHand: number[][] = [[], []];
  for (let t = 0; t < 5; t++) {
    const { logits } = m.step(tokens, state);
    tokens = [0, 1].map((b) => [argmax(logits.slice(b)).item()]);
    tokens.forEach(([v], b) => byHand[b].push(v));
  }
  assert.deepEqual(out, byHand);
  const beams = m.translate(src, { bos: 1, maxLength: 5, beamWidth: 3 });
  assert.equal(beams.length, 2);
  assert.ok(beams.every((b) => b.length === 5 && b.every((t) => t >= 0 && t < 7)));
});
