import assert from "node:assert/strict";
import fc from "fast-check";
import { argmax, array, assertClose, type NDArray, randint, Rng, sub } from "@nnc/tensor";
import { noGrad } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { GPT, GPTState, type PositionalKind } from "./mod.ts";

const f64 = "float64" as const;

function model(positional: PositionalKind = "learned", blockSize = 24, seed = 0): GPT {
  return new GPT({
    vocabSize: 11,
    blockSize,
    dModel: 16,
    numHeads: 2,
    numLayers: 2,
    positional,
    dtype: f64,
    rng: new Rng(seed),
  }).eval();
}

/** Greedy continuation of `prompt` by `n` tokens through `step` (argmax of the logits). */
function greedy(gpt: GPT, prompt: number[][], n: number, useCache: boolean): number[][] {
  let state = gpt.initState({ useCache });
  let { logits } = gpt.step(prompt, state);
  const out = prompt.map((p) => [...p]);
  for (let i = 0; i < n; i++) {
    const next = Array.from(argmax(logits, { axis: -1 }).data);
    next.forEach((t, b) => out[b].push(t));
    ({ logits, state } = gpt.step(next.map((t) => [t]), state));
  }
  return out;
}

Deno.test("GPT: nanoGPT names, tied output weights, GPT-2 initialisation", () => {
  const gpt = new GPT({
    vocabSize: 11,
    blockSize: 8,
    dModel: 16,
    numHeads: 2,
    numLayers: 2,
    rng: new Rng(1),
  });
  const names = Object.keys(gpt.stateDict());
  assert.deepEqual(names.slice(0, 3), [
    "tok_emb.weight",
    "pos_emb.weight",
    "blocks.0.self_attn.in_proj_weight",
  ]);
  assert.deepEqual(names.slice(-2), ["ln_f.weight", "ln_f.bias"]);
  assert.ok(!names.some((n) => n.startsWith("head")), "tied: no separate head");
  const std = (a: NDArray) => Math.sqrt(a.square().mean().item());
  assert.ok(Math.abs(std(gpt.tokEmb.weight.data) - 0.02) < 0.003);
  assert.ok(
    Math.abs(std(gpt.blocks.at(1).linear2.weight.data) - 0.01) < 0.002,
    "residual projections 0.02/√(2L)",
  );
  // The output layer is the embedding: its gradient gets a share from the logits.
  crossEntropy(
    gpt.forward(randint(0, 11, [2, 5], { rng: new Rng(2) })).reshape(10, 11),
    randint(0, 11, [10]),
  ).backward();
  assert.ok(gpt.tokEmb.weight.grad!.data.abs().max().item() > 0);
  const untied = new GPT({
    vocabSize: 11,
    blockSize: 8,
    dModel: 16,
    numHeads: 2,
    numLayers: 1,
    tieWeights: false,
  });
  assert.ok(Object.keys(untied.stateDict()).includes("head.weight"));
});

Deno.test("GPT is causal: logits at position t ignore the tokens after t (property)", () => {
  fc.assert(
    fc.property(
      fc.constantFrom<PositionalKind>("learned", "sinusoidal", "rotary"),
      fc.integer({ min: 0, max: 8 }),
      fc.integer(),
      (kind, t, seed) => {
        const gpt = model(kind);
        const a = randint(0, 11, [1, 10], { rng: new Rng(seed) });
        const b = a.clone();
        for (let j = t + 1; j < 10; j++) b.data[j] = (a.data[j] + 1 + (seed & 3)) % 11;
        const [la, lb] = noGrad(() => [gpt.forward(a), gpt.forward(b)]);
        assertClose(la.data.slice(null, { stop: t + 1 }), lb.data.slice(null, { stop: t + 1 }), {
          rtol: 1e-12,
          atol: 1e-12,
        });
      },
    ),
    { numRuns: 20 },
  );
});

