/**
 * Property-based fuzzing (fast-check) of the whole public API, on the JS and the native backend.
 *
 * Every exported function and class of every package (see `fuzz/_exports.ts`) is called with
 * arguments drawn from its signature (`fuzz/_values.ts`): mostly fitting ones, and wrong types,
 * shapes, ranks, dtypes, option values, NaN/Inf/empty/huge inputs. The contract of each call
 * (`fuzz/_contract.ts`): a result whose arrays are well formed (and of the expected shape where
 * the registry knows it), or a `TypeError`/`RangeError` whose message names the function — never
 * another error, a crash of the process, a native abort, or a call that takes longer than
 * NNC_FUZZ_CALL_MS (5 s). Calls run in a subprocess per backend, the backends side by side; a
 * watchdog names the call that hangs or crashes it, and the run resumes after that export.
 *
 * To add an entry for a new export, see the header of `fuzz/registry.ts` (usually: add its name
 * to one line). The first test fails when an export has no entry.
 *
 * Environment: NNC_FUZZ_RUNS (runs per export and backend, default 200: about 10^5 calls), NNC_FUZZ_SEED (default
 * 20), NNC_FUZZ_BACKENDS (default "js,native").
 *
 * Run by `deno task test:faults`: `deno test -A faults/fuzz_fault.ts`
 *
 * @module
 */
import assert from "node:assert/strict";
import { isClass, publicExports } from "./fuzz/_exports.ts";
import { AUTO, CUSTOM, EXCLUDED, KNOWN_VIOLATIONS } from "./fuzz/registry.ts";

const RUNS = Number(Deno.env.get("NNC_FUZZ_RUNS") ?? 200);
const SEED = Number(Deno.env.get("NNC_FUZZ_SEED") ?? 20);
const BACKENDS = (Deno.env.get("NNC_FUZZ_BACKENDS") ?? "js,native").split(",");
/** No progress for this long: the call in progress hangs (beyond its own 5 s bound). */
const WATCHDOG_MS = 30_000;
const ROOT = new URL("../", import.meta.url);
const WORKER = new URL("./fuzz/_fuzz_worker.ts", import.meta.url).pathname;

const exported = await publicExports(ROOT);
const registered = new Set<string>(Object.keys(CUSTOM));
for (const [pkg, names] of Object.entries(AUTO)) {
  for (const n of names.split(/\s+/).filter(Boolean)) registered.add(`${pkg}:${n}`);
}

Deno.test("fuzz registry: every exported function and class has an entry (or a reviewed exclusion)", () => {
  const keys = new Set(exported.map((e) => e.key));
  const missing = exported.filter((e) => !registered.has(e.key) && !(e.key in EXCLUDED));
  assert.deepEqual(
    missing.map((e) => e.key),
    [],
    "add these to faults/fuzz/registry.ts (see its header)",
  );
  const stale = [...registered, ...Object.keys(EXCLUDED)].filter((k) => !keys.has(k));
  assert.deepEqual(stale, [], "registry entries for exports that no longer exist");
  const both = Object.keys(EXCLUDED).filter((k) => registered.has(k));
  assert.deepEqual(both, [], "an export is either fuzzed or excluded");
});

Deno.test("fuzz registry: classes are told from functions, so the fuzzer builds them", () => {
  // Until stop 55 a typo in the class test (`[\\s{]`) took every class for a function: calling
  // one without `new` threw at once, and no class was ever built.
  assert.ok(isClass(class {}) && isClass(class Named {}) && isClass(class extends Error {}));
  assert.ok(!isClass(function plain() {}) && !isClass(() => 0) && !isClass(function* gen() {}));
  const kind = (key: string) => exported.find((e) => e.key === key)?.isClass;
  assert.deepEqual(
    ["layers:Linear", "optim:SGD", "train:History", "layers:linear", "tensor:zeros"].map(kind),
    [true, true, true, false, false],
  );
});

interface Stats {
  key: string;
  calls: number;
  ok: number;
  errors: number;
  violations: number;
  categories: Record<string, number>;
  ms: number;
  examples: { category: string; violation: string; call: string }[];
}

/** Runs the worker until it has gone through every export, restarting after a crash or hang. */
async function fuzzBackend(backend: string): Promise<{ stats: Stats[]; faults: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: `nnc-fuzz-${backend}-` });
  const faults: string[] = [];
  const stats: Stats[] = [];
  try {
    let from = "";
    for (let attempt = 0; attempt < 20; attempt++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-read",
          `--allow-write=${dir}`,
          "--allow-env",
          "--allow-ffi",
          "--allow-run",
          "--v8-flags=--max-old-space-size=3072",
          `--config=${new URL("deno.json", ROOT).pathname}`,
          WORKER,
          backend,
          dir,
          String(RUNS),
          String(SEED),
          ...(from ? [from] : []),
        ],
        cwd: dir,
        env: { NNC_BACKEND: backend },
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const out = { progress: "", lastChange: Date.now(), tail: "" };
      const reading = follow(child.stderr, out);
      let hung = false;
      const watchdog = setInterval(() => {
        if (Date.now() - out.lastChange > WATCHDOG_MS) {
          hung = true;
          child.kill("SIGKILL");
        }
      }, 500);
      const status = await child.status;
      clearInterval(watchdog);
      await reading;
      const progress = out.progress;
      if (status.success && progress === "DONE") break;
      const key = progress.split(" ")[0];
      faults.push(
        `${backend}: ${
          hung ? "HANG (no progress for 30 s)" : `CRASH (${status.signal ?? `exit ${status.code}`})`
        } in ${progress}\n${out.tail.slice(-1500)}`,
      );
      // Resume after the export that failed.
      const order = exported.map((e) => e.key).filter((k) => registered.has(k)).sort();
      const next = order[order.indexOf(key) + 1];
      if (next === undefined) break;
      from = next;
    }
    for (const line of readText(`${dir}/results.jsonl`).split("\n").filter(Boolean)) {
      stats.push(JSON.parse(line));
    }
    return { stats, faults };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** Reads the worker's stderr: the last progress line (and when it changed), the other output's tail. */
