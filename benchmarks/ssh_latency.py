"""Delay from a line written on the box to its arrival through the follower, over a
loopback OpenSSH sshd (the box is this machine); and remote CPU/GPU sampling at 1 Hz.

Baseline: polling the file over SFTP every 0.5 s (the base `FileFollower`), the simple
way to tail a remote file. Target: p95 < 100 ms on loopback; with `--rtt MS` the link
goes through the test proxy that delays each chunk by MS/2 each way (tests/ssh/proxy.py),
and the target is p95 < 100 ms + MS/2 (a line only has to cross once).

    .venv/bin/python benchmarks/ssh_latency.py [--lines 200] [--rate 20] [--rtt 50]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import SlowBox, report
from tui_ft.host.base import FileFollower


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1]


def measure(follower, path: Path, lines: int, rate: float, poll_sleep: float) -> list[float]:
    """Write `lines` timestamped lines at `rate` Hz; return each line's delay in ms."""
    delays: list[float] = []

    def writer() -> None:
        with path.open("a") as fh:
            for i in range(lines):
                fh.write(f"{time.perf_counter()} {i}\n")
                fh.flush()
                time.sleep(1 / rate)

    t = threading.Thread(target=writer)
    t.start()
    while len(delays) < lines:
        got = follower.wait(1.0) if hasattr(follower, "wait") else follower.poll()
        now = time.perf_counter()
        delays += [(now - float(ln.split()[0])) * 1000 for ln in got]
        if not got and poll_sleep:
            time.sleep(poll_sleep)
    t.join()
    return delays


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=200)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--samples", type=int, default=5)
    ap.add_argument("--rtt", type=float, default=0.0, help="round trip added by the proxy, ms")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        box = SlowBox(d)
        try:
            host = box.connect(args.rtt)
            ours = measure(host.follow(str(d / "a.log")), d / "a.log", args.lines, args.rate, 0)
            base = measure(
                FileFollower(host, str(d / "b.log")), d / "b.log", args.lines // 2, args.rate, 0.5
            )
            print(
                f"box: {host.describe()} (loopback sshd, {args.rtt:g} ms RTT through the proxy), "
                f"{args.lines} lines at {args.rate} Hz"
            )
            print(
                f"  tail -F channel: p50 {statistics.median(ours):.1f} ms  "
                f"p95 {p95(ours):.1f} ms  max {max(ours):.1f} ms  "
                f"(target p95 < {100 + args.rtt / 2:g} ms)"
            )
            print(
                f"  SFTP poll 0.5 s: p50 {statistics.median(base):.1f} ms  "
                f"p95 {p95(base):.1f} ms  max {max(base):.1f} ms"
            )
            report(
                "line-to-event delay, p95 of each",
                [p95(ours)],
                [p95(base)],
                unit="ms",
                target=f"p95 < {100 + args.rtt / 2:g} ms",
            )

            from tui_ft.remote.sampler import remote_reader
            from tui_ft.train.sampler import SystemSampler

            sampler = SystemSampler(interval=1.0, read=remote_reader(host)).start()
            time.sleep(args.samples + 0.5)
            sampler.stop()
            got = sampler.samples()
            gaps = [b.t - a.t for a, b in itertools.pairwise(got)]
            print(
                f"remote sampling: {len(got)} samples in {args.samples + 0.5:.1f} s, "
                f"mean gap {statistics.mean(gaps):.3f} s (target 1 s), "
                f"cpu {got[-1].cpu_percent}%, {len(got[-1].gpus)} GPU(s)"
            )
            t0 = time.perf_counter()
            res = host.run(["true"])
            print(
                f"  one command start-up on this box: {(time.perf_counter() - t0) * 1000:.0f} ms "
                f"(exit {res.returncode}); the sampler pays it once, not per sample"
            )
            host.close()
        finally:
            box.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
