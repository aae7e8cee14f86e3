/**
 * {@link LBFGS}: limited-memory BFGS (Nocedal & Wright, Numerical Optimization, §7.2), with an
 * optional strong-Wolfe line search (their Algorithms 3.5 and 3.6, with cubic interpolation).
 *
 * @module
 */
import {
  Optimizer,
  type OptimizerOptions,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  type ParamState,
  type StateKeys,
} from "./optimizer.ts";
import { commitValues, type FloatArray, gradValues, paramValues } from "./_buffers.ts";
import {
  astype,
  checkFunction,
  checkInt,
  checkNumber,
  contiguous,
  describe,
  NDArray,
} from "@nnc/tensor";
import { enableGrad, Tensor } from "@nnc/autograd";

/** Options of {@link LBFGS} (PyTorch's `torch.optim.LBFGS`, in camelCase). */
export interface LBFGSOptions extends OptimizerOptions {
  /** Step length: the fixed step without a line search, the line search's first trial otherwise. Default 1. */
  lr: number;
  /** Iterations per `step(closure)`. Default 20. */
  maxIter: number;
  /** Closure evaluations per `step(closure)` (checked after each iteration). Default ⌊maxIter·5/4⌋. */
  maxEval: number;
  /** Stop when the largest gradient component is at most this. Default 1e-7. */
  toleranceGrad: number;
  /** Stop when the loss, or the largest step component, changes by less than this. Default 1e-9. */
  toleranceChange: number;
  /** Curvature pairs (s, y) remembered. Default 100. */
  historySize: number;
  /** `"strong_wolfe"` for the strong-Wolfe line search, null for fixed steps. Default null. */
  lineSearchFn: "strong_wolfe" | null;
}

const C1 = 1e-4; // sufficient decrease (Armijo) constant
const C2 = 0.9; // curvature constant
const MAX_LS = 25; // line-search evaluations
const LS_TOLERANCE = 1e-9; // smallest bracket (PyTorch's line search keeps its own 1e-9)
const CURVATURE_MIN = 1e-10; // a pair with yᵀs at most this is not stored

type Loss = number;
interface Evaluation {
  f: Loss;
  g: FloatArray;
}

function dot(a: FloatArray, b: FloatArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function sumAbs(a: FloatArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
}

function maxAbs(a: FloatArray): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to
 * `bounds` (the interval between x1 and x2 when not given); the middle of the bounds when the
 * cubic has no minimiser (Nocedal & Wright, eq. 3.59).
 */
function cubicMin(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  const disc = d1 * d1 - g1 * g2;
  if (!(disc >= 0)) return (lo + hi) / 2;
  const d2 = Math.sqrt(disc);
  const x = x1 <= x2
    ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(x, lo), hi);
}

/** One end of a line-search bracket: step, loss, gradient, directional derivative. */
interface Point {
  t: number;
  f: number;
  g: FloatArray;
  gtd: number;
}

/**
 * Strong-Wolfe line search along `d` from the point with loss `f0`, gradient `g0` and directional
 * derivative `gtd0`, first trying step `t`: a bracketing phase that extrapolates by cubic
 * interpolation (Algorithm 3.5), then a zoom phase (Algorithm 3.6) that safeguards the cubic's
 * step against progress too small relative to the bracket. Returns the accepted point and the
 * number of evaluations.
 */