Deno.test("GPT generation with the KV cache produces exactly the tokens of full recomputation", () => {
  for (const kind of ["learned", "sinusoidal", "rotary"] as const) {
    const gpt = model(kind, 24, 3);
    const prompt = [[1, 2, 3, 4], [5, 5, 6, 0]];
    const cached = greedy(gpt, prompt, 16, true);
    const full = greedy(gpt, prompt, 16, false);
    assert.deepEqual(cached, full, kind);
    // And step by step the logits agree with one pass over the whole sequence.
    const seq = array(cached, { dtype: "int32" });
    const whole = noGrad(() => gpt.forward(seq.slice(null, { stop: 19 })));
    let state = gpt.initState();
    let last = gpt.step(seq.slice(null, { stop: 4 }), state);
    assertClose(last.logits, whole.data.slice(null, 3), { rtol: 1e-10, atol: 1e-12 });
    for (let t = 4; t < 19; t++) {
      last = gpt.step(seq.slice(null, { start: t, stop: t + 1 }), state);
      state = last.state;
      assertClose(last.logits, whole.data.slice(null, t), { rtol: 1e-10, atol: 1e-12 });
    }
  }
});

Deno.test("GPTState.select reorders the batch as beam search needs (cached and not)", () => {
  const gpt = model("learned", 16, 4);
  for (const useCache of [true, false]) {
    const state = gpt.initState({ useCache });
    gpt.step([[1, 2, 3], [4, 5, 6]], state);
    state.select([1, 1, 0]);
    const { logits } = gpt.step([[7], [8], [9]], state);
    const expect = noGrad(() =>
      gpt.forward(array([[4, 5, 6, 7], [4, 5, 6, 8], [1, 2, 3, 9]], { dtype: "int32" }))
    );
    assertClose(logits, expect.data.slice(null, 3), { rtol: 1e-10, atol: 1e-12 });
  }
});

Deno.test("GPT learns a repeating sequence (loss falls by plain gradient steps)", () => {
  const gpt = new GPT({
    vocabSize: 5,
    blockSize: 16,
    dModel: 16,
    numHeads: 2,
    numLayers: 1,
    rng: new Rng(5),
  });
  const seq = array([[0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0]], { dtype: "int32" });
  const x = seq.slice(null, { stop: 15 }),
    y = seq.slice(null, { start: 1 }).contiguous().reshape(15);
  const loss = () => crossEntropy(gpt.forward(x).reshape(15, 5), y);
  const first = noGrad(loss).item();
  for (let i = 0; i < 60; i++) {
    gpt.zeroGrad();
    loss().backward();
    for (const p of gpt.parameters()) p.data = sub(p.data, p.grad!.data.mul(0.5));
  }
  const last = noGrad(loss).item();
  assert.ok(first > 1.5 && last < 0.3, `loss ${first} → ${last}`);
});

Deno.test("GPT: errors name the model and the shapes", () => {
  const gpt = model("learned", 8);
  assert.throws(
    () => gpt.forward(array([[1, 2]], { dtype: "float32" })),
    /GPT\(vocabSize=11, blockSize=8\): tokens must be int32 \[N, T\], got float32 \[1, 2\]/,
  );
  assert.throws(
    () => gpt.forward(randint(0, 11, [1, 9])),
    /positions 0..8 \(tokens \[1, 9\]\) exceed blockSize 8/,
  );
  const state = gpt.initState();
  gpt.step([[1, 2, 3, 4, 5, 6]], state);
  assert.throws(
    () => gpt.step([[1, 2, 3]], state),
    /positions 6..8 \(tokens \[1, 3\] after 6 cached\) exceed blockSize 8/,
  );
  assert.throws(
    () => new GPT({ vocabSize: 5, blockSize: 8, dModel: 10, numHeads: 4 }),
    /GPT: dModel 10 must be divisible by numHeads 4/,
  );
  assert.throws(
    () => new GPT({ vocabSize: 5, blockSize: 8, positional: "alibi" as "learned" }),
    /positional must be one of "learned", "sinusoidal", "rotary"/,
  );
});

Deno.test("GPT.attentionMaps: per block and head, causal rows that sum to one", () => {
  const gpt = model("rotary", 16, 6);
  const maps = gpt.attentionMaps(array([[1, 2, 3, 4, 5]], { dtype: "int32" }));
  assert.equal(maps.length, 2);
  assert.deepEqual(maps[0].shape, [1, 2, 5, 5]);
  assertClose(
    maps[1].sum({ axis: -1 }),
    array([[[1, 1, 1, 1, 1], [1, 1, 1, 1, 1]]], { dtype: f64 }),
    { atol: 1e-12 },
  );
  assert.equal(maps[0].get(0, 1, 1, 2), 0);
});

