import { matmul, randn, Rng } from "./mod.ts";

const rng = new Rng(0);
for (const n of [128, 256, 512]) {
  const a = randn([n, n], { rng }), b = randn([n, n], { rng });
  Deno.bench(`matmul float32 n=${n} (${((2 * n ** 3) / 1e9).toFixed(3)} GFLOP per call)`, {
    group: "matmul",
  }, () => {
    matmul(a, b);
  });
}
const a = randn([128, 784], { rng }), w = randn([512, 784], { rng });
Deno.bench("matmul [128,784] @ [784,512]ᵀ (MLP layer)", { group: "matmul" }, () => {
  matmul(a, w.T);
});
