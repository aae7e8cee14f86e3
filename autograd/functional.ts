/**
 * Function transforms: {@link grad}, {@link valueAndGrad}, {@link vjp}, {@link jvp} (forward mode,
 * dual numbers on the primitives), {@link hessianVectorProduct}, {@link jacobian}, {@link hessian}.
 * They compose: `grad(grad(f))`, `jvp` of `grad` (forward-over-reverse), `jacobian` of `grad`.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { checkFunction, checkOneOf, checkOptions, describe, isFloat, NDArray } from "@nnc/tensor";
import { state } from "./_state.ts";
import { applyPrimitive } from "./primitive.ts";
import { setTangent, Tensor, type TensorLike } from "./tensor.ts";
import { gradients } from "./backward.ts";
import { fmtShape, sameShape } from "./_shape_util.ts";
import { ALIAS } from "./_prim_view.ts";
import { reachesOtherLeaves } from "./_graph.ts";
import { add, astype, mul } from "./elementwise.ts";
import { sum } from "./reduce.ts";

/** A function of tensors returning a tensor. */
export type TensorFunction = (...args: Tensor[]) => Tensor;

/** A function of tensors returning one tensor or several. */
export type MultiTensorFunction = (...args: Tensor[]) => Tensor | Tensor[];

/** Options of {@link grad} and {@link valueAndGrad}. */
export interface GradOptions {
  /** Which arguments to differentiate with respect to: one index (default 0) or several. */
  argnums?: number | readonly number[];
}

/** Result of {@link valueAndGrad}. */
export interface ValueAndGrad {
  /** `f(...args)`. */
  value: Tensor;
  /** The gradient (one tensor), or gradients (one per index of `argnums` when it is a list). */
  grad: Tensor | Tensor[];
}

/** Result of {@link vjp}. */
export interface VjpResult {
  /** `f(...primals)` (one tensor or several, as `f` returns). */
  value: Tensor | Tensor[];
  /** `cotangentᵀ · J` for each primal (a list when `primals` was a list). */
  grad: Tensor | Tensor[];
}

/** Result of {@link jvp}. */
export interface JvpResult {
  /** `f(...primals)`. */
  value: Tensor | Tensor[];
  /** `J · tangent` (one per output when `f` returns several). */
  tangent: Tensor | Tensor[];
}

/** Result of {@link hessianVectorProduct}. */
export interface HvpResult {
  /** `f(...primals)`. */
  value: Tensor;
  /** `H · v` for each primal (a list when `primals` was a list). */
  hvp: Tensor | Tensor[];
}

/** Options of {@link jacobian}. */
export interface JacobianOptions {
  /** `reverse` (one backward per output element, default) or `forward` (one jvp per input element). */
  mode?: "reverse" | "forward";
}

/**
 * A leaf for an argument that is differentiated: tensors that already require grad (from an outer
 * transform) are used as they are, so the result stays connected to the outer graph.
 */
function primal(arg: TensorLike, op: string, i: number, own?: Set<Tensor>): Tensor {
  if (arg instanceof Tensor) {
    if (arg.requiresGrad) return arg;
    checkFloat(arg, op, i);
    const leaf = new Tensor(arg.data, { requiresGrad: true });
    if (arg.tangent !== null) setTangent(leaf, arg.tangent);
    own?.add(leaf);
    return leaf;
  }
  const t = arg instanceof NDArray
    ? new Tensor(arg)
    : typeof arg === "number"
    ? new Tensor(nd.array(arg, { dtype: "float64" }))
    : null;
  if (t === null) {
    throw new TypeError(
      `${op}: argument ${i} must be a Tensor, an NDArray or a number, got ${describe(arg)}`,
    );
  }
  checkFloat(t, op, i);
  t.requiresGrad = true;
  own?.add(t);
  return t;
}

/**
 * Whether a transform records its backward pass: only when grad mode is on and the graph reaches
 * tensors that require grad beyond the transform's own fresh leaves (outer transforms' arguments,
 * parameters that `f` closes over). Otherwise results come back detached.
 */
