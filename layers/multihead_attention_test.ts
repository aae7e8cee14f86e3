import assert from "node:assert/strict";
import fc from "fast-check";
import { array, assertClose, Rng, zeros } from "@nnc/tensor";
import { concat, gradcheck, noGrad, randn, Tensor } from "@nnc/autograd";
import {
  causalMask,
  functionalCall,
  KVCache,
  MultiheadAttention,
  RotaryEmbedding,
  TransformerEncoderLayer,
} from "./mod.ts";

const f64 = "float64" as const;

function mha(e = 8, h = 2, options = {}): MultiheadAttention {
  const m = new MultiheadAttention(e, h, { dtype: f64, rng: new Rng(7), ...options });
  // Non-zero biases, so that mistakes in them show.
  for (const p of m.parameters()) {
    p.data = randn(p.shape, { rng: new Rng(p.size), dtype: f64 }).data.mul(0.5);
  }
  return m;
}

Deno.test("MultiheadAttention: PyTorch's parameters, shapes, initialisation and repr", () => {
  const m = new MultiheadAttention(8, 2, { rng: new Rng(0) });
  assert.deepEqual(Object.keys(m.stateDict()), [
    "in_proj_weight",
    "in_proj_bias",
    "out_proj.weight",
    "out_proj.bias",
  ]);
  assert.equal(m.inProjBias!.data.abs().max().item(), 0);
  assert.equal(m.outProj.bias!.data.abs().max().item(), 0);
  // Xavier uniform on [24, 8]: bound √(6 / 32).
  assert.ok(m.inProjWeight!.data.abs().max().item() <= Math.sqrt(6 / 32));
  const sep = new MultiheadAttention(8, 4, { kdim: 6, vdim: 5, addBiasKV: true, bias: false });
  assert.deepEqual(
    sep.namedParameters().map(([k, p]) => `${k}:${p.shape.join("x")}`),
    [
      "q_proj_weight:8x8",
      "k_proj_weight:8x6",
      "v_proj_weight:8x5",
      "bias_k:1x1x8",
      "bias_v:1x1x8",
      "out_proj.weight:8x8",
    ],
  );
  assert.ok(String(m).includes("embedDim=8, numHeads=2"));
});

Deno.test("MultiheadAttention: errors name the layer and the shapes", () => {
  assert.throws(
    () => new MultiheadAttention(10, 3),
    /MultiheadAttention: embedDim 10 must be divisible by numHeads 3/,
  );
  assert.throws(() => new MultiheadAttention(8, 0), /numHeads must be an integer >= 1, got 0/);
  assert.throws(
    () => new MultiheadAttention(8, 2, { dropout: 1.5 }),
    /dropout must be a number in \[0, 1\]/,
  );
  const m = mha();
  const x = randn([5, 2, 8], { dtype: f64 });
  assert.throws(
    () => m.forward(x, x, x, { attnMask: zeros([3, 4]) }),
    /MultiheadAttention\(embedDim=8, numHeads=2\): attnMask must be \[L, S\] = \[5, 5\] or \[N·numHeads, L, S\] = \[4, 5, 5\], got \[3, 4\]/,
  );
  assert.throws(
    () => m.forward(x, x, x, { keyPaddingMask: zeros([5, 2]) }),
    /keyPaddingMask must be \[2, 5\], got \[5, 2\]/,
  );
  assert.throws(
    () => m.forward(x, x, x, { attnMask: array([[0, 3]], { dtype: "int32" }) }),
    /attnMask is an int32 \(boolean\) mask and must hold 0 and 1 only, got 3/,
  );
  assert.throws(
    () => m.forward(x, x, x, { attnMask: [[0]] as unknown as Tensor }),
    /attnMask must be an NDArray or a Tensor, got an array of length 1/,
  );
  assert.throws(
    () => m.forward(randn([5, 2, 6], { dtype: f64 }), x, x),
    /expected query \[L, N, E\] or \[L, E\] with E = 8/,
  );
  assert.throws(
    () => m.forward(x, randn([5, 3, 8], { dtype: f64 }), randn([5, 3, 8], { dtype: f64 })),
    /batch sizes or key\/value lengths differ/,
  );
});

Deno.test("MultiheadAttention: isCausal equals a causal mask, and the fused path the composed one", () => {
  const m = mha();
  const x = randn([6, 3, 8], { rng: new Rng(1), dtype: f64 });
  const g = randn([6, 3, 8], { rng: new Rng(2), dtype: f64 });
  const results = [
    { isCausal: true, needWeights: false },
    { isCausal: true, needWeights: true },
    { attnMask: causalMask(6, 6, { dtype: f64 }), needWeights: false },
    {
      attnMask: array([
        [0, 1, 1, 1, 1, 1],
        [0, 0, 1, 1, 1, 1],
        [0, 0, 0, 1, 1, 1],
        [0, 0, 0, 0, 1, 1],
        [0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0],
      ], { dtype: "int32" }),
      needWeights: true,
    },
  ].map((o) => {
    m.zeroGrad();
    const xi = new Tensor(x.data, { requiresGrad: true });
    const [y] = m.forward(xi, xi, xi, o);
    y.mul(g).sum().backward();
    return [y.data, xi.grad!.data, m.inProjWeight!.grad!.data];
  });
  for (const r of results.slice(1)) {
    r.forEach((a, i) => assertClose(a, results[0][i], { rtol: 1e-11, atol: 1e-13 }));
  }
});

