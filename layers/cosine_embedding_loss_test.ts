import assert from "node:assert/strict";
import { tensor } from "@nnc/autograd";
import { cosineEmbeddingLoss } from "./mod.ts";
import { checkLossCase } from "./_testing.ts";

Deno.test("cosineEmbeddingLoss matches PyTorch", () => {
  checkLossCase("cosine_embedding", ([a, b], [y], o) => cosineEmbeddingLoss(a, b, y, o));
});

Deno.test("cosineEmbeddingLoss: a zero vector has cosine 0, not NaN; label shape is checked", () => {
  const l = cosineEmbeddingLoss(tensor([[0, 0]]), tensor([[1, 0]]), tensor([1]), {
    reduction: "none",
  });
  assert.deepEqual(l.toArray(), [1]);
  assert.throws(
    () => cosineEmbeddingLoss(tensor([[1, 0]]), tensor([[1, 0]]), tensor([1, 1])),
    /y must have shape \[1\]/,
  );
});
