/**
 * Losses as modules (PyTorch's `nn.*Loss`): `forward(input, target)` calls the functional form
 * with the options given at construction. Class weights are buffers, so they appear in
 * `stateDict()` under PyTorch's names (`weight`, `pos_weight`).
 *
 * @module
 */
import { describe, NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import {
  huberLoss,
  type HuberLossOptions,
  l1Loss,
  type LossOptions,
  mseLoss,
  type MseLossOptions,
  smoothL1Loss,
  type SmoothL1LossOptions,
} from "./regression_losses.ts";
import {
  crossEntropy,
  type CrossEntropyOptions,
  nllLoss,
  type NllLossOptions,
} from "./cross_entropy.ts";
import {
  bceLoss,
  type BceLossOptions,
  bceWithLogits,
  type BceWithLogitsOptions,
} from "./binary_cross_entropy.ts";
import { klDiv, type KlDivOptions } from "./kl_div.ts";
import { hingeLoss, type HingeLossOptions } from "./hinge_loss.ts";
import { cosineEmbeddingLoss, type CosineEmbeddingLossOptions } from "./cosine_embedding_loss.ts";
import { checkOptions } from "@nnc/tensor";

/**
 * What the loss modules take as the target: a `Tensor`, or an `NDArray` used as a constant
 * (class indices, labels, regression targets need no gradient).
 *
 * @example
 * ```ts
 * import { type LossTarget, MSELoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * import { array } from "@nnc/tensor";
 * const target: LossTarget = array([1, 2]);
 * console.assert(new MSELoss().forward(tensor([1, 4]), target).item() === 2);
 * ```
 */
export type LossTarget = Tensor | NDArray;

/**
 * Base of the loss modules: holds the options; `forward(input, target)` computes the loss.
 *
 * @example
 * ```ts
 * import { Loss, MSELoss } from "@nnc/layers";
 * console.assert(new MSELoss() instanceof Loss);
 * ```
 */
export abstract class Loss<O extends object = LossOptions>
  extends Module<[Tensor, LossTarget], Tensor> {
  /** The options passed to the functional form. */
  readonly options: Readonly<O>;

  /** A loss with `options`. */
  constructor(options: O) {
    super();
    checkOptions(options, this.constructor.name);
    this.options = { ...options };
  }

  /** The loss of `input` against `target`. */
  abstract override forward(input: Tensor, target: LossTarget): Tensor;

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    // The options are checked by the functional form when the loss is computed: any value shows.
    const r: unknown = (this.options as { reduction?: unknown }).reduction;
    return r === undefined ? "" : `reduction=${typeof r === "string" ? r : describe(r)}`;
  }
}

/** Registers the tensor options as buffers and returns options that read them back. */
function withBuffers<O extends object>(
  m: Module<never[], unknown>,
  options: O,
  names: Record<string, string>,
): O {
  const out = { ...options } as Record<string, unknown>;
  for (const [key, buffer] of Object.entries(names)) {
    const v = out[key] as Tensor | NDArray | null | undefined;
    if (v === undefined || v === null) continue;
    if (!(v instanceof Tensor) && !(v instanceof NDArray)) {
      throw new TypeError(
        `${m.constructor.name}: ${key} must be a Tensor, an NDArray or null, got ${describe(v)}`,
      );
    }
    out[key] = m.registerBuffer(buffer, v);
  }
  return out as O;
}

/**
 * Mean squared error (PyTorch `nn.MSELoss`); `{ half: true }` gives the notes' `½‖·‖²`.
 *
 * @example
 * ```ts
 * import { MSELoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new MSELoss().forward(tensor([1, 3]), tensor([0, 0])).item() === 5);
 * ```
 */
