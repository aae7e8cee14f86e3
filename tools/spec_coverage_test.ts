import assert from "node:assert/strict";
import { specCoverage } from "./spec_coverage.ts";

Deno.test("every spec tag in the tests names a known worked example", async () => {
  const { unknown, covered, examples } = await specCoverage(".");
  assert.deepEqual(unknown, []);
  for (const id of covered.keys()) assert.ok(id in examples, id);
});

Deno.test("a typo in a tag is reported", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/tools`);
    await Deno.writeTextFile(
      `${root}/tools/spec_examples.json`,
      JSON.stringify({ examples: { "000-003/3.1": "softmax" } }),
    );
    const tag = (id: string) => `// ${"spec"}: ${id}\n`; // built so this file carries no tag itself
    await Deno.writeTextFile(`${root}/a_test.ts`, tag("000-003/3.1") + tag("000-003/3.99"));
    const r = await specCoverage(root);
    assert.deepEqual([...r.covered.keys()], ["000-003/3.1"]);
    assert.deepEqual(r.unknown, [`${root}/a_test.ts: 000-003/3.99`]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
