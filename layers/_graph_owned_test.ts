import assert from "node:assert/strict";
import {
  allocTyped,
  emptyStoragePool,
  releaseStorage,
  Rng,
  setStoragePoolLimit,
  storagePoolLimit,
  storagePoolStats,
} from "@nnc/tensor";
import { isGraphOwned, noGrad, randn, recurrence, type Tensor, zeros } from "@nnc/autograd";
import {
  Conv2d,
  Flatten,
  Identity,
  Linear,
  linear,
  LSTM,
  Module,
  mseLoss,
  ReLU,
  ResidualBlock,
  Sequential,
} from "./mod.ts";
import { keepsNoTensors } from "./_graph_owned.ts";

/** A module that keeps what it saw (a user's probe): containers must not mark around it. */
class Probe extends Module<[Tensor], Tensor> {
  seen: Tensor | null = null;
  forward(x: Tensor): Tensor {
    this.seen = x;
    return x.mul(1);
  }
}

class MyReLU extends ReLU {}

Deno.test("keepsNoTensors: built-in layers by exact class, containers through their children", () => {
  assert.equal(keepsNoTensors(new Linear(2, 2)), true);
  assert.equal(keepsNoTensors(new MyReLU()), false); // a subclass may keep anything
  assert.equal(keepsNoTensors(new Probe()), false);
  // A built-in layer whose forward a user wrapped to record its outputs does not qualify either.
  const recorded: Tensor[] = [];
  const wrapped = new ReLU();
  const plain = wrapped.forward.bind(wrapped);
  wrapped.forward = (x: Tensor) => {
    const y = plain(x);
    recorded.push(y);
    return y;
  };
  assert.equal(keepsNoTensors(wrapped), false);
  assert.equal(keepsNoTensors(new Sequential(new Linear(2, 2), wrapped)), false);
  assert.equal(keepsNoTensors(new Sequential(new Linear(2, 2), new ReLU())), true);
  assert.equal(keepsNoTensors(new Sequential(new Linear(2, 2), new Probe())), false);
  const block = new ResidualBlock(new Sequential(new Linear(2, 2)), { activation: new ReLU() });
  assert.equal(keepsNoTensors(block), true);
  assert.equal(keepsNoTensors(new ResidualBlock(new Probe())), false);
  assert.equal(keepsNoTensors(null), false);
});

/** Forward and backward of `net` on `x`: the output, the first parameter's gradient, the releases. */
function trainStep(net: Module<[Tensor], Tensor>, x: Tensor) {
  emptyStoragePool();
  const before = storagePoolStats().releases;
  const out = net.forward(x);
  assert.equal(isGraphOwned(out), false);
  out.square().sum().backward();
  const grad = Array.from(net.parameters()[0].grad!.data.data);
  return { out, grad, released: storagePoolStats().releases - before };
}

Deno.test("Sequential: values between built-in layers go back to the pool; the rest stay readable", () => {
  // [8, 4, 96, 96] float32 = 1.1 MiB per activation: large enough for the pool. The input is a
  // value the caller made with a recorded op (so it has a graph node and could be released).
  const x0 = randn([8, 4, 96, 96], { rng: new Rng(1), requiresGrad: true });
  const xs = () => (x0.grad = null, x0.mul(2)); // a fresh graph and gradient per run
  const build = (Act: typeof ReLU) => {
    const rng = new Rng(2);
    const probe = new Probe();
    const net = new Sequential(
      new Identity(), // returns x itself: x must never be marked
      new Conv2d(4, 4, 3, { padding: 1, rng }),
      new Act(),
      probe, // keeps its input (the activation's output): neither side of it is marked
      new Conv2d(4, 4, 3, { padding: 1, rng }),
      new Act(),
      new Flatten(),
      new Linear(4 * 96 * 96, 3, { rng }),
      new Identity(), // hands out the last Linear's output: not marked either
    );
    return { net, probe };
  };
  const marked = build(ReLU), plain = build(MyReLU); // MyReLU is not trusted: nothing is marked
  const x = xs(), a = trainStep(marked.net, x), b = trainStep(plain.net, xs());
  assert.equal(x.data.data.length, 8 * 4 * 96 * 96); // the input (the first Identity returns it)
  assert.equal(marked.probe.seen?.data.data.length, 8 * 4 * 96 * 96); // what the probe kept
  assert.equal(a.out.data.data.length, 8 * 3); // the output
  assert.deepEqual(a.grad, b.grad); // releasing changes memory, not values
  // Released besides the gradients: the first conv's output (Conv2d → ReLU), the second conv's
  // output and its ReLU's (→ Flatten → Linear; Flatten's output views the ReLU's array).
  assert.equal(a.released - b.released, 3);
});

