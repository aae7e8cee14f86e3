import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import {
  LBFGS,
  type LBFGSOptions,
  optimizerStateFromSafetensors,
  optimizerStateToSafetensors,
} from "./mod.ts";

// Reference runs of torch.optim.LBFGS, made by fixtures/lbfgs_fixtures.py (PyTorch 2.x, float64
// except one float32 case).
interface Step {
  params: Record<string, number[]>;
  loss: number;
  closureCalls: number;
  funcEvals: number;
  nIter: number;
  historyLength: number;
  ulpSensitivity: number;
}
interface Case {
  id: string;
  problem: "rosenbrock" | "leastSquares" | "logistic";
  dtype?: "float32";
  unused?: boolean;
  options: Partial<LBFGSOptions>;
  steps: number;
  trajectory: Step[];
  finalState: Record<string, number | number[]>;
}
interface Fixtures {
  torch: string;
  problems: Record<string, number[] | number[][]>;
  cases: Case[];
}
const fixtures: Fixtures = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/lbfgs.json", import.meta.url)),
);
const P = fixtures.problems as Record<string, number[][]> & Record<string, number[]>;

type Params = Record<string, Tensor>;
type DT = "float32" | "float64";

function leaf(values: number[] | number[][], dtype: DT = "float64"): Tensor {
  const flat = (values as number[]).flat() as number[];
  const shape = Array.isArray(values[0]) ? [values.length, (values[0] as number[]).length] : [
    values.length,
  ];
  const data = dtype === "float64" ? Float64Array.from(flat) : Float32Array.from(flat);
  return new Tensor(NDArray.fromTyped(data, shape), { requiresGrad: true });
}

function constant(values: number[] | number[][], dtype: DT = "float64"): Tensor {
  const t = leaf(values, dtype);
  return new Tensor(t.data);
}

/** The case's parameters (in PyTorch's order) and its loss. */
function problem(c: Pick<Case, "problem" | "dtype" | "unused">): {
  params: Params;
  loss: (p: Params) => Tensor;
} {
  const dt: DT = c.dtype ?? "float64";
  let params: Params;
  let loss: (p: Params) => Tensor;
  if (c.problem === "rosenbrock") {
    params = { xy: leaf(P.rosenbrock0, dt) };
    const ex = constant([1, 0], dt), ey = constant([0, 1], dt);
    loss = (p) => {
      const x = p.xy.mul(ex).sum(), y = p.xy.mul(ey).sum();
      return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
    };
  } else if (c.problem === "leastSquares") {
    params = { W: leaf(P.W0), b: leaf(P.B0) };
    const X = constant(P.X), Y = constant(P.Y);
    loss = (p) => X.matmul(p.W).add(p.b).sub(Y).square().sum().mul(0.5);
  } else {
    params = { W: leaf(P.WL0), b: leaf(P.BL0) };
    const X = constant(P.XL), T = constant(P.TL);
    loss = (p) => {
      const z = X.matmul(p.W).add(p.b);
      return z.softplus().sub(z.mul(T)).mean();
    };
  }
  if (c.unused) params.unused = leaf(P.unused0, dt);
  return { params, loss };
}

function run(opt: LBFGS, params: Params, loss: (p: Params) => Tensor, counter: number[]) {
  return () =>
    opt.step(() => {
      counter[0]++;
      opt.zeroGrad();
      const l = loss(params);
      l.backward();
      return l;
    });
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-3);
}

