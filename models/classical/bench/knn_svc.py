"""kNN and SVC benchmark, scikit-learn side (same workloads as knn_svc.ts).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 knn_svc.py knn [--quick]
    OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 knn_svc.py svc [--quick]

knn: KNeighborsClassifier(n_neighbors=5, algorithm="brute") on the 60,000 Fashion-MNIST training
images (float32 in [0, 1]), predicting the 10,000 test images. svc: SVC() (RBF, C = 1, gamma = "scale",
tol = 1e-3, libsvm) fitted on the first 5,000 training images. --quick: 2,000 training images, 500
queries, SVC on 1,000. Prints one JSON line: {"lib", "workload", "seconds", "accuracy", "corename"}.
"""
import gzip
import json
import os
import sys
import time

import numpy as np

DATA = os.environ.get("NNC_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def load(split):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(DATA, f"{prefix}-images-idx3-ubyte.gz"), "rb") as f:
        raw = f.read()
    x = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(os.path.join(DATA, f"{prefix}-labels-idx1-ubyte.gz"), "rb") as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64)
    return (x.astype(np.float32) / np.float32(255)).copy(), y


def corename():
    try:
        from threadpoolctl import threadpool_info
        for info in threadpool_info():
            if info.get("internal_api") == "openblas":
                return info.get("architecture")
    except Exception:  # threadpoolctl missing: not needed for the timing
        pass
    return None


def main():
    workload = sys.argv[1]
    quick = "--quick" in sys.argv
    xtr, ytr = load("train")
    xte, yte = load("test")
    if workload == "knn":
        from sklearn.neighbors import KNeighborsClassifier
        n, m = (2000, 500) if quick else (60000, 10000)
        clf = KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(xtr[:n], ytr[:n])
        t = time.perf_counter()
        pred = clf.predict(xte[:m])
        seconds = time.perf_counter() - t
        acc = float((pred == yte[:m]).mean())
    else:
        from sklearn.svm import SVC
        n = 1000 if quick else 5000
        clf = SVC()
        t = time.perf_counter()
        clf.fit(xtr[:n], ytr[:n])
        seconds = time.perf_counter() - t
        acc = float((clf.predict(xte[:2000]) == yte[:2000]).mean())
    print(json.dumps({"lib": "sklearn", "workload": workload, "seconds": seconds, "accuracy": acc,
                      "corename": corename()}))


if __name__ == "__main__":
    main()
