"""PyTorch side of native/bench/compare.ts: conv forward (batch 64) and sgemm n=1024, best-of-N
seconds as JSON. usage: python3 torch_bench.py THREADS (OPENBLAS_CORETYPE may be set by the caller)."""
import json
import sys
import time

import torch
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)


def best(fn, reps):
    for _ in range(3):
        fn()
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


res = {}
with torch.no_grad():
    for name, c, o, h in (("conv1", 1, 32, 28), ("conv2", 32, 64, 14)):
        x = torch.randn(64, c, h, h)
        w = torch.randn(o, c, 3, 3)
        b = torch.randn(o)
        res[name] = best(lambda: F.conv2d(x, w, b, padding=1), 20)
    a = torch.randn(1024, 1024)
    res["mm1024"] = best(lambda: a @ a, 15)
print(json.dumps(res))