function strongWolfe(
  evaluate: (t: number) => Evaluation,
  d: FloatArray,
  t: number,
  f0: number,
  g0: FloatArray,
  gtd0: number,
  round: (x: number) => number,
): { t: number; f: number; g: FloatArray; evals: number } {
  const dNorm = maxAbs(d);
  const armijo = (step: number, f: number) => f > f0 + C1 * step * gtd0;
  const curvature = (gtd: number) => Math.abs(gtd) <= -C2 * gtd0;
  let cur = evaluate(t);
  let evals = 1;
  let gtd = round(dot(cur.g, d));
  let prev: Point = { t: 0, f: f0, g: g0, gtd: gtd0 };
  let bracket: Point[] | null = null;
  let done = false;
  let iter = 0;
  // Bracketing: grow the step until it overshoots (loss up, or slope no longer negative).
  while (iter < MAX_LS) {
    const here: Point = { t, f: cur.f, g: cur.g, gtd };
    if (armijo(t, cur.f) || (iter > 1 && cur.f >= prev.f)) {
      bracket = [prev, here];
      break;
    }
    if (curvature(gtd)) {
      bracket = [here];
      done = true;
      break;
    }
    if (gtd >= 0) {
      bracket = [prev, here];
      break;
    }
    const next = cubicMin(prev.t, prev.f, prev.gtd, t, cur.f, gtd, [
      t + 0.01 * (t - prev.t),
      t * 10,
    ]);
    prev = here;
    t = next;
    cur = evaluate(t);
    evals++;
    gtd = round(dot(cur.g, d));
    iter++;
  }
  if (iter === MAX_LS) {
    bracket = [{ t: 0, f: f0, g: g0, gtd: gtd0 }, { t, f: cur.f, g: cur.g, gtd }];
  }
  const b = bracket!;
  // One point when it met both conditions (kept even when its loss is NaN, where PyTorch's index
  // runs past its one-element bracket).
  let [lo, hi] = b.length === 1 || b[0].f <= b[1].f ? [0, 1] : [1, 0];
  // Zoom: shrink [low, high] (low: the best point meeting sufficient decrease) until a point
  // meets both Wolfe conditions.
  let insufficient = false;
  while (!done && iter < MAX_LS) {
    if (Math.abs(b[1].t - b[0].t) * dNorm < LS_TOLERANCE) break;
    t = cubicMin(b[0].t, b[0].f, b[0].gtd, b[1].t, b[1].f, b[1].gtd);
    const top = Math.max(b[0].t, b[1].t);
    const bottom = Math.min(b[0].t, b[1].t);
    const eps = 0.1 * (top - bottom);
    if (Math.min(top - t, t - bottom) < eps) {
      // Too close to an end: accept once, then move eps inside the bracket.
      if (insufficient || t >= top || t <= bottom) {
        t = Math.abs(t - top) < Math.abs(t - bottom) ? top - eps : bottom + eps;
        insufficient = false;
      } else insufficient = true;
    } else insufficient = false;
    cur = evaluate(t);
    evals++;
    gtd = round(dot(cur.g, d));
    iter++;
    const here: Point = { t, f: cur.f, g: cur.g, gtd };
    if (armijo(t, cur.f) || cur.f >= b[lo].f) {
      b[hi] = here;
      [lo, hi] = b[0].f <= b[1].f ? [0, 1] : [1, 0];
    } else {
      if (curvature(gtd)) done = true;
      else if (gtd * (b[hi].t - b[lo].t) >= 0) b[hi] = b[lo];
      b[lo] = here;
    }
  }
  const best = b[lo];
  return { t: best.t, f: best.f, g: best.g, evals };
}

