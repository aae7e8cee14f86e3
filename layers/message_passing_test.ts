import assert from "node:assert/strict";
import { array, type NDArray, Rng } from "@nnc/tensor";
import { gradcheck, Tensor, tensor } from "@nnc/autograd";
import {
  type Aggregation,
  EdgeConv,
  type MessageContext,
  MessagePassing,
} from "./message_passing.ts";
import { Linear } from "./linear.ts";
import { functionalCall } from "./functional_call.ts";
import { assertEquivariant } from "./_graph_testing.ts";

/** The default message (x_j, weighted) with a chosen aggregation. */
class Propagate extends MessagePassing<[Tensor, number[][], NDArray?]> {
  constructor(aggr: Aggregation) {
    super(aggr);
  }
  forward(x: Tensor, edgeIndex: number[][], weight?: NDArray): Tensor {
    return this.propagate(x, edgeIndex, { edgeAttr: weight ?? null });
  }
}

/** A custom message: x_j − x_i scaled by the weight (never fused). */
class Difference extends MessagePassing<[Tensor, number[][], Tensor?]> {
  constructor(aggr: Aggregation) {
    super(aggr);
  }
  override message(ctx: MessageContext): Tensor {
    const d = ctx.xJ().sub(ctx.xI());
    return ctx.edgeAttr === null ? d : d.mul(ctx.edgeAttr.reshape([-1, 1]));
  }
  forward(x: Tensor, edgeIndex: number[][], weight?: Tensor): Tensor {
    return this.propagate(x, edgeIndex, { edgeAttr: weight ?? null });
  }
}

const X = tensor([[1, 2], [3, -1], [0, 5], [2, 2]], { dtype: "float64" });
const EI = [[1, 2, 3, 3, 0, 2], [0, 0, 0, 1, 1, 1]]; // node 2 and 3 receive nothing
const W = array([2, 1, 0.5, 3, 1, -1], { dtype: "float64" });

/** The aggregation the long way: for each node, the list of its incoming messages. */
function naive(messages: number[][], aggr: Aggregation): number[][] {
  return [0, 1, 2, 3].map((i) => {
    const rows = EI[1].flatMap((t, e) => (t === i ? [messages[e]] : []));
    if (rows.length === 0) return [0, 0];
    return [0, 1].map((j) => {
      const col = rows.map((r) => r[j]);
      const sum = col.reduce((a, b) => a + b, 0);
      return aggr === "sum" || aggr === "add"
        ? sum
        : aggr === "mean"
        ? sum / col.length
        : aggr === "max"
        ? Math.max(...col)
        : Math.min(...col);
    });
  });
}

Deno.test("MessagePassing: every aggregation of the default and of a custom message equals the naive one", () => {
  const xs = X.toArray() as number[][];
  for (const aggr of ["sum", "add", "mean", "max", "min"] as const) {
    const weighted = EI[0].map((j, e) => xs[j].map((v) => v * W.data[e]));
    const fused = new Propagate(aggr).forward(X, EI, W).toArray() as number[][];
    fused.flat().forEach((v, k) =>
      assert.ok(Math.abs(v - naive(weighted, aggr).flat()[k]) < 1e-12)
    );
    const diffs = EI[0].map((j, e) => xs[j].map((v, k) => (v - xs[EI[1][e]][k]) * W.data[e]));
    const got = new Difference(aggr).forward(X, EI, new Tensor(W)).toArray() as number[][];
    got.flat().forEach((v, k) => assert.ok(Math.abs(v - naive(diffs, aggr).flat()[k]) < 1e-12));
  }
});

Deno.test("MessagePassing: gradcheck through the fused and the gathered paths (both modes)", () => {
  for (const aggr of ["sum", "mean", "max"] as const) {
    gradcheck((x, w) => new Propagate(aggr).propagate(x, EI, { edgeAttr: w }), [X, new Tensor(W)], {
      mode: "both",
    });
    gradcheck((x, w) => new Difference(aggr).forward(x, EI, w), [X, new Tensor(W)], {
      mode: "both",
    });
  }
});

Deno.test("MessagePassing layers are permutation-equivariant (every aggregation)", () => {
  for (const aggr of ["sum", "mean", "max", "min"] as const) {
    // The notes' E18 demo: invariance and equivariance under node permutations.
    assertEquivariant(3, (x, edges, w) => new Propagate(aggr).forward(x, edges, w), 20);
    assertEquivariant(
      3,
      (x, edges, w) => new Difference(aggr).forward(x, edges, new Tensor(w)),
      20,
    );
  }
});

Deno.test("EdgeConv: max over h(x_i ‖ x_j − x_i), gradcheck and equivariance", () => {
  const h = new Linear(4, 3, { dtype: "float64", rng: new Rng(1) });
  const conv = new EdgeConv(h);
  const xs = X.toArray() as number[][];
  const msgs = EI[0].map((j, e) => {
    const xi = xs[EI[1][e]], d = xs[j].map((v, k) => v - xi[k]);
    return [...h.forward(tensor([[...xi, ...d]], { dtype: "float64" })).data.data];
  });
  const want = [0, 1, 2, 3].map((i) => {
    const rows = EI[1].flatMap((t, e) => (t === i ? [msgs[e]] : []));
    return rows.length === 0 ? [0, 0, 0] : [0, 1, 2].map((j) => Math.max(...rows.map((r) => r[j])));
  });
  const got = conv.forward(X, EI).toArray() as number[][];
  got.flat().forEach((v, k) => assert.ok(Math.abs(v - want.flat()[k]) < 1e-12));
  gradcheck(
    (x, w, b) => functionalCall(conv, { "nn.weight": w, "nn.bias": b }, x, EI),
    [X, new Tensor(h.weight.data), new Tensor(h.bias!.data)],
    { mode: "both" },
  );
  assertEquivariant(2, (x, edges) => conv.forward(x, edges), 20);
  assert.throws(() => conv.message(null as never), {
    name: "TypeError",
    message: "EdgeConv.message: ctx must be a MessageContext, got null",
  });
});

Deno.test("MessagePassing names the layer and what is wrong", () => {
  assert.throws(
    () => new Propagate("prod" as Aggregation),
    /Propagate: aggr must be one of "sum", "add", "mean", "max", "min", got "prod"/,
  );
  assert.throws(
    () => new Propagate("sum").forward(X, [[0, 4], [1, 1]]),
    /Propagate: edgeIndex\[0\]\[1\] = 4 is outside 0\.\.3 \(x has 4 rows\)/,
  );
  assert.throws(
    () => new Propagate("sum").forward(X, EI, array([1, 2])),
    /Propagate: edgeWeight must be \[numEdges\] = \[6\], got \[2\]/,
  );
  assert.throws(
    () => new Propagate("sum").forward(X.slice({ stop: 0 }), [[], []]),
    /Propagate: the graph is empty/,
  );
  class Bad extends MessagePassing<[Tensor]> {
    override message(ctx: MessageContext): Tensor {
      return ctx.x;
    }
    forward(x: Tensor): Tensor {
      return this.propagate(x, EI);
    }
  }
  assert.throws(
    () => new Bad().forward(X),
    /Bad: message\(\) must return one row per edge \(\[6, \.\.\.\]\), got a Tensor of shape \[4, 2\]/,
  );
  assert.throws(
    () => new Propagate("sum").forward(X, EI, array([[1], [2], [3], [4], [5], [6]]) as NDArray),
    /default message takes 1-d edge weights/,
  );
});
