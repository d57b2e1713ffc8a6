"""LLaMA-Factory's `trainer_log.jsonl`, parsed into a bounded, continuous loss history.

After a resume LLaMA-Factory logs again from the checkpoint's step, so steps repeat:
a record for a step at or before the last one kept replaces everything from that step
on (the latest per `current_steps` wins) and the curve stays one continuous line.

Memory is bounded: past `max_points` the history keeps every other point and doubles
its stride, so a million-line log costs a few thousand floats. The newest point is
always kept, so the end of the curve is live.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from json import loads as _json_loads
from typing import Any

from tui_ft.host.base import Host

try:  # orjson parses these lines ~3x faster; the stdlib is the fallback
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - depends on the install
    _fast_loads = _json_loads


def _parse_many(lines: list[str]) -> list[Any]:
    """Parse a batch of JSON lines: one parser call for the batch when all are valid."""
    lines = [line for line in lines if line.strip()]
    if not lines:
        return []
    try:
        return _fast_loads("[" + ",".join(lines) + "]")
    except ValueError:  # a bad line or a NaN in the batch: line by line
        out = []
        for line in lines:
            try:
                out.append(_loads(line))
            except ValueError:
                continue
        return out


def _loads(line: str | bytes) -> Any:
    try:
        return _fast_loads(line)
    except ValueError:  # NaN / Infinity: Python's json writes them, orjson refuses them
        return _json_loads(line)


def parse_duration(text: Any) -> float | None:
    """'1 day, 2:03:04' / '0:01:05' (str(timedelta)) -> seconds."""
    if not isinstance(text, str) or not text:
        return None
    days = 0.0
    if "day" in text:
        head, _, text = text.partition(",")
        days = float(head.split()[0])
    try:
        h, m, s = (float(x) for x in text.strip().split(":"))
    except ValueError:
        return None
    return days * 86400 + h * 3600 + m * 60 + s


@dataclass
class Series:
    """Steps and values, steps strictly increasing, at most `max_points` long."""

    max_points: int = 2048
    steps: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    stride: int = 1

    def truncate(self, step: int) -> None:
        """Drop the points at `step` and after (a resume replaces them)."""
        cut = bisect_left(self.steps, step)
        del self.steps[cut:], self.values[cut:]

    def add(self, step: int, value: float) -> None:
        steps = self.steps
        if steps and step <= steps[-1]:
            self.truncate(step)
        if len(steps) >= 2 and step - steps[-2] < self.stride:
            steps[-1], self.values[-1] = step, value  # the live end moves forward
        else:
            steps.append(step)
            self.values.append(value)
            if len(steps) > self.max_points:
                last_s, last_v = steps[-1], self.values[-1]
                del steps[1::2], self.values[1::2]
                if steps[-1] != last_s:
                    steps.append(last_s)
                    self.values.append(last_v)
                self.stride *= 2

    def extend(self, new_steps: list[int], new_values: list[float]) -> None:
        """`add` for many points; the hot path of a catch-up on a long log."""
        steps, values, add = self.steps, self.values, self.add
        for step, value in zip(new_steps, new_values, strict=True):
            n = len(steps)
            if n >= 2 and step > steps[-1] and step - steps[-2] < self.stride:
                steps[-1] = step
                values[-1] = value
            else:
                add(step, value)

    def __len__(self) -> int:
        return len(self.steps)


@dataclass
class TrainerLog:
    """The state of one run's trainer log: loss/eval/lr curves and the latest record."""

    max_points: int = 2048
    loss: Series = field(init=False)
    eval_loss: Series = field(init=False)
    lr: Series = field(init=False)
    latest: dict[str, Any] | None = None
    lines: int = 0
    bad_lines: int = 0
    resumes: int = 0
    first_loss: float | None = None
    min_loss: tuple[int, float] | None = None
    epoch: float | None = None
    segment_start: tuple[int, float] | None = None
    """(step, elapsed seconds) of the first record of the current launch, for the rate."""

    def __post_init__(self) -> None:
        self.loss = Series(self.max_points)
        self.eval_loss = Series(self.max_points)
        self.lr = Series(self.max_points)

    def feed(self, lines: list[str]) -> int:
        """Ingest complete lines; returns how many records were used."""
        records = _parse_many(lines)
        self.lines += len(lines)
        self.bad_lines += sum(1 for line in lines if line.strip()) - len(records)
        used = 0
        # points are gathered per batch and flushed into the series (fewer calls)
        ls, lv, es, ev, rs, rv = [], [], [], [], [], []
        last_step = self.step if self.latest is not None else None
        first_loss, min_loss = self.first_loss, self.min_loss
        isfinite = math.isfinite
        for rec in records:
            try:
                step = int(rec["current_steps"])
            except (KeyError, TypeError, ValueError):
                self.bad_lines += 1
                continue
            if last_step is not None and step < last_step:  # resumed from a checkpoint
                self._flush(ls, lv, es, ev, rs, rv)
                self.resumes += 1
                self.segment_start = None
                self.loss.truncate(step), self.eval_loss.truncate(step), self.lr.truncate(step)
                if min_loss and min_loss[0] >= step:
                    min_loss = None
            if self.segment_start is None:
                elapsed = parse_duration(rec.get("elapsed_time"))
                if elapsed is not None:
                    self.segment_start = (step, elapsed)
            value = rec.get("loss")
            if value is not None:
                value = float(value)
                ls.append(step)
                lv.append(value)
                if first_loss is None:
                    first_loss = value
                if isfinite(value) and (min_loss is None or value < min_loss[1]):
                    min_loss = (step, value)
            value = rec.get("eval_loss")
            if value is not None:
                es.append(step)
                ev.append(float(value))
            value = rec.get("lr")
            if value is not None:
                rs.append(step)
                rv.append(float(value))
            last_step = step
            used += 1
        self._flush(ls, lv, es, ev, rs, rv)
        self.first_loss, self.min_loss = first_loss, min_loss
        for rec in reversed(records):
            if isinstance(rec, dict) and "current_steps" in rec:
                self.latest = rec
                break
        for rec in reversed(records):
            if isinstance(rec, dict) and rec.get("epoch") is not None:
                self.epoch = rec["epoch"]
                break
        return used

    def _flush(self, *pending: list) -> None:
        ls, lv, es, ev, rs, rv = pending
        self.loss.extend(ls, lv)
        self.eval_loss.extend(es, ev)
        self.lr.extend(rs, rv)
        for p in pending:
            p.clear()

    @property
    def step(self) -> int | None:
        return None if self.latest is None else int(self.latest["current_steps"])

    @property
    def total_steps(self) -> int | None:
        return None if self.latest is None else self.latest.get("total_steps")

    def steps_per_second(self) -> float | None:
        """Rate of the current launch, from LLaMA-Factory's own elapsed clock."""
        if self.latest is None or self.segment_start is None:
            return None
        elapsed = parse_duration(self.latest.get("elapsed_time"))
        s0, e0 = self.segment_start
        if elapsed is None or elapsed <= e0:
            return None
        return (self.step - s0) / (elapsed - e0)


def tail_records(host: Host, path: str, size: int = 16384) -> list[dict[str, Any]]:
    """The last records of a trainer log, read from its tail only (cheap over SSH)."""
    st = host.stat(path)
    if st is None:
        return []
    offset = max(0, st.size - size)
    data = host.read_bytes(path, offset)
    lines = data.split(b"\n")
    if offset:
        lines = lines[1:]  # the first one is cut
    out = []
    for line in lines:
        try:
            rec = _loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict):
            out.append(rec)
    return out
