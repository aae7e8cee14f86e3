import assert from "node:assert/strict";
import { normalizeAxes, normalizeAxis } from "./shape.ts";

Deno.test("normalizeAxis and normalizeAxes resolve negative axes and name the op of a bad rank", () => {
  assert.equal(normalizeAxis(-1, 3, "sum"), 2);
  assert.deepEqual(normalizeAxes([-1, 0], 3, "sum"), [0, 2]);
  assert.throws(
    () => normalizeAxis(0, Symbol() as never, "sum"),
    /^TypeError: sum: ndim must be an integer >= 0, got a symbol$/,
  );
  assert.throws(
    () => normalizeAxes([0], {} as never, "mean"),
    /^TypeError: mean: ndim must be an integer >= 0, got an object$/,
  );
});
