"""A real LLaMA-Factory predict, started detached and followed, then scored."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui_ft.evaluate import PredictSpec, launch_predict, load_metrics, load_predictions
from tui_ft.host import LocalHost

pytestmark = pytest.mark.lf
TUI_FT = str(Path(sys.executable).parent / "tui-ft")


def test_predict_detached_progress_and_metrics(trained, tmp_path):
    host = LocalHost()
    spec = PredictSpec(
        model=str(trained["model"]),
        dataset="identity_demo",
        dataset_dir=str(trained["datasets"]),
        output_dir=str(tmp_path / "eval"),
        adapter=str(trained["adapter"]),
        max_samples=4,
        max_new_tokens=24,
    )
    job = launch_predict(host, spec)
    stages, seen_bar = [], False
    deadline = time.monotonic() + 300
    while (prog := job.poll()).state == "running":
        stages.append(prog.stage)
        seen_bar = seen_bar or prog.total == 2  # 4 samples, batch 2
        assert time.monotonic() < deadline, "predict did not finish"
        time.sleep(0.3)
    assert prog.state == "done", prog.error
    assert "predicting" in stages
    metrics = load_metrics(host, spec.output_dir)
    preds = load_predictions(host, spec.output_dir)
    assert len(preds) == 4
    # The identity was learnt: the predictions overlap their labels well above chance.
    assert metrics["predict_rouge-1"] > 20, metrics
    assert sum("tui-ft" in p.predict or "TinyFT" in p.predict for p in preds) >= 2


def test_cli_eval_json_and_exit_codes(demo_workspace, tmp_path):
    trained = {
        "model": demo_workspace / "models" / "tiny-llama-demo",
        "datasets": demo_workspace / "datasets",
    }
    out = tmp_path / "out"
    args = [
        TUI_FT,
        "--workspace",
        str(tmp_path / "ws"),
        "eval",
        "--model",
        str(trained["model"]),
        "--dataset",
        "identity_demo",
        "--dataset-dir",
        str(trained["datasets"]),
        "--max-samples",
        "2",
        "--max-new-tokens",
        "16",
        "--output",
        str(out),
        "--json",
    ]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data["metrics"]) == {"BLEU-4", "ROUGE-1", "ROUGE-2", "ROUGE-L"}
    assert data["samples"] == 2 and data["output_dir"] == str(out)
    assert (out / "predict.yaml").exists()

    bad = subprocess.run([*args[:-1], "--dataset", "missing"], capture_output=True, text=True)
    assert bad.returncode == 2 and "no dataset named 'missing'" in bad.stderr
