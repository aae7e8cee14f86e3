/**
 * TensorFlow.js side of bench/compare.ts: runs one workload on TF.js's `wasm` or `cpu` backend and
 * prints one JSON line of timings (the rule of bench/_js_harness.ts).
 *
 * Usage: `deno run -A --config bench/js_peers/deno.json bench/js_peers/tfjs_worker.ts WORKLOAD
 * --backend wasm|cpu [--threads N] [--reps R] [--warmup W] [--warmup-time S] [--min-time S]`
 * (`--list`: the workloads it runs).
 *
 * Both backends run on one thread here: the `cpu` backend is plain JavaScript, and the `wasm`
 * backend turns its threaded build off under Node.js and Deno (its WASM_HAS_MULTITHREAD_SUPPORT
 * flag is false wherever `process` exists; forcing it fails to start the backend), so it runs its
 * single-threaded SIMD build (XNNPACK). `@tensorflow/tfjs-node` is not a peer: its install
 * script downloads libtensorflow from outside the npm registry.
 *
 * The workloads mirror bench/_training_workloads.ts and bench/torch_worker.py: same shapes, batch
 * sizes, losses and optimisers; PyTorch's default initialisation ranges (U(±1/√fan_in)); weights
 * laid out [in, out] as `tf.matMul(x, w)` wants them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { version_cpu } from "@tensorflow/tfjs-backend-cpu";
import { setThreadsCount, version_wasm } from "@tensorflow/tfjs-backend-wasm";
import { arg, type Maker, runWorker, textArg } from "../_js_harness.ts";

const backend = textArg("backend", "wasm");
if (backend !== "wasm" && backend !== "cpu") {
  console.log(JSON.stringify({ error: `--backend must be wasm or cpu, got ${backend}` }));
  Deno.exit(0);
}
if (backend === "wasm") setThreadsCount(arg("threads", 1));
await tf.setBackend(backend);
await tf.ready();

type Params = Record<string, tf.Variable>;

/** A Linear layer's parameters with PyTorch's default initialisation range. */
function linear(into: Params, name: string, nIn: number, nOut: number): void {
  const bound = 1 / Math.sqrt(nIn);
  into[`${name}.w`] = tf.variable(tf.randomUniform([nIn, nOut], -bound, bound));
  into[`${name}.b`] = tf.variable(tf.randomUniform([nOut], -bound, bound));
}

function dense(p: Params, name: string, x: tf.Tensor): tf.Tensor2D {
  return tf.add(tf.matMul(x as tf.Tensor2D, p[`${name}.w`] as tf.Tensor2D), p[`${name}.b`]);
}

function w1(n: number): Maker {
  return () => {
    const a = tf.randomNormal([n, n]) as tf.Tensor2D, b = tf.randomNormal([n, n]) as tf.Tensor2D;
    const reps = Math.max(1, Math.floor(2e9 / (2 * n ** 3)));
    return Promise.resolve([() => {
      for (let i = 0; i < reps; i++) tf.matMul(a, b).dispose();
    }, { flop: 2 * n ** 3 * reps }]);
  };
}

const w7: Maker = () => {
  const a = tf.randomNormal([64]), b = tf.randomNormal([64]);
  return Promise.resolve([() => {
    for (let i = 0; i < 10000; i++) tf.add(a, b).dispose();
  }, { ops: 10000 }]);
};

/** W2: MLP 784-512-256-10, ReLU, batch 128, mean cross-entropy, SGD lr 0.01. */
const w2: Maker = () => {
  const p: Params = {};
  linear(p, "fc1", 784, 512);
  linear(p, "fc2", 512, 256);
  linear(p, "fc3", 256, 10);
  const x = tf.randomUniform([128, 784]);
  const y = tf.oneHot(tf.randomUniform([128], 0, 10, "int32") as tf.Tensor1D, 10);
  const opt = tf.train.sgd(0.01);
  const loss = (): tf.Scalar => {
    const h1 = tf.relu(dense(p, "fc1", x));
    const h2 = tf.relu(dense(p, "fc2", h1));
    return tf.losses.softmaxCrossEntropy(y, dense(p, "fc3", h2)) as tf.Scalar;
  };
  return Promise.resolve([() => {
    tf.tidy(() => {
      opt.minimize(loss);
    });
  }, { samples: 128 }]);
};

/** W8: VAE 784-400-(20, 20)-400-784, batch 128, summed BCE (log clamped at -100) + KL, Adam 1e-3. */
const w8: Maker = () => {
  const p: Params = {};
  linear(p, "fc1", 784, 400);
  linear(p, "mu", 400, 20);
  linear(p, "logvar", 400, 20);
  linear(p, "fc3", 20, 400);
  linear(p, "fc4", 400, 784);
  const x = tf.randomUniform([128, 784]);
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const loss = (): tf.Scalar => {
    const h = tf.relu(dense(p, "fc1", x));
    const mu = dense(p, "mu", h), logvar = dense(p, "logvar", h);
    const z = tf.add(mu, tf.mul(tf.randomNormal([128, 20]), tf.exp(tf.mul(logvar, 0.5))));
    const recon = tf.sigmoid(dense(p, "fc4", tf.relu(dense(p, "fc3", z))));
    // PyTorch's BCELoss clamps its logarithms at -100.
    const logR = tf.maximum(tf.log(recon), -100);
    const log1mR = tf.maximum(tf.log(tf.sub(1, recon)), -100);
    const bce = tf.neg(tf.sum(tf.add(tf.mul(x, logR), tf.mul(tf.sub(1, x), log1mR))));
    const kl = tf.mul(
      tf.sum(tf.sub(tf.sub(tf.add(logvar, 1), tf.square(mu)), tf.exp(logvar))),
      -0.5,
    );
    return tf.add(bce, kl) as tf.Scalar;
  };
  return Promise.resolve([() => {
    tf.tidy(() => {
      opt.minimize(loss);
    });
  }, { samples: 128 }]);
};

const OTHERS = "the JavaScript peers run W1, W2, W7 and W8 only";
await runWorker(
  { "W1-256": w1(256), "W1-1024": w1(1024), "W2": w2, "W7": w7, "W8": w8 },
  {
    "W7-grad":
      "TF.js has no gradient-recording tensors (gradients come from tf.grad over a function)",
    "*": OTHERS,
  },
  {
    peer: `tfjs-${backend}`,
    version: `@tensorflow/tfjs ${tf.version.tfjs}, backend-${backend} ${
      backend === "wasm" ? version_wasm : version_cpu
    }`,
    threads: 1,
  },
);
