import assert from "node:assert/strict";
import { oneHot } from "@nnc/tensor";
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

Deno.test("the notes' word vectors: cosine similarity with tejuino, a zero vector, two one-hot words", () => {
  // spec: 000-003/3.15
  const f64 = { dtype: "float64" as const };
  // 1 − loss with label 1 is the cosine similarity.
  const cosine = (a: number[][], b: number[][]) =>
    cosineEmbeddingLoss(tensor(a, f64), tensor(b, f64), tensor(a.map(() => 1)), {
      reduction: "none",
    }).neg().add(1).toArray() as number[];
  const tejuino = [1, 1, 1, 1];
  // wine, tortillas, motor-oil, choices, loud (the zero vector)
  const words = [[1, 1, 1, 0], [0, 1, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]];
  const cos = cosine(words.map(() => tejuino), words);
  [0.8660254, 0.7071068, 0.5, 0.5].forEach((c, i) => assert.ok(Math.abs(cos[i] - c) < 5e-8));
  assert.equal(cos[4], 0, "0/0 for the zero vector is defined as 0, not NaN");
  // hotel (1 at index 12 of 16) and motel (index 3): distinct one-hot words are orthogonal.
  const hotel = oneHot([12], 16).toArray() as number[][];
  const motel = oneHot([3], 16).toArray() as number[][];
  const [apart, same] = cosine([hotel[0], hotel[0]], [motel[0], hotel[0]]);
  assert.equal(apart, 0);
  assert.ok(Math.abs(same - 1) < 1e-11); // the 1e-12 guard under the root
});