/**
 * L-BFGS (PyTorch's `torch.optim.LBFGS`: same options, defaults, iterations, line search and
 * state). Each `step(closure)` runs up to `maxIter` quasi-Newton iterations over all the
 * parameters flattened into one vector x (in order; a parameter without a gradient counts as zero
 * gradient): the direction d = −H·∇f comes from the last `historySize` pairs s = Δx, y = Δ∇f by
 * the two-loop recursion (Nocedal & Wright, Algorithm 7.4, H₀ = (sᵀy / yᵀy)·I), and x moves by
 * t·d, with t = lr (the first iteration of a run: min(1, 1/‖∇f‖₁)·lr), or t from the strong-Wolfe
 * line search. It stops early when ‖∇f‖∞ ≤ toleranceGrad, when the loss or the step changes by
 * less than toleranceChange, or after `maxEval` evaluations.
 *
 * The closure is required and is called several times per step: it must clear the gradients,
 * compute the loss, call `backward` and return the loss (a number or a one-element Tensor).
 * `step` returns what the closure returned on its first call. One parameter group only, as in
 * PyTorch. The state (`func_evals`, `n_iter`, `d`, `t`, `old_dirs`, `old_stps`, `ro`, `H_diag`,
 * `prev_flat_grad`, `prev_loss`) lives under the first parameter; in a state dict the history is
 * stored as [k, n] and [k] arrays (absent while empty), so it saves to safetensors. The flattened
 * vectors are float64 when any parameter is (float32 otherwise); each parameter keeps its dtype.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { LBFGS } from "@nnc/optim";
 * // f(x) = (x₀ − 1)² + 10·(x₁ + 2)², minimised at (1, −2).
 * const x = tensor([0, 0], { dtype: "float64", requiresGrad: true });
 * const target = tensor([1, -2], { dtype: "float64" });
 * const scale = tensor([1, 10], { dtype: "float64" });
 * const opt = new LBFGS([x], { lineSearchFn: "strong_wolfe" });
 * const closure = () => {
 *   opt.zeroGrad();
 *   const loss = x.sub(target).square().mul(scale).sum();
 *   loss.backward();
 *   return loss.item();
 * };
 * const first = opt.step(closure);
 * console.assert(first === 41); // the loss at the start
 * console.assert(Math.abs(x.get(0) - 1) < 1e-5 && Math.abs(x.get(1) + 2) < 1e-5);
 * ```
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  /** Builds the optimiser over `params` (tensors, or a single parameter group). */
  constructor(params: ParamsInput<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    super("LBFGS", params, {
      lr: 1,
      maxIter: 20,
      maxEval: 25,
      toleranceGrad: 1e-7,
      toleranceChange: 1e-9,
      historySize: 100,
      lineSearchFn: null,
    }, withMaxEval(options));
  }

  /** Adds the parameter group; L-BFGS has exactly one (its history spans all parameters). */
  override addParamGroup(group: ParamGroupInput<LBFGSOptions>): void {
    if (this.paramGroups.length > 0) {
      throw new RangeError(
        `${this.name}: supports one parameter group only (its curvature history spans all the parameters, as in PyTorch); got a second group`,
      );
    }
    super.addParamGroup(group);
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkNumber(o.lr, op, "lr", 0);
    checkInt(o.maxIter, op, "maxIter", 1);
    checkInt(o.maxEval, op, "maxEval", 1);
    checkNumber(o.toleranceGrad, op, "toleranceGrad", 0);
    checkNumber(o.toleranceChange, op, "toleranceChange", 0);
    checkInt(o.historySize, op, "historySize", 1);
    const ls = o.lineSearchFn;
    if (ls !== null && ls !== "strong_wolfe") {
      const Kind = typeof ls === "string" ? RangeError : TypeError;
      throw new Kind(
        `${op}: lineSearchFn must be null or "strong_wolfe", got ${describe(ls)}`,
      );
    }
  }

  /** The state entries (PyTorch's names); the vectors are checked by {@link loadStateDict}. */
  protected override stateKeys(): StateKeys {
    return { scalars: ["func_evals", "n_iter", "t", "H_diag", "prev_loss"], tensors: [] };
  }

  /** Never called: {@link step} needs its closure. */
  protected override updateGroup(_group: ParamGroup<LBFGSOptions>): void {
    throw new TypeError(`${this.name}.step: needs a closure`);
  }

  /** Not available: L-BFGS re-evaluates the loss, so it needs a closure. */
  override step(): never;
  /**
   * Runs up to `maxIter` L-BFGS iterations, calling `closure` (with gradient recording on) to
   * re-evaluate the loss and its gradient; returns what the closure returned on its first call.
   */
  override step<L>(closure: () => L): L;
  /**
   * One L-BFGS step (several iterations and closure calls).
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { LBFGS } from "@nnc/optim";
   * const w = tensor([3], { dtype: "float64", requiresGrad: true });
   * const opt = new LBFGS([w], { maxIter: 5 });
   * let calls = 0;
   * const loss = opt.step(() => {
   *   calls++;
   *   opt.zeroGrad();
   *   const l = w.mul(w).sum();
   *   l.backward();
   *   return l;
   * });
   * console.assert(loss.item() === 9 && calls <= 5 && Math.abs(w.item()) < 1e-6);
   * ```
   */
  override step<L>(closure?: () => L): L {
    const op = `${this.name}.step`;
    if (closure === undefined) {
      throw new TypeError(
        `${op}: needs a closure that clears the gradients, computes the loss, calls backward and returns the loss (L-BFGS evaluates it several times per step), got undefined`,
      );
    }
    checkFunction(closure, op, "closure");
    const group = this.paramGroups[0];
    const params = group.params;
    const f64 = params.some((p) => p.data.dtype === "float64");
    const round = f64 ? (x: number) => x : Math.fround;
    const n = params.reduce((a, p) => a + p.data.size, 0);
    const newFlat = (): FloatArray => f64 ? new Float64Array(n) : new Float32Array(n);

    const lossOf = (v: unknown): number => {
      if (typeof v === "number") return v;
      if (v instanceof Tensor && v.size === 1) return v.item();
      throw new TypeError(
        `${op}: the closure must return the loss as a number or a one-element Tensor, got ${
          describe(v)
        }`,
      );
    };
    const flatGrad = (): FloatArray => {
      const out = newFlat();
      let off = 0;
      for (const p of params) {
        const g = gradValues(p, op);
        if (g !== null) out.set(g, off);
        off += p.data.size;
      }
      return out;
    };
    const addStep = (t: number, d: FloatArray): void => {
      let off = 0;
      for (const p of params) {
        const x = paramValues(p, op);
        for (let i = 0; i < x.length; i++) x[i] += t * d[off + i];
        commitValues(p, x);
        off += x.length;
      }
    };
    const evaluate = (): Evaluation => {
      const f = lossOf(enableGrad(closure));
      return { f, g: flatGrad() };
    };

    const state = this.paramState(params[0]);
    state.func_evals = (state.func_evals as number | undefined) ?? 0;
    state.n_iter = (state.n_iter as number | undefined) ?? 0;

    const origLoss = enableGrad(closure);
    let loss = lossOf(origLoss);
    let g = flatGrad();
    let evals = 1;
    (state.func_evals as number)++;
    if (maxAbs(g) <= group.toleranceGrad) return origLoss;

    const hist = readHistory(state, n, f64);
    const stale = [hist.d, hist.prevGrad, ...hist.dirs].find((v) => v !== null && v.length !== n);
    if (stale) {
      throw new RangeError(
        `${op}: the state's vectors have ${stale.length} elements but the parameters now have ${n} in all`,
      );
    }
    let { d, t, hDiag, prevGrad, prevLoss } = hist;
    const { dirs, stps, ro } = hist;
    let iter = 0;
    while (iter < group.maxIter) {
      iter++;
      const nIter: number = (state.n_iter as number) + 1;
      state.n_iter = nIter;
      if (nIter === 1 || d === null || prevGrad === null) {
        d = newFlat();
        for (let i = 0; i < n; i++) d[i] = -g[i];
        dirs.length = stps.length = ro.length = 0;
        hDiag = 1;
      } else {
        const y = newFlat();
        const s = newFlat();
        for (let i = 0; i < n; i++) {
          y[i] = g[i] - prevGrad[i];
          s[i] = d[i] * t;
        }
        const ys = round(dot(y, s));
        if (ys > CURVATURE_MIN) {
          while (dirs.length >= group.historySize) {
            dirs.shift();
            stps.shift();
            ro.shift();
          }
          dirs.push(y);
          stps.push(s);
          ro.push(round(1 / ys));
          hDiag = round(ys / round(dot(y, y)));
        }
        // Two-loop recursion: d = −H·g with H from the stored pairs and H₀ = hDiag·I.
        const k = dirs.length;
        const alpha = new Array<number>(k);
        const q = newFlat();
        for (let i = 0; i < n; i++) q[i] = -g[i];
        for (let j = k - 1; j >= 0; j--) {
          alpha[j] = round(round(dot(stps[j], q)) * ro[j]);
          const yj = dirs[j];
          for (let i = 0; i < n; i++) q[i] += -alpha[j] * yj[i];
        }
        d = newFlat();
        for (let i = 0; i < n; i++) d[i] = q[i] * hDiag;
        for (let j = 0; j < k; j++) {
          const beta = round(round(dot(dirs[j], d)) * ro[j]);
          const sj = stps[j];
          const c = round(alpha[j] - beta);
          for (let i = 0; i < n; i++) d[i] += c * sj[i];
        }
      }
      prevGrad = g.slice();
      prevLoss = loss;
      if (nIter === 1) {
        const inv = round(1 / round(sumAbs(g)));
        t = inv < 1 ? round(inv * group.lr) : group.lr;
      } else t = group.lr;
      const gtd = round(dot(g, d));
      if (gtd > -group.toleranceChange) break;

      let lsEvals = 0;
      let converged = false;
      if (group.lineSearchFn === "strong_wolfe") {
        const start = params.map((p) => paramValues(p, op).slice());
        const dir = d;
        const probe = (step: number): Evaluation => {
          addStep(step, dir);
          const e = evaluate();
          params.forEach((p, i) => {
            const x = paramValues(p, op);
            x.set(start[i]);
            commitValues(p, x);
          });
          return e;
        };
        const r = strongWolfe(probe, d, t, loss, g, gtd, round);
        loss = r.f;
        g = r.g;
        t = r.t;
        lsEvals = r.evals;
        addStep(t, d);
        converged = maxAbs(g) <= group.toleranceGrad;
      } else {
        addStep(t, d);
        if (iter !== group.maxIter) {
          const e = evaluate();
          loss = e.f;
          g = e.g;
          converged = maxAbs(g) <= group.toleranceGrad;
          lsEvals = 1;
        }
      }
      evals += lsEvals;
      state.func_evals = (state.func_evals as number) + lsEvals;

      if (iter === group.maxIter || evals >= group.maxEval || converged) break;
      let stepMax = 0;
      for (let i = 0; i < n; i++) stepMax = Math.max(stepMax, Math.abs(round(d[i] * t)));
      if (stepMax <= group.toleranceChange) break;
      if (Math.abs(loss - prevLoss) < group.toleranceChange) break;
    }
    writeHistory(state, { d, t, hDiag, prevGrad, prevLoss, dirs, stps, ro }, n);
    return origLoss;
  }

  /**
   * Restores a state from {@link stateDict}: as the base class, plus L-BFGS's vectors (`d`,
   * `prev_flat_grad` of the flattened length n, `old_dirs`/`old_stps` as [k, n] arrays or lists of
   * k vectors, `ro` of length k), all checked before anything changes. PyTorch's scratch list `al`
   * is ignored.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { LBFGS } from "@nnc/optim";
   * const w = tensor([1, 2], { dtype: "float64", requiresGrad: true });
   * const closure = () => {
   *   const l = w.mul(w).sum();
   *   l.backward();
   *   return l;
   * };
   * const a = new LBFGS([w], { maxIter: 4 });
   * a.step(() => (a.zeroGrad(), closure()));
   * const b = new LBFGS([w]);
   * b.loadStateDict(a.stateDict());
   * const [sa, sb] = [a.stateDict().state["0"], b.stateDict().state["0"]];
   * console.assert(b.paramGroups[0].maxIter === 4 && sb.n_iter === sa.n_iter && sb.t === sa.t);
   * ```
   */
  override loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== "object") {
      throw new TypeError(`${op}: expected a state dict object, got ${describe(stateDict)}`);
    }
    const state = stateDict.state;
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      return super.loadStateDict(stateDict); // its error
    }
    const params = this.paramGroups[0].params;
    const n = params.reduce((a, p) => a + p.data.size, 0);
    const dtype = params.some((p) => p.data.dtype === "float64") ? "float64" : "float32";
    const scalarState: Record<string, ParamState> = {};
    let vectors: Record<string, NDArray> = {};
    for (const [key, entries] of Object.entries(state)) {
      if (key !== "0") {
        throw new RangeError(
          `${op}: L-BFGS keeps its state under parameter 0, got state key ${JSON.stringify(key)}`,
        );
      }
      if (entries === null || typeof entries !== "object" || Array.isArray(entries)) {
        return super.loadStateDict(stateDict); // its error
      }
      const scalars: ParamState = {};
      vectors = {};
      let k = -1;
      const history = (name: string, v: unknown, cols: number | null): void => {
        const rows = readRows(v, cols, `${op}: state[0].${name}`, dtype);
        if (k >= 0 && rows.shape[0] !== k) {
          throw new RangeError(
            `${op}: state[0].${name} holds ${rows.shape[0]} entries, the other history lists ${k}`,
          );
        }
        k = rows.shape[0];
        vectors[name] = rows;
      };
      for (const [name, v] of Object.entries(entries as Record<string, unknown>)) {
        if (v === null || v === undefined || name === "al") continue;
        if (name === "d" || name === "prev_flat_grad") {
          vectors[name] = readVector(v, n, `${op}: state[0].${name}`, dtype);
        } else if (name === "old_dirs" || name === "old_stps") history(name, v, n);
        else if (name === "ro") history(name, v, null);
        else scalars[name] = readScalar(v, name, `${op}: state[0].${name}`);
      }
      if (
        k >= 0 &&
        Object.keys(vectors).filter((x) => x.startsWith("old_") || x === "ro").length !== 3
      ) {
        throw new RangeError(`${op}: state[0] must hold all of old_dirs, old_stps and ro, or none`);
      }
      scalarState[key] = scalars;
    }
    // The base class checks the groups and maps the key; the entries are checked above (t,
    // H_diag and prev_loss may be NaN or ±Infinity after a diverging run, as in PyTorch).
    const empty: Record<string, ParamState> = {};
    for (const key of Object.keys(scalarState)) empty[key] = {};
    super.loadStateDict({ ...stateDict, state: empty });
    const s = this.state.get(params[0]);
    if (s !== undefined) Object.assign(s, scalarState["0"], vectors);
  }
}