Deno.test("ResidualBlock marks inside its body, the body's output and the sum its activation takes", () => {
  const x = randn([8, 4, 96, 96], { rng: new Rng(3), requiresGrad: true });
  const build = (Act: typeof ReLU) => {
    const rng = new Rng(4);
    const body = new Sequential(
      new Conv2d(4, 4, 3, { padding: 1, rng }),
      new Act(),
      new Conv2d(4, 4, 3, { padding: 1, rng }),
    );
    return new ResidualBlock(body, { activation: new Act() });
  };
  const a = trainStep(build(ReLU), x);
  x.grad = null; // both runs hand x a fresh gradient (accumulating would release one more array)
  const b = trainStep(build(MyReLU), x);
  assert.equal(x.data.data.length, 8 * 4 * 96 * 96);
  assert.equal(a.out.data.data.length, 8 * 4 * 96 * 96);
  assert.deepEqual(a.grad, b.grad);
  // conv → ReLU → conv inside the body (two), the body's output and the sum (two).
  assert.equal(a.released - b.released, 4);
});

/**
 * Storage-pool releases made by one backward pass through `f()`, from fresh gradients of `leaves`
 * (an accumulated gradient would release one more array).
 */
function releasesOf(leaves: Tensor[], f: () => Tensor): number {
  for (const t of leaves) t.grad = null;
  emptyStoragePool();
  const before = storagePoolStats().releases;
  f().backward();
  return storagePoolStats().releases - before;
}

/** How many arrays of the pool's sizes `f` takes, with the pool stocked with 1 MiB arrays. */
function largeArraysOf(f: () => Tensor): number {
  emptyStoragePool();
  const stock = [0, 1, 2, 3].map(() => allocTyped("float32", 1 << 18));
  for (const a of stock) releaseStorage(a);
  const before = storagePoolStats().hits;
  noGrad(f);
  return storagePoolStats().hits - before;
}

Deno.test("linear, mseLoss and the recurrent layers release the intermediates they keep to themselves", () => {
  const rng = new Rng(5);
  const x = randn([512, 256], { rng, requiresGrad: true });
  const w = randn([512, 256], { rng, requiresGrad: true }), b = randn([512], { rng });
  // linear adds its bias into the product in place (addmm): one 1 MiB array (512 × 512 float32)
  // where the product and the sum take two, and nothing left over to release.
  assert.equal(largeArraysOf(() => linear(x, w, b)), 1);
  assert.equal(largeArraysOf(() => x.matmul(w.T).add(b)), 2);
  assert.equal(
    releasesOf([x, w], () => linear(x, w, b).sum()) -
      releasesOf([x, w], () => x.matmul(w.T).add(b).sum()),
    0,
  );
  // mseLoss's difference and squares.
  const y = randn([512, 512], { rng }), p = () => x.matmul(w.T);
  assert.equal(
    releasesOf([x, w], () => mseLoss(p(), y)) -
      releasesOf([x, w], () => p().sub(y).square().mean()),
    2,
  );
  // The LSTM's input projection of all steps with its bias, one addmm ([64·32, 4·256]: 8 MiB).
  const lstm = new LSTM(16, 256, { rng });
  const seq = randn([64, 32, 16], { rng });
  const sd = lstm.parameters();
  const byHand = () => {
    const [wih, whh, bih, bhh] = sd;
    const xg = seq.reshape(64 * 32, 16).matmul(wih.T).add(bih.add(bhh)).reshape(64, 32, 1024);
    return recurrence("lstm", xg, whh, zeros([32, 256]), { c0: zeros([32, 256]) }).output.sum();
  };
  assert.equal(
    releasesOf(sd, () => lstm.forward(seq)[0].sum()) - releasesOf(sd, byHand),
    1,
  );
});

