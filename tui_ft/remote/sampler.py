"""GPU, CPU and RAM readings of a box for `SystemSampler(read=remote_reader(host))`.

One tiny shell loop runs on the box for as long as we watch, printing every second the
first line of /proc/stat (CPU busy share from the difference to the previous one), two
lines of /proc/meminfo and nvidia-smi's CSV query (NVML on the box), then `--`. One
streamed channel: no command start-up (login shell rc files) per sample, nothing to
install on the box.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from tui_ft.gpu import GPUInfo
from tui_ft.host.base import ConnectionLost, Host, HostError
from tui_ft.train.sampler import Sample

FIELDS = (
    "index,name,uuid,memory.total,memory.used,utilization.gpu,temperature.gpu,"
    "power.draw,power.limit"
)
SCRIPT = (
    "while :; do head -1 /proc/stat; grep -E '^(MemTotal|MemAvailable):' /proc/meminfo; "
    f"nvidia-smi --query-gpu={FIELDS} --format=csv,noheader,nounits 2>/dev/null; "
    'echo --; sleep "$1"; done'
)
MIB = 1024 * 1024


def _num(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:  # "[N/A]", "[Not Supported]"
        return None


def parse_gpu(line: str) -> GPUInfo | None:
    parts = [p.strip() for p in line.split(",")]
    if len(parts) != 9 or not parts[0].isdigit():
        return None
    util, temp = _num(parts[5]), _num(parts[6])
    return GPUInfo(
        index=int(parts[0]),
        name=parts[1],
        uuid=parts[2],
        memory_total=int((_num(parts[3]) or 0) * MIB),
        memory_used=int((_num(parts[4]) or 0) * MIB),
        utilization=None if util is None else int(util),
        temperature=None if temp is None else int(temp),
        power=_num(parts[7]),
        power_limit=_num(parts[8]),
    )


class _Parser:
    def __init__(self) -> None:
        self.last: list[int] = []

    def sample(self, lines: list[str]) -> Sample:
        cpu = [int(x) for x in lines[0].split()[1:]]
        busy_pct = 0.0
        if self.last:
            d = [a - b for a, b in zip(cpu, self.last, strict=False)]
            idle = d[3] + (d[4] if len(d) > 4 else 0)  # idle + iowait
            total = sum(d[:8])
            busy_pct = 100.0 * (total - idle) / total if total > 0 else 0.0
        self.last = cpu
        mem = {ln.split(":")[0]: int(ln.split()[1]) * 1024 for ln in lines[1:3]}
        gpus = tuple(g for ln in lines[3:] if (g := parse_gpu(ln)) is not None)
        total_ram = mem.get("MemTotal", 0)
        return Sample(
            t=time.time(),
            gpus=gpus,
            cpu_percent=round(busy_pct, 1),
            ram_used=total_ram - mem.get("MemAvailable", 0),
            ram_total=total_ram,
        )


def stream_samples(host: Host, interval: float = 1.0) -> Iterator[Sample]:
    """Samples as the box produces them; closing the iterator stops the loop there."""
    parser = _Parser()
    block: list[str] = []
    stream = host.stream(["sh", "-c", SCRIPT, "sh", f"{interval:g}"])
    try:
        for line in stream:
            if line != "--":
                block.append(line)
                continue
            if block and block[0].startswith("cpu"):
                yield parser.sample(block)
            block = []
    finally:
        stream.close()


def remote_reader(host: Host, interval: float = 1.0) -> Callable[[], Sample]:
    """A `read` for SystemSampler: the newest sample of a background stream (at most
    `interval` old); waits for the first one only."""
    latest: list[Sample] = []
    ready = threading.Event()
    error: list[BaseException] = []

    def pump() -> None:
        try:
            for sample in stream_samples(host, interval):
                latest[:] = [sample]
                ready.set()
        except BaseException as exc:  # the reader raises it at its next call
            error.append(exc)
            ready.set()

    thread: list[threading.Thread] = []

    def read() -> Sample:
        if thread and not thread[0].is_alive():  # the stream ended (connection lost)
            thread.clear()
            latest.clear()
            ready.clear()
            if error:
                raise error.pop()  # reported once; the next call starts a new stream
        if not thread:
            if not host.link.up:  # no stream to start while the link is down: skip the tick
                raise ConnectionLost(f"{host.describe()}: {host.link.describe()}")
            thread.append(threading.Thread(target=pump, name="remote-sampler", daemon=True))
            thread[0].start()
        if not ready.wait(max(10.0, 3 * interval)):
            raise HostError(f"{host.describe()}: no sample from the box")
        if error:
            raise error[0]
        return latest[0]

    return read