const COUNTERS = ["func_evals", "n_iter"];
const SCALARS = ["t", "H_diag", "prev_loss"];

/** A counter (an integer >= 0) or a scalar (any number: a diverged run stores NaN or Infinity). */
function readScalar(v: unknown, name: string, what: string): number {
  const known = [...COUNTERS, ...SCALARS, "d", "prev_flat_grad", "old_dirs", "old_stps", "ro"];
  if (!known.includes(name)) {
    throw new RangeError(
      `${what}: unknown state entry for LBFGS; known: ${known.join(", ")}`,
    );
  }
  const n = v instanceof NDArray && v.size === 1 ? v.data[v.offset] : v;
  if (COUNTERS.includes(name)) {
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
      throw new TypeError(`${what} must be an integer >= 0, got ${describe(v)}`);
    }
  } else if (typeof n !== "number") {
    throw new TypeError(`${what} must be a number, got ${describe(v)}`);
  }
  return n;
}

/** The options with `maxEval` defaulting to ⌊maxIter·5/4⌋, as PyTorch's. */
function withMaxEval(options: Partial<LBFGSOptions>): Partial<LBFGSOptions> {
  if (options === null || typeof options !== "object" || Array.isArray(options)) return options;
  const o = options as Record<string, unknown>;
  if (o.maxEval !== undefined && o.maxEval !== null) return options;
  const maxIter = o.maxIter ?? 20;
  if (typeof maxIter !== "number") return options; // the check names maxIter
  return { ...options, maxEval: Math.floor(maxIter * 5 / 4) };
}

