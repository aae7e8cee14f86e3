// Where W7's per-op time goes (see overhead_bench.ts): a CPU profile of 4M tiny Tensor adds puts
// ~50% in `allocTyped` (a fresh ArrayBuffer per output) and ~25% in the garbage collector, against
// ~3.5% in the autograd layer. This suite isolates the allocation: the same JS kernel writing into a
// fresh Float32Array versus into a view carved from a shared 64 KB slab (what Node's Buffer pool
// does for small buffers).
import { add as ndAdd, getBackend, NDArray, Storage } from "@nnc/tensor";

const a = NDArray.fromTyped(new Float32Array(64).fill(1), [64]);
const b = NDArray.fromTyped(new Float32Array(64).fill(2), [64]);
const N = 10_000;

let slab = new ArrayBuffer(1 << 16), offset = 0;
function slabFloat32(n: number): Float32Array {
  const bytes = n * 4;
  if (offset + bytes > slab.byteLength) {
    slab = new ArrayBuffer(1 << 16);
    offset = 0;
  }
  const view = new Float32Array(slab, offset, n);
  offset += (bytes + 15) & ~15;
  return view;
}

Deno.bench("new Float32Array(64) ×10k", { group: "alloc", baseline: true }, () => {
  for (let i = 0; i < N; i++) new Float32Array(64);
});

Deno.bench("Float32Array(64) view of a 64 KB slab ×10k", { group: "alloc" }, () => {
  for (let i = 0; i < N; i++) slabFloat32(64);
});

Deno.bench("NDArray add (fresh output) ×10k", { group: "add", baseline: true }, () => {
  for (let i = 0; i < N; i++) ndAdd(a, b);
});

Deno.bench("same kernel, output from the slab ×10k", { group: "add" }, () => {
  const backend = getBackend();
  for (let i = 0; i < N; i++) {
    backend.binary("add", new NDArray(new Storage(slabFloat32(64)), [64]), a, b);
  }
});
