import assert from "node:assert/strict";
import { FORWARD_FLOPS, trainingFlopsPerUnit } from "./_flops.ts";

Deno.test("forward FLOPs per sample of the training workloads, counted by hand", () => {
  // MLP 784-512-256-10: 2 × (784·512 + 512·256 + 256·10).
  assert.equal(FORWARD_FLOPS.W2, 1_070_080);
  // conv1 2·1·9·32·28², conv2 2·32·9·64·14², fc 2·3136·128, fc 2·128·10.
  assert.equal(FORWARD_FLOPS.W3, 451_584 + 7_225_344 + 802_816 + 2_560);
  // 64 steps × 2·4·256·(64 + 256).
  assert.equal(FORWARD_FLOPS.W4, 41_943_040);
  // 2 × (784·400 + 2·400·20 + 20·400 + 400·784).
  assert.equal(FORWARD_FLOPS.W8, 1_302_400);
  // GPT per token: 2·128·384 + 2·128·128 + 2·2·128·512 + 2·2·128·128 per layer, 2 layers, head 2·128·96.
  assert.equal(FORWARD_FLOPS.W5, 128 * (2 * 458_752 + 24_576));
  // DCGAN: D = 401,408 + 12,845,056 + 12,544 (run 3 times), G = 1,254,400 + 12,845,056 + 401,408.
  assert.equal(FORWARD_FLOPS.W9, 3 * 13_259_008 + 14_500_864);
  // GCN per node: 2·64·64 + 2·64·16 dense, 2 · 11 nonzeros · (64 + 16) sparse.
  assert.equal(FORWARD_FLOPS["W-GCN"], 12_000);
});

Deno.test("a training step costs three forward passes; inference workloads have none", () => {
  assert.equal(trainingFlopsPerUnit("W2"), 3 * 1_070_080);
  assert.equal(trainingFlopsPerUnit("W1-1024"), undefined);
  assert.equal(trainingFlopsPerUnit("W4-lm"), undefined);
});
