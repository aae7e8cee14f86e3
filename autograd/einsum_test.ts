import assert from "node:assert/strict";
import fc from "fast-check";
import * as nd from "@nnc/tensor";
import { einsum, ones, Tensor, tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

/**
 * The reference: every assignment of values to the letters, the operands' elements at it
 * multiplied and added into the output's element (float64 loops, letters only, explicit output).
 */
function naiveEinsum(
  terms: string[],
  output: string,
  operands: nd.NDArray[],
): { shape: number[]; values: number[] } {
  const size = new Map<string, number>();
  terms.forEach((t, i) => [...t].forEach((l, k) => size.set(l, operands[i].shape[k])));
  const letters = [...size.keys()];
  const shape = [...output].map((l) => size.get(l)!);
  const values = new Array(shape.reduce((p, s) => p * s, 1)).fill(0);
  const at = new Map<string, number>();
  const visit = (d: number): void => {
    if (d === letters.length) {
      let p = 1;
      terms.forEach((t, i) => p *= operands[i].get(...[...t].map((l) => at.get(l)!)));
      let flat = 0;
      for (const l of output) flat = flat * size.get(l)! + at.get(l)!;
      values[flat] += p;
      return;
    }
    for (let v = 0; v < size.get(letters[d])!; v++) {
      at.set(letters[d], v);
      visit(d + 1);
    }
  };
  visit(0);
  return { shape, values };
}

function assertClose(actual: Tensor, expected: { shape: number[]; values: number[] }): void {
  assert.deepEqual(actual.shape, expected.shape);
  const got = [...nd.astype(actual.data, "float64", true).data];
  got.forEach((v, i) =>
    assert.ok(
      Math.abs(v - expected.values[i]) <= 1e-12 * (1 + Math.abs(expected.values[i])),
      `element ${i}: ${v} against ${expected.values[i]}`,
    )
  );
}

Deno.test("einsum: products, traces, diagonals, transposes and sums, exact", () => {
  const a = tensor([[1, 2], [3, 4]]), b = tensor([[5, 6], [7, 8]]);
  const v = tensor([1, 2, 3]), w = tensor([4, 5, 6]);
  const rows = (t: Tensor) => t.toArray().toString();
  assert.equal(rows(einsum("ij,jk->ik", a, b)), "19,22,43,50");
  assert.equal(rows(einsum("ij,jk", a, b)), "19,22,43,50"); // implicit output: i, k
  assert.equal(rows(einsum("jk,ij", b, a)), "19,22,43,50"); // …in alphabetical order
  assert.equal(rows(einsum("ij,kj->ik", a, b)), "17,23,39,53"); // a bᵀ
  assert.equal(einsum("ii", a).item(), 5);
  assert.equal(einsum("ii->", a).item(), 5);
  assert.equal(rows(einsum("ii->i", a)), "1,4");
  assert.equal(rows(einsum("ij->ji", a)), "1,3,2,4");
  assert.equal(rows(einsum("ba", a)), "1,3,2,4"); // implicit: a before b
  assert.equal(rows(einsum("ij->j", a)), "4,6");
  assert.equal(einsum("ij->", a).item(), 10);
  assert.equal(einsum("i,i", v, w).item(), 32);
  assert.equal(rows(einsum("i,j->ij", v, w)), "4,5,6,8,10,12,12,15,18");
  assert.equal(rows(einsum("i,i->i", v, w)), "4,10,18");
  assert.equal(rows(einsum("ij,ij->i", a, b)), "17,53");
  assert.equal(rows(einsum("ij,j->i", a, tensor([1, -1]))), "-1,-1");
  assert.equal(rows(einsum("Ab,bA", a, b)), "69"); // trace(a b) = 19 + 50
  assert.equal(rows(einsum("bA", a)), "1,3,2,4"); // implicit: capitals first, "bA" -> "Ab"
  assert.equal(rows(einsum("Ab", a)), "1,2,3,4");
  assert.equal(einsum("", tensor(3)).item(), 3);
  assert.equal(rows(einsum("i,,j->ij", tensor([1, 2]), tensor(10), tensor([1, 3]))), "10,30,20,60");
  // A bilinear form per batch, three operands: y[b, o] = Σ x1[b, i] W[o, i, j] x2[b, j].
  const x1 = tensor([[1, 0], [0, 1]]), x2 = tensor([[1, 1], [2, 0]]);
  const W = tensor([[[1, 2], [3, 4]]]);
  assert.equal(rows(einsum("bi,oij,bj->bo", x1, W, x2)), "3,6");
});

Deno.test("einsum: batches and broadcast dimensions under ...", () => {
  const a = nd.arange(0, 24, 1, { dtype: "float64" }).reshape([2, 3, 4]);
  const b = nd.arange(0, 40, 1, { dtype: "float64" }).reshape([2, 4, 5]);
  const want = nd.matmul(a, b);
  for (const eq of ["bij,bjk->bik", "...ij,...jk->...ik", "...ij,...jk", "b...j,bjk->b...k"]) {
    assert.deepEqual(einsum(eq, tensor(a), tensor(b)).toArray(), want.toArray(), eq);
  }
  // A size-1 broadcast dimension and a size-1 letter broadcast like NumPy's.
  const c = nd.arange(0, 3, 1, { dtype: "float64" }).reshape([1, 3]);
  const d = nd.arange(0, 6, 1, { dtype: "float64" }).reshape([2, 3]);
  assert.equal(einsum("...i,...i->...", tensor(c), tensor(d)).toArray().toString(), "5,14");
  assert.equal(einsum("ij,ij->i", tensor(c), tensor(d)).toArray().toString(), "5,14");
  assert.equal(einsum("i,i->i", tensor([2]), tensor([1, 2, 3])).toArray().toString(), "2,4,6");
  assert.equal(einsum("i,i", tensor([2]), tensor([1, 2, 3])).item(), 12);
  // Attention-shaped: [batch, heads, queries, d] × [batch, heads, keys, d].
  const q = ones([2, 4, 3, 8]), k = ones([2, 4, 5, 8]);
  const s = einsum("...qd,...kd->...qk", q, k);
  assert.deepEqual(s.shape, [2, 4, 3, 5]);
  assert.ok([...s.data.data].every((x) => x === 8));
});

/** An equation and fitting float64 operands: letters from "abcd", sizes 1–3. */
const equations = fc.record({
  terms: fc.array(fc.stringMatching(/^[abcd]{0,3}$/), { minLength: 1, maxLength: 3 }),
  sizes: fc.record({
    a: fc.integer({ min: 1, max: 3 }),
    b: fc.integer({ min: 1, max: 3 }),
    c: fc.integer({ min: 1, max: 3 }),
    d: fc.integer({ min: 1, max: 3 }),
  }),
  keep: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  order: fc.integer({ min: 0, max: 23 }),
  implicit: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1000 }),
});

