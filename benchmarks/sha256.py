"""sha256 verification throughput: tui-ft's hasher against `sha256sum` on the same files.

Two cases in one run: one large file (one thread either way: target >= 0.9x the
throughput of sha256sum) and a folder of several shards (tui-ft hashes files in
parallel threads; sha256sum does them one after another: target >= 1.5x on 2 cores).
Files are read once first so both sides hash from the page cache.

Run: .venv/bin/python benchmarks/sha256.py [--size-mib 512] [--shards 4] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from _common import REPO, report

sys.path.insert(0, str(REPO))
from tui_ft.models.hashing import sha256_files


def make_file(path: str, size: int) -> None:
    block = os.urandom(8 * 2**20)
    with open(path, "wb") as fh:
        for _ in range(size // len(block)):
            fh.write(block)
            block = block[1:] + block[:1]  # not all blocks equal (no dedup tricks)


def time_ours(paths: list[str]) -> float:
    start = time.perf_counter()
    sha256_files(paths)
    return time.perf_counter() - start


def time_sha256sum(paths: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(["sha256sum", *paths], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def case(name: str, paths: list[str], runs: int, target: str) -> None:
    total = sum(os.path.getsize(p) for p in paths)
    for p in paths:  # warm the page cache
        with open(p, "rb") as fh:
            while fh.read(2**24):
                pass
    # correctness first: both must agree
    ours = sha256_files(paths)
    out = subprocess.run(["sha256sum", *paths], capture_output=True, text=True, check=True).stdout
    theirs = {line.split()[1]: line.split()[0] for line in out.splitlines()}
    assert ours == theirs, "digests differ from sha256sum"
    ours_t, base_t = [], []
    for _ in range(runs):  # interleaved, so drift hits both sides alike
        ours_t.append(time_ours(paths))
        base_t.append(time_sha256sum(paths))
    ratio = report(name, ours_t, base_t, target=target)
    mib = total / 2**20
    best_o, best_b = sorted(ours_t)[len(ours_t) // 2], sorted(base_t)[len(base_t) // 2]
    print(f"  throughput tui-ft {mib / best_o:.0f} MiB/s, sha256sum {mib / best_b:.0f} MiB/s,"
          f" tui-ft/sha256sum = {1 / ratio:.2f}x")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=512, help="total size of each case")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    size = args.size_mib * 2**20
    print(f"cpus: {os.cpu_count()}, {args.size_mib} MiB per case")
    with tempfile.TemporaryDirectory(prefix="sha-bench-") as tmp:
        big = os.path.join(tmp, "model.safetensors")
        make_file(big, size)
        case("one large file: time ratio (lower is better)", [big], args.runs,
             "throughput >= 0.9x (time ratio <= 1.11)")  # fmt: skip
        os.remove(big)
        shards = []
        for i in range(args.shards):
            shards.append(os.path.join(tmp, f"model-{i + 1:05d}-of-{args.shards:05d}.safetensors"))
            make_file(shards[-1], size // args.shards)
        case(f"{args.shards} shards: time ratio (lower is better)", shards, args.runs,
             "throughput >= 1.5x (time ratio <= 0.667)")  # fmt: skip


if __name__ == "__main__":
    main()
