import assert from "node:assert/strict";
import fc from "fast-check";
import { array, NDArray, randn, Rng } from "@nnc/tensor";
import { gradcheck, noGrad, type Tensor } from "@nnc/autograd";
import { crossEntropy, functionalCall } from "@nnc/layers";
import { generate, Seq2Seq, type Seq2SeqOptions, sequenceLogProb } from "./mod.ts";

const i32 = (rows: number[][]) => array(rows, { dtype: "int32" });
const small = (o: Partial<Seq2SeqOptions> = {}): Seq2Seq =>
  new Seq2Seq({
    sourceVocab: 7,
    targetVocab: 6,
    embeddingDim: 3,
    hiddenSize: 4,
    dtype: "float64",
    rng: new Rng(1),
    ...o,
  });

Deno.test("Seq2Seq: teacher forcing equals stepping the decoder with <s> and the true tokens", () => {
  for (const attention of ["bahdanau", "luong", "none"] as const) {
    for (const cell of ["gru", "lstm"] as const) {
      const m = small({ attention, cell });
      const src = i32([[3, 4, 5, 6], [6, 5, 0, 0]]), tgt = i32([[3, 4, 2], [5, 2, 0]]);
      const { logits, attention: att } = m.forward(src, tgt, { sourceLengths: [4, 2] });
      let state = m.encode(src, [4, 2]);
      const prev = [[1, 1], [3, 5], [4, 2]];
      for (let t = 0; t < 3; t++) {
        const r = m.step(NDArray.fromTyped(Int32Array.from(prev[t])), state);
        state = r.state;
        for (let b = 0; b < 2; b++) {
          for (let v = 0; v < 6; v++) {
            assert.ok(Math.abs(r.logits.get(b, v) - logits.get(b, t, v)) < 1e-14);
          }
        }
      }
      if (attention === "none") assert.equal(att, null);
      else {
        // Weights are a distribution over the valid source positions only.
        assert.equal(att!.shape.join(), "2,3,4");
        assert.equal(att!.get(1, 2, 2), 0);
        assert.ok(Math.abs(att!.get(1, 1, 0) + att!.get(1, 1, 1) - 1) < 1e-12);
      }
    }
  }
});

Deno.test("Seq2Seq: scheduled sampling with probability 0 feeds back the model's own greedy choices", () => {
  const m = small();
  const src = i32([[3, 4, 5]]), tgt = i32([[5, 5, 5, 5]]);
  const { logits } = m.forward(src, tgt, { teacherForcing: 0, rng: new Rng(0) });
  const greedy = m.translate(src, { maxLength: 4 })[0];
  // Along the greedy path the argmax of each step is the token fed to the next.
  const choices = [0, 1, 2, 3].map((t) => {
    let best = 0;
    for (let v = 1; v < 6; v++) if (logits.get(0, t, v) > logits.get(0, t, best)) best = v;
    return best;
  });
  const upTo = greedy.length < 4 ? greedy.length + 1 : 4; // translate stops at </s> (2)
  assert.deepEqual(choices.slice(0, upTo), [...greedy, 2].slice(0, upTo));
  assert.throws(
    () => m.forward(src, tgt, { teacherForcing: 1.5 }),
    /teacherForcing must be a probability in \[0, 1\]/,
  );
});

Deno.test("Seq2Seq: gradcheck through the attention and read-out parameters, both modes", () => {
  for (const attention of ["bahdanau", "luong"] as const) {
    const m = small({
      attention,
      cell: attention === "luong" ? "lstm" : "gru",
      hiddenSize: 2,
      embeddingDim: 2,
    });
    const names = m.namedParameters().map(([n]) => n).filter((n) =>
      n.startsWith("attention.") || n.startsWith("out.") || n.startsWith("bridge")
    );
    const params = new Map(m.namedParameters());
    const src = i32([[3, 4, 5], [6, 3, 0]]), tgt = i32([[3, 2], [4, 2]]);
    const fn = (...ps: Tensor[]) => {
      const swap = Object.fromEntries(names.map((n, i) => [n, ps[i]]));
      const { logits } = functionalCall(m, swap, src, tgt, { sourceLengths: [3, 2] });
      return crossEntropy(logits.reshape(4, 6), tgt.reshape(4));
    };
    const inputs = names.map((n) => params.get(n)!.detach().requiresGrad_(true));
    const report = gradcheck(fn, inputs, { mode: "both", raise: false });
    assert.ok(report.ok, `${attention}: ${report.message}`);
  }
});

Deno.test("Seq2Seq: beam search of width 5 never scores below greedy decoding (random models)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e6 }),
      fc.constantFrom("bahdanau", "luong", "none" as const),
      (seed, attention) => {
        const m = new Seq2Seq({
          sourceVocab: 9,
          targetVocab: 12,
          embeddingDim: 4,
          hiddenSize: 6,
          attention,
          rng: new Rng(seed),
        });
        m.out.weight.data = randn(m.out.weight.shape, { rng: new Rng(seed + 1), std: 2 });
        const src = i32([[3, 4, 5, 6, 7]]);
        const greedy = m.translate(src, { maxLength: 8 })[0];
        const full = greedy.length < 8 ? [...greedy, 2] : greedy;
        const dec = m.decoder();
        const init = noGrad(() => m.encode(src));
        const g = sequenceLogProb(dec, 1, init, full).score;
        const [best] = m.beamSearch(src, { beamWidth: 5, maxLength: 8 });
        assert.ok(best.score >= g - 1e-5, `beam ${best.score} < greedy ${g}`);
        // translate() with a beam returns that best hypothesis.
        assert.deepEqual(
          m.translate(src, { maxLength: 8, beamWidth: 5 })[0],
          best.tokens.filter((t, i, a) => !(t === 2 && i === a.length - 1)),
        );
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("Seq2Seq: generate() over its decoder matches greedy translate", () => {
  const m = small();
  const src = i32([[3, 4, 5], [5, 6, 0]]);
  const init = noGrad(() => m.encode(src, [3, 2]));
  const out = generate(m.decoder(), [1, 1], init, { maxNewTokens: 5, greedy: true, eos: 2 });
  const strip = (t: number[]) => (t[t.length - 1] === 2 ? t.slice(0, -1) : t);
  assert.deepEqual(out.map(strip), m.translate(src, { sourceLengths: [3, 2], maxLength: 5 }));
});

Deno.test("Seq2Seq rejects bad options and inputs, naming the model and the values", () => {
  assert.throws(
    () => new Seq2Seq({ sourceVocab: 5, targetVocab: 0 }),
    /Seq2Seq: targetVocab must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => new Seq2Seq({ sourceVocab: 5, targetVocab: 2 }),
    /Seq2Seq: eos \(a target token id\) must be an integer in \[0, 1\], got 2/,
  );
  assert.throws(
    () => new Seq2Seq({ sourceVocab: 5, targetVocab: 5, attention: "dot" as "luong" }),
    /Seq2Seq: attention must be one of "bahdanau", "luong", "none", got "dot"/,
  );
  const m = small();
  assert.throws(
    () => m.forward(i32([[9]]), i32([[1]])),
    /source token 9 is outside the vocabulary of 7/,
  );
  assert.throws(
    () => m.forward(i32([[1], [2]]), i32([[1]])),
    /source has 2 sequences but target has 1/,
  );
  assert.throws(() => m.encode(i32([[1, 2]]), [3]), /lengths\[0\] is 3/);
});
