"""`tui-ft --host box watch` / `notify test` / `--strays`: the watchdog on the box over SSH.

The laptop starts it over SSH with its own notify settings, a run starts on the box,
the SSH connection is closed, and the webhook still hears that the run finished.
"""

from __future__ import annotations

import pytest
import yaml

from tests.watch.box_run import start_box_run
from tests.watch.hookserver import HookServer
from tui_ft.cli import main
from tui_ft.host import open_host

pytestmark = pytest.mark.ssh


def test_daemon_on_the_box_reports_after_the_ssh_session_is_gone(
    ssh_home, box_tmp, tmp_path, monkeypatch, capsys
):
    ws = str(box_tmp / "ws")
    with HookServer() as hooks:
        cfg = tmp_path / "config.yaml"
        cfg.write_text(yaml.safe_dump({
            "notify": {"webhooks": [{"url": hooks.url("/json"), "format": "json"}]},
            "watch": {"interval": 0.5},
        }))  # fmt: skip
        monkeypatch.setenv("TUI_FT_CONFIG", str(cfg))
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        box_args = ["--host", "box", "--workspace", ws]
        try:
            assert main([*box_args, "watch"]) == 0
            assert "watching" in capsys.readouterr().out
            host = open_host("box")
            start_box_run(host, ws, "on-box", 8)
            host.close()  # the laptop goes away while the run trains
            _, body, _ = hooks.wait_for(lambda p: p[1].get("run") == "on-box", timeout=120)
            assert body["kind"] == "finished" and body["last_loss"] is not None
            assert main([*box_args, "watch", "--status"]) == 0
            out = capsys.readouterr().out
            assert "on-box" in out and "finished" in out and "1 webhook(s)" in out
        finally:
            main([*box_args, "watch", "--stop"])
    assert "stopped the watch daemon" in capsys.readouterr().out


def test_notify_test_with_host_sends_from_the_box(ssh_home, sshd, tmp_path, monkeypatch, capsys):
    with HookServer() as hooks:
        cfg = tmp_path / "config.yaml"
        cfg.write_text(yaml.safe_dump(
            {"notify": {"webhooks": [{"url": hooks.url("/wecom"), "format": "wecom"}]}}
        ))  # fmt: skip
        monkeypatch.setenv("TUI_FT_CONFIG", str(cfg))
        assert main(["--host", "box", "notify", "test"]) == 0
        (body,) = hooks.bodies("/wecom")
    assert capsys.readouterr().out.startswith("ok   wecom")
    assert body["msgtype"] == "text"
    assert f"notify test from {sshd.user}@" in body["text"]["content"]  # the box's user sent it


def test_stray_gpu_processes_are_read_on_the_box(ssh_home, box_tmp, capsys):
    """The listing and the kill run on the box (its NVML, its processes); without a GPU
    the list is empty and nothing can be killed, as the GPU panel shows it."""
    from tui_ft.watch.gpuprocs import kill_stray_on, strays_on

    host = open_host("box")
    try:
        assert strays_on(host, str(box_tmp / "ws")) == []
        sleeper = host.run(["sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"]).stdout.strip()
        assert not kill_stray_on(host, str(box_tmp / "ws"), int(sleeper))  # not on a GPU
        assert host.is_alive(int(sleeper))
        host.signal(int(sleeper), 9, group=False)
    finally:
        host.close()
    assert main(["--host", "box", "--workspace", str(box_tmp / "ws"), "watch", "--strays"]) == 0
    assert "no GPU process outside the runs" in capsys.readouterr().out
