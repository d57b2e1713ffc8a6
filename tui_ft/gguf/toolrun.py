"""Run one llama.cpp tool that writes one file: temporary name, log, progress, clean-up.

The converters, the quantiser and llama-imatrix all write as they go; killed or failing
half-way they leave a truncated file that loads as garbage or not at all. Each writes
`.<name>.partial` beside its target, renamed only after a clean exit, so the target is
either the previous file or a complete new one. Their output lines go to the log beside
the result (`RunLog`) and to `progress`, with the fraction `fraction` reads from a line.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from tui_ft.gguf.tools import GGUFError
from tui_ft.host.base import Host, HostError

Progress = Callable[[str, float | None], None]
"""(line, fraction done or None)."""


def partial_path(out: str) -> str:
    parent, name = posixpath.split(out)
    return posixpath.join(parent, f".{name}.partial")


def log_path(out: str) -> str:
    """The log of the converter and quantiser runs for `out`: `NAME.log` beside it."""
    return (out[:-5] if out.endswith(".gguf") else out) + ".log"


class RunLog:
    """Collects a tool's output lines and writes them to the log file beside the output.

    The terminal gets a progress bar; the full text stays in the file (appended per step).
    """

    def __init__(self, host: Host, path: str | None) -> None:
        self.host, self.path, self.lines = host, path, []

    def add(self, line: str) -> None:
        self.lines.append(line.rstrip("\n"))

    def flush(self, title: str) -> None:
        if not self.path:
            return
        old = self.host.read_text(self.path) if self.host.exists(self.path) else ""
        self.host.write_text(self.path, old + f"==> {title}\n" + "\n".join(self.lines) + "\n")
        self.lines = []


def last_lines(lines: list[str], n: int = 3) -> str:
    return " | ".join(ln.strip() for ln in lines[-n:] if ln.strip())


def run_to_file(
    host: Host,
    argv: Callable[[str], list[str]],
    out: str,
    *,
    failed: str,
    title: str,
    log: str | None = None,
    progress: Progress | None = None,
    fraction: Callable[[str], float | None] = lambda _line: None,
    env: dict[str, str] | None = None,
    reason: Callable[[list[str]], str] = last_lines,
) -> list[str]:
    """Run `argv(tmp)`, which writes `tmp`, then move `tmp` to `out`; returns the lines.

    A failure raises GGUFError "`failed`: <error>: <reason(lines)>"; `title` heads the log.
    """
    say = progress or (lambda _line, _frac: None)
    tmp = partial_path(out)
    host.makedirs(posixpath.dirname(out) or ".")
    runlog = RunLog(host, log)
    lines: list[str] = []
    try:
        for line in host.stream(argv(tmp), env=env or None):
            lines.append(line)
            runlog.add(line)
            say(line, fraction(line))
        host.rename(tmp, out)
    except HostError as exc:
        raise GGUFError(f"{failed}: {exc}: {reason(lines)}") from exc
    finally:
        runlog.flush(title)
        if host.exists(tmp):
            host.remove(tmp)
    return lines