/**
 * Three training steps of `make()`'s model through `loss`: the losses and every parameter's
 * gradient, with the storage pool on and with it off (nothing recycled), which must agree bit for
 * bit; and the releases of the run with the pool. A value released while the graph still needed
 * it would throw when read, or come back overwritten by the next step.
 */
function stepsWithAndWithoutPool(
  make: () => Module<[Tensor], Tensor>,
  x: Tensor,
): { released: number } {
  const run = (limit: number) => {
    const before = storagePoolLimit();
    emptyStoragePool();
    setStoragePoolLimit(limit);
    try {
      const model = make();
      const params = model.parameters();
      const losses: number[] = [], grads: number[][] = [];
      const start = storagePoolStats().releases;
      for (let s = 0; s < 3; s++) {
        model.zeroGrad();
        const loss = model.forward(x).square().mean();
        loss.backward();
        losses.push(loss.item());
        grads.push(...params.map((p) => Array.from(p.grad!.data.data)));
      }
      return { losses, grads, released: storagePoolStats().releases - start };
    } finally {
      emptyStoragePool();
      setStoragePoolLimit(before);
    }
  };
  const pooled = run(256 * 2 ** 20), plain = run(0);
  assert.deepEqual(pooled.losses, plain.losses);
  pooled.grads.forEach((g, i) => assert.deepEqual(g, plain.grads[i], `gradient ${i}`));
  return { released: pooled.released };
}

Deno.test("TransformerEncoderLayer, MultiheadAttention: intermediates go back to the pool, results unchanged", async () => {
  const { TransformerEncoderLayer } = await import("./mod.ts");
  const rng = new Rng(8);
  for (const normFirst of [true, false]) {
    for (const batchFirst of [true, false]) {
      // [4, 64, 128] float32 activations: 128 KiB, large enough for the pool.
      const x = randn(batchFirst ? [4, 64, 128] : [64, 4, 128], { rng });
      const make = (wrapAttention: boolean) => () => {
        const layer = new TransformerEncoderLayer(128, 4, {
          dimFeedforward: 256,
          dropout: 0,
          normFirst,
          batchFirst,
          rng: new Rng(3),
        });
        if (wrapAttention) {
          // A replaced forward (a user's probe, say) may keep what it sees: nothing is marked.
          const plain = layer.selfAttn.forward.bind(layer.selfAttn);
          layer.selfAttn.forward = (...args) => plain(...args);
        }
        return new Sequential(layer, new Identity());
      };
      const marked = stepsWithAndWithoutPool(make(false), x);
      const unmarked = stepsWithAndWithoutPool(make(true), x);
      const label = `normFirst ${normFirst}, batchFirst ${batchFirst}`;
      // Per step: the attention's projection and heads, the norms, the residual sum, the
      // feed-forward's hidden values before and after the activation, its output.
      assert.ok(marked.released >= unmarked.released + 3 * 6, `${label}: ${marked.released}`);
      assert.equal(x.data.disposed, false, label);
    }
  }
});

