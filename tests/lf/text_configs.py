"""Training configs as people write them, to save over: comments, blank lines, spellings.

Written here in the shapes of LLaMA-Factory's `examples/` (section comments, inline notes,
`1e-4` / `3e-6` / `5.0e-5`, quoted strings, lists, nested `deepspeed:` paths), plus the
habits of hand-edited files (block lists, `True`, a file with no final line break).
"""

from __future__ import annotations

TEXT_CONFIGS: dict[str, str] = {
    "lora_sft": """\
### model
model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct
trust_remote_code: true

### method
stage: sft
do_train: true
finetuning_type: lora
lora_rank: 8
lora_target: all

### dataset
dataset: identity,alpaca_en_demo
template: llama3
cutoff_len: 2048
max_samples: 1000
overwrite_cache: true
preprocessing_num_workers: 16

### output
output_dir: saves/llama3-8b/lora/sft
logging_steps: 10
save_steps: 500
plot_loss: true
overwrite_output_dir: true
report_to: none  # choices: [none, wandb, tensorboard, swanlab, mlflow]

### train
per_device_train_batch_size: 1
gradient_accumulation_steps: 8
learning_rate: 1e-4
num_train_epochs: 3.0
lr_scheduler_type: cosine
warmup_ratio: 0.1
bf16: true
ddp_timeout: 180000000
resume_from_checkpoint: null
""",
    "full_ds3": """\
### model
model_name_or_path: "Qwen/Qwen2.5-7B-Instruct"
trust_remote_code: true

### method
stage: sft
do_train: true
finetuning_type: full # only support full for now
deepspeed: examples/deepspeed/ds_z3_config.json  # choices: [ds_z0_config.json, ds_z3_config.json]

### dataset
dataset: [identity, alpaca_en_demo]
template: 'qwen'
cutoff_len: 4096
max_samples: 1000

### output
output_dir: 'saves/qwen2.5-7b/full/sft'
logging_steps: 10
save_steps: 500

### train
per_device_train_batch_size: 1
gradient_accumulation_steps: 2
learning_rate: 5.0e-5
num_train_epochs: 3.0
lr_scheduler_type: cosine
warmup_ratio: 0.1
bf16: true
ddp_timeout: 180000000
""",
    "dpo": """\
### model
model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct
trust_remote_code: true

### method
stage: dpo
do_train: true
finetuning_type: lora
lora_rank: 8
lora_target: all
pref_beta: 0.1
pref_loss: sigmoid  # choices: [sigmoid (dpo), orpo, simpo]

### dataset
dataset: dpo_en_demo
template: llama3
cutoff_len: 2048

### output
output_dir: saves/llama3-8b/lora/dpo
logging_steps: 10
save_steps: 500

### train
per_device_train_batch_size: 1
gradient_accumulation_steps: 8
learning_rate: 3e-6
num_train_epochs: 3.0
lr_scheduler_type: cosine
warmup_ratio: 0.1
bf16: true

### eval
# val_size: 0.1
# per_device_eval_batch_size: 1
""",
    "pretrain_block_lists": """\
# continued pre-training on raw text
model_name_or_path: /models/tiny   # a local folder

stage: pt
do_train: True
finetuning_type: lora
lora_target:
  - q_proj
  - v_proj

dataset: c4_demo
eval_dataset:
  - c4_demo
template: default
cutoff_len: 1024

output_dir: saves/tiny/lora/pt
logging_steps: 5
save_steps: 100
learning_rate: 5.0e-5
num_train_epochs: 1.0
fp16: true
deepspeed: examples/deepspeed/ds_z2_offload_config.json
""",
    "kto_no_final_newline": """\
### model
model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct

### method
stage: kto
do_train: true
finetuning_type: lora
lora_target: all
pref_beta: 0.1

### dataset
dataset: kto_en_demo
template: llama3
cutoff_len: 2048

### train
output_dir: saves/llama3-8b/lora/kto
learning_rate: 5.0e-6
num_train_epochs: 3.0
lr_scheduler_type: cosine
warmup_ratio: 0.1
bf16: true""",
}
