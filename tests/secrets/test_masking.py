"""Webhook URLs are secrets: no output of tui-ft shows one whole.

Checked where a user sees them: `notify test` (taken, refused, 404, unreachable, a
malformed URL), a config error, `watch --status` and `--json` (with a daemon that sent a
notification for a run that ended, and with a state file an older tui-ft wrote), and the
daemon's log.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.loopback import LoopbackServer, Request
from tests.watch.test_daemon import TRAINER, start_run
from tui_ft.watch.files import WatchFiles

SECRET = "9f8e7d6c5b4a-do-not-show"


class Hooks(LoopbackServer):
    """Takes every POST under /hook/ (Feishu's answer); /refuse refuses as DingTalk does."""

    def handle(self, request: Request, method: str) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        request.rfile.read(length)
        if request.path.startswith("/refuse"):
            request.send_json({"errcode": 310000, "errmsg": "keywords not in content"})
        elif request.path.startswith("/hook/"):
            request.send_json({"code": 0, "msg": "success"})
        else:
            request.send_error(404)


def tui_ft(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui_ft", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.fixture
def env(tmp_path: Path) -> dict:
    return dict(os.environ, TUI_FT_CONFIG=str(tmp_path / "config.yaml"),
                TUI_FT_WORKSPACE=str(tmp_path / "ws"),
                NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")  # fmt: skip


def write_config(env: dict, hooks: list[dict], **more) -> None:
    Path(env["TUI_FT_CONFIG"]).write_text(yaml.safe_dump({"notify": {"webhooks": hooks}, **more}))


def test_notify_test_shows_host_and_masked_path_only(env):
    with Hooks() as srv:
        port = srv.server.server_address[1]
        hooks = [
            {"url": srv.url(f"/hook/{SECRET}"), "format": "feishu"},
            {"url": srv.url(f"/refuse/send?access_token={SECRET}"), "format": "dingtalk"},
            {"url": srv.url(f"/gone/{SECRET}"), "format": "slack"},
            {"url": f"http://127.0.0.1:9/cgi-bin/webhook/send?key={SECRET}", "format": "wecom"},
            {"url": f"http://user:{SECRET}@127.0.0.1:{port}/hook/x", "format": "json"},
            {"url": f"http://127.0.0.1:99999/hook/{SECRET}", "format": "json"},  # bad port
        ]
        write_config(env, hooks)
        proc = tui_ft(env, "notify", "test")
    out = proc.stdout + proc.stderr
    assert SECRET not in out, out
    assert "Traceback" not in out and proc.returncode == 1, out
    lines = proc.stdout.splitlines()
    assert len(lines) == 6, out
    assert lines[0].startswith("ok   feishu") and f"http://127.0.0.1:{port}/…#" in lines[0]
    assert lines[1].startswith("FAIL dingtalk") and "310000" in lines[1]
    assert lines[2].startswith("FAIL slack") and "404" in lines[2]
    assert lines[3].startswith("FAIL wecom") and "unreachable" in lines[3]
    assert "json" in lines[4]  # a password in the URL: never shown either
    assert lines[5].startswith("FAIL json")
    # The same hooks sent from the box's side (`notify test --host`): its --stdin path.
    boxed = tui_ft(env, "notify", "test", "--stdin", stdin=json.dumps({"webhooks": hooks[3:4]}))
    assert SECRET not in boxed.stdout + boxed.stderr and "wecom" in boxed.stdout


def test_a_config_error_does_not_show_the_url(env):
    write_config(env, [{"url": f"ftp://open.feishu.cn/hook/{SECRET}", "format": "feishu"}])
    proc = tui_ft(env, "notify", "test")
    assert proc.returncode == 2 and "must start with http" in proc.stderr
    assert SECRET not in proc.stdout + proc.stderr


def test_watch_status_and_json_and_log_mask_the_urls(env, tmp_path):
    ws = Path(env["TUI_FT_WORKSPACE"])
    (ws / "runs").mkdir(parents=True)
    trainer = tmp_path / "trainer.py"
    trainer.write_text(TRAINER)
    files = WatchFiles(str(ws))
    with Hooks() as srv:
        write_config(env, [{"url": srv.url(f"/hook/{SECRET}"), "format": "feishu"},
                           {"url": f"http://127.0.0.1:9/x?token={SECRET}", "format": "json"}],
                     watch={"interval": 0.3})  # fmt: skip
        assert tui_ft(env, "watch").returncode == 0
        pid = None
        try:
            _paths, pid = start_run(ws, "short-run", 3, 0, trainer)
            deadline = time.time() + 90
            state: dict = {}
            while time.time() < deadline and not state.get("notifications"):
                time.sleep(0.3)
                state = json.loads(tui_ft(env, "watch", "--status", "--json").stdout)["state"] or {}
            (note,) = state["notifications"]
            assert [d["ok"] for d in note["deliveries"]] == [True, False]
            text = tui_ft(env, "watch", "--status").stdout
            assert "short-run" in text
            raw = json.dumps(state)
            for shown in (raw, text, Path(files.log).read_text()):
                assert SECRET not in shown
            port = srv.server.server_address[1]
            assert note["deliveries"][0]["url"].startswith(f"http://127.0.0.1:{port}/…#")
        finally:
            tui_ft(env, "watch", "--stop")
            if pid:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)


def test_a_state_file_of_an_older_tui_ft_is_shown_masked(env):
    """Older daemons kept short URLs whole (`http://host:port/hook?token=...`)."""
    files = WatchFiles(env["TUI_FT_WORKSPACE"])
    Path(files.folder).mkdir(parents=True)
    url = f"http://127.0.0.1:9000/hook?token={SECRET}"
    state = {"updated_at": time.time(), "webhooks": 1, "runs": [], "currency": "",
             "notifications": [{"at": 1.0, "kind": "finished", "run": "r", "text": "done",
                                "deliveries": [{"url": url, "format": "json", "ok": True,
                                                "detail": "sent"}]}]}  # fmt: skip
    Path(files.state).write_text(json.dumps(state))
    out = tui_ft(env, "watch", "--status", "--json").stdout
    assert SECRET not in out
    (delivery,) = json.loads(out)["state"]["notifications"][0]["deliveries"]
    assert delivery["url"].startswith("http://127.0.0.1:9000/…#")
