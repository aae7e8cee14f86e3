import assert from "node:assert/strict";
import { assertClose, softmax as ndSoftmax } from "@nnc/tensor";
import { Tensor, tensor } from "@nnc/autograd";
import {
  bceLoss,
  cauchySchwarzDivergence,
  crossEntropy,
  expectationLoss,
  hingeLoss,
  l1Loss,
  mseLoss,
  nllLoss,
  tanimotoLoss,
} from "./mod.ts";

Deno.test("the notes' loss zoo: o = (1.1, 2.2, 0.2, −1.7), y = (0, 1, 0, 0), σ = softmax", () => {
  const f64 = { dtype: "float64" as const };
  const o = tensor([1.1, 2.2, 0.2, -1.7], f64), y = tensor([0, 1, 0, 0], f64);
  // spec: 000-003/3.12
  const s = new Tensor(ndSoftmax(o.data));
  const yHat = y.mul(2).sub(1);
  const close = (v: Tensor, want: number, what: string) =>
    assert.ok(Math.abs(v.item() - want) < 5e-10, `${what}: ${v.item()} vs ${want}`);
  close(l1Loss(o, y, { reduction: "sum" }), 4.2, "L1");
  close(mseLoss(o, y, { reduction: "sum" }), 5.58, "L2");
  close(expectationLoss(s, y, 1), 0.6563187791, "L1∘σ");
  close(expectationLoss(s, y, 2), 0.1661538534, "L2∘σ");
  close(expectationLoss(s, y, Infinity), 0.3281593895, "Chebyshev");
  close(hingeLoss(o, yHat, { margin: 0.5, reduction: "sum" }), 2.3, "hinge");
  close(hingeLoss(o, yHat, { margin: 0.5, power: 2, reduction: "sum" }), 3.05, "hinge²");
  close(hingeLoss(o, yHat, { margin: 0.5, power: 3, reduction: "sum" }), 4.439, "hinge³");
  close(crossEntropy(o, y), 0.3977341534, "log (probability target)");
  close(crossEntropy(o, tensor(1, { dtype: "int32" })), 0.3977341534, "log (class index)");
  close(s.log().mul(y).square().sum().neg(), -0.1581924568, "log²");
  close(tanimotoLoss(s, y), -0.8017244021, "Tanimoto");
  close(cauchySchwarzDivergence(s, y), 0.0609001588, "D_CS");
  close(bceLoss(s, y), 0.1899718253, "averaged BCE on softmax outputs");
  // spec: 000-003/3.1
  // CE of the other classes and the gradient ŷ − y.
  for (const [k, want] of [[0, 1.4977341534], [2, 2.3977341534], [3, 4.2977341534]]) {
    close(crossEntropy(o, tensor(k, { dtype: "int32" })), want, `CE class ${k + 1}`);
  }
  const logits = tensor([1.1, 2.2, 0.2, -1.7], { ...f64, requiresGrad: true });
  crossEntropy(logits, y).backward();
  assertClose(logits.grad!.data, s.sub(y).data, { rtol: 1e-14, atol: 1e-15 });
});

Deno.test("classification with localisation: the notes' composite loss, 0.5120354596 with an object and 2.302585093 without", () => {
  // spec: 000-003/003.localisation
  const f64 = { dtype: "float64" as const };
  // y = (p_c, b_x, b_y, b_w, b_h, c_1..c_4) = (1, .5, .5, .2, .3, 0, 1, 0, 0); the prediction y'.
  const pc = tensor([1], f64), box = tensor([0.5, 0.5, 0.2, 0.3], f64);
  const cls = tensor([1], { dtype: "int32" });
  const pcHat = tensor([0.9], f64), boxHat = tensor([0.4, 0.5, 0.2, 0.1], f64);
  const clsHat = tensor([[0.1, 0.7, 0.1, 0.1]], f64);
  // p_c by binary CE (with the minus sign the notes drop), the box by squared error, the class by CE.
  const withObject = bceLoss(pcHat, pc).add(mseLoss(boxHat, box, { reduction: "sum" })).add(
    nllLoss(clsHat.log(), cls),
  );
  assert.ok(Math.abs(withObject.item() - 0.5120354596) < 5e-11, `${withObject.item()}`);
  // No object: only −log(1 − p'_c) counts.
  const noObject = bceLoss(pcHat, tensor([0], f64));
  assert.ok(Math.abs(noObject.item() - 2.302585093) < 5e-10, `${noObject.item()}`);
});
