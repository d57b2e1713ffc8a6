"""Training configs in the style of LLaMA-Factory's `examples/` (written here, not copied).

Each keeps LLaMA-Factory's habits: section comments, `1.0e-4` floats, lists, nulls,
keys in the examples' order and keys tui-ft's form does not show.
"""

from __future__ import annotations

HEAD = """\
### model
model_name_or_path: {model}
trust_remote_code: true
"""

DATA = """\
### dataset
dataset: identity,alpaca_en_demo
template: llama3
cutoff_len: 2048
max_samples: 1000
overwrite_cache: true
preprocessing_num_workers: 16
dataloader_num_workers: 4
"""

OUTPUT = """\
### output
output_dir: saves/llama3-8b/{name}/sft
logging_steps: 10
save_steps: 500
plot_loss: true
overwrite_output_dir: true
save_only_model: false
report_to: none  # choices: [none, wandb, tensorboard, swanlab, mlflow]
"""

TRAIN = """\
### train
per_device_train_batch_size: 1
gradient_accumulation_steps: 8
learning_rate: 1.0e-4
num_train_epochs: 3.0
lr_scheduler_type: cosine
warmup_ratio: 0.1
{precision}
ddp_timeout: 180000000
resume_from_checkpoint: null
"""


def _config(name: str, method: str, *, precision: str = "bf16: true", extra: str = "") -> str:
    return (
        HEAD.format(model="{model}")
        + "\n### method\nstage: sft\ndo_train: true\n"
        + method
        + "\n"
        + DATA
        + "\n"
        + OUTPUT.format(name=name)
        + "\n"
        + TRAIN.format(precision=precision)
        + extra
    )


EXAMPLES: dict[str, str] = {
    "full": _config(
        "full",
        "finetuning_type: full\n",
    ),
    "freeze": _config(
        "freeze",
        "finetuning_type: freeze\nfreeze_trainable_layers: 2\nfreeze_trainable_modules: all\n",
    ),
    "lora": _config(
        "lora",
        "finetuning_type: lora\nlora_rank: 8\nlora_target: all\n",
        extra="\n### eval\n# eval_dataset: alpaca_en_demo\nval_size: 0.1\n"
        "per_device_eval_batch_size: 1\neval_strategy: steps\neval_steps: 500\n",
    ),
    "qlora": _config(
        "qlora",
        "finetuning_type: lora\nlora_rank: 8\nlora_target: all\n"
        "quantization_bit: 4\nquantization_method: bnb  # choices: [bnb, hqq, eetq]\n"
        "double_quantization: false\n",
    ),
    "deepspeed": _config(
        "full-ds3",
        "finetuning_type: full\ndeepspeed: {deepspeed}  # choices: [ds_z0, ds_z2, ds_z3]\n",
    ),
    "galore": _config(
        "galore",
        "finetuning_type: full\nuse_galore: true\ngalore_layerwise: true\n"
        "galore_target: mlp,self_attn\ngalore_rank: 128\ngalore_scale: 2.0\n",
        precision="pure_bf16: true",
    ),
    "apollo": _config(
        "apollo",
        "finetuning_type: full\nuse_apollo: true\napollo_layerwise: true\n"
        "apollo_target: mlp,self_attn\napollo_rank: 128\napollo_scale: 32.0\n"
        "apollo_scale_type: channel\n",
        precision="pure_bf16: true",
    ),
    "ray": _config(
        "ray",
        "finetuning_type: lora\nlora_rank: 8\nlora_target: all\n",
        extra="\n### ray\nray_num_workers: 4  # number of GPUs to use\n"
        "ray_init_kwargs:\n  runtime_env:\n    env_vars:\n      <YOUR-ENV-VAR-HERE>: x\n",
    ),
    "fp8": _config(
        "fp8",
        "finetuning_type: full\nfp8: true\nfp8_backend: auto\n"
        "fp8_enable_fsdp_float8_all_gather: true\n",
    ),
    "ktransformers": _config(
        "kt",
        "finetuning_type: lora\nlora_rank: 8\nlora_target: all\nuse_kt: true\n"
        "kt_use_lora_experts: true\nkt_lora_expert_num: 2\n",
    ),
    "multimodal": (
        "### model\nmodel_name_or_path: {model}\nimage_max_pixels: 262144\n"
        "video_max_pixels: 16384\ntrust_remote_code: true\n\n"
        "### method\nstage: sft\ndo_train: true\nfinetuning_type: full\n"
        "freeze_vision_tower: true\nfreeze_multi_modal_projector: true\n"
        "freeze_language_model: false\n\n"
        "### dataset\ndataset: [mllm_demo, identity, alpaca_en_demo]\ntemplate: qwen2_vl\n"
        "cutoff_len: 2048\nmax_samples: 1000\n\n"
        "### output\noutput_dir: saves/qwen2_vl-7b/full/sft\nlogging_steps: 10\n\n"
        "### train\nper_device_train_batch_size: 1\ngradient_accumulation_steps: 2\n"
        "learning_rate: 1e-5\nnum_train_epochs: 3.0\nlr_scheduler_type: cosine\n"
        "warmup_ratio: 0.1\nbf16: true\n"
    ),
}
