/**
 * Einstein summation, `einsum("bij,bjk->bik", a, b)`, with PyTorch's and NumPy's rules: one
 * letter per dimension, `...` for broadcast dimensions, labels repeated within an operand taking
 * its diagonal, labels missing from the output summed, and without `->` an output of `...` and the
 * labels that occur once, in alphabetical order (capitals first).
 *
 * It is composed of differentiable ops, so gradients of every order come with it: each operand's
 * private labels are summed first, then the operands are contracted left to right, each pair as
 * one batched matrix product (or a broadcast product when nothing is summed between them).
 *
 * @module
 */
import type { Tensor, TensorLike } from "./tensor.ts";
import { toTensor } from "./_convert.ts";
import { fmtShape } from "./_shape_util.ts";
import { expand, permute, reshape } from "./shape.ts";
import { sum } from "./reduce.ts";
import { mul } from "./elementwise.ts";
import { matmul } from "./matmul.ts";
import { eye } from "./creation.ts";

/** A dimension's label: a letter, or `…k` for the k-th broadcast dimension (counted from the left). */
type Label = string;

/** The parsed equation: each operand's labels (ellipses expanded) and the output's. */
interface Plan {
  inputs: Label[][];
  output: Label[];
}

const TERM = /^[A-Za-z]*(\.\.\.)?[A-Za-z]*$/;

/** The letters of a term around its ellipsis (null when it has none). */
function splitTerm(term: string): { before: string[]; after: string[] | null } {
  const at = term.indexOf("...");
  if (at < 0) return { before: [...term], after: null };
  return { before: [...term.slice(0, at)], after: [...term.slice(at + 3)] };
}

function ellipsisLabels(count: number, total: number): Label[] {
  return Array.from({ length: count }, (_, k) => `…${total - count + k}`);
}

/** Parses `equation` against the operands' ranks. */
function parse(equation: string, ranks: number[]): Plan {
  const text = equation.replace(/\s+/g, "");
  const parts = text.split("->");
  if (parts.length > 2) {
    throw new RangeError(`einsum: "${equation}" has more than one "->"`);
  }
  const terms = parts[0].split(",");
  if (terms.length !== ranks.length) {
    throw new RangeError(
      `einsum: "${equation}" has ${terms.length} operand${
        terms.length === 1 ? "" : "s"
      }, got ${ranks.length} tensor${ranks.length === 1 ? "" : "s"}`,
    );
  }
  const split = terms.map((term, i) => {
    if (!TERM.test(term)) {
      throw new RangeError(
        `einsum: operand ${i}'s subscripts "${term}" must be letters with at most one "..."`,
      );
    }
    const { before, after } = splitTerm(term);
    const letters = before.length + (after?.length ?? 0);
    if (after === null ? ranks[i] !== letters : ranks[i] < letters) {
      throw new RangeError(
        `einsum: operand ${i} has ${ranks[i]} dimension${
          ranks[i] === 1 ? "" : "s"
        }, but "${term}" ${after === null ? "names" : "names at least"} ${letters}`,
      );
    }
    return { before, after, broadcast: after === null ? 0 : ranks[i] - letters };
  });
  const total = Math.max(0, ...split.map((s) => s.broadcast));
  const inputs = split.map(({ before, after, broadcast }) =>
    after === null ? before : [...before, ...ellipsisLabels(broadcast, total), ...after]
  );
  const anyEllipsis = split.some((s) => s.after !== null);
  return { inputs, output: outputLabels(parts[1], inputs, total, anyEllipsis, equation) };
}

/** The output's labels: as written after `->`, or the implicit ones. */
function outputLabels(
  rhs: string | undefined,
  inputs: Label[][],
  total: number,
  anyEllipsis: boolean,
  equation: string,
): Label[] {
  const broadcast = ellipsisLabels(total, total);
  if (rhs === undefined) {
    const counts = new Map<Label, number>();
    for (const l of inputs.flat()) counts.set(l, (counts.get(l) ?? 0) + 1);
    const once = [...counts].filter(([l, n]) => n === 1 && !l.startsWith("…")).map(([l]) => l);
    return [...broadcast, ...once.sort()];
  }
  if (!TERM.test(rhs)) {
    throw new RangeError(
      `einsum: the output's subscripts "${rhs}" must be letters with at most one "..."`,
    );
  }
  const { before, after } = splitTerm(rhs);
  if (after === null && anyEllipsis && total > 0) {
    throw new RangeError(
      `einsum: "${equation}": the operands' "..." cover ${total} dimension${
        total === 1 ? "" : "s"
      }; put "..." in the output too`,
    );
  }
  const letters = [...before, ...(after ?? [])];
  const seen = new Set<Label>();
  const known = new Set(inputs.flat());
  for (const l of letters) {
    if (seen.has(l)) throw new RangeError(`einsum: the output names "${l}" twice in "${equation}"`);
    if (!known.has(l)) {
      throw new RangeError(
        `einsum: the output's "${l}" is not among the operands' in "${equation}"`,
      );
    }
    seen.add(l);
  }
  return after === null ? before : [...before, ...broadcast, ...after];
}

