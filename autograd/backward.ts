/**
 * Reverse mode: {@link backward} (fills `grad` of the leaves, PyTorch `tensor.backward()`) and
 * {@link gradients} (returns gradients of chosen tensors, PyTorch `torch.autograd.grad`).
 *
 * The graph is walked in a topological order built iteratively (no recursion, so chains of any
 * length work); gradients of tensors used several times are summed; the graph is freed afterwards
 * unless `retainGraph` is set; with `createGraph`, the backward pass is itself recorded, so that
 * its results can be differentiated again.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import {
  type AllocationScope,
  describe,
  NDArray,
  recordAllocations,
  releaseStorage,
  spansBuffer,
  STORAGE_POOL_MIN_BYTES,
  type TypedArray,
} from "@nnc/tensor";
import { state, withGradMode } from "./_state.ts";
import { checkFinite } from "./_anomaly.ts";
import { fmtShape, sameShape } from "./_shape_util.ts";
import { sumTo } from "./_fit.ts";
import type { GraphNode } from "./graph_node.ts";
import { gradOf, Tensor, type TensorLike } from "./tensor.ts";
import { unseenGrads } from "./_grad_recycling.ts";
import { isGraphOwned } from "./graph_owned.ts";
import { add, astype } from "./elementwise.ts";
import {
  anyPostAccumulateGradHooks,
  beginBackwardPass,
  endBackwardPass,
  hasPostAccumulateGradHooks,
  runPostAccumulateGradHooks,
} from "./_hooks.ts";

/** Options of {@link backward}. */
export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again. Default: `createGraph`. */
  retainGraph?: boolean;
  /** Record the backward pass, so that gradients can be differentiated again. Default false. */
  createGraph?: boolean;
}

/** Options of {@link gradients}. */
export interface GradientsOptions extends BackwardOptions {
  /** Gradients of some scalar with respect to each output (ones for one-element outputs). */
  gradOutputs?: TensorLike | readonly TensorLike[];
  /** Return null for inputs the outputs do not depend on, instead of throwing. Default false. */
  allowUnused?: boolean;
}

let epoch = 0;

/**
 * Adds the gradient of `output` with respect to every leaf that requires grad to the leaf's `grad`
 * (and sets `grad` of non-leaf tensors that called `retainGrad`). `gradient` is the gradient of
 * some scalar with respect to `output`; it may be omitted when `output` has one element.
 *
 * @example
 * ```ts
 * import { backward, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2], { requiresGrad: true });
 * const y = x.mul(x);
 * backward(y, tensor([1, 10]));
 * console.assert(x.grad?.toArray().toString() === "2,40");
 * ```
 */
export function backward(
  output: Tensor,
  gradient?: TensorLike,
  options: BackwardOptions = {},
): void {
  if (!(output instanceof Tensor)) {
    throw new TypeError(`backward: expected a Tensor, got ${describe(output)}`);
  }
  if (!output.requiresGrad) {
    throw new RangeError(
      "backward: the tensor does not require grad and has no graph (did you set requiresGrad on the inputs?)",
    );
  }
  const seed = seedGradient(output, gradient, "backward");
  const createGraph = options.createGraph ?? false;
  run([output], [seed], null, options.retainGraph ?? createGraph, createGraph);
}

/**
 * Gradients of `outputs` with respect to `inputs` (any tensors that require grad, leaves or not),
 * returned rather than stored in `grad`: `Σ_k gradOutputs[k] · ∂outputs[k]/∂inputs[i]`.
 *
 * @example
 * ```ts
 * import { gradients, tensor } from "@nnc/autograd";
 * const x = tensor([3], { dtype: "float64", requiresGrad: true });
 * const y = x.pow(3);
 * const [dy] = gradients(y, x, { createGraph: true });
 * const [d2y] = gradients(dy as ReturnType<typeof tensor>, x);
 * console.assert(dy?.item() === 27 && d2y?.item() === 18);
 * ```
 */