function needsGraph(roots: readonly Tensor[], own: ReadonlySet<Tensor>): boolean {
  return state.gradEnabled && reachesOtherLeaves(roots, own);
}

function detachIfLocal(t: Tensor, keep: boolean): Tensor {
  return keep ? t : t.detach();
}

function checkFloat(t: Tensor, op: string, i: number): void {
  if (!isFloat(t.dtype)) {
    throw new TypeError(
      `${op}: argument ${i} must be float32 or float64 to be differentiated, got ${t.dtype}`,
    );
  }
}

function asTensor(arg: TensorLike): Tensor {
  if (arg instanceof Tensor) return arg;
  if (arg instanceof NDArray) return new Tensor(arg);
  return new Tensor(nd.array(arg, { dtype: "float64" }));
}

function zerosFor(t: Tensor): Tensor {
  return new Tensor(nd.zeros(t.shape, { dtype: t.dtype }));
}

function argIndices(argnums: GradOptions["argnums"], n: number, op: string): number[] {
  const list = argnums === undefined ? [0] : typeof argnums === "number" ? [argnums] : [...argnums];
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= n) {
      throw new RangeError(`${op}: argnums entry ${a} is out of range for ${n} arguments`);
    }
  }
  return list;
}

function checkScalarOutput(y: unknown, op: string): Tensor {
  if (!(y instanceof Tensor)) {
    throw new TypeError(`${op}: f must return a Tensor, got ${describe(y)}`);
  }
  if (y.size !== 1) {
    throw new RangeError(
      `${op}: f must return a one-element tensor, got shape ${fmtShape(y.shape)}`,
    );
  }
  return y;
}

function valueAndGradImpl(
  f: TensorFunction,
  args: readonly TensorLike[],
  argnums: GradOptions["argnums"],
  op: string,
): ValueAndGrad {
  checkFunction(f, op, "f");
  const which = argIndices(argnums, args.length, op);
  const own = new Set<Tensor>();
  const xs = args.map((a, i) => (which.includes(i) ? primal(a, op, i, own) : asTensor(a)));
  const y = checkScalarOutput(f(...xs), op);
  const targets = which.map((i) => xs[i]);
  const keep = needsGraph([y], own);
  const gs = y.requiresGrad
    ? gradients(y, targets, { createGraph: keep, allowUnused: true })
    : targets.map(() => null);
  const grads = gs.map((g, k) => g ?? zerosFor(targets[k]));
  return { value: detachIfLocal(y, keep), grad: typeof argnums === "object" ? grads : grads[0] };
}

/**
 * The gradient function of a scalar function (JAX/functorch `grad`): `grad(f)(x)` is `∂f/∂x`.
 * With `argnums` a list, returns one gradient per listed argument. Composes: `grad(grad(f))` is
 * the second derivative.
 *
 * @example
 * ```ts
 * import { grad, tensor } from "@nnc/autograd";
 * const f = (x: ReturnType<typeof tensor>) => x.pow(3).sum();
 * const df = grad(f);
 * const d2f = grad((x: ReturnType<typeof tensor>) => df(x) as ReturnType<typeof tensor>);
 * const x = tensor([2], { dtype: "float64" });
 * console.assert((df(x) as ReturnType<typeof tensor>).item() === 12);
 * console.assert((d2f(x) as ReturnType<typeof tensor>).item() === 12);
 * ```
 */
export function grad(
  f: TensorFunction,
  options: GradOptions = {},
): (...args: TensorLike[]) => Tensor | Tensor[] {
  return (...args) => valueAndGradImpl(f, args, options.argnums, "grad").grad;
}

