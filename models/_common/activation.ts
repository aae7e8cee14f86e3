// Activation layers by name, for the model builders.
import { describe } from "@nnc/tensor";
import { type AnyModule, ELU, GELU, LeakyReLU, ReLU, Sigmoid, Tanh } from "@nnc/layers";

import type { ActivationSpec } from "../mlp/mlp.ts";

export type { ActivationSpec };

/** Names the builders accept. */
export const ACTIVATIONS = ["relu", "tanh", "sigmoid", "gelu", "elu", "leakyRelu"] as const;

/** Checks an activation spec; returns a factory. */
export function activationFactory(spec: unknown, op: string): () => AnyModule {
  if (spec === undefined || spec === "relu") return () => new ReLU();
  if (typeof spec === "function") return spec as () => AnyModule;
  switch (spec) {
    case "tanh":
      return () => new Tanh();
    case "sigmoid":
      return () => new Sigmoid();
    case "gelu":
      return () => new GELU();
    case "elu":
      return () => new ELU();
    case "leakyRelu":
      return () => new LeakyReLU();
  }
  throw new TypeError(
    `${op}: activation must be one of ${
      ACTIVATIONS.join(", ")
    } or a function returning a module, got ${describe(spec)}`,
  );
}
