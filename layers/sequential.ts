/**
 * {@link Sequential}: modules applied one after another.
 *
 * @module
 */
import { isGraphOwned, markGraphOwned, Tensor } from "@nnc/autograd";
import { type AnyModule, Module } from "./module.ts";
import { describe, type NormActivation } from "@nnc/tensor";
import { isPlain, keepsNoTensors, registerContainer } from "./_graph_owned.ts";
import { LeakyReLU, ReLU } from "./activation_layers.ts";
import { BatchNorm1d, BatchNorm2d, type BatchNormNd } from "./batch_norm.ts";
import { batchNormThen } from "./_batch_norm_then.ts";
import { type MaxPool2d, MaxPoolNd } from "./pool.ts";
import type { Conv2d } from "./conv.ts";
import { applyConvMaxPool, convMaxPoolRun } from "./_conv_max_pool.ts";

/**
 * A chain of modules: `forward(x)` feeds `x` through each in turn (PyTorch `nn.Sequential`). The
 * children are named `0`, `1`, … (or by the names given to {@link Sequential.fromNamed}), so a
 * state dict has keys like `0.weight`, exactly as PyTorch's.
 *
 * @example
 * ```ts
 * import { Linear, ReLU, Sequential } from "@nnc/layers";
 * import { Tensor } from "@nnc/autograd";
 * import { ones } from "@nnc/tensor";
 * const net = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * console.assert(Object.keys(net.stateDict()).join() === "0.weight,0.bias,2.weight,2.bias");
 * console.assert(net.forward(new Tensor(ones([5, 4]))).shape.join() === "5,2");
 * ```
 */
export class Sequential extends Module<[Tensor], Tensor> {
  #order: string[] = [];

  /** Chains `modules`, named by position. */
  constructor(...modules: AnyModule[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /**
   * A chain with named children (PyTorch's `Sequential(OrderedDict(...))`).
   *
   * @example
   * ```ts
   * import { Linear, ReLU, Sequential } from "@nnc/layers";
   * const net = Sequential.fromNamed({ fc: new Linear(2, 2), act: new ReLU() });
   * console.assert(Object.keys(net.stateDict()).join() === "fc.weight,fc.bias");
   * ```
   */
  static fromNamed(
    entries: Record<string, AnyModule> | readonly (readonly [string, AnyModule])[],
  ): Sequential {
    const op = "Sequential.fromNamed";
    if (entries === null || typeof entries !== "object") {
      throw new TypeError(
        `${op}: entries must be an object or a list of [name, module] pairs, got ${
          describe(entries)
        }`,
      );
    }
    const s = new Sequential();
    const list = Array.isArray(entries) ? entries : Object.entries(entries);
    list.forEach((entry, i) => {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "string") {
        throw new TypeError(
          `${op}: entries[${i}] must be a [name, module] pair, got ${describe(entry)}`,
        );
      }
      s.#add(entry[0], entry[1], op);
    });
    return s;
  }

  /** Number of modules in the chain. */
  get length(): number {
    return this.#order.length;
  }

  /** Adds a module at the end; returns this. */
  append(module: AnyModule): this {
    this.#add(String(this.#order.length), module, "Sequential.append");
    return this;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): AnyModule {
    const n = this.#order.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new RangeError(
        `Sequential.at: index ${describe(index)} is out of range for ${n} modules`,
      );
    }
    return this.getSubmodule(this.#order[index < 0 ? index + n : index]);
  }

  /** Iterates over the modules in order. */
  [Symbol.iterator](): Iterator<AnyModule> {
    return this.children()[Symbol.iterator]();
  }

