import assert from "node:assert/strict";
import fc from "fast-check";
import { assertClose, Rng } from "@nnc/tensor";
import {
  CompetitiveLearning,
  type CompetitiveStep,
  type RoundMode,
  type TieBreak,
} from "./competitive.ts";
import { lloyd } from "./kmeans.ts";

const MOCK_Q2 = [[0, 1], [1, 1], [0, -1], [-1, -1]];

function mockRun(
  tieBreak: TieBreak,
  round: RoundMode,
): { net: CompetitiveLearning; steps: CompetitiveStep[] } {
  const net = new CompetitiveLearning({
    weights: [[-1, 2], [2, -1]],
    lr: 0.5,
    scaleByOutput: true,
    tieBreak,
    round,
  });
  const steps: CompetitiveStep[] = [];
  net.fit(MOCK_Q2, { epochs: 2, onStep: (s) => steps.push(s) });
  return { net, steps };
}

Deno.test("CompetitiveLearning: mock final Q2 trace with ties to the first unit and half-to-even rounding", () => {
  // spec: 001-004/G2
  const { net, steps } = mockRun("first", "halfEven");
  // [fields, winner (0-based), ỹ, winner's weights after rounding] for the 8 iterations of the table.
  const table: [number[], number, number, number[]][] = [
    [[2, -1], 0, 2, [0, 1]],
    [[1, 1], 0, 1, [0, 1]],
    [[-1, 1], 1, 1, [1, -1]],
    [[-1, 0], 1, 0, [1, -1]],
    [[1, -1], 0, 1, [0, 1]],
    [[1, 0], 0, 1, [0, 1]],
    [[-1, 1], 1, 1, [0, -1]],
    [[-1, 1], 1, 1, [0, -1]],
  ];
  assert.equal(steps.length, 8);
  table.forEach(([fields, winner, output, weights], i) => {
    assert.deepEqual(steps[i].fields, fields, `iteration ${i + 1} fields`);
    assert.equal(steps[i].winner, winner, `iteration ${i + 1} winner`);
    assert.equal(steps[i].output, output, `iteration ${i + 1} output`);
    assert.deepEqual(steps[i].weights, weights, `iteration ${i + 1} weights`);
  });
  assert.deepEqual(net.weights.toArray(), [[0, 1], [0, -1]]);
  // Interpretation: the boundary is x₂ = 0.
  assert.deepEqual(Array.from(net.predict(MOCK_Q2).data), [0, 0, 1, 1]);
});

Deno.test("CompetitiveLearning: the mock answer depends on the tie and rounding rules (notes' sensitivity table)", () => {
  // spec: 001-004/G2
  assert.deepEqual(mockRun("first", "halfUp").net.weights.toArray(), [[1, 1], [1, -1]]);
  assert.deepEqual(mockRun("first", "halfAwayFromZero").net.weights.toArray(), [[1, 1], [1, -1]]);
  assert.deepEqual(mockRun("first", "halfTowardZero").net.weights.toArray(), [[0, 1], [0, -1]]);
  assert.deepEqual(mockRun("last", "halfEven").net.weights.toArray(), [[0, 2], [2, 2]]);
});

Deno.test("CompetitiveLearning: typed notes' example ends at (1, −0.925) and (0.9625, 0.9375)", () => {
  // spec: 001-004/G3
  const x = [[1, 1], [0.9, 1], [1, 1.1], [1, -1], [1.1, -1], [1, -1.1]];
  const net = new CompetitiveLearning({ weights: [[0.8, 0], [0.9, 0.1]], lr: 0.5 });
  const steps: CompetitiveStep[] = [];
  net.fit(x, { onStep: (s) => steps.push(s) });
  const fields = [[0.8, 1.0], [0.72, 1.405], [0.8, 1.7775], [0.8, 0.025], [1.49, 0.12125], [
    1.825,
    -0.06875,
  ]];
  steps.forEach((s, i) => assertClose(s.fields, fields[i], { atol: 1e-12, rtol: 0 }));
  assert.deepEqual(steps.map((s) => s.winner), [1, 1, 1, 0, 0, 0]);
  assertClose(steps[0].weights, [0.95, 0.55], { atol: 1e-12, rtol: 0 });
  assertClose(steps[1].weights, [0.925, 0.775], { atol: 1e-12, rtol: 0 });
  assertClose(steps[3].weights, [0.9, -0.5], { atol: 1e-12, rtol: 0 });
  assertClose(net.weights, [[1, -0.925], [0.9625, 0.9375]], { atol: 1e-12, rtol: 0 });
});

