import assert from "node:assert/strict";
import { array, NDArray, Rng, zeros } from "@nnc/tensor";
import { randn, Tensor } from "@nnc/autograd";
import {
  type AnyModule,
  BatchNorm1d,
  Conv2d,
  Dropout,
  Linear,
  MaxPool2d,
  Module,
  ModuleDict,
  ModuleList,
  Parameter,
  ReLU,
  Sequential,
} from "./mod.ts";

class Net extends Module<[Tensor], Tensor> {
  features = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new MaxPool2d(2));
  head = new Linear(8, 3);
  scale = new Parameter(zeros([1]));
  forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x).flatten(1)).mul(this.scale.add(1));
  }
}

Deno.test("Module: parameters are discovered from fields in declaration order with PyTorch's dotted names", () => {
  const net = new Net();
  assert.deepEqual(net.namedParameters().map(([n]) => n), [
    "scale",
    "features.0.weight",
    "features.0.bias",
    "head.weight",
    "head.bias",
  ]);
  assert.deepEqual(Object.keys(net.stateDict()), [
    "scale",
    "features.0.weight",
    "features.0.bias",
    "head.weight",
    "head.bias",
  ]);
  assert.deepEqual(net.namedChildren().map(([n]) => n), ["features", "head"]);
  assert.deepEqual(net.namedModules().map(([n]) => n), [
    "",
    "features",
    "features.0",
    "features.1",
    "features.2",
    "head",
  ]);
  assert.equal(net.numParameters(), 1 + 2 * 9 + 2 + 8 * 3 + 3);
  assert.equal(net.getSubmodule("features.0").constructor.name, "Conv2d");
  assert.throws(() => net.getSubmodule("features.7"), /has no child '7'/);
  assert.throws(() => net.getSubmodule(3 as never), /getSubmodule: path must be a string, got 3/);
  assert.throws(() => net.namedModules(null as never), /namedModules: prefix must be a string/);
  assert.throws(
    () => net.namedParameters({ recurse: "no" as never }),
    /namedParameters: recurse must be a boolean/,
  );
  assert.throws(() => net.zeroGrad(null as never), /zeroGrad: options must be an object/);
  assert.throws(
    () => net.parameters({ recurse: 1 as never }),
    /parameters: recurse must be a boolean/,
  );
  assert.throws(
    () => net.loadStateDict({}, null as never),
    /loadStateDict: options must be an object/,
  );
  assert.throws(
    () => net.registerBuffer("b", zeros([1]), null as never),
    /registerBuffer: options must be an object, got null/,
  );
});

Deno.test("Module: setting a field to null removes it; reassigning keeps its place; shared parameters count once", () => {
  const fc = new Linear(2, 2);
  (fc as unknown as { bias: Parameter | null }).bias = null;
  assert.deepEqual(Object.keys(fc.stateDict()), ["weight"]);
  const net = new Net();
  net.head = new Linear(8, 3);
  assert.deepEqual(net.namedChildren().map(([n]) => n), ["features", "head"]);
  class Tied extends Module<[Tensor], Tensor> {
    a = new Linear(3, 3);
    b = new Linear(3, 3);
    constructor() {
      super();
      this.b.weight = this.a.weight;
    }
    forward(x: Tensor): Tensor {
      return this.b.forward(this.a.forward(x));
    }
  }
  const tied = new Tied();
  assert.deepEqual(tied.namedParameters().map(([n]) => n), ["a.weight", "a.bias", "b.bias"]);
  assert.deepEqual(Object.keys(tied.stateDict()), ["a.weight", "a.bias", "b.weight", "b.bias"]);
});

