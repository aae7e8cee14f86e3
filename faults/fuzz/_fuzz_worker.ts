// Subprocess of fuzz_fault.ts: fuzzes every registered export on one backend and appends one
// JSON line per export to the results file; writes the export and call it is at to the progress
// line to stderr (the parent's watchdog reads it to name a hang or a crash).
//
// Usage: deno run --allow-read --allow-write=<dir> --allow-env --allow-ffi --allow-run
//          faults/fuzz/_fuzz_worker.ts <js|native> <dir> <runs per export> <seed> [first key]
// (NNC_FUZZ_ONLY=<key prefix>,… limits the run to those exports.)
// Writes <dir>/results.jsonl, and progress lines ("@@fuzz <export> <call> <arguments>") to
// stderr; file arguments of the fuzzed calls point into <dir>/files.
import fc from "fast-check";
import { getBackend, manualSeed, useBackend } from "@nnc/tensor";
import { Module } from "@nnc/layers";
import { constructorOf, type DocIndex, type DocParam, methodsOf, readDoc } from "./_doc.ts";
import { argsFor, baseShape, type Draw, type Scene } from "./_values.ts";
import { type Category, checkError, checkResult, describeArgs } from "./_contract.ts";
import { DataFormatError, DatasetNotFoundError } from "@nnc/datasets";
import { AUTO, CUSTOM, type FuzzEntry } from "./registry.ts";
import { type Export, PACKAGES, publicExports } from "./_exports.ts";

const [backend, dir, runsArg, seedArg, firstKey] = Deno.args;
if (backend === "native") {
  await import("@nnc/native");
  useBackend("native");
}
if (getBackend().name !== backend) throw new Error(`backend ${backend} is not available`);
const RUNS = Number(runsArg);
const SEED = Number(seedArg);
/** A call that takes longer than this is reported as a hang. */
const CALL_BOUND_MS = Number(Deno.env.get("NNC_FUZZ_CALL_MS") ?? 5000);
const files = `${dir}/files`;
Deno.mkdirSync(files, { recursive: true });

const root = new URL("../../", import.meta.url);
const index: DocIndex = await readDoc(
  PACKAGES.map((p) => new URL(`${p}/mod.ts`, root).pathname),
  root.pathname,
);
const exports = await publicExports(root);
const TENSOR_PACKAGES = new Set([
  "autograd",
  "layers",
  "optim",
  "train",
  "models/mlp",
  "models/cnn",
]);
const encoder = new TextEncoder();
/** Marks the progress lines on stderr (the fuzzed code may print there too). */
const PROGRESS = "@@fuzz ";

/** Entries to run: the registered exports, in a fixed order, from `firstKey` on. */
function entries(): { ex: Export; entry: FuzzEntry }[] {
  const auto = new Set<string>();
  for (const [pkg, names] of Object.entries(AUTO)) {
    for (const n of names.split(/\s+/).filter(Boolean)) auto.add(`${pkg}:${n}`);
  }
  const out = exports
    .filter((ex) => auto.has(ex.key) || ex.key in CUSTOM)
    .map((ex) => ({ ex, entry: CUSTOM[ex.key] ?? {} }))
    .sort((a, b) => (a.ex.key < b.ex.key ? -1 : 1));
  const start = firstKey ? out.findIndex((e) => e.ex.key === firstKey) : 0;
  // NNC_FUZZ_ONLY: comma-separated key prefixes ("layers:", "optim:SGD"), to fuzz a few exports.
  const only = (Deno.env.get("NNC_FUZZ_ONLY") ?? "").split(",").filter(Boolean);
  return out.slice(Math.max(0, start)).filter((e) =>
    only.length === 0 || only.some((p) => e.ex.key.startsWith(p))
  );
}

function functionParams(ex: Export): DocParam[] {
  const url = new URL(`${ex.pkg}/mod.ts`, root).href;
  return index.modules.get(url)?.functions.get(ex.name) ?? [];
}

/** Names an error of this call may use: the export's, its class's and bases', the method's. */
function namesOf(ex: Export, method?: string, instance?: unknown): string[] {
  const names = [ex.name, ex.name.split(".").at(-1)!];
  if (ex.isClass) names.push(...functionalForms(ex));
  if (method) names.push(method);
  for (let p = instance && Object.getPrototypeOf(instance); p && p !== Object.prototype;) {
    names.push(p.constructor.name);
    p = Object.getPrototypeOf(p);
  }
  return names;
}

/**
 * The functions of a class's package that are its functional form, which a module's errors may
 * name as PyTorch's do: the class's name in lower camel case, with or without a trailing "Loss"
 * (`GLU` → `glu`, `BCEWithLogitsLoss` → `bceWithLogits`, `NLLLoss` → `nllLoss`).
 */
