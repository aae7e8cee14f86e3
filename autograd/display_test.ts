import assert from "node:assert/strict";
import { ones } from "@nnc/tensor";
import { Tensor, tensor } from "./mod.ts";

const display = (t: Tensor) =>
  (t as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();

Deno.test("Tensor display: header says Tensor, dtype, shape and the gradient status", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  assert.match(display(x)["text/html"], /Tensor float32 \[2\] requiresGrad<\/div>/);
  const y = x.mul(x).sum();
  const b = display(y);
  assert.match(b["text/html"], /Tensor float32 \[\] gradFn=sum<\/div>/);
  assert.equal(b["text/plain"], y.toString());
  y.backward();
  assert.match(display(x)["text/html"], /requiresGrad \(has grad\)<\/div>/);
  assert.match(
    display(tensor([3]))["text/html"],
    /Tensor float32 \[1\]<\/div><pre>tensor\(\[3\.\]\)/,
  );
});

Deno.test("Tensor display: an image-like tensor carries a PNG", () => {
  const b = display(new Tensor(ones([1, 12, 12])));
  assert.ok(b["image/png"].startsWith("iVBORw0KGgo"));
});
