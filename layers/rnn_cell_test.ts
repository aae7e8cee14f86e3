import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { gradcheck, randn, Tensor } from "@nnc/autograd";
import { GRUCell, LSTMCell, RNNCell } from "./rnn_cell.ts";
import { LSTM } from "./lstm.ts";
import { functionalCall } from "./functional_call.ts";
import type { Module } from "./module.ts";
import { checkRecurrentCase, recurrentCases } from "./_recurrent_testing.ts";

Deno.test("RNNCell, LSTMCell and GRUCell equal PyTorch 1.13's cells", () => {
  for (const kind of ["rnn", "lstm", "gru"] as const) {
    for (const c of recurrentCases(kind, true)) {
      const o = { ...c.options, dtype: "float64" as const };
      if (kind === "lstm") {
        const cell = new LSTMCell(3, 3, o);
        checkRecurrentCase(c, cell, (x, h, cc) => {
          const [h1, c1] = cell.forward(x, [h, cc!]);
          return [null, h1, c1];
        });
      } else {
        const cell = kind === "rnn"
          ? new RNNCell(3, 3, o as { nonlinearity?: "relu" })
          : new GRUCell(3, 3, o);
        checkRecurrentCase(c, cell, (x, h) => [null, cell.forward(x, h), null]);
      }
    }
  }
});

Deno.test("gradcheck passes for every cell through input, state and parameters, both modes", () => {
  const rng = new Rng(11);
  const cells: [string, Module<never[], unknown>][] = [
    ["RNNCell tanh", new RNNCell(3, 2, { dtype: "float64", rng })],
    ["RNNCell relu", new RNNCell(3, 2, { dtype: "float64", rng, nonlinearity: "relu" })],
    ["LSTMCell", new LSTMCell(3, 2, { dtype: "float64", rng })],
    ["GRUCell", new GRUCell(3, 2, { dtype: "float64", rng })],
  ];
  for (const [name, cell] of cells) {
    const named = cell.namedParameters();
    const lstm = cell instanceof LSTMCell;
    const x = randn([2, 3], { dtype: "float64", rng, requiresGrad: true });
    const h = randn([2, 2], { dtype: "float64", rng, requiresGrad: true });
    const c = randn([2, 2], { dtype: "float64", rng, requiresGrad: true });
    const fn = (xx: Tensor, hh: Tensor, cc: Tensor, ...ps: Tensor[]) => {
      const params = Object.fromEntries(named.map(([k], i) => [k, ps[i]]));
      const out = functionalCall(
        cell as unknown as Module<unknown[], Tensor | Tensor[]>,
        params,
        xx,
        lstm ? [hh, cc] : hh,
      );
      return Array.isArray(out) ? out : [out, cc.mul(0)];
    };
    const ps = named.map(([, p]) => new Tensor(p.data, { requiresGrad: true }));
    const report = gradcheck(fn, [x, h, c, ...ps], { mode: "both", raise: false });
    assert.ok(report.ok, `${name}: ${report.message}`);
  }
});

Deno.test("LSTMCell run step by step equals the LSTM layer with the same weights", () => {
  const lstm = new LSTM(3, 4, { dtype: "float64", rng: new Rng(1) });
  const cell = new LSTMCell(3, 4, { dtype: "float64" });
  const sd = lstm.stateDict();
  cell.loadStateDict({
    weight_ih: sd.weight_ih_l0,
    weight_hh: sd.weight_hh_l0,
    bias_ih: sd.bias_ih_l0,
    bias_hh: sd.bias_hh_l0,
  });
  const x = randn([5, 2, 3], { dtype: "float64", rng: new Rng(2) });
  const [out] = lstm.forward(x);
  let state: [Tensor, Tensor] | null = null;
  for (let t = 0; t < 5; t++) {
    state = cell.forward(x.slice(t), state);
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(state[0].get(1, j) - out.get(t, 1, j)) < 1e-15);
  }
});

Deno.test("the cells reject wrong shapes naming the cell and the shapes; unbatched inputs work", () => {
  const cell = new GRUCell(3, 4);
  assert.throws(
    () => cell.forward(randn([2, 5])),
    /GRUCell\(3→4\): input must be \[batch, 3\] \(or \[3\] unbatched\), got \[2, 5\]/,
  );
  assert.throws(
    () => cell.forward(randn([2, 3]), randn([3, 4])),
    /GRUCell\(3→4\): h must be \[2, 4\], got \[3, 4\]/,
  );
  assert.equal(cell.forward(randn([3]), randn([4])).shape.join(), "4");
  const lstm = new LSTMCell(2, 2);
  assert.throws(
    () => lstm.forward(randn([1, 2]), [randn([1, 2]), randn([1, 3])]),
    /LSTMCell\(2→2\): c must be \[1, 2\], got \[1, 3\]/,
  );
  assert.deepEqual(lstm.namedParameters().map(([n]) => n), [
    "weight_ih",
    "weight_hh",
    "bias_ih",
    "bias_hh",
  ]);
});
