// Worked values of the notes reproduced by the machinery of the gradient-descent experiments.
import assert from "node:assert/strict";
import { array, linalg } from "@nnc/tensor";
import { type Tensor, tensor } from "@nnc/autograd";
import { SGD } from "@nnc/optim";
import { descend, distances, hw5Quadratic } from "./_descent.ts";

const close = (a: number, b: number, tol: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

Deno.test("GD and the notes' momentum on f(x) = x²/2 from 1 with α = 0.1", () => {
  const half = (p: Tensor) => p.square().sum().mul(0.5);
  // spec: 002-part-a/3b.gd-quadratic
  const gd = descend(half, [1], (ps) => new SGD(ps, { lr: 0.1 }), 3).points.map((p) => p[0]);
  [1, 0.9, 0.81, 0.729].forEach((v, i) => close(gd[i], v, 1e-15, `x${i}`));
  // spec: 002-part-a/3b.momentum
  const mom = descend(
    half,
    [1],
    (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, variant: "notes" }),
    3,
  )
    .points.map((p) => p[0]);
  [1, 0.9, 0.72, 0.486].forEach((v, i) => close(mom[i], v, 1e-15, `x${i}`));
  // the velocities are the differences of the iterates: −0.1, −0.18, −0.234
  [-0.1, -0.18, -0.234].forEach((v, i) => close(mom[i + 1] - mom[i], v, 1e-15, `v${i + 1}`));
});

Deno.test("HW5 Q1: GD on the quadratic for η = 0.02, 0.05, 0.1 over 500 iterations", () => {
  // spec: 001-004/G11
  const target = [1, 3];
  close(hw5Quadratic(tensor([1, 3], { dtype: "float64" })).item(), 0, 1e-14, "R(w*)");
  close(hw5Quadratic(tensor([0, 0], { dtype: "float64" })).item(), 1, 0, "R(0)");
  const run = (eta: number, steps = 500) =>
    distances(
      descend(hw5Quadratic, [0, 0], (ps) => new SGD(ps, { lr: eta }), steps, Infinity),
      target,
    );
  const d02 = run(0.02), d05 = run(0.05), d1 = run(0.1);
  close(d02[1], 3.150873, 1e-6, "η 0.02 step 1");
  close(d05[1], 3.138471, 1e-6, "η 0.05 step 1");
  close(d1[1], 3.130495, 1e-6, "η 0.1 step 1");
  close(d02[500], 0.826191, 1e-6, "η 0.02 final");
  close(d05[500], 0.109771, 1e-6, "η 0.05 final");
  close(d1[10], 142.75, 0.01, "η 0.1 after 10 steps");
  close(Math.log10(d1[500]), Math.log10(1.7e148), 0.01, "η 0.1 final");
  // the stability limit 2/λ_max of the Hessian [[26, −10], [−10, 4]]
  const lambda = linalg.eigh(array([[26, -10], [-10, 4]], { dtype: "float64" })).values
    .toArray() as number[];
  close(Math.max(...lambda), 15 + Math.sqrt(221), 1e-12, "λ_max");
  close(2 / Math.max(...lambda), 0.0669656, 1e-7, "η limit");
});

Deno.test("GD on R(w) = w⁴: η = 1/8 from 1 (7/16, not 3/16), η = 1/2 cycles", () => {
  // spec: 001-004/G12
  const quartic = (p: Tensor) => p.pow(4).sum();
  const slow = descend(quartic, [1], (ps) => new SGD(ps, { lr: 1 / 8 }), 5).points.map((p) => p[0]);
  [1, 0.5, 7 / 16, 3241 / 8192, 0.364667, 0.340420].forEach((v, i) =>
    close(slow[i], v, 1e-6, `w${i}`)
  );
  const cycle = descend(quartic, [1], (ps) => new SGD(ps, { lr: 1 / 2 }), 6).points.map((p) =>
    p[0]
  );
  assert.deepEqual(cycle, [1, -1, 1, -1, 1, -1, 1]);
});

Deno.test("minimum-norm least squares: GD from 0 reaches A⁺y; from x0 it keeps x0's null-space part", () => {
  // spec: 000-003/3.7
  const lsq = (A: number[][], y: number[]) => (x: Tensor) =>
    tensor(A, { dtype: "float64" }).matmul(x).sub(tensor(y, { dtype: "float64" })).square().sum()
      .mul(0.5);
  const one = descend(lsq([[1, 1]], [2]), [0, 0], (ps) => new SGD(ps, { lr: 0.1 }), 500).points.at(
    -1,
  )!;
  close(one[0], 1, 1e-12, "case 1 x");
  close(one[1], 1, 1e-12, "case 1 y");
  const A = [[1, 2, 3], [4, 5, 6]], y = [1, 2];
  // singular values 9.5080320, 0.7728696: μ_max = 2/σ₁² = 0.0221232
  const s = linalg.svd(array(A, { dtype: "float64" })).s.toArray() as number[];
  close(s[0], 9.5080320, 1e-7, "σ1");
  close(s[1], 0.7728696, 1e-7, "σ2");
  close(2 / s[0] ** 2, 0.0221232, 1e-7, "μ_max");
  const fromZero = descend(lsq(A, y), [0, 0, 0], (ps) => new SGD(ps, { lr: 0.01 }), 3500).points.at(
    -1,
  )!;
  [-1 / 18, 1 / 9, 5 / 18].forEach((v, i) => close(fromZero[i], v, 1e-9, `x_ln[${i}]`));
  const fromX0 = descend(lsq(A, y), [1, 0, 0], (ps) => new SGD(ps, { lr: 0.01 }), 3500).points.at(
    -1,
  )!;
  [1 / 9, -2 / 9, 4 / 9].forEach((v, i) => close(fromX0[i], v, 1e-9, `x_ln + V2V2ᵀx0 [${i}]`));
  // (1, 1, 1) is orthogonal to null(A) = span(1, −2, 1): it too reaches x_ln
  const fromOnes = descend(lsq(A, y), [1, 1, 1], (ps) => new SGD(ps, { lr: 0.01 }), 3500).points.at(
    -1,
  )!;
  [-1 / 18, 1 / 9, 5 / 18].forEach((v, i) => close(fromOnes[i], v, 1e-9, `from (1, 1, 1) [${i}]`));
});
