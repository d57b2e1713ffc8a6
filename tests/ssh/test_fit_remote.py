"""`tui-ft fit --host box`: the estimate runs on the box, with its files (the config.json,
the data and its tokenizer) and its GPUs; the laptop only sends the config."""

from __future__ import annotations

import json
import os

import pytest
import yaml

from tui_ft.cli import main


def test_fit_over_ssh_measures_the_box_data_with_its_tokenizer(
    ssh_home, box, box_demo_copy, tmp_path, capsys
):
    config = tmp_path / "demo.yaml"  # on the laptop; its relative paths mean the box workspace
    config.write_text(yaml.safe_dump({
        "model_name_or_path": "models/tiny-llama-demo", "dataset_dir": "datasets",
        "dataset": "identity_demo", "template": "default", "finetuning_type": "lora",
        "cutoff_len": 128, "per_device_train_batch_size": 4,
    }))  # fmt: skip
    ws = ["--host", "box", "--workspace", str(box_demo_copy)]
    assert main([*ws, "fit", str(config), "--json", "--free", "8GiB"]) == 0
    doc = json.loads(capsys.readouterr().out)
    records = len(json.loads((box_demo_copy / "datasets" / "identity_demo.json").read_text()))
    assert doc["model"] == str(box_demo_copy / "models" / "tiny-llama-demo")
    assert f"p99 of {records} records" in doc["seq_source"]
    assert 0 < doc["estimate"]["seq_len"] <= 128 and doc["verdict"] == "fits"
    assert sorted(os.listdir(ssh_home)) == [".ssh"]  # nothing of the box came to the laptop

    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump({"model_name_or_path": "models/nothing", "dataset": "x"}))
    with pytest.raises(SystemExit) as exited:
        main([*ws, "fit", str(broken)])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "config.json: no such file" in err
