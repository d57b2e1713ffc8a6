"""A config loaded into the engine and saved again means exactly what it meant.

LLaMA-Factory itself is the judge: the saved file is read with its own reader
(`read_args`: OmegaConf) and parsed with `get_train_args`, and must give the same
mapping and the same argument dataclasses as the original.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest

from tests.lf.examples import EXAMPLES
from tui_ft.lf import yamlio
from tui_ft.train.config import TrainConfig

DS3 = {"train_batch_size": "auto", "zero_optimization": {"stage": 3}}
# Configs LLaMA-Factory accepts on this CPU-only machine (with its own `use_cpu=true`
# command-line override); the others need GPU libraries and must fail the same way.
PARSES_ON_CPU = {"full", "freeze", "lora", "qlora", "fp8", "multimodal", "ray"}
# pure_bf16 needs a bf16 GPU and KTransformers its kernels; the argument parser reads them.
PARSER_READS = PARSES_ON_CPU | {"galore", "apollo", "ktransformers"}


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _example(tmp: Path, key: str) -> str:
    ds = tmp / "ds_z3_config.json"
    ds.write_text(json.dumps(DS3))
    return EXAMPLES[key].format(model="/models/Llama-3-8B-Instruct", deepspeed=ds)


def _lf_read(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    from llamafactory.hparams.parser import read_args

    monkeypatch.setattr(sys, "argv", ["llamafactory-cli", str(path)])
    return read_args()


def _fields(parsed: tuple) -> list[dict[str, str]]:
    return [{f.name: repr(getattr(o, f.name)) for f in dataclasses.fields(o)} for o in parsed]


def _lf_parse(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """`get_train_args` on the file (its dataclasses, or the error it raises as text), and
    the dataclasses of the argument parser alone (before the checks that need a GPU)."""
    from llamafactory.hparams import get_train_args
    from llamafactory.hparams.parser import _parse_train_args

    monkeypatch.setattr(sys, "argv", ["llamafactory-cli", str(path), "use_cpu=true"])
    outcome: list[object] = []
    for parse in (get_train_args, _parse_train_args):
        try:
            outcome.append(_fields(parse()))
        except (ValueError, ImportError, RuntimeError) as exc:
            outcome.append(f"{type(exc).__name__}: {exc}")
    return outcome[0], outcome[1]


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_load_save_keeps_the_meaning(key: str, tmp_path: Path, monkeypatch) -> None:
    text = _example(tmp_path, key)
    original = _write(tmp_path, "original.yaml", text)
    cfg = TrainConfig.from_yaml(text, source=str(original))
    saved = _write(tmp_path, "saved.yaml", cfg.to_yaml())

    before, after = _lf_read(original, monkeypatch), _lf_read(saved, monkeypatch)
    assert after == before
    assert list(after) == list(before)  # the user's key order too
    # a second trip changes nothing either
    assert TrainConfig.from_yaml(saved.read_text()).to_yaml() == saved.read_text()

    parsed_before = _lf_parse(original, monkeypatch)
    parsed_after = _lf_parse(saved, monkeypatch)
    assert parsed_after == parsed_before
    assert isinstance(parsed_after[0], list) == (key in PARSES_ON_CPU), parsed_after[0]
    assert isinstance(parsed_after[1], list) == (key in PARSER_READS), parsed_after[1]


@pytest.mark.parametrize("key", ["galore", "apollo"])
def test_pure_bf16_gains_no_mixed_precision(key: str, tmp_path: Path) -> None:
    cfg = TrainConfig.from_yaml(_example(tmp_path, key))
    assert cfg.compute_type == "bf16"  # what the form shows
    out = yamlio.load(cfg.to_yaml())
    assert out["pure_bf16"] is True and "bf16" not in out and "fp16" not in out


def test_a_changed_field_is_the_only_change(tmp_path: Path) -> None:
    text = _example(tmp_path, "lora")
    cfg = TrainConfig.from_yaml(text)
    before = yamlio.load(text)
    cfg.learning_rate = 2e-4
    cfg.max_steps = 50  # not in the file: written because the user set it
    after = yamlio.load(cfg.to_yaml())
    assert after.pop("learning_rate") == 2e-4 and after.pop("max_steps") == 50
    before.pop("learning_rate")
    assert after == before
    assert cfg.explicit("max_steps") and not cfg.explicit("lora_dropout")


def test_precision_written_only_when_the_user_picks_one(tmp_path: Path) -> None:
    text = _example(tmp_path, "full").replace("bf16: true\n", "")
    cfg = TrainConfig.from_yaml(text)
    assert cfg.compute_type == "fp32" and not cfg.explicit("compute_type")
    assert yamlio.load(cfg.to_yaml()) == yamlio.load(text)
    cfg.compute_type = "fp16"
    out = yamlio.load(cfg.to_yaml())
    assert out["fp16"] is True and "bf16" not in out
    # switching a pure_bf16 config to fp16 drops pure_bf16 (one precision, not two)
    pure = TrainConfig.from_yaml(_example(tmp_path, "galore"))
    pure.compute_type = "fp16"
    out = yamlio.load(pure.to_yaml())
    assert out["fp16"] is True and "pure_bf16" not in out and "bf16" not in out


def test_reset_unwrites_a_field_and_defaults_stay_unwritten(tmp_path: Path) -> None:
    cfg = TrainConfig.from_yaml(_example(tmp_path, "lora"))
    cfg.reset("cutoff_len")
    assert "cutoff_len" not in yamlio.load(cfg.to_yaml()) and cfg.cutoff_len == 2048
    fresh = TrainConfig(model_name_or_path="/m", dataset="a", learning_rate=1e-4)
    out = yamlio.load(fresh.to_yaml())
    assert out["learning_rate"] == 1e-4 and "lora_dropout" not in out and "bf16" not in out
    assert not fresh.explicit("cutoff_len") and fresh.explicit("learning_rate")


def test_strings_that_look_like_floats_stay_strings() -> None:
    # PyYAML would write 1e-4 bare, which LLaMA-Factory's reader takes for a float
    cfg = TrainConfig.from_yaml("model_name_or_path: /m\nrun_name: '1e-4'\n")
    assert yamlio.load(cfg.to_yaml())["run_name"] == "1e-4"
    # and a bare 1e-4 is the number LLaMA-Factory reads, not a string
    assert TrainConfig.from_yaml("learning_rate: 1e-4\n").learning_rate == 1e-4
