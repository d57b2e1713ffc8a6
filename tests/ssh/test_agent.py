"""The box's agent (#18): a connection the TUI keeps (it has a heartbeat) answers a polling
screen's refresh in one round trip, counted at the transport; it comes back after a cut;
a headless connection and a box whose python cannot start it keep the one-shot call."""

# ruff: noqa: F811 - the fixtures imported below are test parameters
from __future__ import annotations

import json
import time

import pytest

from tests.ssh.proxy import LinkProxy, count_round_trips, link_proxy, proxied_host  # noqa: F401
from tests.ssh.runs_factory import make_runs
from tui_ft.host.agent import agent_for, run_python
from tui_ft.host.local import LocalHost
from tui_ft.remote.runs_table import runs_table
from tui_ft.train import catch_up, find_run, list_runs
from tui_ft.train.discover import output_sizes
from tui_ft.watch import WatchFiles
from tui_ft.watch.control import read_state
from tui_ft.workspace import Workspace

WATCH_STATE = {"interval": 10, "updated_at": 1767225600, "runs": [], "poweroff": None}


@pytest.fixture
def box_ws(box, box_tmp):
    """Six ended runs; two with a trainer log longer than the listing's 16 KiB tails."""
    ids = make_runs(box_tmp / "ws" / "runs", 6)
    for run in (ids[2], ids[5]):
        log = box_tmp / "ws" / "runs" / run / "output" / "trainer_log.jsonl"
        lines = [json.dumps({"current_steps": s, "total_steps": 500, "loss": 9 - s / 100})
                 for s in range(1, 501)]  # fmt: skip
        log.write_text("\n".join(lines) + "\n")
    watch = box_tmp / "ws" / ".tui-ft" / "watch"
    watch.mkdir(parents=True)
    (watch / "state.json").write_text(json.dumps(WATCH_STATE))
    box.chown(box_tmp / "ws")
    return str(box_tmp / "ws")


def listing(ws: Workspace) -> list[dict]:
    return [r.to_json() for r in list_runs(ws)]


def test_a_refresh_through_the_agent_is_one_round_trip(ssh_host, box_ws):
    headless = listing(Workspace(ssh_host, box_ws))  # no heartbeat: one-shot commands
    assert agent_for(ssh_host) is None
    ssh_host.start_heartbeat()
    ws = Workspace(ssh_host, box_ws)
    assert listing(ws) == headless  # starts the agent: the same answer
    agent = agent_for(ssh_host)
    assert agent is not None and agent.alive
    for _ in range(2):
        with count_round_trips() as rt:
            again = listing(ws)
        assert again == headless
        assert (rt.total, rt.agent) == (1, 1), rt.log
    roots = [r["root"] for r in headless]
    with count_round_trips() as rt:
        sizes = output_sizes(ssh_host, roots)
    assert rt.total == 1 and all(sizes[r] and sizes[r] > 1000 for r in roots), rt.log
    assert agent_for(ssh_host) is agent  # one process for the whole connection


def curve(host, run) -> list[str]:
    return [line for lines, _ in catch_up(host, run.paths.trainer_log) for line in lines]


@pytest.mark.parametrize("marked", [(), (3,)])  # the newest; demo-2
def test_the_runs_table_with_sizes_and_curves_is_one_round_trip(ssh_host, box_ws, marked):
    """What the Runs screen shows (runs, sizes, the marked runs' whole loss curves, the
    watch daemon's state): one round trip through the agent, the same as reading the
    box's files directly."""
    local = runs_table(Workspace(LocalHost(), box_ws))
    ids = [local.runs[i].run_id for i in marked]
    shown = [r for r in local.runs if r.run_id in ids] or local.runs[:1]
    ws = Workspace(ssh_host, box_ws)
    headless = listing(ws)  # dates as SFTP gives them (whole seconds)
    ssh_host.start_heartbeat()
    runs_table(ws, ids)  # starts the agent
    with count_round_trips() as rt:
        table = runs_table(ws, ids)
        curves = [curve(table.host, r) for r in table.runs if r.run_id in {s.run_id for s in shown}]
        watch = WatchFiles(box_ws)
        state, cancelled = read_state(table.host, watch), table.host.exists(watch.cancel_poweroff)
    assert (rt.total, rt.agent) == (1, 1), rt.log
    assert (state, cancelled) == (WATCH_STATE, False)
    assert [r.to_json() for r in table.runs] == headless
    assert table.sizes == local.sizes and all(v and v > 1000 for v in table.sizes.values())
    assert curves == [curve(LocalHost(), r) for r in shown] and len(curves[0]) >= 500