Deno.test("causal attention: no gradient reaches a position from a later one (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 6 }),
      fc.integer({ min: 0, max: 5 }),
      fc.boolean(),
      fc.constantFrom("mha", "post-LN", "pre-LN"),
      fc.integer({ min: 0, max: 1000 }),
      (l, pick, needWeights, kind, seed) => {
        const i = pick % l;
        const x = randn([l, 2, 8], { rng: new Rng(seed), dtype: f64, requiresGrad: true });
        let y: Tensor;
        if (kind === "mha") y = mha().forward(x, x, x, { isCausal: true, needWeights })[0];
        else {
          const layer = new TransformerEncoderLayer(8, 2, {
            dimFeedforward: 16,
            normFirst: kind === "pre-LN",
            dtype: f64,
            rng: new Rng(seed),
          }).eval();
          y = layer.forward(x, { isCausal: true });
        }
        // A weighted sum: a post-LN output sums to a constant over its features.
        y.slice(i).mul(randn([2, 8], { rng: new Rng(seed + 1), dtype: f64 })).sum().backward();
        const g = x.grad!;
        for (let j = 0; j < l; j++) {
          const reach = g.slice(j).abs().max().item();
          if (j > i) assert.equal(reach, 0, `${kind}: position ${j} reached output ${i}`);
          else if (j === i) assert.ok(reach > 0);
        }
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("MultiheadAttention without positions is permutation-equivariant (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1000 }), (l, seed) => {
      const rng = new Rng(seed);
      const m = mha(8, 4, { batchFirst: true });
      const x = randn([2, l, 8], { rng, dtype: f64 });
      const perm = Array.from(rng.permutation(l));
      const px = x.indexSelect(1, perm);
      const [a, wa] = m.forward(px, px, px);
      const [b, wb] = m.forward(x, x, x);
      assertClose(a.data, b.indexSelect(1, perm).data, { rtol: 1e-10, atol: 1e-12 });
      assertClose(wa!.data, wb!.indexSelect(1, perm).indexSelect(2, perm).data, {
        rtol: 1e-10,
        atol: 1e-12,
      });
    }),
    { numRuns: 30 },
  );
});

Deno.test("MultiheadAttention: gradcheck of inputs and every parameter, both modes", () => {
  for (const options of [{}, { kdim: 3, vdim: 5, addBiasKV: true, addZeroAttn: true }]) {
    const m = mha(4, 2, options);
    const named = m.namedParameters();
    const q = randn([3, 2, 4], { rng: new Rng(3), dtype: f64 });
    const k = randn([5, 2, m.kdim], { rng: new Rng(4), dtype: f64 });
    const v = randn([5, 2, m.vdim], { rng: new Rng(5), dtype: f64 });
    const kpm = array([[0, 0, 0, 0, 1], [0, 1, 0, 0, 0]], { dtype: "int32" });
    const fn = (...xs: Tensor[]) => {
      const params = Object.fromEntries(named.map(([name], i) => [name, xs[3 + i]]));
      const [y, w] = functionalCall(m, params, xs[0], xs[1], xs[2], { keyPaddingMask: kpm });
      return [y, w!];
    };
    const inputs = [q, k, v, ...named.map(([, p]) => p.data)].map((a) =>
      new Tensor(a instanceof Tensor ? a.data : a, { requiresGrad: true })
    );
    gradcheck(fn, inputs, { mode: "both", atol: 1e-6, rtol: 1e-4 });
  }
});

Deno.test("MultiheadAttention with a KV cache: token by token equals the full causal pass", () => {
  for (const rotary of [null, new RotaryEmbedding(4, { maxLen: 16 })]) {
    const m = mha(8, 2, { batchFirst: true, rotary });
    const x = randn([3, 7, 8], { rng: new Rng(6), dtype: f64 });
    const [full] = m.forward(x, x, x, { isCausal: true, needWeights: false });
    const cache = new KVCache();
    const steps: Tensor[] = [];
    noGrad(() => {
      // A prompt of 3 positions, then one position at a time.
      const prompt = x.slice(null, { stop: 3 });
      steps.push(m.forward(prompt, prompt, prompt, { isCausal: true, cache })[0]);
      for (let t = 3; t < 7; t++) {
        const xt = x.slice(null, { start: t, stop: t + 1 });
        steps.push(m.forward(xt, xt, xt, { isCausal: true, cache })[0]);
      }
    });
    assert.equal(cache.length, 7);
    assertClose(concat(steps, 1).data, full.data, { rtol: 1e-11, atol: 1e-13 });
  }
});

Deno.test("MultiheadAttention: a static cache serves cross-attention after the first step", () => {
  const m = mha(8, 2);
  const mem = randn([6, 2, 8], { rng: new Rng(8), dtype: f64 });
  const q = randn([3, 2, 8], { rng: new Rng(9), dtype: f64 });
  const cache = new KVCache({ static: true });
  const [a] = m.forward(q.slice({ stop: 1 }), mem, mem, { cache });
  const [b] = m.forward(
    q.slice({ start: 1 }),
    zeros([6, 2, 8], { dtype: f64 }) as unknown as Tensor,
    mem,
    { cache },
  );
  const [full] = m.forward(q, mem, mem);
  assertClose(concat([a, b], 0).data, full.data, { rtol: 1e-12, atol: 1e-13 });
  assert.equal(cache.length, 6);
});

Deno.test("MultiheadAttention: dropout acts in training only", () => {
  const m = mha(8, 2, { dropout: 0.5 });
  const x = randn([4, 1, 8], { rng: new Rng(10), dtype: f64 });
  const [, wTrain] = m.train().forward(x, x, x);
  const [, wEval] = m.eval().forward(x, x, x);
  assertClose(wEval!.sum({ axis: -1 }).data, [[1, 1, 1, 1]], { atol: 1e-12 });
  const dropped = Array.from(wTrain!.data.contiguous().data).filter((w) => w === 0).length;
  assert.ok(dropped > 0, "some weights dropped in training");
});
