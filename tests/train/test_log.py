"""Trainer-log parsing: resumes give one continuous curve; memory stays bounded."""

from __future__ import annotations

import asyncio
import json
import math

from tests.train.conftest import DATA
from tui_ft.host import LocalHost
from tui_ft.train import TrainerLog, compute_metrics, follow_lines, loss_warnings
from tui_ft.train.log import parse_duration


def rec(step, loss=None, total=100, **kw):
    d = {"current_steps": step, "total_steps": total, "elapsed_time": f"0:00:{step:02d}"}
    if loss is not None:
        d.update(loss=loss, lr=1e-3, epoch=step / 10)
    d.update(kw)
    return json.dumps(d)


def test_real_resumed_log_gives_one_continuous_curve():
    log = TrainerLog()
    log.feed((DATA / "resumed_trainer_log.jsonl").read_text().splitlines())
    steps = log.loss.steps
    assert steps == sorted(set(steps)), "steps unique and increasing"
    assert steps[0] == 2 and steps[-1] == 60 == log.total_steps
    assert log.resumes == 1
    # the record of step 12 after the resume replaced the one before it
    raw = [json.loads(x) for x in (DATA / "resumed_trainer_log.jsonl").read_text().splitlines()]
    after = [r for r in raw if r["current_steps"] == 12][-1]
    assert log.loss.values[steps.index(12)] == after["loss"]


def test_latest_record_per_step_wins_for_eval_too():
    log = TrainerLog()
    log.feed([rec(10, 2.0), rec(20, 1.5), rec(20, eval_loss=1.8), rec(30, 1.2)])
    log.feed([rec(20, 1.6), rec(20, eval_loss=1.9)])  # resumed from checkpoint-10
    assert log.loss.steps == [10, 20] and log.loss.values == [2.0, 1.6]
    assert log.eval_loss.steps == [20] and log.eval_loss.values == [1.9]


def test_history_is_bounded_and_keeps_the_live_end():
    log = TrainerLog(max_points=256)
    log.feed([rec(s, 10 / s, total=100_000) for s in range(1, 100_001)])
    assert len(log.loss) <= 257
    assert log.loss.steps[0] == 1 and log.loss.steps[-1] == 100_000
    assert log.loss.steps == sorted(set(log.loss.steps))
    log.feed([rec(50_000, 0.5, total=100_000)])  # resume far back
    assert log.loss.steps[-1] == 50_000 and log.loss.values[-1] == 0.5


def test_bad_lines_are_counted_not_fatal():
    log = TrainerLog()
    log.feed(["{not json", "", rec(1, 3.0), '{"no_step": 1}'])
    assert log.bad_lines == 2 and log.step == 1


def test_metrics_and_loss_warnings():
    log = TrainerLog()
    log.feed([rec(s, 5.0 - s * 0.1) for s in range(1, 11)])
    m = compute_metrics(log, None, hourly_price=3.6)
    assert m.step == 10 and m.total_steps == 100
    assert m.steps_per_second == 1.0 and m.eta == 90.0
    assert math.isclose(m.cost, 0.01) and math.isclose(m.projected_cost, 0.1)
    assert loss_warnings(log) == []
    log.feed([rec(s, 20.0) for s in range(11, 14)])
    assert "loss diverging" in loss_warnings(log)[0]
    log.feed([rec(14, float("nan"))])
    assert "loss is nan at step 14" in loss_warnings(log)[0]


def test_parse_duration():
    assert parse_duration("0:01:05") == 65
    assert parse_duration("1 day, 0:00:01") == 86401
    assert parse_duration("") is None


async def test_follow_lines_streams_from_offset_and_waits_for_whole_lines(tmp_path):
    path = tmp_path / "trainer_log.jsonl"
    path.write_text(rec(1, 1.0) + "\n" + rec(2, 0.9) + "\n")
    first_len = len(rec(1, 1.0)) + 1
    got: list[str] = []
    done = False

    async def consume():
        async for batch in follow_lines(
            LocalHost(), str(path), offset=first_len, interval=0.05, stop=lambda: done
        ):
            got.extend(batch)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.2)
    with path.open("a") as fh:
        fh.write(rec(3, 0.8)[:10])  # half a line: must wait for the newline
        fh.flush()
        await asyncio.sleep(0.2)
        assert len(got) == 1
        fh.write(rec(3, 0.8)[10:] + "\n")
    done = True
    await asyncio.wait_for(task, 5)
    assert [json.loads(x)["current_steps"] for x in got] == [2, 3]


async def test_follow_lines_cancel_is_clean(tmp_path):
    path = tmp_path / "log.jsonl"

    async def consume():
        async for _ in follow_lines(LocalHost(), str(path), interval=0.05):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.15)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
