"""The step types a recipe may use and the fields each one takes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


STR, BOOL, INT, NUM = str, bool, int, (int, float)
LIST = list
MAP = dict

STEP_TYPES: dict[str, dict[str, Field]] = {
    "demo": {"dir": Field(STR, help="workspace folder for the demo model and data")},
    "check": {
        "model": Field(STR, help="model folder to verify"),
        "manifest": Field(STR, help="saved manifest JSON (sizes, sha256)"),
        "sha256": Field(BOOL),
        "allow_warnings": Field(BOOL),
    },
    "download": {
        "repo": Field(
            STR, required=True, help="hub repository id, e.g. Qwen/Qwen2.5-1.5B-Instruct"
        ),
        "hub": Field(STR, choices=("modelscope", "hf")),
        "out": Field(STR),
    },
    "dataset": {
        "file": Field(STR, required=True),
        "name": Field(STR, required=True, help="the dataset_info.json entry name"),
        "dataset_dir": Field(STR),
        "fill": Field(MAP, help="values for {{name}}/{{author}} placeholders"),
    },
    "train": {
        "config": Field(MAP, help="LLaMA-Factory training arguments, inline"),
        "config_file": Field(STR, help="a LLaMA-Factory YAML file"),
        "run": Field(STR, help="run id, so later steps can refer to its output"),
        "nodes": Field(LIST, help="SSH hosts for multi-node training; the first is rank 0"),
        "nproc_per_node": Field(INT),
        "master": Field(STR, help="the node (one of nodes) that is rank 0; default the first"),
        "master_addr": Field(STR, help="rank 0's address as the other nodes see it"),
        "master_port": Field(INT),
    },
    "evaluate": {
        "model": Field(STR, required=True),
        "adapter": Field(STR),
        "dataset": Field(STR, required=True),
        "dataset_dir": Field(STR),
        "template": Field(STR),
        "max_samples": Field(INT),
    },
    "probes": {
        "model": Field(STR, required=True),
        "adapter": Field(STR),
        "template": Field(STR),
        "prompts": Field(LIST, required=True),
        "expect": Field(STR, help="text the fine-tuned answers must contain"),
    },
    "export": {
        "model": Field(STR, required=True),
        "adapter": Field(STR),
        "template": Field(STR),
        "out": Field(STR, required=True),
    },
    "gguf": {
        "model": Field(STR, required=True),
        "out": Field(STR, required=True, help="the .gguf file to write"),
        "outtype": Field(STR, choices=("f16", "bf16", "q8_0")),
        "quant": Field((str, list), help="llama-quantize type(s), e.g. Q4_K_M or [Q8_0, Q4_K_M]"),
        "adapter": Field(STR, help="a run or adapter folder: written as an adapter GGUF, no merge"),
        "base_gguf": Field(STR, help="the base model's GGUF for the adapter's Modelfile"),
        "perplexity": Field(STR, help="dataset whose held-out tenth scores each file"),
        "imatrix": Field(STR, help="dataset (or .gguf/.dat matrix) for an importance matrix"),
        "modelfile": Field(BOOL, help="write an Ollama Modelfile beside the GGUF"),
        "verify": Field(
            BOOL,
            help="load, generate and check the template; fail on a mismatch (default true; "
            "false skips it)",
        ),
        "template": Field(STR),
    },
}