Deno.test("GPT plugs into the shared sampling helpers: sample and beamSearch through decoder()", () => {
  const gpt = model("learned", 24, 7);
  const prompt = [1, 2, 3, 4];
  const cached = gpt.sample(prompt, { maxNewTokens: 12, greedy: true });
  const recomputed = gpt.sample(prompt, { maxNewTokens: 12, greedy: true, useCache: false });
  assert.deepEqual(cached, recomputed);
  assert.deepEqual(cached, greedy(gpt, [prompt], 12, true)[0].slice(4));
  // Sampled continuations are reproducible with a seed, and stay in the vocabulary.
  const a = gpt.sample(prompt, { maxNewTokens: 10, temperature: 0.9, topK: 5, seed: 3 });
  assert.deepEqual(a, gpt.sample(prompt, { maxNewTokens: 10, temperature: 0.9, topK: 5, seed: 3 }));
  assert.ok(a.every((t) => t >= 0 && t < 11));
  // Beam search (KV caches reordered between steps) never scores below greedy decoding.
  const [best] = gpt.beamSearch(prompt, { beamWidth: 4, maxLength: 8, lengthPenalty: 0 });
  const [greedyOnly] = gpt.beamSearch(prompt, { beamWidth: 1, maxLength: 8, lengthPenalty: 0 });
  assert.deepEqual(greedyOnly.tokens, cached.slice(0, 8));
  assert.ok(best.logProb >= greedyOnly.logProb - 1e-9);
});

Deno.test("GPT: every value before the logits goes back to the storage pool, results unchanged", async () => {
  const { emptyStoragePool, setStoragePoolLimit, storagePoolLimit, storagePoolStats } =
    await import(
      "@nnc/tensor"
    );
  const { tensor } = await import("@nnc/autograd");
  const tokens = randint(0, 32, [4, 64], { rng: new Rng(1) });
  const targets = tensor(randint(0, 32, [4 * 64], { rng: new Rng(2) }));
  // Three training steps: losses, gradients and the pool's releases.
  const run = (limit: number, wrapNorm: boolean) => {
    const before = storagePoolLimit();
    emptyStoragePool();
    setStoragePoolLimit(limit);
    try {
      const gpt = new GPT({
        vocabSize: 32,
        blockSize: 64,
        dModel: 128,
        numHeads: 4,
        numLayers: 2,
        dimFeedforward: 256,
        rng: new Rng(3),
      });
      if (wrapNorm) {
        // A replaced forward (a user's probe) may keep what it sees: GPT marks nothing of its own.
        const plain = gpt.lnF.forward.bind(gpt.lnF);
        gpt.lnF.forward = (t) => plain(t);
      }
      const losses: number[] = [], grads: number[][] = [];
      const start = storagePoolStats().releases;
      for (let s = 0; s < 3; s++) {
        gpt.zeroGrad();
        const loss = crossEntropy(gpt.forward(tokens).reshape(4 * 64, 32), targets);
        loss.backward();
        losses.push(loss.item());
        grads.push(...gpt.parameters().map((p) => Array.from(p.grad!.data.data)));
      }
      return { losses, grads, released: storagePoolStats().releases - start };
    } finally {
      emptyStoragePool();
      setStoragePoolLimit(before);
    }
  };
  const pooled = run(256 * 2 ** 20, false), plain = run(0, false);
  // A value released while the graph still needed it would throw, or come back overwritten.
  assert.deepEqual(pooled.losses, plain.losses);
  pooled.grads.forEach((g, i) => assert.deepEqual(g, plain.grads[i], `gradient ${i}`));
  // Per step: the embedding's rows and its sum with the positions, both blocks' outputs, the
  // final norm's output (the blocks' own intermediates are released either way).
  const unmarked = run(256 * 2 ** 20, true);
  assert.ok(
    pooled.released >= unmarked.released + 3 * 4,
    `${pooled.released}, ${unmarked.released}`,
  );
});