// Tolerance, relative (absolute below 1e-3): float64 max(1e-10, 10·s), float32 max(1e-5, 10·s),
// where s (ulpSensitivity, from the fixture script) is how far PyTorch's own run moves when its
// start moves by one ulp. The iterations are PyTorch's (closure calls, func_evals, n_iter and the
// history length must match exactly), but the arithmetic is not bit for bit: its dot products run
// in BLAS order, its `add(…, alpha)` may fuse a multiply-add, and its scalars are float32 tensors
// in a float32 run. Those ulp-level differences stay near 1e-13 on the well-conditioned problems
// (PyTorch 1.13 and 2.x differ by 2e-13) but Rosenbrock amplifies them, after 40–80 iterations to
// 1e-9…1e-4 — within 1.5× of what a one-ulp change of the start does to PyTorch itself.
for (const c of fixtures.cases) {
  Deno.test(`LBFGS: matches torch ${fixtures.torch}: ${c.id}`, () => {
    const { params, loss } = problem(c);
    const opt = new LBFGS(Object.values(params), c.options);
    const counter = [0];
    const step = run(opt, params, loss, counter);
    const floor = c.dtype === "float32" ? 1e-5 : 1e-10;
    let tol = floor;
    c.trajectory.forEach((want, k) => {
      counter[0] = 0;
      tol = Math.max(floor, 10 * want.ulpSensitivity);
      const got = step() as Tensor;
      const at = `${c.id} step ${k + 1}`;
      assert.ok(relErr(got.item(), want.loss) <= tol, `${at}: loss ${got.item()} vs ${want.loss}`);
      const s = opt.stateDict().state["0"];
      assert.equal(counter[0], want.closureCalls, `${at}: closure calls`);
      assert.equal(s.func_evals, want.funcEvals, `${at}: func_evals`);
      assert.equal(s.n_iter, want.nIter, `${at}: n_iter`);
      const k2 = s.old_dirs instanceof NDArray ? s.old_dirs.shape[0] : 0;
      assert.equal(k2, want.historyLength, `${at}: history length`);
      for (const [name, values] of Object.entries(want.params)) {
        const mine = [...params[name].data.contiguous().data];
        values.forEach((v, i) =>
          assert.ok(relErr(mine[i], v) <= tol, `${at}: ${name}[${i}] ${mine[i]} vs ${v}`)
        );
      }
    });
    // The state PyTorch ended with. Its vectors come from gradients near convergence, formed by
    // cancellation (a relative error of the gradient of 1e-12 becomes 1e-9 in d through H), so
    // they are compared at max(10·tol, 1e-7) against the vector's scale, and only in float64 (the
    // float32 runs end at float32's noise floor).
    const s = opt.stateDict().state["0"];
    const f = c.finalState;
    const stateTol = Math.max(10 * tol, 1e-7);
    assert.ok(relErr(s.t as number, f.t as number) <= stateTol, `${c.id}: t`);
    assert.ok(
      relErr(s.prev_loss as number, f.prev_loss as number) <= stateTol,
      `${c.id}: prev_loss`,
    );
    if (c.dtype === "float32") return;
    assert.ok(relErr(s.H_diag as number, f.H_diag as number) <= stateTol, `${c.id}: H_diag`);
    for (const key of ["d", "prev_flat_grad", "ro"]) {
      const mine = (s[key] as NDArray).toArray() as number[];
      const want = f[key] as number[];
      assert.equal(mine.length, want.length);
      const scale = key === "ro" ? 0 : Math.max(...want.map(Math.abs));
      mine.forEach((v, i) => {
        const err = Math.abs(v - want[i]) / Math.max(scale, Math.abs(want[i]));
        assert.ok(err <= stateTol, `${c.id}: ${key}[${i}] ${v} vs ${want[i]}`);
      });
    }
  });
}

Deno.test("LBFGS: gradient-free parameters stay put (counted as zero gradient, as PyTorch)", () => {
  const c = fixtures.cases.find((x) => x.unused)!;
  const { params, loss } = problem(c);
  const opt = new LBFGS(Object.values(params), c.options);
  run(opt, params, loss, [0])();
  assert.deepEqual(params.unused.data.toArray(), P.unused0);
  assert.equal(params.unused.grad, null);
  // The flattened state spans all 6 + 2 + 2 elements, the unused ones zero.
  const d = opt.stateDict().state["0"].d as NDArray;
  assert.deepEqual(d.shape, [10]);
  assert.deepEqual((d.toArray() as number[]).slice(8).map(Math.abs), [0, 0]);
});

