"""What a `dataset_info.json` entry means, as the host's LLaMA-Factory reads it.

The keys an entry may hold (sources, columns, tags, formattings), their defaults and
whether `dataset_dir: REMOTE:org/repo` is understood are read off the installed
LLaMA-Factory's `DatasetAttr` (see `probe.py`); the built-in copy is 0.9.5's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui_ft.host.base import Host


def semantics(host: Host | None = None) -> dict[str, Any]:
    """`top`, `sources`, `columns`, `tags`, `formattings`, `defaults`, `remote`."""
    from tui_ft.lf.templates import builtin_catalog, catalog

    found = catalog(host).dataset_info
    return found or builtin_catalog().dataset_info


def is_hub_dataset_dir(dataset_dir: str) -> bool:
    """`ONLINE` or `REMOTE:org/repo`: LLaMA-Factory reads the entries from the hub."""
    return dataset_dir == "ONLINE" or dataset_dir.startswith("REMOTE:")


def host_semantics(host: Host) -> dict[str, Any] | None:
    """`semantics` for the machine `host` is (None when asking it fails: the built-in keys)."""
    from tui_ft.host.base import HostError

    try:
        return semantics(host if host.is_remote else None)
    except (HostError, OSError):
        return None
