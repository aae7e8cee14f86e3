/**
 * Where the time of one training step (or any bench/compare workload) goes: every kernel call of
 * the active backend is timed, and the rest of the step is the TypeScript side (autograd graph,
 * validation, allocation, optimiser loops in JS).
 *
 * Usage: `NNC_BACKEND=native NNC_THREADS=2 deno run -A bench/profile_step.ts W2 [--steps 50]`
 *
 * @module
 */
import { type Backend, getBackend, registerBackend, useBackend } from "@nnc/tensor";
import { loadNativeIfRequested } from "./_native.ts";

const name = Deno.args[0] ?? "W2";
const si = Deno.args.indexOf("--steps");
const steps = si >= 0 ? Number(Deno.args[si + 1]) : 50;
const backendName = await loadNativeIfRequested();
const w = await import("./_training_workloads.ts");
const makers: Record<string, () => Promise<[() => void, Record<string, number>]>> = {
  W2: w.w2,
  W3: w.w3,
  W4: w.w4,
  W5: w.w5,
  W8: w.w8,
  W9: w.w9,
  RESNET: w.resnet20,
};
if (!makers[name]) {
  console.error(`unknown workload ${name}; known: ${Object.keys(makers).join(", ")}`);
  Deno.exit(2);
}
const [step] = await makers[name]();
for (let i = 0; i < 5; i++) step();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const plain: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  step();
  plain.push(performance.now() - t0);
}

const stats = new Map<string, { calls: number; ms: number }>();
// With --by-shape, one row per kernel and operand shapes (the arrays among its arguments)
const byShape = Deno.args.includes("--by-shape");
// and op name (the string among its arguments: which binary, unary or reduction it is).
function shapesOf(args: unknown[]): string {
  return args.flatMap((a) => {
    if (typeof a === "string") return [a];
    const shape = typeof a === "object" && a !== null
      ? (a as { shape?: unknown }).shape
      : undefined;
    return Array.isArray(shape) ? [`[${shape.join(",")}]`] : [];
  }).join(" ");
}
const base = getBackend();
const wrapped: Record<string, unknown> = { name: `${base.name}-profiled` };
for (const key of Object.keys(base) as (keyof Backend)[]) {
  const fn = base[key];
  if (typeof fn !== "function") {
    wrapped[key] = fn;
    continue;
  }
  wrapped[key] = (...args: unknown[]) => {
    const label = byShape ? `${key} ${shapesOf(args)}` : key;
    let s = stats.get(label);
    if (s === undefined) stats.set(label, s = { calls: 0, ms: 0 });
    const t0 = performance.now();
    try {
      return (fn as (...a: unknown[]) => unknown).apply(base, args);
    } finally {
      s.ms += performance.now() - t0;
      s.calls++;
    }
  };
}
registerBackend(wrapped as unknown as Backend);
useBackend(wrapped.name as string);
const profiled: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  step();
  profiled.push(performance.now() - t0);
}
useBackend(base.name);

const total = profiled.reduce((a, b) => a + b, 0) / steps;
const rows = [...stats.entries()].filter(([, s]) => s.calls > 0).sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((a, [, s]) => a + s.ms, 0) / steps;
console.log(
  `${name} on ${backendName}: step ${median(plain).toFixed(3)} ms (median of ${steps}); profiled ${
    total.toFixed(3)
  } ms/step, of which kernels ${kernelMs.toFixed(3)} ms, TypeScript outside kernels ${
    (total - kernelMs).toFixed(3)
  } ms`,
);
console.log(
  "kernel".padEnd(byShape ? 70 : 22) + "calls/step".padStart(11) + "ms/step".padStart(10) +
    "µs/call".padStart(10) + "share".padStart(8),
);
for (const [k, s] of rows) {
  console.log(
    k.padEnd(byShape ? 70 : 22) + (s.calls / steps).toFixed(1).padStart(11) +
      (s.ms / steps).toFixed(3).padStart(10) +
      ((s.ms / s.calls) * 1000).toFixed(1).padStart(10) +
      `${((s.ms / steps / total) * 100).toFixed(1)}%`.padStart(8),
  );
}
