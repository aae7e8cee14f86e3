/**
 * jax-js side of bench/compare.ts and bench/compare_wasm.ts: runs one workload with jax-js (npm
 * `@jax-js/jax`, its wasm device) and prints one JSON line of timings (the rule of
 * bench/_js_harness.ts, as bench/nnc_worker.ts does for nnc).
 *
 * Usage: `deno run -A bench/jaxjs_worker.ts WORKLOAD --threads N --reps R [--warmup W]
 * [--warmup-time S] [--min-time S] [--clock cpu]` (`--list`: the workloads it runs).
 *
 * Threads: jax-js runs its wasm kernels on a pool of `navigator.hardwareConcurrency` workers whenever
 * `SharedArrayBuffer` and `Worker` exist (as in Deno). `--threads 1` hides `Worker` before jax-js
 * loads, so it runs single-threaded on its own memory; `--threads N` > 1 makes the pool N workers.
 *
 * The workloads mirror bench/_training_workloads.ts (same shapes, batch sizes, PyTorch's default
 * initialisation ranges, losses and optimisers), written the way jax-js's own MNIST demo trains:
 * `jit(valueAndGrad(loss))` with the parameter update inside the jitted step.
 *
 * @module
 */
import { arg, type Maker, runWorker } from "./_js_harness.ts";

const threads = arg("threads", 1);
if (threads <= 1) {
  // jax-js starts its worker pool only when both SharedArrayBuffer and Worker exist.
  (globalThis as { Worker?: unknown }).Worker = undefined;
} else {
  Object.defineProperty(navigator, "hardwareConcurrency", { get: () => threads });
}
const jax = await import("@jax-js/jax");
const { blockUntilReady, jit, nn, numpy: np, random, tree, valueAndGrad } = jax;
type Arr = InstanceType<typeof jax.Array>;
type Params = Record<string, Arr>;

/** The pinned version, as the workspace's deno.json maps it. */
const JAXJS_VERSION: string = JSON.parse(
  Deno.readTextFileSync(new URL("../deno.json", import.meta.url)),
).imports["@jax-js/jax"].replace(/^.*@/, "");

await jax.init("wasm");
jax.defaultDevice("wasm");

let seed = 0;
const nextKey = () => random.key(seed++);

/** PyTorch's Linear initialisation, U(±1/√in), weights laid out [in, out] as jax-js multiplies. */
function linear(into: Params, name: string, nIn: number, nOut: number): void {
  const bound = 1 / Math.sqrt(nIn);
  into[`${name}.w`] = random.uniform(nextKey(), [nIn, nOut], { minval: -bound, maxval: bound });
  into[`${name}.b`] = random.uniform(nextKey(), [nOut], { minval: -bound, maxval: bound });
}

function dense(p: Params, name: string, x: Arr): Arr {
  return np.dot(x, p[`${name}.w`]).add(p[`${name}.b`]);
}

function w1(n: number): Maker {
  return async () => {
    const a = random.normal(nextKey(), [n, n]), b = random.normal(nextKey(), [n, n]);
    await blockUntilReady([a, b]);
    const reps = Math.max(1, Math.floor(2e9 / (2 * n ** 3)));
    return [async () => {
      for (let i = 0; i < reps; i++) {
        const c = np.matmul(a.ref, b.ref);
        await c.blockUntilReady();
        c.dispose();
      }
    }, { flop: 2 * n ** 3 * reps }];
  };
}

const w7: Maker = async () => {
  const a = random.normal(nextKey(), [64]), b = random.normal(nextKey(), [64]);
  await blockUntilReady([a, b]);
  return [async () => {
    for (let i = 0; i < 10000; i++) {
      const c = a.ref.add(b.ref);
      await c.blockUntilReady();
      c.dispose();
    }
  }, { ops: 10000 }];
};

