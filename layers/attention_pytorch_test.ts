// PyTorch 1.13 parity of MultiheadAttention, TransformerEncoderLayer, TransformerDecoderLayer and
// Transformer: PyTorch weights loaded by name give the same outputs, attention weights and
// gradients (inputs and every parameter), float64 to 1e-9 relative (fixtures/attention.json, from
// fixtures/make_attention_fixtures.py), and the state dicts have PyTorch's keys, order and shapes.
import assert from "node:assert/strict";
import { assertClose, type NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { decode, type Encoded, fixtureJson } from "./_testing.ts";
import {
  additiveMask,
  type AnyModule,
  MultiheadAttention,
  type MultiheadAttentionOptions,
  Transformer,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  type TransformerLayerOptions,
  type TransformerOptions,
} from "./mod.ts";

interface MaskEntry {
  kind: "bool" | "float";
  value: Encoded;
}

interface AttentionCase {
  name: string;
  kind: "mha" | "encoder" | "decoder" | "transformer";
  ctor: Record<string, unknown>;
  state: Record<string, Encoded>;
  inputs: Encoded[];
  masks: Record<string, MaskEntry>;
  options: {
    selfAttention?: boolean;
    sharedKV?: boolean;
    needWeights?: boolean;
    averageAttnWeights?: boolean;
  };
  output: Encoded;
  g: Encoded;
  weights: Encoded | null;
  gw?: Encoded;
  inputGrads: Encoded[];
  paramGrads: Record<string, Encoded>;
}

const { cases } = fixtureJson<{ cases: AttentionCase[] }>("attention.json");
const TOL = { rtol: 1e-9, atol: 1e-12 };

/** A fixture mask as nnc takes it: bool masks as int32 0/1 (1 hides), float masks additive. */
function maskOf(c: AttentionCase, name: string): NDArray | undefined {
  const m = c.masks[name];
  if (m === undefined) return undefined;
  const a = decode(m.value);
  return m.kind === "bool" ? a : additiveMask(a, "float64");
}

function build(c: AttentionCase): AnyModule {
  const dtype = "float64" as const;
  switch (c.kind) {
    case "mha": {
      const { embedDim, numHeads, ...rest } = c.ctor as { embedDim: number; numHeads: number };
      return new MultiheadAttention(embedDim, numHeads, {
        ...(rest as MultiheadAttentionOptions),
        dtype,
      }) as unknown as AnyModule;
    }
    case "encoder":
    case "decoder": {
      const { dModel, nhead, ...rest } = c.ctor as { dModel: number; nhead: number };
      const Layer = c.kind === "encoder" ? TransformerEncoderLayer : TransformerDecoderLayer;
      return new Layer(dModel, nhead, {
        ...(rest as TransformerLayerOptions),
        dtype,
      }) as unknown as AnyModule;
    }
    case "transformer":
      return new Transformer({ ...(c.ctor as TransformerOptions), dtype }) as unknown as AnyModule;
  }
}

function run(c: AttentionCase, module: AnyModule, xs: Tensor[]): [Tensor, Tensor | null] {
  switch (c.kind) {
    case "mha": {
      const mha = module as unknown as MultiheadAttention;
      const [q, k, v] = c.options.selfAttention
        ? [xs[0], xs[0], xs[0]]
        : c.options.sharedKV
        ? [xs[0], xs[1], xs[1]]
        : xs;
      return mha.forward(q, k, v, {
        attnMask: maskOf(c, "attnMask"),
        keyPaddingMask: maskOf(c, "keyPaddingMask"),
        needWeights: c.options.needWeights,
        averageAttnWeights: c.options.averageAttnWeights,
      });
    }
    case "encoder":
      return [
        (module as unknown as TransformerEncoderLayer).forward(xs[0], {
          srcMask: maskOf(c, "srcMask"),
          srcKeyPaddingMask: maskOf(c, "srcKeyPaddingMask"),
        }),
        null,
      ];
    case "decoder":
      return [
        (module as unknown as TransformerDecoderLayer).forward(xs[0], xs[1], {
          tgtMask: maskOf(c, "tgtMask"),
          memoryMask: maskOf(c, "memoryMask"),
          tgtKeyPaddingMask: maskOf(c, "tgtKeyPaddingMask"),
          memoryKeyPaddingMask: maskOf(c, "memoryKeyPaddingMask"),
        }),
        null,
      ];
    case "transformer":
      return [
        (module as unknown as Transformer).forward(xs[0], xs[1], {
          tgtMask: maskOf(c, "tgtMask"),
          srcKeyPaddingMask: maskOf(c, "srcKeyPaddingMask"),
          memoryKeyPaddingMask: maskOf(c, "memoryKeyPaddingMask"),
        }),
        null,
      ];
  }
}

for (const c of cases) {
  Deno.test(`PyTorch parity (float64, eval): ${c.name}`, () => {
    const module = build(c).eval();
    // The state dict has PyTorch's keys in PyTorch's order with its shapes (so it loads both ways).
    const ours = module.stateDict();
    assert.deepEqual(Object.keys(ours), Object.keys(c.state));
    for (const [k, e] of Object.entries(c.state)) assert.deepEqual(ours[k].shape, e.shape, k);
    module.loadStateDict(
      Object.fromEntries(Object.entries(c.state).map(([k, e]) => [k, decode(e)])),
    );
    const xs = c.inputs.map((e) => new Tensor(decode(e), { requiresGrad: true }));
    const [out, weights] = run(c, module, xs);
    assertClose(out.data, decode(c.output), { ...TOL, message: `${c.name}: output` });
    let loss = out.mul(decode(c.g)).sum();
    if (c.weights === null) assert.equal(weights, null);
    else {
      assert.ok(weights !== null, "weights expected");
      assertClose(weights.data, decode(c.weights), { ...TOL, message: `${c.name}: weights` });
      loss = loss.add(weights.mul(decode(c.gw!)).sum());
    }
    loss.backward();
    xs.forEach((x, i) =>
      assertClose(x.grad!.data, decode(c.inputGrads[i]), {
        ...TOL,
        message: `${c.name}: input ${i} grad`,
      })
    );
    const params = new Map(module.namedParameters());
    for (const [k, e] of Object.entries(c.paramGrads)) {
      const p = params.get(k);
      assert.ok(p?.grad, `${c.name}: no gradient for ${k}`);
      assertClose(p.grad.data, decode(e), { ...TOL, message: `${c.name}: grad of ${k}` });
    }
  });
}
