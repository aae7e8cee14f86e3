// Settings and helpers shared by the transformer layers.
import {
  checkBool,
  checkFloatDType,
  checkInt,
  checkNumber,
  checkOptions,
  checkProbability,
  describe,
} from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { gelu } from "./activations.ts";
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
  const activation = o.activation ?? "relu";
  if (activation !== "relu" && activation !== "gelu" && typeof activation !== "function") {
    throw new TypeError(
      `${op}: activation must be "relu", "gelu" or a function, got ${describe(activation)}`,
    );
  }
  return {
    dModel,
    nhead,
    dimFeedforward: o.dimFeedforward === undefined
      ? 2048
      : checkInt(o.dimFeedforward, op, "dimFeedforward", 1),
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