/** The k-th permutation of `xs` (k modulo the count). */
function permutation<T>(xs: T[], k: number): T[] {
  const rest = [...xs], out: T[] = [];
  while (rest.length) {
    out.push(rest.splice(k % rest.length, 1)[0]);
    k = Math.floor(k / (out.length + rest.length));
  }
  return out;
}

Deno.test("einsum equals the sum over every assignment of the letters (fast-check, float64)", () => {
  fc.assert(
    fc.property(equations, ({ terms, sizes, keep, order, implicit, seed }) => {
      const size = sizes as Record<string, number>;
      const operands = terms.map((t, i) =>
        nd.randn([...t].map((l) => size[l]), { dtype: "float64", rng: new nd.Rng(seed + i) })
      );
      const used = [...new Set(terms.join(""))].sort();
      let output: string;
      if (implicit) {
        const counts = [...terms.join("")].reduce(
          (m, l) => m.set(l, (m.get(l) ?? 0) + 1),
          new Map<string, number>(),
        );
        output = used.filter((l) => counts.get(l) === 1).join("");
      } else {
        output = permutation(used.filter((_, i) => keep[i % 4]), order).join("");
      }
      const equation = terms.join(",") + (implicit ? "" : `->${output}`);
      const got = einsum(equation, ...operands.map((o) => new Tensor(o)));
      assertClose(got, naiveEinsum(terms, output, operands));
    }),
    { numRuns: 300, seed: 7 },
  );
});