Deno.test("LBFGS: maxEval bounds the closure calls of a step (checked after each iteration)", () => {
  for (const maxEval of [1, 2, 3, 7]) {
    const { params, loss } = problem({ problem: "rosenbrock" });
    const opt = new LBFGS(Object.values(params), { maxEval, maxIter: 100 });
    const calls = [0];
    run(opt, params, loss, calls)();
    // Without a line search each iteration evaluates once: stops at maxEval (the first
    // iteration's evaluation always happens, as in PyTorch).
    assert.equal(calls[0], Math.max(maxEval, 2));
    assert.equal(opt.stateDict().state["0"].func_evals, Math.max(maxEval, 2));
  }
  // With the strong-Wolfe search an iteration may overshoot it: PyTorch checks between iterations.
  const c = fixtures.cases.find((x) => x.id === "rosenbrock_wolfe_maxeval7")!;
  assert.ok(c.trajectory.every((s) => s.closureCalls >= 7));
  // maxEval defaults to ⌊maxIter·5/4⌋.
  const { params } = problem({ problem: "rosenbrock" });
  assert.equal(new LBFGS(Object.values(params)).paramGroups[0].maxEval, 25);
  assert.equal(new LBFGS(Object.values(params), { maxIter: 7 }).paramGroups[0].maxEval, 8);
  assert.equal(new LBFGS(Object.values(params), { maxIter: 7, maxEval: 3 }).defaults.maxEval, 3);
});

Deno.test("LBFGS: returns what the closure first returned (a number stays a number)", () => {
  const { params, loss } = problem({ problem: "leastSquares" });
  const opt = new LBFGS(Object.values(params), { maxIter: 3 });
  const seen: number[] = [];
  const first = opt.step(() => {
    opt.zeroGrad();
    const l = loss(params);
    l.backward();
    seen.push(l.item());
    return l.item();
  });
  assert.equal(typeof first, "number");
  assert.equal(first, seen[0]);
  assert.equal(seen.length, 3);
});

for (const lineSearchFn of [null, "strong_wolfe"] as const) {
  Deno.test(`LBFGS: a state dict taken mid-run resumes bit for bit (lineSearchFn ${lineSearchFn})`, () => {
    const c = { problem: "rosenbrock" as const };
    const options = { lineSearchFn, historySize: 4, maxIter: 6 };
    const a = problem(c);
    const optA = new LBFGS(Object.values(a.params), options);
    const stepA = run(optA, a.params, a.loss, [0]);
    for (let k = 0; k < 3; k++) stepA();
    // Through safetensors too: the history is stored as arrays.
    const saved = optimizerStateFromSafetensors(optimizerStateToSafetensors(optA)).optimizer;
    const b = problem(c);
    b.params.xy.data.data.set(a.params.xy.data.data);
    const optB = new LBFGS(Object.values(b.params));
    optB.loadStateDict(saved);
    assert.equal(optB.paramGroups[0].historySize, 4);
    const stepB = run(optB, b.params, b.loss, [0]);
    for (let k = 0; k < 3; k++) {
      const la = (stepA() as Tensor).item(), lb = (stepB() as Tensor).item();
      assert.ok(Object.is(la, lb));
      assert.deepEqual(
        [...(b.params.xy.data.data as Float64Array)],
        [...(a.params.xy.data.data as Float64Array)],
      );
    }
    const sa = optA.stateDict().state["0"], sb = optB.stateDict().state["0"];
    assert.deepEqual(Object.keys(sb).sort(), Object.keys(sa).sort());
    for (const k of Object.keys(sa)) {
      const x = sa[k], y = sb[k];
      if (x instanceof NDArray) assert.deepEqual((y as NDArray).toArray(), x.toArray());
      else assert.ok(Object.is(x, y), k);
    }
  });
}