export function gradients(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: GradientsOptions = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? [...outputs] : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? [...inputs] : [inputs as Tensor];
  ins.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`gradients: inputs[${i}] must be a Tensor, got ${describe(t)}`);
    }
    if (!t.requiresGrad) {
      throw new RangeError(
        `gradients: inputs[${i}] of shape ${fmtShape(t.shape)} does not require grad`,
      );
    }
  });
  const gos = options.gradOutputs === undefined
    ? outs.map(() => undefined)
    : Array.isArray(options.gradOutputs)
    ? [...options.gradOutputs]
    : [options.gradOutputs as TensorLike];
  if (gos.length !== outs.length) {
    throw new RangeError(`gradients: ${gos.length} gradOutputs for ${outs.length} outputs`);
  }
  const roots: Tensor[] = [], seeds: Tensor[] = [];
  outs.forEach((o, k) => {
    if (!(o instanceof Tensor)) {
      throw new TypeError(`gradients: outputs[${k}] must be a Tensor, got ${describe(o)}`);
    }
    if (!o.requiresGrad) return; // contributes nothing
    roots.push(o);
    seeds.push(seedGradient(o, gos[k], "gradients"));
  });
  const capture = new Map<Tensor, Tensor>();
  for (const t of ins) capture.set(t, null as unknown as Tensor);
  const createGraph = options.createGraph ?? false;
  if (roots.length > 0) run(roots, seeds, capture, options.retainGraph ?? createGraph, createGraph);
  return ins.map((t, i) => {
    const g = capture.get(t) ?? null;
    if (g === null && !options.allowUnused) {
      throw new RangeError(
        `gradients: inputs[${i}] of shape ${
          fmtShape(t.shape)
        } was not used to compute the outputs (pass allowUnused: true)`,
      );
    }
    return g;
  });
}

function seedGradient(output: Tensor, gradient: TensorLike | undefined, op: string): Tensor {
  if (gradient === undefined) {
    if (output.size !== 1) {
      throw new RangeError(
        `${op}: a gradient can be implied only for one-element outputs, got shape ${
          fmtShape(output.shape)
        }; pass one`,
      );
    }
    return new Tensor(nd.ones(output.shape, { dtype: output.dtype }));
  }
  let g: Tensor;
  if (gradient instanceof Tensor) g = gradient;
  else if (gradient instanceof NDArray) g = new Tensor(gradient);
  else if (typeof gradient === "number") {
    g = new Tensor(nd.full(output.shape, gradient, { dtype: output.dtype }));
  } else {throw new TypeError(
      `${op}: gradient must be a Tensor, an NDArray or a number, got ${describe(gradient)}`,
    );}
  if (!sameShape(g.shape, output.shape)) {
    throw new RangeError(
      `${op}: gradient shape ${fmtShape(g.shape)} differs from output shape ${
        fmtShape(output.shape)
      }`,
    );
  }
  return g.dtype === output.dtype ? g : astype(g, output.dtype);
}

/** Non-leaf tensors that need a backward step, outputs before inputs. */
function topologicalOrder(roots: readonly Tensor[]): Tensor[] {
  const mark = ++epoch;
  const post: Tensor[] = [];
  const stack: Tensor[] = [];
  const next: number[] = [];
  for (const root of roots) {
    const node = root.gradFn;
    if (node === null || node.mark === mark) continue;
    node.mark = mark;
    stack.push(root);
    next.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const t = stack[top];
      const n = t.gradFn as GraphNode;
      const inputs = n.inputs;
      if (inputs === null) throw freedError(n);
      const i = next[top];
      if (i < inputs.length) {
        next[top] = i + 1;
        const c = inputs[i];
        const cn = c.gradFn;
        if (c.requiresGrad && cn !== null && cn.mark !== mark) {
          cn.mark = mark;
          stack.push(c);
          next.push(0);
        }
      } else {
        stack.pop();
        next.pop();
        post.push(t);
      }
    }
  }
  return post.reverse();
}

function freedError(n: GraphNode): Error {
  return new RangeError(
    `backward: the graph through '${n.name}' was already freed by an earlier backward; ` +
      "pass { retainGraph: true } to the first call to backward through it twice",
  );
}

/** Gradients summed so far per tensor; a tensor's own first gradient may be shared, later sums are fresh. */
class Accumulator {
  readonly grads = new Map<Tensor, Tensor>();
  constructor(readonly recycler: Recycler | null) {}
  add(t: Tensor, g: Tensor): void {
    const prev = this.grads.get(t);
    if (prev === undefined) {
      this.grads.set(t, g);
      this.recycler?.hold(g);
      return;
    }
    const sum = add(prev, g);
    this.grads.set(t, sum);
    if (this.recycler !== null) {
      this.recycler.hold(sum);
      this.recycler.drop(prev);
      this.recycler.consider(g);
    }
  }
}

