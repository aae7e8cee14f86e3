import assert from "node:assert/strict";
import fc from "fast-check";
import { assertClose, Rng } from "@nnc/tensor";
import { gradcheck, randn, zeros } from "@nnc/autograd";
import {
  LearnedPositionalEmbedding,
  RotaryEmbedding,
  SinusoidalPositionalEncoding,
  sinusoidalPositionalEncoding,
} from "./mod.ts";

const f64 = "float64" as const;

Deno.test("sinusoidal encoding: the corrected formula (001-004 A2 erratum), not the notes' literal one", () => {
  // spec: 001-004/A2.positional-encoding
  // Derived in 001-004 (positional encoding, L816): standard PE with n = 4 at t = 1. The notes'
  // literal ω_k = C^{k/n} would give [0.841471, −0.839072, −0.506366, 0.562379] (aliased).
  const pe = sinusoidalPositionalEncoding(2, 4, { dtype: f64 });
  assertClose(pe.slice(1), [0.841471, 0.540302, 0.010000, 0.999950], { atol: 1e-6 });
  assert.deepEqual(pe.slice(0).toArray(), [0, 1, 0, 1]);
  // Each sin/cos pair shares one frequency: sin² + cos² = 1 at every position.
  const big = sinusoidalPositionalEncoding(50, 6, { dtype: f64 }).reshape(50, 3, 2);
  assertClose(big.square().sum({ axis: -1 }), new Array(50).fill([1, 1, 1]), { atol: 1e-12 });
  assert.equal(sinusoidalPositionalEncoding(3, 5).shape[1], 5);
  assert.throws(
    () => sinusoidalPositionalEncoding(3, 0),
    /sinusoidalPositionalEncoding: dModel must be an integer >= 1/,
  );
});

Deno.test("SinusoidalPositionalEncoding adds positions offset…; longer sequences are errors", () => {
  const pe = new SinusoidalPositionalEncoding(4, { maxLen: 6, dtype: f64 });
  const y = pe.forward(zeros([3, 2, 4], { dtype: f64 }), { offset: 1 }); // [L, N, d]
  assertClose(
    y.data.slice(null, 1),
    sinusoidalPositionalEncoding(4, 4, { dtype: f64 }).slice({ start: 1 }),
    { atol: 1e-15 },
  );
  assert.deepEqual(Object.keys(pe.stateDict()), [], "a rule, not a weight");
  assert.throws(
    () => pe.forward(zeros([5, 1, 4]), { offset: 2 }),
    /SinusoidalPositionalEncoding\(4, maxLen=6\): positions 2..6 of an input \[5, 1, 4\] exceed the table of maxLen = 6/,
  );
  assert.throws(
    () => pe.forward(zeros([5, 1, 3])),
    /expected input \[L, N, d\] or \[L, d\] with d = 4, got \[5, 1, 3\]/,
  );
});

Deno.test("LearnedPositionalEmbedding: a trained row per position, summed with the token", () => {
  const pos = new LearnedPositionalEmbedding(5, 3, {
    batchFirst: true,
    dtype: f64,
    rng: new Rng(1),
  });
  assert.deepEqual(Object.keys(pos.stateDict()), ["weight"]);
  const x = randn([2, 3, 3], { rng: new Rng(2), dtype: f64 });
  const y = pos.forward(x, { offset: 2 });
  assertClose(y.data.sub(x.data).slice(1), pos.weight.data.slice({ start: 2 }), { atol: 1e-15 });
  y.sum().backward();
  assert.deepEqual(pos.weight.grad!.data.sum({ axis: 1 }).toArray(), [0, 0, 6, 6, 6]);
  assert.throws(
    () => pos.forward(zeros([1, 4, 3]), { offset: 2 }),
    /positions 2..5 .* exceed the table of maxLen = 5/,
  );
});

Deno.test("RotaryEmbedding: rotations keep norms and make q·k depend on m − n only (property)", () => {
  const rope = new RotaryEmbedding(6, { maxLen: 64 });
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 20 }),
      fc.integer(),
      (m, n, shift, seed) => {
        const rng = new Rng(seed);
        const q = randn([1, 6], { rng, dtype: f64 }), k = randn([1, 6], { rng, dtype: f64 });
        const dot = (a: number, b: number) =>
          rope.forward(q, { offset: a }).mul(rope.forward(k, { offset: b })).sum().item();
        assertClose(dot(m + shift, n + shift), dot(m, n), { rtol: 1e-9, atol: 1e-12 });
        assertClose(rope.forward(q, { offset: m }).square().sum().item(), q.square().sum().item(), {
          rtol: 1e-12,
        });
      },
    ),
    { numRuns: 40 },
  );
  gradcheck((x) => rope.forward(x, { offset: 3 }), [
    randn([2, 3, 6], { rng: new Rng(5), dtype: f64, requiresGrad: true }),
  ], { mode: "both" });
  assert.throws(() => new RotaryEmbedding(5), /RotaryEmbedding: dim must be even, got 5/);
  assert.throws(() => rope.forward(zeros([70, 6])), /positions 0..69 exceed maxLen = 64/);
});
