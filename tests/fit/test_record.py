"""Every run keeps its estimate (fit.json, written at launch) and the peak the monitor saw;
`tui-ft fit --report` lists estimate against actual."""

from __future__ import annotations

import json
import time
from pathlib import Path

from screens.train_fit import PeakTracker
from tests.train.conftest import demo_config
from tui_ft.cli import main
from tui_ft.gpu import GPUInfo
from tui_ft.host import LocalHost
from tui_ft.train.launch import prepare_run
from tui_ft.train.run_state import RunInfo
from tui_ft.train.sampler import Sample
from tui_ft.workspace import Workspace

GIB = 1 << 30


def _gpu(used: int) -> GPUInfo:
    return GPUInfo(0, "GPU", "uuid", 80 * GIB, used, 90, 60, 300.0, 700.0)


class _Screen:
    """What PeakTracker needs of the Train screen: its host and a way to run a worker."""

    def __init__(self, host) -> None:
        self.tui = type("T", (), {"host": host})()

    def run_worker(self, fn, **_kw) -> None:
        fn()


def test_the_estimate_is_saved_at_launch_and_the_monitor_peak_is_reported(
    demo_copy: Path, capsys
) -> None:
    ws = Workspace(LocalHost(), str(demo_copy))
    paths = prepare_run(ws, demo_config(demo_copy), name="calib")
    saved = json.loads((Path(paths.root) / "fit.json").read_text())
    est = saved["estimate"]
    assert est["total"] > est["allocated"] > 0 and est["seq_len"] == 128  # cutoff_len: unmeasured

    tracker, screen = PeakTracker(), _Screen(ws.host)
    info = RunInfo(run_id=paths.run_id, root=paths.root, state="running", pid=1)
    for used in (3 * GIB, 5 * GIB, 4 * GIB):  # NVML samples while the run lives
        tracker.update(screen, paths, info, Sample(time.time(), (_gpu(used),)))
        tracker.last_write = 0.0  # no 10 s wait in a test
    observed = json.loads((Path(paths.root) / "fit.json").read_text())["observed"]
    assert observed["nvml"] == 5 * GIB and observed["source"] == "monitor"

    assert main(["--workspace", str(demo_copy), "fit", "--report", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    row = next(r for r in rows if r["run_id"] == paths.run_id)
    assert row["observed"] == 5 * GIB and row["source"] == "nvml"
    assert row["error"] == (est["total"] - 5 * GIB) / (5 * GIB)
    assert main(["--workspace", str(demo_copy), "fit", "--report"]) == 0
    assert paths.run_id in capsys.readouterr().out
