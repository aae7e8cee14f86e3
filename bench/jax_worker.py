"""JAX (CPU, XLA) side of bench/compare.ts: runs one workload and prints one JSON line of timings.

Usage: python bench/jax_worker.py WORKLOAD --threads N --reps R [--warmup W] [--warmup-time S] [--min-time S]
       python bench/jax_worker.py --list      (the workloads it runs, those it cannot, its versions)
Run with the peers' environment of bench/_venv.ts (pinned JAX from PyPI).

The workloads mirror bench/_training_workloads.ts and bench/torch_worker.py: same shapes, batch sizes,
losses and optimisers (SGD, and Adam with PyTorch's update rule), PyTorch's default initialisation
ranges (U(+-1/sqrt(fan_in)) for weights and biases). They are written the way JAX users train: one
jax.jit-compiled step (forward, gradient, update) with the parameters donated to it. JAX dispatches
asynchronously: every step ends by waiting for its results (block_until_ready), so a step is done work.

Threads: XLA's CPU runtime sizes its thread pool from the processors the process may run on, so
--threads N < cores restricts the process to N processors (sched_setaffinity) before JAX loads, and
--threads 1 also turns Eigen's multi-threading off (XLA_FLAGS).
"""
import argparse
import json
import os
import sys
import time

CANNOT = {
    "W7-grad": "JAX has no gradient-recording arrays (it differentiates functions with jax.grad)",
}


def main():
    if sys.argv[1:] == ["--list"]:
        import jax
        import jaxlib
        print(json.dumps({"workloads": list(WORKLOADS), "cannot": CANNOT, "peer": "jax",
                          "version": f"jax {jax.__version__}, jaxlib {jaxlib.__version__}"}))
        return
    p = argparse.ArgumentParser()
    p.add_argument("workload")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--warmup-time", type=float, default=1.0)
    p.add_argument("--min-time", type=float, default=0.2)
    args = p.parse_args()
    make = WORKLOADS.get(args.workload)
    if make is None:
        print(json.dumps({"error": CANNOT.get(args.workload, f"jax: no workload {args.workload}")}))
        return
    limit_threads(args.threads)
    try:
        import jax
        import jaxlib
    except ImportError:
        print(json.dumps({"error": "JAX is not installed in this interpreter (bench/_venv.ts installs it)"}))
        return
    jax.config.update("jax_platforms", "cpu")
    base = rss_mb()
    step, units = make(jax)
    # Same rule as nnc_worker.ts and torch_worker.py.
    warmup_end = time.perf_counter() + args.warmup_time
    i = 0
    while i < args.warmup or time.perf_counter() < warmup_end:
        step()
        i += 1
    probe = time.perf_counter()
    for _ in range(3):
        step()
    per_step = (time.perf_counter() - probe) / 3
    k = max(1, round(args.min_time / max(per_step, 1e-9)))
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        for _ in range(k):
            step()
        times.append(time.perf_counter() - t0)
    units = {u: v * k for u, v in units.items()}
    print(json.dumps({"times": times, "units": units, "stepsPerRep": k, "peer": "jax",
                      "version": f"jax {jax.__version__}, jaxlib {jaxlib.__version__}",
                      "threads": args.threads, "peakMB": status_mb("VmHWM"), "baseMB": base}))


def limit_threads(n):
    """XLA's pool takes its size from the processors this process may use: give it n of them."""
    try:
        cpus = sorted(os.sched_getaffinity(0))
        if 0 < n < len(cpus):
            os.sched_setaffinity(0, cpus[:n])
    except (AttributeError, OSError):
        pass
    if n == 1:
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = f"{flags} --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1".strip()


def status_mb(field):
    """A memory figure of this process from /proc/self/status (VmHWM: peak, VmRSS: now), in MB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb():
    return status_mb("VmRSS")


# ---- building blocks -------------------------------------------------------------------------

class Keys:
    """A stream of PRNG keys (seed 0)."""

    def __init__(self, jax):
        self.jax = jax
        self.key = jax.random.PRNGKey(0)

    def __call__(self):
        self.key, sub = self.jax.random.split(self.key)
        return sub


def uniform(jax, key, shape, bound):
    return jax.random.uniform(key, shape, minval=-bound, maxval=bound)


def linear(jax, keys, params, name, n_in, n_out):
    """PyTorch's Linear initialisation range; the weight laid out [in, out] for x @ w."""
    bound = 1 / n_in ** 0.5
    params[name + ".w"] = uniform(jax, keys(), (n_in, n_out), bound)
    params[name + ".b"] = uniform(jax, keys(), (n_out,), bound)


