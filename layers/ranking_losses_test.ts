import assert from "node:assert/strict";
import fc from "fast-check";
import { array, type NDArray } from "@nnc/tensor";
import { gradcheck, gradgradcheck, type Tensor, tensor } from "@nnc/autograd";
import {
  cosineSimilarity,
  MarginRankingLoss,
  marginRankingLoss,
  MultiLabelMarginLoss,
  multiLabelMarginLoss,
  MultiLabelSoftMarginLoss,
  multiLabelSoftMarginLoss,
  MultiMarginLoss,
  multiMarginLoss,
  SoftMarginLoss,
  softMarginLoss,
  TripletMarginLoss,
  tripletMarginLoss,
  TripletMarginWithDistanceLoss,
  tripletMarginWithDistanceLoss,
} from "./mod.ts";
import { checkMoreLossCases, moreLossFixtures, type MoreLossImpl } from "./_more_losses_testing.ts";

const f64 = { dtype: "float64" as const };
const i32 = { dtype: "int32" as const };

const distances: Record<string, ((a: Tensor, b: Tensor) => Tensor) | undefined> = {
  default: undefined,
  cosine: (a, b) => cosineSimilarity(a, b, { dim: -1 }).neg().add(1),
  l1: (a, b) => a.sub(b).abs().sum({ axis: -1 }),
};

/** The fixture's options as nnc's (Infinity is a string in JSON; distances are named). */
function opts(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...o };
  if (out.p === "Infinity") out.p = Infinity;
  if ("distance" in out) {
    out.distanceFunction = distances[out.distance as string];
    delete out.distance;
  }
  return out;
}

const weightOf = (others: NDArray[]) => others.length > 1 ? { weight: others[1] } : {};

const functional: Record<string, MoreLossImpl> = {
  marginRankingLoss: ([a, b], [y], o) => marginRankingLoss(a, b, y, opts(o)),
  tripletMarginLoss: ([a, p, n], _, o) => tripletMarginLoss(a, p, n, opts(o)),
  tripletMarginWithDistanceLoss: ([a, p, n], _, o) =>
    tripletMarginWithDistanceLoss(a, p, n, opts(o)),
  softMarginLoss: ([x], [y], o) => softMarginLoss(x, y, opts(o)),
  multiLabelSoftMarginLoss: ([x], others, o) =>
    multiLabelSoftMarginLoss(x, others[0], { ...opts(o), ...weightOf(others) }),
  multiMarginLoss: ([x], others, o) =>
    multiMarginLoss(x, others[0], { ...opts(o), ...weightOf(others) }),
  multiLabelMarginLoss: ([x], [t], o) => multiLabelMarginLoss(x, t, opts(o)),
};

const modules: Record<string, MoreLossImpl> = {
  marginRankingLoss: ([a, b], [y], o) => new MarginRankingLoss(opts(o)).forward(a, b, y),
  tripletMarginLoss: ([a, p, n], _, o) => new TripletMarginLoss(opts(o)).forward(a, p, n),
  tripletMarginWithDistanceLoss: ([a, p, n], _, o) =>
    new TripletMarginWithDistanceLoss(opts(o)).forward(a, p, n),
  softMarginLoss: ([x], [y], o) => new SoftMarginLoss(opts(o)).forward(x, y),
  multiLabelSoftMarginLoss: ([x], others, o) =>
    new MultiLabelSoftMarginLoss({ ...opts(o), ...weightOf(others) }).forward(x, others[0]),
  multiMarginLoss: ([x], others, o) =>
    new MultiMarginLoss({ ...opts(o), ...weightOf(others) }).forward(x, others[0]),
  multiLabelMarginLoss: ([x], [t], o) => new MultiLabelMarginLoss(opts(o)).forward(x, t),
};

Deno.test("ranking losses match PyTorch 2.x: values and gradients, kinks, every reduction", () => {
  assert.match(moreLossFixtures().torch, /^2\./);
  const ran = checkMoreLossCases(functional);
  for (const fn of Object.keys(functional)) {
    assert.ok(ran.some((n) => moreLossFixtures().cases.find((c) => c.name === n)!.fn === fn), fn);
  }
  assert.ok(ran.length >= 70, `${ran.length} cases`);
  assert.deepEqual(checkMoreLossCases(modules), ran);
});

