// Limited-memory BFGS (Nocedal & Wright, algorithm 7.4) with a backtracking line search on the Armijo
// condition; curvature pairs with sᵀy ≤ 0 are skipped, so the inverse-Hessian model stays positive.

/** The objective: its value at x, with the gradient written into g. */
export type ValueAndGradient = (x: Float64Array, g: Float64Array) => number;

/** Result of {@link lbfgs}. */
export interface LbfgsResult {
  x: Float64Array;
  value: number;
  nIter: number;
  converged: boolean;
}

/** Minimises f from x0 until max|∇f| ≤ gtol or maxIter iterations. */
export function lbfgs(
  f: ValueAndGradient,
  x0: Float64Array,
  options: { maxIter: number; gtol: number; memory?: number },
): LbfgsResult {
  const n = x0.length, m = options.memory ?? 10;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const d = new Float64Array(n), xNew = new Float64Array(n), gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  let it = 0, converged = false;
  const gmax = (v: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s = Math.max(s, Math.abs(v[i]));
    return s;
  };
  while (it < options.maxIter) {
    if (gmax(g) <= options.gtol) {
      converged = true;
      break;
    }
    it++;
    // Two-loop recursion: d = −H·g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      let a = 0;
      for (let i = 0; i < n; i++) a += S[j][i] * d[i];
      a *= rho[j];
      alpha[j] = a;
      for (let i = 0; i < n; i++) d[i] -= a * Y[j][i];
    }
    if (k > 0) {
      let sy = 0, yy = 0;
      for (let i = 0; i < n; i++) {
        sy += S[k - 1][i] * Y[k - 1][i];
        yy += Y[k - 1][i] * Y[k - 1][i];
      }
      const gamma = sy / yy;
      for (let i = 0; i < n; i++) d[i] *= gamma;
    } else {
      // First step: a unit-length move along −g.
      let gn = 0;
      for (let i = 0; i < n; i++) gn += g[i] * g[i];
      const s = 1 / Math.max(Math.sqrt(gn), 1e-300);
      for (let i = 0; i < n; i++) d[i] *= Math.min(1, s);
    }
    for (let j = 0; j < k; j++) {
      let b = 0;
      for (let i = 0; i < n; i++) b += Y[j][i] * d[i];
      b *= rho[j];
      for (let i = 0; i < n; i++) d[i] += S[j][i] * (alpha[j] - b);
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += g[i] * d[i];
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = 0;
      for (let i = 0; i < n; i++) slope -= g[i] * g[i];
    }
    let step = 1, fNew = NaN, accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = f(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break; // no decrease possible at machine precision
    const s = new Float64Array(n), y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
    }
    x.set(xNew);
    g.set(gNew);
    const decrease = fx - fNew;
    fx = fNew;
    if (sy > 1e-300) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    if (decrease === 0 && gmax(g) > options.gtol) break;
  }
  if (!converged && gmax(g) <= options.gtol) converged = true;
  return { x, value: fx, nIter: it, converged };
}
