"""A node of a multi-node run: a host, its workspace and Python; ranks and the error."""

from __future__ import annotations

from dataclasses import dataclass

from tui_ft.host.base import Host


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


def ranks(count: int, master: int) -> list[int]:
    """NODE_RANK of each node: the master is rank 0, the others follow in their order."""
    if not 0 <= master < count:
        raise MultiNodeError(f"master {master} is not one of the {count} nodes")
    return [0 if i == master else i + 1 if i < master else i for i in range(count)]