/**
 * Gives the gradients a backward pass made, once consumed, to the storage pool, so that the next
 * allocations of their sizes (this pass's later gradients, the next step's activations) reuse the
 * memory instead of waiting for the garbage collector. An array goes back only when all of these
 * hold: it was allocated during this pass (never a forward value or a caller's array); no pending
 * gradient refers to its buffer (counted per `ArrayBuffer`, so views and re-wrapped arrays count
 * too); its buffer was not handed out as a `grad`, a captured result or the seed (`claimed`). Candidates are checked after a node's whole
 * step, since a vjp may return the same array for several inputs. Only the outermost pass without
 * `createGraph` recycles: with `createGraph` gradients are graph values that may be saved.
 */
class Recycler {
  readonly #refs = new Map<ArrayBufferLike, number>();
  readonly #candidates: TypedArray[] = [];
  readonly #scope: AllocationScope = recordAllocations();
  /** A pending gradient now refers to `g`'s array. */
  hold(g: Tensor): void {
    const b = g.data.data.buffer;
    this.#refs.set(b, (this.#refs.get(b) ?? 0) + 1);
  }
  /** A pending gradient no longer refers to `g`'s array. */
  drop(g: Tensor): void {
    const d = g.data.data;
    const n = (this.#refs.get(d.buffer) ?? 1) - 1;
    if (n > 0) this.#refs.set(d.buffer, n);
    else {
      this.#refs.delete(d.buffer);
      this.#candidates.push(d);
    }
  }
  /** Whether a pending gradient refers to `buffer`. */
  holds(buffer: ArrayBufferLike): boolean {
    return this.#refs.has(buffer);
  }
  /** Whether `d` was allocated during this pass. */
  allocatedHere(d: TypedArray): boolean {
    return this.#scope.has(d);
  }
  /** `g` was used up (summed into another gradient) and may now be unreferenced. */
  consider(g: Tensor): void {
    this.#candidates.push(g.data.data);
  }
  /** Releases the candidates that nothing references. */
  flush(claimed: Set<object>): void {
    const c = this.#candidates;
    for (let i = 0; i < c.length; i++) {
      const d = c[i];
      // A candidate listed twice is released once: the first release detaches it.
      if (!this.#refs.has(d.buffer) && !claimed.has(d.buffer) && this.#scope.has(d)) {
        releaseStorage(d);
      }
    }
    c.length = 0;
  }
  close(): void {
    this.#scope.close();
  }
}

/**
 * The arrays of graph-owned tensors ({@link isGraphOwned}) that a pass freeing the graph gives to
 * the storage pool: an array goes back when every tensor of the graph that refers to its buffer
 * (node outputs and inputs, leaves included) is graph-owned and made by a recorded op, and one of
 * them holds the whole buffer. It goes back as soon as the last node of the pass that refers to
 * its buffer has run (and no pending gradient shares it), so that the pass's later gradients reuse
 * the memory of the activations it is done with, as PyTorch frees saved tensors node by node;
 * the rest at the end of the pass.
 */
class OwnedArrays {
  // Per buffer: an array over all of it from a graph-owned tensor (undefined: none seen yet), or
  // null once a tensor that is not graph-owned was seen referring to it.
  readonly #whole = new Map<ArrayBufferLike, TypedArray | undefined | null>();
  // Per buffer: references from the nodes of the pass that have not run yet (as output or input).
  readonly #left = new Map<ArrayBufferLike, number>();
  /** Counts the references of the pass's nodes, `order` as the pass runs them. */
  constructor(order: readonly Tensor[]) {
    for (const t of order) {
      this.#count(t);
      const inputs = (t.gradFn as GraphNode).inputs as readonly Tensor[];
      for (let i = 0; i < inputs.length; i++) this.#count(inputs[i]);
    }
  }
  #count(t: Tensor): void {
    const b = t.data.data.buffer;
    if (b.byteLength >= STORAGE_POOL_MIN_BYTES) this.#left.set(b, (this.#left.get(b) ?? 0) + 1);
  }
  see(t: Tensor): void {
    const d = t.data.data;
    const b = d.buffer;
    if (b.byteLength < STORAGE_POOL_MIN_BYTES) return;
    const prev = this.#whole.get(b);
    if (prev === null) return;
    // A marked tensor that no recorded op made (a view of a constant) may share a user's array.
    if (!isGraphOwned(t) || t.gradFn === null) this.#whole.set(b, null);
    else if (prev === undefined) {
      this.#whole.set(b, spansBuffer(d) ? d : undefined);
    }
  }
  /**
   * Node `t` (with `inputs`) has run and was seen: releases the arrays no node left refers to,
   * unless handed out (`claimed`) or shared by a pending gradient (`recycler`).
   */
  done(t: Tensor, inputs: readonly Tensor[], claimed: Set<object>, recycler: Recycler): void {
    this.#settle(t, claimed, recycler);
    for (let i = 0; i < inputs.length; i++) this.#settle(inputs[i], claimed, recycler);
  }
  #settle(t: Tensor, claimed: Set<object>, recycler: Recycler): void {
    const b = t.data.data.buffer;
    const n = this.#left.get(b);
    if (n === undefined) return;
    if (n > 1) {
      this.#left.set(b, n - 1);
      return;
    }
    this.#left.delete(b);
    const d = this.#whole.get(b);
    if (d === undefined || d === null || claimed.has(b) || recycler.holds(b)) return;
    this.#whole.delete(b);
    releaseStorage(d);
  }
  /** Releases the arrays nothing else refers to (nor holds as a gradient: `claimed`). */
  flush(claimed: Set<object>): void {
    for (const [b, d] of this.#whole) {
      if (d !== undefined && d !== null && !claimed.has(b)) releaseStorage(d);
    }
    this.#whole.clear();
  }
}