Deno.test("LBFGS: loadStateDict checks the vectors and takes PyTorch's list form", () => {
  const { params, loss } = problem({ problem: "leastSquares" });
  const opt = new LBFGS(Object.values(params), { maxIter: 4 });
  run(opt, params, loss, [0])();
  const sd = opt.stateDict();
  const s = sd.state["0"];
  const op = /^RangeError: LBFGS\.loadStateDict: /;
  const bad = (patch: Record<string, unknown>, re: RegExp) =>
    assert.throws(
      () =>
        new LBFGS(Object.values(params)).loadStateDict(
          { ...sd, state: { 0: { ...s, ...patch } } } as never,
        ),
      re,
    );
  bad(
    { d: NDArray.fromTyped(new Float64Array(3)) },
    /state\[0\]\.d has shape \[3\], expected \[8\]/,
  );
  bad({ d: [1, 2] }, /^TypeError: LBFGS\.loadStateDict: state\[0\]\.d must be an NDArray/);
  bad(
    { ro: NDArray.fromTyped(new Float64Array(1)) },
    /state\[0\]\.ro holds 1 entries, the other history lists 3/,
  );
  bad({ old_stps: undefined, ro: undefined }, /must hold all of old_dirs, old_stps and ro/);
  bad(
    { n_iter: "2" },
    /^TypeError: LBFGS\.loadStateDict: state\[0\]\.n_iter must be an integer >= 0, got "2"$/,
  );
  bad(
    { exp_avg: 1 },
    /^RangeError: LBFGS\.loadStateDict: state\[0\]\.exp_avg: unknown state entry/,
  );
  bad({ t: "1" }, /^TypeError: LBFGS\.loadStateDict: state\[0\]\.t must be a number, got "1"$/);
  assert.throws(
    () => new LBFGS(Object.values(params)).loadStateDict({ ...sd, state: { 1: s } } as never),
    op,
  );
  // PyTorch's layout: lists of vectors, ro as 0-d tensors, and its scratch list al.
  const rows = (x: NDArray) =>
    (x.toArray() as number[][]).map((r) => NDArray.fromTyped(Float64Array.from(r)));
  const torchLike = {
    ...s,
    old_dirs: rows(s.old_dirs as NDArray),
    old_stps: rows(s.old_stps as NDArray),
    ro: (s.ro as NDArray).toArray() as number[],
    al: [null, null],
  };
  const again = new LBFGS(Object.values(params));
  again.loadStateDict({ ...sd, state: { 0: torchLike } } as never);
  assert.deepEqual(
    (again.stateDict().state["0"].old_dirs as NDArray).toArray(),
    (s.old_dirs as NDArray).toArray(),
  );
});

Deno.test("LBFGS: step needs a closure returning the loss", () => {
  const { params } = problem({ problem: "leastSquares" });
  const opt = new LBFGS(Object.values(params));
  assert.throws(
    () => (opt.step as () => unknown)(),
    /^TypeError: LBFGS\.step: needs a closure that clears the gradients, computes the loss, calls backward and returns the loss .*got undefined$/,
  );
  assert.throws(
    () => opt.step(3 as never),
    /^TypeError: LBFGS\.step: closure must be a function, got 3$/,
  );
  assert.throws(
    () => opt.step(() => "loss"),
    /^TypeError: LBFGS\.step: the closure must return the loss as a number or a one-element Tensor, got/,
  );
});

