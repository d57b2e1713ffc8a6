"""After a merge, the tokenizer settings that shape the prompt are set back to training's.

Folders shaped as LLaMA-Factory's export leaves them (the real merge is in
test_demo_chain.py): plain files, so each case is exact.
"""

from __future__ import annotations

import json
from pathlib import Path

from tui_ft.export.tokenizer_sync import sync_tokenizer
from tui_ft.host import LocalHost

SPECIALS = {
    "0": {"content": "<unk>", "special": True},
    "1": {"content": "<s>", "special": True},
    "2": {"content": "</s>", "special": True},
}


def _folder(path: Path, config: dict, **files: str) -> Path:
    path.mkdir(parents=True)
    (path / "tokenizer_config.json").write_text(json.dumps(config, indent=2))
    for name, text in files.items():
        (path / name).write_text(text)
    return path


def _merged_as_lf_saves_it(root: Path, **extra) -> Path:
    """What LLaMA-Factory's export wrote for the demo: add_bos_token gone, padding added."""
    return _folder(
        root / "merged",
        {
            "added_tokens_decoder": SPECIALS,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "pad_token": "</s>",
            "padding_side": "left",
            "split_special_tokens": False,
            **extra,
        },
    )


def test_a_dropped_add_bos_token_is_set_back_and_the_rest_kept(tmp_path: Path):
    base = _folder(tmp_path / "base", {"add_bos_token": False, "bos_token": "<s>"})
    merged = _merged_as_lf_saves_it(tmp_path)
    before = json.loads((merged / "tokenizer_config.json").read_text())

    sync = sync_tokenizer(LocalHost(), str(merged), str(base))

    after = json.loads((merged / "tokenizer_config.json").read_text())
    assert after["add_bos_token"] is False
    assert {k: v for k, v in after.items() if k != "add_bos_token"} == before
    assert sync.ok and sync.fixed == [
        "add_bos_token: false as in the base model (the merge left missing)"
    ]
    assert [p.name for p in merged.iterdir()] == ["tokenizer_config.json"]  # no temp file left


def test_nothing_to_fix_writes_nothing(tmp_path: Path):
    base = _folder(tmp_path / "base", {"add_bos_token": False})
    merged = _merged_as_lf_saves_it(tmp_path, add_bos_token=False)
    mtime = (merged / "tokenizer_config.json").stat().st_mtime_ns
    sync = sync_tokenizer(LocalHost(), str(merged), str(base))
    assert sync.ok and sync.fixed == []
    assert (merged / "tokenizer_config.json").stat().st_mtime_ns == mtime


def test_chat_template_and_eos_come_back_from_the_tokenizer_training_saved(tmp_path: Path):
    base = _folder(tmp_path / "base", {"add_bos_token": False})
    run = tmp_path / "runs" / "r1"
    adapter = _folder(
        run / "output",
        {"eos_token": "<s>", "added_tokens_decoder": SPECIALS},
        **{"chat_template.jinja": "{{ 'Human: ' }}trained"},
    )
    (run / "training_args.yaml").write_text("template: default\n")
    merged = _merged_as_lf_saves_it(tmp_path, chat_template="{{ 'User: ' }}other")

    sync = sync_tokenizer(LocalHost(), str(merged), str(base), str(adapter), "default")

    after = json.loads((merged / "tokenizer_config.json").read_text())
    assert after["eos_token"] == "<s>" and after["add_bos_token"] is False
    # Where the merge keeps its chat template (here tokenizer_config.json), training's goes.
    assert after["chat_template"] == "{{ 'Human: ' }}trained"
    assert not (merged / "chat_template.jinja").exists()
    assert sync.ok and len(sync.fixed) == 3


def test_what_a_config_edit_cannot_fix_is_named_in_one_line(tmp_path: Path):
    base = _folder(tmp_path / "base", {})
    run = tmp_path / "runs" / "r1"
    adapter = _folder(
        run / "output" / "checkpoint-50",
        {"eos_token": "<|im_end|>", "added_tokens_decoder": SPECIALS},
        **{"chat_template.jinja": "qwen's"},
    )
    (run / "training_args.yaml").write_text("template: qwen\n")
    merged = _merged_as_lf_saves_it(tmp_path, chat_template="default's")

    sync = sync_tokenizer(LocalHost(), str(merged), str(base), str(adapter), "default")

    assert not sync.ok
    assert sync.differences[0] == (
        "merged with template 'default' but the run trained with 'qwen': "
        "export again with --template qwen"
    )
    assert sync.differences[1].startswith('eos_token is "</s>" in ')
    assert '"<|im_end|>" in training' in sync.differences[1]
    assert all("\n" not in line for line in sync.differences)
    # Named, not papered over: the merged chat template stays the export's own.
    assert json.loads((merged / "tokenizer_config.json").read_text())["chat_template"] == (
        "default's"
    )


def test_a_token_known_only_to_tokenizer_json_is_set_back(tmp_path: Path):
    """transformers 5 keeps added tokens in tokenizer.json, not in tokenizer_config.json."""
    base = _folder(tmp_path / "base", {})
    adapter = _folder(tmp_path / "run" / "output", {"extra_special_tokens": ["<s>", "<|x|>"]})
    fast = {"added_tokens": [{"id": 0, "content": "<s>"}, {"id": 5, "content": "<|x|>"}]}
    merged = _folder(
        tmp_path / "merged",
        {"extra_special_tokens": ["<s>"]},
        **{"tokenizer.json": json.dumps(fast)},
    )
    sync = sync_tokenizer(LocalHost(), str(merged), str(base), str(adapter))
    assert sync.ok and sync.fixed == ['extra_special_tokens: ["<s>", "<|x|>"] as in training']
    after = json.loads((merged / "tokenizer_config.json").read_text())
    assert after["extra_special_tokens"] == ["<s>", "<|x|>"]
