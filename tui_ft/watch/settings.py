"""The `watch:` section of the config file: stall thresholds and the opt-in power-off.

watch:
  interval: 10             # seconds between two looks at the runs
  stall_factor: 10         # log silent for more than N x the median time between lines
  stall_min_seconds: 300   # ... and never sooner than this
  startup_seconds: 1800    # silence allowed before the first log line (loading, tokenising)
  gpu_idle_percent: 5      # GPU utilisation under this ...
  gpu_idle_minutes: 10     # ... for this long (not while saving or evaluating): stalled
  power_off: false         # power the box off when the last run ends (stops the meter)
  power_off_command: shutdown -h now
  power_off_grace: 300     # seconds to cancel it: `tui-ft watch --cancel-poweroff`
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


class WatchConfigError(ValueError):
    pass


@dataclass
class WatchSettings:
    interval: float = 10.0
    stall_factor: float = 10.0
    stall_min_seconds: float = 300.0
    startup_seconds: float = 1800.0
    gpu_idle_percent: float = 5.0
    gpu_idle_minutes: float = 10.0
    power_off: bool = False
    power_off_command: str = "shutdown -h now"
    power_off_grace: float = 300.0


def parse_watch(raw: Any, source: str = "config") -> WatchSettings:
    if raw is None:
        return WatchSettings()
    if not isinstance(raw, dict):
        raise WatchConfigError(f"{source}: watch must be a mapping of settings")
    known = {f.name: f for f in fields(WatchSettings)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise WatchConfigError(
            f"{source}: unknown watch setting(s) {', '.join(unknown)} (known: {', '.join(known)})"
        )
    out = WatchSettings()
    for key, value in raw.items():
        default = getattr(out, key)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise WatchConfigError(f"{source}: watch.{key} must be true or false")
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise WatchConfigError(f"{source}: watch.{key} must be a non-negative number")
            value = float(value)
        elif not isinstance(value, str) or not value.strip():
            raise WatchConfigError(f"{source}: watch.{key} must be a command line")
        setattr(out, key, value)
    return out
