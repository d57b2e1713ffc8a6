"""`--host` and `--workspace` work before and after the command; the one after wins."""

from __future__ import annotations

import subprocess
import sys

from tests.test_cli_errors import argv_for, leaf_commands
from tui_ft.cli import build_parser, main


def test_every_command_takes_the_global_options_after_it():
    parser = build_parser()
    for words in leaf_commands(parser):
        argv, _ = argv_for(words, "/x/file.yaml", "a,b")
        args = parser.parse_args([*argv, "--workspace", "/after", "--host", "box-after"])
        assert (args.workspace, args.host) == ("/after", "box-after"), words
        args = parser.parse_args(["--workspace", "/before", "--host", "box-before", *argv])
        assert (args.workspace, args.host) == ("/before", "box-before"), words


def test_the_value_after_the_command_wins(tmp_path, capsys):
    before, after = tmp_path / "before", tmp_path / "after"
    assert main(["--workspace", str(before), "runs", "--workspace", str(after)]) == 0
    assert capsys.readouterr().out.strip() == f"no runs in {after / 'runs'}"
    assert main(["--workspace", str(before), "runs"]) == 0
    assert capsys.readouterr().out.strip() == f"no runs in {before / 'runs'}"
    assert main(["model", "list", "--workspace", str(after)]) == 0  # a nested command
    assert capsys.readouterr().out.strip() == f"no models in {after / 'models'}"


def test_host_after_the_command_is_used(tmp_path):
    """The README's form `tui-ft check --host box --json` reaches for that host."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "TUI_FT_CONFIG": str(tmp_path / "c.yaml")}
    res = subprocess.run(
        [sys.executable, "-m", "tui_ft", "check", "--host", "no-such-alias", "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("tui-ft: no-such-alias: unknown host")
