import assert from "node:assert/strict";
import {
  add,
  concat,
  gruCell,
  gruCellBackward,
  lstmCell,
  lstmCellBackward,
  mul,
  type NDArray,
  randn,
  Rng,
  sigmoid,
  split,
  sub,
  tanh,
  zeros,
} from "./mod.ts";

const f64 = { dtype: "float64" } as const;

function close(a: NDArray, b: NDArray, tol: number): void {
  assert.deepEqual(a.shape, b.shape);
  const x = a.contiguous().data, y = b.contiguous().data;
  for (let i = 0; i < x.length; i++) {
    assert.ok(Math.abs(x[i] - y[i]) <= tol * (1 + Math.abs(y[i])), `at ${i}: ${x[i]} vs ${y[i]}`);
  }
}

/** The LSTM step written with separate array ops: the independent reference. */
function lstmReference(xg: NDArray, hg: NDArray, cPrev: NDArray): [NDArray, NDArray] {
  const [ai, af, ag, ao] = split(add(xg, hg), xg.shape[1] / 4, 1);
  const c = add(mul(sigmoid(af), cPrev), mul(sigmoid(ai), tanh(ag)));
  return [mul(sigmoid(ao), tanh(c)), c];
}

function gruReference(xg: NDArray, hg: NDArray, bhh: NDArray, hPrev: NDArray): NDArray {
  const H = hPrev.shape[1];
  const [xr, xz, xn] = split(xg, H, 1);
  const [hr, hz, hn] = split(add(hg, bhh), H, 1);
  const r = sigmoid(add(xr, hr)), z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  return add(mul(sub(1, z), n), mul(z, hPrev));
}

/** Σ dh·h + Σ dc·c: a scalar whose gradient is what the backward kernels compute. */
function lstmObjective(xg: NDArray, cPrev: NDArray, dh: NDArray, dc: NDArray): number {
  const [h, c] = lstmReference(xg, zeros(xg.shape, f64), cPrev);
  return mul(h, dh).sum().item() + mul(c, dc).sum().item();
}

function numericalGrad(f: (x: NDArray) => number, x: NDArray): NDArray {
  const g = zeros(x.shape, f64);
  const eps = 1e-6;
  for (let i = 0; i < x.size; i++) {
    const v = x.data[i];
    x.data[i] = v + eps;
    const up = f(x);
    x.data[i] = v - eps;
    const down = f(x);
    x.data[i] = v;
    g.data[i] = (up - down) / (2 * eps);
  }
  return g;
}

Deno.test("lstmCell equals the step written with separate ops, in float64 and float32", () => {
  const rng = new Rng(1);
  for (const dtype of ["float64", "float32"] as const) {
    const xg = randn([3, 20], { rng, dtype }), hg = randn([3, 20], { rng, dtype });
    const cPrev = randn([3, 5], { rng, dtype });
    const { h, c, act } = lstmCell(xg, hg, cPrev);
    const [hr, cr] = lstmReference(xg, hg, cPrev);
    const tol = dtype === "float64" ? 1e-15 : 1e-6;
    close(h, hr, tol);
    close(c, cr, tol);
    const [ai, af, ag, ao] = split(add(xg, hg), 5, 1);
    close(act, concat([sigmoid(ai), sigmoid(af), tanh(ag), sigmoid(ao)], 1), tol);
    assert.equal(h.dtype, dtype);
  }
});

Deno.test("lstmCellBackward equals finite differences of the step", () => {
  const rng = new Rng(2);
  const xg = randn([2, 12], { rng, ...f64 }), cPrev = randn([2, 3], { rng, ...f64 });
  const dh = randn([2, 3], { rng, ...f64 }), dc = randn([2, 3], { rng, ...f64 });
  const { c, act } = lstmCell(xg, zeros([2, 12], f64), cPrev);
  const { dGates, dcPrev } = lstmCellBackward(act, c, cPrev, dh, dc);
  close(dGates, numericalGrad((x) => lstmObjective(x, cPrev, dh, dc), xg), 1e-8);
  close(dcPrev, numericalGrad((x) => lstmObjective(xg, x, dh, dc), cPrev), 1e-8);
});

Deno.test("gruCell and gruCellBackward equal the reference step and its finite differences", () => {
  const rng = new Rng(3);
  const xg = randn([2, 9], { rng, ...f64 }), hg = randn([2, 9], { rng, ...f64 });
  const bhh = randn([9], { rng, ...f64 }), hPrev = randn([2, 3], { rng, ...f64 });
  const dh = randn([2, 3], { rng, ...f64 });
  const { h, act } = gruCell(xg, hg, bhh, hPrev);
  close(h, gruReference(xg, hg, bhh, hPrev), 1e-15);
  const noBias = gruCell(xg, hg, null, hPrev).h;
  close(noBias, gruReference(xg, hg, zeros([9], f64), hPrev), 1e-15);
  const { dxg, dhg, dhPrev } = gruCellBackward(act, hPrev, dh);
  const objective = (x: NDArray, g: NDArray, p: NDArray) =>
    mul(gruReference(x, g, bhh, p), dh).sum().item();
  close(dxg, numericalGrad((x) => objective(x, hg, hPrev), xg), 1e-8);
  close(dhg, numericalGrad((g) => objective(xg, g, hPrev), hg), 1e-8);
  // dhPrev is the direct part only: the part through hg belongs to the matrix product outside.
  close(dhPrev, numericalGrad((p) => objective(xg, hg, p), hPrev), 1e-8);
});

Deno.test("the cell kernels reject wrong shapes and dtypes, naming the operand", () => {
  const z = (...s: number[]) => zeros(s, f64);
  assert.throws(
    () => lstmCell(z(2, 7), z(2, 7), z(2, 1)),
    /xg must be \[batch, 4·hidden\], got \[2, 7\]/,
  );
  assert.throws(
    () => lstmCell(z(2, 8), z(2, 8), z(2, 3)),
    /cPrev must have shape \[2, 2\], got \[2, 3\]/,
  );
  assert.throws(
    () => lstmCell(z(2, 8), zeros([2, 8]), z(2, 2)),
    /hg is float32 but the other operands are float64/,
  );
  assert.throws(() => gruCell(z(1, 6), z(1, 6), z(5), z(1, 2)), /bhh must have shape \[6\]/);
  assert.throws(
    () => gruCellBackward(z(1, 8), z(1, 2), zeros([1, 2], { dtype: "int32" })),
    /dh must be float32 or float64/,
  );
  assert.throws(
    () => lstmCellBackward(z(1, 8), z(1, 2), z(1, 2), z(1, 2), z(2, 2)),
    /dc must have shape \[1, 2\]/,
  );
});
