// Runs every example in quick mode and checks what it reports (`deno task test:examples`), then
// builds the quick-mode gallery page from their summaries and checks that every file it links exists.
//
// Examples are the `.ts` files under examples/ (any depth) outside `_`-prefixed files and folders;
// a new family's folder is picked up as it is. Each runs as `deno run -A <script> --quick
// --out-root <temporary folder>` on the native backend when libnnc loads (the JS backend otherwise,
// or as NNC_BACKEND says), then its `<name>.summary.json` must show that it ran in quick mode, list
// only files that exist and are not empty, and record at least one figure, each finite and within
// its bounds. Not part of the plain `deno test` run (it would run three times there); the file name
// keeps it out of test discovery. The examples run two at a time (or as many as there are cores, up to
// four), each on one thread, so that one's start-up overlaps another's work; the tests report them
// in order.
import assert from "node:assert/strict";
import type { ExampleSummary } from "./report.ts";
import { checkSummary, findExamples } from "./example_check.ts";
import { type GalleryEntry, writeGallery } from "./gallery.ts";
import { runExample } from "./run_example.ts";

const EXAMPLES = new URL("../", import.meta.url);

/** The backend to run the examples on: NNC_BACKEND if set, else native when libnnc loads. */
async function backend(): Promise<string> {
  const chosen = Deno.env.get("NNC_BACKEND");
  if (chosen) return chosen;
  try {
    const { nativeInfo } = await import("@nnc/native");
    const info = nativeInfo();
    if (info.available) return "native";
    console.log(`examples run on the JS backend: ${info.reason}`);
  } catch (e) {
    console.log(`examples run on the JS backend: ${(e as Error).message}`);
  }
  return "js";
}

/** Summaries written under `dir` (any depth). */
async function summaries(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await summaries(path));
    else if (entry.name.endsWith(".summary.json")) found.push(path);
  }
  return found;
}

/** How many examples run at once: one per core, two to four. */
const WIDTH = Math.max(2, Math.min(4, navigator.hardwareConcurrency ?? 2));

/**
 * Starts `jobs` at most `width` at a time, in order; the i-th promise settles with the i-th job's
 * result or error (as a value, so that a failure waits, unhandled, for its test to report it).
 */
function startLimited<T>(
  jobs: (() => Promise<T>)[],
  width: number,
): Promise<{ value: T } | { error: unknown }>[] {
  let next = 0;
  const settle = jobs.map(() => Promise.withResolvers<{ value: T } | { error: unknown }>());
  const runNext = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      try {
        settle[i].resolve({ value: await jobs[i]() });
      } catch (error) {
        settle[i].resolve({ error });
      }
    }
  };
  for (let k = 0; k < Math.min(width, jobs.length); k++) runNext();
  return settle.map((s) => s.promise);
}

{
  const examples = await findExamples(EXAMPLES);
  const NNC_BACKEND = await backend();
  // Examples side by side share the cores: one thread each (unless NNC_THREADS says otherwise).
  const NNC_THREADS = Deno.env.get("NNC_THREADS") ?? "1";
  const outputs = new Map<string, string>();
  const runs = startLimited(
    examples.map((example) => async () => {
      const out = await Deno.makeTempDir({ prefix: "nnc-example-" });
      outputs.set(example, out);
      return await runExample(example, {
        quick: true,
        outRoot: out,
        env: { NNC_BACKEND, NNC_THREADS, NO_COLOR: "1" },
      });
    }),
    WIDTH,
  );
  let total = 0;
  // Each example's output folder is kept until the gallery test at the end has checked its links.
  const gallery: GalleryEntry[] = [];
  examples.forEach((example, i) => {
    // The runs started before the test and may finish in another's: no op or resource sanitizer.
    Deno.test({
      name: `example ${example} --quick (${NNC_BACKEND})`,
      sanitizeOps: false,
      sanitizeResources: false,
    }, async () => {
      const entry: GalleryEntry = {
        script: example,
        command: `deno run -A examples/${example} --quick`,
        code: -1,
        seconds: 0,
        summary: null,
      };
      gallery.push(entry);
      const run = await runs[i];
      if ("error" in run) throw run.error;
      const { code, stdout, stderr, seconds } = run.value;
      const out = outputs.get(example)!;
      entry.code = code;
      entry.seconds = seconds;
      entry.error = stderr.slice(-4000);
      total += seconds;
      const log = () => `\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
      assert.equal(code, 0, `${example} exited with code ${code}${log()}`);
      const written = await summaries(out);
      assert.equal(
        written.length,
        1,
        `${example} must write one summary (ExampleReport.write), found ${written.length}${log()}`,
      );
      const summary = JSON.parse(await Deno.readTextFile(written[0])) as ExampleSummary;
      entry.summaryPath = written[0];
      const folder = example.includes("/") ? example.slice(0, example.indexOf("/")) : null;
      if (folder !== null) {
        assert.equal(summary.family, folder, `${example}: its outputs belong in out/${folder}/`);
      }
      await checkSummary(summary, example);
      entry.summary = summary;
      console.log(
        `${example}: ${seconds.toFixed(1)} s (all examples so far: ${total.toFixed(1)} s)`,
      );
    });
  });
  Deno.test("gallery: the quick-mode page links only files the examples wrote", async () => {
    const root = await Deno.makeTempDir({ prefix: "nnc-gallery-" });
    try {
      const { missing } = await writeGallery(root, gallery, true);
      assert.deepEqual(missing, [], "the gallery links files that do not exist");
      const failed = gallery.filter((e) => e.code !== 0 || e.summary === null).map((e) => e.script);
      assert.deepEqual(failed, [], "examples without a summary on the gallery page");
    } finally {
      for (const dir of [root, ...outputs.values()]) await Deno.remove(dir, { recursive: true });
    }
  });
}
