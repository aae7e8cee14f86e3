"""PyTorch side of bench/gpt_loss_compare.ts: trains bench/_gpt_torch.py's GPT from the weights nnc
wrote, on the batches of nnc's plan, and prints one JSON line with the loss curve.

Usage: python3 bench/gpt_torch_train.py PLAN.json INIT.safetensors THREADS
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
from _gpt_torch import make_gpt, read_safetensors  # noqa: E402


def main():
    plan_path, init_path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    torch.set_num_threads(threads)
    with open(plan_path) as f:
        plan = json.load(f)
    block = plan["block"]
    ids = torch.tensor(plan["ids"], dtype=torch.long)
    model = make_gpt(torch, plan["vocabSize"], block, d_model=128, num_heads=4, num_layers=plan["layers"],
                     dim_feedforward=512)
    missing, unexpected = model.load_state_dict(read_safetensors(torch, init_path), strict=False)
    if missing or unexpected:
        raise SystemExit(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    opt = torch.optim.Adam(model.parameters(), lr=plan["lr"])
    F = torch.nn.functional

    def batch(starts):
        idx = torch.tensor(starts)[:, None] + torch.arange(block)[None, :]
        return ids[idx], ids[idx + 1]

    def loss_of(starts):
        x, y = batch(starts)
        return F.cross_entropy(model(x).reshape(-1, plan["vocabSize"]), y.reshape(-1))

    curve = []
    steps = len(plan["train"])
    for step in range(1, steps + 1):
        opt.zero_grad()
        loss = loss_of(plan["train"][step - 1])
        loss.backward()
        opt.step()
        if step % plan["every"] == 0 or step == steps:
            with torch.no_grad():
                valid = sum(loss_of(s).item() for s in plan["valid"]) / len(plan["valid"])
            curve.append({"step": step, "train": loss.item(), "valid": valid})
    print(json.dumps({"curve": curve, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
