"""Which webhooks the box's watch daemon posts to, when the laptop starts it over SSH:
the box's own `notify:` when its config names any, else the laptop's (README's table)."""

from __future__ import annotations

import pytest
import yaml

from tests.watch.box_run import start_box_run
from tests.watch.hookserver import HookServer
from tui_ft.cli import main
from tui_ft.host import open_host

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
            start_box_run(host, ws, "sent", 4)
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