def dense(p, name, x):
    return x @ p[name + ".w"] + p[name + ".b"]


def cross_entropy(jax, logits, labels):
    """Mean cross-entropy over the batch, as torch.nn.functional.cross_entropy."""
    logp = jax.nn.log_softmax(logits, axis=-1)
    return -jax.numpy.mean(jax.numpy.take_along_axis(logp, labels[:, None], axis=-1))


def sgd_step(jax, loss, lr):
    """One jitted step of plain SGD on `loss(params, *data)`; the parameters are donated."""
    def step(params, *data):
        grads = jax.grad(loss)(params, *data)
        return jax.tree_util.tree_map(lambda w, g: w - lr * g, params, grads)
    return jax.jit(step, donate_argnums=0)


def adam_step(jax, loss, lr, b1=0.9, b2=0.999, eps=1e-8):
    """One jitted step of Adam with PyTorch's update rule on `loss(params, *data)`: state is
    (params, m, v, t); everything but the data is donated."""
    jnp = jax.numpy
    tm = jax.tree_util.tree_map

    def step(state, *data):
        params, m, v, t = state
        grads = jax.grad(loss)(params, *data)
        t = t + 1
        m = tm(lambda mi, g: b1 * mi + (1 - b1) * g, m, grads)
        v = tm(lambda vi, g: b2 * vi + (1 - b2) * g * g, v, grads)
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        params = tm(lambda w, mi, vi: w - lr * (mi / c1) / (jnp.sqrt(vi / c2) + eps), params, m, v)
        return params, m, v, t
    return jax.jit(step, donate_argnums=0)


def adam_state(jax, params):
    zeros = jax.tree_util.tree_map(jax.numpy.zeros_like, params)
    return params, zeros, jax.tree_util.tree_map(jax.numpy.zeros_like, params), jax.numpy.zeros((), "float32")


def block(jax, tree):
    jax.block_until_ready(tree)


# ---- workloads -------------------------------------------------------------------------------

def w1(n):
    def make(jax):
        keys = Keys(jax)
        a = jax.random.normal(keys(), (n, n))
        b = jax.random.normal(keys(), (n, n))
        mm = jax.jit(jax.numpy.matmul)
        reps = max(1, int(2e9 / (2 * n ** 3)))

        def step():
            for _ in range(reps):
                c = mm(a, b)
            c.block_until_ready()
        return step, {"flop": 2 * n ** 3 * reps}
    return make


def w2(jax):
    keys = Keys(jax)
    p = {}
    linear(jax, keys, p, "fc1", 784, 512)
    linear(jax, keys, p, "fc2", 512, 256)
    linear(jax, keys, p, "fc3", 256, 10)
    x = jax.random.uniform(keys(), (128, 784))
    y = jax.random.randint(keys(), (128,), 0, 10)

    def loss(p, x, y):
        h = jax.nn.relu(dense(p, "fc1", x))
        h = jax.nn.relu(dense(p, "fc2", h))
        return cross_entropy(jax, dense(p, "fc3", h), y)
    update = sgd_step(jax, loss, 0.01)
    state = [p]

    def step():
        state[0] = update(state[0], x, y)
        block(jax, state[0])
    return step, {"samples": 128}


def conv2d_params(jax, keys, params, name, c_in, c_out, k):
    bound = 1 / (c_in * k * k) ** 0.5
    params[name + ".w"] = uniform(jax, keys(), (c_out, c_in, k, k), bound)
    params[name + ".b"] = uniform(jax, keys(), (c_out,), bound)


def conv2d(jax, p, name, x, padding):
    y = jax.lax.conv_general_dilated(x, p[name + ".w"], (1, 1), ((padding, padding), (padding, padding)),
                                     dimension_numbers=("NCHW", "OIHW", "NCHW"))
    return y + p[name + ".b"][None, :, None, None]


