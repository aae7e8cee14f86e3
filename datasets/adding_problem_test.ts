import assert from "node:assert/strict";
import fc from "fast-check";
import { addingProblem } from "./adding_problem.ts";

Deno.test("addingProblem: two markers, one per half; the target is the sum of their values", () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 0, max: 1000 }), (T, seed) => {
      const { x, y } = addingProblem({ n: 5, length: T, seed });
      assert.deepEqual(x.shape, [5, T, 2]);
      for (let i = 0; i < 5; i++) {
        const marked: number[] = [];
        let sum = 0;
        for (let t = 0; t < T; t++) {
          const v = x.get(i, t, 0), m = x.get(i, t, 1);
          assert.ok(v >= 0 && v < 1 && (m === 0 || m === 1));
          if (m === 1) {
            marked.push(t);
            sum += v;
          }
        }
        assert.equal(marked.length, 2);
        assert.ok(marked[0] < Math.floor(T / 2) && marked[1] >= Math.floor(T / 2));
        assert.ok(Math.abs(y.get(i) - sum) < 1e-6);
      }
    }),
  );
});

Deno.test("addingProblem: predicting 1 gives a mean squared error near 1/6", () => {
  const { y } = addingProblem({ n: 20000, length: 10, seed: 1 });
  let mse = 0;
  for (let i = 0; i < y.size; i++) mse += (y.get(i) - 1) ** 2 / y.size;
  assert.ok(Math.abs(mse - 1 / 6) < 0.01, `${mse}`);
  assert.throws(
    () => addingProblem({ length: 1 }),
    /length must be an integer in \[2, 2147483647\], got (number )?1/,
  );
});