/** W2: MLP 784-512-256-10, ReLU, batch 128, cross-entropy, SGD lr 0.01. */
const w2: Maker = async () => {
  let params: Params = {};
  linear(params, "fc1", 784, 512);
  linear(params, "fc2", 512, 256);
  linear(params, "fc3", 256, 10);
  const x = random.uniform(nextKey(), [128, 784]);
  const labels = random.randint(nextKey(), { minval: 0, maxval: 10, shape: [128] });
  const y = nn.oneHot(labels, 10);
  const loss = (p: Params, x: Arr, y: Arr): Arr => {
    const h1 = nn.relu(dense(p, "fc1", x));
    const h2 = nn.relu(dense(p, "fc2", h1));
    const logp = nn.logSoftmax(dense(p, "fc3", h2), -1);
    return logp.mul(y).sum().mul(-1 / 128);
  };
  const lr = 0.01;
  const step = jit((p: Params, x: Arr, y: Arr): [Arr, Params] => {
    const [l, g] = valueAndGrad(loss)(tree.ref(p), x, y);
    const next = tree.map((w: Arr, gw: Arr) => w.sub(gw.mul(lr)), p, g as Params) as Params;
    return [l, next];
  });
  await blockUntilReady([params, x, y]);
  return [async () => {
    const [l, next] = step(params, x.ref, y.ref);
    params = next;
    await blockUntilReady(params);
    l.dispose();
  }, { samples: 128 }];
};

/** W8: VAE 784-400-(20, 20)-400-784, batch 128, summed BCE + KL, Adam lr 1e-3. */
const w8: Maker = async () => {
  let params: Params = {};
  linear(params, "fc1", 784, 400);
  linear(params, "mu", 400, 20);
  linear(params, "logvar", 400, 20);
  linear(params, "fc3", 20, 400);
  linear(params, "fc4", 400, 784);
  const x = random.uniform(nextKey(), [128, 784]);
  const loss = (p: Params, x: Arr, eps: Arr): Arr => {
    const h = nn.relu(dense(p, "fc1", x.ref));
    const mu = dense(p, "mu", h.ref), logvar = dense(p, "logvar", h);
    const z = mu.ref.add(eps.mul(np.exp(logvar.ref.mul(0.5))));
    const recon = nn.sigmoid(dense(p, "fc4", nn.relu(dense(p, "fc3", z))));
    // PyTorch's BCELoss clamps the logarithms at -100.
    const logR = np.maximum(np.log(recon.ref), -100);
    const log1mR = np.maximum(np.log(np.subtract(1, recon)), -100);
    const bce = x.ref.mul(logR).add(np.subtract(1, x).mul(log1mR)).sum().mul(-1);
    const kl = logvar.ref.add(1).sub(mu.ref.mul(mu)).sub(np.exp(logvar)).sum().mul(-0.5);
    return bce.add(kl);
  };
  const [lr, b1, b2, epsAdam] = [1e-3, 0.9, 0.999, 1e-8];
  let m: Params = tree.map((w: Arr) => np.zerosLike(w.ref), params) as Params;
  let v: Params = tree.map((w: Arr) => np.zerosLike(w.ref), params) as Params;
  let t = 0;
  const step = jit(
    (p: Params, m: Params, v: Params, x: Arr, eps: Arr, c1: Arr, c2: Arr) => {
      const [l, g] = valueAndGrad(loss)(tree.ref(p), x, eps);
      const m2 = tree.map((mi: Arr, gi: Arr) => mi.mul(b1).add(gi.mul(1 - b1)), m, tree.ref(g));
      const v2 = tree.map((vi: Arr, gi: Arr) => vi.mul(b2).add(gi.ref.mul(gi).mul(1 - b2)), v, g);
      const p2 = tree.map(
        (w: Arr, mi: Arr, vi: Arr) =>
          w.sub(mi.mul(c1.ref).div(np.sqrt(vi).div(c2.ref).add(epsAdam))),
        p,
        tree.ref(m2),
        tree.ref(v2),
      );
      c1.dispose();
      c2.dispose();
      return [l, p2, m2, v2];
    },
  );
  await blockUntilReady([params, m, v, x]);
  return [async () => {
    t++;
    const eps = random.normal(nextKey(), [128, 20]);
    const c1 = np.array(lr / (1 - b1 ** t)), c2 = np.array(Math.sqrt(1 - b2 ** t));
    const [l, p2, m2, v2] = step(params, m, v, x.ref, eps, c1, c2) as [Arr, Params, Params, Params];
    params = p2;
    m = m2;
    v = v2;
    await blockUntilReady(params);
    l.dispose();
  }, { samples: 128 }];
};

const OTHERS = "the JavaScript peers run W1, W2, W7 and W8 only";
await runWorker(
  { "W1-256": w1(256), "W1-1024": w1(1024), "W2": w2, "W7": w7, "W8": w8 },
  {
    "W7-grad": "jax-js has no gradient-recording arrays (gradients come from grad over a function)",
    "*": OTHERS,
  },
  { peer: "jax-js", version: `@jax-js/jax ${JAXJS_VERSION}`, jaxjs: JAXJS_VERSION, threads },
);