/**
 * Like {@link grad}, returning the value too: `{ value: f(x), grad: ∂f/∂x }`.
 *
 * @example
 * ```ts
 * import { tensor, valueAndGrad } from "@nnc/autograd";
 * const { value, grad } = valueAndGrad((x) => x.square().sum())(tensor([3]));
 * console.assert(value.item() === 9 && (grad as ReturnType<typeof tensor>).item() === 6);
 * ```
 */
export function valueAndGrad(
  f: TensorFunction,
  options: GradOptions = {},
): (...args: TensorLike[]) => ValueAndGrad {
  return (...args) => valueAndGradImpl(f, args, options.argnums, "valueAndGrad");
}

function list<T>(v: T | readonly T[]): T[] {
  return Array.isArray(v) ? [...v] : [v as T];
}

/**
 * Vector-Jacobian product (reverse mode): `cotangentᵀ · ∂f/∂primals`, with `f`'s value.
 * `cotangents` has one entry per output of `f`, shaped like it.
 *
 * @example
 * ```ts
 * import { tensor, vjp } from "@nnc/autograd";
 * const { grad } = vjp((x) => x.mul(x), tensor([1, 2]), tensor([1, 10]));
 * console.assert((grad as ReturnType<typeof tensor>).toArray().toString() === "2,40");
 * ```
 */
export function vjp(
  f: MultiTensorFunction,
  primals: TensorLike | readonly TensorLike[],
  cotangents: TensorLike | readonly TensorLike[],
): VjpResult {
  checkFunction(f, "vjp", "f");
  const own = new Set<Tensor>();
  const xs = list(primals).map((p, i) => primal(p, "vjp", i, own));
  const value = f(...xs);
  const outs = list(value);
  if (!outs.every((o) => o instanceof Tensor)) {
    throw new TypeError("vjp: f must return a Tensor or an array of Tensors");
  }
  const cots = list(cotangents).map(asTensor);
  if (cots.length !== outs.length) {
    throw new RangeError(`vjp: ${cots.length} cotangents for ${outs.length} outputs`);
  }
  outs.forEach((o, k) => {
    if (!sameShape(o.shape, cots[k].shape)) {
      throw new RangeError(
        `vjp: cotangent ${k} has shape ${fmtShape(cots[k].shape)}, output has ${fmtShape(o.shape)}`,
      );
    }
  });
  const live = outs.map((o, k) => [o, cots[k]] as const).filter(([o]) => o.requiresGrad);
  const keep = needsGraph([...outs, ...cots], own);
  const gs = live.length === 0 ? xs.map(() => null) : gradients(live.map(([o]) => o), xs, {
    gradOutputs: live.map(([, c]) => c),
    createGraph: keep,
    allowUnused: true,
  });
  const grads = gs.map((g, i) => g ?? zerosFor(xs[i]));
  const v = Array.isArray(value)
    ? value.map((o) => detachIfLocal(o, keep))
    : detachIfLocal(value, keep);
  return { value: v, grad: Array.isArray(primals) ? grads : grads[0] };
}

/**
 * Jacobian-vector product in forward mode: every primitive propagates the tangent alongside the
 * value (dual numbers), in one pass: `{ value: f(x), tangent: ∂f/∂x · t }`. Forward mode is one
 * level deep (no `jvp` inside `jvp`); it composes with reverse mode either way.
 *
 * @example
 * ```ts
 * import { jvp, tensor } from "@nnc/autograd";
 * const { value, tangent } = jvp((x) => x.log(), tensor([2], { dtype: "float64" }), tensor([1], { dtype: "float64" }));
 * console.assert(value instanceof Object && (tangent as ReturnType<typeof tensor>).item() === 0.5);
 * ```
 */
