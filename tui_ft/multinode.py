"""Multi-node training through LLaMA-Factory's own torchrun launch, one host per node.

The tutorials type `FORCE_TORCHRUN=1 NNODES=2 NODE_RANK=… MASTER_ADDR=… llamafactory-cli
train` into two terminals "within 30 seconds of each other". Here one call checks
first that every node reaches MASTER_ADDR:MASTER_PORT and holds the same model and
dataset files, then starts each node's run detached through its host (local or SSH)
with the right rank; rank 0 is the run to follow, and `stop_all` stops every node.
"""

from __future__ import annotations

import json
import posixpath
import shlex
from dataclasses import dataclass

from tui_ft.host.base import Host, HostError
from tui_ft.train.config import TrainConfig
from tui_ft.train.control import stop_run
from tui_ft.train.launch import launch, prepare_run
from tui_ft.train.rundir import RunPaths
from tui_ft.workspace import Workspace

LISTENER = (
    "import socket,sys,time;s=socket.socket();"
    "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);"
    "s.bind(('0.0.0.0',int(sys.argv[1])));s.listen(16);s.settimeout(1);"
    "end=time.time()+float(sys.argv[2])\n"
    "while time.time()<end:\n"
    " try: s.accept()[0].close()\n"
    " except OSError: pass\n"
)
PROBE = "import socket,sys;socket.create_connection((sys.argv[1],int(sys.argv[2])),5).close()"
FINGERPRINT = r"""
import hashlib, json, os, sys
out = {}
for root in sys.argv[1:]:
    paths = [root] if os.path.isfile(root) else sorted(
        os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
    for p in paths:
        size = os.path.getsize(p)
        rel = os.path.relpath(p, os.path.dirname(root.rstrip('/')))
        h = None
        if size <= 16 << 20:  # small files (configs, tokenizers, datasets) by content
            with open(p, 'rb') as fh:
                h = hashlib.sha256(fh.read()).hexdigest()
        out[rel] = [size, h]
print(json.dumps(out))
"""


class MultiNodeError(RuntimeError):
    """A node cannot take part; the message names the node and the reason."""


@dataclass
class Node:
    host: Host
    workspace: str
    python: str | None = None  # the node's Python with tui-ft's deps; default: python3
    env: dict[str, str] | None = None  # extra environment of the node's run (PATH, NCCL_*)

    @property
    def py(self) -> str:
        return self.python or self.host.python

    def name(self, rank: int) -> str:
        return f"node {rank} ({self.host.describe()})"


def _files_of(cfg: TrainConfig, node: Node) -> list[str]:
    paths = [cfg.model_name_or_path]
    if cfg.dataset_dir:
        info = posixpath.join(cfg.dataset_dir, "dataset_info.json")
        paths.append(info)
        try:
            entries = json.loads(node.host.read_text(info))
        except (FileNotFoundError, ValueError):
            entries = {}
        for name in cfg.datasets:
            file = (entries.get(name) or {}).get("file_name")
            if file:
                paths.append(posixpath.join(cfg.dataset_dir, file))
    return paths


def preflight(nodes: list[Node], cfg: TrainConfig, master_addr: str, master_port: int) -> None:
    """Raise MultiNodeError unless every node reaches the master and has the same files."""
    check_reachable(nodes, master_addr, master_port)
    compare_files(nodes, [cfg] * len(nodes))


def check_reachable(nodes: list[Node], master_addr: str, master_port: int) -> None:
    """Listen on the master's port for a moment and connect to it from every node."""
    master = nodes[0]
    pid_path = posixpath.join(master.workspace, "runs", f".preflight-{master_port}.pid")
    master.host.makedirs(posixpath.dirname(pid_path))
    pid = master.host.spawn_detached(
        [master.py, "-c", LISTENER, str(master_port), "20"],
        cwd="/",
        log_path="/dev/null",
        pid_path=pid_path,
    )
    try:
        for rank, node in enumerate(nodes):
            res = node.host.run([node.py, "-c", PROBE, master_addr, str(master_port)], timeout=15)
            if not res.ok:
                why = (res.stderr.strip().splitlines() or [f"exit {res.returncode}"])[-1]
                raise MultiNodeError(
                    f"{node.name(rank)} cannot reach MASTER_ADDR {master_addr}:{master_port}: {why}"
                )
    finally:
        master.host.signal(pid, 9)  # the port is free again before torchrun wants it
        master.host.remove(pid_path)


def compare_files(nodes: list[Node], cfgs: list[TrainConfig]) -> None:
    """The model and dataset files of each node (by its config) must equal node 0's."""
    reference: dict[str, list] | None = None
    for rank, (node, cfg) in enumerate(zip(nodes, cfgs, strict=True)):
        files = _files_of(cfg, node)
        res = node.host.run([node.py, "-c", FINGERPRINT, *files], timeout=300)
        if not res.ok:
            raise MultiNodeError(
                f"{node.name(rank)}: cannot read {shlex.join(files)}: {res.stderr.strip()[-300:]}"
            )
        prints = json.loads(res.stdout)
        if reference is None:
            reference = prints
            continue
        for rel in sorted(set(reference) | set(prints)):
            if reference.get(rel) != prints.get(rel):
                if rel not in prints:
                    what = "is missing"
                elif rel not in reference:
                    what = "is not on node 0"
                else:
                    what = "differs from node 0"
                raise MultiNodeError(f"{node.name(rank)}: {rel} {what}")


def start(
    nodes: list[Node],
    cfg: TrainConfig,
    *,
    run_id: str,
    master_addr: str,
    master_port: int = 29500,
    nproc_per_node: int = 1,
    check: bool = True,
) -> list[RunPaths]:
    """Start the run on every node (rank order); returns each node's run paths."""
    if len(nodes) < 2:
        raise MultiNodeError("multi-node training needs at least two nodes")
    if check:
        preflight(nodes, cfg, master_addr, master_port)
    started: list[tuple[Node, RunPaths]] = []
    try:
        for rank, node in enumerate(nodes):
            ws = Workspace(node.host, node.workspace)
            paths = prepare_run(ws, cfg, run_id=run_id)
            env = {
                "FORCE_TORCHRUN": "1",
                "NNODES": str(len(nodes)),
                "NODE_RANK": str(rank),
                "MASTER_ADDR": master_addr,
                "MASTER_PORT": str(master_port),
                "NPROC_PER_NODE": str(nproc_per_node),
                **(node.env or {}),
            }
            launch(node.host, paths, env_extra=env)
            started.append((node, paths))
    except (HostError, OSError, ValueError) as exc:
        for node, paths in started:  # a half-started job would hang waiting for its peers
            stop_run(node.host, paths, timeout=10)
        raise MultiNodeError(f"could not start node {len(started)}: {exc}") from exc
    return [paths for _, paths in started]


def stop_all(nodes: list[Node], runs: list[RunPaths], timeout: float = 30.0) -> None:
    for node, paths in zip(nodes, runs, strict=True):
        stop_run(node.host, paths, timeout=timeout)
