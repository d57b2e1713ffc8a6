"""The watch daemon: one per box, detached like a run, looks at every run of the workspace
every `interval` seconds, tells the webhooks when a run finishes, fails, dies or stalls,
and (opt-in) powers the box off when the last run has ended.

It needs no TUI and no SSH session: it is started with `host.spawn_detached` (its own
session, output to `watch.log`) and keeps what it sees in `state.json`, which
`tui-ft watch --status` and the TUI read. What it already reported is kept there too,
so a restarted daemon does not report a run twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections import deque
from typing import Any

from tui_ft.atomic import atomic_write_text
from tui_ft.notify import Event, NotifySettings, send_all
from tui_ft.notify.mask import masked_deliveries
from tui_ft.train.discover import RunInfo, list_runs
from tui_ft.watch.cost import run_cost
from tui_ft.watch.files import WatchFiles
from tui_ft.watch.health import Health, health
from tui_ft.watch.settings import WatchSettings
from tui_ft.workspace import Workspace

NOTIFY_STATES = ("finished", "failed", "dead", "stalled")
GPU_WINDOW = 4 * 3600  # seconds of GPU samples kept for the idle rule


class Watcher:
    def __init__(
        self,
        ws: Workspace,
        settings: WatchSettings,
        notify: NotifySettings,
        *,
        hourly_price: float | None = None,
        currency: str = "",
        read_sample=None,
    ) -> None:
        self.ws, self.settings, self.notify = ws, settings, notify
        self.hourly_price, self.currency = hourly_price, currency
        self.files = WatchFiles(ws.root)
        self.read_sample = read_sample
        self.samples: deque = deque()
        self.started_at = time.time()
        self.notifications: list[dict[str, Any]] = []
        self.poweroff: dict[str, Any] | None = None
        self.had_live_run = False
        self.reported: dict[str, str] = {}
        self.first_look = True
        self._load_previous()

    def _load_previous(self) -> None:
        """What an earlier daemon already reported: not sent again."""
        try:
            old = json.loads(self.ws.host.read_text(self.files.state))
        except (FileNotFoundError, ValueError):
            return
        self.reported = dict(old.get("reported") or {})
        self.notifications = masked_deliveries(list(old.get("notifications") or [])[-20:])

    # -- one look ---------------------------------------------------------------
    def scan(self, now: float | None = None) -> dict[str, Any]:
        now = now or time.time()
        self._sample(now)
        runs = []
        for info in list_runs(self.ws):
            h = self._health(info, now)
            runs.append((info, h))
            if info.alive:
                self.had_live_run = True
            self._maybe_notify(info, h)
        self.first_look = False
        if self.settings.power_off:
            self._power_off_step(runs, now)
        state = self._state(runs, now)
        atomic_write_text(self.files.state, json.dumps(state, indent=1), secret=True)
        return state

    def _sample(self, now: float) -> None:
        if self.read_sample is None:
            return
        try:
            self.samples.append(self.read_sample())
        except Exception:  # a GPU reading that fails is no reason to stop watching
            return
        while self.samples and self.samples[0].t < now - GPU_WINDOW:
            self.samples.popleft()

    def _health(self, info: RunInfo, now: float) -> Health:
        pids: set[int] = set()
        if info.alive and info.pid and any(s.gpus for s in self.samples):  # no GPU: no walk
            from tui_ft.watch.gpuprocs import run_process_tree

            pids = run_process_tree([info.pid])
        return health(
            self.ws.host, info, self.settings, now=now, gpu_samples=self.samples, run_pids=pids
        )

    def _maybe_notify(self, info: RunInfo, h: Health) -> None:
        before = self.reported.get(info.run_id)
        self.reported[info.run_id] = h.state
        if h.state == before or h.state not in NOTIFY_STATES:
            return
        ended_unseen = (info.ended_at or 0) < self.started_at
        if self.first_look and before is None and h.state != "stalled" and ended_unseen:
            return  # it ended before anyone watched: old news
        self._send(self._event(h.state, info, h.reason))

    def _event(self, kind: str, info: RunInfo, detail: str) -> Event:
        cost = run_cost(self.ws.host, info, self.hourly_price)
        return Event(
            kind=kind,
            run=info.run_id,
            detail=detail,
            last_loss=info.last_loss,
            duration_s=info.active_seconds,
            cost=cost.so_far,
            currency=self.currency,
        )

    def _send(self, event: Event) -> None:
        deliveries = send_all(self.notify.webhooks, event)
        record = {"at": time.time(), "kind": event.kind, "run": event.run,
                  "text": event.to_json()["text"],
                  "deliveries": [d.__dict__ for d in deliveries]}  # fmt: skip
        self.notifications = [*self.notifications, record][-20:]
        sent = ", ".join(f"{d.format} {d.detail}" for d in deliveries) or "no webhooks"
        print(f"{time.strftime('%H:%M:%S')} {event.run}: {event.kind} ({sent})", flush=True)

    # -- power-off -------------------------------------------------------------------
    def _power_off_step(self, runs: list[tuple[RunInfo, Health]], now: float) -> None:
        live = any(info.alive for info, _ in runs)
        po = self.poweroff
        if live:
            if po and po["status"] == "scheduled":
                po.update(status="cancelled", reason="a run started")
            return
        if po and po["status"] == "scheduled":
            if self.ws.host.exists(self.files.cancel_poweroff):
                self.ws.host.remove(self.files.cancel_poweroff)
                po.update(status="cancelled", reason="cancelled by the user")
                self.had_live_run = False
            elif now >= po["deadline"]:
                res = subprocess.run(
                    ["sh", "-c", po["command"]], capture_output=True, text=True, timeout=120
                )
                po.update(status="ran", returncode=res.returncode, ran_at=now)
                self.had_live_run = False
            return
        if self.had_live_run:
            grace = self.settings.power_off_grace
            self.poweroff = {"status": "scheduled", "deadline": now + grace,
                             "command": self.settings.power_off_command}  # fmt: skip
            if self.ws.host.exists(self.files.cancel_poweroff):  # an old, stale request
                self.ws.host.remove(self.files.cancel_poweroff)
            self._send(Event("poweroff", "all runs ended",
                             detail=f"`{self.settings.power_off_command}` in {grace:.0f}s; "
                             "cancel: tui-ft watch --cancel-poweroff"))  # fmt: skip

    # -- what --status shows ---------------------------------------------------------
    def _state(self, runs: list[tuple[RunInfo, Health]], now: float) -> dict[str, Any]:
        rows = []
        for info, h in runs:
            cost = run_cost(self.ws.host, info, self.hourly_price)
            rows.append({
                "run_id": info.run_id, "state": h.state, "reason": h.reason,
                "last_step": info.last_step, "total_steps": info.total_steps,
                "last_loss": info.last_loss, "duration_s": info.active_seconds,
                "cost": cost.so_far, "projected_cost": cost.projected,
                "silent_s": h.silent_s,
            })  # fmt: skip
        return {
            "pid": os.getpid(),
            "workspace": self.ws.root,
            "started_at": self.started_at,
            "updated_at": now,
            "interval": self.settings.interval,
            "currency": self.currency,
            "webhooks": len(self.notify.webhooks),
            "runs": rows,
            "reported": self.reported,
            "notifications": self.notifications,
            "poweroff": self.poweroff,
        }


def run_forever(watcher: Watcher, stop: threading.Event | None = None) -> None:
    """Look, sleep, repeat until SIGTERM (`tui-ft watch --stop`)."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # an SSH session ending is no reason
    print(f"watching {watcher.ws.runs} every {watcher.settings.interval:g}s", flush=True)
    while not stop.is_set():
        try:
            watcher.scan()
        except Exception as exc:  # one bad look (a run folder half written) is logged, not fatal
            print(f"scan failed: {type(exc).__name__}: {exc}", flush=True)
        stop.wait(watcher.settings.interval)
    print("stopped", flush=True)
