// The suites run their test files side by side in one process (`deno test --parallel`): a test that
// changes process-wide state (the environment, the working directory, the file-creation mask)
// changes it under the tests running beside it. Tests pass such values as arguments instead, or
// run the code in a child process with its own environment (see datasets/mnist_test.ts).
import assert from "node:assert/strict";
import { listSources } from "./check_layers.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Calls that change state every test of the process shares. */
const PROCESS_WIDE = /\bDeno\.(env\.set|env\.delete|chdir|umask)\s*\(/;

/** `file:line: text` for every line of `source` that changes process-wide state. */
function processStateChanges(file: string, source: string): string[] {
  return source.split("\n").flatMap((line, i) =>
    PROCESS_WIDE.test(line) && !line.trimStart().startsWith("//")
      ? [`${file}:${i + 1}: ${line.trim()}`]
      : []
  );
}

Deno.test("processStateChanges finds the calls that change the shared process, not comments", () => {
  const source = [
    'Deno.env.set("NNC_DATA", root);',
    "  Deno.env.delete ( 'CC' );",
    'const v = Deno.env.get("HOME");',
    "// Deno.env.set is not allowed here",
    "Deno.chdir(dir);",
    "Deno.umask(0o22);",
  ].join("\n");
  assert.deepEqual(processStateChanges("a_test.ts", source), [
    'a_test.ts:1: Deno.env.set("NNC_DATA", root);',
    "a_test.ts:2: Deno.env.delete ( 'CC' );",
    "a_test.ts:5: Deno.chdir(dir);",
    "a_test.ts:6: Deno.umask(0o22);",
  ]);
});

Deno.test("no test file or test helper changes the environment, directory or mask of the process", () => {
  const self = "tools/process_state_test.ts"; // its fixtures above are the calls it looks for
  const tests = listSources(ROOT).filter((f) => /(_test|_testing)\.ts$/.test(f) && f !== self);
  assert.ok(tests.length > 100, `only ${tests.length} test files found under ${ROOT}`);
  const found = tests.flatMap((f) => processStateChanges(f, Deno.readTextFileSync(`${ROOT}/${f}`)));
  assert.deepEqual(found, [], "pass the value as an argument, or use a child process");
});
