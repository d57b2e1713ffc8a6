"""Known user errors turned into one line on stderr, where a command starts.

Handlers raise `CLIError` for what they check themselves; this catches what reaches
`main()` from deeper down and is still the user's to fix: a host that cannot be
reached or trusted, a dropped connection, an optional extra that is not installed, a
path the user gave that cannot be read or written.
Anything else is a bug in tui-ft and keeps its traceback.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys

# Top-level modules of the optional extras (pyproject.toml) -> the extra that brings them.
EXTRA_OF_MODULE = {
    "gguf": "gguf",
    "llama_cpp": "gguf",
    "kubernetes_validate": "cluster",
    "llamafactory": "train",
    "torch": "train",
    "transformers": "train",
    "peft": "train",
    "trl": "train",
    "datasets": "train",
    "accelerate": "train",
    "modelscope": "train",
    "jieba": "train",
    "nltk": "train",
    "rouge_chinese": "train",
    "sentencepiece": "train",
}

# Network failures below paramiko and the socket layer (OSError subclasses).
NETWORK_ERRORS = (socket.gaierror, ConnectionError, TimeoutError)


# The argparse dests that hold the words of a (nested) command, outermost first.
COMMAND_KEYS = ("command", "model_command", "data_command", "action", "what", "remote_command")


def command_name(args: argparse.Namespace) -> str:
    """`model verify`, `gguf-info`, ...: the words the user typed to pick the command."""
    words = [getattr(args, key, None) for key in COMMAND_KEYS]
    return " ".join(w for w in words if isinstance(w, str)) or "tui-ft"


def host_name(args: argparse.Namespace) -> str:
    """The host as the user named it: --host, else the config's default_host."""
    spec = getattr(args, "host", None)
    if not spec:
        from tui_ft.config import Config, ConfigError

        try:
            spec = Config.load().default_host
        except (ConfigError, OSError):
            spec = None
    return spec or "local"


def _network_reason(exc: BaseException) -> tuple[str, str, int] | None:
    """(what happened, the fix, exit code) for a socket-level cause, else None."""
    if isinstance(exc, socket.gaierror):
        return (
            "unknown host: its name does not resolve",
            "check the spelling and the aliases (Host, HostName) in ~/.ssh/config, or paste "
            "the `ssh -p ...` line the provider gave you",
            2,
        )
    if isinstance(exc, ConnectionRefusedError):
        return ("connection refused", "is sshd running on the box, and is the port right?", 1)
    if isinstance(exc, TimeoutError):
        return ("no answer (timed out)", "check the address, the port and your network", 1)
    if isinstance(exc, ConnectionError):
        return (f"connection failed ({exc})", "check the network and run the command again", 1)
    return None


def _cause_chain(exc: BaseException):
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


def explain(exc: BaseException, args: argparse.Namespace) -> tuple[str, int] | None:
    """The one-line message and exit code for a known user error; None for a bug."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        top = exc.name.split(".")[0]
        extra = EXTRA_OF_MODULE.get(top)
        if extra is None:
            return None
        return (
            f"{command_name(args)} needs the Python package {top!r}, which is not installed; "
            f"fix: pip install 'tui-ft[{extra}]'",
            2,
        )
    if isinstance(exc, OSError) and _names_a_given_path(exc, args):
        return f"{exc.filename}: {exc.strerror or exc}", 2
    return explain_host(exc, host_name(args))


def explain_host(exc: BaseException, host: str) -> tuple[str, int] | None:
    """`HOST: what happened; fix` for a failure to reach or use `host`; None otherwise."""
    from tui_ft.host.base import HostError

    if not (isinstance(exc, (HostError, *NETWORK_ERRORS)) or _is_ssh_exception(exc)):
        return None
    from tui_ft.host.ssh import ConnectionLost

    for link in _cause_chain(exc):
        reason = _network_reason(link)
        if reason is not None:
            what, fix, code = reason
            return f"{host}: {what}{_address(host)}; {fix}", code
    if isinstance(exc, ConnectionLost):
        return f"{host}: {_host_error_text(exc)}; check the network and run it again", 1
    return f"{host}: {_host_error_text(exc)}", _host_error_code(exc)


def _address(spec: str) -> str:
    """` (user@host:port)` when an alias stands for another address: what was tried."""
    from tui_ft.host.base import HostError
    from tui_ft.host.sshconfig import resolve

    try:
        where = resolve(spec).describe()
    except (HostError, OSError, ValueError):
        return ""
    return f" ({where})" if where.split("@")[-1].split(":")[0] not in spec else ""


def one_line(exc: BaseException, source: str) -> str:
    """An error about the file `source` as one line: PyYAML's own text spans several
    (a caret drawing), so a YAML cause is told as `file:line:col: problem` instead."""
    from tui_ft.yamlpos import yaml_where

    for link in _cause_chain(exc):
        problem = getattr(link, "problem", None)
        if problem and hasattr(link, "problem_mark"):
            context = getattr(link, "context", None)
            what = f"{context}: {problem}" if context else problem
            return f"{source}{yaml_where(link)}: not valid YAML ({what})"
    text = " ".join(str(exc).split())
    return text if source in text else f"{source}: {text}"


def _names_a_given_path(exc: OSError, args: argparse.Namespace) -> bool:
    """True when the failing path is one the user gave (or lies inside one): their typo,
    their permissions. A path tui-ft made up itself failing is a bug and keeps its trace."""
    if not isinstance(exc.filename, str) or not exc.filename:
        return False
    failed = os.path.abspath(exc.filename)
    for key, value in vars(args).items():
        if key in COMMAND_KEYS:  # `runs` is a command here, not a folder
            continue
        for given in value if isinstance(value, list) else [value]:
            if isinstance(given, str | os.PathLike) and str(given):
                root = os.path.abspath(os.path.expanduser(os.fspath(given)))
                if failed == root or failed.startswith(root.rstrip("/") + "/"):
                    return True
    return False


def _host_error_text(exc: BaseException) -> str:
    from tui_ft.host.base import HostError

    text = " ".join(str(exc).split()) or type(exc).__name__  # one line
    if isinstance(exc, HostError):
        return text
    # A bare paramiko error says nothing about what to do next.
    return f"SSH error: {text}; check the box and run the command again"


def _host_error_code(exc: BaseException) -> int:
    """2 for what the user must change (spec, host key, credentials), 1 for failures."""
    from tui_ft.host.knownhosts import HostKeyProblem
    from tui_ft.host.sshconfig import SpecError
    from tui_ft.host.sshconnect import AuthFailed

    return 2 if isinstance(exc, SpecError | HostKeyProblem | AuthFailed) else 1


def _is_ssh_exception(exc: BaseException) -> bool:
    paramiko = sys.modules.get("paramiko")  # never import it just to look
    return paramiko is not None and isinstance(exc, paramiko.SSHException)
