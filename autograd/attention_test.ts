import assert from "node:assert/strict";
import * as nd from "@nnc/tensor";
import { assertClose, Rng } from "@nnc/tensor";
import * as ag from "./mod.ts";
import { fusedAttention, Tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

/** The same attention composed from matmul and softmax (the reference the primitive must equal). */
function composed(q: Tensor, k: Tensor, v: Tensor, scale: number, bias: nd.NDArray | null): Tensor {
  let s = q.matmul(k.transpose(-1, -2)).mul(scale);
  if (bias !== null) s = s.add(bias);
  return ag.softmax(s, -1).matmul(v);
}

function causalBias(lq: number, lk: number): nd.NDArray {
  const c = nd.zeros([lq, lk], { dtype: "float64" });
  for (let i = 0; i < lq; i++) {
    for (let j = i + lk - lq + 1; j < lk; j++) c.data[i * lk + j] = -Infinity;
  }
  return c;
}

Deno.test("fusedAttention: gradcheck in reverse and forward mode (mask, causal, strided input)", () => {
  const mask = nd.randn([3, 4], { dtype: "float64", rng: new Rng(9) });
  check((q, k, v) => fusedAttention(q, k, v, { mask }), [
    R([2, 3, 2], 1),
    R([2, 4, 2], 2),
    R([2, 4, 3], 3),
  ]);
  check((q, k, v) => fusedAttention(q, k, v, { causal: true, scale: 0.8 }), [
    S([3, 2], 4),
    R([5, 2], 5),
    S([5, 3], 6),
  ]);
});

Deno.test("fusedAttention: gradgradcheck (the recorded backward runs in Tensor ops)", () => {
  check2((q, k, v) => fusedAttention(q, k, v, { causal: true }), [
    R([1, 3, 2], 7),
    R([1, 3, 2], 8),
    R([1, 3, 2], 9),
  ]);
});

Deno.test("fusedAttention equals the composed softmax(QKᵀ·s + M)·V, values and gradients", () => {
  const rng = new Rng(4);
  const shape = (l: number, d: number) => [2, 3, l, d];
  const qa = nd.randn(shape(5, 4), { rng, dtype: "float64" });
  const ka = nd.randn(shape(7, 4), { rng, dtype: "float64" });
  const va = nd.randn(shape(7, 3), { rng, dtype: "float64" });
  const mask = nd.randn([2, 1, 5, 7], { rng, dtype: "float64" });
  const g = nd.randn(shape(5, 3), { rng, dtype: "float64" });
  for (const causal of [false, true]) {
    const bias = causal ? nd.add(mask, causalBias(5, 7)) : mask;
    const leaves = () => [qa, ka, va].map((a) => new Tensor(a, { requiresGrad: true }));
    const [q1, k1, v1] = leaves(), [q2, k2, v2] = leaves();
    const y1 = fusedAttention(q1, k1, v1, { mask, causal, scale: 0.5 });
    const y2 = composed(q2, k2, v2, 0.5, bias);
    assertClose(y1.data, y2.data, { rtol: 1e-12, atol: 1e-13 });
    y1.backward(g);
    y2.backward(g);
    for (const [a, b] of [[q1, q2], [k1, k2], [v1, v2]]) {
      assertClose(a.grad!.data, b.grad!.data, { rtol: 1e-10, atol: 1e-12 });
    }
  }
});

Deno.test("fusedAttention: the fused and the recorded backward give the same gradients", () => {
  const q = R([2, 6, 3], 11), k = R([2, 6, 3], 12), v = R([2, 6, 2], 13);
  const mask = nd.zeros([6, 6], { dtype: "float64" });
  mask.data.fill(-Infinity, 6, 12); // query 1 sees no key at all
  const y = fusedAttention(q, k, v, { mask, causal: true });
  const plain = ag.gradients(y.sum(), [q, k, v], { retainGraph: true });
  const recorded = ag.gradients(y.sum(), [q, k, v], { createGraph: true });
  plain.forEach((p, i) => assertClose(p!.data, recorded[i]!.data, { rtol: 1e-12, atol: 1e-14 }));
  assert.deepEqual(Array.from(y.data.data.subarray(2, 4)), [0, 0]);
  assert.deepEqual(Array.from(plain[0]!.data.data.subarray(3, 6)), [0, 0, 0]);
});

Deno.test("fusedAttention: float32 input stays float32; bad arguments name the op", () => {
  const x = ag.randn([4, 8], { rng: new Rng(1) });
  assert.equal(fusedAttention(x, x, x).dtype, "float32");
  assert.throws(
    () => fusedAttention(x.data as unknown as Tensor, x, x),
    /fusedAttention: q must be a Tensor/,
  );
  assert.throws(() => fusedAttention(x, x, x, { scale: Infinity }), /fusedAttention: scale/);
  assert.throws(
    () => fusedAttention(x, x, x, { mask: nd.zeros([3, 4]) }),
    /fusedAttention: mask \[3, 4\] does not broadcast to the scores \[4, 4\]/,
  );
});

Deno.test("packedAttention equals fusedAttention on the unpacked heads, values and gradients", () => {
  const qkvData = nd.randn([2, 5, 3, 2, 4], { dtype: "float64", rng: new Rng(21) });
  const g = nd.randn([2, 5, 2, 4], { dtype: "float64", rng: new Rng(22) });
  const mask = nd.randn([2, 1, 5, 5], { dtype: "float64", rng: new Rng(23) });
  const packed = new Tensor(qkvData, { requiresGrad: true });
  const y = ag.packedAttention(packed, { causal: true, mask });
  const leaf = new Tensor(qkvData, { requiresGrad: true });
  const [q, k, v] = [0, 1, 2].map((i) => leaf.slice(null, null, i).permute(0, 2, 1, 3));
  const ref = fusedAttention(q, k, v, { causal: true, mask }).permute(0, 2, 1, 3);
  assertClose(y.data, ref.data, { rtol: 1e-12, atol: 1e-14 });
  assert.ok(y.data.isContiguous, "[N, L, H, D] comes out contiguous");
  y.backward(g);
  ref.backward(g);
  assertClose(packed.grad!.data, leaf.grad!.data, { rtol: 1e-12, atol: 1e-14 });
});

Deno.test("packedAttention: gradcheck and gradgradcheck in both modes; errors", () => {
  const mask = nd.array([[0, -1, 0, 0.5]], { dtype: "float64" });
  check((qkv) => ag.packedAttention(qkv, { mask }), [R([1, 4, 3, 2, 2], 24)]);
  check2((qkv) => ag.packedAttention(qkv, { causal: true }), [R([1, 3, 3, 1, 2], 25)]);
  assert.throws(
    () => ag.packedAttention(R([1, 4, 2, 2, 2], 1)),
    /packedAttention: qkv must be \[N, L, 3, H, D\], got \[1, 4, 2, 2, 2\]/,
  );
  assert.throws(
    () => ag.packedAttention(R([1, 4, 3, 2, 2], 1), { mask: nd.zeros([3, 3]) }),
    /packedAttention: mask \[3, 3\] does not broadcast to the scores \[1, 2, 4, 4\]/,
  );
});
