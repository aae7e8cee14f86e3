import assert from "node:assert/strict";
import { mul, type NDArray } from "@nnc/tensor";
import {
  applyPrimitive,
  gradcheck,
  GradcheckError,
  gradgradcheck,
  type Primitive,
  type Tensor,
  tensor,
} from "./mod.ts";
import { stridedTensor } from "./_testing.ts";

/** 3x with a wrong reverse derivative (2) at index 1 only, and a wrong forward derivative everywhere. */
const BROKEN: Primitive<void> = {
  name: "broken",
  forward: ([x]: readonly NDArray[]) => mul(x, 3),
  vjp: (g: Tensor) => [g.mul(tensor([3, 2, 3], { dtype: "float64" }))],
  jvp: ([t]: readonly (Tensor | null)[]) => t && t.mul(4),
};
const broken = (x: Tensor): Tensor => applyPrimitive(BROKEN, [x], undefined);

Deno.test("gradcheck reports the input, element and output of a wrong reverse derivative", () => {
  const x = tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
  const report = gradcheck(
    (a, b) => broken(a).add(b),
    [x, tensor([0, 0, 0], { dtype: "float64" })],
    { raise: false },
  );
  assert.equal(report.ok, false);
  assert.equal(report.failureCount, 1);
  assert.deepEqual(report.failures[0], {
    mode: "reverse",
    input: 0,
    index: [1],
    output: 0,
    outputIndex: [1],
    analytical: 2,
    numerical: report.failures[0].numerical,
  });
  assert.ok(Math.abs(report.failures[0].numerical - 3) < 1e-6);
  assert.throws(() => gradcheck(broken, [x]), (e: unknown) => {
    assert.ok(e instanceof GradcheckError);
    assert.match(
      e.message,
      /gradcheck \(reverse mode\) failed for input 0 at index \[1\], output at \[1\]: analytical 2, numerical (2\.9999|3\.0000)/,
    );
    return true;
  });
});

Deno.test("gradcheck forward mode checks jvp; 'both' checks both", () => {
  const x = tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
  assert.throws(
    () => gradcheck(broken, [x], { mode: "forward" }),
    /gradcheck \(forward mode\) failed for input 0 at index \[0\].*analytical 4/,
  );
  const r = gradcheck(broken, [x], { mode: "both", raise: false });
  assert.equal(r.failures.filter((f) => f.mode === "forward").length, 3);
  assert.equal(r.failures.filter((f) => f.mode === "reverse").length, 1);
});

Deno.test("gradcheck keeps non-contiguous layouts, only differentiates inputs that require grad, names outputs", () => {
  const s = stridedTensor([3, 2], 1);
  let seen = true;
  gradcheck((t) => {
    seen &&= !t.data.isContiguous && t.dtype === "float64";
    return t.square();
  }, [s]);
  assert.ok(seen);
  const a = tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const b = tensor([5, 6], { dtype: "float64" }); // constant: not checked
  const r = gradcheck((p, q) => [p.mul(q), q.add(p.sum())], [a, b]);
  assert.equal(r.checked, 2 * 4);
  const bad = gradcheck((p) => [p.exp(), broken(p)], [
    tensor([1, 2, 3], { dtype: "float64", requiresGrad: true }),
  ], { raise: false });
  assert.match(bad.message, /output 1 at \[1\]/);
});

Deno.test("gradgradcheck catches a vjp that is right but not differentiable correctly", () => {
  // vjp detaches the saved input: first derivatives are right, second derivatives are not.
  const DETACHED: Primitive<void> = {
    name: "squareDetached",
    forward: ([x]: readonly NDArray[]) => mul(x, x),
    vjp: (g: Tensor, [x]: readonly Tensor[]) => [g.mul(x.detach()).mul(2)],
    jvp: ([t]: readonly (Tensor | null)[], [x]: readonly Tensor[]) => t && t.mul(x.detach()).mul(2),
  };
  const f = (x: Tensor): Tensor => applyPrimitive(DETACHED, [x], undefined);
  const x = tensor([0.5, -1], { dtype: "float64", requiresGrad: true });
  assert.ok(gradcheck(f, [x], { mode: "both" }).ok);
  assert.throws(() => gradgradcheck(f, [x]), /gradcheck \(reverse mode\) failed for input 0/);
  assert.ok(gradgradcheck((t) => t.square(), [x], { mode: "both" }).ok);
});

Deno.test("gradcheck argument errors", () => {
  const e = tensor([1], { dtype: "float64" }).data.expand([3]);
  assert.throws(
    () => gradcheck((t) => t, [e]),
    /gradcheck: input 0 of shape \[3\] is a broadcast view/,
  );
  assert.throws(
    () => gradcheck((t) => t, [tensor([1])], { mode: "sideways" as "both" }),
    /gradcheck: mode must be/,
  );
  assert.throws(
    () => gradcheck(5 as unknown as () => Tensor, []),
    /gradcheck: fn must be a function/,
  );
});

Deno.test("gradcheck and gradgradcheck name themselves for options, inputs and gradOutputs of the wrong kind", () => {
  const f = (t: Tensor) => t.square();
  assert.throws(
    () => gradcheck(f, [], null as never),
    /^TypeError: gradcheck: options must be an object, got null$/,
  );
  assert.throws(
    () => gradgradcheck(f, {} as never),
    /^TypeError: gradgradcheck: inputs must be an array of Tensors or NDArrays, got an object$/,
  );
  assert.throws(
    () => gradgradcheck(f, [tensor([1])], { gradOutputs: {} as never }),
    /^TypeError: gradgradcheck: gradOutputs must be an array of Tensors or NDArrays, got an object$/,
  );
});
