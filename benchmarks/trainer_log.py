"""Ingesting a 1M-line trainer_log.jsonl, and the GPU/CPU/RAM sampler's CPU use.

ours:     catch_up (4 MiB chunks through the Host) + TrainerLog.feed: bounded history
baseline: the naive way (LLaMA Board style): read the whole file, json.loads every
          line into a list of dicts.
Targets: >= 200k lines/s with bounded memory; sampler at 1 Hz < 1% of one core.
Run: .venv/bin/python benchmarks/trainer_log.py [LINES]
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import report
from tui_ft.host import LocalHost
from tui_ft.train import SystemSampler, TrainerLog, catch_up


def make_log(path: Path, n: int) -> None:
    with path.open("w") as fh:
        for s in range(1, n + 1):
            rec = {
                "current_steps": s,
                "total_steps": n,
                "loss": 3.0 + 1.0 / s,
                "lr": 1e-4 * (1 - s / n),
                "epoch": s / 1000,
                "percentage": round(s / n * 100, 2),
                "elapsed_time": f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}",
                "remaining_time": "1:00:00",
                "throughput": 1234.5,
                "total_tokens": s * 4096,
            }
            fh.write(json.dumps(rec) + "\n")


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def ours(path: Path) -> tuple[float, float, int]:
    before = rss_mb()
    peak = before
    t0, c0 = time.perf_counter(), time.process_time()
    log = TrainerLog()
    for lines, _ in catch_up(LocalHost(), str(path)):
        log.feed(lines)
        peak = max(peak, rss_mb())
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert log.step == log.total_steps and len(log.loss) <= log.max_points + 1
    return dt, cpu, peak - before, len(log.loss)


def baseline(path: Path) -> tuple[float, float]:
    before = rss_mb()
    t0 = time.perf_counter()
    records = [json.loads(x) for x in path.read_text().splitlines()]
    dt = time.perf_counter() - t0
    grown = rss_mb() - before
    del records
    return dt, grown


def sampler_cpu(seconds: float = 10.0, hz: float = 1.0) -> float:
    """Share of one core the sampler thread uses (its own CPU clock)."""
    sampler = SystemSampler(interval=1 / hz)
    holder: dict[str, float] = {}
    original = sampler._loop

    def timed_loop() -> None:
        t0 = time.thread_time()
        original()
        holder["cpu"] = time.thread_time() - t0

    sampler._loop = timed_loop  # type: ignore[method-assign]
    wall = time.perf_counter()
    sampler.start()
    time.sleep(seconds)
    sampler.stop()
    wall = time.perf_counter() - wall
    assert len(sampler.samples()) >= seconds * hz * 0.8, sampler.error
    return holder["cpu"] / wall


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trainer_log.jsonl"
        make_log(path, n)
        size = os.path.getsize(path)
        print(f"trainer_log.jsonl: {n:,} lines, {size / 2**20:.0f} MiB")
        o_times, b_times = [], []
        for _ in range(3):
            dt, cpu, grown, kept = ours(path)
            o_times.append(dt)
            print(
                f"  ours: {n / dt:,.0f} lines/s wall, {n / cpu:,.0f} lines per CPU-second, "
                f"RSS grew {grown:.0f} MiB, {kept} points kept"
            )
        for _ in range(2):
            dt, grown = baseline(path)
            b_times.append(dt)
            print(f"  baseline: {n / dt:,.0f} lines/s, RSS grew {grown:.0f} MiB")
        report(f"ingest {n:,} lines (seconds)", o_times, b_times, target="lines/s >= 200k")
        print(f"  lines/s (median): {n / sorted(o_times)[1]:,.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (the baseline's list dominates): {peak:.0f} MiB")
    share = sampler_cpu()
    print(f"GPU/CPU/RAM sampler at 1 Hz: {share * 100:.3f}% of one core (target < 1%)")


if __name__ == "__main__":
    main()
