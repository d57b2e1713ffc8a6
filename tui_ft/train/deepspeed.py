"""DeepSpeed configs for the form's ZeRO stage choice (LLaMA-Factory's example files).

"auto" values are filled in by the HF Trainer from the training arguments.
"""

from __future__ import annotations

from typing import Any


def deepspeed_config(stage: int) -> dict[str, Any]:
    zero: dict[str, Any] = {"stage": stage}
    if stage in (2, 3):
        zero.update(
            overlap_comm=False,
            contiguous_gradients=True,
            reduce_bucket_size=500000000 if stage == 2 else "auto",
        )
    if stage == 2:
        zero.update(allgather_partitions=True, allgather_bucket_size=500000000)
        zero.update(reduce_scatter=True, round_robin_gradients=True)
    if stage == 3:
        zero.update(
            sub_group_size=1000000000,
            stage3_prefetch_bucket_size="auto",
            stage3_param_persistence_threshold="auto",
            stage3_max_live_parameters=1000000000,
            stage3_max_reuse_distance=1000000000,
            stage3_gather_16bit_weights_on_model_save=True,
        )
    return {
        "train_batch_size": "auto",
        "train_micro_batch_size_per_gpu": "auto",
        "gradient_accumulation_steps": "auto",
        "gradient_clipping": "auto",
        "zero_allow_untested_optimizer": True,
        "fp16": {
            "enabled": "auto",
            "loss_scale": 0,
            "loss_scale_window": 1000,
            "initial_scale_power": 16,
            "hysteresis": 2,
            "min_loss_scale": 1,
        },
        "bf16": {"enabled": "auto"},
        "zero_optimization": zero,
    }