Deno.test("GPT.loss gives the logits' memory back to the pool, results bit for bit unchanged", async () => {
  const { emptyStoragePool, storagePoolStats } = await import("@nnc/tensor");
  const tokens = randint(0, 256, [4, 64], { rng: new Rng(1) });
  const targets = randint(0, 256, [4, 64], { rng: new Rng(2) }); // logits 256 KiB: poolable
  const run = (how: "loss" | "forward" | "wrapped") => {
    emptyStoragePool();
    const gpt = new GPT({
      vocabSize: 256,
      blockSize: 64,
      dModel: 32,
      numHeads: 2,
      numLayers: 1,
      tieWeights: false,
      rng: new Rng(3),
    });
    if (how === "wrapped") {
      // A replaced head (a user's probe) may keep the logits: then they stay unmarked.
      const plain = gpt.head!.forward.bind(gpt.head!);
      gpt.head!.forward = (t) => plain(t);
    }
    const start = storagePoolStats().releases;
    const loss = how === "forward"
      ? crossEntropy(gpt.forward(tokens).reshape(256, 256), targets.reshape(256))
      : gpt.loss(tokens, targets);
    loss.backward();
    const grads = gpt.parameters().map((p) => Array.from(p.grad!.data.data));
    return { loss: loss.item(), grads, released: storagePoolStats().releases - start };
  };
  const viaLoss = run("loss"), viaForward = run("forward"), wrapped = run("wrapped");
  assert.equal(viaLoss.loss, viaForward.loss);
  viaLoss.grads.forEach((g, i) => assert.deepEqual(g, viaForward.grads[i], `gradient ${i}`));
  assert.equal(viaLoss.released, viaForward.released + 1);
  assert.equal(wrapped.released, viaForward.released);
  emptyStoragePool();
});

Deno.test("GPT.loss: crossEntropy of the logits against [N, T] or [N·T] targets, its options, its errors", () => {
  const gpt = new GPT({
    vocabSize: 8,
    blockSize: 4,
    dModel: 16,
    numHeads: 2,
    numLayers: 1,
    rng: new Rng(4),
  });
  const x = randint(0, 8, [3, 4], { rng: new Rng(5) }),
    y = randint(0, 8, [3, 4], { rng: new Rng(6) });
  const logits = noGrad(() => gpt.forward(x)).reshape(12, 8);
  for (const options of [{}, { labelSmoothing: 0.1 }, { reduction: "sum" as const }]) {
    const want = crossEntropy(logits, y.reshape(12), options).item();
    assert.equal(gpt.loss(x, y, options).item(), want);
    assert.equal(gpt.loss(x, y.reshape(12), options).item(), want);
  }
  assert.throws(
    () => gpt.loss(x, y.astype("float32")),
    /GPT\(vocabSize=8, blockSize=4\)\.loss: targets must be int32/,
  );
  assert.throws(
    () => gpt.loss(x, y.reshape(4, 3)),
    /targets \[4, 3\] must be \[N, T\] or \[N·T\] for tokens \[3, 4\]/,
  );
  assert.throws(() => gpt.loss(x, y.reshape(12, 1)), /targets \[12, 1\] must be/);
});

Deno.test("GPT and GPTState: builder, sampling and state errors name the model", () => {
  assert.throws(
    () => new GPT({ vocabSize: 3, blockSize: 4, dtype: "float16" as "float32" }),
    /^TypeError: GPT: dtype must be "float32" or "float64", got "float16"/,
  );
  assert.throws(
    () => new GPT({ vocabSize: 1, blockSize: 2 ** 31 }),
    /^RangeError: GPT: blockSize × dModel = 2147483648 × 128 exceeds 2\^31-1 weights/,
  );
  const gpt = model("learned", 8);
  assert.throws(
    () => gpt.sample([1], { maxNewTokens: -1 }),
    /^RangeError: GPT.sample: maxNewTokens must be an integer >= 0, got -1/,
  );
  assert.throws(() => new GPTState(2 ** 31, true), /^RangeError: GPTState: numLayers must be/);
  assert.throws(
    () => gpt.initState().advance(undefined as unknown as NDArray),
    /^TypeError: GPTState.advance: tokens must be an int32 NDArray/,
  );
});
