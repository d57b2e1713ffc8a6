"""Saving a loaded training config changes only the lines of the values that changed.

The judge of values is LLaMA-Factory's own reader, OmegaConf (installed with it): the saved
file must read as the original with the one change, and every other line stays as written.
"""

from __future__ import annotations

import difflib
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.lf.examples import EXAMPLES
from tests.lf.text_configs import TEXT_CONFIGS
from tui_ft.host import LocalHost
from tui_ft.lf import yamlio
from tui_ft.lf.yamledit import float_spelling
from tui_ft.train.config import TrainConfig

# One change per save: a field of the form and its new value.
CHANGES: list[tuple[str, Any]] = [
    ("learning_rate", 2e-5),
    ("num_train_epochs", 1.5),
    ("template", "qwen3"),
    ("output_dir", "saves/other/run"),
    ("cutoff_len", 3000),
    ("finetuning_type", "freeze"),
    ("trust_remote_code", False),
    ("model_name_or_path", "/models/yes"),  # a path that is also a YAML word
]


def _lf(text: str) -> dict[str, Any]:
    from omegaconf import OmegaConf

    return OmegaConf.to_container(OmegaConf.create(text))  # what llamafactory-cli reads


def _diff(before: str, after: str) -> tuple[list[str], list[str]]:
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm=""))
    body = [line for line in lines if not line.startswith(("---", "+++", "@@"))]
    removed = [line[1:] for line in body if line[0] == "-"]
    return removed, [line[1:] for line in body if line[0] == "+"]


def _notes(text: str) -> list[str]:
    """Comment lines, inline comments and blank lines: what a user wrote beside values."""
    return [line for line in text.splitlines() if "#" in line or not line.strip()]


ALL = {
    **TEXT_CONFIGS,
    **{f"lf-{k}": v.format(model="/m", deepspeed="ds.json") for k, v in EXAMPLES.items()},
}
CASES = [
    (name, field, value)
    for name, text in ALL.items()
    for field, value in CHANGES
    # a LoRA run turned into another drops its lora_* lines as well: not one change
    if _lf(text).get(field, value) != value and not (field == "finetuning_type" and "lora_" in text)
]


@pytest.mark.parametrize(("name", "field", "value"), CASES)
def test_one_change_is_one_line(name: str, field: str, value: Any) -> None:
    text = ALL[name]
    cfg = TrainConfig.from_yaml(text)
    setattr(cfg, field, value)
    saved = cfg.to_yaml()

    removed, added = _diff(text, saved)
    assert len(removed) == 1 and len(added) == 1, (removed, added)
    assert removed[0].startswith(f"{field}:") and added[0].startswith(f"{field}:")
    old_note = removed[0].partition(" #")[2] or removed[0].partition("  #")[2]
    assert added[0].endswith(old_note)  # the inline comment stays on the line
    assert _notes(saved) == _notes(text) or "#" in removed[0]

    expected = {**_lf(text), field: value}
    read = _lf(saved)
    assert read == expected and type(read[field]) is type(value)
    assert list(read) == list(_lf(text))  # key order as written


def test_spellings_follow_the_old_value() -> None:
    text = TEXT_CONFIGS["lora_sft"]
    for old, new, line in [
        ("1e-4", 2e-4, "learning_rate: 2e-4"),
        ("5.0e-5", 1e-5, "learning_rate: 1.0e-5"),
        ("3e-6", 1.5e-6, "learning_rate: 1.5e-6"),
        ("1.0e-4", 3e-5, "learning_rate: 3.0e-5"),
        ("0.0002", 1e-5, "learning_rate: 0.00001"),
    ]:
        cfg = TrainConfig.from_yaml(text.replace("learning_rate: 1e-4", f"learning_rate: {old}"))
        cfg.learning_rate = new
        assert line in cfg.to_yaml().splitlines()
        assert _lf(cfg.to_yaml())["learning_rate"] == new
    # quotes stay quotes, and a new string that YAML would read as a number gets them
    cfg = TrainConfig.from_yaml(TEXT_CONFIGS["full_ds3"])
    cfg.template, cfg.output_dir = "llama3", "1e-4"
    saved = cfg.to_yaml().splitlines()
    assert "template: 'llama3'" in saved and "output_dir: '1e-4'" in saved
    cfg = TrainConfig.from_yaml(TEXT_CONFIGS["pretrain_block_lists"])
    cfg.trust_remote_code = True
    cfg.do_train = False
    assert "do_train: False" in cfg.to_yaml().splitlines()  # `True` spelled as the file does
    assert float_spelling(3.0, "3") == "3.0"  # never a bare 3: OmegaConf would read an int