async function follow(
  stream: ReadableStream<Uint8Array>,
  out: { progress: string; lastChange: number; tail: string },
): Promise<void> {
  let pending = "";
  const decoder = new TextDecoder();
  for await (const bytes of stream) {
    const chunk = decoder.decode(bytes, { stream: true });
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("@@fuzz ")) {
        out.progress = line.slice(7);
        out.lastChange = Date.now();
      } else out.tail = (out.tail + line + "\n").slice(-20_000);
    }
  }
}

const { nativeInfo } = await import("@nnc/native");

/** The backends to fuzz: those asked for (NNC_FUZZ_BACKENDS) that load here. */
const FUZZED = BACKENDS.filter((b) => b !== "native" || nativeInfo().available);

type FuzzRun = { stats: Stats[]; faults: string[]; seconds: number } | { error: unknown };
let runs: Map<string, Promise<FuzzRun>> | undefined;

/**
 * The backends' fuzzers, started together by the first fuzz test (not at load, so that a run of
 * the registry test alone starts none), each in its own subprocess: their workers share the cores
 * and nothing else. Each test waits for its own; a failure is kept as a value until then.
 */
function fuzzRuns(): Map<string, Promise<FuzzRun>> {
  runs ??= new Map(FUZZED.map((backend) => {
    const t0 = performance.now();
    return [
      backend,
      fuzzBackend(backend).then(
        (value) => ({ ...value, seconds: (performance.now() - t0) / 1000 }),
        (error: unknown) => ({ error }),
      ),
    ];
  }));
  return runs;
}

for (const backend of BACKENDS) {
  Deno.test({
    name:
      `fuzz the public API on the ${backend} backend: no crash, no hang, only named TypeError/RangeError`,
    ignore: !FUZZED.includes(backend),
    // The fuzzers start together and may finish in another's test.
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const run = await fuzzRuns().get(backend)!;
      if ("error" in run) throw run.error;
      const { stats, faults, seconds } = run;
      const calls = stats.reduce((s, x) => s + x.calls, 0);
      const ok = stats.reduce((s, x) => s + x.ok, 0);
      const covered = new Set(stats.filter((s) => s.calls > 0).map((s) => s.key));
      const total = exported.length;
      const byCategory: Record<string, string[]> = {};
      for (const st of stats) {
        for (const c of Object.keys(st.categories)) (byCategory[c] ??= []).push(st.key);
      }
      const count = (c: string) => stats.reduce((n, st) => n + (st.categories[c] ?? 0), 0);
      const slowest = [...stats].sort((a, b) => b.ms - a.ms).slice(0, 5)
        .map((s) => `${s.key} ${(s.ms / 1000).toFixed(1)} s`).join(", ");
      console.log(
        `fuzz ${backend}: ${calls} calls (${ok} returned, ${
          calls - ok
        } threw) over ${covered.size} of ${total} exports (${
          (100 * covered.size / total).toFixed(1)
        }%) in ${
          seconds.toFixed(0)
        } s (seed ${SEED}, ${RUNS} runs per export); crashes/hangs of the process: ${faults.length}; ${
          Object.keys(byCategory).map((c) =>
            `${c}: ${count(c)} calls in ${byCategory[c].length} exports`
          )
            .join(", ") || "no contract violations"
        }; slowest: ${slowest}`,
      );
      for (const st of stats.filter((x) => x.violations > 0)) {
        console.log(`  ${st.key}: ${JSON.stringify(st.categories)} of ${st.calls}`);
        for (const e of st.examples) {
          console.log(`    ${e.call}\n      -> ${e.category}: ${e.violation}`);
        }
      }
      for (const f of faults) console.log(`  ${f}`);
      assert.deepEqual(faults, [], "crashes or hangs of the process");
      for (const c of ["hang", "wrongShape", "badArray"]) {
        assert.deepEqual(byCategory[c] ?? [], [], `${c} violations`);
      }
      // Errors that do not name the function: only the known ones (debt listed in the registry).
      const soft = new Set(
        ["unnamed", "namesAnotherOp", "wrongClass"].flatMap((c) => byCategory[c] ?? []),
      );
      const fixed = KNOWN_VIOLATIONS.filter((k) => !soft.has(k));
      if (fixed.length > 0) {
        console.log(
          `  known violations not seen on ${backend} (remove if fixed): ${fixed.join(", ")}`,
        );
      }
      console.log(
        `  contract: 0 crashes/hangs/wrong shapes; ${soft.size} exports with known naming violations (${
          [...soft].reduce((n, k) => n + (stats.find((x) => x.key === k)?.violations ?? 0), 0)
        } calls)`,
      );
      assert.deepEqual(
        [...soft].filter((k) => !KNOWN_VIOLATIONS.includes(k)),
        [],
        "exports whose errors do not name them (fix them, or list them in KNOWN_VIOLATIONS)",
      );
      assert.ok(covered.size >= 0.9 * total, `only ${covered.size} of ${total} exports fuzzed`);
    },
  });
}
