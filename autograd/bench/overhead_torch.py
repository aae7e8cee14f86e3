"""W7 in PyTorch: 10,000 eager adds of two 64-element float32 tensors, with and without
requires_grad (and a chain of 10,000 adds plus backward), on one thread. Prints ns per op.
Run: python3 autograd/bench/overhead_torch.py"""
import time

import torch

torch.set_num_threads(1)
N = 10_000


def per_op(fn, repeats=20):
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best / N * 1e9


a = torch.ones(64)
b = torch.full((64,), 2.0)
ga = a.clone().requires_grad_()
gb = b.clone().requires_grad_()


def plain():
    for _ in range(N):
        a + b


def recorded():
    for _ in range(N):
        ga + gb


def no_grad():
    with torch.no_grad():
        for _ in range(N):
            ga + gb


def chain():
    y = ga
    for _ in range(N):
        y = y + gb
    y.sum().backward()
    ga.grad = None
    gb.grad = None


print(f"torch {torch.__version__}")
print(f"W7 add, no requires_grad:        {per_op(plain):8.0f} ns/op")
print(f"W7 add, requires_grad:           {per_op(recorded):8.0f} ns/op")
print(f"W7 add, requires_grad, no_grad:  {per_op(no_grad):8.0f} ns/op")
print(f"W7 chain of adds + backward:     {per_op(chain, 5):8.0f} ns/op")
