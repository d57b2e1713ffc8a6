"""`tui-ft --host BOX data list datasets` over a 50 ms link against the box's own command.

A real sshd on 127.0.0.1 behind the test proxy (benchmarks/_common.SlowBox) delays every
chunk by half the round trip each way. The workspace holds the demo's datasets. The box's
python is named by `$TUI_FT_BOX_PYTHON` and the laptop knows the workspace (`--workspace`),
as after a first connection (the memory). Baselines: the same `tui-ft data list` run on
the box itself (no link), its LLaMA-Factory catalog cache warm (goal, issue 29: <= 1.5x);
and that command run through one plain OpenSSH call over the same link (the floor: the
link's handshake and one exec).

    .venv/bin/python benchmarks/data_list_remote.py [--rtt 50] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import BIN, SlowBox, report
from tui_ft.demo.build import write_datasets


def timed(argv: list[str], env: dict[str, str], cwd: str) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, cwd=cwd)
    took = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {res.stderr.strip()[-400:]}")
    assert json.loads(res.stdout), "no datasets listed"
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rtt", type=float, default=50.0)
    ap.add_argument("--repeat", type=int, default=5)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SlowBox(Path(tmp)) as box:
        root = Path(tmp)
        ws = root / "ws"
        write_datasets(ws / "datasets")
        env = dict(os.environ, TUI_FT_CONFIG=str(root / "config.yaml"),
                   TUI_FT_KNOWN_HOSTS=str(root / "known"), TUI_FT_BOX_PYTHON=sys.executable,
                   HOME=str(root), OMP_NUM_THREADS="1")  # fmt: skip
        box.proxy.delay = opts.rtt / 2000
        tui_ft = str(BIN / "tui-ft")
        remote = [tui_ft, "--host", box.spec, "--workspace", str(ws), "data", "list", "datasets",
                  "--json"]  # fmt: skip
        local = [tui_ft, "data", "list", "datasets", "--json"]
        timed(local, env, str(ws))  # the box's catalog cache, as after its first listing
        timed(remote, env, str(root))
        port = box.proxy.port
        plain = ["ssh", "-p", str(port), "-i", str(box.key), "-o", "BatchMode=yes",
                 "-o", f"UserKnownHostsFile={root / 'known'}", f"{box.sshd.user}@127.0.0.1",
                 f"cd {ws} && {tui_ft} data list datasets --json"]  # fmt: skip
        ours = [timed(remote, env, str(root)) for _ in range(opts.repeat)]
        base = [timed(local, env, str(ws)) for _ in range(opts.repeat)]
        floor = [timed(plain, env, str(root)) for _ in range(opts.repeat)]
    report(
        f"tui-ft --host data list datasets (RTT {opts.rtt:.0f} ms) vs on the box itself",
        ours,
        base,
        target="<= 1.5x",
    )
    report("  ... vs the box's command through one plain ssh call", ours, floor)


if __name__ == "__main__":
    main()
