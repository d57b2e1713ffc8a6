"""GPU processes that no run owns: what Ctrl+C of a multi-GPU LLaMA-Factory run leaves
behind (every GPU but the first stays occupied). Engine for the GPU panel's kill action.

Read through NVML (nvidia-ml-py); without a GPU or driver the list is simply empty.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

from tui_ft.gpu import read_gpus
from tui_ft.train.discover import list_runs
from tui_ft.workspace import Workspace


@dataclass(frozen=True)
class StrayProcess:
    pid: int
    gpus: tuple[int, ...]
    used_memory: int | None
    command: str


def run_process_tree(pids: list[int]) -> set[int]:
    """The given pids and all their descendants (a run's wrapper, torchrun, its workers)."""
    import psutil

    out: set[int] = set()
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            out.add(pid)
            out.update(c.pid for c in proc.children(recursive=True))
        except psutil.Error:
            continue
    return out


def stray_gpu_processes(ws: Workspace, gpus=None) -> list[StrayProcess]:
    """GPU compute processes not in the process tree of any live run (nor this one)."""
    import psutil

    gpus = read_gpus() if gpus is None else gpus
    owned = run_process_tree([r.pid for r in list_runs(ws) if r.alive and r.pid])
    owned.add(os.getpid())
    found: dict[int, StrayProcess] = {}
    for gpu in gpus:
        for p in gpu.processes:
            if p.pid in owned:
                continue
            prev = found.get(p.pid)
            try:
                command = " ".join(psutil.Process(p.pid).cmdline())[:200]
            except psutil.Error:
                command = "?"
            mem = (prev.used_memory or 0) + (p.used_memory or 0) if prev else p.used_memory
            ids = (*prev.gpus, gpu.index) if prev else (gpu.index,)
            found[p.pid] = StrayProcess(p.pid, ids, mem, command)
    return sorted(found.values(), key=lambda s: s.pid)


def kill_stray(ws: Workspace, pid: int, sig: int = signal.SIGTERM, gpus=None) -> bool:
    """Signal `pid` only if it is still a stray GPU process (a recycled pid is left alone)."""
    if pid not in {s.pid for s in stray_gpu_processes(ws, gpus)}:
        return False
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return False
    return True


def strays_on(host, workspace: str) -> list[StrayProcess]:
    """Stray GPU processes of `host` (NVML and the process table are read on the host)."""
    from tui_ft.host.call import call

    if not host.is_remote:
        return stray_gpu_processes(Workspace(host, workspace))
    rows = call(host, ["watch", "--strays", "--json"], workspace=workspace, timeout=60).value
    return [StrayProcess(d["pid"], tuple(d["gpus"]), d["used_memory"], d["command"])
            for d in rows]  # fmt: skip


def kill_stray_on(host, workspace: str, pid: int) -> bool:
    """Kill one stray GPU process on `host`; False when `pid` is no (longer a) stray."""
    if not host.is_remote:
        return kill_stray(Workspace(host, workspace), pid)
    argv = [
        host.python,
        "-m",
        "tui_ft",
        "--workspace",
        workspace,
        "watch",
        "--kill-stray",
        str(pid),
    ]
    return host.run(argv, timeout=60).returncode == 0
