"""Every subcommand, given bad input, ends with one line on stderr and exit 1 or 2.

The commands are read from the argparse parser, so a new command is covered as soon as
it is registered. Each runs as a real process (`python -m tui_ft ...`) with an isolated
HOME, config and workspace: a missing file, a malformed YAML/JSON file, an unknown SSH
host and a missing optional extra (blocked by an import hook in that process only).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui_ft.cli import build_parser

# Commands that never touch a host: `--host` does not apply to them. `gguf-*` (info,
# verify, ...) are tools the TUI runs on the box itself, on the box's files.
LOCAL_ONLY = {
    "setup textonly",  # this interpreter's site-packages
    "recipe list",  # the shipped recipes
    "recipe validate",  # a file here
    "recipe k8s",  # prints a manifest
    "demo",  # builds the demo workspace here
    "notify test",  # webhooks of the config here
    "multinode",  # --nodes, not --host
    "multinode-stop",
    "multinode-fingerprint",
}
# Commands that do not read what is in their files: a malformed one is no error to them.
CONTENT_BLIND = {"multinode-fingerprint"}
# Linters: their report of the file's problems (stdout, exit 1) is the message.
REPORTERS = {"data lint"}
# Arguments for the unknown-host case where a file of the command's own kind is needed.
HOST_ARGS = {"replay": ["replay", "demo"]}
# Optional arguments that would otherwise make a command act on this environment.
EXTRA_ARGS = {"setup textonly": ["--site-packages", "{path}"]}
# A missing extra per command that needs one: (argv, blocked module, the extra named).
MISSING_EXTRAS = [
    (["gguf-info", "{gguf}"], "gguf", "tui-ft[gguf]"),
    (["gguf-verify", "{gguf}"], "llama_cpp", "tui-ft[gguf]"),
    (["gguf-finish", "{gguf}", "--hf", "{tmp}", "--verify"], "llama_cpp", "tui-ft[gguf]"),
    (["recipe", "k8s", "demo", "--image", "img"], "kubernetes_validate", "tui-ft[cluster]"),
    (["demo", "{tmp}/demo-ws"], "torch", "tui-ft[train]"),
]
# Loaded before tui_ft: any import of the blocked top-level module fails as if absent.
BLOCKER = """
import runpy, sys
BLOCKED = sys.argv[1]
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
sys.argv = ["tui-ft", *sys.argv[2:]]
runpy.run_module("tui_ft", run_name="__main__", alter_sys=True)
"""


def leaf_commands(parser: argparse.ArgumentParser, words=()) -> list[tuple[str, ...]]:
    """Every runnable command path, e.g. ("model", "verify"), aliases once."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [words]
    out: list[tuple[str, ...]] = []
    seen: set[int] = set()
    for name, child in subs[0].choices.items():
        if id(child) not in seen:
            seen.add(id(child))
            out += leaf_commands(child, (*words, name))
    return out


def parser_of(words: tuple[str, ...]) -> argparse.ArgumentParser:
    parser = build_parser()
    for word in words:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[word]
    return parser


def argv_for(words: tuple[str, ...], path: str, nodes: str) -> tuple[list[str], bool]:
    """The command with every positional and required option filled; True if a path is in."""
    argv, uses_path = list(words), False
    for action in parser_of(words)._actions:
        if action.option_strings and not action.required:
            continue
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        if action.choices:
            value = str(next(iter(action.choices)))
        elif action.type in (int, float):
            value = "1"
        elif action.dest == "nodes":
            value = nodes
        elif action.dest in ("master_addr",):
            value = "127.0.0.1"
        else:
            value, uses_path = path, True
        argv += [action.option_strings[0], value] if action.option_strings else [value]
    extra = EXTRA_ARGS.get(" ".join(words), [])
    uses_path = uses_path or any("{path}" in a for a in extra)
    return argv + [a.format(path=path) for a in extra], uses_path


