import assert from "node:assert/strict";
import { gcnNorm, normalizedAdjacency } from "./gcn_norm.ts";

Deno.test("normalizedAdjacency and gcnNorm name themselves in their argument errors", () => {
  assert.throws(
    () => normalizedAdjacency([[0], [1]], 0),
    /^RangeError: normalizedAdjacency: numNodes must be an integer in \[1, \d+\], got 0$/,
  );
  assert.throws(() => gcnNorm([[0], [1]], 0), /^RangeError: gcnNorm: numNodes/);
});
