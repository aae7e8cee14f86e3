"""PyTorch side of bench/char_lm_fortunes.ts: the identical character LSTM trained from the same
initial weights on the same batches in the same order.

Usage: python3 bench/char_lm_fortunes_torch.py DIR [--threads N], where DIR holds what
bench/char_lm_fortunes.ts wrote: meta.json (configuration, parameter shapes, the batches as window
indices), train_ids.bin and validation_ids.bin (int32), init/<parameter>.bin (float32). Writes
DIR/torch.json with the same curve as nnc.json.
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn


def read(path, dtype):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=dtype)


class CharLM(nn.Module):
    def __init__(self, V, E, H, L):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.rnn = nn.LSTM(E, H, L, batch_first=True)
        self.head = nn.Linear(H, V)

    def forward(self, x):
        out, _ = self.rnn(self.embedding(x))
        return self.head(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--threads", type=int, default=0)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    meta = json.load(open(os.path.join(a.dir, "meta.json")))
    V, T, B = meta["vocabSize"], meta["seqLen"], meta["batchSize"]
    train = read(os.path.join(a.dir, "train_ids.bin"), torch.int32).long()
    val = read(os.path.join(a.dir, "validation_ids.bin"), torch.int32).long()
    model = CharLM(V, meta["embedding"], meta["hidden"], meta["layers"])
    state = {k: read(os.path.join(a.dir, "init", k + ".bin"), torch.float32).reshape(shape)
             for k, shape in meta["shapes"].items()}
    model.load_state_dict(state)
    opt = torch.optim.Adam(model.parameters(), lr=meta["lr"])
    offsets = torch.arange(T)

    def gather(ids, starts):
        idx = torch.tensor(starts).unsqueeze(1) + offsets
        return ids[idx], ids[idx + 1]

    def validation_loss():
        n = min(meta["valBatches"], (len(val) - 1) // T // B)
        total = 0.0
        with torch.no_grad():
            for k in range(n):
                x, y = gather(val, [(k * B + b) * T for b in range(B)])
                total += nn.functional.cross_entropy(model(x).reshape(-1, V), y.reshape(-1)).item()
        return total / n

    curve, running, count, seconds = [], 0.0, 0, 0.0
    print(f"torch {torch.__version__}: {sum(p.numel() for p in model.parameters())} parameters, "
          f"{meta['steps']} steps, {torch.get_num_threads()} threads")
    for step in range(1, meta["steps"] + 1):
        x, y = gather(train, [k * T for k in meta["batches"][step - 1]])
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), meta["clip"])
        opt.step()
        seconds += time.perf_counter() - t0
        running += loss.item()
        count += 1
        if step % meta["evalEvery"] == 0 or step == meta["steps"]:
            model.eval()
            curve.append({"step": step, "train": running / count, "validation": validation_loss(),
                          "seconds": seconds})
            model.train()
            print(json.dumps(curve[-1]))
            running, count = 0.0, 0
    json.dump({"torch": torch.__version__, "curve": curve}, open(os.path.join(a.dir, "torch.json"), "w"))


if __name__ == "__main__":
    main()
