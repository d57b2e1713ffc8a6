"""Hub settings belong to the box: `--host BOX model download` fetches from the box's hub.

The laptop's environment names its own hubs (Hugging Face through HF_ENDPOINT and
USE_MODELSCOPE_HUB=0, a ModelScope endpoint); the box's tui-ft config names another
ModelScope endpoint. Each hub is a loopback server that records what it was asked,
so a setting leaking from the laptop shows as a request to the laptop's hub.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
import yaml

from tests.env.conftest import write_sharded_model
from tests.env.hubserver import HubServer, ModelScopeServer
from tui_ft.cli import main

pytestmark = pytest.mark.ssh
REPO = "tiny-org/box-side"


def _box_config(box, text: str) -> Path:
    """The box's own tui-ft config (`~/.config/tui-ft/config.yaml` of the box user)."""
    path = box.mkdir(box.home / ".config" / "tui-ft") / "config.yaml"
    path.write_text(text)
    box.chown(path)
    return path


def _downloaded(dest: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        assert (dest / name).read_bytes() == data, name
    assert dest.stat().st_uid != 0  # written by the box user, on the box's side


def test_the_box_hub_settings_win_and_the_per_host_entry_wins_over_both(
    ssh_home, box, box_tmp, tmp_path, monkeypatch, capsys
):
    src = write_sharded_model(tmp_path / "src", shards=2)
    files = {p.name: p.read_bytes() for p in src.iterdir()}
    with contextlib.ExitStack() as stack:
        laptop_hf, laptop_ms, box_ms, entry_ms = (
            stack.enter_context(server)
            for server in (
                HubServer(REPO, files),
                ModelScopeServer(REPO, files),
                ModelScopeServer(REPO, files),
                ModelScopeServer(REPO, files),
            )
        )
        # The laptop's own hub settings: were they applied, the download would go to HF.
        monkeypatch.setenv("USE_MODELSCOPE_HUB", "0")
        monkeypatch.setenv("HF_ENDPOINT", laptop_hf.url())
        monkeypatch.setenv("MODELSCOPE_ENDPOINT", laptop_ms.url())
        box_cfg = _box_config(box, f"hub: modelscope\nmodelscope_endpoint: {box_ms.url()}\n")
        try:
            first = box_tmp / "from-box-settings"
            assert main(["--host", "box", "model", "download", REPO, "--dest", str(first)]) == 0
            out = capsys.readouterr().out
            assert f"from modelscope at {box_ms.url()} (hub: config, endpoint: config)" in out
            _downloaded(first, files)
            assert box_ms.ranges and not laptop_hf.requests and not laptop_ms.requests

            # The laptop config's per-host entry overrides the box's settings.
            Path(os.environ["TUI_FT_CONFIG"]).write_text(
                yaml.safe_dump({"hosts": {"box": {"modelscope_endpoint": entry_ms.url()}}})
            )
            box_asked = len(box_ms.requests)
            second = box_tmp / "from-per-host-entry"  # given relative to the box's workspace
            ws = ["--host", "box", "--workspace", str(box_tmp)]
            assert main([*ws, "model", "download", REPO, "--dest", second.name]) == 0
            out = capsys.readouterr().out
            assert f"from modelscope at {entry_ms.url()} (hub: config, endpoint: flag)" in out
            _downloaded(second, files)
            assert entry_ms.ranges and len(box_ms.requests) == box_asked
            assert not laptop_hf.requests and not laptop_ms.requests
        finally:
            box_cfg.unlink()
    assert sorted(os.listdir(ssh_home)) == [".ssh"]  # nothing of the box on the laptop


def test_an_unreachable_box_hub_is_one_line_and_exit_1(ssh_home, box, box_tmp, capsys):
    with ModelScopeServer(REPO, {}) as gone:
        url = gone.url()
    dest = box_tmp / "never"
    argv = ["--host", "box", "model", "download", REPO, "--dest", str(dest)]
    assert main([*argv, "--modelscope-endpoint", url]) == 1
    tail = capsys.readouterr().out.strip().splitlines()[-1]
    assert tail.startswith("tui-ft: ") and REPO in tail and url in tail