Deno.test("Module: explicit registration of parameters, buffers (persistent or not) and modules", () => {
  class Custom extends Module<[Tensor], Tensor> {
    constructor() {
      super();
      this.registerParameter("weight_ih_l0", new Parameter(zeros([2, 2])));
      this.registerBuffer("running_mean", zeros([2]));
      this.registerBuffer("scratch", zeros([3]), { persistent: false });
      this.registerModule("0", new Linear(2, 2));
    }
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  const m = new Custom();
  assert.deepEqual(Object.keys(m.stateDict()), [
    "weight_ih_l0",
    "running_mean",
    "0.weight",
    "0.bias",
  ]);
  assert.deepEqual(m.namedBuffers().map(([n]) => n), ["running_mean", "scratch"]);
  assert.throws(() => m.registerBuffer("weight_ih_l0", zeros([1])), /already names a parameter/);
  assert.throws(() => m.registerParameter("a.b", new Parameter(zeros([1]))), TypeError);
  assert.throws(
    () => m.registerParameter("w", zeros([1]) as unknown as Parameter),
    /must be a Parameter/,
  );
});

Deno.test("Module: train() and eval() set the mode of every descendant", () => {
  const net = new Sequential(
    new Linear(2, 2),
    new Dropout(0.5),
    new Sequential(new BatchNorm1d(2)),
  );
  assert.ok(net.modules().every((m) => m.training));
  net.eval();
  assert.ok(net.modules().every((m) => !m.training));
  net.train();
  assert.ok(net.modules().every((m) => m.training));
  assert.throws(() => net.train("yes" as unknown as boolean), TypeError);
});

Deno.test("Module: zeroGrad, requiresGrad_, to(dtype) and apply", () => {
  const net = new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1));
  net.forward(randn([4, 3])).sum().backward();
  assert.ok(net.parameters().every((p) => p.grad !== null));
  net.zeroGrad({ setToNone: false });
  assert.ok(net.parameters().every((p) => p.grad !== null && p.grad.data.abs().sum().item() === 0));
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
  net.requiresGrad_(false);
  assert.equal(net.numParameters(true), 0);
  net.requiresGrad_(true);
  net.to("float64");
  assert.ok(net.parameters().every((p) => p.dtype === "float64"));
  assert.equal(net.forward(randn([1, 3], { dtype: "float64" })).dtype, "float64");
  const visited: string[] = [];
  net.apply((m: AnyModule) => visited.push(m.constructor.name));
  assert.deepEqual(visited, ["Linear", "ReLU", "Linear", "Sequential"]);
});

Deno.test("loadStateDict copies values, reports missing/unexpected keys, and never half-loads", () => {
  const a = new Linear(3, 2, { rng: new Rng(1) }), b = new Linear(3, 2, { rng: new Rng(2) });
  assert.deepEqual(b.loadStateDict(a.stateDict()), { missingKeys: [], unexpectedKeys: [] });
  assert.deepEqual(b.weight.data.toArray(), a.weight.data.toArray());
  assert.notEqual(b.weight.data.storage, a.weight.data.storage); // copied, not aliased
  // float64 values into a float32 module are converted.
  const sd64 = {
    weight: zeros([2, 3], { dtype: "float64" }),
    bias: array([1, 2], { dtype: "float64" }),
  };
  b.loadStateDict(sd64);
  assert.equal(b.bias!.dtype, "float32");
  assert.deepEqual(b.bias!.data.toArray(), [1, 2]);
  const before = b.weight.data.toArray();
  // Shape mismatch: names the key and both shapes; nothing assigned (bias would have been valid).
  assert.throws(
    () => b.loadStateDict({ weight: zeros([2, 4]), bias: array([7, 7]) }),
    {
      name: "RangeError",
      message:
        "loadStateDict: cannot load into Linear: size mismatch for 'weight': the module has [2, 3], the state dict has [2, 4]",
    },
  );
  assert.deepEqual(b.bias!.data.toArray(), [1, 2]);
  assert.deepEqual(b.weight.data.toArray(), before);
  assert.throws(
    () => b.loadStateDict({ weight: zeros([2, 3]), extra: zeros([1]) }),
    /missing keys: 'bias'; unexpected keys: 'extra'/,
  );
  assert.deepEqual(b.bias!.data.toArray(), [1, 2]);
  const r = b.loadStateDict({ weight: zeros([2, 3]), extra: zeros([1]) }, { strict: false });
  assert.deepEqual(r, { missingKeys: ["bias"], unexpectedKeys: ["extra"] });
  assert.equal(b.weight.data.abs().sum().item(), 0);
  assert.throws(() => b.loadStateDict({ weight: [[1]] as unknown as NDArray }), TypeError);
});

