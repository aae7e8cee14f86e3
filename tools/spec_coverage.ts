/**
 * Counts the worked examples of the course spec (`tools/spec_examples.json`) that tests reproduce.
 * A test marks the block that reproduces one with a comment `// spec: <doc>/<item>`, e.g.
 * `// spec: 000-003/3.8`. Prints the count per document, and with `--missing` the ids no test
 * tags; exits with 1 when a test tags an id that is not in the list (a typo).
 *
 * Usage: `deno run --allow-read tools/spec_coverage.ts [--missing] [--json]`
 *
 * @module
 */

/** Where in the tests each spec example is reproduced. */
export interface SpecCoverage {
  /** Every known id with its description. */
  examples: Record<string, string>;
  /** Covered ids → the test files that tag them. */
  covered: Map<string, string[]>;
  /** Tags that name no known example, as `file: tag`. */
  unknown: string[];
}

const TAG = /spec:\s*((?:000-003|001-004|002-part-a|002-part-b)\/[\w.-]+)/g;

async function* testFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = dir === "." ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory) {
      if (!e.name.startsWith(".") && e.name !== "node_modules" && e.name !== "out") {
        yield* testFiles(path);
      }
    } else if (e.name.endsWith("_test.ts")) yield path;
  }
}

/** Scans the test files under `root` for spec tags. */
export async function specCoverage(root = "."): Promise<SpecCoverage> {
  const list = JSON.parse(await Deno.readTextFile(`${root}/tools/spec_examples.json`));
  const examples = list.examples as Record<string, string>;
  const covered = new Map<string, string[]>();
  const unknown: string[] = [];
  for await (const file of testFiles(root)) {
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(TAG)) {
      const id = m[1].replace(/[.]+$/, "");
      if (!(id in examples)) {
        unknown.push(`${file}: ${id}`);
        continue;
      }
      const files = covered.get(id) ?? [];
      if (!files.includes(file)) files.push(file);
      covered.set(id, files);
    }
  }
  return { examples, covered, unknown };
}

if (import.meta.main) {
  const { examples, covered, unknown } = await specCoverage();
  const ids = Object.keys(examples);
  const docs = [...new Set(ids.map((id) => id.split("/")[0]))];
  if (Deno.args.includes("--json")) {
    console.log(
      JSON.stringify({ total: ids.length, covered: Object.fromEntries(covered) }, null, 2),
    );
  } else {
    for (const doc of docs) {
      const mine = ids.filter((id) => id.startsWith(doc + "/"));
      const done = mine.filter((id) => covered.has(id)).length;
      console.log(`${doc.padEnd(11)} ${String(done).padStart(3)} / ${mine.length}`);
    }
    console.log(
      `${"all".padEnd(11)} ${
        String(covered.size).padStart(3)
      } / ${ids.length} worked examples reproduced by tests`,
    );
    if (Deno.args.includes("--missing")) {
      for (const id of ids.filter((id) => !covered.has(id))) {
        console.log(`missing ${id}: ${examples[id]}`);
      }
    }
  }
  for (const u of unknown) console.error(`unknown spec tag ${u}`);
  if (unknown.length > 0) Deno.exit(1);
}
