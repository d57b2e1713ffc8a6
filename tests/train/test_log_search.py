"""The Monitor's log filter searches the whole console log, not only the tail it shows:
the engine's search (grep on the log's host) and the pane driven by keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Log

from tests.apps import local_app, settle, until
from tests.train.test_log_pane_screen import RUN, broken_run
from tui_ft.host import LocalHost
from tui_ft.host.base import HostError
from tui_ft.train.log_search import search_log


def long_log(path: Path, losses: int = 9, filler: int = 400) -> list[str]:
    """A finished run's console log: loss lines spread through it, none in the last 40."""
    lines = []
    for i in range(losses):
        lines.append(f"{{'loss': {2.5 - i / 10:.4f}, 'grad_norm': 1.0, 'epoch': {i}}}")
        lines += [f"[INFO|trainer.py] step {i}.{j} [a.b*]" for j in range(filler // losses)]
    lines += [f"[INFO] saving model {j}" for j in range(50)]
    path.write_text("\n".join(lines) + "\n")
    return [x for x in lines if "loss" in x]


def test_search_finds_every_match_in_the_whole_log(tmp_path: Path):
    log = tmp_path / "running_log.txt"
    losses = long_log(log)
    host = LocalHost()
    assert search_log(host, str(log), "LOSS") == losses  # case-insensitive, in order
    # As typed: brackets, dots and stars are text, not a pattern.
    assert len(search_log(host, str(log), "[a.b*]")) == 9 * (400 // 9)
    assert search_log(host, str(log), "not in this log") == []
    assert search_log(host, str(log), "loss", limit=3) == losses[-3:]  # the newest kept
    with pytest.raises(HostError):
        search_log(host, str(tmp_path / "missing.txt"), "loss")


async def test_filter_finds_loss_lines_beyond_the_tail(tmp_path: Path):
    broken_run(tmp_path / "ws")
    losses = long_log(tmp_path / "ws" / "runs" / RUN / "output" / "running_log.txt")
    app = local_app(tmp_path / "ws", "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        app.active_run = RUN
        await pilot.press("3")  # Train's Monitor, on the finished run
        await settle(app, pilot)
        screen = app.screen
        log = screen.query_one("#mon-log", Log)
        await until(pilot, lambda: log.line_count >= 40, "the log's tail in the pane")
        assert not any("loss" in str(x) for x in log.lines)  # the tail holds none
        await pilot.press("slash", *"loss")
        assert app.focused is screen.query_one("#mon-filter", Input)
        await until(pilot, lambda: [str(x) for x in log.lines] == losses, "all 9 loss lines")
        await pilot.press(*"zzz")
        await until(pilot, lambda: "no line holds" in str(log.lines[0]), "says there is none")
