"""PyTorch and JAX side of bench/cold_start.ts: import, build, first result, exit.

Usage: python bench/cold_start_worker.py torch|jax cnn|matmul
cnn: the demo's CNN (conv32-conv64-fc128-fc10, as bench/cold_start_worker.ts builds it with nnc's
convNet) and one Adam step (lr 1e-3) on a batch of 64 random 28x28 images; for JAX the step is
jax.jit-compiled, as JAX users write it, so its compilation counts. matmul: two random 1024x1024
float32 matrices multiplied. Prints the wall clock (ms since the epoch) at which the result was ready
and the peak resident memory.
"""
import json
import sys
import time


def torch_cnn():
    import torch
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    opt.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    opt.step()


def torch_matmul():
    import torch
    torch.mm(torch.randn(1024, 1024), torch.randn(1024, 1024))


def jax_cnn():
    import jax
    import jax.numpy as jnp
    key = jax.random.PRNGKey(0)
    ks = jax.random.split(key, 10)

    def u(k, shape, fan_in):
        b = 1 / fan_in ** 0.5
        return jax.random.uniform(k, shape, minval=-b, maxval=b)
    p = {"c1w": u(ks[0], (32, 1, 3, 3), 9), "c1b": u(ks[1], (32,), 9),
         "c2w": u(ks[2], (64, 32, 3, 3), 288), "c2b": u(ks[3], (64,), 288),
         "f1w": u(ks[4], (3136, 128), 3136), "f1b": u(ks[5], (128,), 3136),
         "f2w": u(ks[6], (128, 10), 128), "f2b": u(ks[7], (10,), 128)}
    x = jax.random.uniform(ks[8], (64, 1, 28, 28))
    y = jax.random.randint(ks[9], (64,), 0, 10)

    def conv(x, w, b):
        out = jax.lax.conv_general_dilated(x, w, (1, 1), ((1, 1), (1, 1)), dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return out + b[None, :, None, None]

    def pool(x):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def loss(p, x, y):
        h = pool(jax.nn.relu(conv(x, p["c1w"], p["c1b"])))
        h = pool(jax.nn.relu(conv(h, p["c2w"], p["c2b"])))
        h = jax.nn.relu(h.reshape(64, -1) @ p["f1w"] + p["f1b"])
        logp = jax.nn.log_softmax(h @ p["f2w"] + p["f2b"])
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=-1))

    @jax.jit
    def step(p, m, v, x, y):
        g = jax.grad(loss)(p, x, y)
        m = jax.tree_util.tree_map(lambda a, b: 0.9 * a + 0.1 * b, m, g)
        v = jax.tree_util.tree_map(lambda a, b: 0.999 * a + 0.001 * b * b, v, g)
        p = jax.tree_util.tree_map(lambda w, a, b: w - 1e-3 * (a / 0.1) / (jnp.sqrt(b / 0.001) + 1e-8), p, m, v)
        return p, m, v
    zeros = jax.tree_util.tree_map(jnp.zeros_like, p)
    jax.block_until_ready(step(p, zeros, zeros, x, y))


def jax_matmul():
    import jax
    k1, k2 = jax.random.split(jax.random.PRNGKey(0))
    (jax.random.normal(k1, (1024, 1024)) @ jax.random.normal(k2, (1024, 1024))).block_until_ready()


TASKS = {("torch", "cnn"): torch_cnn, ("torch", "matmul"): torch_matmul,
         ("jax", "cnn"): jax_cnn, ("jax", "matmul"): jax_matmul}


def main():
    task = TASKS.get(tuple(sys.argv[1:3]))
    if task is None:
        print(json.dumps({"error": f"unknown task {sys.argv[1:3]}; known: {sorted(TASKS)}"}))
        return
    task()
    ready_at = time.time() * 1000
    peak = None
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    print(json.dumps({"readyAt": ready_at, "peakMB": peak}))


if __name__ == "__main__":
    sys.exit(main())
