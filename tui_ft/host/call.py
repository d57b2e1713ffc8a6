"""One way to run tui-ft (or a python script) on a host and read its JSON answer.

`call(host, argv)` runs `PYTHON -m tui_ft ARGV` with the host's python (its profile's on
a box, this interpreter here) and parses the JSON that ends its output; `run_script`
does the same for a `python -c` script. One parser (`json_tail`), one error type
(`CallError`) whose message names the machine, the python and what it said.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tui_ft.host.base import CommandResult, Host, HostError


class CallError(HostError):
    """tui-ft or a script on a host failed, or answered no JSON; the message says where."""

    def __init__(self, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.returncode = returncode


def json_tail(text: str) -> Any:
    """The JSON value that ends `text` (one line, or an indented block; libraries may print
    before it). Raises ValueError when there is none."""
    lines = text.rstrip().splitlines()
    for i in range(len(lines) - 1, -1, -1):
        if lines[i][:1] in "{[":
            try:
                return json.loads("\n".join(lines[i:]))
            except ValueError:
                continue
    raise ValueError("no JSON at the end of the output")


@dataclass
class Answer:
    value: Any
    returncode: int
    stderr: str


def _answer(
    host: Host, argv: Sequence[str], res: CommandResult, ok: Sequence[int] | None
) -> Answer:
    shown = " ".join(argv[:4])
    try:
        value = json_tail(res.stdout)
    except ValueError:
        value = None
    if value is None or (ok is not None and res.returncode not in ok):
        why = (res.stderr or res.stdout).strip().splitlines()[-1:] or [f"exit {res.returncode}"]
        where = f" on {host.describe()}" if host.is_remote else ""
        said = why[0].removeprefix("tui-ft: ")  # the box's tui-ft said what and where
        if said != why[0]:
            raise CallError(f"{said}{where}", res.returncode)
        raise CallError(f"{shown}{where} failed (exit {res.returncode}): {said}", res.returncode)
    return Answer(value, res.returncode, res.stderr)


def call(
    host: Host,
    argv: Sequence[str],
    *,
    workspace: str | None = None,
    cwd: str | None = None,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = 600,
    ok: Sequence[int] | None = (0,),
) -> Answer:
    """`tui-ft [--workspace WS] ARGV` on `host` (ARGV asks for JSON); its answer. `ok`: the
    exit codes that still answer (None: any code, when the JSON itself says what failed)."""
    full = [host.python, "-m", "tui_ft"]
    if workspace:
        full += ["--workspace", workspace]
    full += list(argv)
    res = host.run(full, cwd=cwd, env=dict(env) if env else None, timeout=timeout, input=input)
    return _answer(host, full, res, ok)


def run_script(
    host: Host, code: str, *args: str, timeout: float | None = 120, ok: Sequence[int] = (0,)
) -> Any:
    """`PYTHON -c CODE ARGS` on `host`; the JSON it prints last."""
    argv = [host.python, "-c", code, *args]
    res = host.run(argv, timeout=timeout)
    return _answer(host, [host.python, "-c", "<script>"], res, ok).value
