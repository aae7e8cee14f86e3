import assert from "node:assert/strict";
import { assertClose } from "@nnc/tensor";
import * as ag from "./mod.ts";
import { linalg, type Tensor, tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

const eye = (n: number): Tensor => ag.eye(n, n, { dtype: "float64" });
/** A symmetric positive-definite matrix from any square one (keeps perturbations symmetric). */
const spd = (a: Tensor): Tensor => a.matmul(a.transpose(-2, -1)).add(eye(a.shape[a.ndim - 1]));
const sym = (a: Tensor): Tensor => a.add(a.transpose(-2, -1));

Deno.test("solve: gradcheck for matrix, vector and broadcast batch right-hand sides", () => {
  check(linalg.solve, [R([3, 3], 1), R([3, 2], 2)]);
  check(linalg.solve, [R([2, 3, 3], 3), R([3], 4)]);
  check(linalg.solve, [R([2, 3, 3], 5), R([2, 3], 6)]);
  check(linalg.solve, [R([3, 3], 7), R([2, 3, 1], 8)]);
});

Deno.test("inv, det, slogdet: gradcheck (batched)", () => {
  check(linalg.inv, [R([2, 3, 3], 9)]);
  check(linalg.det, [R([2, 3, 3], 10)]);
  check((a) => linalg.slogdet(a).logabsdet, [R([3, 3], 11)]);
});

Deno.test("cholesky and eigh: gradcheck through symmetric parameterisations", () => {
  check((a) => linalg.cholesky(spd(a)), [R([3, 3], 12)]);
  check((a) => linalg.cholesky(spd(a)), [R([2, 2, 2], 13)]);
  check((a) => linalg.eigh(sym(a)).values, [R([3, 3], 14)]);
  // Eigenvector signs are arbitrary: check sign-invariant functions of them.
  check((a) => linalg.eigh(sym(a)).vectors.square(), [R([3, 3], 15)]);
  check((a) => {
    const { values, vectors } = linalg.eigh(sym(a));
    return vectors.mul(values.unsqueeze(-2)).matmul(vectors.T); // reconstructs a + aᵀ
  }, [R([3, 3], 16)]);
});

Deno.test("linalg on non-contiguous (transposed, strided) matrices: gradcheck", () => {
  check(linalg.solve, [S([3, 3], 23), S([3, 2], 24)]);
  check(linalg.inv, [S([3, 3], 25)]);
  check(linalg.det, [S([2, 2], 26)]);
  check((a) => linalg.cholesky(spd(a)), [S([3, 3], 27)]);
  check((a) => linalg.eigh(sym(a)).values, [S([3, 3], 28)]);
});

Deno.test("linalg: gradgradcheck", () => {
  check2(linalg.inv, [R([2, 2], 17)]);
  check2(linalg.det, [R([3, 3], 18)]);
  check2(linalg.solve, [R([2, 2], 19), R([2, 1], 20)]);
  check2((a) => linalg.cholesky(spd(a)), [R([2, 2], 21)]);
  check2((a) => linalg.eigh(sym(a)).values, [R([2, 2], 22)]);
});

Deno.test("closed forms: ∂det/∂A = det·A⁻ᵀ, ∂log|det|/∂A = A⁻ᵀ, eigenvalue gradients v vᵀ", () => {
  const a = tensor([[2, 1], [1, 3]], { dtype: "float64", requiresGrad: true });
  linalg.det(a).backward();
  assert.deepEqual(a.grad?.toArray(), [[3, -1], [-1, 2]]);
  const b = tensor([[4, 0], [0, -2]], { dtype: "float64", requiresGrad: true });
  const { sign, logabsdet } = linalg.slogdet(b);
  assert.equal(sign.item(), -1);
  logabsdet.backward();
  assertClose((b.grad as Tensor).data, [[0.25, 0], [0, -0.5]], { atol: 1e-15 });
  const c = tensor([[2, 1], [1, 2]], { dtype: "float64", requiresGrad: true });
  linalg.eigh(c).values.slice(0).backward(); // eigenvalue 1, eigenvector (1, −1)/√2
  assertClose((c.grad as Tensor).data, [[0.5, -0.5], [-0.5, 0.5]], { atol: 1e-14 });
});

Deno.test("linalg errors name the op", () => {
  assert.throws(
    () =>
      linalg.solve(
        tensor([[1, 2], [2, 4]], { dtype: "float64" }),
        tensor([1, 1], { dtype: "float64" }),
      ),
    /linalg.solve: a is singular/,
  );
  assert.throws(
    () => linalg.cholesky(tensor([[1, 2], [2, 1]], { dtype: "float64" })),
    /linalg.cholesky/,
  );
  assert.throws(
    () => linalg.solve(tensor([1, 2]), tensor([1, 2])),
    /linalg.solve: a must be \[\.\.\., n, n\]/,
  );
});