function functionalForms(ex: Export): string[] {
  const bare = (n: string) => n.toLowerCase();
  const wanted = new Set([bare(ex.name), bare(ex.name).replace(/loss$/, "")]);
  return exports
    .filter((e) => e.pkg === ex.pkg && !e.isClass && wanted.has(bare(e.name)))
    .map((e) => e.name);
}

interface Outcome {
  violation: string | null;
  category?: Category;
  ok: boolean;
  args: string;
  slowMs?: number;
}

async function settle(value: unknown, bound: number): Promise<unknown> {
  if (!(value instanceof Promise)) return value;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      value,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`HANG: promise pending after ${bound} ms`)),
          bound,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One call (one method call for a class) under the contract. */
async function invoke(
  fn: () => unknown,
  names: string[],
  entry: FuzzEntry,
  args: unknown[],
  shape?: (args: unknown[], result: unknown) => number[] | undefined,
): Promise<Outcome & { result?: unknown }> {
  const t0 = performance.now();
  const bound = entry.callMs ?? CALL_BOUND_MS;
  const argText = () => describeArgs(args);
  try {
    const result = await settle(fn(), bound);
    const ms = performance.now() - t0;
    if (ms > bound) {
      const violation = `HANG: returned after ${ms.toFixed(0)} ms`;
      return { violation, category: "hang", ok: false, args: argText() };
    }
    const bad = checkResult(result);
    if (bad) return { violation: bad, category: "badArray", ok: true, args: argText(), result };
    if (shape) {
      const expected = shape(args, result);
      const got = (result as { shape?: number[] })?.shape;
      if (expected && got && expected.join() !== got.join()) {
        const violation = `wrong shape [${got}], expected [${expected}]`;
        return { violation, category: "wrongShape", ok: true, args: argText(), result };
      }
    }
    return { violation: null, ok: true, args: "", result };
  } catch (e) {
    const ms = performance.now() - t0;
    if (e instanceof Error && e.message.startsWith("HANG")) {
      return { violation: e.message, category: "hang", ok: false, args: argText() };
    }
    if (ms > bound) {
      const violation = `HANG: threw after ${ms.toFixed(0)} ms`;
      return { violation, category: "hang", ok: false, args: argText() };
    }
    const accept = [...(entry.errors ?? []), DataFormatError, DatasetNotFoundError];
    if (entry.io) accept.push(...Object.values(Deno.errors) as (new () => Error)[]);
    // Names computed from the arguments (an `op` option) are added once the call is made.
    const all = [...names, ...(typeof entry.names === "function" ? entry.names(args) : [])]
      .filter((n): n is string => typeof n === "string" && n !== "");
    const v = checkError(e, all, accept);
    if (!v) return { violation: null, ok: false, args: "" };
    const lenient = entry.strictWhen !== undefined && !entry.strictWhen(args);
    if (lenient && (v.category === "unnamed" || v.category === "namesAnotherOp")) {
      return { violation: null, ok: false, args: "" };
    }
    if (entry.passThrough && v.category === "namesAnotherOp") {
      return { violation: null, ok: false, args: "" };
    }
    const where = (e as Error).stack?.split("\n").slice(1, 3).join("\n") ?? "";
    return { violation: `${v.text}\n${where}`, category: v.category, ok: false, args: argText() };
  } finally {
    entry.after?.();
  }
}

interface Stats {
  key: string;
  calls: number;
  ok: number;
  errors: number;
  violations: number;
  /** Violations by category. */
  categories: Partial<Record<Category, number>>;
  examples: { category: Category; violation: string; call: string }[];
}

