"""PyTorch side of bench/compare.ts: runs one workload and prints one JSON line of timings.

Usage: python3 bench/torch_worker.py WORKLOAD --threads N --reps R [--warmup W] [--warmup-time S] [--min-time S]
Workloads mirror bench/nnc_worker.ts and bench/_training_workloads.ts exactly (same shapes, batch sizes, optimisers).
"""
import argparse
import json
import os
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--warmup-time", type=float, default=1.0)
    p.add_argument("--min-time", type=float, default=0.2)
    args = p.parse_args()
    try:
        import torch
    except ImportError:
        print(json.dumps({"error": "PyTorch is not installed (Debian: apt-get install python3-torch)"}))
        return
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    base = peak_mb("VmRSS")
    make = WORKLOADS.get(args.workload)
    if make is None:
        print(json.dumps({"error": f"unknown workload {args.workload}"}))
        return
    step, units = make(torch)
    # Same rule as nnc_worker.ts: warm up for --warmup steps and --warmup-time seconds, then time
    # --reps repetitions of k steps, k chosen so that one repetition lasts about --min-time seconds.
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
    print(json.dumps({"times": times, "units": units, "stepsPerRep": k, "torch": torch.__version__,
                      "coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
                      "isaCap": os.environ.get("MKL_ENABLE_INSTRUCTIONS", ""), "peakMB": peak_mb(),
                      "baseMB": base}))


