"""A parquet preview on a box is the box's own `data preview --json` (through host.call)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from tui_ft.datasets.preview import preview_page
from tui_ft.host import LocalHost


class _BoxHost(LocalHost):
    """This machine seen as a remote box: commands run for real, only `is_remote` differs."""

    is_remote = True
    name = "box"


def test_a_parquet_preview_on_a_box_is_the_boxs_own(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"instruction": ["a", "b", "c"], "output": ["x", "y", "z"]}), path)
    remote = preview_page(_BoxHost(), str(path), 1, 2)
    assert remote == preview_page(LocalHost(), str(path), 1, 2)
    assert [r["index"] for r in remote["records"]] == [1, 2]
