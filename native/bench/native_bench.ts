/**
 * `deno bench -A native/bench/native_bench.ts`: the native backend's headline workloads (GEMM,
 * 4M-element add/mul, FFI overhead of a tiny call, conv forward by im2col + GEMM). For the
 * side-by-side with C, OpenBLAS and PyTorch run native/bench/compare.ts.
 *
 * @module
 */
import { add, getBackend, im2col, matmul, NDArray, useBackend } from "@nnc/tensor";
import { createNativeBackend, loadNative, NO_THRESHOLDS } from "../mod.ts";

const lib = await loadNative();
if (!lib.ok) throw new Error(`native backend not available: ${lib.reason}`);
useBackend("native");
const be = getBackend();
const tiny = createNativeBackend(lib.symbols, NO_THRESHOLDS);

const f32 = (shape: number[]): NDArray => {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.random() - 0.5;
  return NDArray.fromTyped(d, shape);
};

for (const n of [128, 1024]) {
  const a = f32([n, n]), b = f32([n, n]), out = f32([n, n]);
  Deno.bench({
    name: `sgemm n=${n} (kernel, preallocated out)`,
    group: `sgemm ${n}`,
    baseline: true,
  }, () => {
    be.matmul(out, a, b);
  });
  Deno.bench({ name: `sgemm n=${n} (matmul op)`, group: `sgemm ${n}` }, () => {
    matmul(a, b);
  });
}

const N = 4 << 20;
const x = f32([N]), y = f32([N]), o = f32([N]);
Deno.bench(
  { name: "add 4M f32 (kernel)", group: "elementwise 4M" },
  () => be.binary("add", o, x, y),
);
Deno.bench(
  { name: "mul 4M f32 (kernel)", group: "elementwise 4M" },
  () => be.binary("mul", o, x, y),
);
Deno.bench({ name: "add 4M f32 (op, allocates)", group: "elementwise 4M" }, () => {
  add(x, y);
});

const desc = new Float64Array(128), one = new Float32Array(1);
desc.set([0, 1, 0, 4, 1], 0);
desc[12] = 1;
const s1 = f32([1]), s2 = f32([1]), s3 = f32([1]);
Deno.bench({ name: "FFI: no-op call", group: "ffi" }, () => {
  lib.symbols.nnc_noop(desc, 1024, one);
});
Deno.bench({ name: "FFI: call + descriptor validation", group: "ffi" }, () => {
  lib.symbols.nnc_touch(desc, 1024, one);
});
Deno.bench({ name: "FFI: 1-element add through the backend", group: "ffi" }, () => {
  tiny.binary("add", s3, s1, s2);
});

for (
  const [name, C, O, H] of [["conv 1→32 3×3 28²", 1, 32, 28], [
    "conv 32→64 3×3 14²",
    32,
    64,
    14,
  ]] as const
) {
  const xin = f32([64, C, H, H]), w = f32([O, C * 9]), bias = f32([1, O, 1]);
  Deno.bench({ name: `${name}, batch 64 (ops)`, group: name }, () => {
    add(matmul(w, im2col(xin, { kernel: 3, padding: 1 })), bias);
  });
  const g = { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
  const cols = f32([64, C * 9, H * H]), out = f32([64, O, H * H]);
  const wb = new NDArray(w.storage, [64, O, C * 9], [0, C * 9, 1], 0);
  const bb = new NDArray(bias.storage, [64, O, H * H], [0, 1, 0], 0);
  Deno.bench({ name: `${name}, batch 64 (kernels, preallocated)`, group: name }, () => {
    be.im2col(cols, xin, g);
    be.matmul(out, wb, cols);
    be.binary("add", out, out, bb);
  });
}
