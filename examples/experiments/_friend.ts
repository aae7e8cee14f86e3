// HW5 Q2, "imitate a friend's network" (001-004 G13 and B4.4): a hidden two-layer network with step
// activations labels points of the plane; a two-layer network with slope-a sigmoids learns to imitate
// it by back-propagation written out by hand (no autograd), on plain typed arrays.

/** φ(v) = 1/(1 + e^{−av}). */
export function sigmoid(v: number, a: number): number {
  return 1 / (1 + Math.exp(-a * v));
}

/** The friend's network: z = step(Wx + b) with three units, f = step(Σz − 2.5): a triangle. */
export function friend(x: number, y: number): number {
  const z1 = x + 0.5 > 0 ? 1 : 0;
  const z2 = -0.5 * x + 0.866 * y + 0.5 > 0 ? 1 : 0;
  const z3 = -0.5 * x - 0.866 * y + 0.5 > 0 ? 1 : 0;
  return z1 + z2 + z3 - 2.5 > 0 ? 1 : 0;
}

/** The gradients of one loss with respect to each parameter. */
export interface Gradients {
  W: Float64Array;
  b: Float64Array;
  U: Float64Array;
  c: number;
}

/**
 * v_z = Wx + b, z = φ(v_z), v_f = Uz + c, f = φ(v_f) with W `[k, 2]`, b `[k]`, U `[1, k]`, c; loss
 * (f − y)². Backward as in the solution: ∇_f ℓ = −2(y − f), δ_f = ∇_f ℓ·φ'(v_f), ∇_z ℓ = Uᵀδ_f,
 * δ_z = ∇_z ℓ ⊙ φ'(v_z), ∇W = δ_z xᵀ, ∇b = δ_z, ∇U = δ_f zᵀ, ∇c = δ_f, with φ' = aφ(1 − φ).
 */
export class SigmoidNet {
  readonly k: number;
  readonly a: number;
  W: Float64Array;
  b: Float64Array;
  U: Float64Array;
  c: number;

  constructor(k: number, a: number, init: (i: number) => number) {
    this.k = k;
    this.a = a;
    this.W = Float64Array.from({ length: 2 * k }, (_, i) => init(i));
    this.b = Float64Array.from({ length: k }, (_, i) => init(2 * k + i));
    this.U = Float64Array.from({ length: k }, (_, i) => init(3 * k + i));
    this.c = init(4 * k);
  }

  /** f(x). */
  predict(x: number, y: number): number {
    let vf = this.c;
    for (let i = 0; i < this.k; i++) {
      vf += this.U[i] * sigmoid(this.W[2 * i] * x + this.W[2 * i + 1] * y + this.b[i], this.a);
    }
    return sigmoid(vf, this.a);
  }

  /** The loss (f − target)² at one point and its gradients, by hand. */
  backward(x: number, y: number, target: number): { loss: number; grad: Gradients } {
    const k = this.k, a = this.a;
    const z = new Float64Array(k);
    let vf = this.c;
    for (let i = 0; i < k; i++) {
      z[i] = sigmoid(this.W[2 * i] * x + this.W[2 * i + 1] * y + this.b[i], a);
      vf += this.U[i] * z[i];
    }
    const f = sigmoid(vf, a);
    const dF = -2 * (target - f);
    const deltaF = dF * a * f * (1 - f);
    const grad: Gradients = {
      W: new Float64Array(2 * k),
      b: new Float64Array(k),
      U: new Float64Array(k),
      c: deltaF,
    };
    for (let i = 0; i < k; i++) {
      const deltaZ = this.U[i] * deltaF * a * z[i] * (1 - z[i]);
      grad.W[2 * i] = deltaZ * x;
      grad.W[2 * i + 1] = deltaZ * y;
      grad.b[i] = deltaZ;
      grad.U[i] = deltaF * z[i];
    }
    return { loss: (f - target) ** 2, grad };
  }

  /** One step θ ← θ − η·(mean of the gradients of `points`). */
  step(points: readonly (readonly number[])[], eta: number): void {
    const sum: Gradients = {
      W: new Float64Array(2 * this.k),
      b: new Float64Array(this.k),
      U: new Float64Array(this.k),
      c: 0,
    };
    for (const [x, y, t] of points) {
      const { grad } = this.backward(x, y, t);
      for (let i = 0; i < 2 * this.k; i++) sum.W[i] += grad.W[i];
      for (let i = 0; i < this.k; i++) {
        sum.b[i] += grad.b[i];
        sum.U[i] += grad.U[i];
      }
      sum.c += grad.c;
    }
    const s = eta / points.length;
    for (let i = 0; i < 2 * this.k; i++) this.W[i] -= s * sum.W[i];
    for (let i = 0; i < this.k; i++) {
      this.b[i] -= s * sum.b[i];
      this.U[i] -= s * sum.U[i];
    }
    this.c -= s * sum.c;
  }

  /** MSE = Σ(Y − Ŷ)²/N over the points. */
  mse(points: readonly (readonly number[])[]): number {
    return points.reduce((s, [x, y, t]) => s + (this.predict(x, y) - t) ** 2, 0) / points.length;
  }
}
