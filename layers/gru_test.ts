import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { gradcheck, randn, Tensor } from "@nnc/autograd";
import { GRU } from "./gru.ts";
import { functionalCall } from "./functional_call.ts";
import { checkRecurrentCase, recurrentCases } from "./_recurrent_testing.ts";

Deno.test("GRU equals PyTorch 1.13: 2 layers, bidirectional, batch-first or not, padded, no bias", () => {
  const cases = recurrentCases("gru", false);
  assert.equal(cases.length, 5);
  for (const c of cases) {
    const gru = new GRU(3, 3, { ...c.options, dtype: "float64" });
    checkRecurrentCase(c, gru, (x, h0) => {
      const [out, hn] = gru.forward(x, h0, c.lengths ? { lengths: c.lengths } : {});
      return [out, hn, null];
    });
  }
});

Deno.test("GRU: gradcheck through input, initial state and every parameter, both modes", () => {
  const gru = new GRU(2, 2, { numLayers: 2, bidirectional: true, dtype: "float64" });
  const named = gru.namedParameters();
  const rng = new Rng(8);
  const x = randn([3, 2, 2], { dtype: "float64", rng, requiresGrad: true });
  const h0 = randn([4, 2, 2], { dtype: "float64", rng, requiresGrad: true });
  const fn = (xx: Tensor, hh: Tensor, ...ps: Tensor[]) => {
    const params = Object.fromEntries(named.map(([k], i) => [k, ps[i]]));
    const [out, hn] = functionalCall(gru, params, xx, hh, { lengths: [2, 3] }) as [Tensor, Tensor];
    return [out, hn];
  };
  const ps = named.map(([, p]) => new Tensor(p.data, { requiresGrad: true }));
  const report = gradcheck(fn, [x, h0, ...ps], { mode: "both", raise: false });
  assert.ok(report.ok, report.message);
});

Deno.test("GRU: the state after a step is a convex combination of the old state and the candidate", () => {
  // The notes (prose only): h is both state and content, mixed by the update gate z in (0, 1).
  const gru = new GRU(1, 1, { dtype: "float64", rng: new Rng(3) });
  const h0 = randn([1, 1, 1], { dtype: "float64", rng: new Rng(4) });
  const x = randn([1, 1, 1], { dtype: "float64", rng: new Rng(5) });
  const [, h1] = gru.forward(x, h0);
  const sd = gru.stateDict();
  const w = (k: string, j: number) => sd[k].data[j];
  const hv = h0.item(), xv = x.item();
  const n = Math.tanh(
    w("weight_ih_l0", 2) * xv + w("bias_ih_l0", 2) +
      (1 /
          (1 +
            Math.exp(
              -(w("weight_ih_l0", 0) * xv + w("bias_ih_l0", 0) + w("weight_hh_l0", 0) * hv +
                w("bias_hh_l0", 0)),
            ))) *
        (w("weight_hh_l0", 2) * hv + w("bias_hh_l0", 2)),
  );
  const lo = Math.min(n, hv), hi = Math.max(n, hv);
  assert.ok(h1.item() > lo && h1.item() < hi);
});
