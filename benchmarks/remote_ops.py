"""Remote actions over a slow link: time and round trips, with 60 runs on the box.

A real sshd on 127.0.0.1 behind the test proxy (benchmarks/_common.SlowBox). Round trips
are counted at the transport: channel opens, synchronous SFTP requests and requests to
the box's agent. "headless" is a connection as `tui-ft --host` commands open it (one-shot
calls); "kept" is one the TUI keeps (a heartbeat), where polling calls go through the
agent, one long-lived process on the box.

Baseline (issue 18): the same listing run on the box through one SSH command
(`python -m tui_ft runs --json`). Targets: `runs` within 1.5x of it; a refresh costs one
round trip, whatever the number of runs.

    .venv/bin/python benchmarks/remote_ops.py [--runs 60] [--models 12] [--rtt 0,50,150]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import SlowBox, report
from tests.ssh.proxy import count_round_trips
from tests.ssh.runs_factory import make_runs
from tui_ft.datasets.info import list_registered
from tui_ft.export.adapters import list_adapters
from tui_ft.models.listing import list_models
from tui_ft.remote.runs_table import runs_table
from tui_ft.train import catch_up, find_run, list_runs, run_info
from tui_ft.train.discover import output_sizes, run_view
from tui_ft.watch.control import read_state
from tui_ft.watch.files import WatchFiles
from tui_ft.workspace import Workspace


def measure(fn: Callable[[], object]) -> tuple[float, int]:
    with count_round_trips() as rt:
        t0 = time.perf_counter()
        fn()
        took = time.perf_counter() - t0
    return took, rt.total


def make_workspace(root: Path, runs: int, models: int) -> None:
    make_runs(root / "runs", runs)
    for i in range(models):  # hub layout for every other one, a few files each
        model = root / "models" / ("org" if i % 2 else "") / f"model-{i}"
        model.mkdir(parents=True)
        for name in ("config.json", "tokenizer.json", "model.safetensors"):
            (model / name).write_text("{}")
    data = root / "datasets"
    data.mkdir()
    info = {f"set{i}": {"file_name": f"set{i}.json"} for i in range(models)}
    for name in list(info)[::2]:
        (data / f"{name}.json").write_text("[]")
    (data / "dataset_info.json").write_text(json.dumps(info))


def refresh(ws: Workspace) -> None:
    """What the Runs screen's reload reads: the table, the marked run's curve, the watch files."""
    table = runs_table(ws)
    list(catch_up(table.host, table.runs[0].paths.trainer_log))
    watch = WatchFiles(ws.root)
    read_state(table.host, watch)
    table.host.exists(watch.cancel_poweroff)


def actions(host, ws: Workspace, env: dict) -> dict[str, Callable[[], object]]:
    runs = list_runs(ws)
    first, roots = runs[0], [r.root for r in runs]
    return {
        "runs (list_runs)": lambda: list_runs(ws),
        "  baseline: runs --json on the box": lambda: host.run(
            [host.python, "-m", "tui_ft", "runs", "--json", "--workspace", ws.root], env=env
        ).check(),
        "Runs screen refresh (runs_table + curve)": lambda: refresh(ws),
        "  before: list + sizes + curve, one by one": lambda: (
            list_runs(ws),
            output_sizes(host, roots),
            list(catch_up(host, first.paths.trainer_log)),
        ),
        "monitor refresh (run + logs + disk)": lambda: run_info(
            run_view(host, first.paths, disk=True), first.paths
        ),
        "attach + history load": lambda: list(
            catch_up(host, find_run(ws, first.run_id).trainer_log)
        ),
        "checkpoint/adapter picker (all runs)": lambda: list_adapters(ws),
        "model list (sizes + verification)": lambda: list_models(ws),
        "model picker / Export sources (folders)": lambda: ws.list_models(),
        "dataset list (entries + health)": lambda: list_registered(host, ws.path("datasets")),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--models", type=int, default=12, help="models and registered datasets")
    ap.add_argument("--rtt", default="0,50,150", help="round trips to test, in ms")
    args = ap.parse_args()
    rtts = [float(x) for x in args.rtt.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        box = SlowBox(d)
        root = d / "ws"
        make_workspace(root, args.runs, args.models)
        env = {"TUI_FT_CONFIG": str(d / "none.yaml")}
        try:
            ours, base = [], []
            print(f"{args.runs} runs, {args.models} models and datasets on the box")
            print("seconds (round trips), headless | kept connection (agent)")
            for rtt in rtts:
                hosts = [box.connect(rtt), box.connect(rtt, heartbeat=True)]
                table: dict[str, list[tuple[float, int]]] = {}
                for host in hosts:
                    host.sftp()  # one SFTP session per connection, opened once
                    ws = Workspace(host, str(root))
                    for name, fn in actions(host, ws, env).items():
                        fn()  # warm: the agent started, LLaMA-Factory's keys asked once
                        table.setdefault(name, []).append(measure(fn))
                print(f"RTT {rtt:.0f} ms")
                for name, ((t1, n1), (t2, n2)) in table.items():
                    print(f"  {name:<42} {t1:7.3f} s ({n1:>2}) | {t2:7.3f} s ({n2:>2})")
                if rtt == rtts[0]:
                    host = hosts[0]
                    runs = list_runs(Workspace(host, str(root)))
                    t, n = measure(lambda h=host, r=runs: [run_info(h, x.paths) for x in r])
                    print(
                        f"  {'before: run_info file by file, all runs':<42} {t:7.3f} s "
                        f"({n} round trips: {n / len(runs):.0f} per run)"
                    )
                ours.append(table["runs (list_runs)"][0][0])
                base.append(table["  baseline: runs --json on the box"][0][0])
                for host in hosts:
                    host.close()
            report(
                "runs listing (headless) vs the same listing run on the box in one command",
                ours,
                base,
                unit="s",
                target="within 1.5x of the baseline at each RTT",
            )
        finally:
            box.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