export function jvp(
  f: MultiTensorFunction,
  primals: TensorLike | readonly TensorLike[],
  tangents: TensorLike | readonly TensorLike[],
): JvpResult {
  checkFunction(f, "jvp", "f");
  if (state.forwardLevels > 0) {
    throw new RangeError(
      "jvp: nested forward mode is not supported; use jvp over grad, grad over jvp, or jacobian",
    );
  }
  const ps = list(primals).map(asTensor);
  const ts = list(tangents).map(asTensor);
  if (ts.length !== ps.length) {
    throw new RangeError(`jvp: ${ts.length} tangents for ${ps.length} primals`);
  }
  const duals = ps.map((p, i) => {
    checkFloat(p, "jvp", i);
    const t = ts[i];
    if (!sameShape(t.shape, p.shape)) {
      throw new RangeError(
        `jvp: tangent ${i} has shape ${fmtShape(t.shape)}, primal has ${fmtShape(p.shape)}`,
      );
    }
    const d = p.requiresGrad ? applyPrimitive(ALIAS, [p], undefined) : new Tensor(p.data);
    setTangent(d, t.dtype === p.dtype ? t : astype(t, p.dtype));
    return d;
  });
  state.forwardLevels++;
  let value: Tensor | Tensor[];
  try {
    value = f(...duals);
  } finally {
    state.forwardLevels--;
  }
  const outs = list(value).map((o) => o.tangent ?? zerosFor(o));
  return { value, tangent: Array.isArray(value) ? outs : outs[0] };
}

/**
 * Hessian-vector product of a scalar function, `H · v`, by differentiating `⟨∇f, v⟩` again
 * (reverse over reverse), without forming `H`.
 *
 * @example
 * ```ts
 * import { hessianVectorProduct, tensor } from "@nnc/autograd";
 * // f = x0² x1: H = [[2 x1, 2 x0], [2 x0, 0]]
 * const f = (x: ReturnType<typeof tensor>) => x.slice(0).square().mul(x.slice(1));
 * const { hvp } = hessianVectorProduct(f, tensor([1, 2], { dtype: "float64" }), tensor([1, 0], { dtype: "float64" }));
 * console.assert((hvp as ReturnType<typeof tensor>).toArray().toString() === "4,2");
 * ```
 */
export function hessianVectorProduct(
  f: TensorFunction,
  primals: TensorLike | readonly TensorLike[],
  v: TensorLike | readonly TensorLike[],
): HvpResult {
  checkFunction(f, "hessianVectorProduct", "f");
  const own = new Set<Tensor>();
  const xs = list(primals).map((p, i) => primal(p, "hessianVectorProduct", i, own));
  const vs = list(v).map(asTensor);
  if (vs.length !== xs.length) {
    throw new RangeError(`hessianVectorProduct: ${vs.length} vectors for ${xs.length} primals`);
  }
  const y = checkScalarOutput(f(...xs), "hessianVectorProduct");
  const keepValue = needsGraph([y], own);
  let hv: (Tensor | null)[] = xs.map(() => null);
  if (y.requiresGrad) {
    const gs = gradients(y, xs, { createGraph: true, allowUnused: true });
    let dot: Tensor | null = null;
    gs.forEach((g, i) => {
      if (g === null) return;
      const term = sum(mul(g, vs[i]));
      dot = dot === null ? term : add(dot, term);
    });
    const d = dot as Tensor | null;
    if (d !== null && d.requiresGrad) {
      hv = gradients(d, xs, { createGraph: state.gradEnabled, allowUnused: true });
    }
  }
  const out = hv.map((h, i) => h ?? zerosFor(xs[i]));
  return { value: detachIfLocal(y, keepValue), hvp: Array.isArray(primals) ? out : out[0] };
}

/**
 * The Jacobian of `f` at `primals`: shape `[...output.shape, ...input.shape]` (a list, one per
 * input, when `primals` is a list). For small inputs: it costs one backward per output element
 * (`reverse`) or one forward pass per input element (`forward`).
 *
 * @example
 * ```ts
 * import { jacobian, tensor } from "@nnc/autograd";
 * const J = jacobian((x) => x.mul(tensor([1, 2])), tensor([5, 5])) as ReturnType<typeof tensor>;
 * console.assert(J.toArray().toString() === "1,0,0,2");
 * ```
 */
