// Linear-algebra primitives with the standard matrix derivatives (Giles 2008, Murray 2016),
// written in Tensor ops so that they differentiate again.
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { applyPrimitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import * as ew from "./elementwise.ts";
import { matmul } from "./matmul.ts";
import { sum } from "./reduce.ts";
import { transpose, unsqueeze } from "./shape.ts";

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);
/** `x[..., None, None]`: a batch of scalars against a batch of matrices. */
const asMatrixScale = (x: Tensor): Tensor => unsqueeze(unsqueeze(x, -1), -1);
/** `Σ_ij a_ij b_ij` per batch: the trace of `aᵀ b`. */
const frobenius = (a: Tensor, b: Tensor): Tensor => sum(ew.mul(a, b), { axis: [-2, -1] });

export const SOLVE: Primitive<void> = {
  name: "solve",
  forward: ([a, b]) => nd.linalg.solve(a, b),
  vjp: (g, [a, b], x) => {
    const gb = applyPrimitive(SOLVE, [mT(a), g], undefined);
    return [a.requiresGrad ? ew.neg(matmul(gb, mT(x))) : null, b.requiresGrad ? gb : null];
  },
  jvp: ([ta, tb], [a], x) => {
    if (ta === null && tb === null) return null;
    const ax = ta === null ? null : matmul(ta, x);
    const rhs = tb === null ? ew.neg(ax as Tensor) : ax === null ? tb : ew.sub(tb, ax);
    return applyPrimitive(SOLVE, [a, rhs], undefined);
  },
};

export const INV: Primitive<void> = {
  name: "inv",
  forward: ([a]) => nd.linalg.inv(a),
  vjp: (g, _a, y) => [ew.neg(matmul(mT(y), matmul(g, mT(y))))],
  jvp: ([t], _a, y) => t && ew.neg(matmul(y, matmul(t, y))),
};

function invOf(a: Tensor): Tensor {
  return applyPrimitive(INV, [a], undefined);
}

export const DET: Primitive<void> = {
  name: "det",
  forward: ([a]) => nd.linalg.det(a),
  // ∂det/∂A = det · A⁻ᵀ (A must be invertible).
  vjp: (g, [a], y) => [ew.mul(asMatrixScale(ew.mul(g, y)), mT(invOf(a)))],
  jvp: ([t], [a], y) => t && ew.mul(y, frobenius(mT(invOf(a)), t)),
};

export const LOGABSDET: Primitive<void> = {
  name: "logabsdet",
  forward: ([a]) => nd.linalg.slogdet(a).logabsdet,
  vjp: (g, [a]) => [ew.mul(asMatrixScale(g), mT(invOf(a)))],
  jvp: ([t], [a]) => t && frobenius(mT(invOf(a)), t),
};

/** Lower triangle with a halved diagonal, as a constant mask for `n × n` matrices. */
function phiMask(n: number, dtype: "float32" | "float64"): NDArray {
  const m = nd.zeros([n, n], { dtype });
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) m.data[i * n + j] = 1;
    m.data[i * n + i] = 0.5;
  }
  return m;
}

function floatOf(t: Tensor): "float32" | "float64" {
  return t.dtype === "float64" ? "float64" : "float32";
}

export const CHOLESKY: Primitive<void> = {
  name: "cholesky",
  forward: ([a]) => nd.linalg.cholesky(a),
  // A = LLᵀ ⇒ dL = L·Φ(L⁻¹ dA L⁻ᵀ); its adjoint is L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹, symmetrised (A is symmetric).
  vjp: (g, _a, l) => {
    const n = l.shape[l.ndim - 1];
    const li = invOf(l);
    const p = ew.mul(matmul(mT(l), g), phiMask(n, floatOf(l)));
    const ga = matmul(mT(li), matmul(p, li));
    return [ew.mul(ew.add(ga, mT(ga)), 0.5)];
  },
  jvp: ([t], _a, l) => {
    if (t === null) return null;
    const n = l.shape[l.ndim - 1];
    const li = invOf(l);
    return matmul(l, ew.mul(matmul(li, matmul(t, mT(li))), phiMask(n, floatOf(l))));
  },
};

/** One decomposition shared by the eigenvalue and eigenvector nodes. */
export interface EighParams {
  w: NDArray;
  v: NDArray;
  values: Tensor | null;
  vectors: Tensor | null;
}

/** F_ij = 1/(w_j − w_i) off the diagonal, 0 on it (finite everywhere, so it differentiates). */
function gapInverse(w: Tensor): Tensor {
  const n = w.shape[w.ndim - 1];
  const eye = nd.eye(n, n, { dtype: floatOf(w) });
  const e = ew.sub(unsqueeze(w, -2), unsqueeze(w, -1));
  return ew.mul(ew.reciprocal(ew.add(e, eye)), nd.sub(1, eye));
}

export const EIGH_VALUES: Primitive<EighParams> = {
  name: "eighValues",
  forward: (_a, p) => p.w,
  // dw_k = v_kᵀ dA v_k ⇒ Ā = V diag(w̄) Vᵀ.
  vjp: (g, _a, _y, p) => {
    const v = p.vectors as Tensor;
    return [matmul(ew.mul(v, unsqueeze(g, -2)), mT(v))];
  },
  jvp: ([t], _a, _y, p) => {
    if (t === null) return null;
    const v = p.vectors as Tensor;
    return sum(ew.mul(v, matmul(t, v)), { axis: -2 });
  },
};

export const EIGH_VECTORS: Primitive<EighParams> = {
  name: "eighVectors",
  forward: (_a, p) => p.v,
  // dV = V (F ∘ Vᵀ dA V) ⇒ Ā = V (F ∘ skew(Vᵀ V̄)) Vᵀ (PyTorch projects onto skew matrices).
  vjp: (g, _a, v, p) => {
    const vg = matmul(mT(v), g);
    const skew = ew.mul(ew.sub(vg, mT(vg)), 0.5);
    return [matmul(v, matmul(ew.mul(gapInverse(p.values as Tensor), skew), mT(v)))];
  },
  jvp: ([t], _a, v, p) =>
    t && matmul(v, ew.mul(gapInverse(p.values as Tensor), matmul(mT(v), matmul(t, v)))),
};
