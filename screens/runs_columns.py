"""The Runs table's columns and the cells of one run's row, for a wide and a narrow terminal.

At 80 columns the wide set would push the cost off to the right, behind a horizontal
scroll; the narrow set keeps run, status, step, loss and cost on screen and leaves
duration and size out. Each column is as wide as its widest value (`fit_columns`), so a
number is never cut ("552/2000", not "552/20"); when the set is wider than the terminal,
the text columns give up cells, status first, then the run name (its end is its unique
part: the start is a date). Widths depend only on the rows and the terminal width, never
on what was shown before or on timing (snapshots must not).
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


def is_wide(columns: tuple[Column, ...]) -> bool:
    return any(key == "duration" for key, _label, _width in columns)


# What a text column keeps when cells are short: the status's first word, a run's time.
TEXT_FLOOR = {"status": 8, "run": 12}


def natural(base: tuple[Column, ...], rows: list[dict[str, str]]) -> tuple[Column, ...]:
    """`base` with each column as wide as its label or widest value."""
    return tuple(
        (key, label, max([len(label)] + [len(row[key]) for row in rows]))
        for key, label, _width in base
    )


def fit_columns(width: int, wide_rows: list[dict[str, str]],
                narrow_rows: list[dict[str, str]]) -> tuple[Column, ...]:  # fmt: skip
    """The columns for a table `width` cells wide showing these rows (each row's cells by
    key, as `cells` gives them for the wide and the narrow set): the wide set whenever it
    fits whole, else the narrow one, its text columns cut to fit; spare cells go to the
    run name. Numbers are never cut: past the text columns' floors the table scrolls."""
    wide = natural(WIDE, wide_rows)
    if table_width(wide) <= width:
        spare = width - table_width(wide)  # a longer run name shows whole
        return tuple((k, label, w + spare if k == "run" else w) for k, label, w in wide)
    widths = {key: w for key, _label, w in natural(NARROW, narrow_rows)}
    excess = table_width(natural(NARROW, narrow_rows)) - width
    if excess < 0:
        widths["run"] -= excess  # spare room: a longer run name shows whole
    for key in ("status", "run"):
        if excess > 0:
            give = min(excess, max(0, widths[key] - TEXT_FLOOR[key]))
            widths[key] -= give
            excess -= give
    return tuple((key, label, widths[key]) for key, label, _width in NARROW)


def short_status(item: RunRow) -> str:
    """The status in a narrow column: 'dead ↻10' for 'dead, resumable from checkpoint-10'."""
    if item.info.resumable:
        return f"{item.health.state} ↻{item.info.checkpoint}"
    return item.status


def cells(
    item: RunRow, size: int | None, marked: bool, currency: str, wide: bool
) -> dict[str, str]:
    """One run's cells by column key, for the wide or the narrow set."""
    r = item.info
    return {
        "mark": "●" if marked else "",
        "run": r.run_id,
        "status": item.status if wide else short_status(item),
        "step": f"{r.last_step or 0}/{r.total_steps or '?'}",
        "loss": "—" if r.last_loss is None else f"{r.last_loss:.4f}",
        "duration": human_duration(r.active_seconds),
        "size": "—" if size is None else human_bytes(size),
        "cost": cost_text(item.cost, currency),
    }


def fit_cells(by_key: dict[str, str], columns: tuple[Column, ...]) -> tuple[str, ...]:
    """A row's cells in the order of `columns`; a run name cut to its column keeps its end
    (what tells runs apart: they start with the same date) behind an ellipsis."""
    out = []
    for key, _label, width in columns:
        text = by_key[key]
        if key == "run" and len(text) > width:
            text = "…" + text[len(text) - width + 1 :]
        out.append(text)
    return tuple(out)
