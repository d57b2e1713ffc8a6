"""`tui-ft fit CONFIG.yaml`: the table, the verdict and its exit code, JSON, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.fit.test_estimate import QWEN25_7B
from tui_ft.cli import main

GIB = 1 << 30


@pytest.fixture
def qwen_config(tmp_path: Path) -> Path:
    """A LoRA config for a model folder holding only Qwen2.5-7B's config.json."""
    model = tmp_path / "Qwen2.5-7B"
    model.mkdir()
    (model / "config.json").write_text(json.dumps(QWEN25_7B))
    config = tmp_path / "lora.yaml"
    config.write_text(
        yaml.safe_dump({
            "model_name_or_path": str(model), "stage": "sft", "finetuning_type": "lora",
            "lora_target": "all", "dataset": "nothing_here", "template": "qwen",
            "cutoff_len": 4096, "per_device_train_batch_size": 4, "bf16": True,
        })
    )  # fmt: skip
    return config


def test_a_7b_lora_fits_a_80gib_gpu_and_the_json_says_why(qwen_config, capsys) -> None:
    assert main(["fit", str(qwen_config), "--free", "80GiB", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["verdict"] == "fits"
    parts = {p["key"]: p["bytes"] for p in doc["estimate"]["parts"]}
    assert parts["weights"] == pytest.approx(2 * 7.6e9, rel=0.01)
    # the data cannot be measured (no such dataset): cutoff_len, and the reason said
    assert doc["estimate"]["seq_len"] == 4096
    assert "cutoff_len 4096 (data not measured" in doc["seq_source"]


def test_won_t_fit_exits_1_with_suggestions_that_each_fit(qwen_config, capsys) -> None:
    assert main(["fit", str(qwen_config), "--free", "28GiB"]) == 1
    out = capsys.readouterr().out
    assert "won't fit" in out and "to make it fit" in out
    suggestions = out.split("to make it fit")[1].strip().splitlines()[1:]
    fitting = [s for s in suggestions if " fits " in s or " tight " in s]
    assert any("gradient_accumulation_steps 1 -> 4" in s for s in fitting)  # batch 4 -> 1
    assert any("quantization_bit" in s or "4-bit" in s for s in suggestions)
    assert any("cutoff_len 4096 ->" in s for s in fitting)
    for line in fitting:  # each one's own estimate is under the 28 GiB free
        assert float(line.split()[0]) <= 28.0


def test_the_first_suggestion_actually_fits_when_applied(qwen_config, capsys, tmp_path) -> None:
    main(["fit", str(qwen_config), "--free", "24GiB", "--json"])
    first = json.loads(capsys.readouterr().out)["suggestions"][0]
    assert first["verdict"] in ("fits", "tight")
    changed = {**yaml.safe_load(qwen_config.read_text()), **first["yaml"]}
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(yaml.safe_dump(changed))
    assert main(["fit", str(fixed), "--free", "24GiB", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["estimate"]["total"] == first["total"]


def test_zero3_over_four_gpus_uses_less_per_gpu(qwen_config, capsys, tmp_path) -> None:
    full = {**yaml.safe_load(qwen_config.read_text()), "finetuning_type": "full"}
    ds = tmp_path / "ds_z3.json"
    ds.write_text(json.dumps({"zero_optimization": {"stage": 3}}))
    totals = {}
    for gpus in (1, 4):
        cfg = tmp_path / f"full{gpus}.yaml"
        cfg.write_text(yaml.safe_dump({**full, "deepspeed": str(ds)}))
        main(["fit", str(cfg), "--free", "80GiB", "--gpus", str(gpus), "--json"])
        totals[gpus] = json.loads(capsys.readouterr().out)["estimate"]
    one = {p["key"]: p["bytes"] for p in totals[1]["parts"]}
    four = {p["key"]: p["bytes"] for p in totals[4]["parts"]}
    assert four["optimizer"] == pytest.approx(one["optimizer"] / 4, rel=1e-6)
    assert totals[4]["total"] < totals[1]["total"]


def test_no_gpu_is_data_not_an_error(qwen_config, capsys) -> None:
    pytest.importorskip("pynvml")
    from tui_ft.gpu import read_gpus

    if read_gpus():
        pytest.skip("this machine has a GPU")
    assert main(["fit", str(qwen_config), "--no-data"]) == 0
    out = capsys.readouterr().out
    assert "no GPU" in out and "--free SIZE" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"model_name_or_path": "/nowhere/model"}, "/nowhere/model/config.json: no such file"),
        ({"finetuning_type": "everything"}, "finetuning_type: 'everything'"),
        ({"deepspeed": "/nowhere/ds.json"}, "deepspeed: /nowhere/ds.json: no such file"),
        ({"cutoff_len": "long"}, "cutoff_len: expected a whole number"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(qwen_config, capsys, change, message) -> None:
    bad = {**yaml.safe_load(qwen_config.read_text()), **change}
    qwen_config.write_text(yaml.safe_dump(bad))
    with pytest.raises(SystemExit) as exc:
        main(["fit", str(qwen_config), "--free", "24GiB"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("tui-ft: ") and message in err


def test_a_missing_or_broken_yaml_is_one_line(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["fit", str(tmp_path / "none.yaml")])
    assert "none.yaml" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [1\n")
    with pytest.raises(SystemExit):
        main(["fit", str(broken)])
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "broken.yaml" in err and "YAML" in err


def test_when_no_one_change_is_enough_the_cheapest_together_fit(
    qwen_config, capsys, tmp_path, monkeypatch
) -> None:
    """12 GiB cannot hold a 7B's bf16 weights: only offload (with a smaller micro-batch)
    gets there, and applying exactly that suggestion gives its estimate."""
    assert main(["fit", str(qwen_config), "--free", "12GiB", "--json"]) == 1
    first = json.loads(capsys.readouterr().out)["suggestions"][0]
    assert first["change"].startswith("together: ") and first["verdict"] in ("fits", "tight")
    assert "8-bit AdamW" not in first["change"]  # no step that is not needed
    monkeypatch.chdir(tmp_path)  # LLaMA-Factory's example file, where the suggestion names it
    ds = tmp_path / first["yaml"]["deepspeed"]
    ds.parent.mkdir(parents=True)
    offload = {"device": "cpu", "pin_memory": True}
    ds.write_text(json.dumps({"zero_optimization": {"stage": 3, "offload_optimizer": offload,
                                                    "offload_param": offload}}))  # fmt: skip
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(yaml.safe_dump({**yaml.safe_load(qwen_config.read_text()), **first["yaml"]}))
    assert main(["fit", str(fixed), "--free", "12GiB", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["estimate"]["total"] == first["total"]
