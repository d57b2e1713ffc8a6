"""The Runs table's columns and the cells of one run's row."""

from __future__ import annotations

from screens.run_watch import RunRow, cost_text
from tui_ft.units import human_bytes, human_duration

COLUMNS = (("", 1), ("run", 21), ("status", 18), ("step", 6), ("last loss", 9),
           ("duration", 8), ("size", 6), ("cost→end", 13))  # fmt: skip
"""Fixed widths: auto widths depend on what was shown before and on timing."""


def row_cells(item: RunRow, size: int | None, marked: bool, currency: str) -> tuple[str, ...]:
    """One run's cells, in the order of `COLUMNS`."""
    r = item.info
    return (
        "●" if marked else "",
        r.run_id,
        item.status,
        f"{r.last_step or 0}/{r.total_steps or '?'}",
        "—" if r.last_loss is None else f"{r.last_loss:.4f}",
        human_duration(r.active_seconds),
        "—" if size is None else human_bytes(size),
        cost_text(item.cost, currency),
    )
