"""Reading predict's output and building its config, without running anything."""

from __future__ import annotations

import json

import pytest

from tui_ft.evaluate import (
    EvalError,
    PredictSpec,
    build_predict_config,
    load_metrics,
    load_predictions,
    resolve_adapter,
    word_diff,
)
from tui_ft.evaluate.config import check_inputs
from tui_ft.host import LocalHost

HOST = LocalHost()


def test_metrics_and_predictions_are_read(tmp_path):
    (tmp_path / "predict_results.json").write_text(
        json.dumps(
            {
                "predict_bleu-4": 12.5,
                "predict_rouge-1": 40,
                "predict_rouge-2": 20.25,
                "predict_rouge-l": 33.0,
                "predict_runtime": 2.0,
            }
        )
    )
    recs = [
        {"prompt": "Human: hi", "predict": "I am TinyFT.", "label": "I am TinyFT."},
        {"prompt": "Human: 你是谁", "predict": "我是 助手", "label": "我是 TinyFT"},
    ]
    (tmp_path / "generated_predictions.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n"
    )
    metrics = load_metrics(HOST, str(tmp_path))
    assert metrics["predict_bleu-4"] == 12.5 and metrics["predict_rouge-1"] == 40.0
    preds = load_predictions(HOST, str(tmp_path))
    assert [p.exact for p in preds] == [True, False]
    assert preds[1].label == "我是 TinyFT"


def test_bad_files_are_named_with_line(tmp_path):
    with pytest.raises(EvalError, match=r"predict_results\.json: not found"):
        load_metrics(HOST, str(tmp_path))
    (tmp_path / "predict_results.json").write_text('{"predict_bleu-4": 1}')
    with pytest.raises(EvalError, match="missing predict_rouge-1"):
        load_metrics(HOST, str(tmp_path))
    (tmp_path / "generated_predictions.jsonl").write_text(
        '{"prompt": "a", "predict": "b", "label": "c"}\n{"prompt": "a"}\n'
    )
    with pytest.raises(EvalError, match=r"generated_predictions\.jsonl: line 2"):
        load_predictions(HOST, str(tmp_path))


def test_word_diff_marks_missing_and_extra_words():
    diff = word_diff("I am a helper by tui-ft.", "I am TinyFT by tui-ft.")
    assert ("=", "I am") in diff
    assert ("-", "TinyFT") in diff and ("+", "a helper") in diff
    # Chinese compares character by character, not as one blob.
    cjk = word_diff("我是助手", "我是TinyFT")
    assert cjk[0] == ("=", "我是")


def test_predict_config_for_adapter_and_merged(tmp_path):
    spec = PredictSpec("/m", "identity_demo", "/d", "/o", adapter="/a", max_samples=5)
    cfg = build_predict_config(spec)
    assert cfg["do_predict"] and cfg["predict_with_generate"] and cfg["stage"] == "sft"
    assert cfg["adapter_name_or_path"] == "/a" and cfg["finetuning_type"] == "lora"
    assert cfg["eval_dataset"] == "identity_demo" and cfg["max_samples"] == 5
    merged = build_predict_config(PredictSpec("/m", "x", "/d", "/o"))
    assert "adapter_name_or_path" not in merged


def test_adapter_found_in_run_folder(tmp_path):
    run = tmp_path / "run"
    for step in (5, 20, 100):
        (run / "output" / f"checkpoint-{step}").mkdir(parents=True)
    (run / "output" / "checkpoint-20" / "adapter_config.json").write_text("{}")
    (run / "output" / "checkpoint-5" / "adapter_config.json").write_text("{}")
    # checkpoint-100 has no adapter yet (being written): the newest complete one wins.
    assert resolve_adapter(HOST, str(run)).endswith("output/checkpoint-20")
    (run / "output" / "adapter_config.json").write_text("{}")
    assert resolve_adapter(HOST, str(run)) == str(run / "output")
    with pytest.raises(EvalError, match="no LoRA adapter"):
        resolve_adapter(HOST, str(tmp_path / "empty"))


def test_inputs_checked_before_launch(demo_workspace, tmp_path):
    model = str(demo_workspace / "models" / "tiny-llama-demo")
    ds = str(demo_workspace / "datasets")
    with pytest.raises(EvalError, match="not a model folder"):
        check_inputs(HOST, PredictSpec(str(tmp_path / "nope"), "identity_demo", ds, "/o"))
    with pytest.raises(EvalError, match=r"no dataset named 'nope'.*identity_demo"):
        check_inputs(HOST, PredictSpec(model, "nope", ds, "/o"))
    check_inputs(HOST, PredictSpec(model, "identity_demo", ds, "/o"))
