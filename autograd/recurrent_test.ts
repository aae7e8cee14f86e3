import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import {
  gradcheck,
  gradgradcheck,
  gradients,
  randn,
  recurrence,
  type RecurrenceOptions,
  recurrenceReference,
  type RecurrentMode,
  type Tensor,
  tensor,
} from "./mod.ts";

const MODES: RecurrentMode[] = ["rnnTanh", "rnnRelu", "lstm", "gru"];
const GATES = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };

interface Case {
  xg: Tensor;
  whh: Tensor;
  h0: Tensor;
  c0: Tensor | null;
  bhh: Tensor | null;
}

function makeCase(mode: RecurrentMode, T: number, B: number, H: number, seed: number): Case {
  const rng = new Rng(seed);
  const o = { dtype: "float64" as const, rng, requiresGrad: true };
  const G = GATES[mode] * H;
  return {
    xg: randn([T, B, G], o),
    whh: randn([G, H], { ...o, std: 0.7 }),
    h0: randn([B, H], o),
    c0: mode === "lstm" ? randn([B, H], o) : null,
    bhh: mode === "gru" ? randn([G], o) : null,
  };
}

function run(
  f: typeof recurrence,
  mode: RecurrentMode,
  c: Case,
  extra: RecurrenceOptions = {},
): Tensor[] {
  const r = f(mode, c.xg, c.whh, c.h0, { c0: c.c0, bhh: c.bhh, ...extra });
  return r.c === null ? [r.output, r.h] : [r.output, r.h, r.c];
}

function leaves(c: Case): Tensor[] {
  return [c.xg, c.whh, c.h0, c.c0, c.bhh].filter((t): t is Tensor => t !== null);
}

function maxRelDiff(a: Tensor, b: Tensor): number {
  let m = 0;
  const x = [a.toArray()].flat(4) as number[], y = [b.toArray()].flat(4) as number[];
  assert.equal(x.length, y.length);
  for (let i = 0; i < x.length; i++) {
    m = Math.max(m, Math.abs(x[i] - y[i]) / (1e-12 + Math.abs(y[i])));
  }
  return m;
}

const VARIANTS: RecurrenceOptions[] = [
  {},
  { reverse: true },
  { lengths: [4, 2, 1] },
  { lengths: [1, 4, 3], reverse: true },
];

Deno.test("recurrence equals the step-by-step Tensor-op loop: outputs, final states and gradients", () => {
  for (const mode of MODES) {
    VARIANTS.forEach((variant, v) => {
      const c = makeCase(mode, 4, 3, 3, 10 + v);
      const fused = run(recurrence, mode, c, variant);
      const ref = run(recurrenceReference, mode, c, variant);
      const rng = new Rng(99);
      const seeds = fused.map((o) => randn(o.shape, { dtype: "float64", rng }));
      const loss = (outs: Tensor[]) =>
        outs.map((o, i) => o.mul(seeds[i]).sum()).reduce((a, b) => a.add(b));
      const gf = gradients(loss(fused), leaves(c));
      const gr = gradients(loss(ref), leaves(c));
      fused.forEach((o, i) => {
        assert.ok(maxRelDiff(o, ref[i]) < 1e-12, `${mode} ${JSON.stringify(variant)} output ${i}`);
      });
      gf.forEach((g, i) => {
        assert.ok(
          maxRelDiff(g as Tensor, gr[i] as Tensor) < 1e-10,
          `${mode} ${JSON.stringify(variant)} gradient of leaf ${i}`,
        );
      });
    });
  }
});

Deno.test("recurrence: padded steps output zeros and leave the state alone", () => {
  const c = makeCase("lstm", 3, 2, 2, 1);
  const rows2 = (t: Tensor) => t.toArray() as number[][];
  const rows3 = (t: Tensor) => t.toArray() as number[][][];
  const { output, h, c: cN } = recurrence("lstm", c.xg, c.whh, c.h0, { c0: c.c0, lengths: [1, 3] });
  // Sequence 0 has one step: its final states are those after step 0, its later outputs are 0.
  const one = recurrence("lstm", c.xg.slice({ stop: 1 }), c.whh, c.h0, { c0: c.c0 });
  assert.deepEqual(rows2(h)[0], rows2(one.h)[0]);
  assert.deepEqual(rows2(cN!)[0], rows2(one.c!)[0]);
  assert.deepEqual(rows3(output)[0][0], rows2(one.h)[0]);
  assert.deepEqual(rows3(output)[1][0], [0, 0]);
  assert.deepEqual(rows3(output)[2][0], [0, 0]);
  assert.notDeepEqual(rows3(output)[2][1], [0, 0]);
  // No gradient reaches the padded inputs.
  const [g] = gradients(output.sum().add(h.sum()), [c.xg]);
  assert.deepEqual(rows3(g!)[1][0], new Array(8).fill(0));
  assert.deepEqual(rows3(g!)[2][0], new Array(8).fill(0));
  assert.notDeepEqual(rows3(g!)[0][0], new Array(8).fill(0));
});

