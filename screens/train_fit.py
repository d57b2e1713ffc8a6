"""The Train form's "will it fit?" line: the estimate of the config being edited.

Updated as fields change: each change restarts a short wait (debounce), then a worker
estimates off the UI thread (`tui_ft.fit.fit_on`: here, or one command on the box) and
the line shows the total per GPU and the verdict. Launch asks `blocks()` first: a config
that won't fit gets a warning with the suggestions, and Launch again launches anyway.
"""

from __future__ import annotations

import json
import time
from typing import Any

from textual import work
from textual.widgets import Static
from textual.worker import get_current_worker

from tui_ft.train import TrainConfig

DEBOUNCE = 0.6
"""Seconds of quiet typing before estimating again."""


def _key(raw: dict[str, Any]) -> str:
    return json.dumps(raw, sort_keys=True, default=str)


class FitPanel(Static):
    """One or two lines under the form: `fit: 18.1 GiB per GPU · 79 GiB free · fits`."""

    DEFAULT_CLASSES = "fit-panel"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("fit: …", **kwargs)
        self.report: Any = None
        self.for_key: str | None = None
        self.warned_key: str | None = None

    def request(self, cfg: TrainConfig) -> None:
        """Estimate `cfg` once the fields have been quiet for DEBOUNCE seconds."""
        raw = cfg.to_dict()
        if cfg.deepspeed_stage is not None and not cfg.deepspeed:
            raw["deepspeed_stage"] = cfg.deepspeed_stage
        if not str(raw.get("model_name_or_path") or "").strip():
            self._show("fit: pick a model to see its memory estimate", "")
            return
        key = _key(raw)
        if key == self.for_key:
            return
        self.estimate(raw, key)

    @work(thread=True, exclusive=True, group="train-fit")
    def estimate(self, raw: dict[str, Any], key: str) -> None:
        time.sleep(DEBOUNCE)  # a newer request cancels this worker while it waits
        if get_current_worker().is_cancelled:
            return
        from tui_ft.fit.check import FitError, fit_on
        from tui_ft.host.base import HostError

        host = self.app.host  # type: ignore[attr-defined]
        try:
            report = fit_on(host, raw, timeout=120, isolate=True)
        except (FitError, HostError, OSError) as exc:
            text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.app.call_from_thread(self._failed, key, text)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._done, key, report)

    def _failed(self, key: str, text: str) -> None:
        self.report, self.for_key = None, key
        self._show(f"fit: no estimate ({text})", "fit-unknown")

    def _done(self, key: str, report: Any) -> None:
        from tui_ft.fit.render import headline

        self.report, self.for_key = report, key
        verdict = report.verdict
        css = {"fits": "fit-ok", "tight": "fit-tight", "won't fit": "fit-no"}.get(verdict, "")
        self._show(f"fit: {headline(report)}", css)

    def _show(self, text: str, css: str) -> None:
        for name in ("fit-ok", "fit-tight", "fit-no", "fit-unknown"):
            self.remove_class(name)
        if css:
            self.add_class(css)
        self.update(text)

    # -- Launch ----------------------------------------------------------------------
    def blocks(self, cfg: TrainConfig) -> str | None:
        """A warning when the estimate of exactly this config says it won't fit and Launch
        was not pressed on it already (the second press launches anyway); else None."""
        raw = cfg.to_dict()
        if cfg.deepspeed_stage is not None and not cfg.deepspeed:
            raw["deepspeed_stage"] = cfg.deepspeed_stage
        key = _key(raw)
        if self.report is None or key != self.for_key or self.report.verdict != "won't fit":
            return None
        if self.warned_key == key:
            return None
        self.warned_key = key
        from tui_ft.fit.render import gib, headline

        lines = [f"[b]won't fit:[/b] {headline(self.report)}"]
        for s in self.report.suggestions[:4]:
            lines.append(f"  {gib(s.total):>9} {s.verdict:<9} {s.change}")
        lines.append("press [b]l[/b] (Launch) again to launch anyway")
        return "\n".join(lines)


class PeakTracker:
    """The highest GPU memory the monitor's NVML sampling saw while the attached run lived,
    kept in its fit.json (`tui-ft fit --report` compares it with the estimate). Written from
    a thread, at most every WRITE_EVERY seconds and only when the peak grew."""

    WRITE_EVERY = 10.0

    def __init__(self) -> None:
        self.run_id: str | None = None
        self.peak = 0
        self.written = 0
        self.last_write = 0.0

    def update(self, screen: Any, paths: Any, info: Any, sample: Any) -> None:
        if paths is None or info is None or not info.alive or sample is None or not sample.gpus:
            return
        if paths.run_id != self.run_id:
            self.run_id, self.peak, self.written = paths.run_id, 0, 0
        self.peak = max(self.peak, max(g.memory_used for g in sample.gpus))
        now = time.monotonic()
        if self.peak > self.written and now - self.last_write >= self.WRITE_EVERY:
            self.written, self.last_write = self.peak, now
            screen.run_worker(lambda: self._write(screen.tui.host, paths, self.peak),
                              thread=True, group="fit-peak")  # fmt: skip

    @staticmethod
    def _write(host: Any, paths: Any, peak: int) -> None:
        from contextlib import suppress

        from tui_ft.fit.record import save_observed
        from tui_ft.host.base import HostError

        with suppress(OSError, HostError):  # a lost link: the next sample writes it
            save_observed(host, paths, {"nvml": peak, "source": "monitor"})
