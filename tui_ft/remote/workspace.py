"""Where the workspace lives on a box: the same rule as locally, applied on the box."""

from __future__ import annotations

import posixpath

from tui_ft.config import DATA_DISKS
from tui_ft.host.base import Host


def box_workspace(host: Host) -> str:
    """`tui-ft/` on the box's data disk when it has one (rented boxes), else ~/tui-ft."""
    for disk in DATA_DISKS:
        st = host.stat(disk)
        if st is not None and st.is_dir:
            return posixpath.join(disk, "tui-ft")
    return posixpath.join(host.home(), "tui-ft")
