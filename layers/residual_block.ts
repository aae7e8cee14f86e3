/**
 * {@link ResidualBlock}: `g(x) = shortcut(x) + f(x)`.
 *
 * @module
 */
import { isGraphOwned, markGraphOwned, type Tensor } from "@nnc/autograd";
import { type AnyModule, Module } from "./module.ts";
import { keepsNoTensors, registerContainer } from "./_graph_owned.ts";
import { Identity } from "./identity.ts";
import { asInput } from "./_util.ts";
import { checkOptions, describe, fmtShape, sameShape } from "@nnc/tensor";

/**
 * Options of {@link ResidualBlock}.
 *
 * @example
 * ```ts
 * import { Linear, ReLU, type ResidualBlockOptions } from "@nnc/layers";
 * const o: ResidualBlockOptions = { shortcut: new Linear(4, 8, { bias: false }), activation: new ReLU() };
 * ```
 */
export interface ResidualBlockOptions {
  /** The skip path (the notes' `W` for mismatched shapes: a bias-free Linear or a 1×1 Conv2d). Default: identity. */
  shortcut?: AnyModule;
  /** Applied after the sum (as in ResNet's `relu(F(x) + x)`). Default: none. */
  activation?: AnyModule;
}

type Fn = Module<[Tensor], Tensor>;

/**
 * A residual block (He et al.; the notes' `g(x) = x + f(x; θ)`, or `W x + f(x; θ)` when shapes
 * differ): `forward(x) = activation(shortcut(x) + body(x))`. Its Jacobian is `I + J_f`, close to
 * the identity at initialisation, which keeps deep stacks trainable. Children are named `body`,
 * `shortcut` (only when given) and `activation`.
 *
 * @example
 * ```ts
 * import { Linear, ReLU, ResidualBlock, Sequential } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * const block = new ResidualBlock(new Sequential(new Linear(4, 4), new ReLU(), new Linear(4, 4)));
 * console.assert(block.forward(ones([2, 4])).shape.join() === "2,4");
 * const widen = new ResidualBlock(new Linear(4, 8), { shortcut: new Linear(4, 8, { bias: false }) });
 * console.assert(widen.forward(ones([2, 4])).shape.join() === "2,8");
 * ```
 */
export class ResidualBlock extends Module<[Tensor], Tensor> {
  /** The residual function `f`. */
  body: AnyModule;
  /** The skip path, or null for the identity. */
  shortcut: AnyModule | null;
  /** The activation after the sum, or null. */
  activation: AnyModule | null;

  /** A block computing `activation(shortcut(x) + body(x))`. */
  constructor(body: AnyModule, options: ResidualBlockOptions = {}) {
    super();
    checkOptions(options, "ResidualBlock");
    if (!(body instanceof Module)) {
      throw new TypeError(`ResidualBlock: body must be a Module, got ${describe(body)}`);
    }
    for (const k of ["shortcut", "activation"] as const) {
      const m = options[k];
      if (m !== undefined && !(m instanceof Module)) {
        throw new TypeError(`ResidualBlock: ${k} must be a Module, got ${describe(m)}`);
      }
    }
    this.body = body;
    this.shortcut = options.shortcut instanceof Identity ? null : options.shortcut ?? null;
    this.activation = options.activation ?? null;
  }

  /** `activation(shortcut(x) + body(x))`. */
  forward(x: Tensor): Tensor {
    const t = asInput(x, "ResidualBlock");
    const fx = (this.body as unknown as Fn).forward(t);
    const sx = this.shortcut === null ? t : (this.shortcut as unknown as Fn).forward(t);
    if (!sameShape(fx.shape, sx.shape)) {
      throw new RangeError(
        `ResidualBlock: body output ${fmtShape(fx.shape)} and shortcut output ${
          fmtShape(sx.shape)
        } differ for input ${fmtShape(t.shape)}` +
          (this.shortcut === null
            ? "; give a shortcut (a projection W) for mismatched shapes"
            : ""),
      );
    }
    // Values nobody else sees are graph-owned (see Sequential.forward): the body's and the
    // shortcut's outputs, read only by the sum, and the sum when the activation consumes it.
    if (fx !== t && keepsNoTensors(this.body)) markGraphOwned(fx);
    if (sx !== t && keepsNoTensors(this.shortcut)) markGraphOwned(sx);
    const y = fx.add(sx);
    if (this.activation === null) return y;
    if (keepsNoTensors(this.activation)) markGraphOwned(y);
    const out = (this.activation as unknown as Fn).forward(y);
    if (isGraphOwned(out)) markGraphOwned(out, false); // an activation that returned its input
    return out;
  }
}

registerContainer(ResidualBlock);
