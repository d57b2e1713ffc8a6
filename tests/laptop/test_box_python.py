"""Every `--host` command runs tui-ft on the box with the box's configured python.

The box here is the usual one (another user behind a real sshd) with one change: its
`python3` and `python` on PATH are a trap, a script that records its call and exits 97,
as on most boxes, whose `python3` has no tui-ft. The box's tui-ft lives in its venv
(`~/.tui-ft-env/bin/python`), named in one place only, one placement per round:

- `laptop`: the laptop config's `hosts.box.python`;
- `box`: the box's own config (`box_python` in its `~/.config/tui-ft/config.yaml`);
- `env`: `$TUI_FT_BOX_PYTHON` on the laptop.

Each command of the CLI registry that reaches the box runs from the laptop's base install,
then the trap's record must be empty. A command added to the registry without a row here
fails `test_every_command_of_the_registry_has_a_row`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.laptop.venv import LaptopEnv
from tests.ssh.box import BoxAccount, create_box_account, remove_box_account
from tests.ssh.sshd import Sshd, start_sshd

pytestmark = pytest.mark.ssh

TRAP = '#!/bin/sh\necho "$0 $*" >> "{log}"\nexit 97\n'
PLACEMENTS = ("laptop", "box", "env")

# {ws}: the box's workspace; {home}: the box user's home. rc: the exit codes that mean the
# command did its job (1: it ran and found something to report, e.g. a webhook that failed).
COMMANDS: dict[str, tuple[list[str], tuple[int, ...]]] = {
    "check": (["check", "--json"], (0, 1)),
    "runs": (["runs", "--json"], (0,)),
    "attach": (["attach", "no-such-run"], (1, 2)),
    "stop": (["stop", "no-such-run"], (1, 2)),
    "resume": (["resume", "no-such-run"], (1, 2)),
    "delete": (["delete", "no-such-run"], (1, 2)),
    "train": (["train", "{home}/nope.yaml"], (1, 2)),
    "fit": (["fit", "--report", "--json"], (0, 1, 2)),
    "model list": (["model", "list", "--json"], (0,)),
    "model verify": (["model", "verify", "tiny-llama-demo", "--json"], (0,)),
    "model download": (["model", "download", "no-such/repo", "--hub", "hf", "--json"], (1, 2)),
    "data lint": (["data", "lint", "datasets/identity.json", "--json"], (0,)),
    "data list": (["data", "list", "datasets", "--json"], (0,)),
    "data preview": (["data", "preview", "datasets/identity.json", "--json"], (0,)),
    "data register": (
        [
            "data",
            "register",
            "datasets/identity.json",
            "--dataset-dir",
            "{ws}/datasets",
            "--name",
            "trap_check",
            "--replace",
        ],
        (0,),
    ),
    "data fill": (
        ["data", "fill", "datasets/identity.json", "--name", "T", "--out", "{ws}/f.json"],
        (0,),
    ),
    "eval": (["eval", "--model", "no-such-model", "--dataset", "identity_demo"], (1, 2)),
    "ask": (["ask", "no-such-model", "hi"], (1, 2)),
    "export": (["export", "--model", "no-such-model", "--out", "{ws}/exports/x"], (1, 2)),
    "gguf": (["gguf", "no-such-model", "--out", "exports/x.gguf"], (1, 2)),
    "gguf-info": (["gguf-info", "{ws}/exports/tiny.gguf", "--json"], (0,)),
    "gguf-check-template": (
        ["gguf-check-template", "{ws}/exports/tiny.gguf", "--hf", "tiny-llama-demo"],
        (0, 1, 2),
    ),
    "gguf-finish": (["gguf-finish", "{ws}/exports/none.gguf", "--hf", "tiny-llama-demo"], (1, 2)),
    "gguf-perplexity": (
        ["gguf-perplexity", "{ws}/exports/none.gguf", "--data", "datasets/identity.json"],
        (1, 2),
    ),
    "gguf-verify": (["gguf-verify", "{ws}/exports/none.gguf"], (1, 2)),
    "notify test": (["notify", "test"], (1,)),  # the laptop's webhook points at a closed port
    "watch": (["watch", "--status"], (0, 1)),
    "remote check": (["remote", "check", "--json"], (0,)),
    "remote setup": (["remote", "setup", "--dry-run"], (0,)),
    "replay": (["replay", "{recipe}", "--dry-run"], (0,)),
}

NOT_ON_THE_BOX = {
    "demo": "builds a workspace on this machine",
    "setup textonly": "patches this interpreter's LLaMA-Factory",
    "setup llama-tools": "compiles llama.cpp on the box for minutes (python: host.python)",
    "recipe list": "reads the shipped recipes here",
    "recipe validate": "checks a recipe file here",
    "recipe k8s": "writes a manifest here",
    "remote trust": "runs no python: asks about the host key",
    "multinode": "takes its own --nodes (tests/ssh/test_multinode*)",
    "multinode-stop": "takes its own --nodes",
    "multinode-fingerprint": "run by multinode on each node, with that node's python",
}


def registry_commands() -> list[str]:
    """The leaf commands of the CLI registry, as `group action` names."""
    from tui_ft.cli import build_parser

    found: list[str] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if not isinstance(action, argparse._SubParsersAction):
                continue
            seen: set[int] = set()
            for name, child in action.choices.items():
                if id(child) in seen:
                    continue
                seen.add(id(child))
                subs = [a for a in child._actions if isinstance(a, argparse._SubParsersAction)]
                if subs:
                    walk(child, [*prefix, name])
                else:
                    found.append(" ".join([*prefix, name]))

    walk(build_parser(), [])
    return found


def test_every_command_of_the_registry_has_a_row():
    missing = set(registry_commands()) - set(COMMANDS) - set(NOT_ON_THE_BOX)
    assert not missing, f"add a row to COMMANDS (or NOT_ON_THE_BOX) for: {sorted(missing)}"


@dataclass
class TrapBox:
    box: BoxAccount
    sshd: Sshd
    log: Path

    def fired(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture(scope="module")
def trap_box(ssh_keys: Path, demo_workspace: Path, tmp_path_factory) -> Iterator[TrapBox]:
    box = create_box_account((ssh_keys / "authorized_keys").read_text())
    try:
        trap = box.mkdir(box.home / "trap")
        log = box.home / "trap.log"
        for name in ("python3", "python"):
            (trap / name).write_text(TRAP.format(log=log))
            (trap / name).chmod(0o755)
        box.chown(trap)
        shutil.copytree(demo_workspace, box.workspace)
        _tiny_gguf(box.workspace / "exports" / "tiny.gguf")
        box.chown(box.workspace)
        # No interpreter folder on PATH: the trap first, then the system's.
        sshd = start_sshd(
            tmp_path_factory.mktemp("trap-sshd"),
            box=box,
            path=f"{trap}:/usr/local/bin:/usr/bin:/bin",
        )
        try:
            yield TrapBox(box, sshd, log)
        finally:
            sshd.stop()
    finally:
        remove_box_account(box)


def _tiny_gguf(path: Path) -> None:
    import gguf
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_block_count(1)
    writer.add_tensor("token_embd.weight", np.zeros((4, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


@dataclass
class Laptop:
    env: dict[str, str]
    cwd: Path
    recipe: Path


@pytest.fixture(scope="module", params=PLACEMENTS)
def placement(request, trap_box: TrapBox, ssh_keys: Path, laptop: LaptopEnv, tmp_path_factory):
    """A laptop HOME reaching the trap box as `box`, the box's python named in one place."""
    where = request.param
    box = trap_box.box
    home = tmp_path_factory.mktemp(f"laptop-{where}") / "home"
    dot = home / ".ssh"
    dot.mkdir(parents=True)
    for name in ("id_ed25519", "id_ed25519.pub"):
        shutil.copy(ssh_keys / name, dot / name)
        (dot / name).chmod(0o600)
    (dot / "known_hosts").write_text(trap_box.sshd.known_hosts_line())
    (dot / "config").write_text(
        f"Host box\n  HostName 127.0.0.1\n  Port {trap_box.sshd.port}\n  User {box.user}\n"
        "  IdentityFile ~/.ssh/id_ed25519\n"
    )
    laptop_cfg: dict = {"notify": {"webhooks": [{"url": "http://127.0.0.1:9/", "format": "json"}]}}
    if where == "laptop":
        laptop_cfg["hosts"] = {"box": {"python": box.python}}
    (home / ".config" / "tui-ft").mkdir(parents=True)
    (home / ".config" / "tui-ft" / "config.yaml").write_text(yaml.safe_dump(laptop_cfg))
    box_cfg = box.home / ".config" / "tui-ft" / "config.yaml"
    if where == "box":
        box.mkdir(box_cfg.parent)
        box_cfg.write_text(yaml.safe_dump({"box_python": box.python}))
        box.chown(box_cfg)
    else:
        box_cfg.unlink(missing_ok=True)
    env = {"HOME": str(home), "PATH": f"{laptop.root / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8"}
    if where == "env":
        env["TUI_FT_BOX_PYTHON"] = box.python
    recipe = home.parent / "trap.yaml"
    recipe.write_text(
        "name: trap\nsteps:\n  - type: dataset\n"
        "    file: ${workspace}/datasets/identity.json\n    name: identity_trap\n"
    )
    return Laptop(env, home.parent, recipe)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_box_command_runs_the_configured_python(
    command: str, placement: Laptop, trap_box: TrapBox, laptop: LaptopEnv
):
    argv, ok = COMMANDS[command]
    box = trap_box.box
    filled = [a.format(ws=box.workspace, home=box.home, recipe=placement.recipe) for a in argv]
    trap_box.log.unlink(missing_ok=True)
    out = subprocess.run(
        [laptop.tui_ft, "--host", "box", *filled],
        capture_output=True,
        text=True,
        timeout=300,
        env=placement.env,
        cwd=placement.cwd,
    )
    said = (
        f"tui-ft {' '.join(filled)} -> {out.returncode}\n{out.stdout[-1500:]}\n{out.stderr[-1500:]}"
    )
    assert trap_box.fired() == [], said
    assert out.returncode in ok, said
    assert "Traceback" not in out.stderr, said
    if out.returncode != 0:  # a refusal or a report says what it found, never nothing
        assert (out.stdout + out.stderr).strip(), said


def test_the_tui_areas_run_the_configured_python(
    placement: Laptop, trap_box: TrapBox, laptop: LaptopEnv
):
    """The TUI on the trap box: every area's first load (its workers and polls) and the
    set-up check; the trap must stay silent there too."""
    from tests.laptop.test_remote_from_laptop import TUI_AREAS

    script = placement.cwd / "areas.py"
    script.write_text(TUI_AREAS.replace("await pilot.pause(0.5)", "await pilot.pause(2.0)"))
    trap_box.log.unlink(missing_ok=True)
    out = subprocess.run(
        [laptop.python, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        env=placement.env,
        cwd=placement.cwd,
    )
    said = out.stdout[-2000:] + out.stderr[-2000:]
    assert out.returncode == 0, said
    assert [ln.split()[1] for ln in out.stdout.splitlines() if ln.startswith("AREA ")] == [
        "env", "datasets", "train", "runs", "evaluate", "export", "recipes",
    ], said  # fmt: skip
    assert trap_box.fired() == [], said
