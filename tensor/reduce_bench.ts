import { argmax, randn, Rng, softmax, sum } from "./mod.ts";

const x = randn([1024, 1024], { rng: new Rng(0) });

Deno.bench("sum all [1024,1024]", { group: "reduce" }, () => {
  sum(x);
});
Deno.bench("sum axis 0 [1024,1024]", { group: "reduce" }, () => {
  sum(x, { axis: 0 });
});
Deno.bench("sum axis 1 [1024,1024]", { group: "reduce" }, () => {
  sum(x, { axis: 1 });
});
Deno.bench("argmax axis 1 [1024,1024]", { group: "reduce" }, () => {
  argmax(x, { axis: 1 });
});
Deno.bench("softmax axis 1 [1024,1024]", { group: "reduce" }, () => {
  softmax(x, 1);
});
