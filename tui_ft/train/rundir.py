"""The run directory: everything about one run lives under `<workspace>/runs/<run-id>/`.

    training_args.yaml   the exact LLaMA-Factory config (runs without tui-ft)
    output/              LLaMA-Factory's output_dir: trainer_log.jsonl, running_log.txt,
                         checkpoint-N/, the adapter
    launch.log           stdout + stderr of every launch (appended on resume)
    pid                  pid of the launch wrapper (its process group is the run)
    exit_code            written by the wrapper when llamafactory-cli returns
    status.json          launches (start, end), stop requests, devices

Nothing here needs the TUI alive: state is derived from these files and the pid.
"""

from __future__ import annotations

import json
import posixpath
import re
import time
from dataclasses import dataclass
from typing import Any

from tui_ft.host.base import Host

TRAINER_LOG = "trainer_log.jsonl"
RUNNING_LOG = "running_log.txt"


@dataclass(frozen=True)
class RunPaths:
    root: str

    @property
    def run_id(self) -> str:
        return posixpath.basename(self.root.rstrip("/"))

    @property
    def args(self) -> str:
        return posixpath.join(self.root, "training_args.yaml")

    @property
    def output(self) -> str:
        return posixpath.join(self.root, "output")

    @property
    def trainer_log(self) -> str:
        return posixpath.join(self.output, TRAINER_LOG)

    @property
    def running_log(self) -> str:
        return posixpath.join(self.output, RUNNING_LOG)

    @property
    def launch_log(self) -> str:
        return posixpath.join(self.root, "launch.log")

    @property
    def pid(self) -> str:
        return posixpath.join(self.root, "pid")

    @property
    def exit_code(self) -> str:
        return posixpath.join(self.root, "exit_code")

    @property
    def status(self) -> str:
        return posixpath.join(self.root, "status.json")


def slug(text: str) -> str:
    base = posixpath.basename(text.rstrip("/")) or "run"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-.")[:40] or "run"


def new_run_id(host: Host, runs_dir: str, name: str, now: float | None = None) -> str:
    """`YYYYMMDD-HHMMSS-<name>`, with a suffix when that folder already exists."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now or time.time()))
    base = f"{stamp}-{slug(name)}"
    run_id, n = base, 1
    while host.exists(posixpath.join(runs_dir, run_id)):
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def read_status(host: Host, paths: RunPaths) -> dict[str, Any]:
    try:
        data = json.loads(host.read_bytes(paths.status).decode("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_status(host: Host, paths: RunPaths, status: dict[str, Any]) -> None:
    host.write_bytes(paths.status, json.dumps(status, indent=1).encode("utf-8"))


def read_int(host: Host, path: str) -> int | None:
    try:
        return int(host.read_bytes(path).decode().strip())
    except (FileNotFoundError, ValueError):
        return None


def checkpoints(host: Host, paths: RunPaths) -> list[int]:
    """Steps of the complete `checkpoint-N` folders in output/, ascending."""
    try:
        entries = host.listdir(paths.output)
    except FileNotFoundError:
        return []
    steps = []
    for entry in entries:
        m = re.fullmatch(r"checkpoint-(\d+)", entry.name)
        # trainer_state.json is written last: its presence marks a checkpoint complete.
        if m and entry.is_dir and host.exists(posixpath.join(entry.path, "trainer_state.json")):
            steps.append(int(m.group(1)))
    return sorted(steps)
