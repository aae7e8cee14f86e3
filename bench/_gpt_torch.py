"""The PyTorch twin of @nnc/models/transformer's GPT, for bench/torch_worker.py (W5) and
bench/gpt_loss_torch.py: the same modules under the same names (tok_emb, pos_emb, blocks.i as
pre-LN nn.TransformerEncoderLayer with GELU, ln_f, output tied to tok_emb), so that a state dict
written by nnc loads unchanged. Also a reader for the safetensors files nnc writes (the Debian
PyTorch has no safetensors package).
"""
import json
import struct


def make_gpt(torch, vocab_size, block_size, d_model=128, num_heads=4, num_layers=2, dim_feedforward=512,
             dropout=0.0):
    nn = torch.nn

    class LearnedPositions(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(block_size, d_model) * 0.02)

        def forward(self, x):
            return x + self.weight[: x.shape[1]]

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok_emb = nn.Embedding(vocab_size, d_model)
            self.pos_emb = LearnedPositions()
            self.drop = nn.Dropout(dropout)
            self.blocks = nn.ModuleList([
                nn.TransformerEncoderLayer(d_model, num_heads, dim_feedforward=dim_feedforward, dropout=dropout,
                                           activation="gelu", batch_first=True, norm_first=True)
                for _ in range(num_layers)])
            self.ln_f = nn.LayerNorm(d_model)
            self.register_buffer("causal", torch.triu(torch.full((block_size, block_size), float("-inf")), 1),
                                 persistent=False)
            with torch.no_grad():  # GPT-2's initialisation, as nnc's GPT.resetParameters
                nn.init.normal_(self.tok_emb.weight, 0, 0.02)
                for b in self.blocks:
                    nn.init.normal_(b.self_attn.in_proj_weight, 0, 0.02)
                    nn.init.normal_(b.self_attn.out_proj.weight, 0, 0.02 / (2 * num_layers) ** 0.5)
                    nn.init.normal_(b.linear1.weight, 0, 0.02)
                    nn.init.normal_(b.linear2.weight, 0, 0.02 / (2 * num_layers) ** 0.5)
                    for bias in (b.self_attn.in_proj_bias, b.self_attn.out_proj.bias, b.linear1.bias, b.linear2.bias):
                        nn.init.zeros_(bias)

        def forward(self, idx):
            t = idx.shape[1]
            x = self.drop(self.pos_emb(self.tok_emb(idx)))
            mask = self.causal[:t, :t]
            for b in self.blocks:
                x = b(x, src_mask=mask)
            return self.ln_f(x) @ self.tok_emb.weight.T

    return GPT()


_DTYPES = {"F32": ("<f4", 4), "F64": ("<f8", 8), "I32": ("<i4", 4)}


def read_safetensors(torch, path):
    """The tensors of a safetensors file as a dict of torch tensors."""
    import numpy as np
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        fmt, _ = _DTYPES[info["dtype"]]
        start, end = info["data_offsets"]
        arr = np.frombuffer(blob[base + start:base + end], dtype=fmt).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out
