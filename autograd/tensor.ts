/**
 * {@link Tensor}: an {@link NDArray} that can record the ops applied to it and carry gradients
 * back through them.
 *
 * @module
 */
import {
  type ArgReduceOptions,
  checkBool,
  checkInt,
  checkNDArray,
  checkOptions,
  displayData,
  type DType,
  type MimeBundle,
  type NDArray,
  type NestedArray,
  type PadOptions,
  type ReduceOptions,
  type SliceSpec,
  type VarianceOptions,
} from "@nnc/tensor";
import type { GraphNode } from "./graph_node.ts";
import * as ew from "./elementwise.ts";
import * as red from "./reduce.ts";
import * as shp from "./shape.ts";
import * as idx from "./indexing.ts";
import * as srt from "./sort.ts";
import { matmul } from "./matmul.ts";
import { logSoftmax, softmax } from "./softmax.ts";
import { cumprod, cumsum } from "./cumulative.ts";
import { pad } from "./pad.ts";
import { chunk, split } from "./join.ts";
import { backward, type BackwardOptions } from "./backward.ts";
import type { PostAccumulateGradHook, RemovableHandle } from "./hooks.ts";
import { addPostAccumulateGradHook } from "./_hooks.ts";
import { unseenGrads } from "./_grad_recycling.ts";

/** What ops accept where a tensor goes: a Tensor, an NDArray (a constant) or a number. */
export type TensorLike = Tensor | NDArray | number;

/** Options of the {@link Tensor} constructor. */
export interface TensorOptions {
  /** Record ops on this tensor so that `backward` can compute its gradient. Default false. */
  requiresGrad?: boolean;
}

/** Sorted values (differentiable) and their int32 positions (constant). */
export interface TensorSortResult {
  /** The values, as a tensor that carries gradients to the input. */
  values: Tensor;
  /** Their positions along the axis (int32). */
  indices: NDArray;
}

let attach: (t: Tensor, node: GraphNode) => void;
let putTangent: (t: Tensor, tangent: Tensor | null) => void;
let peek: (t: Tensor) => Tensor | null;

/**
 * An n-dimensional array with automatic differentiation (PyTorch's `Tensor`). `data` holds the
 * values; when `requiresGrad` is set, every op on the tensor records a {@link GraphNode}, and
 * {@link Tensor.backward} fills `grad` of the leaves with the gradient. Ops are methods (`x.mul(y)`)
 * and free functions (`mul(x, y)`), with NumPy broadcasting; gradients of broadcast operands are
 * summed back to their shapes.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * const y = x.mul(x).sum(); // Σ x²
 * y.backward();
 * console.assert(x.grad?.toArray().toString() === "2,4,6");
 * ```
 */
export class Tensor {
  /** The values. Replacing it (as optimisers do) changes the tensor without recording anything. */
  data: NDArray;
  #grad: Tensor | null = null;
  #requiresGrad = false;
  #gradFn: GraphNode | null = null;
  #tangent: Tensor | null = null;
  #retainsGrad = false;

  static {
    attach = (t, node) => {
      t.#requiresGrad = true;
      t.#gradFn = node;
    };
    putTangent = (t, tangent) => {
      t.#tangent = tangent;
    };
    peek = (t) => t.#grad;
  }

  /**
   * Gradient accumulated by `backward` (leaves, and tensors that called `retainGrad`). Reading it
   * hands the gradient over to the caller, who may keep it: from then on `zeroGrad` leaves its
   * array to the garbage collector instead of recycling it (`releaseGrad`).
   */
  get grad(): Tensor | null {
    const g = this.#grad;
    if (g !== null) unseenGrads.delete(g);
    return g;
  }
  set grad(value: Tensor | null) {
    this.#grad = value;
  }

  /** Wraps an array (not copied). */
  constructor(data: NDArray, options?: TensorOptions) {
    checkNDArray(data, "Tensor", "data");
    this.data = data;
    if (options !== undefined) {
      checkOptions(options, "Tensor");
      if (checkBool(options.requiresGrad ?? false, "Tensor", "requiresGrad")) {
        this.#setRequiresGrad(true, "Tensor");
      }
    }
  }