// Backward passes running now (a vjp or a callback may start another).
let depth = 0;

function run(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  capture: Map<Tensor, Tensor> | null,
  retainGraph: boolean,
  createGraph: boolean,
): void {
  const order = topologicalOrder(roots);
  const recycler = createGraph || depth > 0 ? null : new Recycler();
  const owned = recycler === null || retainGraph ? null : new OwnedArrays(order);
  const acc = new Accumulator(recycler);
  const outerClaimed = claimed, outerReceived = received;
  claimed = new Set();
  for (const g of seeds) claim(g.data.data);
  depth++;
  // Post-accumulate hooks (backward only): a hooked leaf's gradient is complete once every node
  // that takes it as an input has run, so count those edges and fire at zero.
  const pending = capture === null && anyPostAccumulateGradHooks() ? hookedEdges(order) : null;
  received = pending === null ? null : new Set();
  const callbacks = beginBackwardPass();
  try {
    withGradMode(createGraph, () => {
      roots.forEach((r, k) => deliver(r, seeds[k], acc, capture, createGraph));
      if (pending !== null) {
        for (const r of roots) if (r.isLeaf && received?.has(r)) runPostAccumulateGradHooks(r);
      }
      for (const t of order) {
        const node = t.gradFn as GraphNode;
        const inputs = node.inputs as readonly Tensor[];
        const g = acc.grads.get(t);
        acc.grads.delete(t);
        if (g !== undefined) {
          step(t, node, g, acc, capture, createGraph);
          if (recycler !== null) {
            recycler.drop(g);
            recycler.flush(claimed);
          }
        }
        if (pending !== null) settle(inputs, pending);
        if (!retainGraph) {
          if (owned !== null) {
            owned.see(t);
            for (let i = 0; i < inputs.length; i++) owned.see(inputs[i]);
            owned.done(t, inputs, claimed, recycler as Recycler);
          }
          // Saved state goes back to the pool only when nothing recorded during this pass can
          // hold it (no createGraph, not nested in another pass: the recycler's conditions).
          if (recycler !== null && node.params !== null) node.op.release?.(node.params);
          node.inputs = null;
          node.params = null;
        }
      }
    });
    for (let i = 0; i < callbacks.length; i++) callbacks[i]();
    owned?.flush(claimed);
  } finally {
    depth--;
    recycler?.close();
    endBackwardPass();
    claimed = outerClaimed;
    received = outerReceived;
  }
}

/** How many graph edges lead into each hooked leaf. */
function hookedEdges(order: readonly Tensor[]): Map<Tensor, number> {
  const pending = new Map<Tensor, number>();
  for (const t of order) {
    for (const c of (t.gradFn as GraphNode).inputs as readonly Tensor[]) {
      if (c.requiresGrad && c.isLeaf && hasPostAccumulateGradHooks(c)) {
        pending.set(c, (pending.get(c) ?? 0) + 1);
      }
    }
  }
  return pending;
}

