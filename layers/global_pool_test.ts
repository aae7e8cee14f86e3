import assert from "node:assert/strict";
import { array, assertClose, Rng } from "@nnc/tensor";
import { gradcheck, Tensor, tensor } from "@nnc/autograd";
import {
  AttentionalAggregation,
  globalAddPool,
  globalMaxPool,
  globalMeanPool,
} from "./global_pool.ts";
import { Linear } from "./linear.ts";
import { functionalCall } from "./functional_call.ts";
import { assertInvariant } from "./_graph_testing.ts";

const X = tensor([[1, -2], [3, 0], [0.5, 4], [2, 2], [-1, 1]], { dtype: "float64" });
const BATCH = [0, 1, 0, 2, 2];

Deno.test("sum, mean and max readouts per graph; no batch means one graph; empty graphs read 0", () => {
  assert.deepEqual(globalAddPool(X, BATCH).toArray(), [[1.5, 2], [3, 0], [1, 3]]);
  assert.deepEqual(globalMeanPool(X, BATCH).toArray(), [[0.75, 1], [3, 0], [0.5, 1.5]]);
  assert.deepEqual(globalMaxPool(X, BATCH).toArray(), [[1, 4], [3, 0], [2, 2]]);
  assert.deepEqual(globalAddPool(X).toArray(), [[5.5, 5]]);
  assert.deepEqual((globalMaxPool(X, BATCH, 4).toArray() as number[][])[3], [0, 0]);
});

Deno.test("AttentionalAggregation: softmax of the gate within each graph weighs h(x)", () => {
  const gate = new Linear(2, 1, { dtype: "float64", rng: new Rng(1) });
  const h = new Linear(2, 3, { dtype: "float64", rng: new Rng(2) });
  const pool = new AttentionalAggregation(gate, h);
  const s = gate.forward(X).data, hx = h.forward(X).data;
  const want = [0, 1, 2].map((g) => {
    const nodes = BATCH.flatMap((b, i) => (b === g ? [i] : []));
    const z = nodes.map((i) => Math.exp(s.get(i, 0)));
    const total = z.reduce((a, b) => a + b, 0);
    return [0, 1, 2].map((j) =>
      nodes.reduce((acc, i, r) => acc + (z[r] / total) * hx.get(i, j), 0)
    );
  });
  assertClose(pool.forward(X, BATCH).data, array(want, { dtype: "float64" }), { atol: 1e-12 });
  assert.throws(() => pool.forward(X.reshape(1, ...X.shape)), {
    name: "RangeError",
    message: `AttentionalAggregation: x must be [numNodes, features], got [1, ${
      X.shape.join(", ")
    }]`,
  });
  assert.deepEqual(Object.keys(pool.stateDict()), [
    "gate_nn.weight",
    "gate_nn.bias",
    "nn.weight",
    "nn.bias",
  ]);
  const names = pool.namedParameters().map(([k]) => k);
  gradcheck(
    (x, ...ps) =>
      functionalCall(pool, Object.fromEntries(names.map((k, i) => [k, ps[i]])), x, BATCH),
    [X, ...pool.parameters().map((p) => new Tensor(p.data))],
    { mode: "both" },
  );
});

Deno.test("every readout is invariant under permuting the nodes", () => {
  const gate = new Linear(3, 1, { dtype: "float64", rng: new Rng(3) });
  const pool = new AttentionalAggregation(gate);
  // The notes' E18 demo: invariance and equivariance under node permutations.
  assertInvariant(3, (x, batch, g) => globalAddPool(x, batch, g));
  assertInvariant(3, (x, batch, g) => globalMeanPool(x, batch, g));
  assertInvariant(3, (x, batch, g) => globalMaxPool(x, batch, g));
  assertInvariant(3, (x, batch, g) => pool.forward(x, batch, g));
});

Deno.test("readouts: gradcheck (both modes) and errors naming the op", () => {
  for (const f of [globalAddPool, globalMeanPool, globalMaxPool]) {
    gradcheck((x) => f(x, BATCH), [X], { mode: "both" });
  }
  assert.throws(
    () => globalAddPool(X, [0, 1]),
    /globalAddPool: batch has 2 entries but x has 5 nodes/,
  );
  assert.throws(
    () => globalMeanPool(X, [0, 1, 0, 2, 2], 2),
    /globalMeanPool: batch\[3\] = 2 is outside 0\.\.1 \(2 graphs\)/,
  );
  assert.throws(
    () => globalMaxPool(X, [0, -1, 0, 0, 0]),
    /globalMaxPool: batch\[1\] = -1 is outside/,
  );
  const wrong = new AttentionalAggregation(new Linear(2, 3, { dtype: "float64" }));
  assert.throws(
    () => wrong.forward(X, BATCH),
    /AttentionalAggregation: gateNN must give \[5, 1\] or \[5, 2\], got \[5, 3\]/,
  );
});

Deno.test("globalMeanPool names itself for integer features", () => {
  assert.throws(
    () => globalMeanPool(tensor([1, 2], { dtype: "int32" })),
    /^TypeError: globalMeanPool: x must be float32 or float64 to average, got int32$/,
  );
});
