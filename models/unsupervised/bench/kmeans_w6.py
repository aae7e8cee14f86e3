"""W6 k-means benchmark, Python side: scikit-learn's Lloyd and a PyTorch Lloyd loop.

Same workload as kmeans_w6.ts: the 60,000 Fashion-MNIST training images as float32 in [0, 1],
k = 10, initial centres = images 0, 6000, ..., 54000, 20 Lloyd iterations (tol = 0).

    OMP_NUM_THREADS=2 /usr/bin/python3 models/bench/kmeans_w6.py sklearn
    OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=SKYLAKEX /usr/bin/python3 models/bench/kmeans_w6.py sklearn
    /usr/bin/python3 models/bench/kmeans_w6.py torch

Prints one JSON line: {"lib", "seconds" (best of --repeat), "all", "iterations", "inertia", "corename"}.
"""
import gzip
import json
import os
import sys
import time

import numpy as np

DATA = os.environ.get("NNC_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
K, ITERS, THREADS = 10, 20, int(os.environ.get("NNC_THREADS", "2"))


def load():
    path = os.path.join(DATA, "train-images-idx3-ubyte.gz")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    x = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(60000, 784)
    return (x.astype(np.float32) / np.float32(255)).copy()


def corename():
    try:
        from threadpoolctl import threadpool_info
        for info in threadpool_info():
            if info.get("internal_api") == "openblas":
                return info.get("architecture")
    except Exception:  # threadpoolctl missing: not important for the timing
        pass
    return None


def run_sklearn(x, init):
    from sklearn.cluster import KMeans
    km = KMeans(n_clusters=K, init=init, n_init=1, max_iter=ITERS, tol=0.0, algorithm="lloyd")
    t = time.perf_counter()
    km.fit(x)
    return time.perf_counter() - t, int(km.n_iter_), float(km.inertia_)


def run_torch(x, init):
    import torch
    torch.set_num_threads(THREADS)
    X = torch.from_numpy(x)
    C = torch.from_numpy(init.copy())
    t = time.perf_counter()
    xx = (X * X).sum(1)
    for _ in range(ITERS):
        d = (C * C).sum(1)[None, :] - 2.0 * (X @ C.T)
        labels = d.argmin(1)
        sums = torch.zeros_like(C).index_add_(0, labels, X)
        counts = torch.bincount(labels, minlength=K).to(X.dtype)
        nonempty = counts > 0
        C = torch.where(nonempty[:, None], sums / counts.clamp(min=1)[:, None], C)
    d = (C * C).sum(1)[None, :] - 2.0 * (X @ C.T)
    inertia = float((xx + d.min(1).values).clamp(min=0).sum())
    return time.perf_counter() - t, ITERS, inertia


def main():
    lib = sys.argv[1] if len(sys.argv) > 1 else "sklearn"
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    x = load()
    init = x[np.arange(K) * 6000].copy()
    runner = run_sklearn if lib == "sklearn" else run_torch
    results = [runner(x, init) for _ in range(repeat)]
    best = min(r[0] for r in results)
    print(json.dumps({
        "lib": lib,
        "seconds": best,
        "all": [round(r[0], 4) for r in results],
        "iterations": results[0][1],
        "inertia": results[0][2],
        "corename": corename(),
        "coretype_env": os.environ.get("OPENBLAS_CORETYPE"),
    }))


if __name__ == "__main__":
    main()