/** One node has run: its hooked leaf inputs have one edge less; fire those that are complete. */
function settle(inputs: readonly Tensor[], pending: Map<Tensor, number>): void {
  for (const c of inputs) {
    const n = pending.get(c);
    if (n === undefined) continue;
    if (n > 1) pending.set(c, n - 1);
    else {
      pending.delete(c);
      if (received?.has(c)) runPostAccumulateGradHooks(c);
    }
  }
}

/** Gives gradient `g` to tensor `t`: captured, stored in `grad`, and/or queued for its node. */
function deliver(
  t: Tensor,
  g: Tensor,
  acc: Accumulator,
  capture: Map<Tensor, Tensor> | null,
  createGraph: boolean,
): void {
  if (capture !== null) {
    if (capture.has(t)) {
      const prev = capture.get(t);
      const got = prev ? add(prev, g) : g;
      claim(got.data.data); // the caller receives it
      capture.set(t, got);
    }
  } else if (t.retainsGrad) {
    storeGrad(t, g, createGraph, acc.recycler);
    if (received !== null && t.isLeaf) received.add(t);
  }
  if (t.gradFn !== null) acc.add(t, g);
}

// Typed arrays already handed out as a `grad` or a captured gradient (or given by the caller as the
// seed) in the running backward pass, and their buffers: a gradient whose array is in here is shared
// and must be copied, and no array over one of these buffers is recycled.
let claimed: Set<object> = new Set();

function claim(data: TypedArray): void {
  claimed.add(data);
  claimed.add(data.buffer);
}
// Leaves that received a gradient in the running pass, while some tensor has a post-accumulate
// hook (null otherwise).
let received: Set<Tensor> | null = null;

function storeGrad(
  t: Tensor,
  g: Tensor,
  createGraph: boolean,
  recycler: Recycler | null,
): void {
  const prev = gradOf(t);
  if (createGraph) {
    t.grad = prev === null ? g : add(prev, g);
    return;
  }
  if (prev !== null) {
    t.grad = recyclable(new Tensor(nd.add(prev.data, g.data)), recycler);
    recycler?.consider(g);
    return;
  }
  // `grad` needs its own contiguous storage (optimisers and clipping update it in place). A fresh,
  // whole, unclaimed buffer made by a vjp is taken over as it is, as PyTorch's AccumulateGrad does;
  // anything else (a view, a broadcast, a buffer another grad already holds) is copied.
  const d = g.data;
  const whole = d.isContiguous && d.offset === 0 && d.size === d.storage.length;
  if (whole && !claimed.has(d.data)) {
    claim(d.data);
    t.grad = recyclable(new Tensor(d), recycler);
  } else {
    t.grad = recyclable(new Tensor(nd.clone(d)), recycler);
  }
}

/**
 * Marks a new `grad` for `releaseGrad` when its array was allocated during this pass (never a
 * forward value, a constant or a caller's array) by a pass that recycles (the outermost, without
 * `createGraph`), the same conditions under which the pass recycles its intermediate gradients.
 */
function recyclable(grad: Tensor, recycler: Recycler | null): Tensor {
  if (recycler !== null && recycler.allocatedHere(grad.data.data)) unseenGrads.add(grad);
  return grad;
}

function step(
  t: Tensor,
  node: GraphNode,
  g: Tensor,
  acc: Accumulator,
  capture: Map<Tensor, Tensor> | null,
  createGraph: boolean,
): void {
  const inputs = node.inputs as readonly Tensor[];
  let grads: readonly (Tensor | null)[];
  state.inVjp++;
  try {
    grads = node.op.vjp(g, inputs, t, node.params);
  } finally {
    state.inVjp--;
  }
  for (let i = 0; i < inputs.length; i++) {
    const c = inputs[i];
    if (!c.requiresGrad) continue;
    const gi = grads[i];
    if (gi === null || gi === undefined) continue;
    const fitted = fit(gi, c, node);
    if (fitted !== gi && acc.recycler !== null) acc.recycler.consider(gi);
    if (state.anomaly) {
      checkFinite(fitted.data, `backward of '${node.name}' (gradient of input ${i})`, node.trace);
    }
    deliver(c, fitted, acc, capture, createGraph);
  }
}

/** Sums a broadcast gradient back to the input's shape and converts it to the input's dtype. */
function fit(g: Tensor, input: Tensor, node: GraphNode): Tensor {
  let r = g;
  if (!sameShape(r.shape, input.shape)) r = sumTo(r, input.shape, `backward of '${node.name}'`);
  if (r.dtype !== input.dtype) r = astype(r, input.dtype);
  return r;
}
