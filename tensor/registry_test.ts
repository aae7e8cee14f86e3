import assert from "node:assert/strict";
import { getBackend, listBackends, referenceBackend, registerBackend } from "./mod.ts";
import type { Backend } from "./backend.ts";

Deno.test("registerBackend rejects what is not a whole backend (found by the API fuzzer)", () => {
  // Registering junk used to succeed (under the name `undefined`) and broke later calls.
  const before = listBackends();
  assert.throws(
    () => registerBackend(null as never),
    /^TypeError: registerBackend: expected a Backend/,
  );
  assert.throws(
    () => registerBackend({} as never),
    /registerBackend: the backend needs a non-empty string name/,
  );
  assert.throws(
    () => registerBackend({ name: "half", add: () => 0 } as unknown as Backend),
    /registerBackend: backend "half" lacks \d+ kernels/,
  );
  assert.deepEqual(listBackends(), before);
  registerBackend({ ...referenceBackend(), name: "copy-of-js" });
  assert.ok(listBackends().includes("copy-of-js"));
  assert.equal(getBackend().name === "copy-of-js", false);
});
