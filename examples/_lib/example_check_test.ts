import assert from "node:assert/strict";
import { checkSummary, findExamples } from "./example_check.ts";
import type { ExampleSummary } from "./report.ts";

Deno.test("findExamples: scripts in any folder, not _ files or folders, not tests", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (
      const f of ["demo.ts", "_helper.ts", "rnn/hello.ts", "rnn/hello_test.ts", "_lib/report.ts"]
    ) {
      await Deno.mkdir(`${dir}/${f}`.replace(/\/[^/]+$/, ""), { recursive: true });
      await Deno.writeTextFile(`${dir}/${f}`, "");
    }
    await Deno.writeTextFile(`${dir}/rnn/notes.md`, "");
    assert.deepEqual(await findExamples(new URL(`file://${dir}/`)), ["demo.ts", "rnn/hello.ts"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkSummary: files written and non-empty, figures finite and within bounds", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.svg`, "<svg/>");
    await Deno.writeTextFile(`${dir}/empty.png`, "");
    const good: ExampleSummary = {
      family: "rnn",
      name: "hello",
      quick: true,
      seconds: 1,
      files: [`${dir}/a.svg`],
      metrics: { accuracy: { value: 0.9, min: 0.5, max: 1 }, loss: { value: 0.1 } },
      notes: [],
    };
    await checkSummary(good, "hello");
    const bad = (change: Partial<ExampleSummary>) => checkSummary({ ...good, ...change }, "hello");
    await assert.rejects(
      bad({ quick: false }),
      /hello: the summary says the run was not in quick mode/,
    );
    await assert.rejects(
      bad({ files: [`${dir}/b.svg`] }),
      /the listed file .*b\.svg was not written/,
    );
    await assert.rejects(
      bad({ files: [`${dir}/empty.png`] }),
      /the listed file .*empty\.png is empty/,
    );
    await assert.rejects(bad({ metrics: {} }), /no figure was recorded/);
    // NaN and ±Infinity arrive as null from JSON
    await assert.rejects(bad({ metrics: { loss: { value: null as never } } }), /'loss' is null/);
    await assert.rejects(
      bad({ metrics: { accuracy: { value: 0.4, min: 0.5 } } }),
      /'accuracy' = 0.4 is below its bound 0.5/,
    );
    await assert.rejects(
      bad({ metrics: { loss: { value: 3, max: 2.3 } } }),
      /'loss' = 3 is above its bound 2.3/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
