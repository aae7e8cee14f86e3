/**
 * The model workloads of bench/compare.ts (W2 MLP, W3 CNN, W4 LSTM and its language model, W5 GPT,
 * W8 VAE, W9 DCGAN), built to mirror
 * bench/torch_worker.py exactly: same shapes, initialisations (PyTorch's defaults), losses,
 * optimisers and batch sizes. Each maker returns one training step and the units it processes.
 *
 * @module
 */
import { rand, randint, randn as randnNd, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import {
  Conv2d,
  crossEntropy,
  Flatten,
  Linear,
  LSTM,
  MaxPool2d,
  type Module,
  mseLoss,
  ReLU,
  Sequential,
} from "@nnc/layers";
import { Adam, type Optimizer, SGD } from "@nnc/optim";
import { CharLM } from "@nnc/models/rnn";
import { dcganDiscriminator, dcganGenerator, GanTrainer, mlpVae } from "@nnc/models/generative";
import { resnet } from "@nnc/models/cnn";

/** A training step and the work units it covers (`samples` per step). */
export type Workload = [step: () => void, units: Record<string, number>];

function classifierStep(
  model: Module<[Tensor], Tensor>,
  x: Tensor,
  y: Tensor,
  opt: Optimizer,
): () => void {
  return () => {
    opt.zeroGrad();
    crossEntropy(model.forward(x), y).backward();
    opt.step();
  };
}

/**
 * W2: MLP 784-512-256-10 with ReLU, batch 128, cross-entropy, SGD lr 0.01.
 *
 * @example
 * ```ts ignore
 * const [step, units] = await w2();
 * step();
 * console.log(units.samples); // 128
 * ```
 */
export function w2(): Promise<Workload> {
  const rng = new Rng(0);
  const model = new Sequential(
    new Linear(784, 512, { rng }),
    new ReLU(),
    new Linear(512, 256, { rng }),
    new ReLU(),
    new Linear(256, 10, { rng }),
  );
  const x = new Tensor(rand([128, 784], { rng }));
  const y = new Tensor(randint(0, 10, [128], { rng }));
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  return Promise.resolve([classifierStep(model, x, y, opt), { samples: 128 }]);
}

/**
 * W3: conv(1→32,3×3,pad 1)-ReLU-maxpool2-conv(32→64,3×3,pad 1)-ReLU-maxpool2-flatten-
 * linear(3136→128)-ReLU-linear(128→10), batch 64 of 28×28, cross-entropy, SGD lr 0.01.
 *
 * @example
 * ```ts ignore
 * const [step, units] = await w3();
 * step();
 * console.log(units.samples); // 64
 * ```
 */
export function w3(): Promise<Workload> {
  const rng = new Rng(0);
  const model = new Sequential(
    new Conv2d(1, 32, 3, { padding: 1, rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1, rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(3136, 128, { rng }),
    new ReLU(),
    new Linear(128, 10, { rng }),
  );
  const x = new Tensor(rand([64, 1, 28, 28], { rng }));
  const y = new Tensor(randint(0, 10, [64], { rng }));
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  return Promise.resolve([classifierStep(model, x, y, opt), { samples: 64 }]);
}

/**
 * W8: the VAE 784-400-20 of `@nnc/models/generative` (`mlpVae`, Bernoulli decoder) on a batch of
 * 128, loss = the negative ELBO summed over the batch (BCE with logits + analytic KL), Adam lr 1e-3.
 *
 * @example
 * ```ts ignore
 * const [step, units] = await w8();
 * step();
 * console.log(units.samples); // 128
 * ```
 */
export function w8(): Promise<Workload> {
  const rng = new Rng(0);
  const model = mlpVae({ rng });
  const x = new Tensor(rand([128, 784], { rng }));
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  return Promise.resolve([() => {
    opt.zeroGrad();
    const { loss, output } = model.loss(x, { reduction: "sum" });
    loss.backward();
    // The decoder's logits are returned to the caller, so the backward pass leaves them alone;
    // disposed, their memory serves the next step (PyTorch frees them when the loop drops them).
    output.output.dispose();
    opt.step();
  }, { samples: 128 }]);
}

/**
 * W9: one DCGAN training step on 28×28 images, batch 64: `dcganGenerator` (z 100 → 128×7×7 →
 * 64×14×14 → 1×28×28, batch norm, tanh) and `dcganDiscriminator` (64 → 128 channels, batch norm,
 * leaky ReLU), the non-saturating loss, Adam lr 2e-4 with β₁ = 0.5 for both; one discriminator
 * update and one generator update per step (`GanTrainer`).
 *
 * @example
 * ```ts ignore
 * const [step, units] = await w9();
 * step();
 * console.log(units.samples); // 64
 * ```
 */
export function w9(): Promise<Workload> {
  const rng = new Rng(0);
  const generator = dcganGenerator({ latentDim: 100, rng });
  const discriminator = dcganDiscriminator({ rng });
  const adam = { lr: 2e-4, betas: [0.5, 0.999] as [number, number] };
  const trainer = new GanTrainer({
    generator,
    discriminator,
    latentDim: 100,
    loss: "nonSaturating",
    generatorOptimizer: new Adam(generator.parameters(), adam),
    discriminatorOptimizer: new Adam(discriminator.parameters(), adam),
    rng,
  });
  const x = new Tensor(rand([64, 1, 28, 28], { rng }).mul(2).sub(1));
  return Promise.resolve([() => {
    trainer.step(x);
  }, { samples: 64 }]);
}

/**
 * The ResNet-20 of `examples/cnn/resnet_fashion_mnist.ts --blocks 3` (16/32/64 channels, three
 * blocks a stage, batch norm, zero-initialised residual branches; the example's default has two) on a batch of 128 of 28×28, cross-entropy with
 * label smoothing 0.1, SGD with Nesterov momentum 0.9 and weight decay 5e-4: the example's training
 * step without its data augmentation (profiled by bench/profile_step.ts, not in the comparison).
 *
 * @example
 * ```ts ignore
 * const [step, units] = await resnet20();
 * step();
 * console.log(units.samples); // 128
 * ```
 */
export function resnet20(): Promise<Workload> {
  const rng = new Rng(0);
  const model = resnet({ channels: [16, 32, 64], blocks: 3, zeroInitResidual: true, rng });
  const x = new Tensor(rand([128, 1, 28, 28], { rng }));
  const y = new Tensor(randint(0, 10, [128], { rng }));
  const opt = new SGD(model.parameters(), {
    lr: 0.05,
    momentum: 0.9,
    nesterov: true,
    weightDecay: 5e-4,
  });
  return Promise.resolve([() => {
    opt.zeroGrad();
    crossEntropy(model.forward(x), y, { labelSmoothing: 0.1 }).backward();
    opt.step();
  }, { samples: 128 }]);
}

/**
 * W4: a one-layer LSTM (input 64, hidden 256) over 64 steps of a batch of 32, MSE of its outputs
 * against a fixed target, Adam lr 1e-3: one training step (forward, backward through time, update).
 *
 * @example
 * ```ts ignore
 * const [step, units] = await w4();
 * step();
 * console.log(units.samples); // 32
 * ```
 */
export function w4(): Promise<Workload> {
  const rng = new Rng(0);
  const lstm = new LSTM(64, 256, { rng });
  const x = new Tensor(randnNd([64, 32, 64], { rng }));
  const target = new Tensor(randnNd([64, 32, 256], { rng }));
  const opt = new Adam(lstm.parameters(), { lr: 1e-3 });
  return Promise.resolve([() => {
    opt.zeroGrad();
    const [out] = lstm.forward(x);
    mseLoss(out, target).backward();
    opt.step();
  }, { samples: 32 }]);
}

/** The language model of W4-lm and W4-gen: embedding 64, 2 × 256 LSTM, read-out to 100 tokens. */
function languageModel(rng: Rng): CharLM {
  return new CharLM({ vocabSize: 100, hiddenSize: 256, numLayers: 2, embeddingDim: 64, rng });
}

/**
 * W4-lm: inference of a character language model (embedding 64, 2 × 256 LSTM, 100 tokens) on a
 * batch of 32 sequences of 128 tokens, without gradients: logits of every position.
 *
 * @example
 * ```ts ignore
 * const [step, units] = await w4lm();
 * step();
 * console.log(units.samples); // 32
 * ```
 */
export function w4lm(): Promise<Workload> {
  const rng = new Rng(0);
  const lm = languageModel(rng).eval();
  const x = randint(0, 100, [32, 128], { rng });
  return Promise.resolve([() => {
    noGrad(() => lm.forward(x));
  }, { samples: 32 }]);
}

/**
 * W4-gen: the same language model generating 100 tokens one at a time for one sequence (greedy),
 * each step feeding the previous token and the carried state.
 *
 * @example
 * ```ts ignore
 * const [step, units] = await w4gen();
 * step();
 * console.log(units.tokens); // 100
 * ```
 */
export function w4gen(): Promise<Workload> {
  const lm = languageModel(new Rng(0)).eval();
  return Promise.resolve([() => {
    lm.sample([1], { maxNewTokens: 100, greedy: true });
  }, { tokens: 100 }]);
}

/**
 * W5: a GPT character LM step: 2 pre-LN blocks, vocabulary 96, width 128, 4 heads, feed-forward
 * 512, sequences of 128, batch 16, next-token cross-entropy, Adam lr 3e-4 (bench/_gpt_torch.py is
 * the PyTorch twin).
 *
 * @example
 * ```ts ignore
 * const [step, units] = await w5();
 * step();
 * console.log(units.samples); // 16
 * ```
 */
export async function w5(): Promise<Workload> {
  const { GPT } = await import("@nnc/models/transformer");
  const rng = new Rng(0);
  const model = new GPT({
    vocabSize: 96,
    blockSize: 128,
    dModel: 128,
    numHeads: 4,
    numLayers: 2,
    dimFeedforward: 512,
    rng,
  });
  const x = randint(0, 96, [16, 128], { rng });
  const y = new Tensor(randint(0, 96, [16 * 128], { rng }));
  const opt = new Adam(model.parameters(), { lr: 3e-4 });
  return [() => {
    opt.zeroGrad();
    model.loss(x, y).backward(); // crossEntropy of the logits, whose memory the pool recycles
    opt.step();
  }, { samples: 16 }];
}