@dataclass
class Outcome:
    argv: list[str]
    code: int
    stderr: str
    stdout: str

    def problems(self, must_name: str | None = None, report: str | None = None) -> list[str]:
        """What is wrong with this outcome; progress lines may come before the one error.

        `report`: the command is a linter whose findings on stdout, naming this file, are
        the message (exit 1) when it is not one line on stderr."""
        lines = self.stderr.strip().splitlines()
        errors = [line for line in lines if line.startswith("tui-ft: ")]
        bad = []
        if self.code not in (1, 2):
            bad.append(f"exit {self.code}")
        if "Traceback" in self.stderr:
            bad.append("traceback")
        elif report is not None and any(
            report in line and "error" in line for line in self.stdout.splitlines()
        ):
            pass
        elif len(errors) != 1 or lines[-1] != errors[0]:
            bad.append(f"{len(errors)} 'tui-ft: ' lines on stderr, not last")
        if must_name and must_name not in self.stderr:
            bad.append(f"does not name {must_name!r}")
        return [f"{' '.join(self.argv)}: {', '.join(bad)}\n{self.stderr[-1500:]}"] if bad else []


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """An isolated user: empty ~/.ssh, no agent, its own config and workspace."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("SSH_AUTH_SOCK", "TUI_FT_SSH_CONFIG")}
    env.update(
        HOME=str(home),
        TUI_FT_CONFIG=str(tmp_path / "config.yaml"),
        TUI_FT_WORKSPACE=str(tmp_path / "workspace"),
        TUI_FT_KNOWN_HOSTS=str(home / ".ssh" / "known_hosts"),
        HF_HUB_OFFLINE="1",
        USE_MODELSCOPE_HUB="0",  # `model download` asks the (offline) HF hub, no network
        # llama.cpp's converter sources, vendored once per machine: `gguf` finds them there.
        XDG_CACHE_HOME=os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache"),
    )
    return env


def run_all(argvs: list[list[str]], env: dict[str, str], prefix=None) -> list[Outcome]:
    def one(argv: list[str]) -> Outcome:
        cmd = [sys.executable, *(prefix or ["-m", "tui_ft"]), *argv]
        res = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL
        )
        return Outcome(argv, res.returncode, res.stderr, res.stdout)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, argvs))


def test_every_command_is_enumerated():
    commands = {" ".join(w) for w in leaf_commands(build_parser())}
    # A sample that must be there: the enumeration walks nested subcommands.
    assert {"check", "model verify", "data lint", "recipe k8s", "remote check"} <= commands
    assert len(commands) > 30


@pytest.mark.parametrize("case", ["missing", "malformed"])
def test_bad_files_give_one_line(case, cli_env, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")  # nothing can be created below a regular file
    if case == "missing":
        path = str(blocker / "missing.yaml")
    else:
        path = str(tmp_path / "bad.yaml")
        Path(path).write_text('{"model_name_or_path": [1, 2\n')  # neither YAML nor JSON
    argvs, names = [], []
    for words in leaf_commands(build_parser()):
        argv, uses_path = argv_for(words, path, "no-such-a,no-such-b")
        name = " ".join(words)
        if case == "malformed" and name in CONTENT_BLIND:
            continue
        if uses_path:  # a command that reads no file has no bad file to be given
            argvs.append(argv)
            names.append(name)
    assert len(argvs) >= 20
    problems = []
    for name, outcome in zip(names, run_all(argvs, cli_env), strict=True):
        problems += outcome.problems(report=path if name in REPORTERS else None)
    assert not problems, "\n".join(problems)


# (alias, what the one line says, exit code): a name nothing resolves, a port nobody
# listens on, a real sshd whose host key is not in known_hosts.
HOSTS = {
    "no-such-alias": ("unknown host", 2),
    "refused": ("connection refused", 1),
    "stranger": ("can't be established", 2),
}


@pytest.fixture
def strange_sshd(tmp_path):
    """A real sshd on loopback that this user has never trusted."""
    from tests.ssh.sshd import SSHD, keygen, start_sshd

    if not os.path.exists(SSHD):
        pytest.fail(f"{SSHD} missing (bash scripts/ensure-sshd.sh installs openssh-server)")
    key = keygen(tmp_path / "client_key")
    server = start_sshd(tmp_path / "sshd", Path(f"{key}.pub"))
    yield server
    server.stop()


@pytest.mark.parametrize("alias", sorted(HOSTS))
def test_unreachable_host_gives_one_line(alias, cli_env, tmp_path, request):
    from tests.ssh.sshd import free_port

    port = request.getfixturevalue("strange_sshd").port if alias == "stranger" else free_port()
    (Path(cli_env["HOME"]) / ".ssh" / "config").write_text(
        f"Host refused stranger\n  HostName 127.0.0.1\n  Port {port}\n"
    )
    cfg = tmp_path / "train.yaml"
    cfg.write_text("model_name_or_path: m\nstage: sft\ndo_train: true\ndataset: d\n")
    argvs = [["--host", alias]]  # no command: the TUI's connection
    for words in leaf_commands(build_parser()):
        if " ".join(words) in LOCAL_ONLY or words[0].startswith("gguf-"):
            continue
        argv, _ = argv_for(words, str(cfg), f"{alias},{alias}")
        argvs.append(["--host", alias, *HOST_ARGS.get(" ".join(words), argv)])
    outcomes = run_all(argvs, cli_env)
    problems = []
    for o in outcomes:
        # `remote trust` is the command that handles an unknown key (here: not accepted).
        names = None if o.argv[2:4] == ["remote", "trust"] and alias == "stranger" else alias
        if names and "127.0.0.1" in o.stderr:  # `remote` words its own: the address
            names = "127.0.0.1"
        problems += o.problems(must_name=names)
    assert not problems, "\n".join(problems)
    what, code = HOSTS[alias]
    assert outcomes[0].stderr.startswith(f"tui-ft: {alias}: ")
    assert what in outcomes[0].stderr and outcomes[0].code == code, outcomes[0].stderr


def test_missing_extra_names_the_extra(cli_env, tmp_path):
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 60)
    argvs, expected = [], []
    for argv, module, extra in MISSING_EXTRAS:
        argv = [a.format(gguf=gguf, tmp=tmp_path) for a in argv]
        argvs.append([module, *argv])
        expected.append(extra)
    outcomes = run_all(argvs, cli_env, prefix=["-c", BLOCKER])
    problems = [p for o, x in zip(outcomes, expected, strict=True) for p in o.problems(x)]
    assert not problems, "\n".join(problems)
    assert all(o.code == 2 for o in outcomes)


def test_a_bug_still_shows_its_traceback(cli_env):
    """Only known user errors are shortened: an unknown ModuleNotFoundError is not one."""
    out = run_all([["psutil", "check", "--json"]], cli_env, prefix=["-c", BLOCKER])[0]
    assert out.code == 1 and "Traceback" in out.stderr and "psutil" in out.stderr


def test_ssh_failures_during_a_command_are_one_line():
    """What a dropped link raises mid-command: paramiko's own error, ConnectionLost."""
    import paramiko

    from tui_ft.cli.errors import explain
    from tui_ft.host.ssh import ConnectionLost

    args = argparse.Namespace(host="box", command="runs")
    message, code = explain(paramiko.SSHException("No existing\nsession"), args)
    assert (message, code) == (
        "box: SSH error: No existing session; check the box and run the command again",
        1,
    )
    message, code = explain(ConnectionLost("connection to root@10.0.0.2:22 lost"), args)
    assert code == 1 and message.startswith("box: connection to root@10.0.0.2:22 lost; ")
    assert explain(ValueError("a bug"), args) is None
