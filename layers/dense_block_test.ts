import assert from "node:assert/strict";
import { randn } from "@nnc/autograd";
import { Conv2d, DenseBlock, Linear } from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

Deno.test("DenseBlock matches PyTorch: concatenated inputs, channels grow by the growth rate", () => {
  const block = new DenseBlock([
    new Conv2d(2, 3, 3, { ...f64, padding: 1 }),
    new Conv2d(5, 3, 3, { ...f64, padding: 1 }),
  ]);
  assert.deepEqual(Object.keys(block.stateDict()), [
    "layers.0.weight",
    "layers.0.bias",
    "layers.1.weight",
    "layers.1.bias",
  ]);
  checkLayerCase("dense_block", block);
  const mlp = new DenseBlock([new Linear(2, 1, f64), new Linear(3, 1, f64)], { axis: -1 });
  assert.deepEqual(mlp.forward(randn([4, 2], f64)).shape, [4, 4]);
  assert.ok(gradcheckModule(mlp, [randn([2, 2], f64)]).ok);
  assert.throws(
    () => new DenseBlock([new Linear(2, 1), new Linear(2, 1)], { axis: -1 }).forward(randn([1, 2])),
    /Linear\(2→1\): expected input \[\*, 2\], got \[1, 3\]/,
  );
});