Deno.test("toString prints the tree with settings, parameter shapes and counts", () => {
  const net = new Sequential(
    new Linear(784, 128),
    new ReLU(),
    new Linear(128, 10, { bias: false }),
  );
  assert.equal(
    net.toString(),
    [
      "Sequential(",
      "  (0): Linear(inFeatures=784, outFeatures=128, bias=true)  weight [128, 784], bias [128] · 100,480 parameters",
      "  (1): ReLU()",
      "  (2): Linear(inFeatures=128, outFeatures=10, bias=false)  weight [10, 128] · 1,280 parameters",
      ")  101,760 parameters",
    ].join("\n"),
  );
});

Deno.test("Sequential, ModuleList and ModuleDict name their children as PyTorch", () => {
  const seq = Sequential.fromNamed([["conv", new Conv2d(1, 1, 1)], ["act", new ReLU()]]);
  assert.deepEqual(Object.keys(seq.stateDict()), ["conv.weight", "conv.bias"]);
  assert.equal(seq.length, 2);
  assert.equal(seq.at(-1).constructor.name, "ReLU");
  assert.throws(() => seq.at(2), RangeError);
  const list = new ModuleList([new Linear(1, 1), new Linear(1, 1)]).append(new Linear(1, 1));
  assert.deepEqual(Object.keys(list.stateDict()), [
    "0.weight",
    "0.bias",
    "1.weight",
    "1.bias",
    "2.weight",
    "2.bias",
  ]);
  assert.equal([...list].length, 3);
  assert.throws(() => list.forward(), TypeError);
  const dict = new ModuleDict({ a: new Linear(1, 1) });
  dict.set("b", new Linear(1, 2));
  assert.deepEqual(Object.keys(dict.stateDict()), ["a.weight", "a.bias", "b.weight", "b.bias"]);
  assert.ok(dict.delete("a"));
  assert.deepEqual(Object.keys(dict.stateDict()), ["b.weight", "b.bias"]);
  assert.throws(() => dict.get("zz"), /no module 'zz'; keys are 'b'/);
});

Deno.test("Parameter is a leaf that requires grad; int32 parameters must not", () => {
  const p = new Parameter(NDArray.fromTyped(new Float64Array([1, 2])));
  assert.ok(p.requiresGrad && p.isLeaf && p instanceof Tensor);
  assert.ok(!new Parameter(zeros([1]), false).requiresGrad);
  assert.throws(() => new Parameter(zeros([1], { dtype: "int32" })), TypeError);
});

Deno.test("zeroGrad releases the gradients nobody read to the storage pool, keeps those read", async () => {
  const { emptyStoragePool, storagePoolStats } = await import("@nnc/tensor");
  const { Linear } = await import("./mod.ts");
  emptyStoragePool();
  // A 512×512 float32 weight is 1 MiB, large enough for the pool; the 2 KiB bias is not recycled.
  const layer = new Linear(512, 512, { rng: new Rng(0) });
  const x = randn([4, 512], { rng: new Rng(1) });
  layer.forward(x).square().sum().backward();
  let before = storagePoolStats().releases;
  layer.zeroGrad();
  assert.equal(storagePoolStats().releases - before, 1);
  assert.equal(layer.weight.grad, null);

  layer.forward(x).square().sum().backward();
  const kept = layer.weight.grad!;
  const values = Array.from(kept.data.data);
  before = storagePoolStats().releases;
  layer.zeroGrad();
  assert.equal(storagePoolStats().releases, before);
  assert.deepEqual(Array.from(kept.data.data), values);
});
