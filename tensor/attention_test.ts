import assert from "node:assert/strict";
import fc from "fast-check";
import {
  add,
  array,
  assertClose,
  type DType,
  exp,
  full,
  fusedAttention,
  fusedAttentionBackward,
  matmul,
  mul,
  type NDArray,
  ones,
  randn,
  Rng,
  softmax,
  sub,
  sum,
  zeros,
} from "./mod.ts";

/** Weights of the composed reference: softmax(scale·qkᵀ + mask), with causal −∞ above the offset diagonal. */
function referenceWeights(
  q: NDArray,
  k: NDArray,
  scale: number,
  mask: NDArray | null,
  causal: boolean,
): NDArray {
  let s = mul(matmul(q, k.transpose(-1, -2)), scale);
  if (mask !== null) s = add(s, mask);
  const lq = q.shape[q.ndim - 2], lk = k.shape[k.ndim - 2];
  if (causal) {
    const c = zeros([lq, lk], { dtype: q.dtype });
    for (let i = 0; i < lq; i++) {
      for (let j = i + lk - lq + 1; j < lk; j++) c.data[i * lk + j] = -Infinity;
    }
    s = add(s, c);
  }
  return softmax(s, -1);
}

function referenceBackward(
  q: NDArray,
  k: NDArray,
  v: NDArray,
  g: NDArray,
  scale: number,
  mask: NDArray | null,
  causal: boolean,
): NDArray[] {
  const p = referenceWeights(q, k, scale, mask, causal);
  const dv = matmul(p.transpose(-1, -2), g);
  const dp = matmul(g, v.transpose(-1, -2));
  const ds = mul(p, sub(dp, sum(mul(dp, p), { axis: -1, keepDims: true })));
  return [mul(matmul(ds, k), scale), mul(matmul(ds.transpose(-1, -2), q), scale), dv];
}

Deno.test("fusedAttention: the notes' parameter-free self-attention (G15, G16)", () => {
  // spec: 002-part-b/G16
  const x = array([[1, 0], [0, 1], [1, 1]], { dtype: "float64" });
  const plain = fusedAttention(x, x, x, { scale: 1 }).output;
  assertClose(plain, [[0.8446376, 0.5776812], [0.5776812, 0.8446376], [0.7880584, 0.7880584]], {
    atol: 1e-7,
  });
  const causal = fusedAttention(x, x, x, { scale: 1, causal: true }).output;
  assertClose(causal, [[1, 0], [0.2689414, 0.7310586], [0.7880584, 0.7880584]], { atol: 1e-7 });
});

Deno.test("fusedAttention matches the composed softmax(QKᵀ·s + M)·V, forward and backward", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 4 }),
      fc.boolean(),
      fc.constantFrom("none", "full", "row", "heads"),
      fc.constantFrom<DType>("float64", "float32"),
      fc.integer({ min: 0, max: 1000 }),
      (b, lq0, lk, d, dv, causal, maskKind, dtype, seed) => {
        const lq = Math.min(lq0, lk);
        const rng = new Rng(seed);
        const q = randn([b, 2, lq, d], { rng, dtype }), k = randn([b, 2, lk, d], { rng, dtype });
        const v = randn([b, 2, lk, dv], { rng, dtype }), g = randn([b, 2, lq, dv], { rng, dtype });
        const mask = maskKind === "none"
          ? null
          : maskKind === "full"
          ? randn([b, 2, lq, lk], { rng, dtype })
          : maskKind === "row"
          ? randn([lk], { rng, dtype })
          : randn([b, 1, lq, lk], { rng, dtype }); // broadcast over heads: copied, not merged
        const scale = 0.7;
        const { output, lse } = fusedAttention(q, k, v, { mask, scale, causal });
        const tol = dtype === "float64" ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-5 };
        const w = referenceWeights(q, k, scale, mask, causal);
        assertClose(output, matmul(w, v), tol);
        assert.deepEqual(lse.shape, [b, 2, lq]);
        const grads = fusedAttentionBackward(q, k, v, output, lse, g, { mask, scale, causal });
        const ref = referenceBackward(q, k, v, g, scale, mask, causal);
        assertClose(grads.dq, ref[0], tol);
        assertClose(grads.dk, ref[1], tol);
        assertClose(grads.dv, ref[2], tol);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("fusedAttention: a row whose keys are all masked gives zeros and no gradient", () => {
  const rng = new Rng(3);
  const q = randn([2, 3], { rng, dtype: "float64" }), k = randn([4, 3], { rng, dtype: "float64" });
  const v = randn([4, 2], { rng, dtype: "float64" });
  const mask = zeros([2, 4], { dtype: "float64" });
  for (let j = 0; j < 4; j++) mask.data[4 + j] = -Infinity;
  const { output, lse } = fusedAttention(q, k, v, { mask });
  assert.deepEqual(Array.from(output.data.subarray(2, 4)), [0, 0]);
  assert.equal(lse.get(1), -Infinity);
  const { dq } = fusedAttentionBackward(q, k, v, output, lse, ones([2, 2], { dtype: "float64" }), {
    mask,
  });
  assert.deepEqual(Array.from(dq.data.subarray(3, 6)), [0, 0, 0]);
  assert.ok(Array.from(dq.data.subarray(0, 3)).every((x) => x !== 0 && Number.isFinite(x)));
});

Deno.test("fusedAttention: lse is the log-sum-exp of the scores", () => {
  const x = array([[1, 0], [0, 1]], { dtype: "float64" });
  const { lse } = fusedAttention(x, x, x, { scale: 1 });
  assertClose(lse, [Math.log(Math.E + 1), Math.log(Math.E + 1)], { atol: 1e-12 });
  assertClose(exp(lse), full([2], Math.E + 1, { dtype: "float64" }), { atol: 1e-12 });
});

Deno.test("fusedAttention: bad shapes, dtypes and masks name the op and the shapes", () => {
  const q = zeros([2, 3]), k = zeros([4, 3]), v = zeros([4, 5]);
  assert.throws(
    () => fusedAttention(q, zeros([4, 2]), v),
    /fusedAttention: expected q .* got q \[2, 3\], k \[4, 2\]/,
  );
  assert.throws(() => fusedAttention(q, k, zeros([3, 5])), /v \[3, 5\]/);
  assert.throws(() => fusedAttention(zeros([3]), k, v), /q must be \[...batch, L, D\], got \[3\]/);
  assert.throws(() => fusedAttention(q, k.astype("float64"), v), TypeError);
  assert.throws(
    () => fusedAttention(q, k, v, { mask: zeros([3, 4]) }),
    /mask \[3, 4\] does not broadcast to the scores \[2, 4\]/,
  );
  assert.throws(
    () => fusedAttention(q, k, v, { mask: zeros([2, 4], { dtype: "int32" }) }),
    TypeError,
  );
  assert.throws(() => fusedAttention(q, k, v, { scale: NaN }), /scale must be a finite number/);
  const { output, lse } = fusedAttention(q, k, v);
  assert.throws(
    () => fusedAttentionBackward(q, k, v, output, lse, zeros([2, 4])),
    /gradOutput must be \[2, 5\], got \[2, 4\]/,
  );
});