/** A vector of length n from a state dict, copied to `dtype`. */
function readVector(v: unknown, n: number, what: string, dtype: "float32" | "float64"): NDArray {
  if (!(v instanceof NDArray)) {
    throw new TypeError(`${what} must be an NDArray, got ${describe(v)}`);
  }
  if (v.shape.length !== 1 || v.shape[0] !== n) {
    throw new RangeError(
      `${what} has shape [${v.shape.join(", ")}], expected [${n}] (the parameters' total size)`,
    );
  }
  return copyAs(v, dtype, [n]);
}

/** A history from a state dict: [k, cols] (or [k] when cols is null), or a list of k vectors. */
function readRows(
  v: unknown,
  cols: number | null,
  what: string,
  dtype: "float32" | "float64",
): NDArray {
  const expected = cols === null ? "[k]" : `[k, ${cols}]`;
  if (Array.isArray(v)) {
    const rows = v.map((r, i) =>
      cols === null
        ? (r instanceof NDArray && r.size === 1 ? r.data[r.offset] : r)
        : readVector(r, cols, `${what}[${i}]`, dtype)
    );
    if (cols === null) {
      if (rows.some((r) => typeof r !== "number")) {
        throw new TypeError(`${what} must be a list of numbers, got ${describe(v)}`);
      }
      return NDArray.fromTyped(
        dtype === "float64"
          ? Float64Array.from(rows as number[])
          : Float32Array.from(rows as number[]),
      );
    }
    const out = dtype === "float64"
      ? new Float64Array(v.length * cols)
      : new Float32Array(v.length * cols);
    (rows as NDArray[]).forEach((r, i) => out.set(r.data as FloatArray, i * cols));
    return NDArray.fromTyped(out, [v.length, cols]);
  }
  if (!(v instanceof NDArray)) {
    throw new TypeError(`${what} must be an NDArray of shape ${expected}, got ${describe(v)}`);
  }
  const ok = cols === null ? v.shape.length === 1 : v.shape.length === 2 && v.shape[1] === cols;
  if (!ok) {
    throw new RangeError(`${what} has shape [${v.shape.join(", ")}], expected ${expected}`);
  }
  return copyAs(v, dtype, v.shape);
}

