"""Every remote action costs a few round trips, whatever the number of runs (#18):
counted at the transport (channel opens, synchronous SFTP requests), never timed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ssh.proxy import count_round_trips
from tests.ssh.runs_factory import make_runs
from tui_ft.datasets.info import list_registered
from tui_ft.export.adapters import list_adapters
from tui_ft.host.local import LocalHost
from tui_ft.models.listing import list_models
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


def _seconds(run: dict) -> dict:
    """SFTP (protocol 3) gives whole-second times; the one command gives the box's stat's
    nanoseconds (test_runs_same_numbers): compared to the second here."""
    return {k: int(v) if k in ("ended_at", "active_seconds") and v else v for k, v in run.items()}


def test_listing_in_one_command_matches_file_by_file(ssh_host, box_runs):
    ws = Workspace(ssh_host, str(box_runs(8)))
    runs = list_runs(ws)
    # the same answer as reading every file over SFTP (the old way)
    one_by_one = sorted(
        (run_info(ssh_host, RunPaths(r.root)) for r in runs),
        key=lambda r: r.run_id,
        reverse=True,
    )
    assert [_seconds(r.to_json()) for r in runs] == [_seconds(r.to_json()) for r in one_by_one]
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
    from tui_ft.train.discover import runs_view

    counts = []
    for n in (3, 24):
        root = box_runs(n)
        ws = Workspace(ssh_host, str(root))
        ssh_host.sftp()
        on_the_box = list_adapters(Workspace(LocalHost(), str(root)))  # file by file
        with count_round_trips() as rt:
            listed = list_adapters(ws)
        assert listed == on_the_box and len(listed) > n
        view = runs_view(ws)
        with count_round_trips() as again:  # a view already made is reused
            assert list_adapters(view) == listed
            assert [r.to_json() for r in list_runs(view)] == [r.to_json() for r in list_runs(ws)]
        assert again.total == 1, again.log  # the list_runs(ws) of the comparison
        counts.append(rt.total)
    assert counts[0] == counts[1] == 1, counts  # one command, the runs folder's listing in it


def make_models(root: Path, n: int) -> None:
    """`n` models, every other one in an org/name folder, each with a hidden cache folder;
    the first verified at its size, the second verified before it changed."""
    paths = []
    for i in range(n):
        model = root / "models" / ("org" if i % 2 else "") / f"m{i}"
        (model / ".cache").mkdir(parents=True)
        (model / ".cache" / "part").write_bytes(b"x" * 5000)  # not counted
        (model / "config.json").write_text("{}")
        (model / "model.safetensors").write_bytes(b"\0" * (1000 + i))
        paths.append(str(model))
    sizes = {p: (1002 + i, 2) for i, p in enumerate(paths)}
    states = {p: {"status": "ok", "size": sizes[p][0], "files": 2} for p in paths[:1]}
    states.update({p: {"status": "ok", "size": 1, "files": 2} for p in paths[1:2]})
    (root / "models" / ".verified.json").write_text(json.dumps(states))


def test_model_list_and_picker_in_one_round_trip(ssh_host, box, box_tmp: Path):
    """The model list (sizes, verification state) and the model picker's folders cost one
    round trip for 2 models as for 12, and say what a walk on the box says."""
    counts = {}
    for n in (2, 12):
        root = box_tmp / f"models{n}"
        make_models(root, n)
        box.chown(root)
        ws = Workspace(ssh_host, str(root))
        local = Workspace(LocalHost(), str(root))
        ssh_host.sftp()
        with count_round_trips() as rt:
            models = list_models(ws)
        with count_round_trips() as picker:
            folders = ws.list_models()
        assert models == list_models(local) and folders == local.list_models()
        assert len(models) == n and [m.path for m in models] == folders
        states = {m.name: m.state for m in models}
        assert (states.pop("m0"), states.pop("org/m1")) == ("ok", "changed")
        assert set(states.values()) <= {"unverified"} and len(states) == n - 2
        counts[n] = (rt.total, picker.total)
    assert counts[2] == counts[12] == (1, 1), counts


def test_dataset_list_in_one_round_trip(ssh_host, box, box_tmp: Path):
    """Registered datasets with their health: one round trip whatever the count."""
    counts = {}
    for n in (2, 16):
        root = box_tmp / f"data{n}"
        (root / "sub").mkdir(parents=True)
        info = {
            f"d{i}": {"file_name": f"sub/d{i}.json" if i % 2 else f"d{i}.json"} for i in range(n)
        }
        info["hub"] = {"hf_hub_url": "org/set"}
        for i in range(0, n, 2 if n > 2 else 1):
            if i != 0:  # d0 is missing
                (root / info[f"d{i}"]["file_name"]).write_text("[]")
        (root / "dataset_info.json").write_text(json.dumps(info))
        box.chown(root)
        list_registered(ssh_host, str(root))  # the host's LLaMA-Factory asked once
        ssh_host.sftp()
        with count_round_trips() as rt:
            got = list_registered(ssh_host, str(root))
        by_file = list_registered(LocalHost(), str(root))
        key = [(r.name, r.file_name, r.present) for r in by_file]
        assert [(r.name, r.file_name, r.present) for r in got] == key
        assert not got[0].present and got[-1].present and len(got) == n + 1
        counts[n] = rt.total
    assert counts[2] == counts[16] == 1, counts