Deno.test("ranking losses: gradcheck and gradgradcheck away from the kinks", () => {
  const r = (shape: number[], seed: number) =>
    tensor(
      Array.from(
        { length: shape.reduce((a, b) => a * b, 1) },
        (_, i) => Math.sin(7 * i + seed) * 2,
      ),
      { ...f64, shape, requiresGrad: true },
    );
  const x1 = r([5], 1), x2 = r([5], 2);
  const y = tensor([1, -1, 1, -1, 1], f64);
  const a = r([3, 4], 3), p = r([3, 4], 4), n = r([3, 4], 5);
  const x = r([3, 4], 6);
  const t = array([0, 3, 2], i32), lists = array([[1, 3, -1, 0], [2, -1, 0, 0], [0, 1, 2, 3]], i32);
  const labels = tensor([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 0, 0]], f64);
  const cases: [string, (...xs: Tensor[]) => Tensor, Tensor[]][] = [
    ["marginRankingLoss", (u, v) => marginRankingLoss(u, v, y, { margin: 0.3 }), [x1, x2]],
    ["tripletMarginLoss", (u, v, w) => tripletMarginLoss(u, v, w, { margin: 3, swap: true }), [
      a,
      p,
      n,
    ]],
    ["tripletMarginLoss p=3", (u, v, w) => tripletMarginLoss(u, v, w, { margin: 3, p: 3 }), [
      a,
      p,
      n,
    ]],
    [
      "tripletMarginWithDistanceLoss",
      (u, v, w) => tripletMarginWithDistanceLoss(u, v, w, { margin: 4, reduction: "sum" }),
      [a, p, n],
    ],
    ["softMarginLoss", (u) => softMarginLoss(u, y.reshape([5])), [x1]],
    ["multiLabelSoftMarginLoss", (u) => multiLabelSoftMarginLoss(u, labels), [x]],
    ["multiMarginLoss p=2", (u) => multiMarginLoss(u, t, { p: 2, margin: 5 }), [x]],
    ["multiMarginLoss", (u) => multiMarginLoss(u, t, { margin: 5, reduction: "none" }), [x]],
    ["multiLabelMarginLoss", (u) => multiLabelMarginLoss(u, lists, { reduction: "none" }), [x]],
  ];
  for (const [name, f, xs] of cases) {
    assert.ok(gradcheck(f, xs).ok, `${name}: gradcheck`);
    assert.ok(gradgradcheck(f, xs).ok, `${name}: gradgradcheck`);
  }
});

// ---------- independent scalar definitions ----------

const norm = (d: number[], p: number) =>
  p === Infinity
    ? Math.max(...d.map(Math.abs))
    : d.reduce((s, v) => s + Math.abs(v) ** p, 0) ** (1 / p);
const dist = (u: number[], v: number[], p: number, eps: number) =>
  norm(u.map((ui, i) => ui - v[i] + eps), p);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-10 * Math.max(1, Math.abs(b));

const vec = (n: number) =>
  fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: n, maxLength: n });

