"""Run in a subprocess by the tests: load each named dataset through LLaMA-Factory's own
data pipeline (parser, converter, sft preprocessing) and print how many examples survived
(one process for all names: importing llamafactory is the slow part)."""

import json
import sys
import tempfile

from llamafactory.data import get_dataset, get_template_and_fix_tokenizer
from llamafactory.hparams import get_train_args
from llamafactory.model import load_tokenizer


def main() -> None:
    model, dataset_dir, names = sys.argv[1], sys.argv[2], sys.argv[3]
    result = {}
    for name in names.split(","):
        result[name] = load_one(model, dataset_dir, name)
    print(json.dumps(result))


def load_one(model: str, dataset_dir: str, name: str) -> dict:
    with tempfile.TemporaryDirectory() as out:
        args = {
            "model_name_or_path": model,
            "stage": "sft",
            "do_train": True,
            "finetuning_type": "lora",
            "dataset": name,
            "dataset_dir": dataset_dir,
            "template": "default",
            "cutoff_len": 128,
            "preprocessing_num_workers": 1,
            "overwrite_cache": True,
            "output_dir": out,
            "report_to": "none",
            "use_cpu": True,
        }
        model_args, data_args, training_args, _, _ = get_train_args(args)
        tok = load_tokenizer(model_args)
        template = get_template_and_fix_tokenizer(tok["tokenizer"], data_args)
        module = get_dataset(template, model_args, data_args, training_args, "sft", **tok)
        train = module["train_dataset"]
        labelled = sum(any(x != -100 for x in row) for row in train["labels"])
        return {"examples": len(train), "with_labels": labelled}


if __name__ == "__main__":
    main()
