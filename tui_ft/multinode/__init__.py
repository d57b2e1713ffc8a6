"""Multi-node training through LLaMA-Factory's own torchrun launch, one host per node.

The tutorials type `FORCE_TORCHRUN=1 NNODES=2 NODE_RANK=… MASTER_ADDR=… llamafactory-cli
train` into two terminals "within 30 seconds of each other". Here one call checks
first that every node reaches MASTER_ADDR:MASTER_PORT and holds the same model and
dataset files, then starts each node's run detached through its host (local or SSH)
with the right rank; rank 0 is the run to follow, and `stop_all` stops every node.
"""

from __future__ import annotations

from tui_ft.host.base import HostError
from tui_ft.multinode.node import MultiNodeError, Node, ranks
from tui_ft.multinode.preflight import check_reachable, compare_files, preflight
from tui_ft.train.config import TrainConfig
from tui_ft.train.control import stop_run
from tui_ft.train.launch import launch, prepare_run
from tui_ft.train.rundir import RunPaths
from tui_ft.workspace import Workspace

__all__ = [
    "MultiNodeError",
    "Node",
    "check_reachable",
    "compare_files",
    "preflight",
    "ranks",
    "start",
    "stop_all",
]


def start(
    nodes: list[Node],
    cfg: TrainConfig,
    *,
    run_id: str,
    master_addr: str,
    master_port: int = 29500,
    nproc_per_node: int = 1,
    check: bool = True,
    master: int = 0,
) -> list[RunPaths]:
    """Start the run on every node; returns each node's run paths, in the order of `nodes`.

    `nodes[master]` is rank 0, the node MASTER_ADDR points at (torchrun's rendezvous
    store lives there); it writes the trainer log, so its run is the one to follow.
    """
    if len(nodes) < 2:
        raise MultiNodeError("multi-node training needs at least two nodes")
    rank = ranks(len(nodes), master)
    if check:
        preflight(nodes, cfg, master_addr, master_port, master)
    started: list[tuple[Node, RunPaths]] = []
    try:
        for node, r in zip(nodes, rank, strict=True):
            ws = Workspace(node.host, node.workspace)
            paths = prepare_run(ws, cfg, run_id=run_id)
            env = {
                "FORCE_TORCHRUN": "1",
                "NNODES": str(len(nodes)),
                "NODE_RANK": str(r),
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
        failed = nodes[len(started)].name(rank[len(started)])
        raise MultiNodeError(f"could not start {failed}: {exc}") from exc
    return [paths for _, paths in started]


def stop_all(nodes: list[Node], runs: list[RunPaths], timeout: float = 30.0) -> None:
    for node, paths in zip(nodes, runs, strict=True):
        stop_run(node.host, paths, timeout=timeout)