/** An operand on its way: the tensor and one label per dimension. */
interface Term {
  x: Tensor;
  labels: Label[];
}

/** Takes the diagonal of every label the term repeats (a mask of the identity, then a sum). */
function diagonals(term: Term, index: number): Term {
  let { x, labels } = term;
  for (let q = 1; q < labels.length; q++) {
    const p = labels.indexOf(labels[q]);
    if (p === q) continue;
    const n = x.shape[p];
    if (x.shape[q] !== n) {
      throw new RangeError(
        `einsum: operand ${index} repeats "${labels[q]}" over dimensions of sizes ${n} and ${
          x.shape[q]
        } (shape ${fmtShape(x.shape)})`,
      );
    }
    const maskShape = x.shape.map((s, k) => (k === p || k === q ? s : 1));
    x = sum(mul(x, reshape(eye(n, n, { dtype: x.dtype }), maskShape)), { axis: q });
    labels = labels.filter((_, k) => k !== q);
    q--;
  }
  return { x, labels };
}

/** Sums the labels of `term` in `drop`. */
function sumOut(term: Term, drop: (l: Label) => boolean): Term {
  const axes = term.labels.flatMap((l, k) => (drop(l) ? [k] : []));
  if (axes.length === 0) return term;
  return { x: sum(term.x, { axis: axes }), labels: term.labels.filter((l) => !drop(l)) };
}

/** `term` with its dimensions in the order of `order` (each a label it has, or a new size-1 one). */
function arrange(term: Term, order: Label[]): Tensor {
  const axes = order.flatMap((l) => {
    const k = term.labels.indexOf(l);
    return k < 0 ? [] : [k];
  });
  const moved = axes.every((a, i) => a === i) ? term.x : permute(term.x, axes);
  const shape = order.map((l) => {
    const k = term.labels.indexOf(l);
    return k < 0 ? 1 : term.x.shape[k];
  });
  return reshape(moved, shape);
}

/** Broadcasts size-1 dimensions of `term` to `sizes` for the labels listed. */
function widen(term: Term, labels: Label[], sizes: Map<Label, number>): Term {
  const shape = term.labels.map((l, k) => (labels.includes(l) ? sizes.get(l)! : term.x.shape[k]));
  return { x: expand(term.x, shape), labels: term.labels };
}

const product = (xs: number[]): number => xs.reduce((p, s) => p * s, 1);

/** Contracts `a` with `b`, keeping the labels in `keep`. */
function contract(a: Term, b: Term, keep: Set<Label>, sizes: Map<Label, number>): Term {
  const shared = a.labels.filter((l) => b.labels.includes(l));
  const batch = shared.filter((l) => keep.has(l));
  const summed = shared.filter((l) => !keep.has(l));
  const aOnly = a.labels.filter((l) => !shared.includes(l));
  const bOnly = b.labels.filter((l) => !shared.includes(l));
  const labels = [...batch, ...aOnly, ...bOnly];
  const size = (l: Label) => sizes.get(l)!;
  if (summed.length === 0) {
    // Nothing to sum between them: a broadcast product.
    return { x: mul(arrange(a, labels), arrange(b, labels)), labels };
  }
  if (aOnly.length === 0 && bOnly.length === 0) {
    // Dot products along the batch: a product and a sum (a matrix product of 1×K by K×1 each).
    const order = [...batch, ...summed];
    return sumOut(
      { x: mul(arrange(a, order), arrange(b, order)), labels: order },
      (l) => summed.includes(l),
    );
  }
  const wa = widen(a, shared, sizes), wb = widen(b, shared, sizes);
  const [B, M, K, N] = [batch, aOnly, summed, bOnly].map((ls) => product(ls.map(size)));
  const left = reshape(arrange(wa, [...batch, ...aOnly, ...summed]), [B, M, K]);
  const right = reshape(arrange(wb, [...batch, ...summed, ...bOnly]), [B, K, N]);
  return { x: reshape(matmul(left, right), labels.map(size)), labels };
}

