"""PyTorch side of bench/vae_elbo.ts: the VAE 784-400-20 (Bernoulli decoder) on Fashion-MNIST.

Usage: /usr/bin/python3 bench/vae_elbo_torch.py --out DIR [--epochs 10] [--limit 60000] [--seed 0] [--threads 1]

Writes to DIR, for the nnc side to start from the same point and see the same data order:
  init/<name>.npy  the initial state dict (PyTorch's default initialisation), float32
  order.npy        int32 [epochs, n]: the permutation of the training images for each epoch
  torch.json       per epoch: the mean training loss and the test negative ELBO per image, and seconds
The model mirrors mlpVae of @nnc/models/generative (parameter names encoder.0, fcMu, fcLogvar,
decoder.0, decoder.2); the loss is VAE.loss(x, reduction="sum"): BCE with logits summed over pixels
and images plus the analytic KL; Adam lr 1e-3, batch 128 (the last batch of an epoch may be smaller).
"""
import argparse
import gzip
import json
import os
import time

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"


def images(split):
    name = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(DATA, f"{name}-images-idx3-ubyte.gz")) as fh:
        raw = np.frombuffer(fh.read(), dtype=np.uint8, offset=16)
    return (raw.reshape(-1, 784).astype(np.float32) / 255.0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--limit", type=int, default=60000)
    p.add_argument("--test-limit", type=int, default=10000)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Linear(784, 400), nn.ReLU())
            self.fcMu = nn.Linear(400, 20)
            self.fcLogvar = nn.Linear(400, 20)
            self.decoder = nn.Sequential(nn.Linear(20, 400), nn.ReLU(), nn.Linear(400, 784))

        def loss(self, x, reduction="sum"):
            h = self.encoder(x)
            mu, logvar = self.fcMu(h), self.fcLogvar(h)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            rec = F.binary_cross_entropy_with_logits(self.decoder(z), x, reduction="none").sum(1)
            kl = 0.5 * torch.sum(mu.pow(2) + logvar.exp() - logvar - 1, dim=1)
            per = rec + kl
            return per.sum() if reduction == "sum" else per

    train = images("train")[: args.limit]
    test = torch.from_numpy(images("test")[: args.test_limit])
    model = VAE()
    os.makedirs(os.path.join(args.out, "init"), exist_ok=True)
    for k, v in model.state_dict().items():
        np.save(os.path.join(args.out, "init", f"{k}.npy"), v.numpy().astype(np.float32))
    order = np.stack([rng.permutation(len(train)).astype(np.int32) for _ in range(args.epochs)])
    np.save(os.path.join(args.out, "order.npy"), order)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xs = torch.from_numpy(train)
    history = []
    t0 = time.perf_counter()
    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        perm = torch.from_numpy(order[epoch].astype(np.int64))
        for i in range(0, len(train), args.batch_size):
            x = xs[perm[i:i + args.batch_size]]
            opt.zero_grad()
            loss = model.loss(x)
            loss.backward()
            opt.step()
            total += loss.item()
        with torch.no_grad():
            neg_elbo = float(torch.cat([model.loss(test[i:i + 1000], "none")
                                        for i in range(0, len(test), 1000)]).mean())
        history.append({"epoch": epoch + 1, "trainLoss": total / len(train), "testNegElbo": neg_elbo,
                        "seconds": time.perf_counter() - t0})
        print(f"torch epoch {epoch + 1}: train loss {total / len(train):.3f}, test -ELBO {neg_elbo:.3f}", flush=True)
    with open(os.path.join(args.out, "torch.json"), "w") as fh:
        json.dump({"torch": torch.__version__, "threads": args.threads, "epochs": history}, fh)


if __name__ == "__main__":
    main()
