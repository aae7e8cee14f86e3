"""PyTorch side of bench/step_loop.ts: a workload's step in a loop, with the mean step time of each
window of `--every` steps, to watch a long run drift (W8's Adam moments turn subnormal after about a
thousand steps; `--flush-denormal` sets torch.set_flush_denormal(True)).

Usage: ~/.cache/nnc-bench/venv/bin/python bench/torch_step_loop.py W8 [--threads 2] [--steps 3000]
[--every 500] [--flush-denormal]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import torch_worker  # noqa: E402  (the workload definitions)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--every", type=int, default=500)
    p.add_argument("--flush-denormal", action="store_true")
    args = p.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.flush_denormal:
        torch.set_flush_denormal(True)
    step, _ = torch_worker.WORKLOADS[args.workload](torch)
    start = window = time.perf_counter()
    for i in range(1, args.steps + 1):
        step()
        if i % args.every == 0:
            now = time.perf_counter()
            print(f"steps {i - args.every + 1}-{i}: {(now - window) / args.every * 1000:.3f} ms/step",
                  flush=True)
            window = now
    print(f"{args.workload} on torch {torch.__version__}: "
          f"{(time.perf_counter() - start) / args.steps * 1000:.3f} ms/step")


if __name__ == "__main__":
    sys.exit(main())
