"""The run monitor's log pane: the console log's tail, a filter box that searches the whole
log (on its host, in a worker), the first error, follow on/off, and what `y` copies."""

from __future__ import annotations

import re

from textual import work
from textual.containers import Vertical
from textual.widgets import Input, Log

from tui_ft.train import RunPaths

ERROR_LINE = re.compile(r"Traceback|Error\b|error:|\bFAILED\b")


class MonitorLogPane(Vertical):
    """The log part of `RunMonitor`, which composes `#mon-filter` and `#mon-log`."""

    paths: RunPaths | None

    tail: list[str] = []  # noqa: RUF012 - replaced, never mutated
    """The last lines of the run's console log, as read."""

    def on_mount(self) -> None:
        self.query_one("#mon-filter", Input).display = False

    def show_log(self) -> None:
        """The tail; with the filter box open and filled, every line of the run's console
        log that holds its text (case-insensitive), searched in a worker."""
        box = self.query_one("#mon-filter", Input)
        needle = box.value.strip() if box.display else ""
        if needle and self.paths is not None:
            self._search(self.paths, needle)
            return
        self._write(self.tail)

    def _write(self, lines: list[str]) -> None:
        log = self.query_one("#mon-log", Log)
        log.clear()
        log.write_lines(lines)

    @work(thread=True, exclusive=True, group="log-filter")
    def _search(self, paths: RunPaths, needle: str) -> None:
        from tui_ft.train.log_search import search_log

        host = self.app.host  # type: ignore[attr-defined]
        # The log the tail was read from: LLaMA-Factory's, else the launch log before it.
        st = host.stat(paths.running_log)
        path = paths.running_log if st is not None and st.size else paths.launch_log
        try:
            lines = search_log(host, path, needle)
        except Exception as exc:  # a lost link, a log not written yet: say so in the pane
            lines = [f"(could not search {path}: {exc})"]
        self.app.call_from_thread(self._searched, needle, lines)

    def _searched(self, needle: str, lines: list[str]) -> None:
        box = self.query_one("#mon-filter", Input)
        if box.display and box.value.strip() == needle:  # not a stale answer
            self._write(lines or [f"(no line holds {needle!r})"])

    def open_filter(self) -> None:
        box = self.query_one("#mon-filter", Input)
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "mon-filter":
            self.show_log()

    def on_descendant_blur(self, event) -> None:
        box = self.query_one("#mon-filter", Input)
        if event.widget is box and not box.value.strip():
            box.display = False  # an empty filter closes when left

    def first_error(self) -> int | None:
        """Index in the shown log of the first traceback or error line."""
        log = self.query_one("#mon-log", Log)
        for i, line in enumerate(log.lines):
            if ERROR_LINE.search(line):
                return i
        return None

    def jump_to_error(self) -> None:
        log = self.query_one("#mon-log", Log)
        index = self.first_error()
        if index is None:
            self.app.notify("no error or traceback in the log")
            return
        log.auto_scroll = False  # stay on it while new lines come in
        log.scroll_to(y=index, animate=False)

    def toggle_follow(self) -> None:
        log = self.query_one("#mon-log", Log)
        log.auto_scroll = not log.auto_scroll
        if log.auto_scroll:
            log.scroll_end(animate=False)
        self.app.notify("following the log" if log.auto_scroll else "log paused")

    def copy_text(self) -> str:
        """What `y` copies: the traceback when there is one, else the run's folder."""
        lines = self.tail
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                return "\n".join(lines[i:])
        return self.paths.root if self.paths else ""
