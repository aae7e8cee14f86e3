import assert from "node:assert/strict";
import { runExample } from "./run_example.ts";

Deno.test("runExample: piped output is captured; inherited output is not read (the gallery's mode)", async () => {
  const piped = await runExample("_lib/_fixtures/echo_args.ts", {
    quick: false,
    outRoot: "/tmp/nowhere",
  });
  assert.equal(piped.code, 0);
  assert.equal(piped.stdout, "--out-root /tmp/nowhere\n");
  assert.equal(piped.stderr, "");
  const inherited = await runExample("_lib/_fixtures/echo_args.ts", {
    quick: true,
    outRoot: "/tmp/nowhere",
    inherit: true,
  });
  assert.equal(inherited.code, 3);
  assert.equal(inherited.stdout, "");
  assert.equal(inherited.stderr, "see the output above");
  assert.ok(inherited.seconds > 0);
});