def test_a_new_key_goes_where_the_form_puts_it() -> None:
    text = TEXT_CONFIGS["lora_sft"]
    cfg = TrainConfig.from_yaml(text)
    cfg.lora_alpha = 16
    cfg.max_steps = 200
    saved = cfg.to_yaml()
    removed, added = _diff(text, saved)
    assert removed == [] and added == ["lora_alpha: 16", "max_steps: 200"]
    lines = saved.splitlines()
    # in its section: after lora_rank, and after num_train_epochs (the form's order)
    assert lines[lines.index("lora_alpha: 16") - 1] == "lora_rank: 8"
    assert lines[lines.index("max_steps: 200") - 1] == "num_train_epochs: 3.0"
    assert _lf(saved) == {**_lf(text), "lora_alpha": 16, "max_steps": 200}
    # a new key after the last line of a file without a final line break
    kto = TrainConfig.from_yaml(TEXT_CONFIGS["kto_no_final_newline"])
    kto.val_size = 0.1
    assert _lf(kto.to_yaml()) == {**_lf(TEXT_CONFIGS["kto_no_final_newline"]), "val_size": 0.1}


def test_a_removed_key_takes_its_line_and_comment_only() -> None:
    text = TEXT_CONFIGS["lora_sft"]
    cfg = TrainConfig.from_yaml(text)
    cfg.reset("report_to")  # the line with `# choices: [...]`
    cfg.reset("preprocessing_num_workers")  # the last line of its section
    removed, added = _diff(text, cfg.to_yaml())
    assert added == []
    assert removed == [
        "preprocessing_num_workers: 16",
        "report_to: none  # choices: [none, wandb, tensorboard, swanlab, mlflow]",
    ]


def test_precision_switch_is_one_line() -> None:
    text = TEXT_CONFIGS["full_ds3"]
    cfg = TrainConfig.from_yaml(text)
    cfg.compute_type = "fp16"
    removed, added = _diff(text, cfg.to_yaml())
    assert (removed, added) == (["bf16: true"], ["fp16: true"])
    assert _lf(cfg.to_yaml())["fp16"] is True


def test_changed_list_keeps_its_layout() -> None:
    text = TEXT_CONFIGS["pretrain_block_lists"]
    cfg = TrainConfig.from_yaml(text)
    cfg.extra["eval_dataset"] = ["c4_demo", "wiki_demo"]
    removed, added = _diff(text, cfg.to_yaml())
    assert removed == ["  - c4_demo"] or removed == []
    assert added[-1] == "  - wiki_demo"  # the file's two-space dash indent
    assert _lf(cfg.to_yaml())["eval_dataset"] == ["c4_demo", "wiki_demo"]
    full = TrainConfig.from_yaml(TEXT_CONFIGS["full_ds3"])
    full.extra["x"] = 1
    full.dataset = "identity"  # a flow list changed to the form's comma string
    removed, added = _diff(TEXT_CONFIGS["full_ds3"], full.to_yaml())
    assert removed == ["dataset: [identity, alpaca_en_demo]"]
    assert added == ["dataset: identity", "x: 1"]


def test_duplicate_key_is_still_refused_with_its_line() -> None:
    with pytest.raises(ValueError, match=r"^cfg\.yaml:3:1: not valid YAML .*duplicate key stage"):
        TrainConfig.from_yaml("stage: sft\n# again\nstage: dpo\n", source="cfg.yaml")


def test_save_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "train.yaml"
    path.write_text(TEXT_CONFIGS["dpo"])
    os.chmod(path, 0o640)
    host = LocalHost()
    cfg = TrainConfig.from_yaml(host.read_text(str(path)), source=str(path))
    cfg.learning_rate = 1e-6
    host.write_text(str(path), cfg.to_yaml())
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _diff(TEXT_CONFIGS["dpo"], path.read_text()) == (
        ["learning_rate: 3e-6"],
        ["learning_rate: 1e-6"],
    )


def test_a_config_made_in_the_form_is_written_whole() -> None:
    cfg = TrainConfig(model_name_or_path="/m", dataset="a", learning_rate=1e-4)
    assert cfg.source is None
    assert yamlio.load(cfg.to_yaml())["learning_rate"] == 1e-4
