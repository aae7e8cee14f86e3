import { add, exp, mul, randn, Rng } from "./mod.ts";

const rng = new Rng(0);
const big = [randn([1 << 22], { rng }), randn([1 << 22], { rng })];
const small = [randn([64], { rng }), randn([64], { rng })];
const row = randn([1024], { rng });
const mat = randn([1024, 1024], { rng });

Deno.bench("add 4M float32", { group: "elementwise" }, () => {
  add(big[0], big[1]);
});
Deno.bench("mul 4M float32", { group: "elementwise" }, () => {
  mul(big[0], big[1]);
});
Deno.bench("exp 4M float32", { group: "elementwise" }, () => {
  exp(big[0]);
});
Deno.bench("add broadcast [1024,1024] + [1024]", { group: "elementwise" }, () => {
  add(mat, row);
});
Deno.bench("add transposed [1024,1024]", { group: "elementwise" }, () => {
  add(mat.T, mat);
});
Deno.bench("W7: add of two 64-element arrays", { group: "overhead" }, () => {
  add(small[0], small[1]);
});