Deno.test("TransformerDecoderLayer, the stacks and Transformer: intermediates go back to the pool, results unchanged", async () => {
  const {
    LayerNorm,
    Transformer,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
  } = await import("./mod.ts");
  const rng = new Rng(9);
  /** A module whose forward runs `f` on its input: what stepsWithAndWithoutPool trains. */
  const wrap = (parts: Module<never[], unknown>, f: (x: Tensor) => Tensor) =>
    new (class extends Module<[Tensor], Tensor> {
      constructor() {
        super();
        this.registerModule("parts", parts);
      }
      forward(x: Tensor): Tensor {
        return f(x);
      }
    })();
  const layerOptions = (normFirst: boolean, batchFirst: boolean) => ({
    dimFeedforward: 256,
    dropout: 0,
    normFirst,
    batchFirst,
    rng: new Rng(4),
  });
  // Pre-norm batch-first and post-norm sequence-first (the other two mixes add nothing new here).
  for (const [normFirst, batchFirst] of [[true, true], [false, false]]) {
    const shape = (l: number) => (batchFirst ? [4, l, 128] : [l, 4, 128]);
    const tgt = randn(shape(64), { rng }), memory = randn(shape(48), { rng, requiresGrad: true });
    const decoderLayer = (wrapAttention: boolean) => () => {
      const layer = new TransformerDecoderLayer(128, 4, layerOptions(normFirst, batchFirst));
      if (wrapAttention) {
        const plain = layer.multiheadAttn.forward.bind(layer.multiheadAttn);
        layer.multiheadAttn.forward = (...args) => plain(...args);
      }
      return wrap(layer, (x) => layer.forward(x, memory));
    };
    const label = `normFirst ${normFirst}, batchFirst ${batchFirst}`;
    const marked = stepsWithAndWithoutPool(decoderLayer(false), tgt);
    const unmarked = stepsWithAndWithoutPool(decoderLayer(true), tgt);
    // Per step at least: three norms, two attention outputs, three residual sums, the
    // feed-forward's hidden values and output.
    assert.ok(marked.released >= unmarked.released + 3 * 8, `${label}: ${marked.released}`);
    assert.equal(memory.data.disposed || tgt.data.disposed, false, label);

    const encoderStack = (wrapNorm: boolean) => () => {
      const layer = new TransformerEncoderLayer(128, 4, layerOptions(normFirst, batchFirst));
      const stack = new TransformerEncoder(layer, 3, { norm: new LayerNorm(128) });
      if (wrapNorm) {
        const plain = stack.norm!.forward.bind(stack.norm!);
        stack.norm!.forward = (t: Tensor) => plain(t);
      }
      return wrap(stack, (x) => stack.forward(x));
    };
    const stacked = stepsWithAndWithoutPool(encoderStack(false), tgt);
    const loose = stepsWithAndWithoutPool(encoderStack(true), tgt);
    // Per step: the three layers' outputs before the final norm.
    assert.ok(stacked.released >= loose.released + 3 * 3, `${label}: ${stacked.released}`);
  }
  // The whole model: the memory between encoder and decoder, and the decoder stack's values.
  const src = randn([64, 4, 128], { rng }), tgt = randn([64, 4, 128], { rng }); // 128 KiB each
  const whole = (wrapDecoder: boolean) => () => {
    const model = new Transformer({
      dModel: 128,
      nhead: 4,
      numEncoderLayers: 2,
      numDecoderLayers: 2,
      dimFeedforward: 256,
      dropout: 0,
      rng: new Rng(6),
    });
    if (wrapDecoder) {
      // The decoder might keep the memory: the model no longer marks it (the stacks still do).
      const plain = model.decoder.forward.bind(model.decoder);
      model.decoder.forward = (...args) => plain(...args);
    }
    return wrap(model, (x) => model.forward(src, x));
  };
  const full = stepsWithAndWithoutPool(whole(false), tgt);
  const partial = stepsWithAndWithoutPool(whole(true), tgt);
  // Per step: the memory.
  assert.equal(full.released, partial.released + 3);
});