def test_a_log_catch_up_through_the_agent(ssh_host, box_ws):
    """Attach and its history load: the run found in one round trip, the log's lines in
    one per 4 MiB (and one that finds the end), where SFTP needs an open, a read per
    32 KiB and a close."""
    ssh_host.start_heartbeat()
    ws = Workspace(ssh_host, box_ws)
    run = list_runs(ws)[0]
    with count_round_trips() as rt:
        assert find_run(ws, run.run_id[-6:]).root == run.root
        lines = curve(ssh_host, run)
    assert lines == curve(LocalHost(), run) and len(lines) == 500
    assert (rt.total, rt.agent) == (3, 3), rt.log
    missing = run.paths.trainer_log + ".gone"
    assert [x for x, _ in catch_up(ssh_host, missing)] == []


def test_screens_refreshing_at_once_share_the_agent(ssh_host, box_ws):
    """Workers of several screens ask at the same time: each gets its own answer."""
    from concurrent.futures import ThreadPoolExecutor

    ws = Workspace(ssh_host, box_ws)
    headless = listing(ws)
    ssh_host.start_heartbeat()
    code = "import sys; print(sys.argv[1])"
    with ThreadPoolExecutor(6) as pool:
        lists = [pool.submit(listing, ws) for _ in range(4)]
        echoes = [pool.submit(run_python, ssh_host, code, [str(i)]) for i in range(8)]
        assert all(f.result() == headless for f in lists)
        assert [f.result().stdout for f in echoes] == [f"{i}\n" for i in range(8)]
    assert agent_for(ssh_host) is not None


def test_a_script_error_is_its_answer_and_the_agent_lives_on(ssh_host):
    ssh_host.start_heartbeat()
    bad = run_python(ssh_host, "import sys; print('partial'); sys.exit('no such run')", [])
    assert (bad.returncode, bad.stdout, bad.stderr.strip()) == (1, "partial\n", "no such run")
    code = "import os, sys; print(os.environ.get('X'), *sys.argv[1:])"
    ok = run_python(ssh_host, code, ["a b", "c"], env={"X": "1"})
    assert (ok.returncode, ok.stdout) == (0, "1 a b c\n")
    with count_round_trips() as rt:  # the environment of one request does not stay
        again = run_python(ssh_host, code, ["d"])
    assert again.stdout == "None d\n" and rt.total == 1
    child = "import subprocess; subprocess.run(['echo', 'noise']); print('clean')"
    assert run_python(ssh_host, child, []).stdout == "clean\n"  # the replies stay intact
    assert run_python(ssh_host, code, ["e"]).stdout == "None e\n"


def test_a_box_python_that_cannot_run_the_agent_keeps_one_shot_calls(ssh_host, box_ws):
    ws = Workspace(ssh_host, box_ws)
    good = listing(ws)
    ssh_host.python = "/nonexistent/python3"  # the shell reader answers, every time
    ssh_host.start_heartbeat()
    generation = ssh_host.generation
    assert listing(ws) == good
    assert agent_for(ssh_host) is None
    assert listing(ws) == good
    assert ssh_host.link.up and ssh_host.generation == generation  # the link was never blamed


@pytest.mark.parametrize("how", ["cut", "freeze"])
def test_the_agent_comes_back_after_the_link(proxied_host, link_proxy: LinkProxy, box_ws, how):
    host = proxied_host
    ws = Workspace(host, box_ws)
    before = listing(ws)
    first = agent_for(host)
    assert first is not None
    getattr(link_proxy, how)()
    deadline = time.monotonic() + 60
    while host.link.up and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not host.link.up, "the heartbeat saw the link go"
    link_proxy.restore()
    assert host.wait_up(60), host.link.describe()
    assert listing(ws) == before  # the first call after the reconnect starts a new agent
    second = agent_for(host)
    assert second is not None and second is not first and not first.alive
    with count_round_trips() as rt:
        assert listing(ws) == before
    assert (rt.total, rt.agent) == (1, 1), rt.log