def peak_mb(field="VmHWM"):
    """Peak resident memory of this process (VmHWM), in MB, as nnc_worker.ts reports it; with
    field="VmRSS" the resident memory now (before the workload is built: the start-up's share)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def w1(n):
    def make(torch):
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        reps = max(1, int(2e9 / (2 * n ** 3)))

        def step():
            for _ in range(reps):
                torch.mm(a, b)
        return step, {"flop": 2 * n ** 3 * reps}
    return make


def train_step(torch, model, x, y, loss_fn, opt):
    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    return step


def w2(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    x = torch.rand(128, 784)
    y = torch.randint(0, 10, (128,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    return train_step(torch, model, x, y, nn.functional.cross_entropy, opt), {"samples": 128}


def w3(torch):
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    x = torch.rand(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    return train_step(torch, model, x, y, nn.functional.cross_entropy, opt), {"samples": 64}


def w4(torch):
    nn = torch.nn
    lstm = nn.LSTM(64, 256)
    x = torch.randn(64, 32, 64)
    target = torch.randn(64, 32, 256)
    opt = torch.optim.Adam(lstm.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        out, _ = lstm(x)
        nn.functional.mse_loss(out, target).backward()
        opt.step()
    return step, {"samples": 32}


class _CharLM:
    """The language model of W4-lm and W4-gen (built lazily: torch is imported in main)."""

    @staticmethod
    def make(torch):
        nn = torch.nn

        class CharLM(nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = nn.Embedding(100, 64)
                self.rnn = nn.LSTM(64, 256, 2, batch_first=True)
                self.head = nn.Linear(256, 100)

            def forward(self, x, state=None):
                out, state = self.rnn(self.embedding(x), state)
                return self.head(out), state

        return CharLM().eval()


def w4lm(torch):
    lm = _CharLM.make(torch)
    x = torch.randint(0, 100, (32, 128))

    def step():
        with torch.no_grad():
            lm(x)
    return step, {"samples": 32}


def w4gen(torch):
    lm = _CharLM.make(torch)

    def step():
        with torch.no_grad():
            token, state = torch.tensor([[1]]), None
            for _ in range(100):
                logits, state = lm(token, state)
                token = logits[:, -1].argmax(-1, keepdim=True)
    return step, {"tokens": 100}


def w7(torch):
    a = torch.randn(64)
    b = torch.randn(64)

    def step():
        for _ in range(10000):
            torch.add(a, b)
    return step, {"ops": 10000}


def w7grad(torch):
    a = torch.randn(64, requires_grad=True)
    b = torch.randn(64)

    def step():
        for _ in range(10000):
            torch.add(a, b)
    return step, {"ops": 10000}


def w8(torch):
    """Mirrors mlpVae of @nnc/models/generative and VAE.loss(x, reduction="sum")."""
    nn = torch.nn
    F = nn.functional

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Linear(784, 400), nn.ReLU())
            self.fcMu = nn.Linear(400, 20)
            self.fcLogvar = nn.Linear(400, 20)
            self.decoder = nn.Sequential(nn.Linear(20, 400), nn.ReLU(), nn.Linear(400, 784))

        def forward(self, x):
            h = self.encoder(x)
            mu, logvar = self.fcMu(h), self.fcLogvar(h)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            return self.decoder(z), mu, logvar

    model = VAE()
    x = torch.rand(128, 784)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        logits, mu, logvar = model(x)
        bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        kl = 0.5 * torch.sum(mu.pow(2) + logvar.exp() - logvar - 1)
        (bce + kl).backward()
        opt.step()
    return step, {"samples": 128}


def w9(torch):
    """Mirrors dcganGenerator/dcganDiscriminator and GanTrainer.step of @nnc/models/generative:
    one discriminator update on real and detached fakes, then one generator update on the same fakes
    against the updated discriminator with its parameters frozen; non-saturating loss; Adam 2e-4, beta1 0.5."""
    nn = torch.nn
    F = nn.functional
    g = nn.Sequential(
        nn.Linear(100, 128 * 49, bias=False), nn.BatchNorm1d(128 * 49), nn.ReLU(), nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1), nn.Tanh())
    d = nn.Sequential(
        nn.Conv2d(1, 64, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(128 * 49, 1))
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    x = torch.rand(64, 1, 28, 28) * 2 - 1

    def step():
        z = torch.randn(64, 100)
        fake = g(z)
        d_loss = F.softplus(-d(x)).mean() + F.softplus(d(fake.detach())).mean()
        d_loss.item()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        d.requires_grad_(False)
        g_loss = F.softplus(-d(fake)).mean()
        g_loss.item()
        opt_g.zero_grad()
        g_loss.backward()
        d.requires_grad_(True)
        opt_g.step()
    return step, {"samples": 64}


def wgcn(torch):
    """W-GCN, as bench/_gnn_workloads.ts: 2-layer GCN 64 -> 64 -> 16 on 100,000 nodes and 1,000,000
    random directed edges (no self-loops), propagation D^-1/2 (A + I) D^-1/2 as one torch.sparse
    matrix built once, bias after propagation (PyG's GCNConv), cross-entropy over all nodes, Adam."""
    nn = torch.nn
    n, e, f, h, c = 100_000, 1_000_000, 64, 64, 16
    src = torch.randint(0, n, (e,))
    dst = (src + torch.randint(1, n, (e,))) % n  # never a self-loop
    loop = torch.arange(n)
    row = torch.cat([dst, loop])  # rows are targets: out_i = sum over edges j -> i
    col = torch.cat([src, loop])
    deg = torch.zeros(n).scatter_add_(0, row, torch.ones(row.numel()))
    dinv = deg.pow(-0.5)
    adj = torch.sparse_coo_tensor(torch.stack([row, col]), dinv[row] * dinv[col], (n, n)).coalesce()

    class GCN(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin1 = nn.Linear(f, h, bias=False)
            self.bias1 = nn.Parameter(torch.zeros(h))
            self.lin2 = nn.Linear(h, c, bias=False)
            self.bias2 = nn.Parameter(torch.zeros(c))

        def forward(self, x):
            x = torch.relu(torch.sparse.mm(adj, self.lin1(x)) + self.bias1)
            return torch.sparse.mm(adj, self.lin2(x)) + self.bias2

    model = GCN()
    x = torch.randn(n, f)
    y = torch.randint(0, c, (n,))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    return train_step(torch, model, x, y, nn.functional.cross_entropy, opt), {"nodes": n}


def w5(torch):
    from _gpt_torch import make_gpt
    F = torch.nn.functional
    model = make_gpt(torch, 96, 128, d_model=128, num_heads=4, num_layers=2, dim_feedforward=512)
    x = torch.randint(0, 96, (16, 128))
    y = torch.randint(0, 96, (16, 128))
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x).reshape(-1, 96), y.reshape(-1)).backward()
        opt.step()
    return step, {"samples": 16}


WORKLOADS = {"W1-256": w1(256), "W1-1024": w1(1024), "W2": w2, "W3": w3, "W4": w4, "W4-lm": w4lm,
             "W4-gen": w4gen, "W5": w5, "W7": w7, "W7-grad": w7grad, "W8": w8, "W9": w9, "W-GCN": wgcn}

if __name__ == "__main__":
    sys.exit(main())
