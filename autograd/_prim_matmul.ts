// Batched matrix product of operands with at least two dimensions (1-d cases are views around it).
import * as nd from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { addTangents } from "./_fit.ts";
import { matmul } from "./matmul.ts";
import { transpose } from "./shape.ts";

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

export const MATMUL: Primitive<void> = {
  name: "matmul",
  forward: ([a, b]) => nd.matmul(a, b),
  // Broadcast batch dimensions are summed back by the engine.
  vjp: (
    g,
    [a, b],
  ) => [a.requiresGrad ? matmul(g, mT(b)) : null, b.requiresGrad ? matmul(mT(a), g) : null],
  jvp: ([ta, tb], [a, b], y) => addTangents(ta && matmul(ta, b), tb && matmul(a, tb), y),
};
