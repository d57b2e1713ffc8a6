"""The Runs table's columns and the cells of one run's row, for a wide and a narrow terminal.

At 80 columns the wide set (98 cells with padding) would push the cost off to the right,
behind a horizontal scroll; the narrow set (78: it fits beside a vertical scrollbar) keeps
run, status, step, loss and cost on screen and leaves duration and size out. Widths are
fixed either way: auto widths depend on what was shown before and on timing (and
snapshots must not).
"""

from __future__ import annotations

from screens.run_watch import RunRow, cost_text
from tui_ft.units import human_bytes, human_duration

Column = tuple[str, str, int]
"""(key, label, width)."""

WIDE: tuple[Column, ...] = (
    ("mark", "", 1), ("run", "run", 21), ("status", "status", 18), ("step", "step", 6),
    ("loss", "last loss", 9), ("duration", "duration", 8), ("size", "size", 6),
    ("cost", "cost→end", 13),
)  # fmt: skip
NARROW: tuple[Column, ...] = (
    ("mark", "", 1), ("run", "run", 23), ("status", "status", 16), ("step", "step", 6),
    ("loss", "loss", 7), ("cost", "cost→end", 13),
)  # fmt: skip


def table_width(columns: tuple[Column, ...]) -> int:
    """Cells a set needs: each column's padding (1 each side) and a vertical scrollbar."""
    return sum(width + 2 for _key, _label, width in columns) + 2


def columns_for(width: int) -> tuple[Column, ...]:
    """The set for a table `width` cells wide: the wide one whenever it fits."""
    return WIDE if width >= table_width(WIDE) else NARROW


def short_status(item: RunRow) -> str:
    """The status in a narrow column: 'dead ↻10' for 'dead, resumable from checkpoint-10'."""
    if item.info.resumable:
        return f"{item.health.state} ↻{item.info.checkpoint}"
    return item.status


def row_cells(
    item: RunRow, size: int | None, marked: bool, currency: str,
    columns: tuple[Column, ...] = WIDE,
) -> tuple[str, ...]:  # fmt: skip
    """One run's cells, in the order of `columns`."""
    r = item.info
    cells = {
        "mark": "●" if marked else "",
        "run": r.run_id,
        "status": item.status if columns is WIDE else short_status(item),
        "step": f"{r.last_step or 0}/{r.total_steps or '?'}",
        "loss": "—" if r.last_loss is None else f"{r.last_loss:.4f}",
        "duration": human_duration(r.active_seconds),
        "size": "—" if size is None else human_bytes(size),
        "cost": cost_text(item.cost, currency),
    }
    return tuple(cells[key] for key, _label, _width in columns)
