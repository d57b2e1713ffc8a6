"""`tui-ft fit --probe` on the CPU: a few real LLaMA-Factory steps of the demo, and their peak."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.demo_training import demo_args
from tui_ft.cli import main


@pytest.mark.train
def test_probe_runs_the_config_and_reports_the_peak(demo_copy: Path, capsys) -> None:
    config = demo_copy / "probe.yaml"
    args = demo_args(demo_copy, "", per_device_train_batch_size=2)
    del args["output_dir"]
    config.write_text(yaml.safe_dump(args))
    ws = ["--workspace", str(demo_copy)]
    code = main([*ws, "fit", str(config), "--probe", "--steps", "2", "--json", "--no-data"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    probe = doc["probe"]
    assert probe["steps"] == 2 and probe["allocated"] is None  # no GPU: the process's peak RSS
    assert probe["rss"] > 50 * (1 << 20)  # torch and the model were really loaded
    run = demo_copy / "runs" / probe["run_id"]
    log = [json.loads(line) for line in (run / "output" / "trainer_log.jsonl").open()]
    assert {r["total_steps"] for r in log} == {2} and log[-1]["current_steps"] == 2
    saved = json.loads((run / "fit.json").read_text())
    assert saved["observed"]["rss"] == probe["rss"] and saved["estimate"]["total"] > 0
    # every run with a saved estimate and a peak is listed by --report
    assert main([*ws, "fit", "--report"]) == 0
    out = capsys.readouterr().out
    assert probe["run_id"] in out and "cpu-rss" in out
