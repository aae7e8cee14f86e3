"""Summarises a V8 .cpuprofile (from `deno run --cpu-prof`): self and inclusive time per function,
and optionally the callers of one function.

Usage: python3 bench/cpuprofile_summary.py FILE.cpuprofile [--top 30] [--callers allocTyped]
"""
import argparse
import collections
import json


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--callers", default=None, help="substring of a function to show the call chains of")
    p.add_argument("--depth", type=int, default=5)
    a = p.parse_args()
    prof = json.load(open(a.file))
    nodes = {n["id"]: n for n in prof["nodes"]}
    parent = {c: n["id"] for n in prof["nodes"] for c in n.get("children", [])}

    def key(nid):
        cf = nodes[nid]["callFrame"]
        url = cf["url"].split("/")[-2:] if cf["url"] else [""]
        return f'{cf["functionName"] or "(anonymous)"} {"/".join(url)}:{cf["lineNumber"] + 1}'

    samples = list(zip(prof["samples"], prof["timeDeltas"]))
    total = sum(d for _, d in samples) or 1
    own = collections.Counter()
    incl = collections.Counter()
    for s, d in samples:
        own[key(s)] += d
        seen = set()
        nid = s
        while nid is not None:
            k = key(nid)
            if k not in seen:
                incl[k] += d
                seen.add(k)
            nid = parent.get(nid)
    print(f"total {total / 1e3:.0f} ms sampled")
    print("-- self time --")
    for k, t in own.most_common(a.top):
        print(f"{100 * t / total:6.1f}%  {k}")
    print("-- inclusive time --")
    for k, t in incl.most_common(a.top):
        print(f"{100 * t / total:6.1f}%  {k}")
    if a.callers:
        chains = collections.Counter()
        for s, d in samples:
            if a.callers not in key(s):
                continue
            chain, nid = [], parent.get(s)
            while nid is not None and len(chain) < a.depth:
                chain.append(key(nid))
                nid = parent.get(nid)
            chains[" < ".join(chain)] += d
        print(f"-- callers of {a.callers} --")
        for k, t in chains.most_common(a.top):
            print(f"{100 * t / total:6.1f}%  {k}")


if __name__ == "__main__":
    main()
