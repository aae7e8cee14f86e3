// What the example runner checks: which files are examples, and what a summary must show.
import assert from "node:assert/strict";
import type { ExampleSummary } from "./report.ts";

/** Example scripts under `dir`, relative to examples/, sorted. */
export async function findExamples(dir: URL, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith("_") || entry.name.startsWith(".")) continue;
    if (entry.isDirectory) {
      found.push(...await findExamples(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`));
    } else if (entry.isFile && entry.name.endsWith(".ts") && !/[._]test\.ts$/.test(entry.name)) {
      found.push(`${prefix}${entry.name}`);
    }
  }
  return found.sort();
}

/** Checks a summary: quick mode, files present and non-empty, figures finite and in bounds. */
export async function checkSummary(summary: ExampleSummary, where: string): Promise<void> {
  assert.equal(summary.quick, true, `${where}: the summary says the run was not in quick mode`);
  for (const file of summary.files) {
    const info = await Deno.stat(file).catch(() => null);
    assert.ok(info !== null, `${where}: the listed file ${file} was not written`);
    assert.ok(info.size > 0, `${where}: the listed file ${file} is empty`);
  }
  const metrics = Object.entries(summary.metrics);
  assert.ok(metrics.length > 0, `${where}: no figure was recorded (report.metric)`);
  for (const [name, m] of metrics) {
    assert.ok(Number.isFinite(m.value), `${where}: '${name}' is ${m.value}`);
    if (m.min !== undefined) {
      assert.ok(m.value >= m.min, `${where}: '${name}' = ${m.value} is below its bound ${m.min}`);
    }
    if (m.max !== undefined) {
      assert.ok(m.value <= m.max, `${where}: '${name}' = ${m.value} is above its bound ${m.max}`);
    }
  }
}
