"""A ProgressBar that costs nothing while nothing moves.

Textual's ProgressBar wakes the app every second for its ETA (shown nowhere here) and,
without a total, animates at 15 frames a second forever, on screen or not: an idle
Environment or Evaluate screen then used ~1 % of a core. This one has no ETA timer and
animates only while the bar is both indeterminate and on screen.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import ProgressBar
from textual.widgets._progress_bar import Bar, PercentageStatus


class _QuietBar(Bar):
    _on_screen = False

    def watch_percentage(self, percentage: float | None) -> None:
        self.auto_refresh = 1 / 15 if percentage is None and self._on_screen else None

    def on_show(self) -> None:
        self._on_screen = True
        self.watch_percentage(self.percentage)

    def on_hide(self) -> None:
        self._on_screen = False
        self.auto_refresh = None


class QuietProgressBar(ProgressBar):
    def __init__(self, total: float | None = None, **kw) -> None:
        kw.setdefault("show_eta", False)
        if kw["show_eta"]:
            raise ValueError("QuietProgressBar shows no ETA (it has no clock timer)")
        super().__init__(total, **kw)

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # ProgressBar's on_mount starts the 1 s ETA interval
        self.update()

    def compose(self) -> ComposeResult:
        if self.show_bar:
            yield (
                _QuietBar(id="bar", clock=self._clock, bar_renderable=self.BAR_RENDERABLE)
                .data_bind(ProgressBar.percentage)
                .data_bind(ProgressBar.gradient)
            )
        if self.show_percentage:
            yield PercentageStatus(id="percentage").data_bind(ProgressBar.percentage)
