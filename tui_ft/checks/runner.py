"""All checks of a host: in-process here, `python -m tui_ft check --json` on a remote box.

The torch probe always runs in a subprocess; the rest is cheap and runs where the
checks are made.
"""

from __future__ import annotations

from tui_ft.checks.base import CheckResult, fail
from tui_ft.checks.disk import disk_checks
from tui_ft.checks.gpu_checks import gpu_checks
from tui_ft.checks.lf_check import llamafactory_check
from tui_ft.checks.probe import probe_torch
from tui_ft.checks.system import (
    cpu_ram_checks,
    hub_check,
    llama_cpp_check,
    python_check,
)
from tui_ft.checks.torch_checks import torch_checks
from tui_ft.config import Config
from tui_ft.host.base import Host
from tui_ft.workspace import Workspace


def system_checks(host: Host, config: Config, refresh: bool = False) -> list[CheckResult]:
    """Checks of the machine itself (local only: a remote box answers `remote_checks`)."""
    gpus = gpu_checks()
    seen = sum(1 for r in gpus if r.name.startswith("gpu"))
    return [
        python_check(),
        *torch_checks(probe_torch(host, refresh=refresh), seen),
        *gpus,
        *cpu_ram_checks(),
        llamafactory_check(host),
        llama_cpp_check(config.llama_cpp_dir),
        hub_check(),
    ]


def remote_checks(host: Host, ws: Workspace, timeout: float = 300.0) -> list[CheckResult]:
    """Ask the box's own tui-ft for its checks (so torch and NVML are read on the box)."""
    from tui_ft.host.call import CallError, call

    try:  # exit 1: a check failed, the report is still there
        data = call(host, ["check", "--json"], workspace=ws.root, ok=(0, 1), timeout=timeout).value
        if not isinstance(data, dict) or "checks" not in data:
            raise CallError(f"no checks in the answer of tui-ft on {host.describe()}")
    except CallError as exc:
        return [
            fail(
                "tui-ft on the box",
                f"`{host.python} -m tui_ft check`: {exc}",
                "run `tui-ft remote setup --host ...`, or name the box's python with tui-ft "
                "(hosts.BOX.python or box_python in the config)",
            )
        ]
    return [CheckResult.from_dict(c) for c in data["checks"]]


def run_checks(
    host: Host, config: Config, ws: Workspace, need: int = 0, refresh: bool = False
) -> list[CheckResult]:
    """Every check for `host`; `need` is the free space the next step needs (bytes);
    `refresh` re-probes torch instead of reusing this process's earlier answer."""
    if host.is_remote:
        return remote_checks(host, ws)
    return [*system_checks(host, config, refresh), *disk_checks(ws, need)]