function copyAs(v: NDArray, dtype: "float32" | "float64", shape: readonly number[]): NDArray {
  const c = contiguous(astype(v, dtype, true));
  const data = (c.data as FloatArray).slice(c.offset, c.offset + c.size);
  return NDArray.fromTyped(data, [...shape]);
}

/** The history read from the state (null vectors before the first iteration). */
interface History {
  d: FloatArray | null;
  t: number;
  hDiag: number;
  prevGrad: FloatArray | null;
  prevLoss: number;
  dirs: FloatArray[];
  stps: FloatArray[];
  ro: number[];
}

function rowsOf(x: unknown, n: number): FloatArray[] {
  if (!(x instanceof NDArray)) return [];
  const data = x.data as FloatArray;
  const k = x.shape[0];
  const out: FloatArray[] = [];
  for (let i = 0; i < k; i++) out.push(data.slice(x.offset + i * n, x.offset + (i + 1) * n));
  return out;
}

function vectorOf(x: unknown, f64: boolean): FloatArray | null {
  if (!(x instanceof NDArray)) return null;
  const src = x.data as FloatArray;
  const v = src.subarray(x.offset, x.offset + x.size);
  return f64 ? Float64Array.from(v) : Float32Array.from(v);
}

function readHistory(s: ParamState, n: number, f64: boolean): History {
  const ro = s.ro instanceof NDArray ? Array.from(vectorOf(s.ro, f64) ?? []) : [];
  return {
    d: vectorOf(s.d, f64),
    t: (s.t as number | undefined) ?? 0,
    hDiag: (s.H_diag as number | undefined) ?? 1,
    prevGrad: vectorOf(s.prev_flat_grad, f64),
    prevLoss: (s.prev_loss as number | undefined) ?? 0,
    dirs: rowsOf(s.old_dirs, n),
    stps: rowsOf(s.old_stps, n),
    ro,
  };
}

function writeHistory(s: ParamState, h: History, n: number): void {
  if (h.d !== null) s.d = NDArray.fromTyped(h.d.slice(), [n]);
  s.t = h.t;
  s.H_diag = h.hDiag;
  if (h.prevGrad !== null) s.prev_flat_grad = NDArray.fromTyped(h.prevGrad.slice(), [n]);
  s.prev_loss = h.prevLoss;
  const k = h.dirs.length;
  if (k === 0) {
    delete s.old_dirs;
    delete s.old_stps;
    delete s.ro;
    return;
  }
  const f64 = h.dirs[0] instanceof Float64Array;
  const make = (len: number) => f64 ? new Float64Array(len) : new Float32Array(len);
  const dirs = make(k * n);
  const stps = make(k * n);
  h.dirs.forEach((r, i) => dirs.set(r, i * n));
  h.stps.forEach((r, i) => stps.set(r, i * n));
  const ro = make(k);
  ro.set(h.ro);
  s.old_dirs = NDArray.fromTyped(dirs, [k, n]);
  s.old_stps = NDArray.fromTyped(stps, [k, n]);
  s.ro = NDArray.fromTyped(ro, [k]);
}