export function jacobian(
  f: TensorFunction,
  primals: TensorLike | readonly TensorLike[],
  options: JacobianOptions = {},
): Tensor | Tensor[] {
  checkFunction(f, "jacobian", "f");
  const mode = checkOneOf(
    checkOptions(options, "jacobian").mode ?? "reverse",
    "jacobian",
    "mode",
    ["reverse", "forward"],
  );
  const xs = list(primals).map((p, i) => primal(p, "jacobian", i));
  if (xs.length === 0) {
    throw new RangeError("jacobian: primals must hold at least one tensor, got an empty array");
  }
  const blocks = mode === "reverse" ? reverseJacobian(f, xs) : forwardJacobian(f, xs);
  return Array.isArray(primals) ? blocks : blocks[0];
}

function oneHot(shape: readonly number[], k: number, dtype: "float32" | "float64"): Tensor {
  const t = nd.zeros(shape, { dtype });
  t.data[k] = 1;
  return new Tensor(t);
}

function floatDType(t: Tensor): "float32" | "float64" {
  return t.dtype === "float64" ? "float64" : "float32";
}

function reverseJacobian(f: TensorFunction, xs: Tensor[]): Tensor[] {
  const y = f(...xs);
  if (!(y instanceof Tensor)) {
    throw new TypeError(`jacobian: f must return a Tensor, got ${describe(y)}`);
  }
  const rows = xs.map((x) => nd.zeros([y.size, x.size], { dtype: "float64" }));
  if (y.requiresGrad) {
    for (let k = 0; k < y.size; k++) {
      const gs = gradients(y, xs, {
        gradOutputs: oneHot(y.shape, k, floatDType(y)),
        retainGraph: true,
        allowUnused: true,
      });
      gs.forEach((g, i) => {
        if (g !== null) rows[i].data.set(nd.astype(g.data, "float64", true).data, k * xs[i].size);
      });
    }
  }
  return rows.map((r, i) =>
    new Tensor(nd.astype(r.reshape([...y.shape, ...xs[i].shape]), floatDType(y)))
  );
}

function forwardJacobian(f: TensorFunction, xs: Tensor[]): Tensor[] {
  const consts = xs.map((x) => new Tensor(x.data));
  let outShape: readonly number[] | null = null;
  let outDType: "float32" | "float64" = "float32";
  const cols: NDArray[][] = xs.map(() => []);
  xs.forEach((x, i) => {
    for (let j = 0; j < x.size; j++) {
      const ts = xs.map((z, m) => (m === i ? oneHot(z.shape, j, floatDType(z)) : zerosFor(z)));
      const r = jvp(f, consts, ts);
      const t = r.tangent as Tensor;
      outShape = t.shape;
      outDType = floatDType(t);
      cols[i].push(nd.astype(t.data, "float64", true).reshape([-1]));
    }
  });
  if (outShape === null) outShape = (f(...consts) as Tensor).shape;
  const shape = outShape as readonly number[];
  return xs.map((x, i) => {
    const m = x.size === 0
      ? nd.zeros([shape.reduce((a, d) => a * d, 1), 0], { dtype: "float64" })
      : nd.stack(cols[i], 1);
    return new Tensor(nd.astype(m.reshape([...shape, ...x.shape]), outDType));
  });
}

/**
 * The Hessian of a scalar function of one tensor: shape `[...x.shape, ...x.shape]` (the Jacobian
 * of its gradient). For small inputs.
 *
 * @example
 * ```ts
 * import { hessian, tensor } from "@nnc/autograd";
 * const H = hessian((x) => x.slice(0).mul(x.slice(1)), tensor([1, 2], { dtype: "float64" }));
 * console.assert(H.toArray().toString() === "0,1,1,0");
 * ```
 */
export function hessian(f: TensorFunction, x: TensorLike): Tensor {
  const g = grad(f);
  return jacobian((z: Tensor) => g(z) as Tensor, x) as Tensor;
}