/**
 * Einstein summation over the operands: `equation` gives each operand's dimensions a letter
 * (`"ij,jk->ik"`); letters shared by operands are multiplied along, letters missing from the
 * output are summed over. `...` stands for broadcast dimensions; a letter repeated within an
 * operand takes its diagonal (`"ii->i"`); without `->` the output is `...` followed by the letters
 * that occur once, in alphabetical order (capitals first), as in PyTorch and NumPy. Dimensions
 * sharing a letter must have equal sizes, or size 1 (broadcast). Operands share one float dtype.
 * Differentiable (it is built of `matmul`, `mul`, `sum`, `permute`, `reshape` and `expand`).
 *
 * @example Products, traces and batches
 * ```ts
 * import { einsum, tensor } from "@nnc/autograd";
 * const a = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const b = tensor([[5, 6], [7, 8]]);
 * console.assert(einsum("ij,jk->ik", a, b).toArray().toString() === "19,22,43,50");
 * console.assert(einsum("ii", a).item() === 5); // the trace
 * console.assert(einsum("ij->ji", a).toArray().toString() === "1,3,2,4");
 * console.assert(einsum("i,j", tensor([1, 2]), tensor([3, 4, 5])).shape.join() === "2,3");
 * einsum("ij,ij->", a, b).backward(); // Σ a∘b: its gradient is b
 * console.assert(a.grad?.toArray().toString() === "5,6,7,8");
 * ```
 *
 * @example Broadcast dimensions
 * ```ts
 * import { einsum, ones } from "@nnc/autograd";
 * const q = ones([2, 4, 3, 8]), k = ones([2, 4, 5, 8]);
 * console.assert(einsum("...qd,...kd->...qk", q, k).shape.join() === "2,4,3,5");
 * ```
 */
export function einsum(equation: string, ...operands: TensorLike[]): Tensor {
  if (typeof equation !== "string") {
    throw new TypeError(
      `einsum: equation must be a string such as "ij,jk->ik", got ${
        equation === null ? "null" : typeof equation
      }`,
    );
  }
  if (operands.length === 0) throw new RangeError("einsum: needs at least one operand");
  const xs = operands.map((o, i) => toTensor(o, "einsum", `operand ${i}`));
  const dtype = xs[0].dtype;
  xs.forEach((x, i) => {
    if (x.dtype !== "float32" && x.dtype !== "float64") {
      throw new TypeError(`einsum: operand ${i} must be float32 or float64, got ${x.dtype}`);
    }
    if (x.dtype !== dtype) {
      throw new TypeError(`einsum: operands must share one dtype, got ${dtype} and ${x.dtype}`);
    }
  });
  const plan = parse(equation, xs.map((x) => x.ndim));
  let terms = xs.map((x, i) => diagonals({ x, labels: plan.inputs[i] }, i));
  const sizes = labelSizes(terms);
  const output = new Set(plan.output);
  // Labels only one operand has, and the output has not, are summed before any product.
  const owners = new Map<Label, number>();
  for (const t of terms) for (const l of t.labels) owners.set(l, (owners.get(l) ?? 0) + 1);
  terms = terms.map((t) => sumOut(t, (l) => owners.get(l) === 1 && !output.has(l)));
  let acc = terms[0];
  for (let i = 1; i < terms.length; i++) {
    const keep = new Set([...output, ...terms.slice(i + 1).flatMap((t) => t.labels)]);
    acc = contract(acc, terms[i], keep, sizes);
  }
  const result = widen(acc, plan.output, sizes);
  return arrange(result, plan.output);
}

/** Each label's size: equal across operands, or 1 where it broadcasts. */
function labelSizes(terms: Term[]): Map<Label, number> {
  const sizes = new Map<Label, number>();
  terms.forEach((t, i) =>
    t.labels.forEach((l, k) => {
      const s = t.x.shape[k], had = sizes.get(l);
      if (had === undefined || had === 1) sizes.set(l, s);
      else if (s !== had && s !== 1) {
        const what = l.startsWith("…") ? 'a dimension under "..."' : `"${l}"`;
        throw new RangeError(
          `einsum: ${what} has size ${had} in one operand and ${s} in operand ${i} (shape ${
            fmtShape(t.x.shape)
          })`,
        );
      }
    })
  );
  return sizes;
}
