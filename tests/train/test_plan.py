"""The run plan: steps from the datasets, and logging/saving derived so a run draws a curve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_ft.host import LocalHost
from tui_ft.train.config import new_run_config
from tui_ft.train.plan import apply_plan, log_interval, plan_run, planned_steps


def test_steps_follow_the_trainer_count():
    assert planned_steps(21, epochs=3, batch=1, grad_accum=8) == 6
    assert planned_steps(1000, epochs=1, batch=4, grad_accum=2, devices=2) == 62
    assert planned_steps(3, epochs=2, batch=8, grad_accum=8) == 2  # at least one per epoch
    assert planned_steps(21, epochs=3, batch=1, grad_accum=8, max_steps=30) == 30


def test_log_interval_gives_about_twenty_points():
    for steps in (1, 6, 30, 45, 200, 10_000):
        points = steps // log_interval(steps)
        assert points >= min(steps, 20) and points < 40


def test_demo_run_logs_every_step(demo_workspace: Path):
    cfg = new_run_config(
        model_name_or_path=str(demo_workspace / "models" / "tiny-llama-demo"),
        dataset_dir=str(demo_workspace / "datasets"),
        dataset="identity_demo",
    )
    records = json.loads((demo_workspace / "datasets" / "identity_demo.json").read_text())
    plan = plan_run(LocalHost(), cfg)
    assert plan.samples == len(records)
    assert plan.steps == planned_steps(len(records), epochs=3, batch=1, grad_accum=8)
    assert plan.logging_steps == 1  # the preset 10 would log nothing on this short run
    derived = apply_plan(cfg, plan, {"logging_steps"})
    assert derived.logging_steps == 1 and derived.save_steps == cfg.save_steps


def test_val_split_and_max_samples(demo_workspace: Path):
    cfg = new_run_config(
        dataset_dir=str(demo_workspace / "datasets"),
        dataset="identity_demo",
        max_samples=10,
        val_size=0.2,
        max_steps=None,
    )
    assert plan_run(LocalHost(), cfg).samples == 8


def test_unknown_dataset_cannot_be_planned(demo_workspace: Path):
    cfg = new_run_config(dataset_dir=str(demo_workspace / "datasets"), dataset="nope")
    with pytest.raises(LookupError):
        plan_run(LocalHost(), cfg)
