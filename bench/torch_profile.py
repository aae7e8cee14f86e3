"""PyTorch side of bench/profile_step.ts: per-op CPU time of one workload step (torch.profiler).

Usage: OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_profile.py W2 [--threads 2] [--steps 50]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch_worker  # noqa: E402  (the workload definitions)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=50)
    args = p.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    step, _ = torch_worker.WORKLOADS[args.workload](torch)
    for _ in range(5):
        step()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in range(args.steps):
            step()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))


if __name__ == "__main__":
    main()
