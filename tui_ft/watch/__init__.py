"""The watchdog: run health (stalled, dead, finished, failed), cost, stray GPU processes,
notifications and the opt-in power-off, in a daemon that needs no open TUI."""

from tui_ft.watch.cost import Cost, run_cost
from tui_ft.watch.files import WatchFiles
from tui_ft.watch.health import Health, health
from tui_ft.watch.settings import WatchSettings, parse_watch

__all__ = ["Cost", "Health", "WatchFiles", "WatchSettings", "health", "parse_watch", "run_cost"]