export class MSELoss extends Loss<MseLossOptions> {
  /** A squared-error loss. */
  constructor(options: MseLossOptions = {}) {
    super(options);
  }
  /** The squared error. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return mseLoss(input, target, this.options);
  }
}

/**
 * Mean absolute error (PyTorch `nn.L1Loss`).
 *
 * @example
 * ```ts
 * import { L1Loss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new L1Loss({ reduction: "sum" }).forward(tensor([1, -3]), tensor([0, 0])).item() === 4);
 * ```
 */
export class L1Loss extends Loss<LossOptions> {
  /** An absolute-error loss. */
  constructor(options: LossOptions = {}) {
    super(options);
  }
  /** The absolute error. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return l1Loss(input, target, this.options);
  }
}

/**
 * Huber loss (PyTorch `nn.HuberLoss`).
 *
 * @example
 * ```ts
 * import { HuberLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new HuberLoss().forward(tensor([3]), tensor([0])).item() === 2.5);
 * ```
 */
export class HuberLoss extends Loss<HuberLossOptions> {
  /** A Huber loss. */
  constructor(options: HuberLossOptions = {}) {
    super(options);
  }
  /** The Huber loss. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return huberLoss(input, target, this.options);
  }
}

/**
 * Smooth L1 loss (PyTorch `nn.SmoothL1Loss`).
 *
 * @example
 * ```ts
 * import { SmoothL1Loss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new SmoothL1Loss().forward(tensor([3]), tensor([0])).item() === 2.5);
 * ```
 */
export class SmoothL1Loss extends Loss<SmoothL1LossOptions> {
  /** A smooth-L1 loss. */
  constructor(options: SmoothL1LossOptions = {}) {
    super(options);
  }
  /** The smooth-L1 loss. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

/**
 * Cross-entropy from logits (PyTorch `nn.CrossEntropyLoss`), with class weights (buffer `weight`),
 * `ignoreIndex` and label smoothing.
 *
 * @example
 * ```ts
 * import { CrossEntropyLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const ce = new CrossEntropyLoss();
 * const l = ce.forward(tensor([[0, 0]], { dtype: "float64" }), tensor([1], { dtype: "int32" }));
 * console.assert(Math.abs(l.item() - Math.LN2) < 1e-15);
 * ```
 */
export class CrossEntropyLoss extends Loss<CrossEntropyOptions> {
  /** A cross-entropy loss. */
  constructor(options: CrossEntropyOptions = {}) {
    super(options);
    (this as { options: CrossEntropyOptions }).options = withBuffers(this, this.options, {
      weight: "weight",
    });
  }
  /** The cross-entropy. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return crossEntropy(input, target, this.options);
  }
}

/**
 * Negative log-likelihood (PyTorch `nn.NLLLoss`), on log-probabilities.
 *
 * @example
 * ```ts
 * import { NLLLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new NLLLoss().forward(tensor([[-1, -2]]), tensor([1], { dtype: "int32" })).item() === 2);
 * ```
 */
export class NLLLoss extends Loss<NllLossOptions> {
  /** An NLL loss. */
  constructor(options: NllLossOptions = {}) {
    super(options);
    (this as { options: NllLossOptions }).options = withBuffers(this, this.options, {
      weight: "weight",
    });
  }
  /** The negative log-likelihood. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return nllLoss(input, target, this.options);
  }
}

/**
 * Binary cross-entropy on probabilities (PyTorch `nn.BCELoss`).
 *
 * @example
 * ```ts
 * import { BCELoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new BCELoss().forward(tensor([1]), tensor([1])).item() === 0);
 * ```
 */
export class BCELoss extends Loss<BceLossOptions> {
  /** A BCE loss. */
  constructor(options: BceLossOptions = {}) {
    super(options);
    (this as { options: BceLossOptions }).options = withBuffers(this, this.options, {
      weight: "weight",
    });
  }
  /** The binary cross-entropy. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return bceLoss(input, target, this.options);
  }
}

/**
 * Binary cross-entropy on logits (PyTorch `nn.BCEWithLogitsLoss`), with buffers `weight` and
 * `pos_weight`.
 *
 * @example
 * ```ts
 * import { BCEWithLogitsLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = new BCEWithLogitsLoss().forward(tensor([0], { dtype: "float64" }), tensor([0], { dtype: "float64" }));
 * console.assert(l.item() === Math.LN2);
 * ```
 */
export class BCEWithLogitsLoss extends Loss<BceWithLogitsOptions> {
  /** A BCE-with-logits loss. */
  constructor(options: BceWithLogitsOptions = {}) {
    super(options);
    (this as { options: BceWithLogitsOptions }).options = withBuffers(this, this.options, {
      weight: "weight",
      posWeight: "pos_weight",
    });
  }
  /** The binary cross-entropy of logits. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return bceWithLogits(input, target, this.options);
  }
}

/**
 * Kullback–Leibler divergence (PyTorch `nn.KLDivLoss`); input is log-probabilities.
 *
 * @example
 * ```ts
 * import { KLDivLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const kl = new KLDivLoss({ reduction: "batchmean" });
 * console.assert(kl.forward(tensor([[0, 0]]), tensor([[0.5, 0.5]])).item() === -Math.fround(Math.LN2));
 * ```
 */
export class KLDivLoss extends Loss<KlDivOptions> {
  /** A KL-divergence loss. */
  constructor(options: KlDivOptions = {}) {
    super(options);
  }
  /** The divergence. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return klDiv(input, target, this.options);
  }
}

/**
 * Hinge loss, binary (±1 targets) or multi-class (PyTorch `nn.MultiMarginLoss`); class weights
 * are the buffer `weight`.
 *
 * @example
 * ```ts
 * import { HingeLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new HingeLoss().forward(tensor([0.5, -2]), tensor([1, 1])).item() === 1.75);
 * ```
 */
export class HingeLoss extends Loss<HingeLossOptions> {
  /** A hinge loss. */
  constructor(options: HingeLossOptions = {}) {
    super(options);
    (this as { options: HingeLossOptions }).options = withBuffers(this, this.options, {
      weight: "weight",
    });
  }
  /** The hinge loss. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return hingeLoss(input, target, this.options);
  }
}

/**
 * Cosine embedding loss (PyTorch `nn.CosineEmbeddingLoss`): `forward(x1, x2, y)`.
 *
 * @example
 * ```ts
 * import { CosineEmbeddingLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = new CosineEmbeddingLoss().forward(tensor([[1, 0]]), tensor([[1, 0]]), tensor([1]));
 * console.assert(Math.abs(l.item()) < 1e-6);
 * ```
 */
export class CosineEmbeddingLoss extends Module<[Tensor, Tensor, LossTarget], Tensor> {
  /** The options passed to {@link cosineEmbeddingLoss}. */
  readonly options: Readonly<CosineEmbeddingLossOptions>;
  /** A cosine embedding loss. */
  constructor(options: CosineEmbeddingLossOptions = {}) {
    super();
    checkOptions(options, "CosineEmbeddingLoss");
    this.options = { ...options };
  }
  /** The loss of the pairs `(x1, x2)` labelled `y`. */
  forward(x1: Tensor, x2: Tensor, y: LossTarget): Tensor {
    return cosineEmbeddingLoss(x1, x2, y, this.options);
  }
}
