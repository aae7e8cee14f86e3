import assert from "node:assert/strict";
import fc from "fast-check";
import { gradcheck, Tensor, tensor } from "@nnc/autograd";
import { array } from "@nnc/tensor";
import {
  EmbeddingBag,
  embeddingBag,
  type EmbeddingBagMode,
  type EmbeddingBagOptions,
} from "./mod.ts";
import { assertClose, dec, flat, leaf, poolBagCase, poolBagCases } from "./_pool_bag_testing.ts";

Deno.test("embeddingBag matches PyTorch 2.x: all modes, offsets, empty bags, padding, weights", () => {
  for (const name of poolBagCases("bag")) {
    const c = poolBagCase(name);
    const w = leaf(c.weight);
    const input = dec(c.input, "int32");
    const opts: EmbeddingBagOptions = { mode: c.mode as EmbeddingBagMode };
    if (c.offsets !== undefined) opts.offsets = c.offsets as number[];
    if (c.paddingIdx !== undefined) opts.paddingIdx = c.paddingIdx as number;
    if (c.includeLastOffset !== undefined) opts.includeLastOffset = true;
    const psw = c.perSampleWeights === undefined ? null : leaf(c.perSampleWeights);
    if (psw !== null) opts.perSampleWeights = psw;
    const out = embeddingBag(input, w, opts);
    assertClose(out, dec(c.out), `${name} out`);
    out.mul(new Tensor(dec(c.g))).sum().backward();
    assertClose(w.grad!, dec(c.grad), `${name} weight grad`);
    if (psw !== null) assertClose(psw.grad!, dec(c.pswGrad), `${name} perSampleWeights grad`);
    // The module with the same table gives the same.
    const [V, D] = w.shape;
    const m = new EmbeddingBag(V, D, {
      dtype: "float64",
      mode: opts.mode,
      includeLastOffset: opts.includeLastOffset,
      ...(opts.paddingIdx === undefined ? {} : { paddingIdx: opts.paddingIdx }),
    });
    m.loadStateDict({ weight: dec(c.weight) });
    const y = m.forward(input, opts.offsets, psw?.detach());
    assertClose(y, dec(c.out), `${name} module`);
  }
});

/** The bags written out as loops, PyTorch's rules: padding left out, the first max, empty = 0. */
function reference(
  input: number[],
  starts: number[],
  E: number,
  W: number[][],
  mode: EmbeddingBagMode,
  psw: number[] | null,
  pad: number | null,
): number[] {
  const D = W[0].length, out: number[] = [];
  starts.forEach((s, b) => {
    const e = b + 1 < starts.length ? starts[b + 1] : E;
    const members: [number, number][] = [];
    for (let k = s; k < e; k++) if (input[k] !== pad) members.push([input[k], psw?.[k] ?? 1]);
    for (let d = 0; d < D; d++) {
      if (members.length === 0) out.push(0);
      else if (mode === "max") {
        let m = W[members[0][0]][d];
        for (const [r] of members) if (W[r][d] > m) m = W[r][d];
        out.push(m);
      } else {
        let sum = 0;
        for (const [r, wgt] of members) sum += W[r][d] * wgt;
        out.push(mode === "mean" ? sum / members.length : sum);
      }
    }
  });
  return out;
}

