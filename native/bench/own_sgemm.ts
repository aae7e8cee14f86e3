/**
 * libnnc's own float32 GEMM against the BLAS on the products of the training workloads: each
 * shape's `matmul` with the native backend, in a fresh process per setting, once with
 * `NNC_GEMM=blas` (every product on the BLAS, libnnc splitting it over its threads) and once with
 * the default (mid-size products on libnnc's kernels where `nativeInfo().ownSgemm` says so), at 1
 * and 2 threads. Prints GFLOP/s (best of `--rounds` rounds of ≥ 0.2 s each) and the ratio own / BLAS.
 * The layouts are those of a linear layer's forward (x·Wᵀ), its weight gradient (dYᵀ·X) and its
 * input gradient (dY·W). `NNC_BLAS=/path/libmkl_rt.so.3` in the environment compares with MKL
 * instead (then the default also runs on the BLAS: the policy keeps its kernels for OpenBLAS).
 *
 * Usage: `deno run -A native/bench/own_sgemm.ts [--threads 1,2] [--rounds 5]`. A benchmark, never a
 * test: run it on a quiet machine.
 *
 * @module
 */
import { matmul, randn, Rng } from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import { nativeInfo } from "../mod.ts";
import { startNativeChild } from "./_child.ts";

const opt = (name: string, fallback: string): string => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
};

/** M, N, K and the layout: `nt` = A·Bᵀ, `tn` = Aᵀ·B, `nn` = A·B. */
const SHAPES: readonly [number, number, number, "nn" | "nt" | "tn"][] = [
  [128, 512, 784, "nt"],
  [512, 784, 128, "tn"],
  [128, 256, 512, "nt"],
  [128, 512, 256, "nn"],
  [128, 400, 784, "nt"],
  [128, 784, 400, "nn"],
  [784, 400, 128, "tn"],
  [2048, 512, 128, "nt"],
  [2048, 1024, 64, "nt"],
  [1024, 64, 2048, "tn"],
  [1024, 256, 2048, "tn"],
  [32, 1024, 256, "nt"],
  [256, 256, 256, "nn"],
  [1024, 1024, 1024, "nn"],
];

/** Child mode: GFLOP/s of every shape in this process's setting. */
async function child(): Promise<void> {
  if (!(await startNativeChild())) return;
  const rounds = Number(opt("rounds", "5"));
  const rng = new Rng(0);
  const rates: number[] = [];
  for (const [m, n, k, layout] of SHAPES) {
    const a = layout === "tn" ? randn([k, m], { rng }).T : randn([m, k], { rng });
    const b = layout === "nt" ? randn([n, k], { rng }).T : randn([k, n], { rng });
    const call = (): void => {
      const c: NDArray = matmul(a, b);
      c.dispose();
    };
    const flops = 2 * m * n * k;
    const reps = Math.max(3, Math.ceil(2e8 / flops));
    for (let i = 0; i < 3; i++) call();
    let best = Infinity;
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) call();
      best = Math.min(best, (performance.now() - t0) / 1e3 / reps);
    }
    rates.push(flops / best / 1e9);
  }
  const info = nativeInfo();
  console.log(
    JSON.stringify({ rates, ownSgemm: info.ownSgemm, blas: info.blas, core: info.coreType }),
  );
}

/** Runs one child with the given thread count and NNC_GEMM setting. */
async function measure(
  threads: number,
  gemm: string,
): Promise<{ rates: number[]; ownSgemm: boolean; blas: string; core: string }> {
  const env: Record<string, string> = {
    NNC_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
    NNC_GEMM: gemm,
  };
  const args = [
    "run",
    "-A",
    new URL(import.meta.url).pathname,
    "--child",
    "--rounds",
    opt("rounds", "5"),
  ];
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const result = JSON.parse(lines[lines.length - 1]);
  if (result.error) throw new Error(result.error);
  return result;
}

async function main(): Promise<void> {
  const threads = opt("threads", "1,2").split(",").map(Number);
  for (const t of threads) {
    const blas = await measure(t, "blas");
    const own = await measure(t, "auto");
    console.log(
      `\n${t} thread${t > 1 ? "s" : ""}: ${blas.blas} (${blas.core ?? "-"}) vs default` +
        ` (ownSgemm ${own.ownSgemm}); GFLOP/s, best of ${opt("rounds", "5")} rounds`,
    );
    console.log("M × N × K, layout        BLAS     default   default/BLAS");
    SHAPES.forEach(([m, n, k, layout], i) => {
      const label = `${m} × ${n} × ${k}, ${layout}`.padEnd(22);
      const b = blas.rates[i], o = own.rates[i];
      console.log(
        `${label} ${b.toFixed(1).padStart(7)}  ${o.toFixed(1).padStart(8)}  ${
          (o / b).toFixed(2).padStart(10)
        }`,
      );
    });
  }
}

if (import.meta.main) {
  if (Deno.args.includes("--child")) await child();
  else await main();
}
