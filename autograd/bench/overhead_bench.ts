// W7: per-op overhead on tiny tensors. 10,000 eager adds of two 64-element float32 tensors, with
// and without requiresGrad, next to the same loop on NDArrays (the @nnc/tensor frontend alone).
// PyTorch's figures for the same loop come from overhead_torch.py (`python3 overhead_torch.py`).
import { add as ndAdd, NDArray } from "@nnc/tensor";
import { add, noGrad, Tensor } from "@nnc/autograd";

const N = 10_000;
const a = NDArray.fromTyped(new Float32Array(64).fill(1), [64]);
const b = NDArray.fromTyped(new Float32Array(64).fill(2), [64]);
const ta = new Tensor(a), tb = new Tensor(b);
const ga = new Tensor(a, { requiresGrad: true }), gb = new Tensor(b, { requiresGrad: true });

Deno.bench("W7 NDArray add ×10k (tensor frontend only)", { group: "W7", baseline: true }, () => {
  for (let i = 0; i < N; i++) ndAdd(a, b);
});

Deno.bench("W7 Tensor add ×10k, no requiresGrad", { group: "W7" }, () => {
  for (let i = 0; i < N; i++) add(ta, tb);
});

Deno.bench("W7 Tensor add ×10k, requiresGrad (graph recorded)", { group: "W7" }, () => {
  for (let i = 0; i < N; i++) add(ga, gb);
});

Deno.bench("W7 Tensor add ×10k, requiresGrad inside noGrad", { group: "W7" }, () => {
  noGrad(() => {
    for (let i = 0; i < N; i++) add(ga, gb);
  });
});

Deno.bench("W7 chain of 10k adds + backward", { group: "W7 backward" }, () => {
  let y = ga;
  for (let i = 0; i < N; i++) y = add(y, gb);
  y.sum().backward();
  ga.grad = null;
  gb.grad = null;
});
