import assert from "node:assert/strict";
import fc from "fast-check";
import { array, randn, Rng } from "@nnc/tensor";
import {
  beamSearch,
  CharLM,
  type Decoder,
  generate,
  sampleNext,
  samplingDistribution,
  sequenceLogProb,
} from "./mod.ts";

const f64 = { dtype: "float64" as const };

/** A Markov decoder: logits of the next token depend on the previous token only (a table). */
function markov(table: number[][]): Decoder<null> {
  return {
    step: (tokens) => ({ logits: array([...tokens].map((t) => table[t]), f64), state: null }),
    select: () => null,
  };
}

/** A decoder whose logits depend on the whole prefix (its state), so beams really differ. */
function prefixDecoder(seed: number, V: number): Decoder<number[]> {
  const logitsOf = (h: number) => {
    const rng = new Rng(h >>> 0);
    return Array.from({ length: V }, () => rng.normal() * 2);
  };
  return {
    step: (tokens, hashes) => {
      const next = [...tokens].map((t, b) =>
        Math.imul((hashes[b] ?? seed) ^ (t + 1), 0x9e3779b1) >>> 0
      );
      return { logits: array(next.map(logitsOf), f64), state: next };
    },
    select: (hashes, rows) => [...rows].map((r) => hashes[r]),
  };
}

Deno.test("samplingDistribution: temperature, top-k and top-p as their definitions", () => {
  const logits = array([Math.log(0.5), Math.log(0.25), Math.log(0.15), Math.log(0.1)], f64);
  const near = (a: number[], b: number[]) =>
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12, `${a} vs ${b}`));
  near(samplingDistribution(logits)[0], [0.5, 0.25, 0.15, 0.1]);
  // Temperature 0.5 squares the probabilities (then renormalises).
  const sq = [0.25, 0.0625, 0.0225, 0.01], z = sq.reduce((a, b) => a + b);
  near(samplingDistribution(logits, { temperature: 0.5 })[0], sq.map((v) => v / z));
  near(samplingDistribution(logits, { topK: 2 })[0], [2 / 3, 1 / 3, 0, 0]);
  // The nucleus of 0.8 is {0.5, 0.25, 0.15} (0.75 is not enough).
  near(samplingDistribution(logits, { topP: 0.8 })[0], [0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0]);
  near(samplingDistribution(logits, { greedy: true })[0], [1, 0, 0, 0]);
  assert.throws(
    () => sampleNext(logits, { temperature: 0 }),
    /temperature must be a finite number > 0, got 0/,
  );
  assert.throws(() => sampleNext(logits, { topP: 1.5 }), /topP must be in \(0, 1\]/);
  assert.throws(
    () => sampleNext(array([[[1]]])),
    /logits must be \[V\] or \[B, V\], got \[1, 1, 1\]/,
  );
});

Deno.test("sampleNext draws with the frequencies of samplingDistribution (seeded)", () => {
  const logits = array([[1, 0.5, -1, 2, 0]], f64);
  for (const opts of [{}, { temperature: 2 }, { topK: 3 }, { topP: 0.7 }]) {
    const p = samplingDistribution(logits, opts)[0];
    const rng = new Rng(4);
    const counts = new Array(5).fill(0), n = 20000;
    for (let i = 0; i < n; i++) counts[sampleNext(logits, { ...opts, rng })[0]]++;
    counts.forEach((c, j) => {
      const sd = Math.sqrt(n * p[j] * (1 - p[j]));
      assert.ok(
        Math.abs(c - n * p[j]) <= 5 * sd + 1e-9,
        `${JSON.stringify(opts)} token ${j}: ${c} vs ${n * p[j]}`,
      );
    });
  }
  // Same seed, same draws.
  assert.deepEqual(sampleNext(logits, { seed: 3 }), sampleNext(logits, { seed: 3 }));
});

Deno.test("generate: the notes' seed → sample → append loop, stopping at eos per sequence", () => {
  // 0 → 1 → 2 → 0 …; from 2 the end token 3 is the most likely.
  const table = [[0, 9, 0, 0], [0, 0, 9, 0], [0, 0, 0, 9], [9, 0, 0, 0]];
  const out = generate(markov(table), Int32Array.of(0, 1), null, {
    maxNewTokens: 6,
    greedy: true,
    eos: 3,
  });
  assert.deepEqual(out, [[1, 2, 3], [2, 3]]);
  assert.deepEqual(generate(markov(table), [0], null, { maxNewTokens: 2, greedy: true }), [[1, 2]]);
  assert.throws(
    () => generate(markov(table), [], null, { maxNewTokens: 2 }),
    /one token per sequence, got none/,
  );
  assert.throws(
    () => generate({} as Decoder<null>, [0], null, { maxNewTokens: 1 }),
    /decoder must be an object with step/,
  );
});

