// deno bench -A tensor/sort_bench.ts
import { NDArray } from "./ndarray.ts";
import { sort, topk } from "./sort.ts";

function uniform(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

const million = NDArray.fromTyped(uniform(1 << 20, 1), [1 << 20]);
const million64 = NDArray.fromTyped(Float64Array.from(million.data), [1 << 20]);
const logits = NDArray.fromTyped(uniform(1024 * 1000, 2), [1024, 1000]);
const plain = Float32Array.from(million.data);

Deno.bench("sort 2^20 float32", { group: "sort 1M", baseline: true }, () => {
  sort(million);
});
Deno.bench("sort 2^20 float32 descending", { group: "sort 1M" }, () => {
  sort(million, { descending: true });
});
Deno.bench("sort 2^20 float64", { group: "sort 1M" }, () => {
  sort(million64);
});
Deno.bench(
  "Float32Array.prototype.sort 2^20 (values only, for scale)",
  { group: "sort 1M" },
  () => {
    Float32Array.from(plain).sort();
  },
);
Deno.bench("topk k=5 of [1024, 1000]", { group: "topk", baseline: true }, () => {
  topk(logits, 5);
});
Deno.bench("sort rows of [1024, 1000]", { group: "topk" }, () => {
  sort(logits);
});
Deno.bench("topk k=5 of [1024, 1000] along axis 0", { group: "topk" }, () => {
  topk(logits, 5, { axis: 0 });
});
