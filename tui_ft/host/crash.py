"""One line for a child that did not exit cleanly, above all one that crashed.

A native crash (llama.cpp, torch) leaves no Python traceback and often no output at
all, so "`…` exited -11" followed by nothing told the user nothing. A child that died
by a signal shows up three ways: a negative return code here (subprocess), an exit of
128+N through a shell that ran it, or an SSH `exit-signal` with the signal's name.
Each becomes: the program, the signal's name and meaning, the likely cause where one is
known and what to do.
"""

from __future__ import annotations

import posixpath
import re
import shlex
import signal
from collections.abc import Sequence

_MEANING = {
    "SIGSEGV": "segmentation fault",
    "SIGILL": "illegal instruction",
    "SIGBUS": "bus error",
    "SIGFPE": "arithmetic fault",
    "SIGABRT": "aborted",
    "SIGKILL": "killed",
    "SIGTERM": "terminated",
    "SIGINT": "interrupted",
    "SIGHUP": "hung up",
    "SIGPIPE": "broken pipe",
}
_SHELLS = {"sh", "bash", "dash", "flock", "env", "timeout", "nice"}
_NATIVE = {"SIGSEGV", "SIGILL", "SIGBUS"}
_FAULTS = {"SIGABRT", "SIGFPE"}
_LLAMA = re.compile(r"llama[-_.]?cpp|(^|/)llama-\w|(^|\s)gguf-\w|tui_ft\.gguf")
"""A llama.cpp program, or tui-ft's GGUF commands that load llama-cpp-python."""
AMX_CAUSE = (
    "likely llama.cpp's AMX bug under GCC 12 (llama.cpp issue #20824) on a CPU with AMX "
    "(amx_tile in /proc/cpuinfo)"
)
AMX_FIX = (
    "rebuild llama.cpp with the safe flags: `bash scripts/setup.sh` in a checkout, "
    "`tui-ft setup llama-tools` for the tools, or `tui-ft remote setup` on a box"
)


def signal_name(returncode: int, via_shell: bool = False) -> str | None:
    """The signal a return code says the child died of: -N (subprocess) or 128+N (a
    shell that ran it; only with `via_shell`), else None."""
    number = -returncode if returncode < 0 else returncode - 128 if via_shell else 0
    if not 0 < number < 65:
        return None
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def signal_number(name: str) -> int | None:
    """SIGSEGV (or SEGV, as SSH says it) -> 11; None for a name this system lacks."""
    try:
        return int(signal.Signals[name if name.startswith("SIG") else f"SIG{name}"])
    except KeyError:
        return None


def program(argv: Sequence[str]) -> str:
    """What the user would call the program: `llama-imatrix`, `tui_ft gguf-perplexity`."""
    if not argv:
        return "the command"
    name = posixpath.basename(argv[0])
    if name.startswith("python") and len(argv) > 1:
        if argv[1] == "-m" and len(argv) > 2:
            return " ".join(argv[2:4])
        if argv[1] == "-c":
            return f"{name} -c …"
    return name


def crash_line(
    argv: Sequence[str], sig: str, where: str = "", amx: bool | None = None, shell: bool = False
) -> str:
    """`program` crashed with / was stopped by `sig` (meaning) [on where]: cause; what to do.

    `amx`: whether the machine's CPU has AMX (None: not known, e.g. a box); `shell`: the
    signal ended a program that `argv` (a shell) ran.
    """
    name = sig if sig.startswith(("SIG", "signal ")) else f"SIG{sig}"
    meaning = _MEANING.get(name)
    who = f"a program run by {program(argv)}" if shell else program(argv)
    crashed = name in _NATIVE or name in _FAULTS
    verb = "crashed with" if crashed else "was killed by" if name == "SIGKILL" else "was stopped by"
    head = f"{who} {verb} {name}" + (f" ({meaning})" if meaning else "")
    head += f" on {where}" if where else ""
    llama = any(_LLAMA.search(a) for a in argv[:4])
    if name in _NATIVE and llama and amx is not False:
        return f"{head}: {AMX_CAUSE}; {AMX_FIX}"
    if crashed:
        return (
            f"{head}: a native crash in a library it loads; rerun it to see whether it "
            "repeats, and update or reinstall that library (its log is above or beside "
            "the output)"
        )
    if name == "SIGKILL":
        return f"{head}: most often the out-of-memory killer; free memory or use a smaller batch"
    return f"{head}: something outside it ended it; run it again"


def local_amx() -> bool:
    """Whether this machine's CPU has AMX tiles."""
    from tui_ft.gguf.cpu import cpu_has_amx, read_cpuinfo

    return cpu_has_amx(read_cpuinfo())


def crash(
    argv: Sequence[str], returncode: int, where: str = "", *, name_where: bool = True
) -> str | None:
    """The crash line when `returncode` says a signal ended the child, else None
    (`where`: the host, "" or "local" for this machine; `name_where`: say it in the line).

    128+N counts as signal N only for a shell (or flock, env, timeout) that ran the
    program: other programs may mean their own thing by 130 or 137."""
    shell = bool(argv) and posixpath.basename(argv[0]) in _SHELLS
    sig = signal_name(returncode, via_shell=shell)
    if sig is None:
        return None
    amx = None if where and where != "local" else local_amx()
    shown = where if name_where and where != "local" else ""
    return crash_line(argv, sig, shown, amx=amx, shell=shell and returncode > 0)


def exit_line(argv: Sequence[str], returncode: int, where: str = "") -> str:
    """The one line for a failed child: its crash line, else "`argv` exited N [on where]"."""
    if (line := crash(argv, returncode, where)) is not None:
        return line
    on = f" on {where}" if where else ""
    return f"`{shlex.join(argv)}` exited {returncode}{on}"


def failure_detail(
    argv: Sequence[str], returncode: int, output: str, where: str = "", lines: int = 5
) -> str:
    """What went wrong, for "X failed on HOST: <detail>", never empty: the crash line
    (and the last output lines) when a signal ended the child, else the last output
    lines, else "`argv` exited N"."""
    tail = " | ".join(ln.strip() for ln in output.strip().splitlines()[-lines:] if ln.strip())
    if (line := crash(argv, returncode, where, name_where=False)) is not None:
        return f"{line}: {tail}" if tail else line
    return tail or exit_line(argv, returncode, where)
