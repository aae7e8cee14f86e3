import assert from "node:assert/strict";
import { array, NDArray } from "@nnc/tensor";
import * as ag from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

const target = array([2, 0, -100, 1], { dtype: "int32" });

/** The composite the primitive replaces: −log softmax(x)[t], 0 where ignored. */
function composite(x: ag.Tensor, t: NDArray): ag.Tensor {
  const keep = new Float64Array(t.size);
  const safe = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) {
    const k = t.get(i);
    if (k !== -100) [keep[i], safe[i]] = [1, k];
  }
  const picked = ag.gather(x.logSoftmax(1), 1, NDArray.fromTyped(safe, [t.size, 1])).squeeze(1);
  return picked.mul(new ag.Tensor(NDArray.fromTyped(keep, [t.size]))).neg();
}

Deno.test("softmaxCrossEntropy equals −log softmax(x)[t] and its gradient softmax − onehot", () => {
  const x = R([4, 3], 1);
  const x2 = new ag.Tensor(x.data, { requiresGrad: true });
  const g = R([4], 2).detach();
  const fused = ag.softmaxCrossEntropy(x, target);
  const ref = composite(x2, target);
  const fd = fused.toArray() as number[], rd = ref.toArray() as number[];
  fd.forEach((v, i) => assert.ok(Math.abs(v - rd[i]) < 1e-14, `loss ${i}`));
  assert.equal(fd[2], 0); // ignored row
  fused.backward(g);
  ref.backward(g);
  const gf = x.grad!.data, gr = x2.grad!.data;
  for (let i = 0; i < 12; i++) assert.ok(Math.abs(gf.data[i] - gr.data[i]) < 1e-14, `grad ${i}`);
  assert.deepEqual([gf.get(2, 0), gf.get(2, 1), gf.get(2, 2)], [0, 0, 0]);
});

Deno.test("softmaxCrossEntropy: gradcheck and gradgradcheck in both modes, strided logits", () => {
  check((x) => ag.softmaxCrossEntropy(x, target), [R([4, 3], 3)]);
  check((x) => ag.softmaxCrossEntropy(x, target), [S([4, 3], 4)]);
  check2((x) => ag.softmaxCrossEntropy(x, target).square(), [R([4, 3], 5)]);
});

Deno.test("softmaxCrossEntropy names the op and the bad target or shape", () => {
  const x = R([4, 3], 6);
  assert.throws(
    () => ag.softmaxCrossEntropy(x, array([0, 3, 1, 1], { dtype: "int32" })),
    /softmaxCrossEntropy: target 3 is out of range for 3 classes/,
  );
  assert.throws(
    () => ag.softmaxCrossEntropy(x, array([0, 1], { dtype: "int32" })),
    /softmaxCrossEntropy: logits \[4, 3\] need an int32 target \[4\], got int32 \[2\]/,
  );
  assert.throws(
    () => ag.softmaxCrossEntropy(R([4], 7), target),
    /softmaxCrossEntropy: logits must be floating \[N, C\]/,
  );
  assert.throws(
    () => ag.softmaxCrossEntropy(x, array([0, 1, 2, 0])),
    /need an int32 target \[4\], got float32 \[4\]/,
  );
});