Deno.test("LBFGS: one parameter group only; option errors name LBFGS, the option, the value and the expectation", () => {
  const { params } = problem({ problem: "leastSquares" });
  const [W, b] = Object.values(params);
  assert.throws(
    () => new LBFGS([{ params: [W] }, { params: [b], lr: 0.1 }]),
    /^RangeError: LBFGS: supports one parameter group only .*got a second group$/,
  );
  const opt = new LBFGS([W]);
  assert.throws(
    () => opt.addParamGroup({ params: [b] }),
    /^RangeError: LBFGS: supports one parameter group only/,
  );
  const p = [W];
  const cases: [Partial<Record<keyof LBFGSOptions, unknown>>, RegExp][] = [
    [{ lr: -1 }, /^RangeError: LBFGS: lr must be a finite number >= 0, got -1$/],
    [{ maxIter: 0 }, /^RangeError: LBFGS: maxIter must be an integer >= 1, got 0$/],
    [{ maxIter: 2.5 }, /^RangeError: LBFGS: maxIter must be an integer >= 1, got 2\.5$/],
    [{ maxEval: 0 }, /^RangeError: LBFGS: maxEval must be an integer >= 1, got 0$/],
    [{ maxIter: "5" }, /^RangeError: LBFGS: maxIter must be an integer >= 1, got "5"$/],
    [
      { toleranceGrad: -1e-3 },
      /^RangeError: LBFGS: toleranceGrad must be a finite number >= 0, got -0\.001$/,
    ],
    [
      { toleranceChange: NaN },
      /^RangeError: LBFGS: toleranceChange must be a finite number >= 0, got NaN$/,
    ],
    [{ historySize: 0 }, /^RangeError: LBFGS: historySize must be an integer >= 1, got 0$/],
    [
      { lineSearchFn: "armijo" },
      /^RangeError: LBFGS: lineSearchFn must be null or "strong_wolfe", got "armijo"$/,
    ],
    [{ lineSearchFn: 1 }, /^TypeError: LBFGS: lineSearchFn must be null or "strong_wolfe", got 1$/],
    [
      { line_search_fn: "strong_wolfe" } as never,
      /^TypeError: LBFGS: unknown option "line_search_fn" \(did you mean "lineSearchFn"\?\)/,
    ],
  ];
  for (const [options, re] of cases) assert.throws(() => new LBFGS(p, options as never), re);
});

Deno.test("LBFGS: stops at once when the gradient is already below toleranceGrad", () => {
  const w = leaf([0, 0]);
  const opt = new LBFGS([w]);
  let calls = 0;
  const l = opt.step(() => {
    calls++;
    opt.zeroGrad();
    const loss = w.square().sum();
    loss.backward();
    return loss.item();
  });
  assert.equal(l, 0);
  assert.equal(calls, 1);
  assert.deepEqual(opt.stateDict().state["0"], { func_evals: 1, n_iter: 0 });
});

Deno.test("LBFGS: odd losses and options never hang, keep the closure count bounded and save their state", () => {
  fc.assert(
    fc.property(
      fc.record({
        lineSearchFn: fc.constantFrom(null, "strong_wolfe" as const),
        maxIter: fc.integer({ min: 1, max: 6 }),
        historySize: fc.integer({ min: 1, max: 4 }),
        lr: fc.constantFrom(0, 1e-3, 0.5, 1, 1e6),
        toleranceGrad: fc.constantFrom(0, 1e-7, 10),
        toleranceChange: fc.constantFrom(0, 1e-9, 1),
      }),
      fc.constantFrom("float32", "float64") as fc.Arbitrary<DT>,
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 0, maxLength: 4 }),
      fc.constantFrom("quartic", "nan", "inf", "noBackward", "flat"),
      (options, dtype, start, kind) => {
        const x = leaf(start, dtype);
        const opt = new LBFGS([x], options);
        let calls = 0;
        const closure = () => {
          calls++;
          opt.zeroGrad();
          const l = x.square().square().sum().add(x.sum());
          if (kind === "noBackward") return l.item();
          l.backward();
          if (kind === "nan") return calls > 2 ? NaN : l.item();
          if (kind === "inf") return calls > 1 ? Infinity : l;
          if (kind === "flat") return 0;
          return l;
        };
        for (let k = 0; k < 2; k++) {
          calls = 0;
          opt.step(closure);
          // 1 + per iteration at most 1 (fixed step) or 26 (a line search: its first trial and 25 more).
          assert.ok(calls <= 1 + options.maxIter * 26, `${calls} closure calls`);
        }
        const s = opt.stateDict().state["0"];
        const again = new LBFGS([leaf(start, dtype)]);
        again.loadStateDict(
          optimizerStateFromSafetensors(optimizerStateToSafetensors(opt)).optimizer,
        );
        assert.deepEqual(again.stateDict().state["0"], s);
      },
    ),
    { numRuns: 150 },
  );
});
