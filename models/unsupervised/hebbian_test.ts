import assert from "node:assert/strict";
import { assertClose } from "@nnc/tensor";
import { Hebbian } from "./hebbian.ts";

const SIX = [[1, 1], [0.9, 1], [1, 1.1], [1, -1], [1.1, -1], [1, -1.1]];

Deno.test("Hebbian: typed notes' example, w(2)…w(7) ending at (−0.1, 6.3)", () => {
  // spec: 001-004/G4
  const h = new Hebbian({ weights: [0.1, 0.1], lr: 1, output: "sign" });
  const ws: number[][] = [];
  const ys: number[] = [];
  h.fit(SIX, { onStep: (y) => (ys.push(y[0]), ws.push((h.weights.toArray() as number[][])[0])) });
  assert.deepEqual(ys, [1, 1, 1, -1, -1, -1]);
  assertClose(ws, [[1.1, 1.1], [2, 2.1], [3, 3.2], [2, 4.2], [0.9, 5.2], [-0.1, 6.3]], {
    atol: 1e-12,
    rtol: 0,
  });
  // The final weights separate the two groups.
  assert.deepEqual(Array.from(h.predict(SIX).data), [1, 1, 1, -1, -1, -1]);
});

Deno.test("Hebbian: fields met by the notes' example at x4, x5, x6 are −0.2, −2.0, −4.82", () => {
  // spec: 001-004/G4
  const h = new Hebbian({ weights: [0.1, 0.1] });
  const fields: number[] = [];
  for (const x of SIX) {
    fields.push(
      new Hebbian({ weights: (h.weights.toArray() as number[][])[0], output: "linear" }).forward(
        x,
      )[0],
    );
    h.step(x);
  }
  assertClose(fields.slice(3), [-0.2, -2.0, -4.82], { atol: 1e-12, rtol: 0 });
});

Deno.test("Hebbian: undamped growth is linear with sign output and doubling with linear output", () => {
  // spec: 001-004/G5
  const sign = new Hebbian({ weights: [1], output: "sign" });
  const lin = new Hebbian({ weights: [1], output: "linear" });
  const s: number[] = [], l: number[] = [];
  for (let i = 0; i < 4; i++) {
    s.push(sign.weights.get(0, 0));
    l.push(lin.weights.get(0, 0));
    sign.step([1]);
    lin.step([1]);
  }
  assert.deepEqual(s, [1, 2, 3, 4]);
  assert.deepEqual(l, [1, 2, 4, 8]);
});

Deno.test("Hebbian: damped form w ← αw + ηxy gives 1, 1+α, 1+α+α², … → 1/(1−α)", () => {
  // spec: 001-004/G5
  for (const alpha of [0.5, 0.9]) {
    const h = new Hebbian({ weights: [1], decay: alpha });
    const seq = [1];
    for (let i = 0; i < 3; i++) {
      h.step([1]);
      seq.push(h.weights.get(0, 0));
    }
    assertClose(seq, [1, 1 + alpha, 1 + alpha + alpha ** 2, 1 + alpha + alpha ** 2 + alpha ** 3], {
      rtol: 1e-15,
    });
    for (let i = 0; i < 500; i++) h.step([1]);
    assertClose(h.weights.get(0, 0), 1 / (1 - alpha), { rtol: 1e-12 });
  }
});

Deno.test("Hebbian: several units update independently; bad input is a clear error", () => {
  const h = new Hebbian({ weights: [[1, 0], [0, -1]], output: "linear", lr: 0.5 });
  h.step([2, 1]);
  // y = (2, −1): w0 += 0.5·2·x, w1 += 0.5·(−1)·x.
  assert.deepEqual(h.weights.toArray(), [[3, 1], [-1, -1.5]]);
  assert.throws(() => h.step([1, 2, 3]), {
    name: "RangeError",
    message: "Hebbian.step: x has length 3, expected 2",
  });
  assert.throws(() => h.fit([[1, Infinity]]), {
    name: "RangeError",
    message: "Hebbian.fit: x contains Infinity at row 0, column 1; expected finite values",
  });
  assert.throws(
    () => new Hebbian({ weights: [1], output: "tanh" as "sign" }),
    /Hebbian: output must be one of "sign", "linear", got "tanh"/,
  );
  assert.throws(
    () => new Hebbian({ weights: [1], decay: NaN }),
    /Hebbian: decay must be a finite number, got NaN/,
  );
});
