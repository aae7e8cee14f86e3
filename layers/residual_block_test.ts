import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { randn, zeros } from "@nnc/autograd";
import { Linear, ReLU, ResidualBlock, Sequential } from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

Deno.test("ResidualBlock matches PyTorch: x + f(x) with post-activation, and Wx + f(x)", () => {
  const block = new ResidualBlock(
    new Sequential(new Linear(4, 4, f64), new ReLU(), new Linear(4, 4, f64)),
    { activation: new ReLU() },
  );
  assert.deepEqual(Object.keys(block.stateDict()), [
    "body.0.weight",
    "body.0.bias",
    "body.2.weight",
    "body.2.bias",
  ]);
  checkLayerCase("residual", block);
  const proj = new ResidualBlock(new Linear(4, 6, f64), {
    shortcut: new Linear(4, 6, { ...f64, bias: false }),
  });
  assert.deepEqual(Object.keys(proj.stateDict()), ["body.weight", "body.bias", "shortcut.weight"]);
  checkLayerCase("residual_projection", proj);
});

Deno.test("ResidualBlock: Jacobian is I + J_f (zero body gives the identity); shape errors; gradcheck", () => {
  const body = new Linear(3, 3, f64);
  body.weight.data = zeros([3, 3], f64).data;
  body.bias!.data = zeros([3], f64).data;
  const x = randn([2, 3], f64);
  assert.deepEqual(new ResidualBlock(body).forward(x).toArray(), x.toArray());
  assert.throws(
    () => new ResidualBlock(new Linear(3, 4)).forward(randn([2, 3])),
    /body output \[2, 4\] and shortcut output \[2, 3\] differ .*give a shortcut/,
  );
  const rng = new Rng(1);
  assert.ok(
    gradcheckModule(
      new ResidualBlock(new Linear(2, 3, { ...f64, rng }), {
        shortcut: new Linear(2, 3, { ...f64, rng, bias: false }),
      }),
      [randn([2, 2], { ...f64, rng })],
    ).ok,
  );
});
