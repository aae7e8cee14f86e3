// The work of each training workload of bench/compare.ts, for its "% of GEMM roofline" column.
//
// FLOPs count the matrix products and convolutions of a workload's layers (2 per multiply-add);
// elementwise work, pooling, softmax, losses and optimiser updates are not counted. A training step
// costs 3 × the forward FLOPs (the forward product, and the two products of its backward: the
// gradient of the input and of the weight), the convention of the roofline statement (issue 21).
// The effective rate of a step is FLOPs per sample × samples/s; its roofline is the sgemm rate
// (W1-1024) measured in the same run, with the same OpenBLAS kernel and thread count.

/** Forward FLOPs of a Linear layer per sample. */
function linear(inFeatures: number, outFeatures: number): number {
  return 2 * inFeatures * outFeatures;
}

/** Forward FLOPs of a k×k convolution per sample, producing `cOut` maps of h×w pixels. */
function conv2d(cIn: number, cOut: number, k: number, h: number, w: number): number {
  return 2 * cIn * k * k * cOut * h * w;
}

/** Forward FLOPs of a k×k transposed convolution per sample, from `cIn` maps of h×w pixels. */
function convTranspose2d(cIn: number, cOut: number, k: number, h: number, w: number): number {
  return 2 * cIn * k * k * cOut * h * w;
}

/** Forward FLOPs of an LSTM layer over `steps` steps per sequence (four gates, two products). */
function lstm(input: number, hidden: number, steps: number): number {
  return steps * (linear(input, 4 * hidden) + linear(hidden, 4 * hidden));
}

/**
 * Forward FLOPs of a pre-LN GPT per sequence of `t` tokens: per layer and token the QKV and output
 * projections, the two feed-forward products and attention (QKᵀ and AV over all t positions, as
 * the dense kernels compute them), then the output layer to the vocabulary.
 */
function gpt(o: { vocab: number; t: number; d: number; layers: number; ff: number }): number {
  const perToken = linear(o.d, 3 * o.d) + linear(o.d, o.d) + linear(o.d, o.ff) +
    linear(o.ff, o.d) + 2 * 2 * o.t * o.d;
  return o.t * (o.layers * perToken + linear(o.d, o.vocab));
}

const dcganGenerator = linear(100, 128 * 7 * 7) + convTranspose2d(128, 64, 4, 7, 7) +
  convTranspose2d(64, 1, 4, 14, 14);
const dcganDiscriminator = conv2d(1, 64, 4, 14, 14) + conv2d(64, 128, 4, 7, 7) +
  linear(128 * 7 * 7, 1);

/** W-GCN: 1,000,000 edges + 100,000 self-loops over 100,000 nodes; 2 FLOPs per nonzero and feature. */
const gcnNonzerosPerNode = (1_000_000 + 100_000) / 100_000;

/**
 * Forward FLOPs per unit of work (a sample, or a node for W-GCN) of every training workload, with
 * the shapes of bench/_training_workloads.ts, bench/_gnn_workloads.ts and bench/torch_worker.py.
 * W5 (GPT) and W9 (DCGAN) are the transformer's and the generative models' workloads; their
 * entries apply once those workloads are in the runner.
 */
export const FORWARD_FLOPS: Record<string, number> = {
  // MLP 784-512-256-10.
  "W2": linear(784, 512) + linear(512, 256) + linear(256, 10),
  // conv(1→32, 3×3) @28² - pool - conv(32→64, 3×3) @14² - pool - fc 3136→128 - fc 128→10.
  "W3": conv2d(1, 32, 3, 28, 28) + conv2d(32, 64, 3, 14, 14) + linear(3136, 128) + linear(128, 10),
  // LSTM input 64, hidden 256, over 64 steps (one sample = one sequence).
  "W4": lstm(64, 256, 64),
  // GPT: vocabulary 96, 128 tokens, width 128, 2 layers, feed-forward 512 (one sample = one sequence).
  "W5": gpt({ vocab: 96, t: 128, d: 128, layers: 2, ff: 512 }),
  // VAE 784-400-(20, 20)-400-784.
  "W8": linear(784, 400) + 2 * linear(400, 20) + linear(20, 400) + linear(400, 784),
  // DCGAN step: the discriminator runs on the real batch, on the fakes for its update, and on the
  // fakes again for the generator's update; the generator runs once.
  "W9": 3 * dcganDiscriminator + dcganGenerator,
  // GCN 64→64→16: the two dense products per node, and the two sparse propagations.
  "W-GCN": linear(64, 64) + linear(64, 16) + 2 * gcnNonzerosPerNode * (64 + 16),
};

/** FLOPs of one training step per unit of work: 3 × the forward FLOPs; undefined if not training. */
export function trainingFlopsPerUnit(workload: string): number | undefined {
  const f = FORWARD_FLOPS[workload];
  return f === undefined ? undefined : 3 * f;
}