Deno.test("einsum: gradients by gradcheck and gradgradcheck (products, diagonals, broadcasts)", () => {
  check((a, b) => einsum("ij,jk->ik", a, b), [R([3, 4], 1), R([4, 2], 2)]);
  check((a, b) => einsum("bij,bkj->bik", a, b), [R([2, 3, 4], 3), R([2, 2, 4], 4)]);
  check((a) => einsum("iij->ji", a), [R([3, 3, 2], 5)]);
  check((a, b, c) => einsum("i,ij,j->", a, b, c), [R([3], 6), R([3, 4], 7), R([4], 8)]);
  check((a, b) => einsum("...i,...i->...", a, b), [R([1, 3], 9), R([2, 3], 10)]);
  check((a, b) => einsum("ij,kj", a, b), [S([3, 4], 11), S([3, 4], 12)]);
  check2((a, b) => einsum("ij,jk->ik", a, b), [R([2, 3], 13), R([3, 2], 14)]);
  check2((a) => einsum("ii->", a.mul(a)), [R([3, 3], 15)]);
});

Deno.test("einsum: float32 operands give float32 results", () => {
  const a = nd.arange(0, 6, 1, { dtype: "float32" }).reshape([2, 3]);
  const out = einsum("ij,kj->ik", tensor(a), tensor(a));
  assert.equal(out.dtype, "float32");
  assert.equal(out.toArray().toString(), "5,14,14,50");
});

Deno.test("einsum: bad equations and operands are errors naming einsum and the problem", () => {
  const m = ones([2, 3]), v = ones([3]);
  const cases: [() => unknown, RegExp][] = [
    [() => einsum(7 as never, m), /^TypeError: einsum: equation must be a string .*got number$/],
    [() => einsum("ij"), /^RangeError: einsum: needs at least one operand$/],
    [() => einsum("ij,j", m), /^RangeError: einsum: "ij,j" has 2 operands, got 1 tensor$/],
    [() => einsum("i", m), /^RangeError: einsum: operand 0 has 2 dimensions, but "i" names 1$/],
    [
      () => einsum("ijk...", m),
      /^RangeError: einsum: operand 0 has 2 dimensions, but "ijk..." names at least 3$/,
    ],
    [() => einsum("i1", m), /^RangeError: einsum: operand 0's subscripts "i1" must be letters/],
    [() => einsum("...i...", m), /must be letters with at most one "..."/],
    [() => einsum("ij->ii", m), /^RangeError: einsum: the output names "i" twice in "ij->ii"$/],
    [() => einsum("ij->k", m), /^RangeError: einsum: the output's "k" is not among the operands'/],
    [() => einsum("ij->i->j", m), /^RangeError: einsum: "ij->i->j" has more than one "->"$/],
    [() => einsum("ij->i.", m), /^RangeError: einsum: the output's subscripts "i." must be/],
    [
      () => einsum("...j->j", ones([4, 3])),
      /^RangeError: einsum: "...j->j": the operands' "..." cover 1 dimension; put "..." in the output too$/,
    ],
    [
      () => einsum("ij,j->i", m, ones([2])),
      /^RangeError: einsum: "j" has size 3 in one operand and 2 in operand 1 \(shape \[2\]\)$/,
    ],
    [
      () => einsum("ii", m),
      /^RangeError: einsum: operand 0 repeats "i" over dimensions of sizes 2 and 3 \(shape \[2, 3\]\)$/,
    ],
    [
      () => einsum("...i,...i", ones([2, 3]), ones([4, 3])),
      /^RangeError: einsum: a dimension under "\.\.\." has size 2 in one operand and 4 in operand 1/,
    ],
    [
      () => einsum("i,i", v, tensor([1, 2, 3], { dtype: "float64" })),
      /^TypeError: einsum: operands must share one dtype, got float32 and float64$/,
    ],
    [
      () => einsum("i", tensor([1, 2], { dtype: "int32" })),
      /^TypeError: einsum: operand 0 must be float32 or float64, got int32$/,
    ],
    [() => einsum("i", "x" as never), /^TypeError: einsum: operand 0 must be a Tensor/],
  ];
  for (const [call, message] of cases) assert.throws(call, message);
});
