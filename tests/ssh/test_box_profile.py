"""The box profile's interpreter, first match wins (README "Which side a setting belongs
to"): --python, hosts.BOX.python, memory, the laptop's box_python / $TUI_FT_BOX_PYTHON,
the box's own config, python3. Resolved once per connection."""

from __future__ import annotations

import yaml

from tui_ft import hosts
from tui_ft.config import Config


def _resolved(host, config: Config) -> tuple[str, str]:
    host.use_config(config)
    return host.python, host.profile.python_source


def test_the_interpreter_comes_from_the_first_place_that_names_it(ssh_host, box, monkeypatch):
    box_cfg = box.home / ".config" / "tui-ft" / "config.yaml"
    box.mkdir(box_cfg.parent)
    box_cfg.write_text(yaml.safe_dump({"box_python": "/box/python"}))
    box.chown(box_cfg)
    try:
        name = ssh_host.describe()
        entry = Config(hosts={name: {"python": "/entry/python"}}, box_python="/laptop/python")
        assert _resolved(ssh_host, entry) == ("/entry/python", "config")
        assert _resolved(ssh_host, Config(box_python="/laptop/python")) == (
            "/laptop/python", "laptop",
        )  # fmt: skip
        monkeypatch.setenv("TUI_FT_BOX_PYTHON", "/env/python")
        assert _resolved(ssh_host, Config()) == ("/env/python", "laptop")
        monkeypatch.delenv("TUI_FT_BOX_PYTHON")
        assert _resolved(ssh_host, Config()) == ("/box/python", "box")
        hosts.remember(ssh_host, python="python3")  # as earlier versions remembered any box
        assert _resolved(ssh_host, Config()) == ("/box/python", "box")
        hosts.remember(ssh_host, python="/set-up/venv/bin/python")  # remote setup --venv
        assert _resolved(ssh_host, Config()) == ("/set-up/venv/bin/python", "memory")
        ssh_host.use_config(Config(), python="/flag/python")
        assert (ssh_host.python, ssh_host.profile.python_source) == ("/flag/python", "flag")
    finally:
        box_cfg.unlink()
    fresh = type(ssh_host).from_spec(f"ssh -p {ssh_host.target.port} {box.user}@127.0.0.1")
    try:
        hosts.memory_path().unlink()
        assert (fresh.python, fresh.profile.python_source) == ("python3", "default")
    finally:
        fresh.close()