Deno.test("gradcheck passes for every cell, reverse and forward mode, with padding and reversal", () => {
  for (const mode of MODES) {
    for (const variant of [{}, { lengths: [2, 3], reverse: true }]) {
      const c = makeCase(mode, 3, 2, 2, 7);
      const inputs = leaves(c);
      const fn = (...xs: Tensor[]) => {
        const [xg, whh, h0, a, b] = xs;
        const opts = mode === "lstm" ? { c0: a } : mode === "gru" ? { bhh: a } : {};
        void b;
        const r = recurrence(mode, xg, whh, h0, { ...opts, ...variant });
        return r.c === null ? [r.output, r.h] : [r.output, r.h, r.c];
      };
      const report = gradcheck(fn, inputs, { mode: "both", raise: false });
      assert.ok(report.ok, `${mode} ${JSON.stringify(variant)}: ${report.message}`);
    }
  }
});

Deno.test("recurrence differentiates twice (createGraph runs the Tensor-op backward)", () => {
  for (const mode of ["lstm", "gru"] as const) {
    const c = makeCase(mode, 2, 1, 2, 3);
    const fn = (xg: Tensor, whh: Tensor) => {
      const r = recurrence(mode, xg, whh, c.h0.detach(), {
        c0: c.c0?.detach() ?? null,
        bhh: c.bhh?.detach() ?? null,
        lengths: null,
      });
      return [r.output, r.h];
    };
    const report = gradgradcheck(fn, [c.xg, c.whh], { raise: false });
    assert.ok(report.ok, `${mode}: ${report.message}`);
  }
});

Deno.test("a 10,000-step LSTM runs forward and backward (no recursion over the steps)", () => {
  const c = makeCase("lstm", 10_000, 1, 2, 5);
  const r = recurrence("lstm", c.xg, c.whh, c.h0, { c0: c.c0 });
  r.output.sum().backward();
  assert.equal(c.xg.grad?.shape.join(), "10000,1,8");
  assert.ok(Number.isFinite(c.whh.grad!.sum().item()));
});

Deno.test("recurrence rejects wrong shapes, modes and lengths, naming them", () => {
  const z = (...s: number[]) => tensor(new Array(s.reduce((a, b) => a * b, 1)).fill(0)).reshape(s);
  assert.throws(
    () => recurrence("lstm", z(2, 3), z(8, 2), z(3, 2)),
    /xg must be \[T, B, G\], got \[2, 3\]/,
  );
  assert.throws(
    () => recurrence("lstm", z(2, 3, 8), z(6, 2), z(3, 2)),
    /whh must be \[4·H, H\] matching xg's 8 gate columns for mode lstm, got \[6, 2\]/,
  );
  assert.throws(
    () => recurrence("gru", z(2, 3, 6), z(6, 2), z(2, 2)),
    /h0 must be \[3, 2\], got \[2, 2\]/,
  );
  assert.throws(
    () => recurrence("rnnTanh", z(2, 3, 2), z(2, 2), z(3, 2), { lengths: [1, 3, 2] }),
    /lengths\[1\] is 3; each length must be an integer in \[1, 2\]/,
  );
  assert.throws(
    () => recurrence("rnnTanh", z(2, 3, 2), z(2, 2), z(3, 2), { lengths: [1, 2] }),
    /2 lengths for a batch of 3 sequences/,
  );
  assert.throws(
    () => recurrence("gru2" as RecurrentMode, z(1, 1, 1), z(1, 1), z(1, 1)),
    /mode must be one of/,
  );
  assert.throws(
    () => recurrence("rnnTanh", z(1, 1, 1), z(1, 1), z(1, 1), { bhh: z(1) }),
    /bhh is only for GRU/,
  );
  assert.throws(
    () => recurrence("rnnTanh", z(1, 1, 1), z(1, 1), z(1, 1).astype("float64")),
    /every operand must be float32/,
  );
});

Deno.test("recurrence and recurrenceReference describe a mode of any kind in their errors", () => {
  const h0 = tensor([[0, 0]]), xg = tensor([[[1, 2]]]), whh = tensor([[1, 0], [0, 1]]);
  for (
    const [name, f] of [["recurrence", recurrence], [
      "recurrenceReference",
      recurrenceReference,
    ]] as const
  ) {
    for (const mode of [Object.create(null), "toString"]) {
      assert.throws(
        () => f(mode as never, xg, whh, h0),
        new RegExp(`^RangeError: ${name}: mode must be one of .*, got (an object|"toString")$`),
      );
    }
  }
});