Deno.test("embeddingBag equals an explicit loop over the bags (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 5 }),
      fc.constantFrom<EmbeddingBagMode>("sum", "mean", "max"),
      fc.boolean(),
      fc.option(fc.integer({ min: -5, max: 4 })),
      fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 15, maxLength: 15 }),
      (V, D, raw, rawOff, mode, weighted, padOpt, vals) => {
        const input = raw.map((r) => r % V);
        const E = input.length;
        const offsets = [0, ...rawOff.map((o) => o % (E + 1))].sort((a, b) => a - b);
        const pad = padOpt === null || padOpt < -V || padOpt >= V
          ? null
          : padOpt < 0
          ? padOpt + V
          : padOpt;
        const Wrows = Array.from({ length: V }, (_, r) => vals.slice(r * D, r * D + D));
        const w = new Tensor(array(Wrows.flat(), { dtype: "float64", shape: [V, D] }));
        const psw = weighted && mode === "sum" ? input.map((_, k) => (k % 3) - 0.5) : null;
        const opts: EmbeddingBagOptions = { mode, offsets };
        if (pad !== null) opts.paddingIdx = pad;
        if (psw !== null) opts.perSampleWeights = array(psw, { dtype: "float64", shape: [E] });
        const got = embeddingBag(input, w, opts);
        assert.deepEqual(got.shape, [offsets.length, D]);
        const want = reference(input, offsets, E, Wrows, mode, psw, pad);
        assertClose(got, array(want, { dtype: "float64", shape: [offsets.length, D] }), "bag");
        // includeLastOffset with the length appended is the same bags.
        const csr = embeddingBag(input, w, {
          ...opts,
          offsets: [...offsets, E],
          includeLastOffset: true,
        });
        assert.deepEqual(flat(csr), flat(got));
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("embeddingBag passes gradcheck in both modes (weight and per-sample weights)", () => {
  const w = new Tensor(
    array(Array.from({ length: 15 }, (_, i) => ((i * 7) % 15) / 4 - 1.5), {
      dtype: "float64",
      shape: [5, 3],
    }),
    { requiresGrad: true },
  );
  const input = [0, 3, 3, 1, 4, 2, 0];
  const offsets = [0, 3, 3, 5];
  for (const mode of ["sum", "mean", "max"] as const) {
    assert.ok(
      gradcheck((t) => embeddingBag(input, t, { offsets, mode, paddingIdx: 2 }), [w], {
        mode: "both",
      }).ok,
    );
  }
  const psw = new Tensor(array([0.5, -1, 2, 1.5, 0.25, 3, -0.75], { dtype: "float64" }), {
    requiresGrad: true,
  });
  assert.ok(
    gradcheck(
      (t, p) => embeddingBag(input, t, { offsets, mode: "sum", perSampleWeights: p }),
      [w, psw],
      { mode: "both" },
    ).ok,
  );
});

Deno.test("EmbeddingBag: initialisation, padding row, 2-d lists, float32, toString", () => {
  const m = new EmbeddingBag(6, 4, { paddingIdx: -1, mode: "max" });
  assert.equal(m.paddingIdx, 5);
  assert.deepEqual(flat(m.weight.data.slice(5)), [0, 0, 0, 0]);
  assert.equal(m.weight.dtype, "float32");
  const y = m.forward([[1, 5], [5, 5]]);
  assert.deepEqual(y.shape, [2, 4]);
  assert.deepEqual(flat(y.data.slice(1)), [0, 0, 0, 0]);
  assert.equal(m.extraRepr(), "6, 4, mode=max, paddingIdx=5");
  assert.deepEqual(Object.keys(m.stateDict()), ["weight"]);
  const e = embeddingBag(array([], { dtype: "int32", shape: [0] }), tensor([[1, 2]]), {
    offsets: [0],
  });
  assert.deepEqual(flat(e), [0, 0]);
});

Deno.test("embeddingBag: argument errors name the op, the argument and the value", () => {
  const w = tensor([[1, 2], [3, 4], [5, 6]]);
  assert.throws(
    () => embeddingBag([0, 3], w, { offsets: [0] }),
    new RangeError("embeddingBag: index 3 is out of range [0, 3) of weight [3, 2]"),
  );
  assert.throws(
    () => embeddingBag([0, -1], w, { offsets: [0] }),
    new RangeError("embeddingBag: index -1 is out of range [0, 3) of weight [3, 2]"),
  );
  assert.throws(
    () => embeddingBag([0, 1], w, { offsets: [1] }),
    new RangeError("embeddingBag: offsets must start at 0, got offsets[0] = 1"),
  );
  assert.throws(
    () => embeddingBag([0, 1, 2], w, { offsets: [0, 2, 1] }),
    new RangeError("embeddingBag: offsets must be non-decreasing, got offsets[2] = 1 after 2"),
  );
  assert.throws(
    () => embeddingBag([0, 1, 2], w, { offsets: [0, 4] }),
    new RangeError("embeddingBag: offsets must be at most the input length 3, got offsets[1] = 4"),
  );
  assert.throws(
    () => embeddingBag([0, 1, 2], w, { offsets: [0, 2], includeLastOffset: true }),
    new RangeError(
      "embeddingBag: with includeLastOffset the last offset must equal the input length 3, got 2",
    ),
  );
  assert.throws(
    () => embeddingBag([0, 1], w),
    new RangeError("embeddingBag: 1-d input [2] needs offsets (the start of each bag)"),
  );
  assert.throws(
    () => embeddingBag([[0, 1]], w, { offsets: [0] }),
    new RangeError(
      "embeddingBag: offsets must be omitted for 2-d input [1, 2] (its rows are the bags)",
    ),
  );
  assert.throws(
    () =>
      embeddingBag([0, 1], w, {
        offsets: [0],
        mode: "mean",
        perSampleWeights: tensor([1, 1]),
      }),
    new RangeError('embeddingBag: perSampleWeights needs mode "sum", got mode "mean"'),
  );
  assert.throws(
    () => embeddingBag([0, 1], w, { offsets: [0], mode: "sum", perSampleWeights: tensor([1]) }),
    new RangeError("embeddingBag: perSampleWeights must have the input's shape [2], got [1]"),
  );
  assert.throws(
    () => embeddingBag([0, 1], w, { offsets: [0], mode: "prod" as EmbeddingBagMode }),
    /embeddingBag: mode must be one of/,
  );
  assert.throws(
    () => embeddingBag([0, 1], w, { offsets: [0], paddingIdx: 3 }),
    new RangeError("embeddingBag: paddingIdx must be an integer in [-3, 3), got 3"),
  );
  assert.throws(
    () => embeddingBag([0.5], w, { offsets: [0] }),
    new TypeError("embeddingBag: input entries must be integers, got 0.5"),
  );
  assert.throws(
    () => embeddingBag(array([0, 1], { dtype: "float32" }), w, { offsets: [0] }),
    new TypeError("embeddingBag: input must be int32, got float32 [2]"),
  );
  assert.throws(
    () => embeddingBag([0], tensor([1, 2]), { offsets: [0] }),
    new RangeError("embeddingBag: weight must be [V, D], got [2]"),
  );
  assert.throws(
    () => new EmbeddingBag(3, 2, { mode: "min" as EmbeddingBagMode }),
    /EmbeddingBag: mode must be one of/,
  );
  assert.throws(
    () => new EmbeddingBag(3, 2).forward([0, 7], [0]),
    new RangeError(
      "EmbeddingBag(3, 2): embeddingBag: index 7 is out of range [0, 3) of weight [3, 2]",
    ),
  );
});
