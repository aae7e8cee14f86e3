// Settings and helpers shared by the transformer layers.
import {
  checkBool,
  checkFloatDType,
  checkInt,
  checkNumber,
  checkOptions,
  checkProbability,
  describe,
  fmtShape,
} from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { gelu } from "./activations.ts";
import { asInput, checkAllocation, checkRng } from "./_util.ts";
import type {
  TransformerActivation,
  TransformerLayerConfig,
  TransformerLayerOptions,
} from "./transformer_encoder_layer.ts";

/** Reads and checks the options shared by the encoder and decoder layers. */
export function transformerLayerConfig(
  dModel: number,
  nhead: number,
  options: TransformerLayerOptions,
  op: string,
): TransformerLayerConfig {
  const o = checkOptions(options, op);
  checkInt(dModel, op, "dModel", 1);
  checkInt(nhead, op, "nhead", 1);
  if (dModel % nhead !== 0) {
    throw new RangeError(`${op}: dModel ${dModel} must be divisible by nhead ${nhead}`);
  }
  const dimFeedforward = o.dimFeedforward === undefined
    ? 2048
    : checkInt(o.dimFeedforward, op, "dimFeedforward", 1);
  // Checked before anything is allocated, so that the error names this layer.
  checkAllocation([3 * dModel, dModel], op, "self_attn.in_proj_weight");
  checkAllocation([dimFeedforward, dModel], op, "linear1.weight");
  checkRng(o.rng, op);
  const activation = o.activation ?? "relu";
  if (activation !== "relu" && activation !== "gelu" && typeof activation !== "function") {
    throw new TypeError(
      `${op}: activation must be "relu", "gelu" or a function, got ${describe(activation)}`,
    );
  }
  return {
    dModel,
    nhead,
    dimFeedforward,
    dropout: o.dropout === undefined ? 0.1 : checkProbability(o.dropout, op, "dropout", true),
    activation,
    layerNormEps: o.layerNormEps === undefined
      ? 1e-5
      : checkNumber(o.layerNormEps, op, "layerNormEps", 0),
    batchFirst: o.batchFirst === undefined ? false : checkBool(o.batchFirst, op, "batchFirst"),
    normFirst: o.normFirst === undefined ? false : checkBool(o.normFirst, op, "normFirst"),
    dtype: o.dtype === undefined ? "float32" : checkFloatDType(o.dtype ?? "float32", op),
    rng: o.rng,
    rotary: o.rotary ?? null,
  };
}

/** Applies the configured activation. */
export function applyActivation(x: Tensor, activation: TransformerActivation): Tensor {
  return activation === "relu" ? x.relu() : activation === "gelu" ? gelu(x) : activation(x);
}

/**
 * Checks a sequence input of a transformer layer: a tensor `[L, N, E]` / `[N, L, E]` or unbatched
 * `[L, E]` with `E = dModel`; with `like`, of its rank and batch size (the decoder's memory).
 */
export function checkSequence(
  x: Tensor,
  config: TransformerLayerConfig,
  op: string,
  name: string,
  like?: Tensor,
): Tensor {
  const t = asInput(x, op, name);
  const { dModel, batchFirst } = config;
  const layout = batchFirst ? "[N, L, E]" : "[L, N, E]";
  if ((t.ndim !== 2 && t.ndim !== 3) || t.shape[t.ndim - 1] !== dModel) {
    throw new RangeError(
      `${op}: expected ${name} ${layout} or [L, E] with E = ${dModel}, got ${fmtShape(t.shape)}`,
    );
  }
  if (like !== undefined) {
    const nAxis = batchFirst ? 0 : 1;
    if (t.ndim !== like.ndim || (t.ndim === 3 && t.shape[nAxis] !== like.shape[nAxis])) {
      throw new RangeError(
        `${op}: ${name} ${fmtShape(t.shape)} does not match the batch of ${fmtShape(like.shape)}`,
      );
    }
  }
  return t;
}