async function fuzz(ex: Export, entry: FuzzEntry): Promise<Stats> {
  const stats: Stats = {
    key: ex.key,
    calls: 0,
    ok: 0,
    errors: 0,
    violations: 0,
    categories: {},
    examples: [],
  };
  const record = (o: Outcome, call: string) => {
    stats.calls++;
    if (o.violation) {
      const category = o.category ?? "unnamed";
      stats.violations++;
      stats.categories[category] = (stats.categories[category] ?? 0) + 1;
      // Keep an example of each category (the worst kinds first in the report).
      if (stats.examples.filter((x) => x.category === category).length < 2) {
        stats.examples.push({ category, violation: o.violation, call });
      }
    } else if (o.ok) stats.ok++;
    else stats.errors++;
  };
  // A class's run builds it and makes one or two calls: half the runs give as many calls.
  const runs = Math.max(1, Math.round(RUNS * (entry.weight ?? (ex.isClass ? 0.5 : 1))));
  const property = fc.asyncProperty(fc.gen(), async (g) => {
    const draw: Draw = (arb) => g(arb);
    manualSeed(0);
    const scene: Scene = {
      draw,
      base: baseShape(draw),
      tensors: TENSOR_PACKAGES.has(ex.pkg),
      index,
      dir: files,
    };
    if (entry.call) {
      const captured: unknown[] = [];
      const spy = (...a: unknown[]) => (captured.push(...a), ex.value(...a));
      progress(`${ex.key} ${stats.calls} custom call`);
      const o = await invoke(
        () => entry.call!(scene, spy),
        namesOf(ex),
        entry,
        captured,
        entry.shape,
      );
      record(o, `${ex.name}(${o.args || describeArgs(captured)})`);
      return;
    }
    if (!ex.isClass) {
      const args = argsFor(scene, functionParams(ex));
      progress(`${ex.key} ${stats.calls} ${ex.name}(${describeArgs(args)})`.slice(0, 400));
      const names = [...namesOf(ex), ...(Array.isArray(entry.names) ? entry.names : [])];
      const op = entry.opArg === undefined ? undefined : args[entry.opArg];
      if (typeof op === "string") names.push(op);
      const o = await invoke(() => ex.value(...args), names, entry, args, entry.shape);
      record(o, `${ex.name}(${o.args})`);
      return;
    }
    // An abstract class (Optimizer, LRScheduler, Loss) is built only through its subclasses,
    // which are fuzzed themselves: nothing to call here.
    if (index.classes.get(ex.name)?.isAbstract) return;
    const ctorArgs = argsFor(scene, constructorOf(index, ex.name));
    progress(`${ex.key} ${stats.calls} new ${ex.name}(${describeArgs(ctorArgs)})`.slice(0, 400));
    // A base class's constructor takes the subclass's name for its errors (ConvNd, RNNBase).
    const extra = typeof entry.names === "function"
      ? entry.names(ctorArgs).map(String)
      : entry.names ?? [];
    const ctorNames = [...namesOf(ex), ...extra];
    const ctorOp = entry.opArg === undefined ? undefined : ctorArgs[entry.opArg];
    if (typeof ctorOp === "string") ctorNames.push(ctorOp);
    const made = await invoke(
      () => Reflect.construct(ex.value, ctorArgs),
      ctorNames,
      entry,
      ctorArgs,
    );
    record(made, `new ${ex.name}(${made.args})`);
    if (!made.ok || made.violation) return;
    const instance = made.result as Record<string, unknown>;
    const methods = methodsOf(index, ex.name).filter((m) =>
      !m.isStatic && typeof instance[m.name] === "function"
    );
    const statics = methodsOf(index, ex.name).filter((m) =>
      m.isStatic && typeof (ex.value as unknown as Record<string, unknown>)[m.name] === "function"
    );
    const calls = draw(() => fc.integer({ min: 1, max: 2 }));
    for (let c = 0; c < calls; c++) {
      let m = methods[draw(() => fc.integer({ min: 0, max: Math.max(0, methods.length - 1) }))];
      const forward = methods.find((x) => x.name === "forward");
      if (instance instanceof Module && forward && draw(() => fc.integer({ min: 0, max: 9 })) < 7) {
        m = forward;
      }
      let target: unknown = instance;
      if (statics.length > 0 && draw(() => fc.integer({ min: 0, max: 5 })) === 0) {
        m = statics[draw(() => fc.integer({ min: 0, max: statics.length - 1 }))];
        target = ex.value;
      }
      if (!m) break;
      const args = argsFor(scene, m.params);
      const label = `${ex.name}${target === instance ? "#" : "."}${m.name}`;
      progress(`${ex.key} ${stats.calls} ${label}(${describeArgs(args)})`.slice(0, 400));
      const method = (target as Record<string, (...a: unknown[]) => unknown>)[m.name];
      const o = await invoke(
        () => method.apply(target, args),
        [
          ...namesOf(ex, m.name, instance),
          ...extra,
          ...(typeof ctorOp === "string" ? [ctorOp] : []),
        ],
        entry,
        args,
      );
      record(o, `${label}(${o.args})`);
    }
  });
  await fc.assert(property, { numRuns: runs, seed: SEED, endOnFailure: true });
  return stats;
}

/**
 * Says which call runs now, on stderr before every call (so a crash or a hang is named exactly);
 * a pipe, as a file write here costs milliseconds.
 */
function progress(text: string): void {
  Deno.stderr.writeSync(encoder.encode(`${PROGRESS}${text.replaceAll("\n", " ")}\n`));
}

globalThis.addEventListener("unhandledrejection", (e) => {
  // A rejected promise nobody awaited (a callback's): not a crash of the call under test.
  e.preventDefault();
});

for (const { ex, entry } of entries()) {
  progress(`${ex.key} 0 start`);
  const t0 = performance.now();
  const stats = await fuzz(ex, entry);
  const line = JSON.stringify({ ...stats, ms: Math.round(performance.now() - t0) }) + "\n";
  Deno.writeFileSync(`${dir}/results.jsonl`, encoder.encode(line), { append: true });
}
progress("DONE");
