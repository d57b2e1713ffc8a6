from __future__ import annotations

import pytest

from tui_ft.config import Config, ConfigError, config_path, default_workspace


def test_env_overrides_locations(tmp_path, monkeypatch):
    monkeypatch.setenv("TUI_FT_CONFIG", str(tmp_path / "c.yaml"))
    monkeypatch.setenv("TUI_FT_WORKSPACE", str(tmp_path / "ws"))
    assert config_path() == tmp_path / "c.yaml"
    assert Config.load().workspace == str(tmp_path / "ws")


def test_workspace_prefers_data_disk(tmp_path, monkeypatch):
    monkeypatch.delenv("TUI_FT_WORKSPACE")
    monkeypatch.setattr("tui_ft.config.DATA_DISKS", (str(tmp_path),))
    assert default_workspace() == str(tmp_path / "tui-ft")
    monkeypatch.setattr("tui_ft.config.DATA_DISKS", (str(tmp_path / "absent"),))
    assert default_workspace().endswith("tui-ft")
    assert not default_workspace().startswith(str(tmp_path))


def test_round_trip(tmp_path):
    cfg = Config(workspace=str(tmp_path), hourly_price=1.88, llama_cpp_dir="/opt/llama.cpp")
    path = cfg.save(tmp_path / "c.yaml")
    loaded = Config.load(path)
    assert loaded.hourly_price == 1.88
    assert loaded.llama_cpp_dir == "/opt/llama.cpp"


def test_bad_yaml_names_file_and_line(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("workspace: /x\nhourly_price: [1,\n")
    with pytest.raises(ConfigError, match=r"c\.yaml:\d+:\d+"):
        Config.load(bad)


def test_unknown_and_wrong_typed_settings(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("hourly_prise: 2\n")
    with pytest.raises(ConfigError, match="hourly_prise"):
        Config.load(bad)
    bad.write_text("hourly_price: -3\n")
    with pytest.raises(ConfigError, match="hourly_price"):
        Config.load(bad)


def test_a_hub_that_does_not_exist_is_named_with_the_choices(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("hub: github\n")
    with pytest.raises(ConfigError, match=r"c.yaml: hub must be one of modelscope, hf, got 'gi"):
        Config.load(bad)
    bad.write_text("hosts:\n  box: {hub: hugging}\n")
    with pytest.raises(ConfigError, match=r"hosts.box.hub must be one of modelscope, hf"):
        Config.load(bad)
    bad.write_text("hosts:\n  box: {hub: hf, hf_endpoint: 'http://mirror'}\n")
    assert Config.load(bad).hosts["box"] == {"hub": "hf", "hf_endpoint": "http://mirror"}