Deno.test("tripletMarginLoss equals max(0, m + d(a,p) − min(d(a,n), d(p,n))) from explicit distances (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }).chain((D) =>
        fc.tuple(
          fc.array(fc.tuple(vec(D), vec(D), vec(D)), { minLength: 1, maxLength: 4 }),
          fc.constantFrom(1, 2, 3, 1.5, Infinity),
          fc.double({ min: 0.01, max: 3, noNaN: true }),
          fc.boolean(),
          fc.constantFrom(0, 1e-6, 0.1),
        )
      ),
      ([rows, p, margin, swap, eps]) => {
        const [A, P, N] = [0, 1, 2].map((k) => tensor(rows.map((r) => r[k]), f64));
        const got = tripletMarginLoss(A, P, N, { p, margin, swap, eps, reduction: "none" })
          .toArray() as number[];
        rows.forEach(([a, pos, neg], i) => {
          let dn = dist(a, neg, p, eps);
          if (swap) dn = Math.min(dn, dist(pos, neg, p, eps));
          const want = Math.max(0, margin + dist(a, pos, p, eps) - dn);
          assert.ok(close(got[i], want), `row ${i}: ${got[i]} vs ${want}`);
        });
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("multiMarginLoss and multiLabelMarginLoss equal their sums over classes (fast-check)", () => {
  const problem = fc.integer({ min: 1, max: 5 }).chain((C) =>
    fc.tuple(
      fc.constant(C),
      fc.array(
        fc.tuple(
          vec(C),
          fc.integer({ min: 0, max: C - 1 }),
          fc.array(fc.integer({ min: -1, max: C - 1 }), { minLength: C, maxLength: C }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      fc.constantFrom(1, 2),
      fc.double({ min: -1, max: 2, noNaN: true }),
      fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: C, maxLength: C }),
    )
  );
  fc.assert(
    fc.property(problem, ([C, rows, p, margin, w]) => {
      const x = tensor(rows.map((r) => r[0]), f64);
      const cls = array(rows.map((r) => r[1]), i32);
      const mm = multiMarginLoss(x, cls, { p, margin, weight: array(w, f64), reduction: "none" })
        .toArray() as number[];
      const ml = multiLabelMarginLoss(x, array(rows.map((r) => r[2]), i32), { reduction: "none" })
        .toArray() as number[];
      rows.forEach(([xs, y, list], n) => {
        let want = 0;
        for (let i = 0; i < C; i++) {
          if (i !== y) want += Math.max(0, margin - xs[y] + xs[i]) ** p;
        }
        want = want * w[y] / C;
        assert.ok(close(mm[n], want), `multiMargin row ${n}: ${mm[n]} vs ${want}`);
        const end = list.indexOf(-1);
        const targets = end < 0 ? list : list.slice(0, end);
        let wantL = 0;
        for (const j of targets) {
          for (let d = 0; d < C; d++) {
            if (!targets.includes(d)) wantL += Math.max(0, 1 - xs[j] + xs[d]);
          }
        }
        assert.ok(close(ml[n], wantL / C), `multiLabelMargin row ${n}: ${ml[n]} vs ${wantL / C}`);
      });
    }),
    { numRuns: 100 },
  );
});

Deno.test("margin ranking, soft margin and multi-label soft margin equal their scalar formulas (fast-check)", () => {
  const sp = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  const values = fc.array(
    fc.tuple(
      fc.double({ min: -50, max: 50, noNaN: true }),
      fc.double({ min: -50, max: 50, noNaN: true }),
      fc.constantFrom(1, -1),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ),
    { minLength: 1, maxLength: 12 },
  );
  fc.assert(
    fc.property(values, fc.double({ min: -2, max: 2, noNaN: true }), (rows, margin) => {
      const a = tensor(rows.map((r) => r[0]), f64), b = tensor(rows.map((r) => r[1]), f64);
      const y = tensor(rows.map((r) => r[2]), f64), soft = tensor(rows.map((r) => r[3]), f64);
      const mr = marginRankingLoss(a, b, y, { margin, reduction: "none" }).toArray() as number[];
      const sm = softMarginLoss(a, y, { reduction: "none" }).toArray() as number[];
      const ml = multiLabelSoftMarginLoss(a, soft, { reduction: "sum" }).item();
      let wantMl = 0;
      rows.forEach(([u, v, t, s], i) => {
        assert.ok(close(mr[i], Math.max(0, -t * (u - v) + margin)), `marginRanking ${i}`);
        assert.ok(close(sm[i], sp(-t * u)), `softMargin ${i}: ${sm[i]} vs ${sp(-t * u)}`);
        wantMl += s * sp(-u) + (1 - s) * sp(u);
      });
      assert.ok(
        close(ml, wantMl / rows.length),
        `multiLabelSoftMargin ${ml} vs ${wantMl / rows.length}`,
      );
    }),
    { numRuns: 100 },
  );
});

Deno.test("ranking losses: PyTorch's edge cases (empty batches, scalar targets, stable soft margin)", () => {
  // The mean of no samples is 0 for the margin kernels, as PyTorch's.
  const empty = tensor([], { ...f64, shape: [0, 3] });
  assert.equal(multiMarginLoss(empty, array([], i32)).item(), 0);
  assert.equal(multiLabelMarginLoss(empty, array([], { ...i32, shape: [0, 3] })).item(), 0);
  // A scalar target gives a scalar with reduction "none"; a [1] target gives [1].
  const x = tensor([0.5, 1, 0], f64);
  assert.deepEqual(multiMarginLoss(x, array(1, i32), { reduction: "none" }).shape, []);
  assert.deepEqual(multiMarginLoss(x, array([1], i32), { reduction: "none" }).shape, [1]);
  assert.equal(multiMarginLoss(tensor(2, f64), array(0, i32)).item(), 0);
  // Every class a target: nothing to push down.
  assert.equal(multiLabelMarginLoss(tensor([0.1, 0.2], f64), array([0, 1], i32)).item(), 0);
  // log(1 + e^800) overflows in PyTorch (∞, NaN gradient); nnc stays finite.
  const big = tensor([-800], { ...f64, requiresGrad: true });
  const l = softMarginLoss(big, tensor([1], f64));
  l.backward();
  assert.equal(l.item(), 800);
  assert.equal(big.grad!.item(), -1);
  // The module keeps its weight as a buffer named as PyTorch's.
  const m = new MultiMarginLoss({ weight: array([1, 2, 3], f64) });
  assert.deepEqual(Object.keys(m.stateDict()), ["weight"]);
  assert.equal(new TripletMarginLoss({ margin: 2 }).toString(), "TripletMarginLoss(margin=2)");
});

Deno.test("ranking losses: argument errors name the op, the argument, the value and the expectation", () => {
  const v = tensor([1, 2]), m = tensor([[1, 2]]);
  assert.throws(
    () => marginRankingLoss(v, m, v),
    /^RangeError: marginRankingLoss: x1 \[2\], x2 \[1, 2\] and y \[2\] must have the same number of dimensions$/,
  );
  assert.throws(
    () => marginRankingLoss(v, tensor([1, 2, 3]), v),
    /marginRankingLoss: shapes \[2\] and \[3\] cannot be broadcast/,
  );
  assert.throws(
    () => marginRankingLoss(v, v, v, { margin: NaN }),
    /marginRankingLoss: margin must be a finite number/,
  );
  assert.throws(
    () => marginRankingLoss(v, v, v, { reduction: "batchmean" as "mean" }),
    /marginRankingLoss: reduction must be "mean", "sum" or "none", got "batchmean"/,
  );
  assert.throws(
    () => tripletMarginLoss(v, m, m),
    /tripletMarginLoss: anchor \[2\], positive \[1, 2\] and negative \[1, 2\] must have the same number of dimensions/,
  );
  assert.throws(
    () => tripletMarginLoss(m, m, m, { margin: 0 }),
    /tripletMarginLoss: margin must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => tripletMarginLoss(m, m, m, { p: 0 }),
    /tripletMarginLoss: p must be a number > 0 \(or Infinity\), got 0/,
  );
  assert.throws(
    () => tripletMarginLoss(m, m, m, { p: -1 }),
    /RangeError: tripletMarginLoss: p must be/,
  );
  assert.throws(() => new TripletMarginLoss({ p: NaN }), /TripletMarginLoss: p must be/);
  assert.throws(
    () => tripletMarginLoss(m, m, m, { swap: 1 as unknown as boolean }),
    /tripletMarginLoss: swap must be a boolean/,
  );
  assert.throws(
    () =>
      tripletMarginWithDistanceLoss(m, m, m, { distanceFunction: 3 as unknown as () => Tensor }),
    /TypeError: tripletMarginWithDistanceLoss: distanceFunction must be a function, got 3/,
  );
  assert.throws(
    () =>
      tripletMarginWithDistanceLoss(m, m, m, { distanceFunction: () => 1 as unknown as Tensor }),
    /TypeError: tripletMarginWithDistanceLoss: distanceFunction must return a Tensor, got 1/,
  );
  assert.throws(
    () => new TripletMarginWithDistanceLoss({ margin: -1 }),
    /TripletMarginWithDistanceLoss: margin must be a finite number > 0, got -1/,
  );
  assert.throws(
    () => softMarginLoss(v, m),
    /softMarginLoss: target \[1, 2\] must have the input's shape \[2\] or broadcast to it/,
  );
  assert.throws(() => new SoftMarginLoss().forward(v, m), /SoftMarginLoss: target \[1, 2\]/);
  assert.throws(
    () => multiLabelSoftMarginLoss(tensor(1), tensor(1)),
    /multiLabelSoftMarginLoss: input must be \[N, C\] or \[C\] \(classes last\), got a scalar/,
  );
  assert.throws(
    () => multiLabelSoftMarginLoss(m, m, { weight: tensor([1, 2, 3]) }),
    /multiLabelSoftMarginLoss: shapes \[1, 2\] and \[3\] cannot be broadcast/,
  );
  const t = array([0], i32);
  assert.throws(
    () => multiMarginLoss(m, t, { p: 3 }),
    /^RangeError: multiMarginLoss: p must be 1 or 2, got 3$/,
  );
  assert.throws(
    () => new MultiMarginLoss({ p: 1.5 }),
    /MultiMarginLoss: p must be 1 or 2, got 1.5/,
  );
  assert.throws(
    () => multiMarginLoss(m, array([2], i32)),
    /^RangeError: multiMarginLoss: target 2 at 0 is out of range for 2 classes$/,
  );
  assert.throws(
    () => multiMarginLoss(m, array([-1], i32)),
    /multiMarginLoss: target -1 at 0 is out of range/,
  );
  assert.throws(
    () => multiMarginLoss(m, array([0.5])),
    /^TypeError: multiMarginLoss: target must hold int32 class indices, got float32$/,
  );
  assert.throws(
    () => multiMarginLoss(m, array([[0]], i32)),
    /multiMarginLoss: target must be \[1\] \(one class index per sample of input \[1, 2\]\), got \[1, 1\]/,
  );
  assert.throws(
    () => multiMarginLoss(tensor([[[1]]]), t),
    /multiMarginLoss: input must be \[N, C\] or \[C\] with C > 0 \(or a scalar\), got \[1, 1, 1\]/,
  );
  assert.throws(
    () => multiMarginLoss(m, t, { weight: tensor([1, 2, 3]) }),
    /multiMarginLoss: weight must have shape \[2\] \(one per class\), got \[3\]/,
  );
  assert.throws(
    () => new MultiMarginLoss({ weight: tensor([[1, 2]]) }),
    /MultiMarginLoss: weight must be one-dimensional \[C\], got \[1, 2\]/,
  );
  assert.throws(
    () => multiLabelMarginLoss(m, array([[0, 2]], i32)),
    /^RangeError: multiLabelMarginLoss: target 2 at 1 is out of range: class indices are in \[0, 2\), -1 ends a list$/,
  );
  assert.throws(
    () => multiLabelMarginLoss(m, array([[-1, -2]], i32)),
    /multiLabelMarginLoss: target -2 at 1 is out of range/,
  );
  assert.throws(
    () => multiLabelMarginLoss(m, array([0, 1], i32)),
    /multiLabelMarginLoss: target must be \[1, 2\] \(class indices padded with -1, as input \[1, 2\]\), got \[2\]/,
  );
  assert.throws(
    () => new MultiLabelMarginLoss().forward(m, array([0, 1], i32)),
    /MultiLabelMarginLoss: target must be \[1, 2\]/,
  );
  assert.throws(
    () => new MarginRankingLoss({ margin: "1" as unknown as number }),
    /MarginRankingLoss: margin must be a finite number/,
  );
  assert.throws(
    () => marginRankingLoss(3 as unknown as Tensor, v, v),
    /TypeError: marginRankingLoss: x1 must be a Tensor or an NDArray, got 3/,
  );
});
