"""Remote actions over a slow link: time and round trips, with 60 runs on the box.

A real sshd on 127.0.0.1 behind the test proxy that delays every chunk by RTT/2 in each
direction (tests/ssh/proxy.py; there is no `tc netem` here). Round trips are counted at
the transport: channel opens plus synchronous SFTP requests.

Baseline (issue 18): the same listing run on the box through one SSH command
(`python -m tui_ft runs --json`). Targets: `runs` within 1.5x of it; a refresh costs a
fixed number of round trips, whatever the number of runs.

    .venv/bin/python benchmarks/remote_ops.py [--runs 60] [--rtt 0,50,150]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import report
from tests.ssh.proxy import LinkProxy, count_round_trips
from tests.ssh.runs_factory import make_runs
from tests.ssh.sshd import keygen, start_sshd
from tui_ft.host.knownhosts import KnownHosts
from tui_ft.host.ssh import SSHHost
from tui_ft.host.sshconfig import SSHTarget
from tui_ft.train import catch_up, find_run, list_runs, run_info
from tui_ft.train.discover import output_sizes, run_view
from tui_ft.train.rundir import checkpoints
from tui_ft.workspace import Workspace


def measure(fn: Callable[[], object]) -> tuple[float, int]:
    with count_round_trips() as rt:
        t0 = time.perf_counter()
        fn()
        took = time.perf_counter() - t0
    return took, rt.total


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--rtt", default="0,50,150", help="round trips to test, in ms")
    args = ap.parse_args()
    rtts = [float(x) for x in args.rtt.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        key = keygen(d / "id")
        (d / "ak").write_text(Path(f"{key}.pub").read_text())
        sshd = start_sshd(d / "sshd", d / "ak")
        ws_root = d / "ws"
        make_runs(ws_root / "runs", args.runs)
        (ws_root / "models" / "m" / "sub").mkdir(parents=True)
        (ws_root / "models" / "m" / "config.json").write_text("{}")
        (ws_root / "datasets").mkdir()
        proxy = LinkProxy(sshd.port)
        try:
            line = sshd.known_hosts_line().replace(f"]:{sshd.port} ", f"]:{proxy.port} ")
            (d / "known").write_text(line)
            ours, base = [], []
            print(f"{args.runs} runs on the box; seconds (round trips)")
            for rtt in rtts:
                proxy.delay = rtt / 2000
                target = SSHTarget("127.0.0.1", proxy.port, sshd.user, (str(key),))
                host = SSHHost(target, known_hosts=KnownHosts(d / "known"))
                connect, _ = measure(host.connect)
                host.python = sys.executable  # the box is this machine
                host.sftp()  # one SFTP session per connection, opened once
                ws = Workspace(host, str(ws_root))
                runs = list_runs(ws)
                first = runs[0]
                rows = {
                    "runs (list_runs)": lambda ws=ws: list_runs(ws),
                    "  baseline: runs --json on the box": lambda h=host: h.run(
                        [h.python, "-m", "tui_ft", "runs", "--json", "--workspace", str(ws_root)],
                        env={"TUI_FT_CONFIG": str(d / "none.yaml")},
                    ).check(),
                    "Runs screen refresh (list+sizes+curve)": lambda ws=ws, h=host, r=runs: (
                        list_runs(ws),
                        output_sizes(h, [x.root for x in r]),
                        list(catch_up(h, r[0].paths.trainer_log)),
                    ),
                    "monitor refresh (run + logs + disk)": lambda h=host, p=first.paths: run_info(
                        run_view(h, p, disk=True), p
                    ),
                    "attach + history load": lambda ws=ws, h=host, r=first: list(
                        catch_up(h, find_run(ws, r.run_id).trainer_log)
                    ),
                    "checkpoint picker (one run)": lambda h=host, p=first.paths: checkpoints(h, p),
                    "model list": lambda ws=ws: ws.list_models(),
                    "dataset folder": lambda h=host: h.listdir(str(ws_root / "datasets")),
                }
                print(f"RTT {rtt:.0f} ms: connect {connect:.2f}s")
                took = {}
                for name, fn in rows.items():
                    t, n = measure(fn)
                    took[name] = t
                    print(f"  {name:<42} {t:7.3f} s  ({n} round trips)")
                if rtt == rtts[0]:
                    t, n = measure(lambda h=host, r=runs: [run_info(h, x.paths) for x in r])
                    print(
                        f"  {'before: run_info file by file, all runs':<42} {t:7.3f} s  "
                        f"({n} round trips: {n / len(runs):.0f} per run)"
                    )
                ours.append(took["runs (list_runs)"])
                base.append(took["  baseline: runs --json on the box"])
                host.close()
            report(
                "runs listing vs the same listing run on the box in one command",
                ours,
                base,
                unit="s",
                target="within 1.5x of the baseline at each RTT",
            )
        finally:
            proxy.close()
            sshd.stop()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
