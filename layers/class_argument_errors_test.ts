// Regression tests for argument errors the public-API fuzzer found once it constructed classes
// (faults/fuzz_fault.ts): each used to fail with an engine error naming nothing ("Cannot convert a
// Symbol value to a string", "ctx.xJ is not a function") or with the name of an op called inside
// (zeros, rand, segmentReduce, MultiheadAttention); now each error names the class or the method.
import assert from "node:assert/strict";
import { randn, tensor } from "@nnc/autograd";
import { NDArray } from "@nnc/tensor";
import {
  Maxout,
  MaxPoolNd,
  ModuleDict,
  MultiheadAttention,
  NLLLoss,
  Parameter,
  RecurrentCellBase,
  RNN,
  RNNBase,
  SAGEConv,
  Sequential,
  Transformer,
  TransformerEncoderLayer,
  Upsample,
} from "./mod.ts";

type Ctor = new (...args: unknown[]) => unknown;

Deno.test("base classes check the dimension, name and mode their subclasses pass", () => {
  assert.throws(
    () => new (MaxPoolNd as unknown as Ctor)(Symbol(), 2, {}),
    /^RangeError: MaxPoolNd: d must be an integer in \[1, 2\], got a symbol/,
  );
  assert.throws(
    () => new (RNNBase as unknown as Ctor)("", "gru", 1, 2, {}),
    /^TypeError: RNNBase: name must be a non-empty string, got ""/,
  );
  assert.throws(
    () => new (RecurrentCellBase as unknown as Ctor)("Cell", "nope", 3, 1, 2, {}),
    /^RangeError: Cell: mode must be one of "rnnTanh", "rnnRelu", "lstm", "gru", got "nope"/,
  );
});

Deno.test("parameters too large to allocate and bad generators name the layer", () => {
  assert.throws(
    () => new Maxout(1, 1e12, 1),
    /^RangeError: Maxout: weight \[1000000000000, 1\] would hold/,
  );
  assert.throws(
    () => new MultiheadAttention(2 ** 31, 2),
    /^RangeError: MultiheadAttention: in_proj_weight \[6442450944, 2147483648\] would hold/,
  );
  assert.throws(
    () => new TransformerEncoderLayer(1e12, 1),
    /^RangeError: TransformerEncoderLayer: self_attn.in_proj_weight/,
  );
  assert.throws(() => new SAGEConv(1, 2 ** 31), /^RangeError: SAGEConv: lin_l.weight/);
  assert.throws(
    () => new RNN(2, 1, { rng: new Map() as never }),
    /^TypeError: RNN: rng must be an Rng, got a Map/,
  );
  assert.throws(
    () => new Parameter(tensor([1]).data, Symbol() as never),
    /^TypeError: Parameter: requiresGrad must be a boolean, got a symbol/,
  );
  assert.throws(
    () => new NLLLoss({ weight: [1, 2] as never }),
    /^TypeError: NLLLoss: weight must be a Tensor, an NDArray or null, got an array of length 2/,
  );
});

Deno.test("containers, message passing, transformers and Upsample check their arguments", () => {
  assert.throws(
    () => new ModuleDict().set(Symbol() as never, new Sequential()),
    /^TypeError: ModuleDict.set: key must be a string, got a symbol/,
  );
  assert.throws(
    () => Sequential.fromNamed([undefined, undefined] as never),
    /^TypeError: Sequential.fromNamed: entries\[0\] must be a \[name, module\] pair, got undefined/,
  );
  const conv = new SAGEConv(2, 2);
  assert.throws(
    () => conv.message({ xJ: 1 } as never),
    /^TypeError: SAGEConv.message: ctx must be a MessageContext/,
  );
  assert.throws(
    () => conv.aggregate(randn([3, 2]), NDArray.fromTyped(new Float64Array([0, 1.5, 0]), [3]), 2),
    /^TypeError: SAGEConv.aggregate: target\[1\] = 1.5 is not an integer/,
  );
  assert.throws(
    () => new TransformerEncoderLayer(4, 1).forward(randn([2, 6])),
    /^RangeError: TransformerEncoderLayer: expected src \[L, N, E\] or \[L, E\] with E = 4, got \[2, 6\]/,
  );
  assert.throws(
    () => Transformer.generateSquareSubsequentMask(-1),
    /^RangeError: Transformer.generateSquareSubsequentMask: sz must be an integer in \[0, 46340\]/,
  );
  assert.throws(
    () => new Upsample({ scaleFactor: 2, alignCorners: true }),
    /^TypeError: Upsample: alignCorners applies to the linear modes only/,
  );
  assert.throws(
    () => new Upsample({ size: 2, mode: Object.create(null) }),
    /^RangeError: Upsample: mode must be "nearest", "linear", "bilinear", "bicubic" or "trilinear"/,
  );
  assert.throws(
    () => new RNN(2, 1).resetParameters(null as never),
    /^TypeError: RNN.resetParameters: rng must be an Rng, got null/,
  );
  assert.throws(
    () => new Upsample({ scaleFactor: 2 }).forward(randn([2, 3])),
    /^RangeError: Upsample: expected input \[N, C, \.\.\.spatial\]/,
  );
});
