/**
 * {@link GINConv}: the graph isomorphism network layer of Xu et al. (2019).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { type AnyModule, Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { MessagePassing } from "./message_passing.ts";
import { type EdgeIndexLike, nodeFeatures } from "./_graph.ts";
import { describe } from "@nnc/tensor";

/** Options of {@link GINConv}. */
export interface GINConvOptions {
  /** Initial ε. Default 0. */
  eps?: number;
  /** Learn ε (a parameter) instead of keeping it fixed (a buffer). Default false. */
  trainEps?: boolean;
}

/**
 * Graph isomorphism network layer (PyTorch Geometric's `GINConv`):
 * `x_i' = h((1 + ε) x_i + Σ_{j → i} x_j)` with `h` a network (an MLP). Sum aggregation with an
 * injective `h` makes it as discriminative as the Weisfeiler–Lehman test. Parameters as in
 * PyTorch Geometric: `nn.*` and `eps` `[1]` (a parameter with `trainEps`, else a buffer).
 *
 * @example
 * ```ts
 * import { GINConv, Identity } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const conv = new GINConv(new Identity(), { eps: 0.5 });
 * const y = conv.forward(tensor([[1], [2], [4]]), [[1, 2], [0, 0]]);
 * console.assert(y.toArray().toString() === "7.5,3,6");
 * ```
 */
export class GINConv extends MessagePassing<[Tensor, EdgeIndexLike], Tensor> {
  /** `h`. */
  nn: AnyModule;
  /** ε, `[1]` (a Parameter when trained). */
  readonly eps: Tensor;
  readonly #initialEps: number;

  /** GIN with network `nn`. */
  constructor(nn: AnyModule, options: GINConvOptions = {}) {
    super("sum");
    const op = "GINConv";
    const o = nd.checkOptions(options, op);
    if (!(nn instanceof Module)) {
      throw new TypeError(`${op}: nn must be a Module, got ${describe(nn)}`);
    }
    this.nn = nn;
    this.#initialEps = nd.checkNumber(o.eps ?? 0, op, "eps");
    const value = nd.full([1], this.#initialEps, { dtype: "float32" });
    if (nd.checkBool(o.trainEps ?? false, op, "trainEps")) {
      this.eps = this.registerParameter("eps", new Parameter(value));
    } else {
      this.eps = this.registerBuffer("eps", value);
    }
  }

  /** `x` `[N, F]`, `edgeIndex` `[2, E]` → `h((1 + ε) x + Σ neighbours)`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike): Tensor {
    const input = nodeFeatures(x, "GINConv");
    const eps = this.eps.dtype === input.dtype ? this.eps : this.eps.astype(input.dtype);
    const combined = this.propagate(input, edgeIndex).add(input.mul(eps.add(1)));
    return (this.nn as unknown as Module<[Tensor], Tensor>).forward(combined);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `eps=${this.#initialEps}${this.eps instanceof Parameter ? ", trainEps" : ""}`;
  }
}
