"""GPU, CPU and RAM readings on a daemon thread into a ring buffer (the nvitop way).

One NVML batch plus two psutil calls per interval: well under 1% of a core at 1 Hz
(benchmarks/trainer_log.py measures it). Readers take `samples()` (a copy) from any
thread. The reader function is injectable so a remote host can supply its own.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from tui_ft.gpu import GPUInfo


@dataclass(frozen=True)
class Sample:
    t: float
    gpus: tuple[GPUInfo, ...] = field(default_factory=tuple)
    cpu_percent: float = 0.0
    ram_used: int = 0
    ram_total: int = 0


def read_local() -> Sample:
    import psutil

    from tui_ft.gpu import read_gpus

    vm = psutil.virtual_memory()
    return Sample(
        t=time.time(),
        gpus=tuple(read_gpus()),
        cpu_percent=psutil.cpu_percent(interval=None),
        ram_used=int(vm.total - vm.available),
        ram_total=int(vm.total),
    )


class SystemSampler:
    def __init__(
        self,
        interval: float = 1.0,
        capacity: int = 600,
        read: Callable[[], Sample] = read_local,
    ) -> None:
        self.interval = max(0.05, interval)
        self._read = read
        self._buf: deque[Sample] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    def start(self) -> SystemSampler:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="tui-ft-sampler", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2 * self.interval + 1)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                sample = self._read()
            except Exception as exc:  # a sampler that dies silently shows stale numbers
                self.error = f"{type(exc).__name__}: {exc}"
            else:
                with self._lock:
                    self._buf.append(sample)
            self._stop.wait(self.interval)

    def samples(self) -> list[Sample]:
        with self._lock:
            return list(self._buf)

    def latest(self) -> Sample | None:
        with self._lock:
            return self._buf[-1] if self._buf else None
