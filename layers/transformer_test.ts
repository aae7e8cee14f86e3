import assert from "node:assert/strict";
import { assertClose, Rng } from "@nnc/tensor";
import { concat, gradcheck, noGrad, randn, type Tensor } from "@nnc/autograd";
import {
  type DecoderLayerCache,
  KVCache,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from "./mod.ts";

const f64 = "float64" as const;
const small = { dimFeedforward: 16, dtype: f64 };

Deno.test("TransformerEncoder copies its block: equal weights, separate storage, PyTorch names", () => {
  const layer = new TransformerEncoderLayer(8, 2, { ...small, rng: new Rng(1) });
  const enc = new TransformerEncoder(layer, 2);
  const w0 = enc.layers.at(0).selfAttn.inProjWeight!, w1 = enc.layers.at(1).selfAttn.inProjWeight!;
  assertClose(w0.data, layer.selfAttn.inProjWeight!.data);
  assert.notEqual(w0.data.storage, w1.data.storage);
  assert.deepEqual(
    Object.keys(enc.stateDict()).slice(0, 12),
    [
      "layers.0.self_attn.in_proj_weight",
      "layers.0.self_attn.in_proj_bias",
      "layers.0.self_attn.out_proj.weight",
      "layers.0.self_attn.out_proj.bias",
      "layers.0.linear1.weight",
      "layers.0.linear1.bias",
      "layers.0.linear2.weight",
      "layers.0.linear2.bias",
      "layers.0.norm1.weight",
      "layers.0.norm1.bias",
      "layers.0.norm2.weight",
      "layers.0.norm2.bias",
    ],
  );
});

Deno.test("Transformer: final norms, Xavier-uniform matrices, square subsequent mask", () => {
  const t = new Transformer({
    dModel: 8,
    nhead: 2,
    numEncoderLayers: 1,
    numDecoderLayers: 1,
    dimFeedforward: 16,
    rng: new Rng(2),
  });
  const keys = Object.keys(t.stateDict());
  assert.ok(
    keys.includes("encoder.norm.weight") &&
      keys.includes("decoder.layers.0.multihead_attn.in_proj_weight"),
  );
  const w = t.decoder.layers.at(0).linear1.weight.data; // [16, 8]: bound √(6/24)
  assert.ok(w.abs().max().item() <= Math.sqrt(6 / 24) && w.abs().max().item() > 0.3);
  assert.deepEqual(Transformer.generateSquareSubsequentMask(2).toArray(), [[0, -Infinity], [0, 0]]);
});

Deno.test("Encoder and decoder layers: gradcheck of the inputs in both modes (post-LN and pre-LN)", () => {
  for (const normFirst of [false, true]) {
    const enc = new TransformerEncoderLayer(4, 2, {
      ...small,
      normFirst,
      activation: "gelu",
      rng: new Rng(3),
    }).eval();
    gradcheck((x) => enc.forward(x, { isCausal: true }), [
      randn([3, 2, 4], { rng: new Rng(4), dtype: f64, requiresGrad: true }),
    ], { mode: "both" });
    const dec = new TransformerDecoderLayer(4, 2, { ...small, normFirst, rng: new Rng(5) }).eval();
    gradcheck((x, m) => dec.forward(x, m, { tgtIsCausal: true }), [
      randn([3, 2, 4], { rng: new Rng(6), dtype: f64, requiresGrad: true }),
      randn([4, 2, 4], { rng: new Rng(7), dtype: f64, requiresGrad: true }),
    ], { mode: "both" });
  }
});

Deno.test("Decoder-only stack with per-layer caches: step by step equals the full causal pass", () => {
  const enc = new TransformerEncoder(
    new TransformerEncoderLayer(8, 2, {
      ...small,
      normFirst: true,
      batchFirst: true,
      rng: new Rng(8),
    }),
    2,
  ).eval();
  const x = randn([2, 6, 8], { rng: new Rng(9), dtype: f64 });
  const full = enc.forward(x, { isCausal: true });
  const caches = [new KVCache(), new KVCache()];
  const parts: Tensor[] = noGrad(() =>
    [0, 1, 2, 3, 4, 5].map((t) =>
      enc.forward(x.slice(null, { start: t, stop: t + 1 }), { isCausal: true, caches })
    )
  );
  assertClose(concat(parts, 1).data, full.data, { rtol: 1e-11, atol: 1e-13 });
});

Deno.test("Decoder stack with self and cross caches: step by step equals the full pass", () => {
  const dec = new TransformerDecoder(
    new TransformerDecoderLayer(8, 2, { ...small, rng: new Rng(10) }),
    2,
  ).eval();
  const tgt = randn([5, 2, 8], { rng: new Rng(11), dtype: f64 });
  const mem = randn([7, 2, 8], { rng: new Rng(12), dtype: f64 });
  const full = dec.forward(tgt, mem, { tgtIsCausal: true });
  const caches: DecoderLayerCache[] = [0, 1].map(() => ({
    self: new KVCache(),
    cross: new KVCache({ static: true }),
  }));
  const parts = noGrad(() =>
    [0, 1, 2, 3, 4].map((t) =>
      dec.forward(tgt.slice({ start: t, stop: t + 1 }), mem, { tgtIsCausal: true, caches })
    )
  );
  assertClose(concat(parts, 0).data, full.data, { rtol: 1e-11, atol: 1e-13 });
});

Deno.test("Transformer layers: unbatched input, repr, and errors naming the layer", () => {
  const enc = new TransformerEncoderLayer(8, 2, { ...small, rng: new Rng(13) }).eval();
  assert.deepEqual(enc.forward(randn([5, 8], { dtype: f64 })).shape, [5, 8]);
  assert.ok(String(enc).includes("normFirst=false"));
  assert.throws(
    () => new TransformerEncoderLayer(8, 3),
    /TransformerEncoderLayer: dModel 8 must be divisible by nhead 3/,
  );
  assert.throws(
    () => new TransformerDecoderLayer(8, 2, { activation: "tanh" as "relu" }),
    /activation must be "relu", "gelu" or a function, got "tanh"/,
  );
  assert.throws(
    () =>
      new TransformerEncoder(enc, 2).forward(randn([3, 8], { dtype: f64 }), {
        caches: [new KVCache()],
      }),
    /caches must hold one entry per layer \(2\)/,
  );
  assert.throws(
    () => new TransformerEncoder({} as TransformerEncoderLayer, 1),
    /encoderLayer must be a TransformerEncoderLayer/,
  );
});
