"""Every remote action costs a few round trips, whatever the number of runs (#18):
counted at the transport (channel opens, synchronous SFTP requests), never timed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ssh.proxy import count_round_trips
from tests.ssh.runs_factory import make_runs
from tui_ft.train import list_runs, run_info
from tui_ft.train.discover import output_sizes, run_view
from tui_ft.train.rundir import RunPaths
from tui_ft.workspace import Workspace


@pytest.fixture
def box_runs(box, box_tmp: Path):
    """A function making a workspace with `n` ended runs on the box."""

    def make(n: int) -> Path:
        ws = box_tmp / f"ws{n}"
        make_runs(ws / "runs", n)
        box.chown(ws)
        return ws

    return make


def test_listing_in_one_command_matches_file_by_file(ssh_host, box_runs):
    ws = Workspace(ssh_host, str(box_runs(8)))
    runs = list_runs(ws)
    # the same answer as reading every file over SFTP (the old way)
    one_by_one = sorted(
        (run_info(ssh_host, RunPaths(r.root)) for r in runs),
        key=lambda r: r.run_id,
        reverse=True,
    )
    assert [r.to_json() for r in runs] == [r.to_json() for r in one_by_one]
    assert {r.state for r in runs} == {"finished", "failed", "killed", "stopped"}
    assert any(r.resumable for r in runs) and all(r.last_loss is not None for r in runs)


def test_round_trips_per_action_do_not_grow_with_runs(ssh_host, box_runs):
    counts = {}
    for n in (3, 24):
        ws = Workspace(ssh_host, str(box_runs(n)))
        ssh_host.sftp()  # the SFTP session is opened once per connection, not per action
        with count_round_trips() as listing:
            runs = list_runs(ws)
        assert len(runs) == n
        with count_round_trips() as sizes:
            got = output_sizes(ssh_host, [r.root for r in runs])
        assert all(v and v > 0 for v in got.values())
        with count_round_trips() as one:
            info = run_info(run_view(ssh_host, runs[0].paths, disk=True), runs[0].paths)
        assert info.to_json() == runs[0].to_json()
        counts[n] = (listing.total, sizes.total, one.total)
    assert counts[3] == counts[24], counts
    assert all(c <= 2 for c in counts[24]), counts


def test_a_box_without_python_gets_the_same_listing(ssh_host, box_runs):
    ws = Workspace(ssh_host, str(box_runs(4)))
    with_python = [r.to_json() for r in list_runs(ws)]
    ssh_host.python = "/nonexistent/python3"  # the shell reader answers instead
    assert [r.to_json() for r in list_runs(ws)] == with_python


def test_adapter_picker_over_one_listing(ssh_host, box_runs):
    """The adapter/export source picker walks every run: on `runs_view` it costs the same
    few round trips for 3 runs as for 24, and finds the same adapters."""
    from tui_ft.export.adapters import list_adapters
    from tui_ft.train.discover import runs_view

    counts = []
    for n in (3, 24):
        ws = Workspace(ssh_host, str(box_runs(n)))
        ssh_host.sftp()
        direct = list_adapters(ws)
        with count_round_trips() as rt:
            viewed = list_adapters(runs_view(ws))
        assert viewed == direct and len(direct) > n
        counts.append(rt.total)
    assert counts[0] == counts[1] <= 6, counts  # one command + the runs folder listing
