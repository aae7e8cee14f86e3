import assert from "node:assert/strict";
import { checkDType } from "./dtype.ts";

Deno.test("checkDType names the op and describes any value, a BigInt too", () => {
  assert.equal(checkDType("int32", "zeros"), "int32");
  assert.throws(
    () => checkDType(3n, "zeros"),
    /^TypeError: zeros: unknown dtype 3; expected one of int32, float32, float64$/,
  );
});
