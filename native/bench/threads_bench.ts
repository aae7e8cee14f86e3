/**
 * Do libnnc's pool and the BLAS's threads get in each other's way? Times a loop that alternates
 * GEMMs with elementwise work (as a training step does) under several threading settings, each in a
 * fresh process: `deno run -A native/bench/threads_bench.ts`. A benchmark, never a test.
 *
 * @module
 */
import { getBackend, NDArray, useBackend } from "@nnc/tensor";

const CHILD = "--child";

if (Deno.args.includes(CHILD)) {
  await import("../register.ts");
  useBackend("native");
  const be = getBackend();
  const f32 = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = Math.random() - 0.5;
    return NDArray.fromTyped(d, shape);
  };
  // One "layer" of a batch of 512: a large GEMM (512·1024·1024, BLAS-threaded), a medium one
  // (512·1024·128, split by libnnc), then bias, ReLU and a softmax over the output.
  const x = f32([512, 1024]), w1 = f32([1024, 1024]), w2 = f32([1024, 128]);
  const h = f32([512, 1024]), y = f32([512, 128]), p = f32([512, 128]);
  const bias = new NDArray(f32([1024]).storage, [512, 1024], [0, 1], 0);
  const step = () => {
    be.matmul(h, x, w1);
    be.binary("add", h, h, bias);
    be.unary("relu", h, h);
    be.matmul(y, h, w2);
    be.softmax(p, y, 1, false);
  };
  for (let i = 0; i < 5; i++) step();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) step();
    best = Math.min(best, (performance.now() - t0) / 10);
  }
  console.log(JSON.stringify({ ms: best }));
  Deno.exit(0);
}

const configs: [string, Record<string, string>][] = [
  ["default (libnnc pool; BLAS threads only inside large GEMMs, then asleep)", {}],
  [
    "NNC_BLAS_THREADING=blas, OPENBLAS_THREAD_TIMEOUT=28 (BLAS threads spin ~0.1 s after each call)",
    {
      NNC_BLAS_THREADING: "blas",
      OPENBLAS_THREAD_TIMEOUT: "28",
    },
  ],
  ["NNC_THREADS=1", { NNC_THREADS: "1" }],
  ["NNC_BLAS=builtin (libnnc's GEMM, one pool)", { NNC_BLAS: "builtin" }],
];
// NNC_BENCH_DENO_CONFIG: a config file for the children (only needed outside the workspace).
const config = Deno.env.get("NNC_BENCH_DENO_CONFIG");
const results = new Map<string, number>();
for (let round = 0; round < 3; round++) {
  for (const [name, env] of configs) {
    const out = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        ...(config ? ["--config", config] : []),
        new URL(import.meta.url).pathname,
        CHILD,
      ],
      env,
      stdout: "piped",
    }).outputSync();
    const ms = JSON.parse(new TextDecoder().decode(out.stdout)).ms as number;
    results.set(name, Math.min(results.get(name) ?? Infinity, ms));
  }
}
for (const [name, ms] of results) console.log(`${ms.toFixed(2).padStart(8)} ms/step  ${name}`);
