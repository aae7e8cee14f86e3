import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { tensor } from "@nnc/autograd";
import { Embedding } from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

Deno.test("Embedding matches PyTorch, padding row getting no gradient", () => {
  const emb = new Embedding(10, 4, { dtype: "float64", paddingIdx: 0 });
  checkLayerCase("embedding_padding", emb);
  assert.equal(emb.weight.grad!.data.slice(0).abs().sum().item(), 0);
});

Deno.test("Embedding: N(0, 1) initialisation with a zero padding row; gradcheck; index errors", () => {
  const emb = new Embedding(1000, 50, { paddingIdx: -1, rng: new Rng(4) });
  assert.equal(emb.paddingIdx, 999);
  assert.equal(emb.weight.data.slice(999).abs().sum().item(), 0);
  const w = emb.weight.data.slice({ stop: 999 });
  assert.ok(Math.abs(w.mean().item()) < 5 / Math.sqrt(49950));
  assert.ok(Math.abs(w.std().item() - 1) < 0.02);
  const small = new Embedding(5, 2, { dtype: "float64", rng: new Rng(1) });
  assert.ok(gradcheckModule(small, [tensor([[1, 4], [4, 0]], { dtype: "int32" })]).ok);
  assert.throws(() => small.forward(tensor([5], { dtype: "int32" })), {
    message: "Embedding(5, 2): index 5 is out of range [0, 5)",
  });
  assert.throws(() => small.forward(tensor([1.5])), /expected int32 indices, got float32/);
  assert.throws(() => new Embedding(5, 2, { paddingIdx: 5 }), RangeError);
  assert.throws(() => new Embedding(1, 2 ** 31), /Embedding: weight \[1, 2147483648\] would hold/);
});