  /**
   * Applies the modules in order. A value passed between two built-in layers that keep no tensor
   * (`Linear`, `Conv2d`, `ReLU`, `MaxPool2d`, …) is marked graph-owned (`markGraphOwned`): nobody
   * else can see it, so a backward pass hands its memory to the next step. A built-in `ReLU`
   * directly before built-in max pooling is applied after it: the same values and gradients, with
   * ReLU's work on the pooled values only. A built-in `Conv2d` followed by built-in `MaxPool2d`
   * (with or without that `ReLU` between them) runs as one op, `convMaxPool`: the same values and
   * gradients, without the convolution's output going to memory and back. A built-in batch norm
   * followed by a built-in `ReLU` or `LeakyReLU` runs as one kernel (the same values and
   * gradients, with one pass over memory less forward and three less backward).
   */
  forward(x: Tensor): Tensor {
    const children = this.children();
    let y: unknown = x;
    let passes = children.length > 0 && keepsNoTensors(children[0]);
    for (let i = 0; i < children.length; i++) {
      const run = convMaxPoolRun(children, i);
      const fused = run === 0
        ? null
        : applyConvMaxPool(children[i] as Conv2d, children[i + run - 1] as MaxPool2d, y);
      if (fused !== null) {
        // Convolution and max pooling as one op (ReLU, if between them, after both: see below).
        y = fused;
        i += run - 1;
        if (run === 3) {
          markGraphOwned(fused);
          y = (children[i - 1] as unknown as Module<[unknown], unknown>).forward(y);
        }
      } else if (normActivation(children, i) !== null) {
        // Batch norm and the activation after it in one kernel.
        y = batchNormThen(
          children[i] as BatchNormNd,
          y as Tensor,
          normActivation(children, i) as NormActivation,
        );
        i++;
      } else if (poolsBeforeRelu(children, i)) {
        // ReLU then max pooling computes as pooling then ReLU: max(relu(x)) = relu(max(x)) with the
        // same argmax, so values and gradients are the same, and ReLU and its gradient touch a
        // quarter of the values (2×2 windows). The pooled value between them is the graph's alone.
        y = (children[i + 1] as unknown as Module<[unknown], unknown>).forward(y);
        if (y instanceof Tensor) markGraphOwned(y);
        i++;
        y = (children[i - 1] as unknown as Module<[unknown], unknown>).forward(y);
      } else {
        y = (children[i] as unknown as Module<[unknown], unknown>).forward(y);
      }
      const next = i + 1 < children.length && keepsNoTensors(children[i + 1]);
      if (passes && next && y !== x && y instanceof Tensor) markGraphOwned(y);
      passes = next;
    }
    // A child that returns its input (Identity, Dropout in eval mode) may hand out a marked value.
    if (y instanceof Tensor && isGraphOwned(y)) markGraphOwned(y, false);
    return y as Tensor;
  }

  #add(name: string, module: AnyModule, op: string): void {
    if (!(module instanceof Module)) {
      throw new TypeError(`${op}: expected a Module, got ${describe(module)}`);
    }
    this.registerModule(name, module);
    this.#order.push(name);
  }
}

registerContainer(Sequential);

/**
 * The activation child `i + 1` applies when child `i` is a built-in batch norm (exact class,
 * `forward` not replaced) and child `i + 1` a built-in `ReLU` or `LeakyReLU`; else null.
 */
function normActivation(children: readonly AnyModule[], i: number): NormActivation | null {
  const bn = children[i], act = children[i + 1];
  if (!isPlain(bn, BatchNorm2d) && !isPlain(bn, BatchNorm1d)) return null;
  if (isPlain(act, ReLU)) return { op: "relu", negativeSlope: 0 };
  if (isPlain(act, LeakyReLU)) {
    return { op: "leakyRelu", negativeSlope: (act as LeakyReLU).negativeSlope };
  }
  return null;
}

/**
 * Whether children `i` and `i + 1` are a built-in `ReLU` followed by a built-in max pooling layer
 * (exact classes, `forward` not replaced), which {@link Sequential.forward} applies in the other order.
 */
function poolsBeforeRelu(children: readonly AnyModule[], i: number): boolean {
  const relu = children[i], pool = children[i + 1];
  return relu?.constructor === ReLU && keepsNoTensors(relu) && pool instanceof MaxPoolNd &&
    keepsNoTensors(pool);
}
