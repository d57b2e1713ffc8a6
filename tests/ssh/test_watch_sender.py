"""Which webhooks the box's watch daemon posts to, when the laptop starts it over SSH:
the box's own `notify:` when its config names any, else the laptop's (README's table)."""

from __future__ import annotations

import json
import posixpath

import pytest
import yaml

from tests.watch.hookserver import HookServer
from tests.watch.test_daemon import TRAINER
from tui_ft.cli import main
from tui_ft.host import open_host
from tui_ft.train.launch import WRAPPER
from tui_ft.train.rundir import RunPaths

pytestmark = pytest.mark.ssh


def _notify(url: str) -> dict:
    return {"notify": {"webhooks": [{"url": url, "format": "json"}]}}


@pytest.mark.parametrize(
    ("on_laptop", "on_box", "sender"),
    [(True, False, "laptop"), (False, True, "box"), (True, True, "box")],
    ids=["laptop-only", "box-only", "both"],
)
def test_the_daemon_posts_to_the_side_the_table_names(
    on_laptop, on_box, sender, ssh_home, box, box_tmp, tmp_path, monkeypatch, capsys
):
    ws = str(box_tmp / "ws")
    with HookServer() as hooks:
        laptop_cfg = {"watch": {"interval": 0.5}}
        if on_laptop:
            laptop_cfg |= _notify(hooks.url("/laptop"))
        cfg = tmp_path / "config.yaml"
        cfg.write_text(yaml.safe_dump(laptop_cfg))
        monkeypatch.setenv("TUI_FT_CONFIG", str(cfg))
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        box_cfg = box.mkdir(box.home / ".config" / "tui-ft") / "config.yaml"
        box_cfg.write_text(yaml.safe_dump(_notify(hooks.url("/box")) if on_box else {}))
        box.chown(box_cfg)
        box_args = ["--host", "box", "--workspace", ws]
        try:
            assert main([*box_args, "watch"]) == 0
            host = open_host("box")
            paths = RunPaths(posixpath.join(ws, "runs", "sent"))
            trainer = posixpath.join(ws, "trainer.py")
            host.write_text(trainer, TRAINER)
            host.write_text(paths.args, "model_name_or_path: tiny\n")
            host.makedirs(paths.output)
            argv = ["sh", "-c", WRAPPER, "tui-ft-run", paths.exit_code, host.python, trainer,
                    paths.trainer_log, "4", "0", paths.args]  # fmt: skip
            pid = host.spawn_detached(
                argv, cwd=paths.root, log_path=paths.launch_log, pid_path=paths.pid
            )
            host.write_text(paths.status, json.dumps({"launches": [{"pid": pid}]}))
            host.close()
            path, body, _ = hooks.wait_for(lambda p: p[1].get("run") == "sent", timeout=120)
            assert (path, body["kind"]) == (f"/{sender}", "finished")
            capsys.readouterr()
            assert main([*box_args, "watch", "--status"]) == 0
            assert "1 webhook(s)" in capsys.readouterr().out
            assert hooks.bodies(f"/{'laptop' if sender == 'box' else 'box'}") == []
        finally:
            main([*box_args, "watch", "--stop"])
            box_cfg.unlink()
