"""`tui-ft notify test` against a loopback server speaking each service's webhook API."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

from tests.watch.hookserver import HookServer

FORMATS = ("json", "slack", "feishu", "dingtalk", "wecom")


def notify_test(tmp_path, hooks: list[dict]) -> subprocess.CompletedProcess:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"notify": {"webhooks": hooks}}))
    env = dict(os.environ, TUI_FT_CONFIG=str(cfg), NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    return subprocess.run(
        [sys.executable, "-m", "tui_ft", "notify", "test"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_each_format_gets_its_services_payload_shape(tmp_path):
    with HookServer() as srv:
        hooks = [{"url": srv.url(f"/{f}"), "format": f} for f in FORMATS]
        proc = notify_test(tmp_path, hooks)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("ok  ") == 5
    (slack,) = srv.bodies("/slack")
    assert set(slack) == {"text"} and "[tui-ft]" in slack["text"]
    (feishu,) = srv.bodies("/feishu")
    assert feishu["msg_type"] == "text" and "test message" in feishu["content"]["text"]
    for path in ("/dingtalk", "/wecom"):
        (body,) = srv.bodies(path)
        assert body["msgtype"] == "text" and "notify test from" in body["text"]["content"]
    (plain,) = srv.bodies("/json")
    assert plain["kind"] == "test" and plain["run"] == "tui-ft" and plain["text"]


def test_a_refusal_in_a_200_answer_and_a_dead_url_fail(tmp_path):
    with HookServer() as srv:
        dead = srv.url("/nowhere").replace(str(srv.server.server_address[1]), "9")
        hooks = [
            {"url": srv.url("/refuse"), "format": "dingtalk"},
            {"url": dead, "format": "slack"},
            {"url": srv.url("/wecom"), "format": "wecom"},
        ]
        proc = notify_test(tmp_path, hooks)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("FAIL dingtalk") and "310000" in lines[0]
    assert lines[1].startswith("FAIL slack") and "unreachable" in lines[1]
    assert lines[2].startswith("ok   wecom")


def test_bad_webhook_settings_are_one_line_errors(tmp_path):
    proc = notify_test(tmp_path, [{"url": "http://127.0.0.1:1/x", "format": "telegram"}])
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert "notify.webhooks[0]" in line and "telegram" in line and "feishu" in line
    proc = notify_test(tmp_path, [])
    assert proc.returncode == 2 and "no webhooks" in proc.stderr


def test_bad_watch_settings_are_one_line_errors(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"watch": {"interval": -1, "power_off": True}}))
    env = dict(os.environ, TUI_FT_CONFIG=str(cfg), TUI_FT_WORKSPACE=str(tmp_path / "ws"))
    proc = subprocess.run([sys.executable, "-m", "tui_ft", "watch"], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert str(cfg) in line and "watch.interval" in line and "non-negative" in line
    assert not (tmp_path / "ws" / ".tui-ft" / "watch" / "pid").exists()  # nothing started