def max_pool2(jax, x):
    return jax.lax.reduce_window(x, -jax.numpy.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")


def w3(jax):
    keys = Keys(jax)
    p = {}
    conv2d_params(jax, keys, p, "conv1", 1, 32, 3)
    conv2d_params(jax, keys, p, "conv2", 32, 64, 3)
    linear(jax, keys, p, "fc1", 3136, 128)
    linear(jax, keys, p, "fc2", 128, 10)
    x = jax.random.uniform(keys(), (64, 1, 28, 28))
    y = jax.random.randint(keys(), (64,), 0, 10)

    def loss(p, x, y):
        h = max_pool2(jax, jax.nn.relu(conv2d(jax, p, "conv1", x, 1)))
        h = max_pool2(jax, jax.nn.relu(conv2d(jax, p, "conv2", h, 1)))
        h = jax.nn.relu(dense(p, "fc1", h.reshape(h.shape[0], -1)))
        return cross_entropy(jax, dense(p, "fc2", h), y)
    update = sgd_step(jax, loss, 0.01)
    state = [p]

    def step():
        state[0] = update(state[0], x, y)
        block(jax, state[0])
    return step, {"samples": 64}


def lstm_params(jax, keys, params, name, n_in, hidden):
    """torch.nn.LSTM's parameters (gates i, f, g, o; both biases), U(+-1/sqrt(hidden))."""
    bound = 1 / hidden ** 0.5
    params[name + ".w_ih"] = uniform(jax, keys(), (n_in, 4 * hidden), bound)
    params[name + ".w_hh"] = uniform(jax, keys(), (hidden, 4 * hidden), bound)
    params[name + ".b_ih"] = uniform(jax, keys(), (4 * hidden,), bound)
    params[name + ".b_hh"] = uniform(jax, keys(), (4 * hidden,), bound)


def lstm_cell(jax, p, name, x, h, c):
    gates = x @ p[name + ".w_ih"] + p[name + ".b_ih"] + h @ p[name + ".w_hh"] + p[name + ".b_hh"]
    i, f, g, o = jax.numpy.split(gates, 4, axis=-1)
    c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jax.numpy.tanh(g)
    return jax.nn.sigmoid(o) * jax.numpy.tanh(c), c


def lstm_layer(jax, p, name, xs, h, c):
    """Runs a layer over time (axis 0 of xs) with lax.scan; returns the outputs and the last state."""
    def cell(carry, x):
        h, c = lstm_cell(jax, p, name, x, *carry)
        return (h, c), h
    (h, c), out = jax.lax.scan(cell, (h, c), xs)
    return out, h, c


def w4(jax):
    keys = Keys(jax)
    jnp = jax.numpy
    p = {}
    lstm_params(jax, keys, p, "lstm", 64, 256)
    x = jax.random.normal(keys(), (64, 32, 64))
    target = jax.random.normal(keys(), (64, 32, 256))

    def loss(p, x, target):
        zeros = jnp.zeros((32, 256))
        out, _, _ = lstm_layer(jax, p, "lstm", x, zeros, zeros)
        return jnp.mean((out - target) ** 2)
    update = adam_step(jax, loss, 1e-3)
    state = [adam_state(jax, p)]

    def step():
        state[0] = update(state[0], x, target)
        block(jax, state[0])
    return step, {"samples": 32}


def char_lm(jax, keys):
    """The language model of W4-lm and W4-gen: embedding 64, 2 x 256 LSTM, read-out to 100 tokens."""
    p = {"embedding": jax.random.normal(keys(), (100, 64))}
    lstm_params(jax, keys, p, "l0", 64, 256)
    lstm_params(jax, keys, p, "l1", 256, 256)
    linear(jax, keys, p, "head", 256, 100)
    return p


def w4lm(jax):
    keys = Keys(jax)
    jnp = jax.numpy
    p = char_lm(jax, keys)
    x = jax.random.randint(keys(), (32, 128), 0, 100)

    @jax.jit
    def forward(p, x):
        h = p["embedding"][x.T]  # time-major [128, 32, 64]
        zeros = jnp.zeros((x.shape[0], 256))
        h, _, _ = lstm_layer(jax, p, "l0", h, zeros, zeros)
        h, _, _ = lstm_layer(jax, p, "l1", h, zeros, zeros)
        return dense(p, "head", h)

    def step():
        forward(p, x).block_until_ready()
    return step, {"samples": 32}


def w4gen(jax):
    keys = Keys(jax)
    jnp = jax.numpy
    p = char_lm(jax, keys)

    @jax.jit
    def next_token(p, token, state):
        (h0, c0), (h1, c1) = state
        x = p["embedding"][token]
        h0, c0 = lstm_cell(jax, p, "l0", x, h0, c0)
        h1, c1 = lstm_cell(jax, p, "l1", h0, h1, c1)
        return jnp.argmax(dense(p, "head", h1), axis=-1), ((h0, c0), (h1, c1))

    def step():
        zeros = jnp.zeros((1, 256))
        token, state = jnp.array([1]), ((zeros, zeros), (zeros, zeros))
        for _ in range(100):
            token, state = next_token(p, token, state)
        token.block_until_ready()
    return step, {"tokens": 100}


def w7(jax):
    keys = Keys(jax)
    a = jax.random.normal(keys(), (64,))
    b = jax.random.normal(keys(), (64,))
    add = jax.numpy.add

    def step():
        for _ in range(10000):
            c = add(a, b)
        c.block_until_ready()
    return step, {"ops": 10000}


def w8(jax):
    keys = Keys(jax)
    jnp = jax.numpy
    p = {}
    linear(jax, keys, p, "fc1", 784, 400)
    linear(jax, keys, p, "mu", 400, 20)
    linear(jax, keys, p, "logvar", 400, 20)
    linear(jax, keys, p, "fc3", 20, 400)
    linear(jax, keys, p, "fc4", 400, 784)
    x = jax.random.uniform(keys(), (128, 784))

    def loss(p, x, key):
        h = jax.nn.relu(dense(p, "fc1", x))
        mu, logvar = dense(p, "mu", h), dense(p, "logvar", h)
        z = mu + jax.random.normal(key, mu.shape) * jnp.exp(0.5 * logvar)
        recon = jax.nn.sigmoid(dense(p, "fc4", jax.nn.relu(dense(p, "fc3", z))))
        # torch.nn.functional.binary_cross_entropy clamps its logarithms at -100.
        bce = -jnp.sum(x * jnp.maximum(jnp.log(recon), -100) + (1 - x) * jnp.maximum(jnp.log(1 - recon), -100))
        kl = -0.5 * jnp.sum(1 + logvar - mu ** 2 - jnp.exp(logvar))
        return bce + kl
    update = adam_step(jax, loss, 1e-3)
    state = [adam_state(jax, p)]

    def step():
        state[0] = update(state[0], x, keys())
        block(jax, state[0])
    return step, {"samples": 128}


def wgcn(jax):
    """W-GCN as bench/_gnn_workloads.ts and torch_worker.py's wgcn: propagation D^-1/2 (A + I) D^-1/2
    over an edge list with the normalised weights computed once (as jraph's GCN: gather the sources,
    scale, segment_sum into the targets), bias after propagation, mean cross-entropy, Adam 0.01."""
    keys = Keys(jax)
    jnp = jax.numpy
    n, e, f, h, c = 100_000, 1_000_000, 64, 64, 16
    src = jax.random.randint(keys(), (e,), 0, n)
    dst = (src + jax.random.randint(keys(), (e,), 1, n)) % n  # never a self-loop
    loop = jnp.arange(n)
    row = jnp.concatenate([dst, loop])  # targets
    col = jnp.concatenate([src, loop])  # sources
    deg = jax.ops.segment_sum(jnp.ones(row.shape[0]), row, num_segments=n)
    dinv = deg ** -0.5
    weight = dinv[row] * dinv[col]
    p = {}
    for name, n_in, n_out in (("l1", f, h), ("l2", h, c)):
        p[name + ".w"] = uniform(jax, keys(), (n_in, n_out), 1 / n_in ** 0.5)
        p[name + ".b"] = jnp.zeros((n_out,))
    x = jax.random.normal(keys(), (n, f))
    y = jax.random.randint(keys(), (n,), 0, c)

    def propagate(v):
        return jax.ops.segment_sum(weight[:, None] * v[col], row, num_segments=n)

    def loss(p, x, y):
        hid = jax.nn.relu(propagate(x @ p["l1.w"]) + p["l1.b"])
        return cross_entropy(jax, propagate(hid @ p["l2.w"]) + p["l2.b"], y)
    update = adam_step(jax, loss, 0.01)
    state = [adam_state(jax, p)]

    def step():
        state[0] = update(state[0], x, y)
        block(jax, state[0])
    return step, {"nodes": n}


def layer_norm(jax, x, g, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / jax.numpy.sqrt(var + eps) * g + b


def w5(jax):
    """W5 (the transformer engineers' GPT step, bench/_gpt_torch.py): learned positions, 2 pre-LN
    blocks (causal multi-head attention, GELU feed-forward), final LayerNorm, output tied to the
    token embedding; vocabulary 96, width 128, 4 heads, feed-forward 512, 16 sequences of 128 tokens,
    mean next-token cross-entropy, Adam 3e-4. GPT-2's initialisation (N(0, 0.02), zero biases)."""
    keys = Keys(jax)
    jnp = jax.numpy
    vocab, t, d, heads, layers, ff, batch = 96, 128, 128, 4, 2, 512, 16
    normal = lambda shape, std=0.02: std * jax.random.normal(keys(), shape)
    p = {"tok": normal((vocab, d)), "pos": normal((t, d)), "ln_f.g": jnp.ones(d), "ln_f.b": jnp.zeros(d)}
    for i in range(layers):
        residual_std = 0.02 / (2 * layers) ** 0.5
        p.update({f"{i}.ln1.g": jnp.ones(d), f"{i}.ln1.b": jnp.zeros(d),
                  f"{i}.qkv.w": normal((d, 3 * d)), f"{i}.qkv.b": jnp.zeros(3 * d),
                  f"{i}.out.w": normal((d, d), residual_std), f"{i}.out.b": jnp.zeros(d),
                  f"{i}.ln2.g": jnp.ones(d), f"{i}.ln2.b": jnp.zeros(d),
                  f"{i}.ff1.w": normal((d, ff)), f"{i}.ff1.b": jnp.zeros(ff),
                  f"{i}.ff2.w": normal((ff, d), residual_std), f"{i}.ff2.b": jnp.zeros(d)})
    x = jax.random.randint(keys(), (batch, t), 0, vocab)
    y = jax.random.randint(keys(), (batch, t), 0, vocab)
    causal = jnp.triu(jnp.full((t, t), -jnp.inf), 1)

    def attention(p, i, h):
        qkv = dense(p, f"{i}.qkv", h).reshape(batch, t, 3, heads, d // heads)
        q, k, v = (qkv[:, :, j].transpose(0, 2, 1, 3) for j in range(3))  # [B, H, T, dh]
        scores = q @ k.transpose(0, 1, 3, 2) / (d // heads) ** 0.5 + causal
        out = jax.nn.softmax(scores, axis=-1) @ v
        return dense(p, f"{i}.out", out.transpose(0, 2, 1, 3).reshape(batch, t, d))

    def loss(p, x, y):
        h = p["tok"][x] + p["pos"]
        for i in range(layers):
            h = h + attention(p, i, layer_norm(jax, h, p[f"{i}.ln1.g"], p[f"{i}.ln1.b"]))
            inner = jax.nn.gelu(dense(p, f"{i}.ff1", layer_norm(jax, h, p[f"{i}.ln2.g"], p[f"{i}.ln2.b"])),
                                approximate=False)
            h = h + dense(p, f"{i}.ff2", inner)
        logits = layer_norm(jax, h, p["ln_f.g"], p["ln_f.b"]) @ p["tok"].T
        return cross_entropy(jax, logits.reshape(-1, vocab), y.reshape(-1))
    update = adam_step(jax, loss, 3e-4)
    state = [adam_state(jax, p)]

    def step():
        state[0] = update(state[0], x, y)
        block(jax, state[0])
    return step, {"samples": batch}


def batch_norm(jax, x, g, b, axes, eps=1e-5):
    """Training-mode batch norm over `axes` (batch statistics; the running averages, which the step
    never reads, are not kept)."""
    mu = x.mean(axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axes, keepdims=True)
    shape = [1] * x.ndim
    shape[1] = x.shape[1]
    return (x - mu) / jax.numpy.sqrt(var + eps) * g.reshape(shape) + b.reshape(shape)


def conv_transpose2d(jax, x, w, stride, padding):
    """torch.nn.functional.conv_transpose2d (weight [in, out, k, k]) as a dilated convolution."""
    k = w.shape[-1]
    kernel = jax.numpy.flip(w, (2, 3)).transpose(1, 0, 2, 3)
    pad = k - 1 - padding
    return jax.lax.conv_general_dilated(x, kernel, (1, 1), ((pad, pad), (pad, pad)), lhs_dilation=(stride, stride),
                                        dimension_numbers=("NCHW", "OIHW", "NCHW"))


def w9(jax):
    """W9 (the generative models' DCGAN step, torch_worker.py's w9): generator z 100 -> Linear 6272
    (no bias) -> BN -> ReLU -> 128x7x7 -> ConvTranspose 64 (4, stride 2, pad 1, no bias) -> BN -> ReLU ->
    ConvTranspose 1 -> tanh; discriminator Conv 64 (4, 2, 1) -> LeakyReLU 0.2 -> Conv 128 (no bias) ->
    BN -> LeakyReLU -> Linear 6272 -> 1; batch 64; one discriminator update on the real batch and the
    detached fakes, then one generator update on the same fakes through the updated discriminator;
    non-saturating loss; Adam 2e-4, beta1 0.5, for both."""
    keys = Keys(jax)
    jnp = jax.numpy
    sp = jax.nn.softplus

    def u(shape, fan_in):
        return uniform(jax, keys(), shape, 1 / fan_in ** 0.5)
    g = {"fc.w": u((100, 6272), 100), "bn1.g": jnp.ones(6272), "bn1.b": jnp.zeros(6272),
         "up1.w": u((128, 64, 4, 4), 64 * 16), "bn2.g": jnp.ones(64), "bn2.b": jnp.zeros(64),
         "up2.w": u((64, 1, 4, 4), 16), "up2.b": u((1,), 16)}
    dp = {"c1.w": u((64, 1, 4, 4), 16), "c1.b": u((64,), 16), "c2.w": u((128, 64, 4, 4), 64 * 16),
          "bn.g": jnp.ones(128), "bn.b": jnp.zeros(128), "fc.w": u((6272, 1), 6272), "fc.b": u((1,), 6272)}
    x = jax.random.uniform(keys(), (64, 1, 28, 28)) * 2 - 1

    def generator(g, z):
        h = jax.nn.relu(batch_norm(jax, z @ g["fc.w"], g["bn1.g"], g["bn1.b"], (0,))).reshape(-1, 128, 7, 7)
        h = jax.nn.relu(batch_norm(jax, conv_transpose2d(jax, h, g["up1.w"], 2, 1), g["bn2.g"], g["bn2.b"], (0, 2, 3)))
        return jnp.tanh(conv_transpose2d(jax, h, g["up2.w"], 2, 1) + g["up2.b"][None, :, None, None])

    def discriminator(dp, img):
        conv = lambda v, w: jax.lax.conv_general_dilated(v, w, (2, 2), ((1, 1), (1, 1)),
                                                         dimension_numbers=("NCHW", "OIHW", "NCHW"))
        h = jax.nn.leaky_relu(conv(img, dp["c1.w"]) + dp["c1.b"][None, :, None, None], 0.2)
        h = jax.nn.leaky_relu(batch_norm(jax, conv(h, dp["c2.w"]), dp["bn.g"], dp["bn.b"], (0, 2, 3)), 0.2)
        return h.reshape(h.shape[0], -1) @ dp["fc.w"] + dp["fc.b"]

    def d_loss(dp, real, fake):
        return sp(-discriminator(dp, real)).mean() + sp(discriminator(dp, fake)).mean()

    def g_loss_of_fake(fake, dp):
        return sp(-discriminator(dp, fake)).mean()

    def adam(params, grads, m, v, t, b1=0.5, b2=0.999, lr=2e-4, eps=1e-8):
        tm = jax.tree_util.tree_map
        m = tm(lambda mi, gi: b1 * mi + (1 - b1) * gi, m, grads)
        v = tm(lambda vi, gi: b2 * vi + (1 - b2) * gi * gi, v, grads)
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        return tm(lambda w, mi, vi: w - lr * (mi / c1) / (jnp.sqrt(vi / c2) + eps), params, m, v), m, v

    def train(state, real, key):
        (g, gm, gv), (dp, dm, dv), t = state
        t = t + 1
        fake, g_vjp = jax.vjp(lambda gp: generator(gp, jax.random.normal(key, (64, 100))), g)
        dp, dm, dv = adam(dp, jax.grad(d_loss)(dp, real, jax.lax.stop_gradient(fake)), dm, dv, t)
        (g_grads,) = g_vjp(jax.grad(g_loss_of_fake)(fake, dp))
        g, gm, gv = adam(g, g_grads, gm, gv, t)
        return (g, gm, gv), (dp, dm, dv), t
    zeros = lambda tree: jax.tree_util.tree_map(jnp.zeros_like, tree)
    update = jax.jit(train, donate_argnums=0)
    state = [((g, zeros(g), zeros(g)), (dp, zeros(dp), zeros(dp)), jnp.zeros((), "float32"))]

    def step():
        state[0] = update(state[0], x, keys())
        block(jax, state[0])
    return step, {"samples": 64}


WORKLOADS = {"W1-256": w1(256), "W1-1024": w1(1024), "W2": w2, "W3": w3, "W4": w4, "W4-lm": w4lm,
             "W4-gen": w4gen, "W5": w5, "W7": w7, "W8": w8, "W9": w9, "W-GCN": wgcn}

if __name__ == "__main__":
    sys.exit(main())