Deno.test("beamSearch: width 1 is greedy; a wide beam finds the best sequence of an exhaustive search", () => {
  const dec = prefixDecoder(11, 3);
  const greedy = generate(dec, [0], [], { maxNewTokens: 4, greedy: true })[0];
  const [one] = beamSearch(dec, 0, [], { beamWidth: 1, maxLength: 4, lengthPenalty: 0 });
  assert.deepEqual(one.tokens, greedy);
  // Every sequence of 4 tokens over 3 symbols: 81 candidates.
  let best = -Infinity, arg: number[] = [];
  for (let k = 0; k < 81; k++) {
    const seq = [0, 1, 2, 3].map((i) => Math.floor(k / 3 ** i) % 3);
    const lp = sequenceLogProb(dec, 0, [], seq).logProb;
    if (lp > best) [best, arg] = [lp, seq];
  }
  const [wide] = beamSearch(dec, 0, [], { beamWidth: 81, maxLength: 4, lengthPenalty: 0 });
  assert.deepEqual(wide.tokens, arg);
  assert.ok(Math.abs(wide.logProb - best) < 1e-12);
  // The notes' form: k hypotheses, each expanded by m, pruned back to k.
  const hyps = beamSearch(dec, 0, [], {
    beamWidth: 3,
    candidatesPerBeam: 2,
    maxLength: 2,
    lengthPenalty: 0,
  });
  assert.equal(hyps.length, 3);
  for (const h of hyps) {
    assert.ok(Math.abs(h.logProb - sequenceLogProb(dec, 0, [], h.tokens).logProb) < 1e-12);
  }
});

Deno.test("beam search of width 5 never scores below greedy decoding (random decoders)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e6 }),
      fc.integer({ min: 2, max: 30 }),
      fc.integer({ min: 1, max: 12 }),
      fc.constantFrom(0, 0.6, 1),
      (seed, V, maxLength, alpha) => {
        const dec = prefixDecoder(seed, V);
        const eos = seed % V;
        const greedy = generate(dec, [0], [], { maxNewTokens: maxLength, greedy: true, eos })[0];
        const g = sequenceLogProb(dec, 0, [], greedy, { lengthPenalty: alpha }).score;
        const [best] = beamSearch(dec, 0, [], {
          beamWidth: 5,
          maxLength,
          eos,
          lengthPenalty: alpha,
        });
        assert.ok(best.score >= g - 1e-12, `beam ${best.score} < greedy ${g}`);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("without keepGreedy a pruned greedy path can beat the beam (why the option exists)", () => {
  // Found by search: plain beam search (width 5) ends below greedy on this decoder.
  const dec = prefixDecoder(49, 27);
  const greedy = generate(dec, [0], [], { maxNewTokens: 12, greedy: true, eos: 22 })[0];
  const g = sequenceLogProb(dec, 0, [], greedy, { lengthPenalty: 0 }).score;
  const opts = { beamWidth: 5, maxLength: 12, eos: 22, lengthPenalty: 0 };
  const [plain] = beamSearch(dec, 0, [], { ...opts, keepGreedy: false });
  const [kept] = beamSearch(dec, 0, [], opts);
  assert.ok(plain.score < g - 1);
  assert.ok(kept.score >= g);
});

Deno.test("beam search of width 5 never scores below greedy decoding (random language models)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e6 }),
      fc.constantFrom("rnn", "lstm", "gru" as const),
      (seed, cell) => {
        const lm = new CharLM({
          vocabSize: 6,
          hiddenSize: 8,
          numLayers: 1,
          embeddingDim: 4,
          cell,
          rng: new Rng(seed),
        });
        // Sharpen the read-out so that the model has strong, prefix-dependent preferences.
        lm.head.weight.data = randn(lm.head.weight.shape, { rng: new Rng(seed + 1), std: 3 });
        const opts = { maxLength: 6, eos: 5, lengthPenalty: 1 };
        const greedy = lm.sample([0, 1], { maxNewTokens: 6, greedy: true, eos: 5 });
        const dec = lm.decoder();
        const [, primed] = lm.forward(array([[0]], { dtype: "int32" }));
        const g = sequenceLogProb(dec, 1, primed, greedy).score;
        const [best] = lm.beamSearch([0, 1], { ...opts, beamWidth: 5 });
        assert.ok(best.score >= g - 1e-6, `beam ${best.score} < greedy ${g}`);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("beamSearch checks its arguments", () => {
  const dec = markov([[0, 1], [1, 0]]);
  assert.throws(
    () => beamSearch(dec, 0, null, {} as { maxLength: number }),
    /maxLength must be an integer >= 1/,
  );
  assert.throws(
    () => beamSearch(dec, 0, null, { maxLength: 2, beamWidth: 0 }),
    /beamWidth must be an integer >= 1, got 0/,
  );
  assert.throws(() => sequenceLogProb(dec, 0, null, [5]), /token 5 is outside the vocabulary of 2/);
});