Deno.test("CompetitiveLearning: a repeated input pulls the winner as (1−η)ⁿw + (1 − (1−η)ⁿ)x", () => {
  const net = new CompetitiveLearning({ weights: [[1, 0], [0, 0.2]], lr: 0.3 });
  for (let i = 0; i < 5; i++) net.step([2, 3]);
  const a = 0.7 ** 5;
  assertClose(net.weights, [[a * 1 + (1 - a) * 2, (1 - a) * 3], [0, 0.2]], {
    atol: 1e-12,
    rtol: 0,
  });
});

Deno.test("CompetitiveLearning: batch mode is Lloyd's algorithm (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e6 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 6 }),
      (seed, k, epochs) => {
        const rng = new Rng(seed);
        const x = Array.from(
          { length: 30 },
          () => [rng.normal() * 2, rng.normal(), rng.normal() + 1],
        );
        const init = Array.from({ length: k }, () => [rng.normal(), rng.normal(), rng.normal()]);
        const net = new CompetitiveLearning({ weights: init });
        for (let e = 0; e < epochs; e++) net.batchStep(x);
        const r = lloyd(x, init, { maxIter: epochs, tol: 0, emptyCluster: "keep" });
        assertClose(net.weights, r.centers, { atol: 1e-9, rtol: 0 });
      },
    ),
    { numRuns: 50 },
  );
});

Deno.test("CompetitiveLearning: nearest-winner rule, random ties, random initialisation from data", () => {
  // (0, 3) has the larger field for x = (0, 1) but (0, 0.5) is nearer.
  const field = new CompetitiveLearning({ weights: [[0, 3], [0, 0.5]] });
  const nearest = new CompetitiveLearning({ weights: [[0, 3], [0, 0.5]], winner: "nearest" });
  assert.equal(field.step([0, 1]).winner, 0);
  assert.equal(nearest.step([0, 1]).winner, 1);
  const rnd = new CompetitiveLearning({
    weights: [[1, 0], [1, 0], [1, 0]],
    tieBreak: "random",
    rng: new Rng(1),
    lr: 0,
  });
  const wins = new Set(Array.from({ length: 40 }, () => rnd.step([1, 1]).winner));
  assert.deepEqual([...wins].sort(), [0, 1, 2]);
  const x = [[5, 5], [6, 6], [7, 7]];
  const fromData = new CompetitiveLearning({ nUnits: 2, rng: new Rng(3), lr: 0 }).fit(x);
  for (const row of fromData.weights.toArray() as number[][]) {
    assert.ok(x.some((r) => r.join() === row.join()));
  }
});

Deno.test("CompetitiveLearning: bad input is a clear error", () => {
  assert.throws(
    () => new CompetitiveLearning({ weights: [[1, 0]], tieBreak: "lowest" as TieBreak }),
    {
      name: "RangeError",
      message:
        'CompetitiveLearning: tieBreak must be one of "first", "last", "random", got "lowest"',
    },
  );
  assert.throws(
    () => new CompetitiveLearning({ weights: [[1, 0]], round: "bankers" as RoundMode }),
    /round must be one of "none", "halfEven"/,
  );
  assert.throws(() => new CompetitiveLearning({}), {
    name: "TypeError",
    message: "CompetitiveLearning: give either weights ([units, d]) or nUnits",
  });
  const net = new CompetitiveLearning({ weights: [[1, 0], [0, 1]] });
  assert.throws(() => net.fit([[1, 2, 3]]), {
    name: "RangeError",
    message: "CompetitiveLearning.fit: x has 3 features (shape [1, 3]), expected 2",
  });
  assert.throws(() => net.step([1, NaN]), {
    name: "RangeError",
    message: "CompetitiveLearning.step: x[1] is NaN, expected a finite number",
  });
  assert.throws(
    () => new CompetitiveLearning({ nUnits: 5 }).fit([[1], [2]]),
    /nUnits = 5 exceeds the number of samples 2/,
  );
});
