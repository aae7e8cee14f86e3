import assert from "node:assert/strict";
import { array, assertClose, matmul, NDArray, Rng } from "@nnc/tensor";
import { gradcheck, Tensor } from "@nnc/autograd";
import { GINConv } from "./gin_conv.ts";
import { Linear } from "./linear.ts";
import { Sequential } from "./sequential.ts";
import { ReLU } from "./activation_layers.ts";
import { functionalCall } from "./functional_call.ts";
import { Parameter } from "./parameter.ts";
import { assertEquivariant, gnnFixture } from "./_graph_testing.ts";
import { decode } from "./_testing.ts";

const fx = gnnFixture();
const x = decode(fx.x);

function adjacency(): NDArray {
  const a = new Float64Array(fx.numNodes ** 2);
  fx.edgeIndex[0].forEach((j, e) => (a[fx.edgeIndex[1][e] * fx.numNodes + j] += 1));
  return NDArray.fromTyped(a, [fx.numNodes, fx.numNodes]);
}

Deno.test("GINConv equals h((1 + ε) x + A x); ε is a buffer, or a parameter with trainEps", () => {
  const rng = new Rng(4);
  const h = new Sequential(
    new Linear(4, 5, { dtype: "float64", rng }),
    new ReLU(),
    new Linear(5, 2, { dtype: "float64", rng }),
  );
  const conv = new GINConv(h, { eps: 0.25 });
  const z = x.mul(1.25).add(matmul(adjacency(), x));
  assertClose(conv.forward(new Tensor(x), fx.edgeIndex).data, h.forward(new Tensor(z)).data, {
    rtol: 1e-12,
    atol: 1e-12,
  });
  assert.deepEqual(Object.keys(conv.stateDict()), [
    "eps",
    "nn.0.weight",
    "nn.0.bias",
    "nn.2.weight",
    "nn.2.bias",
  ]);
  assert.equal(conv.parameters().length, 4);
  const trained = new GINConv(h, { trainEps: true });
  assert.ok(trained.eps instanceof Parameter && trained.parameters().length === 5);
  assert.ok(String(trained).startsWith("GINConv(eps=0, trainEps"));
});

Deno.test("GINConv: gradcheck in x, ε and the network (both modes); permutation equivariance", () => {
  const lin = new Linear(4, 2, { dtype: "float64", rng: new Rng(5) });
  const conv = new GINConv(lin, { trainEps: true });
  gradcheck(
    (xi, eps, w, b) =>
      functionalCall(conv, { eps, "nn.weight": w, "nn.bias": b }, xi, fx.edgeIndex).square(),
    [
      new Tensor(x),
      new Tensor(array([0.3], { dtype: "float64" })),
      new Tensor(lin.weight.data),
      new Tensor(lin.bias!.data),
    ],
    { mode: "both" },
  );
  // The notes' E18 demo: invariance and equivariance under node permutations.
  assertEquivariant(4, (xi, edges) => conv.forward(xi, edges));
});

Deno.test("GINConv checks its network and input", () => {
  assert.throws(() => new GINConv({} as Linear), /GINConv: nn must be a Module/);
  assert.throws(
    () => new GINConv(new Linear(2, 2), { eps: NaN }),
    /GINConv: eps must be a finite number, got NaN/,
  );
  assert.throws(
    () => new GINConv(new Linear(2, 2)).forward(new Tensor(x), [[0], [9]]),
    /GINConv: edgeIndex\[1\]\[0\] = 9 is outside 0\.\.5/,
  );
});
