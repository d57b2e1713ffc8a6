"""The estimate against the real peak on a GPU: random-initialised Qwen2-shaped models.

For the `device` session of issue 33 (one prepared script, about 10 minutes on one GPU).
Models of about 0.5 B, 1.5 B and 3 B (Qwen2.5's shapes, random weights, no download; the
demo's tokenizer), each with LoRA, QLoRA (when bitsandbytes imports) and full
fine-tuning (ZeRO-free, AdamW, bf16), each at two sequence lengths. Every record is
longer than cutoff_len, so each row is exactly cutoff_len tokens. Each combination runs
`tui-ft fit CONFIG --probe --steps N --json`: the estimate, then a real LLaMA-Factory run
of N steps whose `torch.cuda.max_memory_allocated` the probe's hook records.

    python benchmarks/fit_gpu.py [--sizes 0.5b,1.5b,3b] [--seqs 512,2048] [--steps 4]

Prints one row per combination (estimate, peak, error) and writes fit_gpu.json to $OUT
(or the current folder). Targets (issue 33): estimate within ±15 % of the peak.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

GIB = 1 << 30
QWEN = {  # Qwen2.5's published shapes
    "0.5b": dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
                 num_attention_heads=14, num_key_value_heads=2, tie_word_embeddings=True),
    "1.5b": dict(hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
                 num_attention_heads=12, num_key_value_heads=2, tie_word_embeddings=True),
    "3b": dict(hidden_size=2048, intermediate_size=11008, num_hidden_layers=36,
               num_attention_heads=16, num_key_value_heads=2, tie_word_embeddings=True),
}  # fmt: skip
METHODS = {
    "lora": {"finetuning_type": "lora", "lora_target": "all", "lora_rank": 16},
    "qlora": {"finetuning_type": "lora", "lora_target": "all", "lora_rank": 16,
              "quantization_bit": 4},
    "full": {"finetuning_type": "full"},
}  # fmt: skip


def build_model(root: Path, name: str, tokenizer_from: Path) -> Path:
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    out = root / "models" / f"qwen2-{name}"
    if (out / "config.json").exists():
        return out
    cfg = Qwen2Config(vocab_size=151936, max_position_embeddings=32768, **QWEN[name])
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = Qwen2ForCausalLM(cfg).to(torch.bfloat16)
    model.save_pretrained(out, safe_serialization=True)
    del model
    torch.cuda.empty_cache()
    for f in tokenizer_from.iterdir():
        if f.name.startswith(("tokenizer", "special_tokens")):
            shutil.copy(f, out / f.name)
    return out


def write_data(root: Path, records: int = 64) -> Path:
    data = root / "datasets"
    data.mkdir(parents=True, exist_ok=True)
    long = " ".join(f"word{i % 97} 数据" for i in range(6000))  # longer than any cutoff_len
    rows = [{"instruction": long, "input": "", "output": long} for _ in range(records)]
    (data / "long.json").write_text(json.dumps(rows, ensure_ascii=False))
    (data / "dataset_info.json").write_text(json.dumps({"long": {"file_name": "long.json"}}))
    return data


def run_one(root: Path, model: Path, data: Path, method: str, seq: int, steps: int) -> dict:
    cfg = {
        "model_name_or_path": str(model), "stage": "sft", "do_train": True, "bf16": True,
        "dataset": "long", "dataset_dir": str(data), "template": "default", "cutoff_len": seq,
        "per_device_train_batch_size": 2, "gradient_accumulation_steps": 1,
        "learning_rate": 1e-5, "preprocessing_num_workers": 4, "report_to": "none",
        "overwrite_cache": True, **METHODS[method],
    }  # fmt: skip
    path = root / f"{model.name}-{method}-{seq}.yaml"
    path.write_text(json.dumps(cfg))
    argv = [sys.executable, "-m", "tui_ft", "--workspace", str(root), "fit", str(path),
            "--probe", "--steps", str(steps), "--json"]  # fmt: skip
    t0 = time.monotonic()
    res = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    row = {"model": model.name, "method": method, "seq": seq, "seconds": time.monotonic() - t0}
    try:
        doc = json.loads(res.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        row["error"] = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
        return row
    est, probe = doc["estimate"], doc.get("probe") or {}
    row.update(estimate=est["allocated"], estimate_total=est["total"], seq_len=est["seq_len"],
               peak=probe.get("allocated"), reserved=probe.get("reserved"))  # fmt: skip
    if row["peak"]:
        row["error_pct"] = 100 * (row["estimate"] - row["peak"]) / row["peak"]
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="0.5b,1.5b,3b")
    ap.add_argument("--seqs", default="512,2048")
    ap.add_argument("--methods", default="lora,qlora,full")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--root", default="/tmp/fit-gpu")
    opts = ap.parse_args()
    import torch

    if not torch.cuda.is_available():
        raise SystemExit("fit_gpu: no CUDA GPU here")
    methods = opts.methods.split(",")
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        methods = [m for m in methods if m != "qlora"]
        print("bitsandbytes missing: QLoRA left out", file=sys.stderr)
    root = Path(opts.root)
    from tui_ft.demo.build import create_demo_workspace

    demo = create_demo_workspace(root / "demo")
    tokenizer = Path(demo) / "models" / "tiny-llama-demo"
    data = write_data(root)
    rows = []
    print(f"{'model':<12} {'method':<6} {'seq':>5} {'estimate':>9} {'peak':>9} {'error':>7}")
    for name in opts.sizes.split(","):
        model = build_model(root, name, tokenizer)
        for method in methods:
            for seq in (int(s) for s in opts.seqs.split(",")):
                row = run_one(root, model, data, method, seq, opts.steps)
                rows.append(row)
                if "error" in row or not row.get("peak"):
                    print(f"{model.name:<12} {method:<6} {seq:>5}  failed: {row.get('error')}")
                    continue
                est, peak = row["estimate"] / GIB, row["peak"] / GIB
                print(f"{model.name:<12} {method:<6} {seq:>5} {est:>8.2f}G {peak:>8.2f}G "
                      f"{row['error_pct']:>+6.1f}%", flush=True)  # fmt: skip
    errs = [abs(r["error_pct"]) for r in rows if "error_pct" in r]
    if errs:
        within = sum(e <= 15 for e in errs)
        print(f"within ±15 %: {within}/{len(errs)}; mean |error| {sum(errs) / len(errs):.1f} %")
    out = Path(os.environ.get("OUT") or ".") / "fit_gpu.json"
    out.write_text(json.dumps({"device": torch.cuda.get_device_name(), "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
