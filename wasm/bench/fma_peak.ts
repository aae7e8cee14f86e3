/**
 * The floating-point ceiling of 128-bit WebAssembly SIMD on one core of this machine, to judge the
 * GEMM kernels and the training steps against: `deno run -A wasm/bench/fma_peak.ts`. Compiles
 * `fma_peak.c` with the wasm toolchain of `deno task build:wasm` (clang-19; `WASM_CC` names
 * another), then times twelve independent chains of `f32x4.relaxed_madd` (one fused multiply-add,
 * 8 flops) and of `f32x4.mul` + `f32x4.add` (simd128 without relaxed SIMD), best of 7 runs of
 * about 2 × 10⁹ flops each. A benchmark, never a test.
 *
 * @module
 */
import { compilerCommand, RELAXED_FLAGS } from "../build.ts";

const dir = await Deno.makeTempDir({ prefix: "nnc-fma-peak-" });
const out = `${dir}/fma_peak.wasm`;
const source = new URL("./fma_peak.c", import.meta.url).pathname;
// The relaxed-SIMD kernel module's flags: the same toolchain and settings as the GEMM it bounds.
const args = [...RELAXED_FLAGS, "-o", out, source];
const r = await new Deno.Command(compilerCommand(), { args }).output();
if (!r.success) {
  console.error(new TextDecoder().decode(r.stderr));
  Deno.exit(1);
}
// RELAXED_FLAGS link with an imported memory, which these kernels never touch.
const memory = new WebAssembly.Memory({ initial: 256 }); // 16 MiB: above any initial size the linker declares
const { instance } = await WebAssembly.instantiate(await Deno.readFile(out), { env: { memory } });
await Deno.remove(dir, { recursive: true });
const kernels = instance.exports as Record<string, (n: number) => number>;
const n = 4_000_000;
const flops = n * 12 * 4 * 2; // 12 chains × 4 lanes × (multiply + add) per iteration
for (const [name, what] of [["madd", "f32x4.relaxed_madd"], ["muladd", "f32x4.mul + add"]]) {
  kernels[name](10_000);
  let best = Infinity;
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    kernels[name](n);
    best = Math.min(best, performance.now() - t);
  }
  console.log(
    `${what}: ${(flops / best / 1e6).toFixed(1)} GFLOP/s (best of 7: ${best.toFixed(2)} ms)`,
  );
}
