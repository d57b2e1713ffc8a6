"""The training config: YAML round trip, validation naming the field, the command."""

from __future__ import annotations

import pytest
import yaml

from tests.train.conftest import demo_config
from tui_ft.host import LocalHost
from tui_ft.train import TrainConfig, TrainConfigError, check_config, command, validate

EXAMPLE = """\
### model
model_name_or_path: /models/Qwen2.5-7B-Instruct
trust_remote_code: true
stage: sft
do_train: true
finetuning_type: lora
lora_rank: 16
lora_target: q_proj,v_proj
deepspeed: examples/deepspeed/ds_z3_config.json
dataset: identity,alpaca_en_demo
template: qwen
cutoff_len: 2048
max_samples: 1000
output_dir: saves/qwen-7b/lora/sft
logging_steps: 10
save_steps: 500
plot_loss: true
per_device_train_batch_size: 1
gradient_accumulation_steps: 8
learning_rate: 1.0e-4
num_train_epochs: 3.0
lr_scheduler_type: cosine
warmup_ratio: 0.1
bf16: true
ddp_timeout: 180000000
val_size: 0.1
eval_strategy: steps
"""


def test_yaml_round_trip_keeps_every_argument():
    cfg = TrainConfig.from_yaml(EXAMPLE)
    assert cfg.lora_rank == 16 and cfg.compute_type == "bf16" and cfg.deepspeed_stage == 3
    assert cfg.datasets == ["identity", "alpaca_en_demo"]
    assert cfg.extra == {"plot_loss": True, "ddp_timeout": 180000000, "eval_strategy": "steps"}
    again = TrainConfig.from_yaml(cfg.to_yaml())
    assert again == cfg
    # what LLaMA-Factory reads is the same mapping as the original file
    assert yaml.safe_load(cfg.to_yaml()) == yaml.safe_load(EXAMPLE)


def test_form_values_written_as_llamafactory_keys():
    cfg = TrainConfig(model_name_or_path="/m", dataset="a", compute_type="fp16", max_steps=5)
    out = yaml.safe_load(cfg.to_yaml())
    assert out["fp16"] is True and "bf16" not in out and "compute_type" not in out
    assert out["max_steps"] == 5 and "deepspeed" not in out
    full = TrainConfig(model_name_or_path="/m", dataset="a", finetuning_type="full")
    assert not any(k.startswith("lora_") for k in yaml.safe_load(full.to_yaml()))


def test_bad_yaml_names_file_and_line():
    with pytest.raises(ValueError, match=r"cfg.yaml:\d+:\d+: not valid YAML"):
        TrainConfig.from_yaml("a: 1\nb: [\n", source="cfg.yaml")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"dataset": "identity_demo,no_such_set"}, "dataset", "'no_such_set' is not in"),
        ({"learning_rate": -0.1}, "learning_rate", "must be > 0"),
        ({"model_name_or_path": "/nowhere/model"}, "model_name_or_path", "does not exist"),
        ({"lora_dropout": 1.5}, "lora_dropout", "must be < 1"),
        ({"per_device_train_batch_size": 0}, "per_device_train_batch_size", "> 0"),
        ({"lr_scheduler_type": "wobbly"}, "lr_scheduler_type", "must be one of"),
    ],
)
def test_invalid_config_is_rejected_naming_the_field(demo_workspace, change, field, words):
    cfg = demo_config(demo_workspace)
    for key, value in change.items():
        setattr(cfg, key, value)
    with pytest.raises(TrainConfigError) as err:
        validate(cfg, LocalHost())
    assert [e.field for e in err.value.errors] == [field]
    assert words in str(err.value) and f"{field}:" in str(err.value)


def test_valid_demo_config_passes_and_missing_registry_is_named(demo_workspace, tmp_path):
    cfg = demo_config(demo_workspace)
    assert check_config(cfg, LocalHost()) == []
    cfg.dataset_dir = str(tmp_path)
    errors = check_config(cfg, LocalHost())
    assert [e.field for e in errors] == ["dataset_dir"]
    assert "dataset_info.json does not exist" in errors[0].message


def test_command_names_env_and_torchrun():
    assert command("/r/training_args.yaml") == (
        "LLAMABOARD_ENABLED=1 LLAMABOARD_WORKDIR=<output_dir> "
        "llamafactory-cli train /r/training_args.yaml"
    )
    assert command("/r/a.yaml", devices="0,1").startswith(
        "CUDA_VISIBLE_DEVICES=0,1 FORCE_TORCHRUN=1 "
    )