  /** True when ops on this tensor are recorded for backward. Settable on leaves only. */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }
  set requiresGrad(flag: boolean) {
    this.#setRequiresGrad(flag, "requiresGrad");
  }
  /** Sets `requiresGrad` (PyTorch `requires_grad_()`) and returns this tensor. */
  requiresGrad_(flag = true): this {
    this.#setRequiresGrad(checkBool(flag, "requiresGrad_", "flag"), "requiresGrad_");
    return this;
  }
  /** The setter of `requiresGrad`, its errors naming `op`. */
  #setRequiresGrad(flag: boolean, op: string): void {
    if (this.#gradFn !== null) {
      throw new RangeError(
        `${op}: can only be changed on leaf tensors; this one was made by '${this.#gradFn.name}' (use detach())`,
      );
    }
    if (flag && this.data.dtype === "int32") {
      throw new TypeError(
        `${op}: only float32 and float64 tensors can require gradients, got int32`,
      );
    }
    this.#requiresGrad = Boolean(flag);
  }
  /** The node that made this tensor, or null for a leaf. */
  get gradFn(): GraphNode | null {
    return this.#gradFn;
  }
  /** True for tensors made by the user rather than by a recorded op. */
  get isLeaf(): boolean {
    return this.#gradFn === null;
  }
  /** Forward-mode tangent, set inside `jvp` (null = zero / none). */
  get tangent(): Tensor | null {
    return this.#tangent;
  }
  /** Makes `backward` keep this non-leaf tensor's gradient in `grad`. */
  retainGrad(): this {
    if (!this.#requiresGrad) throw new RangeError("retainGrad: the tensor does not require grad");
    this.#retainsGrad = true;
    return this;
  }
  /** True after {@link Tensor.retainGrad} (and for leaves that require grad). */
  get retainsGrad(): boolean {
    return this.#retainsGrad || (this.#gradFn === null && this.#requiresGrad);
  }

  /** Extent of each dimension. */
  get shape(): readonly number[] {
    return this.data.shape;
  }
  /** Element type. */
  get dtype(): DType {
    return this.data.dtype;
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.data.ndim;
  }
  /** Number of elements. */
  get size(): number {
    return this.data.size;
  }
  /** Transpose (all axes reversed), as a view. */
  get T(): Tensor {
    return shp.transpose(this);
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad and adds it
   * to their `grad`. `gradient` is the gradient of some scalar with respect to this tensor (1 by
   * default, which needs a one-element tensor). The graph is freed unless `retainGraph`;
   * `createGraph` records the backward pass itself, for higher derivatives.
   */
  backward(gradient?: TensorLike, options?: BackwardOptions): void {
    backward(this, gradient, options);
  }
  /**
   * Calls `hook(this)` each time `backward` has finished accumulating this leaf's gradient in a
   * pass (after its `grad` holds every contribution of the pass; not for `gradients()`, which
   * leaves `grad` alone). PyTorch's `register_post_accumulate_grad_hook`. Only leaves that
   * require grad. Returns a handle whose `remove()` unregisters the hook.
   */
  registerPostAccumulateGradHook(hook: PostAccumulateGradHook): RemovableHandle {
    return addPostAccumulateGradHook(this, hook);
  }
  /** The same values without the graph: a leaf that does not require grad (storage shared). */
  detach(): Tensor {
    return new Tensor(this.data);
  }
  /**
   * Gives back the memory of this tensor's values ({@link NDArray.dispose}: to the storage pool,
   * for the next allocation of the same size), for results a loop makes and drops — an inference
   * loop's outputs, say — instead of leaving them to the garbage collector. Also runs at the end of
   * a `using` declaration's block. Returns whether the memory was taken back. Every tensor and
   * array sharing the storage (views, `detach()`) can no longer be read, and neither can a graph
   * that saved the values: dispose only what no later `backward` needs.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * const w = tensor(new Float32Array(1 << 16).fill(0.5));
   * for (let i = 0; i < 3; i++) {
   *   using y = w.mul(i); // 256 KiB, reused by the next iteration
   *   console.assert(y.get(0) === 0.5 * i);
   * }
   * ```
   */
  dispose(): boolean {
    return this.data.dispose();
  }
  /** {@link Tensor.dispose}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** The single element as a number. */
  item(): number {
    return this.data.item();
  }
  /** The values as nested arrays. */
  toArray(): NestedArray {
    return this.data.toArray();
  }
  /** Element at a full index. */
  get(...index: number[]): number {
    const shape = this.data.shape;
    if (index.length !== shape.length) {
      throw new RangeError(
        `get: expected ${shape.length} indices for a tensor of rank ${shape.length}, got ${index.length}`,
      );
    }
    index.forEach((v, d) => checkInt(v, "get", `index ${d}`, -shape[d], shape[d] - 1));
    return this.data.get(...index);
  }
  /** Prints like PyTorch: `tensor([1, 2], requiresGrad=true)`. */
  toString(): string {
    const body = this.data.toString().replace(/^array/, "tensor");
    if (this.#gradFn !== null) return body.replace(/\)$/, `, gradFn=${this.#gradFn.name})`);
    return this.#requiresGrad ? body.replace(/\)$/, ", requiresGrad=true)") : body;
  }
  /**
   * Rich display in Jupyter (Deno's kernel calls this): shape, dtype, gradient status and values,
   * or a PNG when the values look like an image (`displayData` of `@nnc/tensor`).
   */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    const notes = this.#gradFn !== null
      ? [`gradFn=${this.#gradFn.name}`]
      : this.#requiresGrad
      ? ["requiresGrad"]
      : [];
    if (this.#grad !== null) notes.push("(has grad)");
    return displayData(this.data, { kind: "Tensor", notes, text: this.toString() });
  }

  // ----- elementwise -----
  /** `this + other`, broadcasting. */
  add(other: TensorLike): Tensor {
    return ew.add(this, other);
  }
  /** `this - other`, broadcasting. */
  sub(other: TensorLike): Tensor {
    return ew.sub(this, other);
  }
  /** `this * other`, broadcasting. */
  mul(other: TensorLike): Tensor {
    return ew.mul(this, other);
  }
  /** `this / other`, broadcasting. */
  div(other: TensorLike): Tensor {
    return ew.div(this, other);
  }
  /** `this ** other`, broadcasting. */
  pow(other: TensorLike): Tensor {
    return ew.pow(this, other);
  }
  /** Remainder with the sign of the divisor. */
  mod(other: TensorLike): Tensor {
    return ew.mod(this, other);
  }
  /** Elementwise minimum. */
  minimum(other: TensorLike): Tensor {
    return ew.minimum(this, other);
  }
  /** Elementwise maximum. */
  maximum(other: TensorLike): Tensor {
    return ew.maximum(this, other);
  }
  /** `this == other` as 1/0 (no gradient). */
  eq(other: TensorLike): Tensor {
    return ew.eq(this, other);
  }
  /** `this != other` as 1/0 (no gradient). */
  ne(other: TensorLike): Tensor {
    return ew.ne(this, other);
  }
  /** `this < other` as 1/0 (no gradient). */
  lt(other: TensorLike): Tensor {
    return ew.lt(this, other);
  }
  /** `this <= other` as 1/0 (no gradient). */
  le(other: TensorLike): Tensor {
    return ew.le(this, other);
  }
  /** `this > other` as 1/0 (no gradient). */
  gt(other: TensorLike): Tensor {
    return ew.gt(this, other);
  }
  /** `this >= other` as 1/0 (no gradient). */
  ge(other: TensorLike): Tensor {
    return ew.ge(this, other);
  }
  /** `-this`. */
  neg(): Tensor {
    return ew.neg(this);
  }
  /** `|this|`. */
  abs(): Tensor {
    return ew.abs(this);
  }
  /** -1, 0 or 1 (zero gradient). */
  sign(): Tensor {
    return ew.sign(this);
  }
  /** `e^this`. */
  exp(): Tensor {
    return ew.exp(this);
  }
  /** `e^this - 1`. */
  expm1(): Tensor {
    return ew.expm1(this);
  }
  /** Natural logarithm. */
  log(): Tensor {
    return ew.log(this);
  }
  /** `log(1 + this)`. */
  log1p(): Tensor {
    return ew.log1p(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  /** `1 / sqrt(this)`. */
  rsqrt(): Tensor {
    return ew.rsqrt(this);
  }
  /** `this²`. */
  square(): Tensor {
    return ew.square(this);
  }
  /** `1 / this`. */
  reciprocal(): Tensor {
    return ew.reciprocal(this);
  }
  /** Sine. */
  sin(): Tensor {
    return ew.sin(this);
  }
  /** Cosine. */
  cos(): Tensor {
    return ew.cos(this);
  }
  /** Tangent. */
  tan(): Tensor {
    return ew.tan(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return ew.tanh(this);
  }
  /** Logistic sigmoid. */
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  /** `max(this, 0)`. */
  relu(): Tensor {
    return ew.relu(this);
  }
  /** `log(1 + e^this)`. */
  softplus(): Tensor {
    return ew.softplus(this);
  }
  /** The error function. */
  erf(): Tensor {
    return ew.erf(this);
  }
  /** Round down (zero gradient). */
  floor(): Tensor {
    return ew.floor(this);
  }
  /** Round up (zero gradient). */
  ceil(): Tensor {
    return ew.ceil(this);
  }
  /** Round half to even (zero gradient). */
  round(): Tensor {
    return ew.round(this);
  }
  /** Round toward zero (zero gradient). */
  trunc(): Tensor {
    return ew.trunc(this);
  }
  /** Limits values to `[min, max]`; the gradient passes where the value was inside. */
  clamp(min?: number, max?: number): Tensor {
    return ew.clamp(this, min, max);
  }
  /** Converts to another dtype (the gradient converts back). */
  astype(dtype: DType): Tensor {
    return ew.astype(this, dtype);
  }

  // ----- reductions -----
  /** Sum over axes. */
  sum(options?: ReduceOptions): Tensor {
    return red.sum(this, options);
  }
  /** Mean over axes. */
  mean(options?: ReduceOptions): Tensor {
    return red.mean(this, options);
  }
  /** Product over axes. */
  prod(options?: ReduceOptions): Tensor {
    return red.prod(this, options);
  }
  /** Maximum over axes (the gradient is shared among ties). */
  max(options?: ReduceOptions): Tensor {
    return red.max(this, options);
  }
  /** Minimum over axes (the gradient is shared among ties). */
  min(options?: ReduceOptions): Tensor {
    return red.min(this, options);
  }
  /** Index of the maximum (int32, no gradient). */
  argmax(options?: ArgReduceOptions): Tensor {
    return red.argmax(this, options);
  }
  /** Index of the minimum (int32, no gradient). */
  argmin(options?: ArgReduceOptions): Tensor {
    return red.argmin(this, options);
  }
  /** Variance (unbiased by default). */
  var(options?: VarianceOptions): Tensor {
    return red.variance(this, options);
  }
  /** Standard deviation (unbiased by default). */
  std(options?: VarianceOptions): Tensor {
    return red.std(this, options);
  }
  /** `log Σ exp`, computed stably. */
  logsumexp(options?: ReduceOptions): Tensor {
    return red.logsumexp(this, options);
  }
  /** Softmax along an axis (the last by default). */
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }
  /** Log-softmax along an axis (the last by default). */
  logSoftmax(axis = -1): Tensor {
    return logSoftmax(this, axis);
  }
  /** Inclusive cumulative sum along an axis. */
  cumsum(axis: number): Tensor {
    return cumsum(this, axis);
  }
  /** Inclusive cumulative product along an axis. */
  cumprod(axis: number): Tensor {
    return cumprod(this, axis);
  }

  // ----- products, indexing, ordering -----
  /** Matrix product with NumPy semantics. */
  matmul(other: TensorLike): Tensor {
    return matmul(this, other);
  }
  /** Gathers values along an axis (PyTorch `gather`). */
  gather(axis: number, index: NDArray): Tensor {
    return idx.gather(this, axis, index);
  }
  /** This tensor plus `src` added at `index` along `axis` (PyTorch `scatter_add`). */
  scatterAdd(axis: number, index: NDArray, src: TensorLike): Tensor {
    return idx.scatterAdd(this, axis, index, src);
  }
  /** Entries `index` along `axis`. */
  indexSelect(axis: number, index: NDArray | readonly number[]): Tensor {
    return idx.indexSelect(this, axis, index);
  }
  /** Sorted values (differentiable) and their indices along an axis. */
  sort(axis = -1, descending = false): TensorSortResult {
    return srt.sort(this, { axis, descending });
  }
  /** The `k` largest (or smallest) values and their indices. */
  topk(k: number, axis = -1, largest = true): TensorSortResult {
    return srt.topk(this, k, { axis, largest });
  }
  /** Pads the trailing dimensions (PyTorch `F.pad` conventions). */
  pad(padding: readonly number[], options?: PadOptions): Tensor {
    return pad(this, padding, options);
  }
  /** Splits into pieces along an axis (views). */
  split(sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
    return split(this, sizeOrSections, axis);
  }
  /** Splits into `chunks` pieces of equal size along an axis. */
  chunk(chunks: number, axis = 0): Tensor[] {
    return chunk(this, chunks, axis);
  }

  // ----- views and copies -----
  /** A tensor with a new shape of the same size (one entry may be -1). */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return shp.reshape(this, flatArgs(shape));
  }
  /** Flattens dimensions `startDim..endDim`. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return shp.flatten(this, startDim, endDim);
  }
  /** Reorders dimensions. */
  permute(...axes: number[] | [readonly number[]]): Tensor {
    return shp.permute(this, flatArgs(axes));
  }
  /** Swaps two axes (all reversed when none given). */
  transpose(axis0?: number, axis1?: number): Tensor {
    return shp.transpose(this, axis0, axis1);
  }
  /** Broadcasts to a larger shape (-1 keeps a dimension). */
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return shp.expand(this, flatArgs(shape));
  }
  /** Removes size-1 dimensions (all, or those listed). */
  squeeze(axis?: number | readonly number[]): Tensor {
    return shp.squeeze(this, axis);
  }
  /** Inserts a size-1 dimension. */
  unsqueeze(axis: number): Tensor {
    return shp.unsqueeze(this, axis);
  }
  /** Basic indexing (see `NDArray.slice`). */
  slice(...specs: SliceSpec[]): Tensor {
    return shp.slice(this, ...specs);
  }
  /** Reverses the order along axes (all by default). */
  flip(axis?: number | readonly number[]): Tensor {
    return shp.flip(this, axis);
  }
  /** A contiguous copy that is still connected to the graph. */
  clone(): Tensor {
    return shp.clone(this);
  }
  /** This tensor when contiguous, else a contiguous copy (connected to the graph). */
  contiguous(): Tensor {
    return shp.contiguous(this);
  }
}

function flatArgs(args: number[] | [readonly number[]]): readonly number[] {
  return args.length === 1 && Array.isArray(args[0])
    ? args[0] as readonly number[]
    : args as number[];
}

/** Records `node` as the maker of `t` (which then requires grad). Engine use only. */
export function attachNode(t: Tensor, node: GraphNode): void {
  attach(t, node);
}

/** The gradient of `t` without handing it over (see `peekGrad`). Engine use only. */
export function gradOf(t: Tensor): Tensor | null {
  return peek(t);
}

/** Sets the forward-mode tangent of `t`. Engine use only. */
export function setTangent(t: Tensor, tangent: Tensor | null): void {
  putTangent(t, tangent);
}
